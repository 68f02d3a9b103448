package keeper

import (
	"context"
	"strconv"
	"strings"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// GetInvoice returns an invoice.
func (k Keeper) GetInvoice(ctx context.Context, id uint64) (types.Invoice, error) {
	inv, err := k.Invoices.Get(ctx, id)
	if isNotFound(err) {
		return inv, errorsmod.Wrapf(types.ErrInvoiceNotFound, "no invoice %d", id)
	}
	return inv, err
}

// GetFinancing returns a financing.
func (k Keeper) GetFinancing(ctx context.Context, id uint64) (types.Financing, error) {
	f, err := k.Financings.Get(ctx, id)
	if isNotFound(err) {
		return f, errorsmod.Wrapf(types.ErrFinancingNotFound, "no financing %d", id)
	}
	return f, err
}

func requireFinancing(f types.Financing, st types.FinancingStatus) error {
	if f.Status != st {
		return errorsmod.Wrapf(types.ErrWrongFinancing, "financing %d is %s; this needs %s", f.Id, f.Status, st)
	}
	return nil
}

func (s msgServer) RegisterInvoice(ctx context.Context, m *types.MsgRegisterInvoice) (*types.MsgRegisterInvoiceResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	seller, err := s.cargo.ActiveParty(ctx, m.Seller)
	if err != nil {
		return nil, err
	}
	buyer, err := s.cargo.ActiveParty(ctx, m.Buyer)
	if err != nil {
		return nil, errorsmod.Wrap(err, "buyer")
	}
	// The invoice rests on the seller's own anchor of its document (another
	// party's anchor of the hash neither stands in for it nor blocks it).
	if _, err := s.cargo.PartyAnchor(ctx, m.DocumentHash, m.Seller); err != nil {
		return nil, errorsmod.Wrap(err, "anchor the invoice document first, as the seller (anchor-document HASH COMMERCIAL_INVOICE)")
	}
	if m.BillId != "" {
		if _, err := s.cargo.GetBill(ctx, m.BillId); err != nil {
			return nil, err
		}
	}
	for _, p := range []struct {
		role  string
		party cargotypes.Party
	}{{"seller", seller}, {"buyer", buyer}} {
		if p.party.Lei == "" {
			return nil, errorsmod.Wrapf(types.ErrNoLEI, "the %s %s (%s) has no LEI; the zone authority adds it with update-party", p.role, p.party.Code, p.party.Address)
		}
	}
	// An invoice is its seller, buyer and number, read by meaning — never
	// its amount: the same invoice again, with any amount, is refused.
	fp := types.Fingerprint(seller.Lei, buyer.Lei, m.Number)
	if id, err := s.Invoices.Indexes.Fingerprint.MatchExact(ctx, fp); err == nil {
		return nil, s.invoiceExists(ctx, id, fp)
	} else if !isNotFound(err) {
		return nil, err
	}
	if id, err := s.Invoices.Indexes.Document.MatchExact(ctx, m.DocumentHash); err == nil {
		return nil, errorsmod.Wrapf(types.ErrInvoiceExists, "invoice document %s already backs invoice %d: one document backs one invoice", m.DocumentHash, id)
	} else if !isNotFound(err) {
		return nil, err
	}
	id, err := s.InvoiceSeq.Next(ctx)
	if err != nil {
		return nil, err
	}
	// The corridor registry: one invoice is registered once in the whole
	// corridor. With a registry channel the invoice waits (PENDING) for the
	// other zone's confirmation and cannot be financed until then.
	corridor, err := s.cargo.Reserve(ctx, invoiceRef(id), cargotypes.KeyRef{Kind: cargotypes.KEY_KIND_INVOICE, Key: fp})
	if err != nil {
		return nil, errorsmod.Wrapf(err, "invoice %q from %s to %s (fingerprint %s)", m.Number, seller.Code, buyer.Code, fp)
	}
	st := types.INVOICE_STATUS_OPEN
	if corridor == cargotypes.RESERVATION_STATUS_PENDING {
		st = types.INVOICE_STATUS_PENDING
	}
	inv := types.Invoice{
		Id: id, Seller: m.Seller, Buyer: m.Buyer, Number: m.Number, Amount: m.Amount, DueDate: m.DueDate,
		DocumentHash: m.DocumentHash, BillId: m.BillId, Fingerprint: fp, Status: st, CorridorStatus: corridor,
	}
	appendInvoiceHistory(ctx, &inv, "REGISTER", corridor.String())
	if err := s.Invoices.Set(ctx, id, inv); err != nil {
		return nil, err
	}
	if err := s.indexParty(ctx, inv.Seller, types.PartyRecordInvoice, id); err != nil {
		return nil, err
	}
	return &types.MsgRegisterInvoiceResponse{InvoiceId: id, Fingerprint: fp, Status: st},
		emit(ctx, &types.EventInvoiceRegistered{InvoiceId: id, Seller: m.Seller, Fingerprint: fp})
}

func invoiceRef(id uint64) string { return strconv.FormatUint(id, 10) }

// invoiceExists is the refusal of an invoice this zone already registered
// (as invoice id): it names that invoice, its zone, number and amount.
func (k Keeper) invoiceExists(ctx context.Context, id uint64, fp string) error {
	first, err := k.GetInvoice(ctx, id)
	if err != nil {
		return err
	}
	where := sdk.UnwrapSDKContext(ctx).ChainID()
	if first.Status == types.INVOICE_STATUS_REJECTED_DUPLICATE {
		where += " (rejected there as a duplicate of the other zone's: it is registered on the other zone)"
	}
	return errorsmod.Wrapf(types.ErrInvoiceExists, "this invoice is already registered as invoice %d on %s (number %q, amount %s): an invoice is its seller, buyer and number, whatever its amount (fingerprint %s)",
		first.Id, where, first.Number, first.Amount, fp)
}

func appendInvoiceHistory(ctx context.Context, inv *types.Invoice, action, detail string) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	inv.History = append(inv.History, types.InvoiceHistoryEntry{Action: action, Detail: detail, Height: sdkCtx.BlockHeight(), Time: sdkCtx.BlockTime().UTC()})
}

