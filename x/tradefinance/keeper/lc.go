package keeper

import (
	"context"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

func blockDate(ctx context.Context) time.Time {
	t := sdk.UnwrapSDKContext(ctx).BlockTime().UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func date(s string) time.Time {
	t, _ := time.Parse(cargotypes.DateLayout, s)
	return t
}

// GetLC returns a letter of credit.
func (k Keeper) GetLC(ctx context.Context, id uint64) (types.LetterOfCredit, error) {
	lc, err := k.LCs.Get(ctx, id)
	if isNotFound(err) {
		return lc, errorsmod.Wrapf(types.ErrLCNotFound, "no letter of credit %d", id)
	}
	return lc, err
}

// bankLC loads an LC issued by signer.
func (k Keeper) bankLC(ctx context.Context, signer string, id uint64) (types.LetterOfCredit, error) {
	lc, err := k.GetLC(ctx, id)
	if err != nil {
		return lc, err
	}
	if lc.IssuingBank != signer {
		return lc, errorsmod.Wrapf(types.ErrUnauthorized, "letter of credit %d was issued by %s", id, lc.IssuingBank)
	}
	return lc, nil
}

func requireLCStatus(lc types.LetterOfCredit, st types.LCStatus) error {
	if lc.Status != st {
		return errorsmod.Wrapf(types.ErrWrongLCStatus, "letter of credit %d is %s; this needs %s", lc.Id, lc.Status, st)
	}
	return nil
}

// expiryDay is the last day for presentation: the expiry, moved to the next
// banking day if the bank is closed that day (UCP 600 Art. 29(a)).
func (k Keeper) expiryDay(ctx context.Context, lc types.LetterOfCredit) (time.Time, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return p.NextBankingDay(date(lc.Expiry)), nil
}

func (s msgServer) IssueLC(ctx context.Context, m *types.MsgIssueLC) (*types.MsgIssueLCResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	if _, err := s.cargo.ActivePartyWithRole(ctx, m.IssuingBank, cargotypes.ROLE_BANK); err != nil {
		return nil, err
	}
	if _, err := s.cargo.ActiveParty(ctx, m.Applicant); err != nil {
		return nil, errorsmod.Wrap(err, "applicant")
	}
	if _, err := s.cargo.ActiveParty(ctx, m.Beneficiary); err != nil {
		return nil, errorsmod.Wrap(err, "beneficiary")
	}
	today := blockDate(ctx)
	if !date(m.Expiry).After(today) {
		return nil, errorsmod.Wrapf(types.ErrInvalidDate, "expiry %s is not after the issue date %s", m.Expiry, today.Format(cargotypes.DateLayout))
	}
	if err := s.pull(ctx, m.IssuingBank, m.Amount); err != nil {
		return nil, errorsmod.Wrap(err, "escrow of the credit amount")
	}
	id, err := s.LCSeq.Next(ctx)
	if err != nil {
		return nil, err
	}
	days := m.PresentationDays
	if days == 0 {
		days = types.DefaultPresentationDays
	}
	lc := types.LetterOfCredit{
		Id: id, IssuingBank: m.IssuingBank, Applicant: m.Applicant, Beneficiary: m.Beneficiary,
		Amount: m.Amount, Paid: sdk.NewCoin(m.Amount.Denom, math.ZeroInt()), Escrow: m.Amount,
		Expiry: m.Expiry, LatestShipmentDate: m.LatestShipmentDate, PresentationDays: days,
		RequiredDocuments: m.RequiredDocuments, PortOfLoading: m.PortOfLoading, PortOfDischarge: m.PortOfDischarge,
		DeliverBillTo: m.DeliverBillTo, Status: types.LC_STATUS_OPEN, IssueDate: today.Format(cargotypes.DateLayout),
	}
	if err := s.LCs.Set(ctx, id, lc); err != nil {
		return nil, err
	}
	if err := s.indexParty(ctx, lc.Beneficiary, types.PartyRecordLC, id); err != nil {
		return nil, err
	}
	return &types.MsgIssueLCResponse{LcId: id}, emit(ctx, &types.EventLCIssued{
		LcId: id, IssuingBank: m.IssuingBank, Applicant: m.Applicant, Beneficiary: m.Beneficiary, Amount: m.Amount.String(), Expiry: m.Expiry,
	})
}

func (s msgServer) AmendLC(ctx context.Context, m *types.MsgAmendLC) (*types.MsgAmendLCResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	if _, err := s.cargo.ActiveParty(ctx, m.IssuingBank); err != nil {
		return nil, err
	}
	lc, err := s.bankLC(ctx, m.IssuingBank, m.LcId)
	if err != nil {
		return nil, err
	}
	if err := requireLCStatus(lc, types.LC_STATUS_OPEN); err != nil {
		return nil, err
	}
	a := m.Amendment
	if a.Amount.Denom != "" && a.Amount.Denom != lc.Amount.Denom {
		return nil, errorsmod.Wrapf(types.ErrInvalidAmount, "an amendment keeps the credit's denom %s", lc.Amount.Denom)
	}
	am := applyAmendment(lc, a)
	if date(am.LatestShipmentDate).After(date(am.Expiry)) {
		return nil, errorsmod.Wrapf(types.ErrInvalidDate, "latest shipment %s would be after expiry %s", am.LatestShipmentDate, am.Expiry)
	}
	if !date(am.Expiry).After(blockDate(ctx)) {
		return nil, errorsmod.Wrapf(types.ErrInvalidDate, "expiry %s is not in the future", am.Expiry)
	}
	lc.PendingAmendment = &a
	if err := s.LCs.Set(ctx, lc.Id, lc); err != nil {
		return nil, err
	}
	return &types.MsgAmendLCResponse{}, emit(ctx, &types.EventLCAmendmentProposed{LcId: lc.Id, Amendment: &a})
}

// applyAmendment returns lc with the amendment's non-empty fields applied.
func applyAmendment(lc types.LetterOfCredit, a types.Amendment) types.LetterOfCredit {
	if a.Amount.Denom != "" {
		lc.Amount = a.Amount
	}
	if a.Expiry != "" {
		lc.Expiry = a.Expiry
	}
	if a.LatestShipmentDate != "" {
		lc.LatestShipmentDate = a.LatestShipmentDate
	}
	return lc
}

func (s msgServer) RespondAmendment(ctx context.Context, m *types.MsgRespondAmendment) (*types.MsgRespondAmendmentResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	if _, err := s.cargo.ActiveParty(ctx, m.Beneficiary); err != nil {
		return nil, err
	}
	lc, err := s.GetLC(ctx, m.LcId)
	if err != nil {
		return nil, err
	}
	if lc.Beneficiary != m.Beneficiary {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "only the beneficiary %s answers an amendment", lc.Beneficiary)
	}
	if lc.PendingAmendment == nil {
		return nil, errorsmod.Wrapf(types.ErrNoAmendment, "letter of credit %d has no pending amendment", lc.Id)
	}
	if err := requireLCStatus(lc, types.LC_STATUS_OPEN); err != nil {
		return nil, err
	}
	a := *lc.PendingAmendment
	lc.PendingAmendment = nil
	if m.Accept {
		amended := applyAmendment(lc, a)
		// Escrow follows the new amount: the bank tops up or is refunded.
		switch diff := amended.Amount.Amount.Sub(lc.Amount.Amount); {
		case diff.IsPositive():
			if err := s.pull(ctx, lc.IssuingBank, sdk.NewCoin(lc.Amount.Denom, diff)); err != nil {
				return nil, errorsmod.Wrap(err, "escrow of the increase")
			}
		case diff.IsNegative():
			if err := s.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, mustAcc(lc.IssuingBank),
				sdk.NewCoins(sdk.NewCoin(lc.Amount.Denom, diff.Neg()))); err != nil {
				return nil, err
			}
		}
		amended.Escrow = amended.Amount.Sub(amended.Paid)
		lc = amended
	}
	if err := s.LCs.Set(ctx, lc.Id, lc); err != nil {
		return nil, err
	}
	return &types.MsgRespondAmendmentResponse{}, emit(ctx, &types.EventLCAmendmentAnswered{LcId: lc.Id, Accepted: m.Accept})
}

