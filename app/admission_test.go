package app_test

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/tradechain/tradechain/app"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// A funded outsider floods the zone with 200 zero-fee bank sends: CheckTx
// refuses every one with app/3 (so none enters a mempool), a block that
// carries them anyway commits none of them and moves nothing, and the
// outsider is admitted once the zone authority registers it.
func TestAdmissionRefusesOutsiders(t *testing.T) {
	c := ct.NewChain(t)
	stranger, exporter := c.Accounts[ct.Stranger], c.Accounts[ct.Exporter]
	send := banktypes.NewMsgSend(stranger.Address, exporter.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1)))
	before := c.Balance(stranger.Address, app.BondDenom)

	var txs [][]byte
	for i := 0; i < 200; i++ {
		txs = append(txs, c.SignTx(stranger, send))
	}
	for i, tx := range txs {
		res, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
		require.NoError(t, err)
		require.Equal(t, app.ErrNotAdmitted.ABCICode(), res.Code, "tx %d: %s", i, res.Log)
		require.Equal(t, app.Codespace, res.Codespace)
		require.Contains(t, res.Log, "register-party")
	}
	// A proposer that includes them anyway: every one fails in the block.
	out := c.DeliverBlock(txs[:50]...)
	for _, r := range out.TxResults {
		require.Equal(t, app.ErrNotAdmitted.ABCICode(), r.Code)
	}
	require.Equal(t, before, c.Balance(stranger.Address, app.BondDenom), "nothing moved, no fee taken")

	// Registered by the zone authority (the cargo admin), it is admitted.
	c.MustDeliver(c.Accounts[ct.Admin], &cargotypes.MsgRegisterParty{Authority: c.Accounts[ct.Admin].String(), Party: cargotypes.Party{
		Address: stranger.String(), Code: "NEWCO", Name: "New Co", Jurisdiction: "HK", Roles: []cargotypes.Role{cargotypes.ROLE_TRADER}, Active: true}})
	stranger.Sequence = 0
	c.MustDeliver(stranger, send)
}
