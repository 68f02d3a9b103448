package keeper

import (
	"context"

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
	if _, err := s.cargo.GetDocument(ctx, m.DocumentHash); err != nil {
		return nil, errorsmod.Wrap(err, "anchor the invoice document first")
	}
	if m.BillId != "" {
		if _, err := s.cargo.GetBill(ctx, m.BillId); err != nil {
			return nil, err
		}
	}
	fp := types.Fingerprint(seller.Code, buyer.Code, m.Number, m.Amount)
	if id, err := s.Invoices.Indexes.Fingerprint.MatchExact(ctx, fp); err == nil {
		return nil, errorsmod.Wrapf(types.ErrInvoiceExists, "this invoice (fingerprint %s) is already registered as invoice %d", fp, id)
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
	inv := types.Invoice{
		Id: id, Seller: m.Seller, Buyer: m.Buyer, Number: m.Number, Amount: m.Amount, DueDate: m.DueDate,
		DocumentHash: m.DocumentHash, BillId: m.BillId, Fingerprint: fp, Status: types.INVOICE_STATUS_OPEN,
	}
	if err := s.Invoices.Set(ctx, id, inv); err != nil {
		return nil, err
	}
	return &types.MsgRegisterInvoiceResponse{InvoiceId: id, Fingerprint: fp},
		emit(ctx, &types.EventInvoiceRegistered{InvoiceId: id, Seller: m.Seller, Fingerprint: fp})
}

func (s msgServer) OfferFinancing(ctx context.Context, m *types.MsgOfferFinancing) (*types.MsgOfferFinancingResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	if _, err := s.cargo.ActivePartyWithRole(ctx, m.Bank, cargotypes.ROLE_BANK); err != nil {
		return nil, err
	}
	inv, err := s.GetInvoice(ctx, m.InvoiceId)
	if err != nil {
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
	return &types.MsgOfferFinancingResponse{FinancingId: id}, emit(ctx, &types.EventFinancingOffered{FinancingId: id, InvoiceId: inv.Id, Bank: m.Bank})
}

func (s msgServer) AcceptFinancing(ctx context.Context, m *types.MsgAcceptFinancing) (*types.MsgAcceptFinancingResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	f, err := s.GetFinancing(ctx, m.FinancingId)
	if err != nil {
		return nil, err
	}
	if f.Seller != m.Seller {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "only the seller %s accepts financing %d", f.Seller, f.Id)
	}
	if _, err := s.cargo.ActiveParty(ctx, m.Seller); err != nil {
		return nil, err
	}
	if err := requireFinancing(f, types.FINANCING_STATUS_OFFERED); err != nil {
		return nil, err
	}
	inv, err := s.GetInvoice(ctx, f.InvoiceId)
	if err != nil {
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
	inv.Status, inv.ActiveFinancing = st, 0
	return k.Invoices.Set(ctx, id, inv)
}

func (s msgServer) DeclareDefault(ctx context.Context, m *types.MsgDeclareDefault) (*types.MsgDeclareDefaultResponse, error) {
	if err := m.ValidateBasic(); err != nil {
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
