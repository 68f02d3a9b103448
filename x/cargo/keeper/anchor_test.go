package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

func (f *fixture) invariants() {
	f.t.Helper()
	msg, broken := keeper.AllInvariants(f.k)(f.ctx)
	require.False(f.t, broken, msg)
}

func (f *fixture) document(hash string) *types.QueryDocumentResponse {
	f.t.Helper()
	res, err := keeper.NewQueryServerImpl(f.k).Document(f.ctx, &types.QueryDocumentRequest{Hash: hash})
	require.NoError(f.t, err)
	return res
}

func (f *fixture) anchor(who int, hash, docType string) error {
	_, err := f.srv.AnchorDocument(f.ctx, &types.MsgAnchorDocument{Owner: f.addr(who), Hash: hash, DocType: docType})
	return err
}

func (f *fixture) withdraw(who int, hash, reason string) error {
	_, err := f.srv.WithdrawAnchor(f.ctx, &types.MsgWithdrawAnchor{Anchorer: f.addr(who), Hash: hash, Reason: reason})
	return err
}

// A party that learns the hash of a carrier's transport document before the
// bill is issued cannot squat it: anchoring it as a TRANSPORT_DOCUMENT is
// refused (only the carrier anchors one, by issuing the bill), and anchoring
// it as anything else is the party's own anchor, which neither the issue nor
// an amendment to another squatted hash trips over. A verifier asking for the
// hash sees the carrier's bill, and the squatter's anchor beside it.
func TestAnchorSquatDoesNotBlockTheCarrier(t *testing.T) {
	f := newFixture(t)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.AnchorDocument(ctx, &types.MsgAnchorDocument{Owner: f.addr(cargotestutil.Importer), Hash: docHash, DocType: "TRANSPORT_DOCUMENT"})
		return err
	}, types.ErrTransportDocument)
	f.expectFailure(func(ctx sdk.Context) error { // not even the carrier: it issues the bill
		_, err := f.srv.AnchorDocument(ctx, &types.MsgAnchorDocument{Owner: f.addr(cargotestutil.Carrier), Hash: docHash, DocType: "TRANSPORT_DOCUMENT"})
		return err
	}, types.ErrTransportDocument)
	require.NoError(t, f.anchor(cargotestutil.Importer, docHash, "OTHER"))
	amended := hashN(4)
	require.NoError(t, f.anchor(cargotestutil.Importer, amended, "PACKING_LIST"))
	f.invariants()

	id := f.issue(nil) // the carrier's issue goes through
	require.Equal(t, types.BILL_STATUS_ISSUED, f.bill(id).Status)
	doc := f.document(docHash)
	require.Equal(t, "TRANSPORT_DOCUMENT", doc.Document.DocType, "a verifier sees the carrier's bill")
	require.Equal(t, id, doc.Document.BillId)
	require.Equal(t, f.addr(cargotestutil.Carrier), doc.Document.AnchoredBy)
	require.Len(t, doc.Anchors, 1, "and the squatter's own anchor beside it")
	require.Equal(t, f.addr(cargotestutil.Importer), doc.Anchors[0].AnchoredBy)
	require.Equal(t, "OTHER", doc.Anchors[0].DocType)
	f.invariants()

	// An amendment to a hash another party anchored goes through too.
	_, err := f.srv.RequestSurrender(f.ctx, &types.MsgRequestSurrender{Holder: f.addr(cargotestutil.Exporter), BillId: id, Purpose: types.SURRENDER_PURPOSE_AMENDMENT, Reason: "COD"})
	require.NoError(t, err)
	_, err = f.srv.AcceptSurrender(f.ctx, &types.MsgAcceptSurrender{Carrier: f.addr(cargotestutil.Carrier), BillId: id})
	require.NoError(t, err)
	_, err = f.srv.AmendBill(f.ctx, &types.MsgAmendBill{Carrier: f.addr(cargotestutil.Carrier), BillId: id, NewDocumentHash: amended})
	require.NoError(t, err)
	require.Equal(t, id, f.document(amended).Document.BillId)
	f.invariants()

	// One bill per transport document on the zone still holds: another
	// carrier cannot issue a bill for it.
	f.expectFailure(func(ctx sdk.Context) error {
		m := f.issueMsg()
		m.Carrier, m.TransportDocumentReference = f.addr(cargotestutil.Carrier2), "MSC1"
		_, err := f.srv.IssueBill(ctx, m)
		return err
	}, types.ErrDocumentExists)

	// The carrier cannot "withdraw" its bill's document: it goes with the bill.
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.WithdrawAnchor(ctx, &types.MsgWithdrawAnchor{Anchorer: f.addr(cargotestutil.Carrier), Hash: docHash, Reason: "mistake"})
		return err
	}, types.ErrUnauthorized)
}