// invoiceByRef loads the invoice a registry reference names.
func (k Keeper) invoiceByRef(ctx context.Context, ref string) (types.Invoice, error) {
	id, err := strconv.ParseUint(ref, 10, 64)
	if err != nil {
		return types.Invoice{}, errorsmod.Wrapf(types.ErrInvoiceNotFound, "registry reference %q is not an invoice id", ref)
	}
	return k.GetInvoice(ctx, id)
}

// OnReservation applies the corridor registry's answer to an invoice
// (cargotypes.RegistryOwner).
func (k Keeper) OnReservation(ctx context.Context, ref string, status cargotypes.ReservationStatus, reason string) error {
	inv, err := k.invoiceByRef(ctx, ref)
	if err != nil {
		return err
	}
	if inv.Status != types.INVOICE_STATUS_PENDING {
		return errorsmod.Wrapf(types.ErrInvoiceNotActive, "invoice %d is %s, not PENDING: the registry's answer (%s) does not apply", inv.Id, inv.Status, status)
	}
	var action string
	switch status {
	case cargotypes.RESERVATION_STATUS_CONFIRMED:
		action, inv.Status = "CORRIDOR_CONFIRMED", types.INVOICE_STATUS_OPEN
	case cargotypes.RESERVATION_STATUS_REJECTED_DUPLICATE:
		action, inv.Status = "REJECTED_DUPLICATE", types.INVOICE_STATUS_REJECTED_DUPLICATE
	case cargotypes.RESERVATION_STATUS_TIMED_OUT:
		action = "CORRIDOR_TIMEOUT"
	case cargotypes.RESERVATION_STATUS_PENDING:
		action = "CORRIDOR_RETRY"
	default:
		return errorsmod.Wrapf(types.ErrInvoiceNotActive, "no invoice transition for %s", status)
	}
	inv.CorridorStatus = status
	appendInvoiceHistory(ctx, &inv, action, reason)
	if err := k.Invoices.Set(ctx, inv.Id, inv); err != nil {
		return err
	}
	return emit(ctx, &types.EventInvoiceCorridorStatus{InvoiceId: inv.Id, Status: inv.Status, CorridorStatus: status, Reason: reason})
}

// ReservedKeys: an invoice reserves its fingerprint (cargotypes.RegistryOwner).
func (k Keeper) ReservedKeys(ctx context.Context, ref string) ([]cargotypes.KeyRef, error) {
	inv, err := k.invoiceByRef(ctx, ref)
	if err != nil {
		return nil, err
	}
	return []cargotypes.KeyRef{{Kind: cargotypes.KEY_KIND_INVOICE, Key: inv.Fingerprint}}, nil
}

// AuthorizeRetry lets the invoice's seller retry its reservation.
func (k Keeper) AuthorizeRetry(ctx context.Context, signer, ref string) error {
	inv, err := k.invoiceByRef(ctx, ref)
	if err != nil {
		return err
	}
	if inv.Seller != signer {
		return errorsmod.Wrapf(types.ErrUnauthorized, "only the seller %s retries invoice %d's reservation", inv.Seller, inv.Id)
	}
	_, err = k.cargo.ActiveParty(ctx, signer)
	return err
}

