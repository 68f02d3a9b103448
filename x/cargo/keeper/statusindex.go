package keeper

import (
	"context"

	"cosmossdk.io/collections"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// StatusIndex lists the bills of each status in the order they took it:
// (status, status_since, bill id), status_since being the block height the
// bill took its status at (BillMap.Set keeps it). A status's list is oldest
// first, and the bills that take a status in a block join the end of its
// range side by side — one path of the IAVL tree written per status and
// block, not one per bill as a (status, bill id) key placed among a
// million others costs (issue 40; version 2 kept (status, bill id) under
// LegacyBillsByStatusKey). Counts keeps how many bills each status has,
// so a count needs no walk.
type StatusIndex struct {
	collections.KeySet[collections.Triple[int32, uint64, string]]
	Counts collections.Map[int32, uint64]
}

// NewStatusIndex declares the status index and its counts.
func NewStatusIndex(sb *collections.SchemaBuilder) *StatusIndex {
	return &StatusIndex{
		KeySet: collections.NewKeySet(sb, types.BillsByStatusKey, "bills_by_status",
			collections.TripleKeyCodec(collections.Int32Key, collections.Uint64Key, collections.StringKey)),
		Counts: collections.NewMap(sb, types.BillsByStatusCountKey, "bills_by_status_count", collections.Int32Key, collections.Uint64Value),
	}
}

// statusKey is the status index's key of bill b, stored under id.
func statusKey(id string, b types.Bill) collections.Triple[int32, uint64, string] {
	return collections.Join3(int32(b.Status), b.StatusSince, id)
}

// Reference implements collections.Index.
func (s *StatusIndex) Reference(ctx context.Context, id string, b types.Bill, lazyOld func() (types.Bill, error)) error {
	old, err := lazyOld()
	switch {
	case err == nil:
		if old.Status == b.Status && old.StatusSince == b.StatusSince {
			return nil
		}
		if err := s.Remove(ctx, statusKey(id, old)); err != nil {
			return err
		}
		if err := s.addCount(ctx, old.Status, -1); err != nil {
			return err
		}
	case !isNotFound(err):
		return err
	}
	if err := s.Set(ctx, statusKey(id, b)); err != nil {
		return err
	}
	return s.addCount(ctx, b.Status, 1)
}

// Unreference implements collections.Index.
func (s *StatusIndex) Unreference(ctx context.Context, id string, get func() (types.Bill, error)) error {
	b, err := get()
	if err != nil {
		return err
	}
	if err := s.Remove(ctx, statusKey(id, b)); err != nil {
		return err
	}
	return s.addCount(ctx, b.Status, -1)
}

// Count is how many bills have status.
func (s *StatusIndex) Count(ctx context.Context, status int32) (uint64, error) {
	n, err := s.Counts.Get(ctx, status)
	if isNotFound(err) {
		return 0, nil
	}
	return n, err
}

// addCount moves the count of status by delta (a count that reaches zero
// is removed).
func (s *StatusIndex) addCount(ctx context.Context, status types.BillStatus, delta int64) error {
	n, err := s.Count(ctx, int32(status))
	if err != nil {
		return err
	}
	if int64(n)+delta <= 0 {
		return s.Counts.Remove(ctx, int32(status))
	}
	return s.Counts.Set(ctx, int32(status), uint64(int64(n)+delta))
}
