package cmd

import (
	"context"
	"io"
	"net"
	"os"

	abcicli "github.com/cometbft/cometbft/abci/client"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	pvm "github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	"github.com/cometbft/cometbft/rpc/client/local"
	cmttypes "github.com/cometbft/cometbft/types"
	gometrics "github.com/hashicorp/go-metrics"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/server/api"
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
	servergrpc "github.com/cosmos/cosmos-sdk/server/grpc"
	servercmtlog "github.com/cosmos/cosmos-sdk/server/log"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	"github.com/cosmos/cosmos-sdk/telemetry"
	"github.com/cosmos/cosmos-sdk/version"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
)

// Preverifier is an application that can verify a transaction's signatures
// before CometBFT takes its ABCI lock for CheckTx (app.App.PreverifyTx).
type Preverifier interface {
	PreverifyTx(tx []byte)
}

// preverifyingClientCreator hands CometBFT the SDK's usual in-process ABCI
// clients — one mutex shared by the consensus, mempool, query and snapshot
// connections — wrapped so that a new transaction's signatures are verified
// before CheckTx waits for that mutex. Everything else goes straight through.
type preverifyingClientCreator struct {
	proxy.ClientCreator
	app Preverifier
}

func (c preverifyingClientCreator) NewABCIClient() (abcicli.Client, error) {
	cl, err := c.ClientCreator.NewABCIClient()
	if err != nil {
		return nil, err
	}
	return preverifyingClient{Client: cl, app: c.app}, nil
}

type preverifyingClient struct {
	abcicli.Client
	app Preverifier
}

func (c preverifyingClient) CheckTxAsync(ctx context.Context, req *abci.RequestCheckTx) (*abcicli.ReqRes, error) {
	if req.Type == abci.CheckTxType_New {
		c.app.PreverifyTx(req.Tx)
	}
	return c.Client.CheckTxAsync(ctx, req)
}

func (c preverifyingClient) CheckTx(ctx context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	if req.Type == abci.CheckTxType_New {
		c.app.PreverifyTx(req.Tx)
	}
	return c.Client.CheckTx(ctx, req)
}

// withPreverifyingStart makes start run CometBFT in process with the
// preverifying ABCI client. The SDK builds its in-process node with a fixed
// client creator, so this is the SDK v0.50.15 start path (server/start.go:
// start, startInProcess, startCmtNode, startGrpcServer, startAPIServer) with
// that one difference. The other ways to start — without CometBFT
// (--with-comet=false), gRPC only (--grpc-only), an in-place testnet — run
// the SDK's own code unchanged.
func withPreverifyingStart(startCmd *cobra.Command, appCreator servertypes.AppCreator, opts server.StartCmdOptions) {
	// the two commands built here only lend their RunE to startCmd, whose
	// flags they then read; they must not add flags (opts.AddFlags may
	// remember the command it is given)
	opts.AddFlags = nil
	sdkRun := server.StartCmdWithOptions(appCreator, "", opts).RunE
	opts.StartCommandHandler = startInProcess
	ours := server.StartCmdWithOptions(appCreator, "", opts).RunE
	startCmd.RunE = func(cmd *cobra.Command, args []string) error {
		v := server.GetServerContextFromCmd(cmd).Viper
		withComet, _ := cmd.Flags().GetBool("with-comet")
		if !withComet || v.GetBool("grpc-only") || v.GetBool(server.KeyIsTestnet) {
			return sdkRun(cmd, args)
		}
		return ours(cmd, args)
	}
}

func startInProcess(svrCtx *server.Context, clientCtx client.Context, appCreator servertypes.AppCreator, _ bool, opts server.StartCmdOptions) error {
	svrCfg, err := serverconfig.GetConfig(svrCtx.Viper)
	if err != nil {
		return err
	}
	if err := svrCfg.ValidateBasic(); err != nil {
		return err
	}

	app, cleanup, err := openApp(svrCtx, appCreator, opts)
	if err != nil {
		return err
	}
	defer cleanup()

	metrics, err := telemetry.New(svrCfg.Telemetry)
	if err != nil {
		return err
	}

	emitServerInfoMetrics()

	ctx, cancel := context.WithCancel(context.Background())
	g, ctx := errgroup.WithContext(ctx)
	server.ListenForQuitSignals(g, true, cancel, svrCtx.Logger)

	svrCtx.Logger.Info("starting node with ABCI CometBFT in-process (signatures verified before the ABCI lock)")
	cmtNode, err := startCometNode(ctx, svrCtx.Config, app, svrCtx)
	if err != nil {
		return err
	}
	defer func() {
		if cmtNode.IsRunning() {
			_ = cmtNode.Stop()
		}
	}()

	if svrCfg.API.Enable || svrCfg.GRPC.Enable {
		clientCtx = clientCtx.WithClient(local.New(cmtNode))
		app.RegisterTxService(clientCtx)
		app.RegisterTendermintService(clientCtx)
		app.RegisterNodeService(clientCtx, svrCfg)
	}

	grpcSrv, clientCtx, err := startGRPC(ctx, g, svrCfg.GRPC, clientCtx, svrCtx, app)
	if err != nil {
		return err
	}
	if svrCfg.API.Enable {
		apiSrv := api.New(clientCtx.WithHomeDir(svrCtx.Config.RootDir), svrCtx.Logger.With("module", "api-server"), grpcSrv)
		app.RegisterAPIRoutes(apiSrv, svrCfg.API)
		if svrCfg.Telemetry.Enabled {
			apiSrv.SetTelemetry(metrics)
		}
		g.Go(func() error { return apiSrv.Start(ctx, svrCfg) })
	}

	if opts.PostSetup != nil {
		if err := opts.PostSetup(svrCtx, clientCtx, ctx, g); err != nil {
			return err
		}
	}
	return g.Wait()
}

