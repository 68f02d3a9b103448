package app_test

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/tradechain/tradechain/app"
	"github.com/tradechain/tradechain/testutil"
)

// TestVerifiedSignatures checks the signature memory end to end through
// CheckTx and FinalizeBlock: a block skips only the verification of a
// signature this node verified over the same sign bytes, anything else is
// verified in full (a forged body under a remembered signature is refused),
// and gas is the same as on a node that verifies every time.
func TestVerifiedSignatures(t *testing.T) {
	c := testutil.NewChain(t)
	plain := testutil.NewChain(t, testutil.WithAppOption(app.FlagSigVerifyCacheSize, 0))
	require.NotNil(t, c.App.VerifiedSignatures)
	require.Nil(t, plain.App.VerifiedSignatures, "--sig-verify-cache-size 0 turns it off")
	stats := func() [2]uint64 { h, m := c.App.VerifiedSignatures.Stats(); return [2]uint64{h, m} }
	send := func(c *testutil.Chain, amount int64) []byte {
		from, to := c.Accounts[0], c.Accounts[1]
		return c.SignTx(from, banktypes.NewMsgSend(from.Address, to.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, amount))))
	}
	checkTx := func(c *testutil.Chain, tx []byte) {
		res, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
		require.NoError(t, err)
		require.Zero(t, res.Code, res.Log)
	}

	// verified in CheckTx, not again in the block; same gas as a plain node
	tx := send(c, 5)
	checkTx(c, tx)
	require.Equal(t, [2]uint64{0, 1}, stats(), "CheckTx verifies and remembers")
	res := c.DeliverBlock(tx).TxResults[0]
	require.Zero(t, res.Code, res.Log)
	require.Equal(t, [2]uint64{1, 1}, stats(), "the block reuses the CheckTx verification")
	ptx := send(plain, 5)
	require.Equal(t, tx, ptx, "both chains sign the same bytes")
	checkTx(plain, ptx)
	pres := plain.DeliverBlock(ptx).TxResults[0]
	require.Zero(t, pres.Code, pres.Log)
	require.Equal(t, pres.GasUsed, res.GasUsed, "gas does not depend on the memory")
	require.Equal(t, plain.Balance(plain.Accounts[1].Address, app.BondDenom), c.Balance(c.Accounts[1].Address, app.BondDenom))

	// a forged body under a remembered signature: other sign bytes, verified, refused
	good := send(c, 7)
	checkTx(c, good)
	decoded, err := c.App.TxConfig().TxDecoder()(good)
	require.NoError(t, err)
	b, err := c.App.TxConfig().WrapTxBuilder(decoded)
	require.NoError(t, err)
	require.NoError(t, b.SetMsgs(banktypes.NewMsgSend(c.Accounts[0].Address, c.Accounts[1].Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 7_000_000)))))
	forged, err := c.App.TxConfig().TxEncoder()(b.GetTx())
	require.NoError(t, err)
	before := c.Balance(c.Accounts[1].Address, app.BondDenom)
	res = c.DeliverBlock(forged).TxResults[0]
	require.Equal(t, sdkerrors.ErrUnauthorized.ABCICode(), res.Code, res.Log)
	require.Contains(t, res.Log, "signature verification failed")
	require.Equal(t, before, c.Balance(c.Accounts[1].Address, app.BondDenom), "the forged transfer moved nothing")
	require.Equal(t, [2]uint64{1, 3}, stats(), "the forged tx missed and was verified")

	// the genuine tx still lands, without a second verification
	res = c.DeliverBlock(good).TxResults[0]
	require.Zero(t, res.Code, res.Log)
	require.Equal(t, [2]uint64{2, 3}, stats())

	// a tx this node never checked is verified in the block
	res = c.DeliverBlock(send(c, 9)).TxResults[0]
	require.Zero(t, res.Code, res.Log)
	require.Equal(t, [2]uint64{2, 4}, stats())
}
