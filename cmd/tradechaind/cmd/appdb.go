package cmd

import (
	"fmt"
	"path/filepath"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"
	"github.com/syndtr/goleveldb/leveldb/filter"
	"github.com/syndtr/goleveldb/leveldb/opt"
)

// Start flags of the application database; the same keys are the [app-db]
// section of app.toml.
const (
	FlagAppDBWriteBuffer    = "app-db.write-buffer-mib"
	FlagAppDBSeekCompaction = "app-db.seek-compaction"
	FlagAppDBBlockCache     = "app-db.block-cache-mib"

	// DefaultAppDBWriteBufferMiB is the goleveldb memtable of application.db
	// (goleveldb's own default is 4 MiB).
	DefaultAppDBWriteBufferMiB = 64
	// DefaultAppDBBlockCacheMiB is the goleveldb block cache of
	// application.db (goleveldb's own default is 8 MiB).
	DefaultAppDBBlockCacheMiB = 128
)

// appDBConfig is the [app-db] section of app.toml.
type appDBConfig struct {
	WriteBufferMiB int  `mapstructure:"write-buffer-mib"`
	SeekCompaction bool `mapstructure:"seek-compaction"`
	BlockCacheMiB  int  `mapstructure:"block-cache-mib"`
}

const appDBConfigTemplate = `
###############################################################################
###                         Application Database                            ###
###############################################################################

# goleveldb options of data/application.db (app-db-backend = goleveldb, the
# default). Other commands (export, rollback, snapshots) open the same files
# with goleveldb's defaults.
[app-db]

# Memtable size in MiB: how much state is written before it is flushed to a
# table and merged into the levels below (goleveldb's default is 4).
write-buffer-mib = {{ .AppDB.WriteBufferMiB }}

# Let reads that miss trigger compactions (goleveldb's default).
seek-compaction = {{ .AppDB.SeekCompaction }}

# Block cache in MiB: decoded table blocks — the bloom filters and indexes of
# every table, and the IAVL nodes read most — kept in memory (goleveldb's
# default is 8, which a state of 100,000 bills outgrows: every IAVL node read
# below the node cache then re-reads and decompresses a block).
block-cache-mib = {{ .AppDB.BlockCacheMiB }}
`

// addAppDBFlags adds the application database flags to the start command.
func addAppDBFlags(cmd *cobra.Command) {
	cmd.Flags().Int(FlagAppDBWriteBuffer, DefaultAppDBWriteBufferMiB,
		"goleveldb memtable of application.db in MiB: how much state is written before it is flushed and compacted (goleveldb's default is 4)")
	cmd.Flags().Bool(FlagAppDBSeekCompaction, false,
		"let reads trigger goleveldb compactions of application.db (goleveldb's default; costs a busy zone CPU for no read gain)")
	cmd.Flags().Int(FlagAppDBBlockCache, DefaultAppDBBlockCacheMiB,
		"goleveldb block cache of application.db in MiB: decoded blocks (filters, indexes, IAVL nodes) kept in memory (goleveldb's default is 8)")
}

// openAppDB is the start command's opener of data/application.db.
// The SDK opens it with goleveldb's defaults, made for a small embedded
// database: a 4 MiB memtable, and compactions triggered by reads that miss.
// A zone writes every block a new IAVL version plus a fast-node entry per
// key it changed, at keys spread over the whole state, so each 4 MiB flush
// is merged with every level-1 table of the state, and the reads of every
// transaction trigger more merges: at 320 IssueBill/s goleveldb compacted
// 94 times in 3 minutes and the zone fell behind (docs/performance.md).
// A larger memtable merges the same bytes in fewer, larger passes, and reads
// no longer trigger compactions. Its 8 MiB block cache, too, is outgrown
// by the time a zone holds 100,000 bills: each IAVL node read below the node
// cache then re-reads and decompresses a table block, and the bloom filters
// and indexes of the tables are evicted by the data blocks — at 150,000 bills
// 41% of a busy node's CPU went to goleveldb's readRawBlock. The block cache
// keeps them decoded in memory. Other backends are opened as the SDK does;
// the files are goleveldb's usual format, so every other command (export,
// rollback, snapshots) opens them with its defaults.
func openAppDB(rootDir string, backend dbm.BackendType, v *viper.Viper) (dbm.DB, error) {
	dataDir := filepath.Join(rootDir, "data")
	if backend != dbm.GoLevelDBBackend {
		return dbm.NewDB("application", backend, dataDir)
	}
	o, err := appDBOptions(v)
	if err != nil {
		return nil, err
	}
	return dbm.NewGoLevelDBWithOpts("application", dataDir, o)
}

// appDBOptions are the goleveldb options of application.db: cosmos-db's
// (a bloom filter) plus the write buffer, block cache and seek-compaction
// settings.
func appDBOptions(v *viper.Viper) (*opt.Options, error) {
	mib := DefaultAppDBWriteBufferMiB
	if v.IsSet(FlagAppDBWriteBuffer) {
		mib = v.GetInt(FlagAppDBWriteBuffer)
	}
	if mib < 1 || mib > 1024 {
		return nil, fmt.Errorf("%s must be between 1 and 1024 MiB, got %d", FlagAppDBWriteBuffer, mib)
	}
	cache := DefaultAppDBBlockCacheMiB
	if v.IsSet(FlagAppDBBlockCache) {
		cache = v.GetInt(FlagAppDBBlockCache)
	}
	if cache < 8 || cache > 8192 {
		return nil, fmt.Errorf("%s must be between 8 and 8192 MiB, got %d", FlagAppDBBlockCache, cache)
	}
	return &opt.Options{
		Filter:                 filter.NewBloomFilter(10),
		WriteBuffer:            mib * opt.MiB,
		BlockCacheCapacity:     cache * opt.MiB,
		DisableSeeksCompaction: !v.GetBool(FlagAppDBSeekCompaction),
	}, nil
}
