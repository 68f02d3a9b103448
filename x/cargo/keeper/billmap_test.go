package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	storetypes "cosmossdk.io/store/types"

	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// countingStores is a multistore whose cargo store counts the reads of each key.
type countingStores struct {
	storetypes.MultiStore
	reads map[string]int
}

func (m countingStores) GetKVStore(key storetypes.StoreKey) storetypes.KVStore {
	s := m.MultiStore.GetKVStore(key)
	if key.Name() != types.StoreKey {
		return s
	}
	return countingStore{KVStore: s, reads: m.reads}
}

type countingStore struct {
	storetypes.KVStore
	reads map[string]int
}

func (s countingStore) Get(key []byte) []byte {
	s.reads[string(key)]++
	return s.KVStore.Get(key)
}

// TestBillWriteReadsStoredBillOnce: updating a bill reads the stored bill
// once for all its indexes (holder, carrier, status, the party index), and
// removing one does too — not once per index, as collections' IndexedMap
// does (four reads and decodes of the bill for every transfer).
func TestBillWriteReadsStoredBillOnce(t *testing.T) {
	f := newFixture(t)
	id := f.issue(nil)
	b := f.bill(id)
	require.NotEmpty(t, b.Shipper, "the party index must look at the old bill too")

	reads := map[string]int{}
	ctx := f.ctx.WithMultiStore(countingStores{MultiStore: f.ctx.MultiStore(), reads: reads})
	b.Holder = f.addr(cargotestutil.Importer)
	b.Status = types.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY
	require.NoError(t, f.k.Bills.Set(ctx, id, b))
	require.Equal(t, 1, reads[string(types.BillStoreKey(id))], "reads of the stored bill for one update")

	// The indexes followed: the new holder and status list it, the old holder
	// keeps it only as held before (HolderIndex).
	for ref, want := range map[string]bool{f.addr(cargotestutil.Importer): true, f.addr(cargotestutil.Exporter): false} {
		now, err := f.k.Bills.Indexes.Holder.HoldsNow(ctx, ref, id)
		require.NoError(t, err)
		require.Equal(t, want, now, "holder index of %s", ref)
	}
	n, err := f.k.Bills.Indexes.Status.Count(ctx, int32(types.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY))
	require.NoError(t, err)
	require.Equal(t, uint64(1), n)

	clear(reads)
	require.NoError(t, f.k.Bills.Remove(ctx, id))
	require.Equal(t, 1, reads[string(types.BillStoreKey(id))], "reads of the stored bill for one removal")
	now, err := f.k.Bills.Indexes.Holder.HoldsNow(ctx, f.addr(cargotestutil.Importer), id)
	require.NoError(t, err)
	require.False(t, now)
}
