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

	// DefaultAppDBWriteBufferMiB is the goleveldb memtable of application.db
	// (goleveldb's own default is 4 MiB).
	DefaultAppDBWriteBufferMiB = 64
)

// appDBConfig is the [app-db] section of app.toml.
type appDBConfig struct {
	WriteBufferMiB int  `mapstructure:"write-buffer-mib"`
	SeekCompaction bool `mapstructure:"seek-compaction"`
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
`

// addAppDBFlags adds the application database flags to the start command.
func addAppDBFlags(cmd *cobra.Command) {
	cmd.Flags().Int(FlagAppDBWriteBuffer, DefaultAppDBWriteBufferMiB,
		"goleveldb memtable of application.db in MiB: how much state is written before it is flushed and compacted (goleveldb's default is 4)")
	cmd.Flags().Bool(FlagAppDBSeekCompaction, false,
		"let reads trigger goleveldb compactions of application.db (goleveldb's default; costs a busy zone CPU for no read gain)")
}

// openAppDB is the start command's opener of data/application.db.
// The SDK opens it with goleveldb's defaults, made for a small embedded
// database: a 4 MiB memtable, and compactions triggered by reads that miss.
// A zone writes every block a new IAVL version plus a fast-node entry per
// key it changed, at keys spread over the whole state, so each 4 MiB flush
// is merged with every level-1 table of the state, and the reads of every
// transaction trigger more merges: at 320 IssueBill/s goleveldb compacted
// 94 times in 3 minutes and the zone fell behind (README, "Load and scale").
// A larger memtable merges the same bytes in fewer, larger passes, and reads
// no longer trigger compactions. Other backends are opened as the SDK does;
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
// (a bloom filter) plus the write buffer and seek-compaction settings.
func appDBOptions(v *viper.Viper) (*opt.Options, error) {
	mib := DefaultAppDBWriteBufferMiB
	if v.IsSet(FlagAppDBWriteBuffer) {
		mib = v.GetInt(FlagAppDBWriteBuffer)
	}
	if mib < 1 || mib > 1024 {
		return nil, fmt.Errorf("%s must be between 1 and 1024 MiB, got %d", FlagAppDBWriteBuffer, mib)
	}
	return &opt.Options{
		Filter:                 filter.NewBloomFilter(10),
		WriteBuffer:            mib * opt.MiB,
		DisableSeeksCompaction: !v.GetBool(FlagAppDBSeekCompaction),
	}, nil
}