// requireActiveInvoice refuses an invoice the corridor registry has not
// confirmed (PENDING) or refused (REJECTED_DUPLICATE).
func requireActiveInvoice(inv types.Invoice) error {
	switch inv.Status {
	case types.INVOICE_STATUS_PENDING:
		return errorsmod.Wrapf(types.ErrInvoiceNotActive, "invoice %d waits for the corridor registry (%s); it can be financed once confirmed", inv.Id, inv.CorridorStatus)
	case types.INVOICE_STATUS_REJECTED_DUPLICATE:
		return errorsmod.Wrapf(types.ErrInvoiceNotActive, "invoice %d was rejected as a duplicate: it is registered on the other zone", inv.Id)
	}
	return nil
}

func (s msgServer) OfferFinancing(ctx context.Context, m *types.MsgOfferFinancing) (*types.MsgOfferFinancingResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	bank, err := s.cargo.ActivePartyWithRole(ctx, m.Bank, cargotypes.ROLE_BANK)
	if err != nil {
		return nil, err
	}
	if bank.Lei == "" {
		return nil, errorsmod.Wrapf(types.ErrNoLEI, "the bank %s (%s) has no LEI; the zone authority adds it with update-party", bank.Code, bank.Address)
	}
	inv, err := s.GetInvoice(ctx, m.InvoiceId)
	if err != nil {
		return nil, err
	}
	if err := requireActiveInvoice(inv); err != nil {
		return nil, err
	}
	if inv.Status != types.INVOICE_STATUS_OPEN {
		return nil, errorsmod.Wrapf(types.ErrAlreadyFinanced, "invoice %d is %s", inv.Id, inv.Status)
	}
	if !date(m.Maturity).After(blockDate(ctx)) {
		return nil, errorsmod.Wrapf(types.ErrInvalidDate, "maturity %s is not in the future", m.Maturity)
	}
	id, err := s.FinancingSeq.Next(ctx)
	if err != nil {
		return nil, err
	}
	f := types.Financing{
		Id: id, InvoiceId: inv.Id, Bank: m.Bank, Seller: inv.Seller, Advance: m.Advance, Repayment: m.Repayment,
		Repaid: sdk.NewCoin(m.Repayment.Denom, math.ZeroInt()), Maturity: m.Maturity, Status: types.FINANCING_STATUS_OFFERED, BillId: inv.BillId,
	}
	if err := s.Financings.Set(ctx, id, f); err != nil {
		return nil, err
	}
	if err := s.indexParty(ctx, f.Seller, types.PartyRecordFinancing, id); err != nil {
		return nil, err
	}
	return &types.MsgOfferFinancingResponse{FinancingId: id}, emit(ctx, &types.EventFinancingOffered{FinancingId: id, InvoiceId: inv.Id, Bank: m.Bank})
}

func (s msgServer) AcceptFinancing(ctx context.Context, m *types.MsgAcceptFinancing) (*types.MsgAcceptFinancingResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	if _, err := s.cargo.ActiveParty(ctx, m.Seller); err != nil {
		return nil, err
	}
	f, err := s.GetFinancing(ctx, m.FinancingId)
	if err != nil {
		return nil, err
	}
	if f.Seller != m.Seller {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "only the seller %s accepts financing %d", f.Seller, f.Id)
	}
	if err := requireFinancing(f, types.FINANCING_STATUS_OFFERED); err != nil {
		return nil, err
	}
	inv, err := s.GetInvoice(ctx, f.InvoiceId)
	if err != nil {
		return nil, err
	}
	if err := requireActiveInvoice(inv); err != nil {
		return nil, err
	}
	if inv.Status != types.INVOICE_STATUS_OPEN {
		return nil, errorsmod.Wrapf(types.ErrAlreadyFinanced, "invoice %d is %s (financing %d)", inv.Id, inv.Status, inv.ActiveFinancing)
	}
	if f.BillId != "" {
		// One lien per bill: a bill already financed or presented cannot be financed again.
		if err := s.cargo.PlaceLien(ctx, f.BillId, m.Seller, cargotypes.Lien{Module: types.LienModule, Reference: financingRef(f.Id), Creditor: f.Bank}); err != nil {
			if errorsmod.IsOf(err, cargotypes.ErrLiened) {
				return nil, errorsmod.Wrap(types.ErrAlreadyFinanced, err.Error())
			}
			return nil, err
		}
	}
	if err := s.pay(ctx, f.Bank, f.Seller, f.Advance); err != nil {
		return nil, errorsmod.Wrap(err, "disbursement of the advance")
	}
	f.Status = types.FINANCING_STATUS_ACTIVE
	inv.Status, inv.ActiveFinancing = types.INVOICE_STATUS_FINANCED, f.Id
	if err := s.Financings.Set(ctx, f.Id, f); err != nil {
		return nil, err
	}
	if err := s.Invoices.Set(ctx, inv.Id, inv); err != nil {
		return nil, err
	}
	return &types.MsgAcceptFinancingResponse{}, emit(ctx, &types.EventFinancingAccepted{FinancingId: f.Id, InvoiceId: inv.Id, Advance: f.Advance.String()})
}

