package keeper_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	tctestutil "github.com/tradechain/tradechain/testutil"
	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance/keeper"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

const hkd = "td-hkbk-hkd"

type fixture struct {
	t     *testing.T
	chain *tctestutil.Chain
	k     keeper.Keeper
	srv   types.MsgServer
	cargo cargotypes.MsgServer
	ctx   sdk.Context
}

func newFixture(t *testing.T) *fixture {
	c := ct.NewChain(t)
	f := &fixture{t: t, chain: c, k: c.App.TradeFinanceKeeper, srv: keeper.NewMsgServerImpl(c.App.TradeFinanceKeeper),
		cargo: cargokeeper.NewMsgServerImpl(c.App.CargoKeeper), ctx: c.Context()}
	_, err := f.srv.MintDeposit(f.ctx, &types.MsgMintDeposit{Bank: f.addr(ct.Bank), Amount: f.coin(10_000_000)})
	require.NoError(t, err)
	return f
}

func (f *fixture) addr(i int) string     { return f.chain.Accounts[i].String() }
func (f *fixture) coin(n int64) sdk.Coin { return sdk.NewInt64Coin(hkd, n) }
func (f *fixture) balance(i int) math.Int {
	return f.chain.App.BankKeeper.GetBalance(f.ctx, f.chain.Accounts[i].Address, hkd).Amount
}
func (f *fixture) at(day string, hour int) {
	f.ctx = f.ctx.WithBlockTime(mustDate(day).Add(time.Duration(hour) * time.Hour))
}

