// Package cmd builds the tradechaind command tree.
package cmd

import (
	"errors"
	"io"
	"os"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"cosmossdk.io/log"
	confixcmd "cosmossdk.io/tools/confix/cmd"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/config"
	"github.com/cosmos/cosmos-sdk/client/debug"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/keys"
	"github.com/cosmos/cosmos-sdk/client/pruning"
	"github.com/cosmos/cosmos-sdk/client/rpc"
	"github.com/cosmos/cosmos-sdk/client/snapshot"
	"github.com/cosmos/cosmos-sdk/server"
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authcmd "github.com/cosmos/cosmos-sdk/x/auth/client/cli"
	"github.com/cosmos/cosmos-sdk/x/auth/tx"
	txmodule "github.com/cosmos/cosmos-sdk/x/auth/tx/config"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/crisis"
	genutilcli "github.com/cosmos/cosmos-sdk/x/genutil/client/cli"

	"github.com/tradechain/tradechain/app"
	cargocli "github.com/tradechain/tradechain/x/cargo/client/cli"
)

// NewRootCmd creates the tradechaind root command.
func NewRootCmd() *cobra.Command {
	tempDir, err := os.MkdirTemp("", "tradechaind")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(tempDir)
	// A throw-away app instance gives the codecs and module basics the CLI needs.
	tempApp := app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, true, simtestutil.NewAppOptionsWithFlagHome(tempDir))

	initClientCtx := client.Context{}.
		WithCodec(tempApp.AppCodec()).
		WithInterfaceRegistry(tempApp.InterfaceRegistry()).
		WithLegacyAmino(tempApp.LegacyAmino()).
		WithTxConfig(tempApp.TxConfig()).
		WithInput(os.Stdin).
		WithAccountRetriever(authtypes.AccountRetriever{}).
		WithHomeDir(app.DefaultNodeHome).
		WithViper("TRADECHAIN")

	rootCmd := &cobra.Command{
		Use:           "tradechaind",
		Short:         "tradechain: eBLs, letters of credit and trade finance for the Hong Kong–Shanghai corridor",
		SilenceErrors: true,
		// An error is printed alone, not after the command's usage text
		// (`--help` shows that).
		SilenceUsage: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(cmd.OutOrStdout())
			cmd.SetErr(cmd.ErrOrStderr())

			initClientCtx = initClientCtx.WithCmdContext(cmd.Context())
			initClientCtx, err := client.ReadPersistentCommandFlags(initClientCtx, cmd.Flags())
			if err != nil {
				return err
			}
			initClientCtx, err = config.ReadFromClientConfig(initClientCtx)
			if err != nil {
				return err
			}
			// Online commands can also sign in SIGN_MODE_TEXTUAL, which needs
			// denom metadata from the chain.
			if !initClientCtx.Offline {
				txConfigWithTextual, err := tx.NewTxConfigWithOptions(initClientCtx.Codec, tx.ConfigOptions{
					EnabledSignModes:           append(tx.DefaultSignModes, signing.SignMode_SIGN_MODE_TEXTUAL),
					TextualCoinMetadataQueryFn: txmodule.NewGRPCCoinMetadataQueryFn(initClientCtx),
				})
				if err != nil {
					return err
				}
				initClientCtx = initClientCtx.WithTxConfig(txConfigWithTextual)
			}
			if err := client.SetCmdClientContextHandler(initClientCtx, cmd); err != nil {
				return err
			}
			appTemplate, appConfig := initAppConfig()
			return server.InterceptConfigsPreRunHandler(cmd, appTemplate, appConfig, initCometBFTConfig())
		},
	}

	initRootCmd(rootCmd, tempApp)

	autoCliOpts := tempApp.AutoCliOpts()
	autoCliOpts.ClientCtx = initClientCtx
	if err := autoCliOpts.EnhanceRootCommand(rootCmd); err != nil {
		panic(err)
	}
	return rootCmd
}

// initCometBFTConfig returns the CometBFT defaults written by `init`.
func initCometBFTConfig() *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	// A trade zone is a small permissioned validator set; two-second blocks
	// keep interactive flows (and IBC round trips) short.
	cfg.Consensus.TimeoutCommit = 2 * time.Second
	// CometBFT's own metrics (consensus, p2p, mempool), on loopback.
	cfg.Instrumentation.Prometheus = true
	cfg.Instrumentation.PrometheusListenAddr = "127.0.0.1:26660"
	return cfg
}

// appConfig is tradechaind's app.toml: the SDK's server configuration plus
// the [app-db] section.
type appConfig struct {
	serverconfig.Config `mapstructure:",squash"`
	AppDB               appDBConfig `mapstructure:"app-db"`
}

const appConfigTemplate = serverconfig.DefaultConfigTemplate + appDBConfigTemplate

// initAppConfig returns the app.toml that `init` writes.
func initAppConfig() (string, interface{}) {
	return appConfigTemplate, defaultAppConfig()
}

// State-sync snapshot defaults of `tradechaind init` and `testnet init-files`.
const (
	DefaultSnapshotInterval   = 1000
	DefaultSnapshotKeepRecent = 2
)

