package app_test

import (
	"fmt"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/tradechain/tradechain/app"
	"github.com/tradechain/tradechain/testutil"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// TestPreverifyTx checks the verification done before CheckTx takes the ABCI
// lock: a valid signature verified there is not verified again in CheckTx or
// in the block (also for a sender's later transactions, whose sequence is
// ahead of the committed account, and for an account's first transaction,
// whose key only the transaction carries); a bad signature, an outsider's
// transaction and a node without the memory verify nothing ahead, and CheckTx
// then decides exactly as before.
func TestPreverifyTx(t *testing.T) {
	c := ct.NewChain(t)
	v := c.App.VerifiedSignatures
	stats := func() [3]uint64 { h, m := v.Stats(); return [3]uint64{v.Preverified(), h, m} }
	exporter, importer, stranger := c.Accounts[ct.Exporter], c.Accounts[ct.Importer], c.Accounts[ct.Stranger]
	send := func(from *testutil.Account, amount int64) []byte {
		return c.SignTx(from, banktypes.NewMsgSend(from.Address, importer.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, amount))))
	}
	checkTx := func(tx []byte) *abci.ResponseCheckTx {
		res, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
		require.NoError(t, err)
		return res
	}
	base := stats()
	delta := func() [3]uint64 { s := stats(); return [3]uint64{s[0] - base[0], s[1] - base[1], s[2] - base[2]} }

	// three transactions of one sender, all verified ahead against the committed
	// account (sequence s, s+1, s+2), none verified again in CheckTx or the block
	txs := [][]byte{send(exporter, 1), send(exporter, 2), send(exporter, 3)}
	for _, tx := range txs {
		c.App.PreverifyTx(tx)
	}
	require.Equal(t, [3]uint64{3, 0, 0}, delta())
	for _, tx := range txs {
		res := checkTx(tx)
		require.Zero(t, res.Code, res.Log)
	}
	require.Equal(t, [3]uint64{3, 3, 0}, delta(), "CheckTx found every signature verified")
	for _, r := range c.DeliverBlock(txs...).TxResults {
		require.Zero(t, r.Code, r.Log)
	}
	require.Equal(t, [3]uint64{3, 6, 0}, delta(), "so did the block")

	// a bad signature is not remembered; CheckTx verifies it and refuses it
	bad := send(exporter, 4)
	decoded, err := c.App.TxConfig().TxDecoder()(bad)
	require.NoError(t, err)
	b, err := c.App.TxConfig().WrapTxBuilder(decoded)
	require.NoError(t, err)
	sigs, err := b.GetTx().GetSignaturesV2()
	require.NoError(t, err)
	require.NoError(t, b.SetMsgs(banktypes.NewMsgSend(exporter.Address, importer.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 4_000_000)))))
	require.NoError(t, b.SetSignatures(sigs...))
	forged, err := c.App.TxConfig().TxEncoder()(b.GetTx())
	require.NoError(t, err)
	c.App.PreverifyTx(forged)
	require.Equal(t, [3]uint64{3, 6, 0}, delta(), "nothing verified ahead")
	res := checkTx(forged)
	require.Equal(t, sdkerrors.ErrUnauthorized.ABCICode(), res.Code, res.Log)
	require.Equal(t, [3]uint64{3, 6, 1}, delta(), "CheckTx verified it in full")
	exporter.Sequence-- // the forged tx took the place of the one signed

	// an outsider's signature is not worth verifying: admission refuses it anyway
	out := send(stranger, 1)
	c.App.PreverifyTx(out)
	require.Equal(t, [3]uint64{3, 6, 1}, delta())
	require.Equal(t, app.ErrNotAdmitted.ABCICode(), checkTx(out).Code)

	// garbage is ignored
	c.App.PreverifyTx([]byte("not a transaction"))
	require.Equal(t, [3]uint64{3, 6, 1}, delta())

	// an account's first transaction carries its key: verified ahead with it
	first := send(importer, 1)
	c.App.PreverifyTx(first)
	require.Equal(t, [3]uint64{4, 6, 1}, delta())
	res = checkTx(first)
	require.Zero(t, res.Code, res.Log)
	require.Equal(t, [3]uint64{4, 7, 1}, delta())

	// without the memory nothing is verified ahead, and CheckTx verifies
	plain := ct.NewChain(t, testutil.WithAppOption(app.FlagSigVerifyCacheSize, 0))
	require.Nil(t, plain.App.VerifiedSignatures)
	pe := plain.Accounts[ct.Exporter]
	ptx := plain.SignTx(pe, banktypes.NewMsgSend(pe.Address, plain.Accounts[ct.Importer].Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1))))
	plain.App.PreverifyTx(ptx)
	pres, err := plain.App.CheckTx(&abci.RequestCheckTx{Tx: ptx, Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Zero(t, pres.Code, pres.Log)
}

// TestPrefetchBills checks that a verified transaction's bill is read ahead
// from the last committed state, and only read: a bill message of an admitted
// signer reads its bill once, a message naming no bill of the zone or no bill
// at all reads nothing, an outsider's transaction reads nothing, and the
// block then executes every one of them exactly as it would have.
func TestPrefetchBills(t *testing.T) {
	c := ct.NewChain(t)
	carrier, exporter, importer, stranger := c.Accounts[ct.Carrier], c.Accounts[ct.Exporter], c.Accounts[ct.Importer], c.Accounts[ct.Stranger]
	c.MustDeliver(carrier, &cargotypes.MsgIssueBill{Carrier: carrier.String(), TransportDocumentReference: "PF1", Type: cargotypes.BILL_TYPE_BOL,
		Mode: cargotypes.BILL_MODE_STRAIGHT, IssueTo: exporter.String(), Consignee: importer.String(), DocumentHash: fmt.Sprintf("%064x", 0xf01), PortOfLoading: "CNSHA",
		PortOfDischarge: "HKHKG", IssueDate: "2026-05-03"})
	const id = "COS-PF1"
	before := c.App.Prefetched()

	transfer := c.SignTx(exporter, &cargotypes.MsgTransferBill{Holder: exporter.String(), BillId: id, To: importer.String()})
	c.App.PreverifyTx(transfer)
	require.Equal(t, before+1, c.App.Prefetched(), "the bill a verified transfer names is read ahead")

	missing := c.SignTx(exporter, &cargotypes.MsgTransferBill{Holder: exporter.String(), BillId: "COS-NONE", To: importer.String()})
	send := c.SignTx(exporter, banktypes.NewMsgSend(exporter.Address, importer.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1))))
	outsider := c.SignTx(stranger, &cargotypes.MsgTransferBill{Holder: stranger.String(), BillId: id, To: importer.String()})
	for _, tx := range [][]byte{missing, send, outsider} {
		c.App.PreverifyTx(tx)
	}
	require.Equal(t, before+1, c.App.Prefetched(), "no bill of the zone, no bill named, or a signer the zone refuses: nothing read")

	res := c.DeliverBlock(transfer, missing, send)
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	require.Equal(t, cargotypes.ErrBillNotFound.ABCICode(), res.TxResults[1].Code, res.TxResults[1].Log)
	require.Zero(t, res.TxResults[2].Code, res.TxResults[2].Log)
	b, err := c.App.CargoKeeper.GetBill(c.Context(), id)
	require.NoError(t, err)
	require.Equal(t, importer.String(), b.Holder, "the block moved the bill the prefetch read at its committed version")
}
