package keeper_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// hold places (or lifts) a regulator's hold on party i (Customs is the
// fixture's REGULATOR).
func (f *fixture) hold(i int, place bool) {
	f.t.Helper()
	regulator, subject := f.addr(ct.Customs), f.addr(i)
	var err error
	if place {
		_, err = f.cargo.PlaceHold(f.ctx, &cargotypes.MsgPlaceHold{Regulator: regulator, SubjectKind: cargotypes.HOLD_SUBJECT_PARTY, Subject: subject, Reason: "sanctions screening hit"})
	} else {
		_, err = f.cargo.LiftHold(f.ctx, &cargotypes.MsgLiftHold{Regulator: regulator, SubjectKind: cargotypes.HOLD_SUBJECT_PARTY, Subject: subject, Reason: "cleared"})
	}
	require.NoError(f.t, err)
}

// setActive sets party i's active flag, as the zone authority does.
func (f *fixture) setActive(i int, active bool) {
	f.t.Helper()
	p, err := f.chain.App.CargoKeeper.GetParty(f.ctx, f.addr(i))
	require.NoError(f.t, err)
	p.Active = active
	_, err = f.cargo.UpdateParty(f.ctx, &cargotypes.MsgUpdateParty{Authority: f.addr(ct.Admin), Party: p})
	require.NoError(f.t, err)
}

// An LC's amendment and its answer stop with a regulator's hold on the party
// that would act (the keeper refuses them whatever path the message took:
// a grantee's MsgExec, an ICA host): the held issuing bank cannot amend, the
// held beneficiary cannot accept, each with cargo/36 and nothing changed;
// deactivated, with cargo/6. Lifted or reactivated, both go through.
func TestHeldPartyCannotAmendLC(t *testing.T) {
	f := newFixture(t)
	id := f.issueLC()
	amend := &types.MsgAmendLC{IssuingBank: f.addr(ct.Bank), LcId: id, Amendment: types.Amendment{Amount: f.coin(1_500_000), Expiry: "2026-07-31"}}
	respond := &types.MsgRespondAmendment{Beneficiary: f.addr(ct.Exporter), LcId: id, Accept: true}
	amendIt := func(ctx sdk.Context) error { _, err := f.srv.AmendLC(ctx, amend); return err }
	respondIt := func(ctx sdk.Context) error { _, err := f.srv.RespondAmendment(ctx, respond); return err }

	f.hold(ct.Bank, true)
	f.expectFailure(amendIt, cargotypes.ErrHeld)
	f.hold(ct.Bank, false)
	f.setActive(ct.Bank, false)
	f.expectFailure(amendIt, cargotypes.ErrPartyInactive)
	f.setActive(ct.Bank, true)
	require.NoError(t, amendIt(f.ctx))

	f.hold(ct.Exporter, true)
	f.expectFailure(respondIt, cargotypes.ErrHeld)
	f.hold(ct.Exporter, false)
	f.setActive(ct.Exporter, false)
	f.expectFailure(respondIt, cargotypes.ErrPartyInactive)
	f.setActive(ct.Exporter, true)
	require.NoError(t, respondIt(f.ctx))
	lc, err := f.k.GetLC(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, f.coin(1_500_000), lc.Escrow)
	f.invariants()
}

