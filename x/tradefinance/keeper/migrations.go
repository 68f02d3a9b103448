package keeper

import (
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// Migrator runs x/tradefinance's store migrations (registered with the
// module configurator; the app's named upgrades run them).
type Migrator struct{ k Keeper }

// NewMigrator returns the migrator of k's store.
func NewMigrator(k Keeper) Migrator { return Migrator{k: k} }

// Migrate1to2 (upgrade v3) indexes the presented documents
// (IndexPresentedDocs), then re-keys every invoice by its identity: its
// fingerprint becomes types.Fingerprint of its seller's and buyer's LEIs and
// its number — no amount, no currency —, and the corridor registry key this
// zone holds for it moves to the new fingerprint with its status.
//
// Invoices that are not REJECTED_DUPLICATE are re-keyed first, in id order,
// then the rejected ones (which hold no key). An invoice whose identity an
// earlier one already took keeps its pre-v3 fingerprint and key, and — unless
// it is a rejected one — the pair is listed as a collision in x/cargo's
// registry (q cargo registry-collisions): nothing is deleted, no invoice or
// financing changes status. An invoice whose seller or buyer has no LEI any
// more keeps its fingerprint too (logged).
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	if err := m.IndexPresentedDocs(ctx); err != nil {
		return err
	}
	if err := m.k.indexAllParties(ctx); err != nil { // the track record's index
		return err
	}
	invoices, err := m.k.Invoices.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	all, err := invoices.Values()
	if err != nil {
		return err
	}
	var rekeyed, collisions, kept int
	for _, rejected := range []bool{false, true} {
		for _, inv := range all {
			if (inv.Status == types.INVOICE_STATUS_REJECTED_DUPLICATE) != rejected {
				continue
			}
			seller, err := m.k.cargo.GetParty(ctx, inv.Seller)
			if err != nil {
				return err
			}
			buyer, err := m.k.cargo.GetParty(ctx, inv.Buyer)
			if err != nil {
				return err
			}
			if seller.Lei == "" || buyer.Lei == "" {
				kept++
				ctx.Logger().Error("x/tradefinance migration 1→2: invoice not re-keyed: its seller or buyer has no LEI", "invoice", inv.Id)
				continue
			}
			fp := types.Fingerprint(seller.Lei, buyer.Lei, inv.Number)
			if fp == inv.Fingerprint {
				continue
			}
			if first, err := m.k.Invoices.Indexes.Fingerprint.MatchExact(ctx, fp); err == nil {
				kept++
				if rejected {
					continue
				}
				collisions++
				if err := m.k.recordInvoiceCollision(ctx, first, inv, fp); err != nil {
					return err
				}
				continue
			} else if !isNotFound(err) {
				return err
			}
			if r, found, err := m.k.cargo.GetRegistryKey(ctx, cargotypes.KEY_KIND_INVOICE, inv.Fingerprint); err != nil {
				return err
			} else if found && r.Status != cargotypes.RESERVATION_STATUS_HELD_REMOTE && r.Reference == invoiceRef(inv.Id) {
				if err := m.k.cargo.RekeyRegistryKey(ctx, cargotypes.KEY_KIND_INVOICE, inv.Fingerprint, fp); err != nil {
					return err
				}
			}
			inv.Fingerprint = fp
			if err := m.k.Invoices.Set(ctx, inv.Id, inv); err != nil {
				return err
			}
			rekeyed++
		}
	}
	ctx.Logger().Info("x/tradefinance migration 1→2: invoices re-keyed by identity",
		"rekeyed", rekeyed, "collisions", collisions, "kept", kept)
	return nil
}

func (k Keeper) recordInvoiceCollision(ctx sdk.Context, firstID uint64, other types.Invoice, fp string) error {
	first, err := k.GetInvoice(ctx, firstID)
	if err != nil {
		return err
	}
	self := ctx.ChainID()
	return k.cargo.RecordCollision(ctx, cargotypes.IdentityCollision{
		Kind: cargotypes.KEY_KIND_INVOICE, Key: fp,
		HolderZone: self, HolderReference: invoiceRef(first.Id),
		OtherZone: self, OtherReference: invoiceRef(other.Id),
		Detail: fmt.Sprintf("invoices %d (number %q, %s, %s) and %d (number %q, %s, %s) are one invoice of seller %s to buyer %s; invoice %d keeps its pre-v3 fingerprint %s",
			first.Id, first.Number, first.Amount, first.Status, other.Id, other.Number, other.Amount, other.Status,
			other.Seller, other.Buyer, other.Id, other.Fingerprint),
	})
}

// IndexPresentedDocs builds the index of presented documents (PresentedDocs, new in
// version 2) from the presentations in the store, so that an anchor a
// presentation made before the upgrade relies on is not withdrawn under it.
// Nothing else changes.
func (m Migrator) IndexPresentedDocs(ctx sdk.Context) error {
	it, err := m.k.Presentations.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	ps, err := it.Values()
	if err != nil {
		return err
	}
	for _, p := range ps {
		if err := m.k.indexPresentedDocs(ctx, p); err != nil {
			return err
		}
	}
	ctx.Logger().Info("x/tradefinance migration 1→2: presented documents indexed", "presentations", len(ps))
	return nil
}