func (s msgServer) PresentDocuments(ctx context.Context, m *types.MsgPresentDocuments) (*types.MsgPresentDocumentsResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	if _, err := s.cargo.ActiveParty(ctx, m.Beneficiary); err != nil {
		return nil, err
	}
	lc, err := s.GetLC(ctx, m.LcId)
	if err != nil {
		return nil, err
	}
	if lc.Beneficiary != m.Beneficiary {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "only the beneficiary %s presents under letter of credit %d", lc.Beneficiary, lc.Id)
	}
	if err := requireLCStatus(lc, types.LC_STATUS_OPEN); err != nil {
		return nil, err
	}
	today := blockDate(ctx)
	lastDay, err := s.expiryDay(ctx, lc)
	if err != nil {
		return nil, err
	}
	if today.After(lastDay) {
		return nil, errorsmod.Wrapf(types.ErrExpired, "letter of credit %d expired on %s", lc.Id, lc.Expiry)
	}
	bill, err := s.cargo.GetBill(ctx, m.BillId)
	if err != nil {
		return nil, err
	}
	if bill.Holder != m.Beneficiary {
		return nil, errorsmod.Wrapf(cargotypes.ErrNotHolder, "bill %s is held by %s, not the beneficiary", bill.Id, bill.Holder)
	}
	// UCP 600 Art. 20(a)(ii): the shipment date is the on-board date, else the issue date.
	shipped := bill.ShippedOnBoardDate
	if shipped == "" {
		shipped = bill.IssueDate
	}
	if date(shipped).After(date(lc.LatestShipmentDate)) {
		return nil, errorsmod.Wrapf(types.ErrDocumentsMismatch, "shipment on %s is later than the latest shipment date %s", shipped, lc.LatestShipmentDate)
	}
	if bill.PortOfLoading != lc.PortOfLoading || bill.PortOfDischarge != lc.PortOfDischarge {
		return nil, errorsmod.Wrapf(types.ErrDocumentsMismatch, "bill ports %s→%s; the credit requires %s→%s",
			bill.PortOfLoading, bill.PortOfDischarge, lc.PortOfLoading, lc.PortOfDischarge)
	}
	if last := date(shipped).AddDate(0, 0, int(lc.PresentationDays)); today.After(last) {
		return nil, errorsmod.Wrapf(types.ErrPresentationPeriod, "presentation was due within %d days of shipment, by %s",
			lc.PresentationDays, last.Format(cargotypes.DateLayout))
	}
	// A document counts as every type it is anchored as, by anyone: what one
	// party anchors never hides what another anchored.
	have := map[string]bool{}
	for _, h := range m.DocumentHashes {
		anchors, err := s.cargo.DocumentAnchors(ctx, h)
		if err != nil {
			return nil, err
		}
		for _, d := range anchors {
			have[d.DocType] = true
		}
	}
	for _, req := range lc.RequiredDocuments {
		if req != "TRANSPORT_DOCUMENT" && !have[req] {
			return nil, errorsmod.Wrapf(types.ErrMissingDocument, "the credit requires a %s; present its anchored hash", req)
		}
	}
	// PlaceLien also checks that the beneficiary is an active party and that
	// the bill is ISSUED and not liened.
	if err := s.cargo.PlaceLien(ctx, bill.Id, m.Beneficiary, cargotypes.Lien{Module: types.LienModule, Reference: lcRef(lc.Id), Creditor: lc.IssuingBank}); err != nil {
		return nil, err
	}
	deadline, err := s.open(ctx, lc, types.Presentation{LcId: lc.Id, BillId: bill.Id, DocumentHashes: m.DocumentHashes})
	if err != nil {
		return nil, err
	}
	return &types.MsgPresentDocumentsResponse{Deadline: deadline.Format(time.RFC3339)},
		emit(ctx, &types.EventDocumentsPresented{LcId: lc.Id, BillId: bill.Id, Deadline: deadline.Format(time.RFC3339)})
}

