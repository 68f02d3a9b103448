package keeper

import (
	"fmt"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// RegisterInvariants registers x/tradefinance's invariants with x/crisis.
func RegisterInvariants(ir sdk.InvariantRegistry, k Keeper) {
	for _, r := range invariants(k) {
		ir.RegisterRoute(types.ModuleName, r.route, r.check)
	}
}

// AllInvariants runs every x/tradefinance invariant.
func AllInvariants(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		for _, r := range invariants(k) {
			if msg, broken := r.check(ctx); broken {
				return msg, true
			}
		}
		return "", false
	}
}

func invariants(k Keeper) []struct {
	route string
	check sdk.Invariant
} {
	return []struct {
		route string
		check sdk.Invariant
	}{
		{"escrow", EscrowInvariant(k)},
		{"liens", LienInvariant(k)},
		{"financings", FinancingInvariant(k)},
		{"invoice-registry", InvoiceRegistryInvariant(k)},
		{"presented-docs", PresentedDocsInvariant(k)},
	}
}

func result(route string, problems []string) (string, bool) {
	msg := fmt.Sprintf("%d problem(s)\n", len(problems))
	for _, p := range problems {
		msg += "  " + p + "\n"
	}
	return sdk.FormatInvariant(types.ModuleName, route, msg), len(problems) > 0
}

// EscrowInvariant: the module account holds exactly the sum of the LCs'
// escrows, and no LC has paid more than its amount.
func EscrowInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		var problems []string
		sum := sdk.NewCoins()
		err := k.LCs.Walk(ctx, nil, func(id uint64, lc types.LetterOfCredit) (bool, error) {
			sum = sum.Add(lc.Escrow)
			if lc.Paid.Amount.GT(lc.Amount.Amount) {
				problems = append(problems, fmt.Sprintf("lc %d paid %s of %s", id, lc.Paid, lc.Amount))
			}
			if !lc.Paid.Add(lc.Escrow).IsLTE(lc.Amount) {
				problems = append(problems, fmt.Sprintf("lc %d: paid %s + escrow %s exceed amount %s", id, lc.Paid, lc.Escrow, lc.Amount))
			}
			return false, nil
		})
		if err != nil {
			problems = append(problems, err.Error())
		}
		held := k.bank.GetAllBalances(ctx, k.accounts.GetModuleAddress(types.ModuleName))
		if !held.Equal(sum) {
			problems = append(problems, fmt.Sprintf("module holds %s, open LC escrows sum to %s", held, sum))
		}
		return result("escrow", problems)
	}
}

// LienInvariant: every lien this module placed belongs to a pending
// presentation or an active financing, which names that bill; and each
// pending presentation / active financing has its lien on its bill.
func LienInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		var problems []string
		check := func(billID, ref string) {
			b, err := k.cargo.GetBill(ctx, billID)
			if err != nil || b.Lien == nil || b.Lien.Module != types.LienModule || b.Lien.Reference != ref {
				problems = append(problems, fmt.Sprintf("bill %s should carry lien %s", billID, ref))
			}
		}
		_ = k.Presentations.Walk(ctx, nil, func(id uint64, p types.Presentation) (bool, error) {
			if p.Status == types.PRESENTATION_STATUS_PENDING {
				check(p.BillId, lcRef(id))
			}
			return false, nil
		})
		_ = k.Financings.Walk(ctx, nil, func(id uint64, f types.Financing) (bool, error) {
			if f.Status == types.FINANCING_STATUS_ACTIVE && f.BillId != "" {
				check(f.BillId, financingRef(id))
			}
			return false, nil
		})
		return result("liens", problems)
	}
}

// FinancingInvariant: at most one active financing per invoice, and an
// invoice names it; repaid never exceeds the repayment.
func FinancingInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		var problems []string
		active := map[uint64]uint64{}
		_ = k.Financings.Walk(ctx, nil, func(id uint64, f types.Financing) (bool, error) {
			if f.Repaid.Amount.GT(f.Repayment.Amount) {
				problems = append(problems, fmt.Sprintf("financing %d repaid %s of %s", id, f.Repaid, f.Repayment))
			}
			if f.Status == types.FINANCING_STATUS_ACTIVE {
				if other, dup := active[f.InvoiceId]; dup {
					problems = append(problems, fmt.Sprintf("invoice %d has active financings %d and %d", f.InvoiceId, other, id))
				}
				active[f.InvoiceId] = id
			}
			return false, nil
		})
		_ = k.Invoices.Walk(ctx, nil, func(id uint64, inv types.Invoice) (bool, error) {
			if inv.ActiveFinancing != active[id] {
				problems = append(problems, fmt.Sprintf("invoice %d names financing %d, active is %d", id, inv.ActiveFinancing, active[id]))
			}
			return false, nil
		})
		return result("financings", problems)
	}
}

// InvoiceRegistryInvariant: invoices and the corridor registry agree. An
// invoice registered under the registry (corridor status set) that is not
// REJECTED_DUPLICATE holds its fingerprint's key in this zone's registry,
// under its own id and with its corridor status; it is PENDING exactly while
// the key is PENDING or TIMED_OUT, and only a confirmed or local invoice is
// ever financed.
func InvoiceRegistryInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		var problems []string
		err := k.Invoices.Walk(ctx, nil, func(id uint64, inv types.Invoice) (bool, error) {
			if inv.CorridorStatus == cargotypes.RESERVATION_STATUS_UNSPECIFIED {
				return false, nil
			}
			r, found, err := k.cargo.GetRegistryKey(ctx, cargotypes.KEY_KIND_INVOICE, inv.Fingerprint)
			if err != nil {
				return true, err
			}
			pending := inv.Status == types.INVOICE_STATUS_PENDING
			switch {
			case inv.Status == types.INVOICE_STATUS_REJECTED_DUPLICATE:
				if found && r.Status != cargotypes.RESERVATION_STATUS_HELD_REMOTE && r.Reference == invoiceRef(id) {
					problems = append(problems, fmt.Sprintf("rejected invoice %d still holds its fingerprint key", id))
				}
			case !found || r.Reference != invoiceRef(id) || r.Status != inv.CorridorStatus:
				problems = append(problems, fmt.Sprintf("invoice %d (%s, corridor %s) and its fingerprint key (found %v, %s, %q) disagree", id, inv.Status, inv.CorridorStatus, found, r.Status, r.Reference))
			case pending != (r.Status == cargotypes.RESERVATION_STATUS_PENDING || r.Status == cargotypes.RESERVATION_STATUS_TIMED_OUT):
				problems = append(problems, fmt.Sprintf("invoice %d is %s while its key is %s", id, inv.Status, r.Status))
			}
			return false, nil
		})
		if err != nil {
			problems = append(problems, err.Error())
		}
		return result("invoice-registry", problems)
	}
}
