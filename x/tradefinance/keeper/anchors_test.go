package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance/keeper"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

func (f *fixture) anchorAs(who int, hash, docType string) {
	f.t.Helper()
	_, err := f.cargo.AnchorDocument(f.ctx, &cargotypes.MsgAnchorDocument{Owner: f.addr(who), Hash: hash, DocType: docType})
	require.NoError(f.t, err)
}

func (f *fixture) withdrawAnchor(who int, hash string) func(ctx sdk.Context) error {
	return func(ctx sdk.Context) error {
		_, err := f.cargo.WithdrawAnchor(ctx, &cargotypes.MsgWithdrawAnchor{Anchorer: f.addr(who), Hash: hash, Reason: "anchored in error"})
		return err
	}
}

// An invoice rests on its seller's own anchor of the invoice document: a
// buyer who anchored the hash first neither stands in for the seller nor
// blocks it. While the invoice is open or financed the seller cannot withdraw
// that anchor (the buyer can withdraw its own); once repaid, it can.
func TestInvoiceReliesOnTheSellersAnchor(t *testing.T) {
	f := newFixture(t)
	seller, buyer, bank := f.addr(ct.Exporter), f.addr(ct.Importer), f.addr(ct.Bank)
	f.anchorAs(ct.Importer, inv, "COMMERCIAL_INVOICE") // the buyer has the invoice too, and anchors it first
	reg := &types.MsgRegisterInvoice{Seller: seller, Buyer: buyer, Number: "INV-9", Amount: f.coin(800_000), DueDate: "2026-07-15", DocumentHash: inv}
	f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.RegisterInvoice(ctx, reg); return err }, cargotypes.ErrDocumentNotFound)
	f.anchorAs(ct.Exporter, inv, "COMMERCIAL_INVOICE")
	res, err := f.srv.RegisterInvoice(f.ctx, reg)
	require.NoError(t, err)

	f.expectFailure(f.withdrawAnchor(ct.Exporter, inv), cargotypes.ErrAnchorInUse)
	require.ErrorContains(t, f.withdrawAnchor(ct.Exporter, inv)(f.ctx), "invoice 1 (INVOICE_STATUS_OPEN)")
	require.NoError(t, f.withdrawAnchor(ct.Importer, inv)(f.ctx), "the buyer's own anchor is nobody's basis")

	offer, err := f.srv.OfferFinancing(f.ctx, &types.MsgOfferFinancing{Bank: bank, InvoiceId: res.InvoiceId, Advance: f.coin(700_000), Repayment: f.coin(720_000), Maturity: "2026-07-20"})
	require.NoError(t, err)
	_, err = f.srv.AcceptFinancing(f.ctx, &types.MsgAcceptFinancing{Seller: seller, FinancingId: offer.FinancingId})
	require.NoError(t, err)
	f.expectFailure(f.withdrawAnchor(ct.Exporter, inv), cargotypes.ErrAnchorInUse)
	require.NoError(t, f.chain.App.BankKeeper.SendCoins(f.ctx, f.chain.Accounts[ct.Bank].Address, f.chain.Accounts[ct.Importer].Address, sdk.NewCoins(f.coin(720_000))))
	_, err = f.srv.Repay(f.ctx, &types.MsgRepay{Payer: buyer, FinancingId: offer.FinancingId, Amount: f.coin(720_000)})
	require.NoError(t, err)
	require.NoError(t, f.withdrawAnchor(ct.Exporter, inv)(f.ctx), "a repaid invoice relies on nothing")
	f.invariants()
}

