package keeper

import (
	"context"

	"cosmossdk.io/collections"
	collcodec "cosmossdk.io/collections/codec"
	"cosmossdk.io/core/store"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// BillMap is the bills by id with their secondary indexes (BillIndexes): the
// layout and the index contract of collections' IndexedMap — the same keys
// and values under the same prefixes — but a write reads the stored bill once
// for all its indexes. collections v0.4.0's IndexedMap gives each index its
// own lazy read of the old value, so every update of a bill read and decoded
// the stored bill once per index that looks at it: four reads (each charged
// gas) and four decodes of a ~350-byte record for one TransferBill, which
// already had the bill in hand.
//
// The bills share their key range with their history entries (billrange.go):
// Iterate, Walk and IterateRaw go through a view of the store that leaves
// the history entries out, so every walk and page of bills sees bills only.
type BillMap struct {
	collections.Map[string, types.Bill]
	Indexes BillIndexes
	// bills is the same collection read through billsOnly, for iterating.
	bills collections.Map[string, types.Bill]
}

// NewBillMap declares the bills under types.BillsKey with their indexes;
// open is the store sb was built on.
func NewBillMap(sb *collections.SchemaBuilder, open func(context.Context) store.KVStore, value collcodec.ValueCodec[types.Bill], idx BillIndexes) *BillMap {
	view := collections.NewSchemaBuilderFromAccessor(billsOnly(open))
	m := &BillMap{
		Map:     collections.NewMap(sb, types.BillsKey, "bills", collections.StringKey, value),
		Indexes: idx,
		bills:   collections.NewMap(view, types.BillsKey, "bills", collections.StringKey, value),
	}
	if _, err := view.Build(); err != nil {
		panic(err)
	}
	return m
}

// Iterate iterates the bills in ranger's range (their history entries left
// out).
func (m *BillMap) Iterate(ctx context.Context, ranger collections.Ranger[string]) (collections.Iterator[string, types.Bill], error) {
	return m.bills.Iterate(ctx, ranger)
}

// Walk walks the bills in ranger's range (their history entries left out).
func (m *BillMap) Walk(ctx context.Context, ranger collections.Ranger[string], walkFunc func(id string, b types.Bill) (stop bool, err error)) error {
	return m.bills.Walk(ctx, ranger, walkFunc)
}

// IterateRaw iterates the bills between raw keys (their history entries
// left out); query.CollectionPaginate pages with it.
func (m *BillMap) IterateRaw(ctx context.Context, start, end []byte, order collections.Order) (collections.Iterator[string, types.Bill], error) {
	return m.bills.IterateRaw(ctx, start, end, order)
}

// Clear deletes the bills in ranger's range, as collections' Map.Clear does
// (their indexes untouched: Remove keeps them), and leaves their history
// entries where they are.
func (m *BillMap) Clear(ctx context.Context, ranger collections.Ranger[string]) error {
	return m.bills.Clear(ctx, ranger)
}

// Set stores b under id and brings every index up to date. It keeps the
// bill's status_since: the stored bill's while the status stays, the block
// height when the status changes or the bill is new to the store.
func (m *BillMap) Set(ctx context.Context, id string, b types.Bill) error {
	return m.set(ctx, id, b, true)
}

// Import stores b under id as it is, status_since included, and brings every
// index up to date: a genesis import.
func (m *BillMap) Import(ctx context.Context, id string, b types.Bill) error {
	return m.set(ctx, id, b, false)
}

func (m *BillMap) set(ctx context.Context, id string, b types.Bill, stamp bool) error {
	old := m.storedOnce(ctx, id)
	if stamp {
		prev, err := old()
		switch {
		case err == nil && prev.Status == b.Status:
			b.StatusSince = prev.StatusSince
		case err == nil || isNotFound(err):
			b.StatusSince = uint64(sdk.UnwrapSDKContext(ctx).BlockHeight())
		default:
			return err
		}
	}
	for _, idx := range m.Indexes.IndexesList() {
		if err := idx.Reference(ctx, id, b, old); err != nil {
			return err
		}
	}
	return m.Map.Set(ctx, id, b)
}

// Remove deletes the bill id and its index entries.
func (m *BillMap) Remove(ctx context.Context, id string) error {
	old := m.storedOnce(ctx, id)
	for _, idx := range m.Indexes.IndexesList() {
		if err := idx.Unreference(ctx, id, old); err != nil {
			return err
		}
	}
	return m.Map.Remove(ctx, id)
}

// storedOnce returns the lazy read of the stored bill id that every index
// of one write shares: read and decoded at most once, when an index first
// asks for it.
func (m *BillMap) storedOnce(ctx context.Context, id string) func() (types.Bill, error) {
	var (
		b    types.Bill
		err  error
		read bool
	)
	return func() (types.Bill, error) {
		if !read {
			b, err = m.Map.Get(ctx, id)
			read = true
		}
		return b, err
	}
}