func mustDate(s string) time.Time {
	t, err := time.Parse(cargotypes.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

// expectFailure runs fn on a cache, checks the error, and that neither module's state changed.
func (f *fixture) expectFailure(fn func(ctx sdk.Context) error, want *errorsmod.Error) {
	f.t.Helper()
	ctx, _ := f.ctx.CacheContext()
	before, err := f.k.ExportGenesis(ctx)
	require.NoError(f.t, err)
	cargoBefore, err := f.chain.App.CargoKeeper.ExportGenesis(ctx)
	require.NoError(f.t, err)
	balBefore := f.chain.App.BankKeeper.GetAccountsBalances(ctx)
	err = fn(ctx)
	require.Error(f.t, err)
	require.Truef(f.t, want.Is(err), "want %v, got %v", want, err)
	after, _ := f.k.ExportGenesis(ctx)
	cargoAfter, _ := f.chain.App.CargoKeeper.ExportGenesis(ctx)
	require.Equal(f.t, before, after)
	require.Equal(f.t, cargoBefore, cargoAfter)
	require.Equal(f.t, balBefore, f.chain.App.BankKeeper.GetAccountsBalances(ctx))
}

func (f *fixture) invariants() {
	f.t.Helper()
	msg, broken := keeper.AllInvariants(f.k)(f.ctx)
	require.False(f.t, broken, msg)
}

// bill issues a to-order bill to the exporter (the LC beneficiary).
func (f *fixture) bill(ref, hash, pol, pod, shipped string) string {
	res, err := f.cargo.IssueBill(f.ctx, &cargotypes.MsgIssueBill{Carrier: f.addr(ct.Carrier), TransportDocumentReference: ref,
		Type: cargotypes.BILL_TYPE_BOL, Mode: cargotypes.BILL_MODE_TO_ORDER, IssueTo: f.addr(ct.Exporter), DocumentHash: hash,
		PortOfLoading: pol, PortOfDischarge: pod, IssueDate: shipped, ShippedOnBoardDate: shipped})
	require.NoError(f.t, err)
	return res.BillId
}

func (f *fixture) anchor(hash, docType string) {
	_, err := f.cargo.AnchorDocument(f.ctx, &cargotypes.MsgAnchorDocument{Owner: f.addr(ct.Exporter), Hash: hash, DocType: docType})
	require.NoError(f.t, err)
}

const (
	h1  = "1111111111111111111111111111111111111111111111111111111111111111"
	h2  = "2222222222222222222222222222222222222222222222222222222222222222"
	h3  = "3333333333333333333333333333333333333333333333333333333333333333"
	inv = "4444444444444444444444444444444444444444444444444444444444444444"
	h4  = "5555555555555555555555555555555555555555555555555555555555555555"
	h5  = "6666666666666666666666666666666666666666666666666666666666666666"
)

func (f *fixture) lcMsg() *types.MsgIssueLC {
	return &types.MsgIssueLC{IssuingBank: f.addr(ct.Bank), Applicant: f.addr(ct.Importer), Beneficiary: f.addr(ct.Exporter),
		Amount: f.coin(1_000_000), Expiry: "2026-06-30", LatestShipmentDate: "2026-05-10", RequiredDocuments: []string{"COMMERCIAL_INVOICE"},
		PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", DeliverBillTo: types.DELIVER_BILL_TO_APPLICANT}
}

func (f *fixture) issueLC() uint64 {
	res, err := f.srv.IssueLC(f.ctx, f.lcMsg())
	require.NoError(f.t, err)
	return res.LcId
}

func TestDeposits(t *testing.T) {
	f := newFixture(t)
	bank := f.addr(ct.Bank)
	require.Equal(t, int64(10_000_000), f.balance(ct.Bank).Int64())
	require.True(t, f.chain.App.BankKeeper.HasDenomMetaData(f.ctx, hkd))

	for _, tc := range []struct {
		name string
		msg  *types.MsgMintDeposit
		want *errorsmod.Error
	}{
		{"not a bank", &types.MsgMintDeposit{Bank: f.addr(ct.Exporter), Amount: sdk.NewInt64Coin("td-shpe-hkd", 1)}, cargotypes.ErrWrongRole},
		{"another bank's token", &types.MsgMintDeposit{Bank: bank, Amount: sdk.NewInt64Coin("td-shbk-cny", 1)}, types.ErrUnauthorized},
		{"zero amount", &types.MsgMintDeposit{Bank: bank, Amount: sdk.NewInt64Coin(hkd, 0)}, types.ErrInvalidAmount},
		{"non-deposit denom", &types.MsgMintDeposit{Bank: bank, Amount: sdk.NewInt64Coin("utrade", 5)}, types.ErrNotDepositDenom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.MintDeposit(ctx, tc.msg); return err }, tc.want)
		})
	}

	bk := f.chain.App.BankKeeper
	// Deposit tokens go to registered parties only.
	require.NoError(t, bk.SendCoins(f.ctx, f.chain.Accounts[ct.Bank].Address, f.chain.Accounts[ct.Importer].Address, sdk.NewCoins(f.coin(500))))
	// (x/bank debits before it applies send restrictions; the failing tx is
	// reverted as a whole, as the cache here is discarded.)
	for _, to := range []int{ct.Stranger, ct.Retired} {
		cache, _ := f.ctx.CacheContext()
		err := bk.SendCoins(cache, f.chain.Accounts[ct.Bank].Address, f.chain.Accounts[to].Address, sdk.NewCoins(f.coin(500)))
		require.ErrorIs(t, err, types.ErrRecipientNotParty)
	}
	// Other denoms are not restricted.
	require.NoError(t, bk.SendCoins(f.ctx, f.chain.Accounts[ct.Bank].Address, f.chain.Accounts[ct.Stranger].Address, sdk.NewCoins(sdk.NewInt64Coin("utrade", 1))))

	_, err := f.srv.BurnDeposit(f.ctx, &types.MsgBurnDeposit{Bank: bank, Amount: f.coin(1_000_000)})
	require.NoError(t, err)
	require.Equal(t, int64(8_999_500), f.balance(ct.Bank).Int64())
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.BurnDeposit(ctx, &types.MsgBurnDeposit{Bank: bank, Amount: f.coin(100_000_000)})
		return err
	}, types.ErrInsufficientFunds)
	f.invariants()
}

