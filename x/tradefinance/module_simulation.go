package tradefinance

import (
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/tradechain/tradechain/internal/simops"
	tfsim "github.com/tradechain/tradechain/x/tradefinance/simulation"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

var _ module.AppModuleSimulation = AppModule{}

// GenerateGenesisState draws random banking-calendar parameters.
func (AppModule) GenerateGenesisState(simState *module.SimulationState) {
	tfsim.RandomizedGenState(simState)
}

// RegisterStoreDecoder decodes x/tradefinance's store for the simulation's
// import/export diff, from the collections schema.
func (am AppModule) RegisterStoreDecoder(sdr simtypes.StoreDecoderRegistry) {
	sdr[types.StoreKey] = simtypes.NewStoreDecoderFuncFromCollectionsSchema(am.keeper.Schema)
}

// ProposalMsgs returns the governance proposals the simulation may submit.
func (AppModule) ProposalMsgs(module.SimulationState) []simtypes.WeightedProposalMsg {
	return tfsim.ProposalMsgs()
}

// WeightedOperations returns an operation for every x/tradefinance message.
func (am AppModule) WeightedOperations(simState module.SimulationState) []simtypes.WeightedOperation {
	return tfsim.WeightedOperations(simState, am.keeper, am.cargo, simops.Keepers{TxConfig: simState.TxConfig, Account: am.ak, Bank: am.bk})
}
