package keeper

import (
	"slices"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// Migrator runs x/cargo's store migrations (registered with the module
// configurator; the app's named upgrades run them).
type Migrator struct{ k Keeper }

// NewMigrator returns the migrator of k's store.
func NewMigrator(k Keeper) Migrator { return Migrator{k: k} }

// Migrate1to2 rewrites version-1 TRANSFERRED_OUT tombstones into the shape
// version 2 writes: a tombstone's holder is empty — nobody controls the bill
// on this zone — its departed_holder is the holder who sent it away, and
// control_zone names the zone that holds the live record (from the light
// client behind the channel it left through). The holder index follows the
// record. The holds in force are counted per subject kind (HoldCount) and the
// bills per status (the status index's counts), both new in version 2 —
// before the rewrite, which changes no status. Everything else in the store
// is unchanged.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	if err := m.k.countHolds(ctx); err != nil {
		return err
	}
	if err := m.k.Bills.Indexes.Status.recount(ctx); err != nil {
		return err
	}
	// Only the tombstones are read, through the status index (in id order).
	it, err := m.k.Bills.Indexes.Status.Iterate(ctx, collections.NewPrefixedPairRange[int32, string](int32(types.BILL_STATUS_TRANSFERRED_OUT)))
	if err != nil {
		return err
	}
	ids, err := it.Keys()
	if err != nil {
		return err
	}
	var old []types.Bill
	for _, k := range ids {
		b, err := m.k.Bills.Get(ctx, k.K2())
		if err != nil {
			return err
		}
		if b.Holder != "" {
			old = append(old, b)
		}
	}
	for _, b := range old {
		b.DepartedHolder, b.Holder = b.Holder, ""
		if b.ControlZone == "" {
			b.ControlZone = m.k.counterpartyChainID(ctx, types.PortID, b.TransferredVia)
		}
		if err := m.k.Bills.Set(ctx, b.Id, b); err != nil {
			return err
		}
	}
	ctx.Logger().Info("x/cargo migration 1→2: tombstones rewritten", "count", len(old))
	return nil
}

// Migrate2to3 splits the document anchors. Version 2 kept one anchor per hash,
// whoever made it, so any party could squat a hash — anchor the carrier's
// transport document before the bill was issued or arrived, or another
// party's invoice — and block it for ever. Version 3 keeps in Documents only
// the bills' transport documents and every other anchor in Anchors under
// (hash, anchorer). See MigrateAnchors. (A later 2→3 step of another change
// calls MigrateAnchors beside its own.)
func (m Migrator) Migrate2to3(ctx sdk.Context) error {
	return m.MigrateAnchors(ctx)
}

// MigrateAnchors moves out of Documents every anchor that is not a bill's
// transport document: one stays only if it is a TRANSPORT_DOCUMENT anchored by
// the carrier of the bill it names, and that bill was issued, amended or
// received with that hash (the current document, or one in its history).
// Every other anchor — invoices and other documents, and a TRANSPORT_DOCUMENT
// some party anchored with anchor-document — becomes its anchorer's own
// anchor, with one ANCHOR event made from the record, withdrawable by that
// party. Nothing else changes.
func (m Migrator) MigrateAnchors(ctx sdk.Context) error {
	it, err := m.k.Documents.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	docs, err := it.Values()
	if err != nil {
		return err
	}
	moved := 0
	for _, d := range docs {
		isBills, err := m.k.isBillsAnchor(ctx, d)
		if err != nil {
			return err
		}
		if isBills {
			continue
		}
		d.Withdrawn = false
		d.History = []types.AnchorEvent{{Action: types.AnchorActionAnchor, DocType: d.DocType, BillId: d.BillId, Height: d.Height, Time: d.AnchoredAt}}
		if err := m.k.Anchors.Set(ctx, anchorPK(d.Hash, d.AnchoredBy), d); err != nil {
			return err
		}
		if err := m.k.Documents.Remove(ctx, d.Hash); err != nil {
			return err
		}
		moved++
	}
	ctx.Logger().Info("x/cargo migration 2→3: parties' anchors moved out of the bills' documents", "moved", moved, "kept", len(docs)-moved)
	return nil
}

// isBillsAnchor says whether a version-2 anchor is a bill's transport document.
func (k Keeper) isBillsAnchor(ctx sdk.Context, d types.Document) (bool, error) {
	if d.DocType != types.DocTypeTransportDocument || d.BillId == "" {
		return false, nil
	}
	b, err := k.Bills.Get(ctx, d.BillId)
	if isNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if b.Carrier != d.AnchoredBy {
		return false, nil
	}
	if b.DocumentHash == d.Hash {
		return true, nil
	}
	it, err := k.History.Iterate(ctx, collections.NewPrefixedPairRange[string, uint64](b.Id))
	if err != nil {
		return false, err
	}
	entries, err := it.Values()
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(entries, func(e types.HistoryEntry) bool { return e.DocumentHash == d.Hash }), nil
}