// openApp opens the application database with opts.DBOpener and the trace
// store (--trace-store), and creates the application.
func openApp(svrCtx *server.Context, appCreator servertypes.AppCreator, opts server.StartCmdOptions) (servertypes.Application, func(), error) {
	var traceWriter io.WriteCloser
	if f := svrCtx.Viper.GetString("trace-store"); f != "" {
		w, err := os.OpenFile(f, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
		if err != nil {
			return nil, nil, err
		}
		traceWriter = w
	}
	db, err := opts.DBOpener(svrCtx.Config.RootDir, server.GetAppDBBackend(svrCtx.Viper))
	if err != nil {
		if traceWriter != nil {
			_ = traceWriter.Close()
		}
		return nil, nil, err
	}
	app := appCreator(svrCtx.Logger, db, traceWriter, svrCtx.Viper)
	return app, func() {
		if traceWriter != nil {
			_ = traceWriter.Close()
		}
		if err := app.Close(); err != nil {
			svrCtx.Logger.Error(err.Error())
		}
	}, nil
}

func startCometNode(ctx context.Context, cfg *cmtcfg.Config, app servertypes.Application, svrCtx *server.Context) (*node.Node, error) {
	nodeKey, err := p2p.LoadOrGenNodeKey(cfg.NodeKeyFile())
	if err != nil {
		return nil, err
	}
	var creator proxy.ClientCreator = proxy.NewLocalClientCreator(server.NewCometABCIWrapper(app))
	if p, ok := app.(Preverifier); ok {
		creator = preverifyingClientCreator{ClientCreator: creator, app: p}
	}
	cmtNode, err := node.NewNodeWithContext(ctx, cfg,
		pvm.LoadOrGenFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile()),
		nodeKey,
		creator,
		func() (*cmttypes.GenesisDoc, error) {
			appGenesis, err := genutiltypes.AppGenesisFromFile(cfg.GenesisFile())
			if err != nil {
				return nil, err
			}
			return appGenesis.ToGenesisDoc()
		},
		cmtcfg.DefaultDBProvider,
		node.DefaultMetricsProvider(cfg.Instrumentation),
		servercmtlog.CometLoggerWrapper{Logger: svrCtx.Logger},
	)
	if err != nil {
		return nil, err
	}
	return cmtNode, cmtNode.Start()
}

// startGRPC is the SDK's startGrpcServer: the gRPC server, and a client of it
// for the REST gateway.
func startGRPC(ctx context.Context, g *errgroup.Group, config serverconfig.GRPCConfig, clientCtx client.Context,
	svrCtx *server.Context, app servertypes.Application,
) (*grpc.Server, client.Context, error) {
	if !config.Enable {
		return nil, clientCtx, nil
	}
	if _, _, err := net.SplitHostPort(config.Address); err != nil {
		return nil, clientCtx, err
	}
	maxSend, maxRecv := config.MaxSendMsgSize, config.MaxRecvMsgSize
	if maxSend == 0 {
		maxSend = serverconfig.DefaultGRPCMaxSendMsgSize
	}
	if maxRecv == 0 {
		maxRecv = serverconfig.DefaultGRPCMaxRecvMsgSize
	}
	grpcClient, err := grpc.Dial( //nolint:staticcheck // as the SDK does
		config.Address,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(
			grpc.ForceCodec(codec.NewProtoCodec(clientCtx.InterfaceRegistry).GRPCCodec()),
			grpc.MaxCallRecvMsgSize(maxRecv),
			grpc.MaxCallSendMsgSize(maxSend),
		),
	)
	if err != nil {
		return nil, clientCtx, err
	}
	clientCtx = clientCtx.WithGRPCClient(grpcClient)
	grpcSrv, err := servergrpc.NewGRPCServer(clientCtx, app, config)
	if err != nil {
		return nil, clientCtx, err
	}
	g.Go(func() error {
		return servergrpc.StartGRPCServer(ctx, svrCtx.Logger.With("module", "grpc-server"), config, grpcSrv)
	})
	return grpcSrv, clientCtx, nil
}

// emitServerInfoMetrics is the SDK's: the server_info gauge, labelled with the
// Go and SDK versions.
func emitServerInfoMetrics() {
	var ls []gometrics.Label
	info := version.NewInfo()
	if info.GoVersion != "" {
		ls = append(ls, telemetry.NewLabel("go", info.GoVersion))
	}
	if info.CosmosSdkVersion != "" {
		ls = append(ls, telemetry.NewLabel("version", info.CosmosSdkVersion))
	}
	if len(ls) > 0 {
		telemetry.SetGaugeWithLabels([]string{"server", "info"}, 1, ls)
	}
}
