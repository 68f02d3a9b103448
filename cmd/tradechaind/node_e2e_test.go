package main_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/testutil"
)

// The real binary: init a single-node zone in a temp folder, start it, send a
// bank tx through the CLI, read the balance over REST, stop it.
func TestSingleNodeCLIAndREST(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real node")
	}
	// alice is a registered party: the zone admits transactions only from
	// its parties, validator operators and relayers.
	n := testutil.StartNode(t, "hongkong-1", func(n *testutil.Node, g map[string]any) {
		g["app_state"].(map[string]any)["cargo"].(map[string]any)["parties"] = []any{
			nodeParty(n.Address("alice"), "SHPE", "Shanghai Pudong Precision Electronics", "CN", "ROLE_TRADER"),
		}
	})
	alice, bob := n.Address("alice"), n.Address("bob")

	var before struct {
		Balance struct{ Amount string } `json:"balance"`
	}
	require.Equal(t, 200, n.REST("/cosmos/bank/v1beta1/balances/"+bob+"/by_denom?denom=utrade", &before))
	require.Equal(t, "1000000000000", before.Balance.Amount)

	res := n.Tx("alice", "bank", "send", alice, bob, "424242utrade")
	require.EqualValues(t, 0, res["code"], res["raw_log"])

	var after struct {
		Balance struct{ Amount string } `json:"balance"`
	}
	require.Equal(t, 200, n.REST("/cosmos/bank/v1beta1/balances/"+bob+"/by_denom?denom=utrade", &after))
	require.Equal(t, "1000000424242", after.Balance.Amount)

	// `init` gave the zone a block gas limit: x/consensus serves it, and
	// CheckTx refuses a transaction that asks more gas than a block holds.
	var cp struct {
		Params consensusParams `json:"params"`
	}
	require.Equal(t, 200, n.REST("/cosmos/consensus/v1/params", &cp))
	require.Equal(t, "600000000", cp.Params.Block.MaxGas)
	out, _ := n.TryRun("tx", "bank", "send", alice, bob, "1utrade", "--from", "alice", "--chain-id", n.ChainID,
		"--keyring-backend", "test", "--node", n.RPC, "--gas", "600000001", "-y", "--output", "json")
	require.Contains(t, out, "tx gas limit 600000001 exceeds block max gas 600000000")

	// gRPC and CometBFT RPC answer too (status over RPC, node info over REST→gRPC).
	require.Greater(t, n.Height(), int64(2))
	var info map[string]any
	require.Equal(t, 200, n.REST("/cosmos/base/tendermint/v1beta1/node_info", &info))
	require.Equal(t, "hongkong-1", info["default_node_info"].(map[string]any)["network"])
}

// consensusParams is the part of CometBFT's consensus params the tests read,
// as REST and genesis.json spell it.
type consensusParams struct {
	Block struct {
		MaxGas string `json:"max_gas"`
	} `json:"block"`
}
