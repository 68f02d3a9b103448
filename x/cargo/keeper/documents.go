package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// The store layout of an issuance (issue 40): with IAVL, every insert at a
// key placed by a hash copies a path of the tree no other insert shares,
// while keys that follow one another (a bill id, a sequence, a carrier's
// references) land where the previous insert wrote. An issuance writes one
// record placed by the document hash — Documents[hash], which is both the
// bill's anchor of its transport document and the corridor registry's
// record of the hash (its registry part) — and keeps the registry's record
// of the bill's identity under the carrier code and folded reference
// (types.BillIdentity), not under the identity's hash. Everything else it
// writes is keyed by bill id.

// BillDocuments is the view of Documents[hash] as the bills' transport
// document anchors: a record whose anchor part is empty (anchored_by unset: the
// registry knows the hash, no bill here is anchored on it) reads as absent,
// and writing or removing an anchor keeps the record's registry part.
type BillDocuments struct {
	records collections.Map[string, types.Document]
}

// Get returns the bill's anchor of hash (collections.ErrNotFound if none).
func (d BillDocuments) Get(ctx context.Context, hash string) (types.Document, error) {
	r, err := d.records.Get(ctx, hash)
	if err != nil {
		return types.Document{}, err
	}
	if r.AnchoredBy == "" {
		return types.Document{}, errorsmod.Wrapf(collections.ErrNotFound, "no bill's anchor of %s", hash)
	}
	r.Registry = nil
	return r, nil
}

