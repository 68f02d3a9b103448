package tradefinance_test

import (
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	tctestutil "github.com/tradechain/tradechain/testutil"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance/keeper"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

const hkd = "td-hkbk-hkd"

type env struct {
	t *testing.T
	c *tctestutil.Chain
}

func (e env) acc(i int) *tctestutil.Account { return e.c.Accounts[i] }
func (e env) ok(i int, msgs ...sdk.Msg)     { e.c.MustDeliver(e.acc(i), msgs...) }
func (e env) bal(i int) int64 {
	return e.c.Balance(e.acc(i).Address, hkd).Int64()
}
func (e env) holder(id string) string {
	b, err := e.c.App.CargoKeeper.GetBill(e.c.Context(), id)
	require.NoError(e.t, err)
	return b.Holder
}
func (e env) invariants() {
	ctx := e.c.Context()
	for _, r := range e.c.App.CrisisKeeper.Routes() {
		msg, broken := r.Invar(ctx)
		require.False(e.t, broken, msg)
	}
}

func setup(t *testing.T) env {
	e := env{t: t, c: ct.NewChain(t)}
	e.ok(ct.Bank, &types.MsgMintDeposit{Bank: e.acc(ct.Bank).String(), Amount: sdk.NewInt64Coin(hkd, 100_000_000)})
	return e
}

func (e env) issueBill(ref, hash string) string {
	e.ok(ct.Carrier, &cargotypes.MsgIssueBill{Carrier: e.acc(ct.Carrier).String(), TransportDocumentReference: ref,
		Type: cargotypes.BILL_TYPE_BOL, Mode: cargotypes.BILL_MODE_TO_ORDER, IssueTo: e.acc(ct.Exporter).String(),
		DocumentHash: hash, PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2026-05-03", ShippedOnBoardDate: "2026-05-03"})
	return "COS-" + ref
}

func (e env) issueLC() uint64 {
	res := e.c.MustDeliver(e.acc(ct.Bank), &types.MsgIssueLC{IssuingBank: e.acc(ct.Bank).String(), Applicant: e.acc(ct.Importer).String(),
		Beneficiary: e.acc(ct.Exporter).String(), Amount: sdk.NewInt64Coin(hkd, 5_000_000), Expiry: "2026-06-30",
		LatestShipmentDate: "2026-05-10", RequiredDocuments: []string{"COMMERCIAL_INVOICE"}, PortOfLoading: "CNSHA",
		PortOfDischarge: "HKHKG", DeliverBillTo: types.DELIVER_BILL_TO_APPLICANT})
	var out types.MsgIssueLCResponse
	require.NoError(e.t, unpack(res.Data, &out))
	return out.LcId
}

func hash(b byte) string {
	s := make([]byte, 64)
	for i := range s {
		s[i] = b
	}
	return string(s)
}

// Signed transactions through FinalizeBlock: the full LC lifecycle.
func TestLCLifecycleSignedTxs(t *testing.T) {
	e := setup(t)
	bank, imp, exp := e.acc(ct.Bank).String(), e.acc(ct.Importer).String(), e.acc(ct.Exporter).String()
	e.ok(ct.Exporter, &cargotypes.MsgAnchorDocument{Owner: exp, Hash: hash('a'), DocType: "COMMERCIAL_INVOICE"})

	// 1. Comply: DvP in one transaction.
	bill1 := e.issueBill("B1", hash('1'))
	lc1 := e.issueLC()
	e.ok(ct.Exporter, &types.MsgPresentDocuments{Beneficiary: exp, LcId: lc1, BillId: bill1, DocumentHashes: []string{hash('a')}})
	e.ok(ct.Bank, &types.MsgExamineDocuments{IssuingBank: bank, LcId: lc1, Decision: types.DECISION_COMPLY})
	require.Equal(t, int64(5_000_000), e.bal(ct.Exporter))
	require.Equal(t, imp, e.holder(bill1))
	e.invariants()

	// 2. Refuse, then the applicant waives, then the deadline passes: the
	// EndBlocker settles in a real block (deemed compliance).
	bill2 := e.issueBill("B2", hash('2'))
	lc2 := e.issueLC()
	e.ok(ct.Exporter, &types.MsgPresentDocuments{Beneficiary: exp, LcId: lc2, BillId: bill2, DocumentHashes: []string{hash('a')}})
	e.ok(ct.Bank, &types.MsgExamineDocuments{IssuingBank: bank, LcId: lc2, Decision: types.DECISION_REFUSE, Discrepancies: []string{"late shipment notation"}})
	require.Equal(t, exp, e.holder(bill2))
	e.ok(ct.Importer, &types.MsgWaiveDiscrepancies{Applicant: imp, LcId: lc2})
	p, err := e.c.App.TradeFinanceKeeper.Presentations.Get(e.c.Context(), lc2)
	require.NoError(t, err)
	e.c.DeliverBlockAt(p.Deadline.Add(time.Minute))
	require.Equal(t, imp, e.holder(bill2))
	require.Equal(t, int64(10_000_000), e.bal(ct.Exporter))
	lc, _ := e.c.App.TradeFinanceKeeper.GetLC(e.c.Context(), lc2)
	require.Equal(t, types.LC_STATUS_SETTLED, lc.Status)
	e.invariants()

	// 3. Expiry and close: unused escrow returns to the bank.
	lc3 := e.issueLC()
	before := e.bal(ct.Bank)
	res := e.c.Deliver(e.acc(ct.Bank), &types.MsgCloseLC{IssuingBank: bank, LcId: lc3})
	require.Equal(t, types.ErrWrongLCStatus.ABCICode(), res.Code)
	require.Equal(t, types.ModuleName, res.Codespace)
	e.c.DeliverBlockAt(time.Date(2026, 7, 2, 9, 0, 0, 0, time.UTC))
	e.ok(ct.Bank, &types.MsgCloseLC{IssuingBank: bank, LcId: lc3})
	require.Equal(t, before+5_000_000, e.bal(ct.Bank))
	e.invariants()

	// A deposit token sent to a non-party is refused and nothing moves.
	res = e.c.Deliver(e.acc(ct.Exporter), banktypes.NewMsgSend(e.acc(ct.Exporter).Address, e.acc(ct.Stranger).Address, sdk.NewCoins(sdk.NewInt64Coin(hkd, 1))))
	require.Equal(t, types.ErrRecipientNotParty.ABCICode(), res.Code)
	require.Equal(t, int64(10_000_000), e.bal(ct.Exporter))
}

// Signed transactions: invoice financing repaid, and another defaulted.
func TestFinancingLifecycleSignedTxs(t *testing.T) {
	e := setup(t)
	bank, imp, exp := e.acc(ct.Bank).String(), e.acc(ct.Importer).String(), e.acc(ct.Exporter).String()
	e.ok(ct.Bank, banktypes.NewMsgSend(e.acc(ct.Bank).Address, e.acc(ct.Importer).Address, sdk.NewCoins(sdk.NewInt64Coin(hkd, 10_000_000))))
	bill := e.issueBill("B1", hash('1'))
	lc := e.issueLC() // for the party filters below
	for i, h := range []byte{'a', 'b'} {
		e.ok(ct.Exporter, &cargotypes.MsgAnchorDocument{Owner: exp, Hash: hash(h), DocType: "COMMERCIAL_INVOICE"})
		e.ok(ct.Exporter, &types.MsgRegisterInvoice{Seller: exp, Buyer: imp, Number: []string{"INV-1", "INV-2"}[i],
			Amount: sdk.NewInt64Coin(hkd, 2_000_000), DueDate: "2026-06-30", DocumentHash: hash(h), BillId: bill})
	}
	offer := &types.MsgOfferFinancing{Bank: bank, InvoiceId: 1, Advance: sdk.NewInt64Coin(hkd, 1_800_000), Repayment: sdk.NewInt64Coin(hkd, 1_850_000), Maturity: "2026-06-30"}
	e.ok(ct.Bank, offer)
	e.ok(ct.Exporter, &types.MsgAcceptFinancing{Seller: exp, FinancingId: 1})
	require.Equal(t, int64(1_800_000), e.bal(ct.Exporter))
	e.ok(ct.Importer, &types.MsgRepay{Payer: imp, FinancingId: 1, Amount: sdk.NewInt64Coin(hkd, 850_000)})
	e.ok(ct.Importer, &types.MsgRepay{Payer: imp, FinancingId: 1, Amount: sdk.NewInt64Coin(hkd, 1_000_000)})
	res := e.c.Deliver(e.acc(ct.Importer), &types.MsgRepay{Payer: imp, FinancingId: 1, Amount: sdk.NewInt64Coin(hkd, 1)})
	require.Equal(t, types.ErrWrongFinancing.ABCICode(), res.Code)
	e.invariants()

	offer.InvoiceId = 2
	e.ok(ct.Bank, offer)
	e.ok(ct.Exporter, &types.MsgAcceptFinancing{Seller: exp, FinancingId: 2})
	res = e.c.Deliver(e.acc(ct.Bank), &types.MsgDeclareDefault{Bank: bank, FinancingId: 2})
	require.Equal(t, types.ErrNotMature.ABCICode(), res.Code)
	e.c.DeliverBlockAt(time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC))
	e.ok(ct.Bank, &types.MsgDeclareDefault{Bank: bank, FinancingId: 2})
	require.Equal(t, bank, e.holder(bill))
	e.invariants()

	msg, broken := keeper.AllInvariants(e.c.App.TradeFinanceKeeper)(e.c.Context())
	require.False(t, broken, msg)

	// The party filters the web app's party page reads (REST ?party=).
	q := keeper.NewQueryServerImpl(e.c.App.TradeFinanceKeeper)
	ctx := e.c.Context()
	carrier := e.acc(ct.Carrier).String()
	for _, c := range []struct {
		party                 string
		lcs, invoices, finans int
	}{{"", 1, 2, 2}, {exp, 1, 2, 2}, {imp, 1, 2, 0}, {bank, 1, 0, 2}, {carrier, 0, 0, 0}} {
		lcs, err := q.LettersOfCredit(ctx, &types.QueryLettersOfCreditRequest{Party: c.party})
		require.NoError(t, err)
		require.Len(t, lcs.LettersOfCredit, c.lcs, "lcs of %q", c.party)
		invs, err := q.Invoices(ctx, &types.QueryInvoicesRequest{Party: c.party})
		require.NoError(t, err)
		require.Len(t, invs.Invoices, c.invoices, "invoices of %q", c.party)
		fs, err := q.Financings(ctx, &types.QueryFinancingsRequest{Party: c.party})
		require.NoError(t, err)
		require.Len(t, fs.Financings, c.finans, "financings of %q", c.party)
	}
	lcs, _ := q.LettersOfCredit(ctx, &types.QueryLettersOfCreditRequest{Party: imp})
	require.Equal(t, lc, lcs.LettersOfCredit[0].Id)
	// Filtered pages: one invoice per page, the key leads to the next.
	page1, err := q.Invoices(ctx, &types.QueryInvoicesRequest{Party: exp, Pagination: &query.PageRequest{Limit: 1}})
	require.NoError(t, err)
	require.Len(t, page1.Invoices, 1)
	page2, err := q.Invoices(ctx, &types.QueryInvoicesRequest{Party: exp, Pagination: &query.PageRequest{Limit: 1, Key: page1.Pagination.NextKey}})
	require.NoError(t, err)
	require.Len(t, page2.Invoices, 1)
	require.NotEqual(t, page1.Invoices[0].Id, page2.Invoices[0].Id)
	_, err = q.Invoices(ctx, &types.QueryInvoicesRequest{Party: "HKBK"})
	require.ErrorContains(t, err, "not an account address")
}

// DvP is atomic: when the delivery leg cannot happen (the applicant was
// deactivated, so control cannot go to it), the payment leg is undone too —
// the tx fails and escrow, balances, holder and lien are as before.
func TestDvPAtomic(t *testing.T) {
	e := setup(t)
	bank, exp := e.acc(ct.Bank).String(), e.acc(ct.Exporter).String()
	e.ok(ct.Exporter, &cargotypes.MsgAnchorDocument{Owner: exp, Hash: hash('a'), DocType: "COMMERCIAL_INVOICE"})
	bill := e.issueBill("B1", hash('1'))
	lc := e.issueLC()
	e.ok(ct.Exporter, &types.MsgPresentDocuments{Beneficiary: exp, LcId: lc, BillId: bill, DocumentHashes: []string{hash('a')}})

	ctx := e.c.Context()
	applicant, err := e.c.App.CargoKeeper.GetParty(ctx, e.acc(ct.Importer).String())
	require.NoError(t, err)
	applicant.Active = false
	e.ok(ct.Admin, &cargotypes.MsgUpdateParty{Authority: e.acc(ct.Admin).String(), Party: applicant})
	before := e.c.App.BankKeeper.GetAccountsBalances(e.c.Context())

	res := e.c.Deliver(e.acc(ct.Bank), &types.MsgExamineDocuments{IssuingBank: bank, LcId: lc, Decision: types.DECISION_COMPLY})
	require.NotZero(t, res.Code)
	require.Contains(t, res.Log, "delivery leg")

	ctx = e.c.Context()
	require.Equal(t, before, e.c.App.BankKeeper.GetAccountsBalances(ctx), "the payment leg was undone")
	b, err := e.c.App.CargoKeeper.GetBill(ctx, bill)
	require.NoError(t, err)
	require.Equal(t, exp, b.Holder)
	require.NotNil(t, b.Lien)
	l, err := e.c.App.TradeFinanceKeeper.GetLC(ctx, lc)
	require.NoError(t, err)
	require.Equal(t, types.LC_STATUS_PRESENTED, l.Status)
	e.invariants()
}

// openPositions leaves the zone with every kind of open trade-finance state:
// an LC with its escrow and a pending presentation (its bill liened), an
// active financing (its bill liened), and an open, unfinanced LC.
func (e env) openPositions() {
	bank, imp, exp := e.acc(ct.Bank).String(), e.acc(ct.Importer).String(), e.acc(ct.Exporter).String()
	e.ok(ct.Exporter, &cargotypes.MsgAnchorDocument{Owner: exp, Hash: hash('a'), DocType: "COMMERCIAL_INVOICE"})
	e.ok(ct.Exporter, &cargotypes.MsgAnchorDocument{Owner: exp, Hash: hash('b'), DocType: "COMMERCIAL_INVOICE"})
	presented := e.issueBill("B1", hash('1'))
	lc := e.issueLC()
	e.ok(ct.Exporter, &types.MsgPresentDocuments{Beneficiary: exp, LcId: lc, BillId: presented, DocumentHashes: []string{hash('a')}})
	e.issueLC()
	financed := e.issueBill("B2", hash('2'))
	e.ok(ct.Exporter, &types.MsgRegisterInvoice{Seller: exp, Buyer: imp, Number: "INV-1",
		Amount: sdk.NewInt64Coin(hkd, 2_000_000), DueDate: "2026-06-30", DocumentHash: hash('b'), BillId: financed})
	e.ok(ct.Bank, &types.MsgOfferFinancing{Bank: bank, InvoiceId: 1, Advance: sdk.NewInt64Coin(hkd, 1_800_000),
		Repayment: sdk.NewInt64Coin(hkd, 1_850_000), Maturity: "2026-06-30"})
	e.ok(ct.Exporter, &types.MsgAcceptFinancing{Seller: exp, FinancingId: 1})
}

// I7: a zone with open LCs (escrow held by the module), a pending
// presentation and an active financing exports, and a new app starts from
// that export through InitChain with x/crisis asserting every invariant at
// genesis; the trade-finance and cargo state it answers is the same.
// (x/crisis used to run its genesis invariants before x/cargo and
// x/tradefinance had loaded their state, and InitChain panicked.)
func TestExportImportWithOpenPositions(t *testing.T) {
	e := setup(t)
	e.openPositions()
	e.invariants()

	exported, err := e.c.App.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	b := tctestutil.NewApp(t, dbm.NewMemDB(), nil) // genesis invariants asserted (the default)
	require.NotPanics(t, func() {
		_, err = b.InitChain(&abci.RequestInitChain{
			ChainId: e.c.ChainID, Time: e.c.Time, ConsensusParams: &exported.ConsensusParams,
			AppStateBytes: exported.AppState, InitialHeight: exported.Height + 1,
		})
	})
	require.NoError(t, err)
	_, err = b.FinalizeBlock(&abci.RequestFinalizeBlock{Height: exported.Height + 1, Time: e.c.Time.Add(5 * time.Second), NextValidatorsHash: e.c.ValSet.Hash()})
	require.NoError(t, err)
	_, err = b.Commit()
	require.NoError(t, err)

	ctxA, ctxB := e.c.Context(), b.NewUncachedContext(false, cmtproto.Header{Height: b.LastBlockHeight(), Time: e.c.Time})
	for _, r := range b.CrisisKeeper.Routes() {
		msg, broken := r.Invar(ctxB)
		require.False(t, broken, msg)
	}
	lcsA, err := e.c.App.TradeFinanceKeeper.ExportGenesis(ctxA)
	require.NoError(t, err)
	lcsB, err := b.TradeFinanceKeeper.ExportGenesis(ctxB)
	require.NoError(t, err)
	require.Equal(t, lcsA, lcsB)
	require.Len(t, lcsB.LettersOfCredit, 2)
	require.NotEmpty(t, lcsB.Presentations)
	require.NotEmpty(t, lcsB.Financings)
	cargoA, err := e.c.App.CargoKeeper.ExportGenesis(ctxA)
	require.NoError(t, err)
	cargoB, err := b.CargoKeeper.ExportGenesis(ctxB)
	require.NoError(t, err)
	require.Equal(t, cargoA, cargoB)
	modAddr := e.c.App.AccountKeeper.GetModuleAddress(types.ModuleName)
	require.Equal(t, e.c.App.BankKeeper.GetAllBalances(ctxA, modAddr), b.BankKeeper.GetAllBalances(ctxB, modAddr))
	require.Equal(t, "10000000"+hkd, b.BankKeeper.GetAllBalances(ctxB, modAddr).String())
}
