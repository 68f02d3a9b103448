// Command simd-appdb is ibc-go v8.8.0's simd — the same root command, app and
// modules — whose start command opens data/application.db with goleveldb
// options given on the command line, through the SDK's own hook for that
// (server.StartCmdOptions.DBOpener). Without the flags it opens the database
// exactly as simd does (the SDK's opener, goleveldb's defaults).
//
// It lets `go run ./cmd/loadtest -simd-settings same` compare tradechaind with
// a plain SDK chain that stores its state with the same database settings
// (tradechaind's [app-db] section), so that a ratio measures what each chain
// does per transaction, not how its database is tuned. Build it with
// `make simd` (bin/simd-appdb).
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"cosmossdk.io/log"
	"github.com/spf13/cobra"
	"github.com/syndtr/goleveldb/leveldb/filter"
	"github.com/syndtr/goleveldb/leveldb/opt"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/server"
	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	"github.com/cosmos/cosmos-sdk/x/crisis"

	"github.com/cosmos/ibc-go/v8/testing/simapp"
	"github.com/cosmos/ibc-go/v8/testing/simapp/simd/cmd"
)

// The flags carry tradechaind's names (its start command and [app-db]).
const (
	flagWriteBuffer    = "app-db.write-buffer-mib"
	flagBlockCache     = "app-db.block-cache-mib"
	flagSeekCompaction = "app-db.seek-compaction"
)

func main() {
	root := cmd.NewRootCmd()
	for _, c := range root.Commands() {
		if c.Name() == "start" {
			root.RemoveCommand(c)
		}
	}
	var start *cobra.Command
	start = server.StartCmdWithOptions(newApp, simapp.DefaultNodeHome, server.StartCmdOptions{
		DBOpener: func(rootDir string, backend dbm.BackendType) (dbm.DB, error) {
			return openAppDB(start, rootDir, backend)
		},
		AddFlags: func(c *cobra.Command) {
			crisis.AddModuleInitFlags(c) // as simd's start command
			c.Flags().Int(flagWriteBuffer, 0, "goleveldb memtable of application.db in MiB (0: goleveldb's default, 4)")
			c.Flags().Int(flagBlockCache, 0, "goleveldb block cache of application.db in MiB (0: goleveldb's default, 8)")
			c.Flags().Bool(flagSeekCompaction, true, "let reads trigger goleveldb compactions of application.db (goleveldb's default)")
		},
	})
	root.AddCommand(start)
	if err := svrcmd.Execute(root, "", simapp.DefaultNodeHome); err != nil {
		fmt.Fprintln(root.OutOrStderr(), err)
		os.Exit(1)
	}
}

// openAppDB opens data/application.db as the SDK does, unless an option flag
// was given: then with cosmos-db's goleveldb options (a bloom filter) and
// those.
func openAppDB(start *cobra.Command, rootDir string, backend dbm.BackendType) (dbm.DB, error) {
	dataDir := filepath.Join(rootDir, "data")
	fs := start.Flags()
	if backend != dbm.GoLevelDBBackend || !(fs.Changed(flagWriteBuffer) || fs.Changed(flagBlockCache) || fs.Changed(flagSeekCompaction)) {
		return dbm.NewDB("application", backend, dataDir)
	}
	wb, _ := fs.GetInt(flagWriteBuffer)
	bc, _ := fs.GetInt(flagBlockCache)
	seek, _ := fs.GetBool(flagSeekCompaction)
	o := &opt.Options{Filter: filter.NewBloomFilter(10), DisableSeeksCompaction: !seek}
	if wb > 0 {
		o.WriteBuffer = wb * opt.MiB
	}
	if bc > 0 {
		o.BlockCacheCapacity = bc * opt.MiB
	}
	return dbm.NewGoLevelDBWithOpts("application", dataDir, o)
}

// newApp is simd's app creator (ibc-go's testing/simapp/simd/cmd newApp,
// which is not exported).
func newApp(logger log.Logger, db dbm.DB, traceStore io.Writer, appOpts servertypes.AppOptions) servertypes.Application {
	return simapp.NewSimApp(logger, db, traceStore, true, appOpts, server.DefaultBaseappOptions(appOpts)...)
}
