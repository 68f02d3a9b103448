package keeper

import (
	"context"

	"cosmossdk.io/collections"
	collcodec "cosmossdk.io/collections/codec"

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
type BillMap struct {
	collections.Map[string, types.Bill]
	Indexes BillIndexes
}

// NewBillMap declares the bills under types.BillsKey with their indexes.
func NewBillMap(sb *collections.SchemaBuilder, value collcodec.ValueCodec[types.Bill], idx BillIndexes) *BillMap {
	return &BillMap{
		Map:     collections.NewMap(sb, types.BillsKey, "bills", collections.StringKey, value),
		Indexes: idx,
	}
}

// Set stores b under id and brings every index up to date.
func (m *BillMap) Set(ctx context.Context, id string, b types.Bill) error {
	old := m.storedOnce(ctx, id)
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
