package cargo

import (
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/tradechain/tradechain/internal/simops"
	cargosim "github.com/tradechain/tradechain/x/cargo/simulation"
	"github.com/tradechain/tradechain/x/cargo/types"
)

var _ module.AppModuleSimulation = AppModule{}

// GenerateGenesisState creates a random roster: every simulation account is
// a registered party.
func (AppModule) GenerateGenesisState(simState *module.SimulationState) {
	cargosim.RandomizedGenState(simState)
}

// RegisterStoreDecoder decodes x/cargo's store for the simulation's
// import/export diff, from the collections schemas (the history entries in
// the bills' key ranges by their own).
func (am AppModule) RegisterStoreDecoder(sdr simtypes.StoreDecoderRegistry) {
	sdr[types.StoreKey] = am.keeper.StoreDecoder()
}

// ProposalMsgs returns the governance proposals the simulation may submit.
func (AppModule) ProposalMsgs(module.SimulationState) []simtypes.WeightedProposalMsg {
	return cargosim.ProposalMsgs()
}

// WeightedOperations returns an operation for every x/cargo message.
func (am AppModule) WeightedOperations(simState module.SimulationState) []simtypes.WeightedOperation {
	return cargosim.WeightedOperations(simState, am.keeper, simops.Keepers{TxConfig: simState.TxConfig, Account: am.ak, Bank: am.bk})
}
