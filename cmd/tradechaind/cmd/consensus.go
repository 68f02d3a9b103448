package cmd

import (
	"fmt"

	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/spf13/cobra"
)

// FlagBlockMaxGas sets the block gas limit of the genesis that init and
// testnet write.
const FlagBlockMaxGas = "block-max-gas"

// DefaultBlockMaxGas is the block gas limit (consensus params block.max_gas)
// of a zone's genesis. CometBFT's default, -1, lets a block take every
// transaction that fits its 21 MB: 15,000 IssueBills in one block of the
// load test's preload, whose IAVL changes, events and results the node holds
// in memory until the block commits — the node's peak RSS went past 2 GiB
// there (docs/performance.md). 600,000,000 gas is about 5,700
// TransferBills, or 7,000 IssueBills in batches of 100, at the gas their
// simulation gives times 1.3. Half of it bounded memory better but cost
// transfers their throughput near saturation: a block that cannot take the
// backlog leaves it to the next, each a timeout_commit later. Transactions
// asking more gas than a block allows are refused by CheckTx (the SDK's ante
// handler). Governance changes it on a running zone (x/consensus
// MsgUpdateParams).
const DefaultBlockMaxGas int64 = 600_000_000

// zoneConsensusParams are CometBFT's default consensus params with the
// block gas limit maxGas.
func zoneConsensusParams(maxGas int64) (*cmttypes.ConsensusParams, error) {
	if maxGas == 0 || maxGas < -1 {
		return nil, fmt.Errorf("--%s must be -1 (no limit) or a positive gas amount, got %d", FlagBlockMaxGas, maxGas)
	}
	p := cmttypes.DefaultConsensusParams()
	p.Block.MaxGas = maxGas
	return p, p.ValidateBasic()
}

// addBlockMaxGasFlag adds --block-max-gas to a command that writes a genesis.
func addBlockMaxGasFlag(cmd *cobra.Command) {
	cmd.Flags().Int64(FlagBlockMaxGas, DefaultBlockMaxGas,
		"block gas limit of the genesis (consensus params block.max_gas; -1 for none): it bounds a block's execution time and the node's memory for it")
}

// withBlockMaxGas makes the SDK's init command write the zone's consensus
// params (the block gas limit) into the genesis it creates.
func withBlockMaxGas(initCmd *cobra.Command) *cobra.Command {
	addBlockMaxGasFlag(initCmd)
	run := initCmd.RunE
	initCmd.RunE = func(cmd *cobra.Command, args []string) error {
		maxGas, err := cmd.Flags().GetInt64(FlagBlockMaxGas)
		if err != nil {
			return err
		}
		params, err := zoneConsensusParams(maxGas)
		if err != nil {
			return err
		}
		if err := run(cmd, args); err != nil {
			return err
		}
		// init has set the config's root to the node's home
		genFile := server.GetServerContextFromCmd(cmd).Config.GenesisFile()
		g, err := genutiltypes.AppGenesisFromFile(genFile)
		if err != nil {
			return err
		}
		g.Consensus.Params = params
		return genutil.ExportGenesisFile(g, genFile)
	}
	return initCmd
}