// Every x/tradefinance action checks its actor: signed by a party under a
// regulator's hold it fails with cargo/36, by a deactivated party with
// cargo/6, before anything else is read, and nothing changes. (The
// authority's UpdateParams has no party actor; SettlePresentation, open to
// anyone, refuses only a held or deactivated party.)
func TestEveryFinanceActionChecksItsActor(t *testing.T) {
	f := newFixture(t)
	bank, exp, imp := f.addr(ct.Bank), f.addr(ct.Exporter), f.addr(ct.Importer)
	coin := f.coin(1_000)
	actions := []struct {
		actor int
		msg   sdk.Msg
		run   func(sdk.Context) error
	}{}
	add := func(actor int, msg sdk.Msg, run func(sdk.Context) error) {
		actions = append(actions, struct {
			actor int
			msg   sdk.Msg
			run   func(sdk.Context) error
		}{actor, msg, run})
	}
	m1 := &types.MsgMintDeposit{Bank: bank, Amount: coin}
	add(ct.Bank, m1, func(ctx sdk.Context) error { _, err := f.srv.MintDeposit(ctx, m1); return err })
	m2 := &types.MsgBurnDeposit{Bank: bank, Amount: coin}
	add(ct.Bank, m2, func(ctx sdk.Context) error { _, err := f.srv.BurnDeposit(ctx, m2); return err })
	m3 := f.lcMsg()
	add(ct.Bank, m3, func(ctx sdk.Context) error { _, err := f.srv.IssueLC(ctx, m3); return err })
	m4 := &types.MsgAmendLC{IssuingBank: bank, LcId: 1, Amendment: types.Amendment{Expiry: "2026-07-31"}}
	add(ct.Bank, m4, func(ctx sdk.Context) error { _, err := f.srv.AmendLC(ctx, m4); return err })
	m5 := &types.MsgRespondAmendment{Beneficiary: exp, LcId: 1, Accept: true}
	add(ct.Exporter, m5, func(ctx sdk.Context) error { _, err := f.srv.RespondAmendment(ctx, m5); return err })
	m6 := &types.MsgPresentDocuments{Beneficiary: exp, LcId: 1, BillId: "COS-B1", DocumentHashes: []string{inv}}
	add(ct.Exporter, m6, func(ctx sdk.Context) error { _, err := f.srv.PresentDocuments(ctx, m6); return err })
	m7 := &types.MsgExamineDocuments{IssuingBank: bank, LcId: 1, Decision: types.DECISION_COMPLY}
	add(ct.Bank, m7, func(ctx sdk.Context) error { _, err := f.srv.ExamineDocuments(ctx, m7); return err })
	m8 := &types.MsgWaiveDiscrepancies{Applicant: imp, LcId: 1}
	add(ct.Importer, m8, func(ctx sdk.Context) error { _, err := f.srv.WaiveDiscrepancies(ctx, m8); return err })
	m9 := &types.MsgSettlePresentation{Signer: imp, LcId: 1}
	add(ct.Importer, m9, func(ctx sdk.Context) error { _, err := f.srv.SettlePresentation(ctx, m9); return err })
	m10 := &types.MsgCloseLC{IssuingBank: bank, LcId: 1}
	add(ct.Bank, m10, func(ctx sdk.Context) error { _, err := f.srv.CloseLC(ctx, m10); return err })
	m11 := &types.MsgRegisterInvoice{Seller: exp, Buyer: imp, Number: "INV-1", Amount: coin, DueDate: "2026-08-01", DocumentHash: inv}
	add(ct.Exporter, m11, func(ctx sdk.Context) error { _, err := f.srv.RegisterInvoice(ctx, m11); return err })
	m12 := &types.MsgOfferFinancing{Bank: bank, InvoiceId: 1, Advance: coin, Repayment: coin, Maturity: "2026-07-01"}
	add(ct.Bank, m12, func(ctx sdk.Context) error { _, err := f.srv.OfferFinancing(ctx, m12); return err })
	m13 := &types.MsgAcceptFinancing{Seller: exp, FinancingId: 1}
	add(ct.Exporter, m13, func(ctx sdk.Context) error { _, err := f.srv.AcceptFinancing(ctx, m13); return err })
	m14 := &types.MsgRepay{Payer: imp, FinancingId: 1, Amount: coin}
	add(ct.Importer, m14, func(ctx sdk.Context) error { _, err := f.srv.Repay(ctx, m14); return err })
	m15 := &types.MsgDeclareDefault{Bank: bank, FinancingId: 1}
	add(ct.Bank, m15, func(ctx sdk.Context) error { _, err := f.srv.DeclareDefault(ctx, m15); return err })

	// Every Msg of the module but the authority's is in the table.
	covered := map[string]bool{sdk.MsgTypeURL(&types.MsgUpdateParams{}): true}
	for _, a := range actions {
		covered[sdk.MsgTypeURL(a.msg)] = true
	}
	for _, url := range f.chain.App.InterfaceRegistry().ListImplementations(sdk.MsgInterfaceProtoName) {
		if strings.HasPrefix(url, "/tradechain.tradefinance.") {
			require.Truef(t, covered[url], "%s is not in the table", url)
		}
	}

	for _, stop := range []struct {
		name      string
		on, off   func(i int)
		want      *errorsmod.Error
		wantInLog string
	}{
		{"held", func(i int) { f.hold(i, true) }, func(i int) { f.hold(i, false) }, cargotypes.ErrHeld, "sanctions screening hit"},
		{"deactivated", func(i int) { f.setActive(i, false) }, func(i int) { f.setActive(i, true) }, cargotypes.ErrPartyInactive, "deactivated"},
	} {
		for _, a := range actions {
			t.Run(stop.name+" "+sdk.MsgTypeURL(a.msg), func(t *testing.T) {
				stop.on(a.actor)
				defer stop.off(a.actor)
				f.expectFailure(func(ctx sdk.Context) error {
					err := a.run(ctx)
					require.ErrorContains(t, err, stop.wantInLog)
					return err
				}, stop.want)
			})
		}
	}
}