func TestLetterOfCreditComplies(t *testing.T) {
	f := newFixture(t)
	bill := f.bill("B1", h1, "CNSHA", "HKHKG", "2026-05-03")
	f.anchor(inv, "COMMERCIAL_INVOICE")

	for _, tc := range []struct {
		name   string
		mutate func(m *types.MsgIssueLC)
		want   *errorsmod.Error
	}{
		{"not a bank", func(m *types.MsgIssueLC) { m.IssuingBank = f.addr(ct.Importer) }, cargotypes.ErrWrongRole},
		{"unregistered beneficiary", func(m *types.MsgIssueLC) { m.Beneficiary = f.addr(ct.Stranger) }, cargotypes.ErrPartyNotFound},
		{"zero amount", func(m *types.MsgIssueLC) { m.Amount = f.coin(0) }, types.ErrInvalidAmount},
		{"non-deposit denom", func(m *types.MsgIssueLC) { m.Amount = sdk.NewInt64Coin("utrade", 10) }, types.ErrNotDepositDenom},
		{"insufficient balance", func(m *types.MsgIssueLC) { m.Amount = f.coin(50_000_000) }, types.ErrInsufficientFunds},
		{"expiry before issue", func(m *types.MsgIssueLC) { m.Expiry, m.LatestShipmentDate = "2026-05-01", "2026-04-30" }, types.ErrInvalidDate},
		{"latest shipment after expiry", func(m *types.MsgIssueLC) { m.LatestShipmentDate = "2026-07-01" }, types.ErrInvalidDate},
		{"bad port", func(m *types.MsgIssueLC) { m.PortOfLoading = "Shanghai" }, cargotypes.ErrInvalidLocode},
		{"unknown document type", func(m *types.MsgIssueLC) { m.RequiredDocuments = []string{"SELFIE"} }, types.ErrInvalidField},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := f.lcMsg()
			tc.mutate(m)
			f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.IssueLC(ctx, m); return err }, tc.want)
		})
	}

	id := f.issueLC()
	require.Equal(t, int64(9_000_000), f.balance(ct.Bank).Int64())
	f.invariants()

	other := f.bill("B2", h2, "CNNGB", "HKHKG", "2026-05-03")
	late := f.bill("B3", h3, "CNSHA", "HKHKG", "2026-05-04")
	present := func(beneficiary int, billID string, hashes ...string) func(ctx sdk.Context) error {
		return func(ctx sdk.Context) error {
			_, err := f.srv.PresentDocuments(ctx, &types.MsgPresentDocuments{Beneficiary: f.addr(beneficiary), LcId: id, BillId: billID, DocumentHashes: hashes})
			return err
		}
	}
	f.expectFailure(present(ct.Exporter, bill), types.ErrMissingDocument)
	f.expectFailure(present(ct.Importer, bill, inv), types.ErrUnauthorized)
	f.expectFailure(present(ct.Exporter, other, inv), types.ErrDocumentsMismatch)
	f.expectFailure(present(ct.Exporter, bill, "5555555555555555555555555555555555555555555555555555555555555555"), cargotypes.ErrDocumentNotFound)
	// Shipment date not matching: a credit whose latest shipment date is before the bill's on-board date.
	early := f.lcMsg()
	early.LatestShipmentDate = "2026-05-02"
	r, err := f.srv.IssueLC(f.ctx, early)
	require.NoError(t, err)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.PresentDocuments(ctx, &types.MsgPresentDocuments{Beneficiary: f.addr(ct.Exporter), LcId: r.LcId, BillId: bill, DocumentHashes: []string{inv}})
		return err
	}, types.ErrDocumentsMismatch)
	// A bill the beneficiary no longer holds.
	_, err = f.cargo.EndorseBill(f.ctx, &cargotypes.MsgEndorseBill{Holder: f.addr(ct.Exporter), BillId: late, Endorsee: f.addr(ct.Importer)})
	require.NoError(t, err)
	f.expectFailure(present(ct.Exporter, late, inv), cargotypes.ErrNotHolder)

	saved := f.ctx
	f.at("2026-05-30", 10) // 27 days after shipment: outside the 21-day period
	f.expectFailure(present(ct.Exporter, bill, inv), types.ErrPresentationPeriod)
	f.at("2026-07-02", 10) // after expiry
	f.expectFailure(present(ct.Exporter, bill, inv), types.ErrExpired)
	f.ctx = saved

	require.NoError(t, present(ct.Exporter, bill, inv)(f.ctx))
	b, _ := f.chain.App.CargoKeeper.GetBill(f.ctx, bill)
	require.NotNil(t, b.Lien)
	f.invariants()
	// The liened bill cannot be presented under another credit nor moved by its holder.
	second, err := f.srv.IssueLC(f.ctx, f.lcMsg())
	require.NoError(t, err)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.PresentDocuments(ctx, &types.MsgPresentDocuments{Beneficiary: f.addr(ct.Exporter), LcId: second.LcId, BillId: bill, DocumentHashes: []string{inv}})
		return err
	}, cargotypes.ErrLiened)
	_, err = f.cargo.EndorseBill(f.ctx, &cargotypes.MsgEndorseBill{Holder: f.addr(ct.Exporter), BillId: bill, Endorsee: f.addr(ct.Importer)})
	require.ErrorIs(t, err, cargotypes.ErrLiened)

	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.ExamineDocuments(ctx, &types.MsgExamineDocuments{IssuingBank: f.addr(ct.Bank2), LcId: id, Decision: types.DECISION_COMPLY})
		return err
	}, types.ErrUnauthorized)

	_, err = f.srv.ExamineDocuments(f.ctx, &types.MsgExamineDocuments{IssuingBank: f.addr(ct.Bank), LcId: id, Decision: types.DECISION_COMPLY})
	require.NoError(t, err)
	// DvP: the exporter is paid and the importer controls the bill, in one step.
	require.Equal(t, int64(1_000_000), f.balance(ct.Exporter).Int64())
	b, _ = f.chain.App.CargoKeeper.GetBill(f.ctx, bill)
	require.Equal(t, f.addr(ct.Importer), b.Holder)
	require.Equal(t, int64(7_000_000), f.balance(ct.Bank).Int64(), "three credits escrowed, one paid out")
	require.Nil(t, b.Lien)
	lc, _ := f.k.GetLC(f.ctx, id)
	require.Equal(t, types.LC_STATUS_SETTLED, lc.Status)
	require.True(t, lc.Escrow.IsZero())
	require.Equal(t, lc.Amount, lc.Paid)
	f.invariants()
}

