// Package tradefinance is the finance layer of tradechain: tokenized bank
// deposits, UCP 600 letters of credit settled delivery-versus-payment against
// eBLs, and invoice financing with a duplicate-financing guard.
package tradefinance

import (
	"context"
	"encoding/json"
	"fmt"

	gogogrpc "github.com/cosmos/gogoproto/grpc"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"
	"github.com/spf13/cobra"

	"cosmossdk.io/core/appmodule"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/tradefinance/client/cli"
	"github.com/tradechain/tradechain/x/tradefinance/keeper"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// ConsensusVersion is the module's state version; bump it with a migration.
//   - 2 (upgrade v3): presentations are indexed by the documents presented;
//     invoices are keyed by identity — seller, buyer and folded number, no
//     amount — (keeper.Migrator.Migrate1to2).
const ConsensusVersion = 2

var (
	_ module.AppModuleBasic      = AppModule{}
	_ module.HasGenesis          = AppModule{}
	_ module.HasServices         = AppModule{}
	_ module.HasInvariants       = AppModule{}
	_ module.HasConsensusVersion = AppModule{}
	_ appmodule.HasEndBlocker    = AppModule{}
	_ appmodule.AppModule        = AppModule{}
)

// AppModule is x/tradefinance's module.
type AppModule struct {
	cdc    codec.Codec
	keeper keeper.Keeper
	// for the simulation's operations
	ak    simulation.AccountKeeper
	bk    simulation.BankKeeper
	cargo cargokeeper.Keeper
}

// NewAppModule returns the module.
func NewAppModule(cdc codec.Codec, k keeper.Keeper, ak simulation.AccountKeeper, bk simulation.BankKeeper, cargo cargokeeper.Keeper) AppModule {
	return AppModule{cdc: cdc, keeper: k, ak: ak, bk: bk, cargo: cargo}
}

func (AppModule) IsOnePerModuleType()         {}
func (AppModule) IsAppModule()                {}
func (AppModule) Name() string                { return types.ModuleName }
func (AppModule) ConsensusVersion() uint64    { return ConsensusVersion }
func (AppModule) GetTxCmd() *cobra.Command    { return cli.TxCmd() }
func (AppModule) GetQueryCmd() *cobra.Command { return cli.QueryCmd() }

// RegisterLegacyAminoCodec registers the amino names of the messages.
func (AppModule) RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	types.RegisterLegacyAminoCodec(cdc)
}

// RegisterInterfaces registers the messages.
func (AppModule) RegisterInterfaces(r codectypes.InterfaceRegistry) { types.RegisterInterfaces(r) }

// RegisterGRPCGatewayRoutes mounts REST under /tradechain/tradefinance/v1/.
func (m AppModule) RegisterGRPCGatewayRoutes(clientCtx client.Context, mux *gwruntime.ServeMux) {
	m.RegisterGatewayRoutes(clientCtx, mux)
}

// RegisterGatewayRoutes mounts the same routes over any client connection to
// the query service (the app passes one that calls it in process).
func (AppModule) RegisterGatewayRoutes(conn gogogrpc.ClientConn, mux *gwruntime.ServeMux) {
	if err := types.RegisterQueryHandlerClient(context.Background(), mux, types.NewQueryClient(conn)); err != nil {
		panic(err)
	}
}

// DefaultGenesis returns the default genesis.
func (AppModule) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	return cdc.MustMarshalJSON(types.DefaultGenesis())
}

// ValidateGenesis checks a genesis state.
func (AppModule) ValidateGenesis(cdc codec.JSONCodec, _ client.TxEncodingConfig, bz json.RawMessage) error {
	var gs types.GenesisState
	if err := cdc.UnmarshalJSON(bz, &gs); err != nil {
		return fmt.Errorf("failed to unmarshal %s genesis state: %w", types.ModuleName, err)
	}
	return gs.Validate()
}

// InitGenesis loads the genesis state.
func (am AppModule) InitGenesis(ctx sdk.Context, cdc codec.JSONCodec, bz json.RawMessage) {
	var gs types.GenesisState
	cdc.MustUnmarshalJSON(bz, &gs)
	if err := gs.Validate(); err != nil {
		panic(err)
	}
	if err := am.keeper.InitGenesis(ctx, gs); err != nil {
		panic(err)
	}
}

// ExportGenesis exports the module state.
func (am AppModule) ExportGenesis(ctx sdk.Context, cdc codec.JSONCodec) json.RawMessage {
	gs, err := am.keeper.ExportGenesis(ctx)
	if err != nil {
		panic(err)
	}
	return cdc.MustMarshalJSON(gs)
}

// RegisterServices registers the Msg and Query services.
func (am AppModule) RegisterServices(cfg module.Configurator) {
	types.RegisterMsgServer(cfg.MsgServer(), keeper.NewMsgServerImpl(am.keeper))
	types.RegisterQueryServer(cfg.QueryServer(), keeper.NewQueryServerImpl(am.keeper))
	if err := cfg.RegisterMigration(types.ModuleName, 1, keeper.NewMigrator(am.keeper).Migrate1to2); err != nil {
		panic(err)
	}
}

// RegisterInvariants registers the invariants with x/crisis.
func (am AppModule) RegisterInvariants(ir sdk.InvariantRegistry) {
	keeper.RegisterInvariants(ir, am.keeper)
}

// EndBlock settles presentations whose examination deadline passed (bounded).
func (am AppModule) EndBlock(ctx context.Context) error { return am.keeper.EndBlocker(ctx) }