func (s msgServer) Repay(ctx context.Context, m *types.MsgRepay) (*types.MsgRepayResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	if _, err := s.cargo.ActiveParty(ctx, m.Payer); err != nil {
		return nil, err
	}
	f, err := s.GetFinancing(ctx, m.FinancingId)
	if err != nil {
		return nil, err
	}
	if err := requireFinancing(f, types.FINANCING_STATUS_ACTIVE); err != nil {
		return nil, err
	}
	if m.Amount.Denom != f.Repayment.Denom {
		return nil, errorsmod.Wrapf(types.ErrInvalidAmount, "repay in %s", f.Repayment.Denom)
	}
	outstanding := f.Repayment.Sub(f.Repaid)
	if m.Amount.Amount.GT(outstanding.Amount) {
		return nil, errorsmod.Wrapf(types.ErrInvalidAmount, "only %s is outstanding", outstanding)
	}
	if err := s.pay(ctx, m.Payer, f.Bank, m.Amount); err != nil {
		return nil, err
	}
	f.Repaid = f.Repaid.Add(m.Amount)
	full := f.Repaid.Amount.Equal(f.Repayment.Amount)
	if full {
		f.Status = types.FINANCING_STATUS_REPAID
		if f.BillId != "" {
			if err := s.cargo.ReleaseLien(ctx, f.BillId, types.LienModule, financingRef(f.Id)); err != nil {
				return nil, err
			}
		}
		if err := s.closeInvoice(ctx, f.InvoiceId, types.INVOICE_STATUS_REPAID); err != nil {
			return nil, err
		}
	}
	if err := s.Financings.Set(ctx, f.Id, f); err != nil {
		return nil, err
	}
	return &types.MsgRepayResponse{FullyRepaid: full}, emit(ctx, &types.EventFinancingRepaid{FinancingId: f.Id, Amount: m.Amount.String(), Full: full})
}

func (k Keeper) closeInvoice(ctx context.Context, id uint64, st types.InvoiceStatus) error {
	inv, err := k.GetInvoice(ctx, id)
	if err != nil {
		return err
	}
	// The closing financing and the block time go in the invoice's history:
	// the track record compares it with the financing's maturity.
	appendInvoiceHistory(ctx, &inv, strings.TrimPrefix(st.String(), "INVOICE_STATUS_"), financingRef(inv.ActiveFinancing))
	inv.Status, inv.ActiveFinancing = st, 0
	return k.Invoices.Set(ctx, id, inv)
}

func (s msgServer) DeclareDefault(ctx context.Context, m *types.MsgDeclareDefault) (*types.MsgDeclareDefaultResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	if _, err := s.cargo.ActiveParty(ctx, m.Bank); err != nil {
		return nil, err
	}
	f, err := s.GetFinancing(ctx, m.FinancingId)
	if err != nil {
		return nil, err
	}
	if f.Bank != m.Bank {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "financing %d belongs to %s", f.Id, f.Bank)
	}
	if err := requireFinancing(f, types.FINANCING_STATUS_ACTIVE); err != nil {
		return nil, err
	}
	if !blockDate(ctx).After(date(f.Maturity)) {
		return nil, errorsmod.Wrapf(types.ErrNotMature, "financing %d matures on %s", f.Id, f.Maturity)
	}
	if f.BillId != "" {
		if err := s.cargo.TransferUnderLien(ctx, f.BillId, types.LienModule, financingRef(f.Id), f.Bank); err != nil {
			return nil, err
		}
	}
	f.Status = types.FINANCING_STATUS_DEFAULTED
	if err := s.closeInvoice(ctx, f.InvoiceId, types.INVOICE_STATUS_DEFAULTED); err != nil {
		return nil, err
	}
	if err := s.Financings.Set(ctx, f.Id, f); err != nil {
		return nil, err
	}
	return &types.MsgDeclareDefaultResponse{}, emit(ctx, &types.EventFinancingDefaulted{FinancingId: f.Id, BillId: f.BillId})
}