func TestLetterOfCreditRefuseWaiveAndDeemedCompliance(t *testing.T) {
	f := newFixture(t)
	bill := f.bill("B1", h1, "CNSHA", "HKHKG", "2026-05-03")
	f.anchor(inv, "COMMERCIAL_INVOICE")
	id := f.issueLC()
	_, err := f.srv.PresentDocuments(f.ctx, &types.MsgPresentDocuments{Beneficiary: f.addr(ct.Exporter), LcId: id, BillId: bill, DocumentHashes: []string{inv}})
	require.NoError(t, err)

	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.ExamineDocuments(ctx, &types.MsgExamineDocuments{IssuingBank: f.addr(ct.Bank), LcId: id, Decision: types.DECISION_REFUSE})
		return err
	}, types.ErrInvalidField) // a refusal lists its discrepancies
	_, err = f.srv.ExamineDocuments(f.ctx, &types.MsgExamineDocuments{IssuingBank: f.addr(ct.Bank), LcId: id, Decision: types.DECISION_REFUSE,
		Discrepancies: []string{"invoice amount differs from the credit", "beneficiary name misspelt"}})
	require.NoError(t, err)
	b, _ := f.chain.App.CargoKeeper.GetBill(f.ctx, bill)
	require.Nil(t, b.Lien, "refusal releases the lien")
	p, _ := f.k.Presentations.Get(f.ctx, id)
	require.Len(t, p.Discrepancies, 2)

	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.WaiveDiscrepancies(ctx, &types.MsgWaiveDiscrepancies{Applicant: f.addr(ct.Exporter), LcId: id})
		return err
	}, types.ErrUnauthorized)
	_, err = f.srv.WaiveDiscrepancies(f.ctx, &types.MsgWaiveDiscrepancies{Applicant: f.addr(ct.Importer), LcId: id})
	require.NoError(t, err)
	p, _ = f.k.Presentations.Get(f.ctx, id)
	require.Equal(t, types.PRESENTATION_STATUS_PENDING, p.Status)
	// Monday 4 May 08:00 + 5 banking days (Tue..Mon, weekend skipped) → ends Tue 12 May 00:00.
	require.Equal(t, mustDate("2026-05-12"), p.Deadline)

	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.SettlePresentation(ctx, &types.MsgSettlePresentation{Signer: f.addr(ct.Stranger), LcId: id})
		return err
	}, types.ErrDeadlineNotPassed)

	f.at("2026-05-12", 1)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.ExamineDocuments(ctx, &types.MsgExamineDocuments{IssuingBank: f.addr(ct.Bank), LcId: id, Decision: types.DECISION_REFUSE, Discrepancies: []string{"late"}})
		return err
	}, types.ErrDeadlinePassed)
	// The deadline passed without a refusal: EndBlock settles it (Art. 16(f)).
	require.NoError(t, f.k.EndBlocker(f.ctx))
	lc, _ := f.k.GetLC(f.ctx, id)
	require.Equal(t, types.LC_STATUS_SETTLED, lc.Status)
	p, _ = f.k.Presentations.Get(f.ctx, id)
	require.True(t, p.Deemed)
	require.Equal(t, int64(1_000_000), f.balance(ct.Exporter).Int64())
	has, err := f.k.Deadlines.Has(f.ctx, collectionsJoin(p.Deadline.Unix(), id))
	require.NoError(t, err)
	require.False(t, has, "the queue entry is consumed")
	f.invariants()
}