// open puts a presentation under examination: PENDING, with its deadline in
// the queue, and the LC PRESENTED.
func (k Keeper) open(ctx context.Context, lc types.LetterOfCredit, p types.Presentation) (time.Time, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return time.Time{}, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime().UTC()
	p.PresentedAt, p.Deadline = now, params.ExaminationDeadline(now)
	p.Status, p.Discrepancies = types.PRESENTATION_STATUS_PENDING, nil
	if err := k.unindexPresentedDocs(ctx, lc.Id); err != nil {
		return time.Time{}, err
	}
	if err := k.Presentations.Set(ctx, lc.Id, p); err != nil {
		return time.Time{}, err
	}
	if err := k.indexPresentedDocs(ctx, p); err != nil {
		return time.Time{}, err
	}
	if err := k.Deadlines.Set(ctx, collections.Join(p.Deadline.Unix(), lc.Id)); err != nil {
		return time.Time{}, err
	}
	lc.Status = types.LC_STATUS_PRESENTED
	return p.Deadline, k.LCs.Set(ctx, lc.Id, lc)
}

// pendingPresentation loads the PENDING presentation of an LC.
func (k Keeper) pendingPresentation(ctx context.Context, lcID uint64, st types.PresentationStatus) (types.Presentation, error) {
	p, err := k.Presentations.Get(ctx, lcID)
	if isNotFound(err) || (err == nil && p.Status != st) {
		return p, errorsmod.Wrapf(types.ErrNoPresentation, "letter of credit %d has no %s presentation", lcID, st)
	}
	return p, err
}

