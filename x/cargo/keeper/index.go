package keeper

import (
	"context"

	"cosmossdk.io/collections"
	collcodec "cosmossdk.io/collections/codec"
)

// MultiIndex maps a reference key (holder, carrier, status...) to the primary
// keys that carry it. Unlike collections v0.4.0's indexes.Multi it can be
// paginated (it is a KeySet, so it has IterateRaw), and it writes nothing when
// an update leaves the reference key unchanged — a transfer rewrites only the
// holder index, not the carrier or status index.
type MultiIndex[R comparable, P, V any] struct {
	collections.KeySet[collections.Pair[R, P]]
	refOf func(P, V) R
	// Counts, if set, keeps how many primary keys carry each reference key
	// (NewCountedMultiIndex), so a count needs no walk of the index.
	Counts *collections.Map[R, uint64]
}

// NewMultiIndex declares a multi index under prefix.
func NewMultiIndex[R comparable, P, V any](sb *collections.SchemaBuilder, prefix collections.Prefix, name string,
	refCodec collcodec.KeyCodec[R], pkCodec collcodec.KeyCodec[P], refOf func(P, V) R,
) *MultiIndex[R, P, V] {
	return &MultiIndex[R, P, V]{
		KeySet: collections.NewKeySet(sb, prefix, name, collections.PairKeyCodec(refCodec, pkCodec)),
		refOf:  refOf,
	}
}

// NewCountedMultiIndex declares a multi index under prefix that also counts
// the primary keys of each reference key under countPrefix.
func NewCountedMultiIndex[R comparable, P, V any](sb *collections.SchemaBuilder, prefix, countPrefix collections.Prefix, name string,
	refCodec collcodec.KeyCodec[R], pkCodec collcodec.KeyCodec[P], refOf func(P, V) R,
) *MultiIndex[R, P, V] {
	m := NewMultiIndex(sb, prefix, name, refCodec, pkCodec, refOf)
	counts := collections.NewMap(sb, countPrefix, name+"_count", refCodec, collections.Uint64Value)
	m.Counts = &counts
	return m
}

// Count is how many primary keys carry ref (counted indexes only).
func (m *MultiIndex[R, P, V]) Count(ctx context.Context, ref R) (uint64, error) {
	n, err := m.Counts.Get(ctx, ref)
	if isNotFound(err) {
		return 0, nil
	}
	return n, err
}

// Reference implements collections.Index.
func (m *MultiIndex[R, P, V]) Reference(ctx context.Context, pk P, newValue V, lazyOldValue func() (V, error)) error {
	newRef := m.refOf(pk, newValue)
	old, err := lazyOldValue()
	switch {
	case err == nil:
		oldRef := m.refOf(pk, old)
		if oldRef == newRef {
			return nil
		}
		if err := m.Remove(ctx, collections.Join(oldRef, pk)); err != nil {
			return err
		}
		if err := m.addCount(ctx, oldRef, -1); err != nil {
			return err
		}
	case !isNotFound(err):
		return err
	}
	if err := m.Set(ctx, collections.Join(newRef, pk)); err != nil {
		return err
	}
	return m.addCount(ctx, newRef, 1)
}

// Unreference implements collections.Index.
func (m *MultiIndex[R, P, V]) Unreference(ctx context.Context, pk P, getValue func() (V, error)) error {
	v, err := getValue()
	if err != nil {
		return err
	}
	ref := m.refOf(pk, v)
	if err := m.Remove(ctx, collections.Join(ref, pk)); err != nil {
		return err
	}
	return m.addCount(ctx, ref, -1)
}

// addCount moves the count of ref by delta (counted indexes only; a count
// that reaches zero is removed).
func (m *MultiIndex[R, P, V]) addCount(ctx context.Context, ref R, delta int64) error {
	if m.Counts == nil {
		return nil
	}
	n, err := m.Count(ctx, ref)
	if err != nil {
		return err
	}
	if int64(n)+delta <= 0 {
		return m.Counts.Remove(ctx, ref)
	}
	return m.Counts.Set(ctx, ref, uint64(int64(n)+delta))
}

// recount rewrites the counts from the index itself (the v2 migration: a
// version-1 store has the index but no counts).
func (m *MultiIndex[R, P, V]) recount(ctx context.Context) error {
	if err := m.Counts.Clear(ctx, nil); err != nil {
		return err
	}
	// The index is ordered by reference key: count each run of equal keys,
	// then write (not while the walk's iterator is open).
	var refs []R
	var ns []uint64
	err := m.Walk(ctx, nil, func(k collections.Pair[R, P]) (bool, error) {
		if len(refs) == 0 || refs[len(refs)-1] != k.K1() {
			refs, ns = append(refs, k.K1()), append(ns, 0)
		}
		ns[len(ns)-1]++
		return false, nil
	})
	if err != nil {
		return err
	}
	for i, ref := range refs {
		if err := m.Counts.Set(ctx, ref, ns[i]); err != nil {
			return err
		}
	}
	return nil
}
