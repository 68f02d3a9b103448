package keeper

import (
	"context"
	"fmt"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

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
	// One walk of the bills counts them per status and finds the
	// tombstones (not through the status index: this binary keeps it in
	// version 3's layout, which a version-1 store has not got yet).
	counts := map[int32]uint64{}
	var old []types.Bill
	err := m.k.Bills.Walk(ctx, nil, func(_ string, b types.Bill) (bool, error) {
		counts[int32(b.Status)]++
		if b.Status == types.BILL_STATUS_TRANSFERRED_OUT && b.Holder != "" {
			old = append(old, b)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	if err := m.k.Bills.Indexes.Status.Counts.Clear(ctx, nil); err != nil {
		return err
	}
	for s := int32(0); s < int32(len(types.BillStatus_name)); s++ {
		if counts[s] == 0 {
			continue
		}
		if err := m.k.Bills.Indexes.Status.Counts.Set(ctx, s, counts[s]); err != nil {
			return err
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

// Migrate2to3 (upgrade v3) moves the status index to its version-3 key
// (MigrateStatusLayout, before any step writes a bill), drops the carrier
// index's entries of the bills their carrier's range lists
// (MigrateCarrierIndex), moves every bill's
// history into the bill's own
// key range (MigrateHistoryLayout, first: every later step reads the history
// where version 3 keeps it), splits the document anchors (MigrateAnchors: any
// party could squat a hash in version 2; version 3 keeps the bills' transport
// documents in Documents and every other anchor under (hash, anchorer)),
// moves the registry's records to the version-3 layout (MigrateRegistryLayout:
// a document hash's record inside Documents[hash], a bill's identity under
// its text) and the open-reservation index to its version-3 key, by record
// (MigrateRegistryOpenLayout), then re-keys the corridor registry by meaning:
//
//  1. Reservations still in flight left in the format before v3, with one
//     key and no record id: they are withdrawn (TIMED_OUT, retryable), so
//     their record is confirmed only by a v3 reservation of every key it
//     needs. A late answer to the old packet changes nothing.
//  2. INVOICE keys held by the other zone are its pre-v3 fingerprints
//     (amount included): no v3 key can equal one, and the zone that holds
//     each invoice re-keys its own record (x/tradefinance migration 1→2), so
//     they are dropped.
//  3. Every bill gains its identity key (BILL: carrier code and folded
//     transport document reference): a bill issued here holds it with its
//     corridor status; a bill that arrived from its home zone records it as
//     held there. Every document hash a bill was amended with (its AMEND
//     history entries) becomes a TRANSPORT_DOCUMENT key of the zone that
//     amended it.
//
// Where two records of this zone turn out to share an identity — two bills
// with one carrier and reference, a hash both amended here and held for
// another bill — the first (in key order) keeps it and the collision is
// listed in Collisions (query registry-collisions); nothing is deleted and
// no record changes status. The other zone's records are that zone's
// migration's: a collision across zones is found when either zone next
// reserves the identity (the other refuses it).
func (m Migrator) Migrate2to3(ctx sdk.Context) error {
	if err := m.MigrateStatusLayout(ctx); err != nil {
		return err
	}
	if err := m.MigrateCarrierIndex(ctx); err != nil {
		return err
	}
	if err := m.MigrateHistoryLayout(ctx); err != nil {
		return err
	}
	if err := m.MigrateAnchors(ctx); err != nil {
		return err
	}
	if err := m.MigrateRegistryLayout(ctx); err != nil {
		return err
	}
	if err := m.MigrateRegistryOpenLayout(ctx); err != nil {
		return err
	}
	withdrawn, err := m.k.withdrawLegacyReservations(ctx)
	if err != nil {
		return err
	}
	dropped, err := m.k.dropRemoteKeys(ctx, types.KEY_KIND_INVOICE)
	if err != nil {
		return err
	}
	keyed, collisions, err := m.k.keyBillsByIdentity(ctx)
	if err != nil {
		return err
	}
	if err := m.MigratePastHolders(ctx); err != nil {
		return err
	}
	ctx.Logger().Info("x/cargo migration 2→3: registry re-keyed by identity",
		"withdrawn", withdrawn, "stale_invoice_keys_dropped", dropped, "bill_keys", keyed, "collisions", collisions)
	return nil
}

// MigratePastHolders (a step of Migrate2to3) adds to the holder index every
// party that held a bill on this zone and holds it no more, read from the
// bills' histories, and every bill's shipper: version 2 deleted a holder's
// entry when the bill left it, version 3 keeps it as "held before"
// (HolderIndex), for the track record, which finds there the bills a party
// shipped too. The entries of the holders now are version 2's, unchanged.
func (m Migrator) MigratePastHolders(ctx sdk.Context) error {
	added, err := m.k.backfillHolders(ctx)
	if err != nil {
		return err
	}
	ctx.Logger().Info("x/cargo migration 2→3: past holders and shippers indexed", "entries", added)
	return nil
}

// withdrawLegacyReservations withdraws every PENDING reservation (v2
// packets in flight) and tells each record once.
func (k Keeper) withdrawLegacyReservations(ctx sdk.Context) (int, error) {
	it, err := k.RegistryOpen.Iterate(ctx, OpenReservations(types.RESERVATION_STATUS_PENDING))
	if err != nil {
		return 0, err
	}
	pks, err := it.Keys()
	if err != nil {
		return 0, err
	}
	const reason = "withdrawn by the v3 upgrade: the reservation left in the format before v3; retry it to reserve every identity of the record at once"
	for _, e := range pks {
		r, _, err := k.registryAt(ctx, e.K2().K2())
		if err != nil {
			return 0, err
		}
		owner, err := k.registryOwner(r.Kind)
		if err != nil {
			return 0, err
		}
		if err := k.withdraw(ctx, []types.RegistryKey{r}, owner, reason); err != nil {
			return 0, err
		}
	}
	return len(pks), nil
}

// dropRemoteKeys removes the keys of kind held by the other zone.
func (k Keeper) dropRemoteKeys(ctx sdk.Context, kind types.KeyKind) (int, error) {
	it, err := k.RegistryKeys.Iterate(ctx, collections.NewPrefixedPairRange[int32, string](int32(kind)))
	if err != nil {
		return 0, err
	}
	all, err := it.Values()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range all {
		if r.Status != types.RESERVATION_STATUS_HELD_REMOTE {
			continue
		}
		if err := k.releaseKey(ctx, r); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// keyBillsByIdentity gives every bill its identity key and every amended
// document hash its key (Migrate2to3, step 3).
func (k Keeper) keyBillsByIdentity(ctx sdk.Context) (keyed, collisions int, err error) {
	bills, err := values(ctx, k.Bills.Iterate)
	if err != nil {
		return 0, 0, err
	}
	self := ctx.ChainID()
	claim := func(b types.Bill, r types.RegistryKey, detail func(held types.RegistryKey) string) error {
		held, found, err := k.lookupKey(ctx, r.Kind, r.Key, r.Reference)
		if err != nil {
			return err
		}
		if !found {
			keyed++
			return k.setRegistryKey(ctx, types.RESERVATION_STATUS_UNSPECIFIED, r)
		}
		if held.Reference == b.Id {
			return nil // already this bill's
		}
		collisions++
		return k.RecordCollision(ctx, types.IdentityCollision{
			Kind: r.Kind, Key: r.Key, HolderZone: held.HolderZone, HolderReference: held.Reference,
			OtherZone: r.HolderZone, OtherReference: b.Id, Detail: detail(held),
		})
	}
	for _, b := range bills {
		if b.Status == types.BILL_STATUS_REJECTED_DUPLICATE {
			continue // it holds nothing: its identity is the other zone's bill's
		}
		r := types.RegistryKey{Kind: types.KEY_KIND_BILL, Key: types.BillKeyOf(b.Id), Reference: b.Id}
		switch {
		case b.HomeZone != self && b.HomeZone != "":
			r.Status, r.HolderZone = types.RESERVATION_STATUS_HELD_REMOTE, b.HomeZone
		case b.CorridorStatus != types.RESERVATION_STATUS_UNSPECIFIED:
			r.Status, r.HolderZone = b.CorridorStatus, self
		default:
			r.Status, r.HolderZone = types.RESERVATION_STATUS_LOCAL, self // issued before the registry
		}
		if err := claim(b, r, func(held types.RegistryKey) string {
			return fmt.Sprintf("bill %s (%s, issued on %s) has the carrier and transport document reference of bill %s on %s, read by meaning",
				b.Id, b.Status, orUnknown(b.HomeZone), held.Reference, held.HolderZone)
		}); err != nil {
			return 0, 0, err
		}
		if b.Version == 1 {
			continue
		}
		amended, err := k.amendedHashes(ctx, b)
		if err != nil {
			return 0, 0, err
		}
		for _, a := range amended {
			d := types.RegistryKey{Kind: types.KEY_KIND_TRANSPORT_DOCUMENT, Key: a.hash, Reference: b.Id, HolderZone: a.zone}
			switch {
			case a.zone != self:
				d.Status = types.RESERVATION_STATUS_HELD_REMOTE
			case r.HolderZone == self && r.Status != types.RESERVATION_STATUS_LOCAL:
				d.Status = r.Status // the bill's own corridor status
			default:
				d.Status = types.RESERVATION_STATUS_LOCAL
			}
			if err := claim(b, d, func(held types.RegistryKey) string {
				return fmt.Sprintf("bill %s was amended on %s with transport document %s, which backs bill %s on %s",
					b.Id, a.zone, a.hash, orUnknown(held.Reference), held.HolderZone)
			}); err != nil {
				return 0, 0, err
			}
		}
	}
	return keyed, collisions, nil
}

type amendedHash struct{ hash, zone string }

// amendedHashes are the document hashes b was amended with, from its AMEND
// history entries, and the zones that amended it; the bill's current hash is
// one of them, counted as its home zone's when the entry is not kept here.
func (k Keeper) amendedHashes(ctx sdk.Context, b types.Bill) ([]amendedHash, error) {
	var out []amendedHash
	current := false
	err := k.History.Walk(ctx, collections.NewPrefixedPairRange[string, uint64](b.Id), func(_ collections.Pair[string, uint64], e types.HistoryEntry) (bool, error) {
		if e.Action == ActionAmend {
			out = append(out, amendedHash{hash: e.DocumentHash, zone: e.ChainId})
			current = current || e.DocumentHash == b.DocumentHash
		}
		return false, nil
	})
	if err == nil && !current && b.HomeZone != "" {
		out = append(out, amendedHash{hash: b.DocumentHash, zone: b.HomeZone})
	}
	return out, err
}

// collisionPK is where a collision is stored: (kind, key, the other record).
func collisionPK(c types.IdentityCollision) collections.Triple[int32, string, string] {
	return collections.Join3(int32(c.Kind), c.Key, c.OtherZone+"/"+c.OtherReference)
}

// RecordCollision lists an identity two records share (the v3 upgrade).
func (k Keeper) RecordCollision(ctx context.Context, c types.IdentityCollision) error {
	c.Height = sdk.UnwrapSDKContext(ctx).BlockHeight()
	if err := c.Validate(); err != nil {
		return err
	}
	return k.Collisions.Set(ctx, collisionPK(c), c)
}

// RekeyRegistryKey moves this zone's record of key from to key to, status,
// record and packet unchanged (the x/tradefinance v3 migration re-keys
// invoices by identity). It fails if to is already known here.
func (k Keeper) RekeyRegistryKey(ctx context.Context, kind types.KeyKind, from, to string) error {
	r, found, err := k.GetRegistryKey(ctx, kind, from)
	if err != nil {
		return err
	}
	if !found || r.Status == types.RESERVATION_STATUS_HELD_REMOTE {
		return errorsmod.Wrapf(types.ErrKeyNotFound, "no %s key %s held on this zone", types.KeyKindName(kind), from)
	}
	if held, found, err := k.GetRegistryKey(ctx, kind, to); err != nil {
		return err
	} else if found {
		return takenError(sdk.UnwrapSDKContext(ctx), held)
	}
	if err := k.releaseKey(ctx, r); err != nil {
		return err
	}
	r.Key = to
	return k.putRegistryKey(ctx, types.RESERVATION_STATUS_UNSPECIFIED, r)
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
	docs, err := m.k.Documents.All(ctx)
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

// MigrateRegistryLayout (Migrate2to3, right after MigrateAnchors, before the
// registry is re-keyed by identity) moves the registry's records to where
// version 3 keeps them (issue 40: one hash-placed write per issuance): a
// document hash's record into the document's record, Documents[hash] (its
// registry part, beside the bill's anchor if there is one), and a bill's
// identity under (BILL, carrier code and folded reference) instead of its
// hash. The records and the open-reservation index say the same as before;
// invoices' records stay where they are.
func (m Migrator) MigrateRegistryLayout(ctx sdk.Context) error {
	type move struct {
		from collections.Pair[int32, string]
		r    types.RegistryKey
	}
	var moves []move
	for _, kind := range []types.KeyKind{types.KEY_KIND_TRANSPORT_DOCUMENT, types.KEY_KIND_BILL} {
		err := m.k.RegistryKeys.Walk(ctx, collections.NewPrefixedPairRange[int32, string](int32(kind)), func(pk collections.Pair[int32, string], r types.RegistryKey) (bool, error) {
			moves = append(moves, move{pk, r})
			return false, nil
		})
		if err != nil {
			return err
		}
	}
	for _, mv := range moves {
		to, err := locOf(mv.r)
		if err != nil {
			return err
		}
		if to == mv.from && mv.r.Kind != types.KEY_KIND_TRANSPORT_DOCUMENT {
			continue // already where version 3 keeps it
		}
		if err := m.k.RegistryKeys.Remove(ctx, mv.from); err != nil {
			return err
		}
		if to != mv.from && isOpen(mv.r.Status) {
			if err := m.k.legacyRegistryOpen.Remove(ctx, collections.Join(int32(mv.r.Status), mv.from)); err != nil {
				return err
			}
			if err := m.k.legacyRegistryOpen.Set(ctx, collections.Join(int32(mv.r.Status), to)); err != nil {
				return err
			}
		}
		if err := m.k.storeRegistryKey(ctx, to, mv.r); err != nil {
			return err
		}
	}
	ctx.Logger().Info("x/cargo migration 2→3: registry records moved to the version-3 layout", "records", len(moves))
	return nil
}

// historyMigrationBatch is how many history entries MigrateHistoryLayout
// (and status index entries MigrateStatusLayout) holds in memory at once.
var historyMigrationBatch = 10_000

// MigrateCarrierIndex (a step of Migrate2to3) drops the carrier index's
// entries of the bills whose ids are under their carrier's party code here:
// version 3 lists those from the bills' own range (CarrierIndex) and keeps
// entries only for the others. It walks the index in batches, each after
// the last key kept, so memory stays bounded; run again, it drops nothing.
func (m Migrator) MigrateCarrierIndex(ctx sdk.Context) error {
	idx := m.k.Bills.Indexes.Carrier
	dropped, kept := 0, 0
	var last *collections.Pair[string, string]
	for {
		var rng collections.Ranger[collections.Pair[string, string]]
		if last != nil {
			rng = new(collections.Range[collections.Pair[string, string]]).StartExclusive(*last)
		}
		batch := make([]collections.Pair[string, string], 0, historyMigrationBatch)
		err := idx.Walk(ctx, rng, func(key collections.Pair[string, string]) (bool, error) {
			batch = append(batch, key)
			return len(batch) == historyMigrationBatch, nil
		})
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		for _, key := range batch {
			listed, err := idx.Listed(ctx, key.K1(), key.K2())
			if err != nil {
				return err
			}
			if !listed {
				kept++
				continue
			}
			if err := idx.Remove(ctx, key); err != nil {
				return err
			}
			dropped++
		}
		last = &batch[len(batch)-1]
	}
	ctx.Logger().Info("x/cargo migration 2→3: carrier index keeps the bills outside their carrier's range", "dropped", dropped, "kept", kept)
	return nil
}

// MigrateStatusLayout (Migrate2to3, its first step) moves the status index
// from version 2's (status, bill id) under LegacyBillsByStatusKey (6) to
// version 3's (status, status_since, bill id) under BillsByStatusKey: each
// status's bills in the order they took it, so that the bills taking a
// status in one block are written side by side (issue 40). A bill from
// version 2 has no status_since (0): the bills already in a status come
// first in its list, in id order, as before. The counts per status are
// version 2's, unchanged. It moves the entries in batches, each read from
// the start of what is left, so memory stays bounded at a million bills;
// run again, it finds nothing to move.
func (m Migrator) MigrateStatusLayout(ctx sdk.Context) error {
	moved := 0
	for {
		batch := make([]collections.Pair[int32, string], 0, historyMigrationBatch)
		err := m.k.legacyStatus.Walk(ctx, nil, func(key collections.Pair[int32, string]) (bool, error) {
			batch = append(batch, key)
			return len(batch) == historyMigrationBatch, nil
		})
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		for _, key := range batch {
			b, err := m.k.Bills.Get(ctx, key.K2())
			switch {
			case err == nil:
				if err := m.k.Bills.Indexes.Status.Set(ctx, statusKey(key.K2(), b)); err != nil {
					return err
				}
			case !isNotFound(err):
				return err
			}
			if err := m.k.legacyStatus.Remove(ctx, key); err != nil {
				return err
			}
		}
		moved += len(batch)
	}
	ctx.Logger().Info("x/cargo migration 2→3: status index moved to (status, status_since, bill id)", "entries", moved)
	return nil
}

// MigrateHistoryLayout (Migrate2to3, its first step) moves every history
// entry from version 2's collection of its own (LegacyHistoryKey, 7) into
// its bill's key range (HistoryKey: the bills' prefix, then bill id, 0x00,
// sequence; billrange.go), so that a transaction's writes on a bill cluster
// in the IAVL tree (issue 40). Keys and entries are otherwise unchanged —
// the same (bill id, sequence), the same bytes — and so is the export.
// Entries of a REJECTED_DUPLICATE record (RejectedHistory) stay where they
// are. It moves them in batches, in key order, each batch read after the
// last key moved, so memory stays bounded at a million bills; run again, it
// finds nothing to move.
func (m Migrator) MigrateHistoryLayout(ctx sdk.Context) error {
	type entry struct {
		pk collections.Pair[string, uint64]
		e  types.HistoryEntry
	}
	moved := 0
	var last *collections.Pair[string, uint64]
	for {
		var rng collections.Ranger[collections.Pair[string, uint64]]
		if last != nil {
			rng = new(collections.Range[collections.Pair[string, uint64]]).StartExclusive(*last)
		}
		batch := make([]entry, 0, historyMigrationBatch)
		err := m.k.legacyHistory.Walk(ctx, rng, func(pk collections.Pair[string, uint64], e types.HistoryEntry) (bool, error) {
			batch = append(batch, entry{pk, e})
			return len(batch) == historyMigrationBatch, nil
		})
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		for _, b := range batch {
			if err := m.k.History.Set(ctx, b.pk, b.e); err != nil {
				return err
			}
			if err := m.k.legacyHistory.Remove(ctx, b.pk); err != nil {
				return err
			}
		}
		moved += len(batch)
		last = &batch[len(batch)-1].pk
	}
	ctx.Logger().Info("x/cargo migration 2→3: history moved into the bills' key ranges", "entries", moved)
	return nil
}

// MigrateRegistryOpenLayout (Migrate2to3, right after MigrateRegistryLayout,
// before any reservation changes status) moves the open-reservation index
// from version 2's key, (status, (kind, key)) under LegacyRegistryOpenKey,
// to version 3's, (status, (reference, (kind, key))) under RegistryOpenKey:
// by the record each key is reserved for, read from the record, so that a
// PENDING document hash is no longer placed by its hash (issue 40). An entry
// whose record is gone (no version-2 writer left one) is dropped, and
// counted in the log. Run again, it finds nothing to move.
func (m Migrator) MigrateRegistryOpenLayout(ctx sdk.Context) error {
	it, err := m.k.legacyRegistryOpen.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	old, err := it.Keys()
	if err != nil {
		return err
	}
	dropped := 0
	for _, e := range old {
		r, found, err := m.k.registryAt(ctx, e.K2())
		if err != nil {
			return err
		}
		if err := m.k.legacyRegistryOpen.Remove(ctx, e); err != nil {
			return err
		}
		if !found || int32(r.Status) != e.K1() {
			dropped++
			continue
		}
		if err := m.k.RegistryOpen.Set(ctx, openEntry(r.Status, r.Reference, e.K2())); err != nil {
			return err
		}
	}
	ctx.Logger().Info("x/cargo migration 2→3: open reservations indexed by record", "entries", len(old)-dropped, "dropped", dropped)
	return nil
}