// frozen asserts that party i's deposit tokens cannot move: the bank
// refuses a send from it with want (nil: the send goes through).
func (f *fixture) frozen(i int, want *errorsmod.Error) {
	f.t.Helper()
	ctx, _ := f.ctx.CacheContext()
	err := f.chain.App.BankKeeper.SendCoins(ctx, f.chain.Accounts[i].Address, f.chain.Accounts[ct.Terminal].Address, sdk.NewCoins(f.coin(1)))
	if want == nil {
		require.NoError(f.t, err)
		return
	}
	require.ErrorIs(f.t, err, want)
	require.ErrorContains(f.t, err, "cannot move")
}

// What x/tradefinance owes a party reaches it even while a regulator's hold
// or a deactivation stops it, and stays there frozen until the hold is
// lifted (the party reactivated): an LC's settlement to its beneficiary —
// by the issuing bank's examination and by the EndBlocker's deemed
// settlement — and the escrow an accepted decrease frees back to the
// issuing bank. A party's own payment to a stopped party — a repayment to
// the financing bank — is refused (tradefinance/22, saying why), and the
// debt stays outstanding.
func TestStoppedPartyIsPaidWhatItIsOwed(t *testing.T) {
	f := newFixture(t)
	f.anchor(inv, "COMMERCIAL_INVOICE")
	present := func(id uint64, billID string) {
		_, err := f.srv.PresentDocuments(f.ctx, &types.MsgPresentDocuments{Beneficiary: f.addr(ct.Exporter), LcId: id, BillId: billID, DocumentHashes: []string{inv}})
		require.NoError(t, err)
	}
	settled := func(id uint64, billID string) {
		lc, err := f.k.GetLC(f.ctx, id)
		require.NoError(t, err)
		require.Equal(t, types.LC_STATUS_SETTLED, lc.Status)
		b, err := f.chain.App.CargoKeeper.GetBill(f.ctx, billID)
		require.NoError(t, err)
		require.Equal(t, f.addr(ct.Importer), b.Holder)
	}

	// The issuing bank finds the documents complying after the beneficiary
	// was put under a hold: the beneficiary is paid, the importer gets the bill.
	b1 := f.bill("B1", h1, "CNSHA", "HKHKG", "2026-05-03")
	id := f.issueLC()
	present(id, b1)
	f.hold(ct.Exporter, true)
	_, err := f.srv.ExamineDocuments(f.ctx, &types.MsgExamineDocuments{IssuingBank: f.addr(ct.Bank), LcId: id, Decision: types.DECISION_COMPLY})
	require.NoError(t, err, "the settlement to the held beneficiary failed")
	settled(id, b1)
	require.Equal(t, int64(1_000_000), f.balance(ct.Exporter).Int64())
	f.frozen(ct.Exporter, cargotypes.ErrHeld)
	f.hold(ct.Exporter, false)
	f.frozen(ct.Exporter, nil)
	f.invariants()

	// An accepted decrease frees escrow back to an issuing bank held since
	// it proposed the amendment.
	id = f.issueLC()
	_, err = f.srv.AmendLC(f.ctx, &types.MsgAmendLC{IssuingBank: f.addr(ct.Bank), LcId: id, Amendment: types.Amendment{Amount: f.coin(600_000)}})
	require.NoError(t, err)
	f.hold(ct.Bank, true)
	before := f.balance(ct.Bank)
	_, err = f.srv.RespondAmendment(f.ctx, &types.MsgRespondAmendment{Beneficiary: f.addr(ct.Exporter), LcId: id, Accept: true})
	require.NoError(t, err, "the refund of the decrease to the held bank failed")
	require.Equal(t, before.AddRaw(400_000), f.balance(ct.Bank))
	f.frozen(ct.Bank, cargotypes.ErrHeld)
	f.hold(ct.Bank, false)
	f.invariants()

	// The examination period ends without a decision while the beneficiary
	// is deactivated: the EndBlocker's deemed settlement pays it.
	b2 := f.bill("B2", h2, "CNSHA", "HKHKG", "2026-05-03")
	present(id, b2)
	f.setActive(ct.Exporter, false)
	p, err := f.k.Presentations.Get(f.ctx, id)
	require.NoError(t, err)
	f.ctx = f.ctx.WithBlockTime(p.Deadline.Add(time.Hour))
	require.NoError(t, f.k.EndBlocker(f.ctx))
	settled(id, b2)
	require.Equal(t, int64(1_600_000), f.balance(ct.Exporter).Int64(), "the deemed settlement did not pay the deactivated beneficiary")
	f.frozen(ct.Exporter, cargotypes.ErrPartyInactive)
	f.setActive(ct.Exporter, true)
	f.invariants()

	// A repayment is the payer's own money, not the zone's debt: to a held
	// bank it is refused and the financing stays outstanding.
	res, err := f.srv.RegisterInvoice(f.ctx, &types.MsgRegisterInvoice{Seller: f.addr(ct.Exporter), Buyer: f.addr(ct.Importer), Number: "INV-77",
		Amount: f.coin(50_000), DueDate: "2026-08-01", DocumentHash: inv})
	require.NoError(t, err)
	offer, err := f.srv.OfferFinancing(f.ctx, &types.MsgOfferFinancing{Bank: f.addr(ct.Bank), InvoiceId: res.InvoiceId, Advance: f.coin(40_000), Repayment: f.coin(41_000), Maturity: "2026-08-05"})
	require.NoError(t, err)
	_, err = f.srv.AcceptFinancing(f.ctx, &types.MsgAcceptFinancing{Seller: f.addr(ct.Exporter), FinancingId: offer.FinancingId})
	require.NoError(t, err)
	require.NoError(t, f.chain.App.BankKeeper.SendCoins(f.ctx, f.chain.Accounts[ct.Bank].Address, f.chain.Accounts[ct.Importer].Address, sdk.NewCoins(f.coin(41_000))))
	f.hold(ct.Bank, true)
	// (x/bank debits before it applies send restrictions; the failing tx is
	// reverted as a whole, as the cache here is discarded.)
	cache, _ := f.ctx.CacheContext()
	_, err = f.srv.Repay(cache, &types.MsgRepay{Payer: f.addr(ct.Importer), FinancingId: offer.FinancingId, Amount: f.coin(41_000)})
	require.ErrorIs(t, err, types.ErrRecipientNotParty)
	require.ErrorContains(t, err, "sanctions screening hit")
	require.ErrorContains(t, err, "receives deposit tokens only as money the zone owes it")
	fin, err := f.k.GetFinancing(f.ctx, offer.FinancingId)
	require.NoError(t, err)
	require.Equal(t, types.FINANCING_STATUS_ACTIVE, fin.Status)
	f.hold(ct.Bank, false)
	_, err = f.srv.Repay(f.ctx, &types.MsgRepay{Payer: f.addr(ct.Importer), FinancingId: offer.FinancingId, Amount: f.coin(41_000)})
	require.NoError(t, err)
	f.invariants()
}