func (s msgServer) ExamineDocuments(ctx context.Context, m *types.MsgExamineDocuments) (*types.MsgExamineDocumentsResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	if _, err := s.cargo.ActiveParty(ctx, m.IssuingBank); err != nil {
		return nil, err
	}
	lc, err := s.bankLC(ctx, m.IssuingBank, m.LcId)
	if err != nil {
		return nil, err
	}
	p, err := s.pendingPresentation(ctx, lc.Id, types.PRESENTATION_STATUS_PENDING)
	if err != nil {
		return nil, err
	}
	if !sdk.UnwrapSDKContext(ctx).BlockTime().Before(p.Deadline) {
		return nil, errorsmod.Wrapf(types.ErrDeadlinePassed, "the examination period ended %s; the presentation counts as complying (Art. 16(f)): settle it",
			p.Deadline.Format(time.RFC3339))
	}
	if m.Decision == types.DECISION_COMPLY {
		if err := s.settle(ctx, lc, p, false); err != nil {
			return nil, err
		}
	} else {
		if err := s.cargo.ReleaseLien(ctx, p.BillId, types.LienModule, lcRef(lc.Id)); err != nil {
			return nil, err
		}
		if err := s.Deadlines.Remove(ctx, collections.Join(p.Deadline.Unix(), lc.Id)); err != nil {
			return nil, err
		}
		p.Status, p.Discrepancies = types.PRESENTATION_STATUS_REFUSED, m.Discrepancies
		lc.Status = types.LC_STATUS_OPEN
		if err := s.Presentations.Set(ctx, lc.Id, p); err != nil {
			return nil, err
		}
		if err := s.LCs.Set(ctx, lc.Id, lc); err != nil {
			return nil, err
		}
	}
	return &types.MsgExamineDocumentsResponse{}, emit(ctx, &types.EventDocumentsExamined{LcId: lc.Id, Decision: m.Decision, Discrepancies: m.Discrepancies})
}