// Each party anchors a hash once, as its own; only that party withdraws its
// anchor, with a reason kept in the anchor's history, and may anchor it again
// (a bounded number of times). The Document query shows the earliest anchor
// in force and every anchor, withdrawn ones with their history.
func TestWithdrawAnchor(t *testing.T) {
	f := newFixture(t)
	h := hashN(2)
	require.NoError(t, f.anchor(cargotestutil.Exporter, h, "PACKING_LIST"))
	f.ctx = f.ctx.WithBlockHeight(f.ctx.BlockHeight() + 1)
	require.NoError(t, f.anchor(cargotestutil.Importer, h, "INSPECTION"))
	doc := f.document(h)
	require.Equal(t, f.addr(cargotestutil.Exporter), doc.Document.AnchoredBy, "the earliest anchor in force")
	require.Len(t, doc.Anchors, 2)

	// Nobody withdraws another party's anchor.
	for _, who := range []int{cargotestutil.Bank, cargotestutil.Carrier} {
		f.expectFailure(func(ctx sdk.Context) error {
			_, err := f.srv.WithdrawAnchor(ctx, &types.MsgWithdrawAnchor{Anchorer: f.addr(who), Hash: h, Reason: "not mine"})
			return err
		}, types.ErrUnauthorized)
	}
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.WithdrawAnchor(ctx, &types.MsgWithdrawAnchor{Anchorer: f.addr(cargotestutil.Exporter), Hash: hashN(5), Reason: "never anchored"})
		return err
	}, types.ErrDocumentNotFound)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.WithdrawAnchor(ctx, &types.MsgWithdrawAnchor{Anchorer: f.addr(cargotestutil.Exporter), Hash: h})
		return err
	}, types.ErrInvalidField) // a withdrawal says why
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.WithdrawAnchor(ctx, &types.MsgWithdrawAnchor{Anchorer: f.addr(cargotestutil.Stranger), Hash: h, Reason: "x"})
		return err
	}, types.ErrPartyNotFound)

	// The exporter withdraws its own, with the reason in the history.
	require.NoError(t, f.withdraw(cargotestutil.Exporter, h, "wrong file: the packing list of another shipment"))
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.WithdrawAnchor(ctx, &types.MsgWithdrawAnchor{Anchorer: f.addr(cargotestutil.Exporter), Hash: h, Reason: "again"})
		return err
	}, types.ErrDocumentNotFound)
	doc = f.document(h)
	require.Equal(t, f.addr(cargotestutil.Importer), doc.Document.AnchoredBy, "the exporter's anchor no longer stands")
	mine := doc.Anchors[0]
	if mine.AnchoredBy != f.addr(cargotestutil.Exporter) {
		mine = doc.Anchors[1]
	}
	require.True(t, mine.Withdrawn)
	require.Len(t, mine.History, 2)
	require.Equal(t, types.AnchorActionAnchor, mine.History[0].Action)
	require.Equal(t, "PACKING_LIST", mine.History[0].DocType)
	require.Equal(t, types.AnchorActionWithdraw, mine.History[1].Action)
	require.Equal(t, "wrong file: the packing list of another shipment", mine.History[1].Reason)
	anchors, err := f.k.DocumentAnchors(f.ctx, h)
	require.NoError(t, err)
	require.Len(t, anchors, 1, "only anchors in force count")
	f.invariants()

	// Every anchor withdrawn: the hash is no longer anchored, its history stays.
	require.NoError(t, f.withdraw(cargotestutil.Importer, h, "duplicate of the exporter's"))
	doc = f.document(h)
	require.Empty(t, doc.Document.Hash)
	require.Len(t, doc.Anchors, 2)
	_, err = f.k.DocumentAnchors(f.ctx, h)
	require.ErrorIs(t, err, types.ErrDocumentNotFound)

	// Anchored again, as what it is; a few times at most.
	require.NoError(t, f.anchor(cargotestutil.Exporter, h, "COMMERCIAL_INVOICE"))
	d, err := f.k.PartyAnchor(f.ctx, h, f.addr(cargotestutil.Exporter))
	require.NoError(t, err)
	require.Equal(t, "COMMERCIAL_INVOICE", d.DocType)
	require.Len(t, d.History, 3)
	for n := len(d.History); n < types.MaxAnchorHistory; n += 2 {
		require.NoError(t, f.withdraw(cargotestutil.Exporter, h, "again"))
		if n+1 < types.MaxAnchorHistory {
			require.NoError(t, f.anchor(cargotestutil.Exporter, h, "OTHER"))
		}
	}
	d, err = f.k.Anchors.Get(f.ctx, collections.Join(h, f.addr(cargotestutil.Exporter)))
	require.NoError(t, err)
	require.Len(t, d.History, types.MaxAnchorHistory)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.AnchorDocument(ctx, &types.MsgAnchorDocument{Owner: f.addr(cargotestutil.Exporter), Hash: h, DocType: "OTHER"})
		return err
	}, types.ErrDocumentExists)
	f.invariants()

	// Export and import keep every anchor and its history.
	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	require.Len(t, exported.Anchors, 2)
	g := newFixture(t)
	require.NoError(t, g.k.InitGenesis(g.ctx, *exported))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)
	tampered := *exported
	tampered.Anchors = append([]types.Document(nil), exported.Anchors...)
	tampered.Anchors[0].Withdrawn = !tampered.Anchors[0].Withdrawn
	require.ErrorIs(t, tampered.Validate(), types.ErrInvalidGenesis)
	squat := *exported
	squat.Documents = append(squat.Documents, types.Document{Hash: hashN(3), DocType: "TRANSPORT_DOCUMENT", BillId: "COS-NONE", AnchoredBy: f.addr(cargotestutil.Importer)})
	require.ErrorIs(t, squat.Validate(), types.ErrInvalidGenesis, "a transport document names a bill of the state")
}