// A presentation counts every type a document is anchored as, whoever
// anchored it first; while it is under examination, or refused with the
// credit still open (the applicant may waive), no anchor of a presented
// document is withdrawn. Once the credit is settled they can be.
func TestPresentationReliesOnItsDocuments(t *testing.T) {
	f := newFixture(t)
	bill := f.bill("B1", h1, "CNSHA", "HKHKG", "2026-05-03")
	f.anchorAs(ct.Importer, inv, "OTHER") // another party anchored the invoice's hash first, as something else
	f.anchorAs(ct.Exporter, inv, "COMMERCIAL_INVOICE")
	id := f.issueLC()
	_, err := f.srv.PresentDocuments(f.ctx, &types.MsgPresentDocuments{Beneficiary: f.addr(ct.Exporter), LcId: id, BillId: bill, DocumentHashes: []string{inv}})
	require.NoError(t, err, "the exporter's COMMERCIAL_INVOICE anchor counts")
	for _, who := range []int{ct.Exporter, ct.Importer} {
		f.expectFailure(f.withdrawAnchor(who, inv), cargotypes.ErrAnchorInUse)
	}
	require.ErrorContains(t, f.withdrawAnchor(ct.Exporter, inv)(f.ctx), "under examination")

	_, err = f.srv.ExamineDocuments(f.ctx, &types.MsgExamineDocuments{IssuingBank: f.addr(ct.Bank), LcId: id, Decision: types.DECISION_REFUSE, Discrepancies: []string{"amount"}})
	require.NoError(t, err)
	f.expectFailure(f.withdrawAnchor(ct.Exporter, inv), cargotypes.ErrAnchorInUse)
	require.ErrorContains(t, f.withdrawAnchor(ct.Exporter, inv)(f.ctx), "may still waive")

	_, err = f.srv.WaiveDiscrepancies(f.ctx, &types.MsgWaiveDiscrepancies{Applicant: f.addr(ct.Importer), LcId: id})
	require.NoError(t, err)
	f.expectFailure(f.withdrawAnchor(ct.Exporter, inv), cargotypes.ErrAnchorInUse)
	_, err = f.srv.ExamineDocuments(f.ctx, &types.MsgExamineDocuments{IssuingBank: f.addr(ct.Bank), LcId: id, Decision: types.DECISION_COMPLY})
	require.NoError(t, err)
	require.NoError(t, f.withdrawAnchor(ct.Importer, inv)(f.ctx), "settled: nothing relies on the anchors any more")
	require.NoError(t, f.withdrawAnchor(ct.Exporter, inv)(f.ctx))
	f.invariants()
}

// A presentation refused and replaced by another under the same credit no
// longer holds the first one's documents.
func TestRepresentationReleasesTheFirstDocuments(t *testing.T) {
	f := newFixture(t)
	bill := f.bill("B1", h1, "CNSHA", "HKHKG", "2026-05-03")
	f.anchorAs(ct.Exporter, inv, "COMMERCIAL_INVOICE")
	f.anchorAs(ct.Exporter, h2, "COMMERCIAL_INVOICE")
	id := f.issueLC()
	present := func(h string) {
		_, err := f.srv.PresentDocuments(f.ctx, &types.MsgPresentDocuments{Beneficiary: f.addr(ct.Exporter), LcId: id, BillId: bill, DocumentHashes: []string{h}})
		require.NoError(t, err)
	}
	present(inv)
	_, err := f.srv.ExamineDocuments(f.ctx, &types.MsgExamineDocuments{IssuingBank: f.addr(ct.Bank), LcId: id, Decision: types.DECISION_REFUSE, Discrepancies: []string{"wrong invoice"}})
	require.NoError(t, err)
	present(h2) // the corrected invoice replaces the refused presentation
	f.invariants()
	require.NoError(t, f.withdrawAnchor(ct.Exporter, inv)(f.ctx), "the replaced presentation relies on nothing")
	f.expectFailure(f.withdrawAnchor(ct.Exporter, h2), cargotypes.ErrAnchorInUse)
	has, err := f.k.PresentedDocs.Has(f.ctx, collections.Join(inv, id))
	require.NoError(t, err)
	require.False(t, has, "the index follows the presentation")
}

// The v3 migration of x/tradefinance indexes the documents of the
// presentations made before it, so their anchors are protected too.
func TestMigrate1to2IndexesPresentedDocuments(t *testing.T) {
	f := newFixture(t)
	bill := f.bill("B1", h1, "CNSHA", "HKHKG", "2026-05-03")
	f.anchorAs(ct.Exporter, inv, "COMMERCIAL_INVOICE")
	id := f.issueLC()
	_, err := f.srv.PresentDocuments(f.ctx, &types.MsgPresentDocuments{Beneficiary: f.addr(ct.Exporter), LcId: id, BillId: bill, DocumentHashes: []string{inv}})
	require.NoError(t, err)
	require.NoError(t, f.k.PresentedDocs.Clear(f.ctx, nil)) // as version 1 left it
	_, broken := keeper.AllInvariants(f.k)(f.ctx)
	require.True(t, broken)
	require.NoError(t, f.withdrawAnchor(ct.Exporter, inv)(func() sdk.Context { c, _ := f.ctx.CacheContext(); return c }()), "unprotected before the migration")

	require.NoError(t, keeper.NewMigrator(f.k).Migrate1to2(f.ctx))
	f.invariants()
	f.expectFailure(f.withdrawAnchor(ct.Exporter, inv), cargotypes.ErrAnchorInUse)
}