func (s msgServer) WaiveDiscrepancies(ctx context.Context, m *types.MsgWaiveDiscrepancies) (*types.MsgWaiveDiscrepanciesResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	if _, err := s.cargo.ActiveParty(ctx, m.Applicant); err != nil {
		return nil, err
	}
	lc, err := s.GetLC(ctx, m.LcId)
	if err != nil {
		return nil, err
	}
	if lc.Applicant != m.Applicant {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "only the applicant %s may waive discrepancies", lc.Applicant)
	}
	if err := requireLCStatus(lc, types.LC_STATUS_OPEN); err != nil {
		return nil, err
	}
	p, err := s.pendingPresentation(ctx, lc.Id, types.PRESENTATION_STATUS_REFUSED)
	if err != nil {
		return nil, err
	}
	// The bill goes back under the credit's lien; the beneficiary must still hold it.
	if err := s.cargo.PlaceLien(ctx, p.BillId, lc.Beneficiary, cargotypes.Lien{Module: types.LienModule, Reference: lcRef(lc.Id), Creditor: lc.IssuingBank}); err != nil {
		return nil, err
	}
	if _, err := s.open(ctx, lc, p); err != nil {
		return nil, err
	}
	return &types.MsgWaiveDiscrepanciesResponse{}, emit(ctx, &types.EventDiscrepanciesWaived{LcId: lc.Id})
}

func (s msgServer) SettlePresentation(ctx context.Context, m *types.MsgSettlePresentation) (*types.MsgSettlePresentationResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	// Anyone may settle a presentation the deadline deemed complying, but not
	// a party under a regulator's hold or deactivated.
	if err := s.cargo.RequireNotStopped(ctx, m.Signer); err != nil {
		return nil, err
	}
	lc, err := s.GetLC(ctx, m.LcId)
	if err != nil {
		return nil, err
	}
	p, err := s.pendingPresentation(ctx, lc.Id, types.PRESENTATION_STATUS_PENDING)
	if err != nil {
		return nil, err
	}
	if sdk.UnwrapSDKContext(ctx).BlockTime().Before(p.Deadline) {
		return nil, errorsmod.Wrapf(types.ErrDeadlineNotPassed, "the issuing bank may examine until %s", p.Deadline.Format(time.RFC3339))
	}
	return &types.MsgSettlePresentationResponse{}, s.settle(ctx, lc, p, true)
}

// settle is delivery versus payment: the escrow goes to the beneficiary and
// control of the bill to the applicant (or the issuing bank). Callers run it
// inside one transaction (or a cache context): if either leg fails, neither happens.
func (k Keeper) settle(ctx context.Context, lc types.LetterOfCredit, p types.Presentation, deemed bool) error {
	pay := lc.Escrow
	if !pay.IsPositive() {
		return errorsmod.Wrapf(types.ErrInvalidAmount, "letter of credit %d has nothing left to pay", lc.Id)
	}
	billTo := lc.Applicant
	if lc.DeliverBillTo == types.DELIVER_BILL_TO_ISSUING_BANK {
		billTo = lc.IssuingBank
	}
	if err := k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, mustAcc(lc.Beneficiary), sdk.NewCoins(pay)); err != nil {
		return errorsmod.Wrap(err, "payment leg")
	}
	if err := k.cargo.TransferUnderLien(ctx, p.BillId, types.LienModule, lcRef(lc.Id), billTo); err != nil {
		return errorsmod.Wrap(err, "delivery leg")
	}
	if err := k.Deadlines.Remove(ctx, collections.Join(p.Deadline.Unix(), lc.Id)); err != nil {
		return err
	}
	lc.Paid = lc.Paid.Add(pay)
	lc.Escrow = lc.Escrow.Sub(pay)
	lc.Status = types.LC_STATUS_SETTLED
	p.Status, p.Deemed = types.PRESENTATION_STATUS_COMPLYING, deemed
	if err := k.Presentations.Set(ctx, lc.Id, p); err != nil {
		return err
	}
	if err := k.LCs.Set(ctx, lc.Id, lc); err != nil {
		return err
	}
	return emit(ctx, &types.EventLCSettled{LcId: lc.Id, BillId: p.BillId, PaidTo: lc.Beneficiary, Amount: pay.String(), BillTo: billTo, Deemed: deemed})
}