func TestBankingDayCalendar(t *testing.T) {
	p := types.DefaultParams()
	p.Holidays = []string{"2026-05-05"} // a Tuesday holiday
	// Presented Monday 4 May: Wed 6, Thu 7, Fri 8, Mon 11, Tue 12 → ends Wed 13 May.
	require.Equal(t, mustDate("2026-05-13"), p.ExaminationDeadline(mustDate("2026-05-04").Add(15*time.Hour)))
	require.Equal(t, mustDate("2026-05-11"), p.NextBankingDay(mustDate("2026-05-09")))
}

func TestLetterOfCreditAmendAndClose(t *testing.T) {
	f := newFixture(t)
	id := f.issueLC()
	_, err := f.srv.AmendLC(f.ctx, &types.MsgAmendLC{IssuingBank: f.addr(ct.Bank), LcId: id, Amendment: types.Amendment{Amount: f.coin(1_500_000), Expiry: "2026-07-31"}})
	require.NoError(t, err)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.RespondAmendment(ctx, &types.MsgRespondAmendment{Beneficiary: f.addr(ct.Importer), LcId: id, Accept: true})
		return err
	}, types.ErrUnauthorized)
	_, err = f.srv.RespondAmendment(f.ctx, &types.MsgRespondAmendment{Beneficiary: f.addr(ct.Exporter), LcId: id, Accept: true})
	require.NoError(t, err)
	lc, _ := f.k.GetLC(f.ctx, id)
	require.Equal(t, f.coin(1_500_000), lc.Escrow)
	require.Equal(t, "2026-07-31", lc.Expiry)
	require.Equal(t, int64(8_500_000), f.balance(ct.Bank).Int64())
	f.invariants()

	_, err = f.srv.AmendLC(f.ctx, &types.MsgAmendLC{IssuingBank: f.addr(ct.Bank), LcId: id, Amendment: types.Amendment{Amount: f.coin(100)}})
	require.NoError(t, err)
	_, err = f.srv.RespondAmendment(f.ctx, &types.MsgRespondAmendment{Beneficiary: f.addr(ct.Exporter), LcId: id, Accept: false})
	require.NoError(t, err)
	lc, _ = f.k.GetLC(f.ctx, id)
	require.Equal(t, f.coin(1_500_000), lc.Amount, "a rejected amendment changes nothing")

	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.CloseLC(ctx, &types.MsgCloseLC{IssuingBank: f.addr(ct.Bank), LcId: id})
		return err
	}, types.ErrWrongLCStatus)
	f.at("2026-08-01", 9) // Saturday after the expiry (Fri 31 July)
	_, err = f.srv.CloseLC(f.ctx, &types.MsgCloseLC{IssuingBank: f.addr(ct.Bank), LcId: id})
	require.NoError(t, err)
	require.Equal(t, int64(10_000_000), f.balance(ct.Bank).Int64())
	f.invariants()
}

