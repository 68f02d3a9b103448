package keeper

import (
	"context"

	"cosmossdk.io/collections"
	collcodec "cosmossdk.io/collections/codec"
)

// MultiIndex maps a reference key (holder, carrier...) to the primary keys
// that carry it. Unlike collections v0.4.0's indexes.Multi it can be
// paginated (it is a KeySet, so it has IterateRaw), and it writes nothing when
// an update leaves the reference key unchanged — a transfer rewrites only the
// holder index, not the carrier or status index.
type MultiIndex[R comparable, P, V any] struct {
	collections.KeySet[collections.Pair[R, P]]
	refOf func(P, V) R
}

// NewMultiIndex declares a multi index under prefix; refOf gives a value's
// reference key.
func NewMultiIndex[R comparable, P, V any](sb *collections.SchemaBuilder, prefix collections.Prefix, name string,
	refCodec collcodec.KeyCodec[R], pkCodec collcodec.KeyCodec[P], refOf func(P, V) R,
) *MultiIndex[R, P, V] {
	return &MultiIndex[R, P, V]{
		KeySet: collections.NewKeySet(sb, prefix, name, collections.PairKeyCodec(refCodec, pkCodec)),
		refOf:  refOf,
	}
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
	case !isNotFound(err):
		return err
	}
	return m.Set(ctx, collections.Join(newRef, pk))
}

// Unreference implements collections.Index.
func (m *MultiIndex[R, P, V]) Unreference(ctx context.Context, pk P, getValue func() (V, error)) error {
	v, err := getValue()
	if err != nil {
		return err
	}
	return m.Remove(ctx, collections.Join(m.refOf(pk, v), pk))
}