// Has says whether a bill on this zone is anchored on hash.
func (d BillDocuments) Has(ctx context.Context, hash string) (bool, error) {
	_, err := d.Get(ctx, hash)
	if isNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// Set writes the bill's anchor of hash, keeping the registry's part.
func (d BillDocuments) Set(ctx context.Context, hash string, anchor types.Document) error {
	r, err := d.records.Get(ctx, hash)
	if err != nil && !isNotFound(err) {
		return err
	}
	anchor.Registry = r.Registry
	return d.records.Set(ctx, hash, anchor)
}

// Remove removes the bill's anchor of hash, keeping the registry's part.
func (d BillDocuments) Remove(ctx context.Context, hash string) error {
	r, err := d.records.Get(ctx, hash)
	switch {
	case isNotFound(err):
		return nil
	case err != nil:
		return err
	case r.Registry == nil:
		return d.records.Remove(ctx, hash)
	}
	return d.records.Set(ctx, hash, types.Document{Registry: r.Registry})
}

// Walk calls fn for each bill's anchor in hash order until fn returns true.
func (d BillDocuments) Walk(ctx context.Context, rng collections.Ranger[string], fn func(hash string, anchor types.Document) (bool, error)) error {
	return d.records.Walk(ctx, rng, func(hash string, r types.Document) (bool, error) {
		if r.AnchoredBy == "" {
			return false, nil
		}
		r.Registry = nil
		return fn(hash, r)
	})
}

// All returns every bill's anchor in hash order.
func (d BillDocuments) All(ctx context.Context) ([]types.Document, error) {
	var out []types.Document
	err := d.Walk(ctx, nil, func(_ string, a types.Document) (bool, error) {
		out = append(out, a)
		return false, nil
	})
	return out, err
}

// registryLoc is where this zone keeps its record of a registry key — the
// key of RegistryKeys (INVOICE, BILL) and of the open-reservation index (all
// kinds): (kind, key) for a document hash (its record is Documents[hash]'s
// registry part) or an invoice, (BILL, identity) for a bill's identity.
// reference is the record that reserves or holds the key: for a BILL key,
// the bill it is the identity of (anything else is refused).
func registryLoc(kind types.KeyKind, key, reference string) (collections.Pair[int32, string], error) {
	if kind != types.KEY_KIND_BILL {
		return collections.Join(int32(kind), key), nil
	}
	identity, err := types.CheckBillKey(key, reference)
	return collections.Join(int32(kind), identity), err
}

// locOf is the registryLoc of a record this zone keeps (its reference is
// the bill of a BILL key: every writer checks that).
func locOf(r types.RegistryKey) (collections.Pair[int32, string], error) {
	return registryLoc(r.Kind, r.Key, r.Reference)
}

// registryAt returns this zone's record at loc, if any.
func (k Keeper) registryAt(ctx context.Context, loc collections.Pair[int32, string]) (types.RegistryKey, bool, error) {
	if types.KeyKind(loc.K1()) == types.KEY_KIND_TRANSPORT_DOCUMENT {
		d, err := k.DocumentRecords.Get(ctx, loc.K2())
		if isNotFound(err) || (err == nil && d.Registry == nil) {
			return types.RegistryKey{}, false, nil
		} else if err != nil {
			return types.RegistryKey{}, false, err
		}
		r := *d.Registry
		r.Kind, r.Key = types.KEY_KIND_TRANSPORT_DOCUMENT, loc.K2()
		return r, true, nil
	}
	r, err := k.RegistryKeys.Get(ctx, loc)
	if isNotFound(err) {
		return r, false, nil
	}
	return r, err == nil, err
}

// storeRegistryKey writes r where it is kept (no index change).
func (k Keeper) storeRegistryKey(ctx context.Context, loc collections.Pair[int32, string], r types.RegistryKey) error {
	if r.Kind != types.KEY_KIND_TRANSPORT_DOCUMENT {
		return k.RegistryKeys.Set(ctx, loc, r)
	}
	d, err := k.DocumentRecords.Get(ctx, r.Key)
	if err != nil && !isNotFound(err) {
		return err
	}
	part := r
	part.Kind, part.Key = types.KEY_KIND_UNSPECIFIED, "" // implied by where it is
	d.Registry = &part
	return k.DocumentRecords.Set(ctx, r.Key, d)
}

// deleteRegistryKey removes this zone's record at loc (no index change).
func (k Keeper) deleteRegistryKey(ctx context.Context, loc collections.Pair[int32, string]) error {
	if types.KeyKind(loc.K1()) != types.KEY_KIND_TRANSPORT_DOCUMENT {
		return k.RegistryKeys.Remove(ctx, loc)
	}
	d, err := k.DocumentRecords.Get(ctx, loc.K2())
	switch {
	case isNotFound(err):
		return nil
	case err != nil:
		return err
	case d.AnchoredBy == "":
		return k.DocumentRecords.Remove(ctx, loc.K2())
	}
	d.Registry = nil
	return k.DocumentRecords.Set(ctx, loc.K2(), d)
}

// WalkRegistry calls fn for every record of this zone's registry — the
// document hashes' (in Documents), then invoices' and bills' identities (in
// RegistryKeys) — with where it is kept, until fn returns true.
func (k Keeper) WalkRegistry(ctx context.Context, fn func(loc collections.Pair[int32, string], r types.RegistryKey) (bool, error)) error {
	stop := false
	err := k.DocumentRecords.Walk(ctx, nil, func(hash string, d types.Document) (bool, error) {
		if d.Registry == nil {
			return false, nil
		}
		r := *d.Registry
		r.Kind, r.Key = types.KEY_KIND_TRANSPORT_DOCUMENT, hash
		var err error
		stop, err = fn(collections.Join(int32(types.KEY_KIND_TRANSPORT_DOCUMENT), hash), r)
		return stop, err
	})
	if err != nil || stop {
		return err
	}
	return k.RegistryKeys.Walk(ctx, nil, fn)
}

// GetBillIdentityKey returns this zone's record of bill billID's identity
// key (BILL), if any.
func (k Keeper) GetBillIdentityKey(ctx context.Context, billID string) (types.RegistryKey, bool, error) {
	return k.registryAt(ctx, collections.Join(int32(types.KEY_KIND_BILL), types.BillIdentityOf(billID)))
}
