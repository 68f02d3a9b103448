package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// The 2→3 migration on a store version 2 wrote, where every anchor sat in
// Documents under its hash: the bill's transport documents (the one it was
// issued with, amended away from and amended to) stay; an invoice, and a
// TRANSPORT_DOCUMENT a trader anchored ahead of the carrier, become their
// anchorers' own anchors — and the carrier can then issue the squatted
// document. Every invariant holds after it.
func TestMigrate2to3SplitsAnchors(t *testing.T) {
	f := newFixture(t)
	id := f.issue(nil)
	_, err := f.srv.RequestSurrender(f.ctx, &types.MsgRequestSurrender{Holder: f.addr(cargotestutil.Exporter), BillId: id, Purpose: types.SURRENDER_PURPOSE_AMENDMENT, Reason: "COD"})
	require.NoError(t, err)
	_, err = f.srv.AcceptSurrender(f.ctx, &types.MsgAcceptSurrender{Carrier: f.addr(cargotestutil.Carrier), BillId: id})
	require.NoError(t, err)
	amended := hashN(1)
	_, err = f.srv.AmendBill(f.ctx, &types.MsgAmendBill{Carrier: f.addr(cargotestutil.Carrier), BillId: id, NewDocumentHash: amended})
	require.NoError(t, err)

	// What version 2 had besides: an invoice and a squat, in Documents.
	at := f.ctx.BlockTime().UTC()
	invoice := types.Document{Hash: hashN(2), DocType: "COMMERCIAL_INVOICE", BillId: id, AnchoredBy: f.addr(cargotestutil.Exporter), Height: 3, AnchoredAt: at}
	squat := types.Document{Hash: hashN(3), DocType: "TRANSPORT_DOCUMENT", AnchoredBy: f.addr(cargotestutil.Importer), Height: 4, AnchoredAt: at}
	forged := types.Document{Hash: hashN(4), DocType: "TRANSPORT_DOCUMENT", BillId: id, AnchoredBy: f.addr(cargotestutil.Importer), Height: 5, AnchoredAt: at}
	for _, d := range []types.Document{invoice, squat, forged} {
		require.NoError(t, f.k.Documents.Set(f.ctx, d.Hash, d))
	}

	require.NoError(t, keeper.NewMigrator(f.k).Migrate2to3(f.ctx))
	for _, h := range []string{docHash, amended} {
		d, err := f.k.Documents.Get(f.ctx, h)
		require.NoError(t, err, "the bill's own document %s stays", h)
		require.Equal(t, id, d.BillId)
	}
	for _, d := range []types.Document{invoice, squat, forged} {
		has, err := f.k.Documents.Has(f.ctx, d.Hash)
		require.NoError(t, err)
		require.False(t, has, "%s left the bills' documents", d.Hash)
		moved, err := f.k.Anchors.Get(f.ctx, collections.Join(d.Hash, d.AnchoredBy))
		require.NoError(t, err)
		require.Equal(t, d.DocType, moved.DocType)
		require.Equal(t, d.Height, moved.Height)
		require.False(t, moved.Withdrawn)
		require.Equal(t, []types.AnchorEvent{{Action: types.AnchorActionAnchor, DocType: d.DocType, BillId: d.BillId, Height: d.Height, Time: at}}, moved.History)
	}
	f.invariants()

	// The squatter can withdraw its anchor; the carrier issues the squatted
	// document either way.
	require.NoError(t, f.withdraw(cargotestutil.Importer, squat.Hash, "anchored as a transport document by mistake"))
	f.issue(func(m *types.MsgIssueBill) { m.TransportDocumentReference, m.DocumentHash = "COSU2", squat.Hash })
	f.invariants()
}