// defaultAppConfig is the app.toml of a new node (`init`, `testnet
// init-files`): REST and gRPC on, zero minimum gas price in utrade (a
// permissioned zone; operators raise it), telemetry on (Prometheus format at
// the REST server's /metrics) and the settings of a busy node.
func defaultAppConfig() *appConfig {
	srvCfg := serverconfig.DefaultConfig()
	srvCfg.MinGasPrices = "0" + app.BondDenom
	srvCfg.API.Enable = true
	srvCfg.API.Address = "tcp://127.0.0.1:1317"
	srvCfg.GRPC.Enable = true
	srvCfg.GRPC.Address = "127.0.0.1:9090"
	srvCfg.IndexEvents = app.DefaultIndexEvents()
	// The IAVL node cache dominates a busy node's heap once the state holds
	// tens of thousands of bills, and its millions of small objects are what
	// the Go GC spends its time marking. Reads go to the fast-node index, not
	// the tree, so 50k nodes (SDK default 781,250) — the hot upper levels —
	// serve writes as well: a third less RSS and less GC at the same
	// throughput and query latency (docs/performance.md).
	srvCfg.IAVLCacheSize = 50_000
	// State sync: every node serves a snapshot every 1,000 blocks (about 17
	// minutes at 1 s blocks) and keeps the latest two, so a new node joins a
	// zone in minutes instead of replaying it from genesis (docs/operating.md).
	srvCfg.StateSync.SnapshotInterval = DefaultSnapshotInterval
	srvCfg.StateSync.SnapshotKeepRecent = DefaultSnapshotKeepRecent
	// Telemetry: the SDK's metrics and the zone's trade metrics (app/metrics.go)
	// at http://127.0.0.1:1317/metrics?format=prometheus.
	srvCfg.Telemetry.Enabled = true
	srvCfg.Telemetry.PrometheusRetentionTime = 60
	return &appConfig{Config: *srvCfg, AppDB: appDBConfig{WriteBufferMiB: DefaultAppDBWriteBufferMiB, BlockCacheMiB: DefaultAppDBBlockCacheMiB}}
}

func initRootCmd(rootCmd *cobra.Command, a *app.App) {
	basics := a.BasicModuleManager
	rootCmd.AddCommand(
		withBlockMaxGas(genutilcli.InitCmd(basics, app.DefaultNodeHome)),
		debug.Cmd(),
		confixcmd.ConfigCommand(),
		pruning.Cmd(newApp, app.DefaultNodeHome),
		snapshot.Cmd(newApp),
		testnetCmd(basics),
	)

	var startCmd *cobra.Command
	startOpts := server.StartCmdOptions{
		DBOpener: func(rootDir string, backend dbm.BackendType) (dbm.DB, error) {
			return openAppDB(rootDir, backend, server.GetServerContextFromCmd(startCmd).Viper)
		},
		AddFlags: func(cmd *cobra.Command) {
			startCmd = cmd
			crisis.AddModuleInitFlags(cmd)
			cmd.Flags().Int(app.FlagSigVerifyCacheSize, app.DefaultVerifiedSignatures,
				"signatures verified before or in CheckTx that a block need not verify again when its sign bytes are unchanged (0 verifies every time, in CheckTx and in the block)")
			addAppDBFlags(cmd)
		},
	}
	server.AddCommandsWithStartCmdOptions(rootCmd, app.DefaultNodeHome, newApp, appExport, startOpts)
	withPreverifyingStart(startCmd, newApp, startOpts)

	rootCmd.AddCommand(
		server.StatusCommand(),
		genesisCommand(a, basics),
		queryCommand(),
		txCommand(),
		keys.Commands(),
		docstoreCmd(),
		cargocli.VerifyBundleCmd(),
		gatewayCmd(),
	)
}

func genesisCommand(a *app.App, basics module.BasicManager) *cobra.Command {
	return genutilcli.Commands(a.TxConfig(), basics, app.DefaultNodeHome)
}

func queryCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "query",
		Aliases:                    []string{"q"},
		Short:                      "Querying subcommands",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		rpc.ValidatorCommand(),
		server.QueryBlockCmd(),
		server.QueryBlocksCmd(),
		server.QueryBlockResultsCmd(),
		authcmd.QueryTxsByEventsCmd(),
		authcmd.QueryTxCmd(),
	)
	return cmd
}

func txCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "tx",
		Short:                      "Transactions subcommands",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		authcmd.GetSignCommand(),
		authcmd.GetSignBatchCommand(),
		authcmd.GetMultiSignCommand(),
		authcmd.GetMultiSignBatchCmd(),
		authcmd.GetValidateSignaturesCommand(),
		authcmd.GetBroadcastCommand(),
		authcmd.GetEncodeCommand(),
		authcmd.GetDecodeCommand(),
		authcmd.GetSimulateCmd(),
	)
	return cmd
}

func newApp(logger log.Logger, db dbm.DB, traceStore io.Writer, appOpts servertypes.AppOptions) servertypes.Application {
	return app.New(logger, db, traceStore, true, appOpts, server.DefaultBaseappOptions(appOpts)...)
}

func appExport(
	logger log.Logger, db dbm.DB, traceStore io.Writer, height int64, forZeroHeight bool,
	jailAllowedAddrs []string, appOpts servertypes.AppOptions, modulesToExport []string,
) (servertypes.ExportedApp, error) {
	homePath, ok := appOpts.Get(flags.FlagHome).(string)
	if !ok || homePath == "" {
		return servertypes.ExportedApp{}, errors.New("application home not set")
	}
	viperAppOpts, ok := appOpts.(*viper.Viper)
	if !ok {
		return servertypes.ExportedApp{}, errors.New("appOpts is not viper.Viper")
	}
	// Check invariants on every block of an export.
	viperAppOpts.Set(server.FlagInvCheckPeriod, 1)

	var a *app.App
	if height != -1 {
		a = app.New(logger, db, traceStore, false, viperAppOpts)
		if err := a.LoadHeight(height); err != nil {
			return servertypes.ExportedApp{}, err
		}
	} else {
		a = app.New(logger, db, traceStore, true, viperAppOpts)
	}
	return a.ExportAppStateAndValidators(forZeroHeight, jailAllowedAddrs, modulesToExport)
}