func TestInvoiceFinancing(t *testing.T) {
	f := newFixture(t)
	bill := f.bill("B1", h1, "CNSHA", "HKHKG", "2026-05-03")
	f.anchor(inv, "COMMERCIAL_INVOICE")
	f.anchor(h2, "COMMERCIAL_INVOICE")
	seller, buyer, bank := f.addr(ct.Exporter), f.addr(ct.Importer), f.addr(ct.Bank)
	reg := &types.MsgRegisterInvoice{Seller: seller, Buyer: buyer, Number: "INV-2026-0418", Amount: f.coin(800_000), DueDate: "2026-07-15", DocumentHash: inv, BillId: bill}
	res, err := f.srv.RegisterInvoice(f.ctx, reg)
	require.NoError(t, err)
	invID := res.InvoiceId
	f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.RegisterInvoice(ctx, reg); return err }, types.ErrInvoiceExists)
	dup := *reg
	dup.DocumentHash = h2 // same invoice dressed in another document: same fingerprint
	f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.RegisterInvoice(ctx, &dup); return err }, types.ErrInvoiceExists)

	offer := func(invoice uint64) uint64 {
		r, err := f.srv.OfferFinancing(f.ctx, &types.MsgOfferFinancing{Bank: bank, InvoiceId: invoice, Advance: f.coin(700_000), Repayment: f.coin(720_000), Maturity: "2026-07-20"})
		require.NoError(t, err)
		return r.FinancingId
	}
	f1, f2 := offer(invID), offer(invID)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.AcceptFinancing(ctx, &types.MsgAcceptFinancing{Seller: buyer, FinancingId: f1})
		return err
	}, types.ErrUnauthorized)
	_, err = f.srv.AcceptFinancing(f.ctx, &types.MsgAcceptFinancing{Seller: seller, FinancingId: f1})
	require.NoError(t, err)
	require.Equal(t, int64(700_000), f.balance(ct.Exporter).Int64())
	f.invariants()
	require.NoError(t, f.chain.App.BankKeeper.SendCoins(f.ctx, f.chain.Accounts[ct.Bank].Address, f.chain.Accounts[ct.Importer].Address, sdk.NewCoins(f.coin(1_000_000))))
	// I4: no second financing of the invoice, nor of the bill under another invoice.
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.AcceptFinancing(ctx, &types.MsgAcceptFinancing{Seller: seller, FinancingId: f2})
		return err
	}, types.ErrAlreadyFinanced)
	res2, err := f.srv.RegisterInvoice(f.ctx, &types.MsgRegisterInvoice{Seller: seller, Buyer: buyer, Number: "INV-2026-0419", Amount: f.coin(50_000), DueDate: "2026-07-15", DocumentHash: h2, BillId: bill})
	require.NoError(t, err)
	f3 := offer(res2.InvoiceId)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.AcceptFinancing(ctx, &types.MsgAcceptFinancing{Seller: seller, FinancingId: f3})
		return err
	}, types.ErrAlreadyFinanced)

	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.DeclareDefault(ctx, &types.MsgDeclareDefault{Bank: bank, FinancingId: f1})
		return err
	}, types.ErrNotMature)
	_, err = f.srv.Repay(f.ctx, &types.MsgRepay{Payer: buyer, FinancingId: f1, Amount: f.coin(200_000)})
	require.NoError(t, err)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.Repay(ctx, &types.MsgRepay{Payer: buyer, FinancingId: f1, Amount: f.coin(600_000)})
		return err
	}, types.ErrInvalidAmount)
	r, err := f.srv.Repay(f.ctx, &types.MsgRepay{Payer: buyer, FinancingId: f1, Amount: f.coin(520_000)})
	require.NoError(t, err)
	require.True(t, r.FullyRepaid)
	b, _ := f.chain.App.CargoKeeper.GetBill(f.ctx, bill)
	require.Nil(t, b.Lien, "full repayment releases the lien")
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.Repay(ctx, &types.MsgRepay{Payer: buyer, FinancingId: f1, Amount: f.coin(1)})
		return err
	}, types.ErrWrongFinancing)
	f.invariants()

	// Second invoice: financed, not repaid, defaulted after maturity → the bank takes the bill.
	_, err = f.srv.AcceptFinancing(f.ctx, &types.MsgAcceptFinancing{Seller: seller, FinancingId: f3})
	require.NoError(t, err)
	f.at("2026-07-21", 10)
	_, err = f.srv.DeclareDefault(f.ctx, &types.MsgDeclareDefault{Bank: bank, FinancingId: f3})
	require.NoError(t, err)
	b, _ = f.chain.App.CargoKeeper.GetBill(f.ctx, bill)
	require.Equal(t, bank, b.Holder)
	require.Nil(t, b.Lien)
	f.invariants()

	// The seller's track record counts each of these records (issue 39).
	tr, err := keeper.NewQueryServerImpl(f.k).TrackRecord(f.ctx, &types.QueryTrackRecordRequest{Party: seller})
	require.NoError(t, err)
	got := map[string][]string{}
	for _, fg := range tr.Figures {
		require.Equal(t, uint64(len(fg.Ids)), fg.Count)
		got[fg.Name] = fg.Ids
	}
	require.Equal(t, []string{fmt.Sprintf("invoice/%d", invID), fmt.Sprintf("invoice/%d", res2.InvoiceId)}, got["invoices_registered"])
	require.Equal(t, got["invoices_registered"], got["invoices_financed"])
	require.Equal(t, []string{fmt.Sprintf("financing/%d", f1)}, got["financings_repaid_on_time"])
	require.Equal(t, []string{fmt.Sprintf("financing/%d", f3)}, got["financings_defaulted"])
	require.Empty(t, got["financings_repaid_late"])
	buyerTR, err := keeper.NewQueryServerImpl(f.k).TrackRecord(f.ctx, &types.QueryTrackRecordRequest{Party: buyer})
	require.NoError(t, err)
	for _, fg := range buyerTR.Figures {
		require.Zero(t, fg.Count, "the buyer sold nothing: %s", fg.Name)
	}
	// The index is rebuilt from genesis.
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, f.k.PartyRecords.Clear(f.ctx, nil))
	require.NoError(t, f.k.InitGenesis(f.ctx, *gs))
	tr2, err := keeper.NewQueryServerImpl(f.k).TrackRecord(f.ctx, &types.QueryTrackRecordRequest{Party: seller})
	require.NoError(t, err)
	require.Equal(t, tr.Figures, tr2.Figures)
}