func (s msgServer) CloseLC(ctx context.Context, m *types.MsgCloseLC) (*types.MsgCloseLCResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	if _, err := s.cargo.ActiveParty(ctx, m.IssuingBank); err != nil {
		return nil, err
	}
	lc, err := s.bankLC(ctx, m.IssuingBank, m.LcId)
	if err != nil {
		return nil, err
	}
	if lc.Status == types.LC_STATUS_PRESENTED || lc.Status == types.LC_STATUS_CLOSED {
		return nil, errorsmod.Wrapf(types.ErrWrongLCStatus, "letter of credit %d is %s", lc.Id, lc.Status)
	}
	lastDay, err := s.expiryDay(ctx, lc)
	if err != nil {
		return nil, err
	}
	if lc.Status == types.LC_STATUS_OPEN && !blockDate(ctx).After(lastDay) {
		return nil, errorsmod.Wrapf(types.ErrWrongLCStatus, "letter of credit %d is open for presentation until %s", lc.Id, lastDay.Format(cargotypes.DateLayout))
	}
	refund := lc.Escrow
	if refund.IsPositive() {
		if err := s.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, mustAcc(lc.IssuingBank), sdk.NewCoins(refund)); err != nil {
			return nil, err
		}
	}
	lc.Escrow = lc.Escrow.Sub(refund)
	lc.Status = types.LC_STATUS_CLOSED
	lc.PendingAmendment = nil
	if err := s.LCs.Set(ctx, lc.Id, lc); err != nil {
		return nil, err
	}
	return &types.MsgCloseLCResponse{}, emit(ctx, &types.EventLCClosed{LcId: lc.Id, Refunded: refund.String()})
}

// EndBlocker settles presentations whose examination deadline passed without
// a decision (UCP 600 Art. 16(f)). It reads the head of the time-ordered
// queue and does at most max_settlements_per_block, each in its own cache so
// a failing settlement changes nothing (it stays PENDING for MsgSettlePresentation).
func (k Keeper) EndBlocker(ctx context.Context) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	now := sdkCtx.BlockTime().Unix()
	var due []collections.Pair[int64, uint64]
	rng := new(collections.Range[collections.Pair[int64, uint64]]).EndExclusive(collections.Join(now+1, uint64(0)))
	err = k.Deadlines.Walk(ctx, rng, func(key collections.Pair[int64, uint64]) (bool, error) {
		due = append(due, key)
		return uint32(len(due)) >= params.MaxSettlementsPerBlock, nil
	})
	if err != nil {
		return err
	}
	for _, key := range due {
		cache, write := sdkCtx.CacheContext()
		lc, err1 := k.GetLC(cache, key.K2())
		p, err2 := k.pendingPresentation(cache, key.K2(), types.PRESENTATION_STATUS_PENDING)
		if err1 == nil && err2 == nil {
			if err := k.settle(cache, lc, p, true); err == nil {
				write() // also forwards the cache's events
				continue
			} else {
				sdkCtx.Logger().Error("deemed settlement failed; left for MsgSettlePresentation", "lc", key.K2(), "err", err)
			}
		}
		// Unsettleable or stale: drop it from the queue so the head moves on.
		if err := k.Deadlines.Remove(ctx, key); err != nil {
			return err
		}
	}
	return nil
}