func collectionsJoin(t int64, id uint64) collections.Pair[int64, uint64] {
	return collections.Join(t, id)
}

// Invoices are identified across the corridor by LEIs: a seller or buyer
// without one cannot register an invoice, and a bank without one cannot
// offer financing; the fingerprint does not depend on zone-local party codes.
func TestInvoiceNeedsLEIs(t *testing.T) {
	f := newFixture(t)
	f.anchor(inv, "COMMERCIAL_INVOICE")
	seller, buyer, bank := f.addr(ct.Exporter), f.addr(ct.Importer), f.addr(ct.Bank)
	withoutLEI := func(addr string) {
		p, err := f.chain.App.CargoKeeper.GetParty(f.ctx, addr)
		require.NoError(t, err)
		p.Lei = ""
		require.NoError(t, f.chain.App.CargoKeeper.Parties.Set(f.ctx, addr, p))
	}
	reg := &types.MsgRegisterInvoice{Seller: seller, Buyer: buyer, Number: "INV-7", Amount: f.coin(800_000), DueDate: "2026-07-15", DocumentHash: inv}
	res, err := f.srv.RegisterInvoice(f.ctx, reg)
	require.NoError(t, err)
	require.Equal(t, types.Fingerprint(ct.LEI("SHPE"), ct.LEI("KBCT"), "inv 7"), res.Fingerprint)
	require.Equal(t, types.INVOICE_STATUS_OPEN, res.Status, "no registry channel: active at once")
	inv1, err := f.k.GetInvoice(f.ctx, res.InvoiceId)
	require.NoError(t, err)
	require.Equal(t, cargotypes.RESERVATION_STATUS_LOCAL, inv1.CorridorStatus)

	withoutLEI(bank)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.OfferFinancing(ctx, &types.MsgOfferFinancing{Bank: bank, InvoiceId: res.InvoiceId, Advance: f.coin(1), Repayment: f.coin(2), Maturity: "2026-07-20"})
		return err
	}, types.ErrNoLEI)
	withoutLEI(buyer)
	f.anchor(h2, "COMMERCIAL_INVOICE")
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.RegisterInvoice(ctx, &types.MsgRegisterInvoice{Seller: seller, Buyer: buyer, Number: "INV-8", Amount: f.coin(5), DueDate: "2026-07-15", DocumentHash: h2})
		return err
	}, types.ErrNoLEI)
	f.invariants()
}
