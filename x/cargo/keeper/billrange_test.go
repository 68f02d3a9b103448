package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// threeBills issues three bills and transfers the first twice, so that the
// bills' key range holds bills and history entries interleaved.
func threeBills(f *fixture) []string {
	exp, imp, bank := f.addr(cargotestutil.Exporter), f.addr(cargotestutil.Importer), f.addr(cargotestutil.Bank)
	ids := []string{f.issue(func(m *types.MsgIssueBill) { m.Mode = types.BILL_MODE_BLANK })}
	for i, ref := range []string{"RANGE2", "RANGE3"} {
		ids = append(ids, f.issue(func(m *types.MsgIssueBill) {
			m.TransportDocumentReference, m.DocumentHash = ref, hashN(i+1)
		}))
	}
	_, err := f.srv.TransferBill(f.ctx, &types.MsgTransferBill{Holder: exp, BillId: ids[0], To: imp})
	require.NoError(f.t, err)
	_, err = f.srv.TransferBill(f.ctx, &types.MsgTransferBill{Holder: imp, BillId: ids[0], To: bank})
	require.NoError(f.t, err)
	return ids
}

// TestBillKeyRange: a bill's history entries are kept in the bill's own key
// range (right after the bill, under the bills' prefix), and each
// collection still sees only its own records — walks, iterations in both
// directions, pages of bills and a bill's history.
func TestBillKeyRange(t *testing.T) {
	f := newFixture(t)
	ids := threeBills(f)
	store := f.ctx.KVStore(f.chain.App.GetKey(types.StoreKey))

	// The raw range: each bill, then its entries; nothing left under the
	// prefix version 2 kept the history under.
	var got []string
	it := storetypes.KVStorePrefixIterator(store, types.BillsKey)
	for ; it.Valid(); it.Next() {
		got = append(got, string(it.Key()))
	}
	require.NoError(t, it.Close())
	var want []string
	for _, id := range ids {
		want = append(want, string(types.BillStoreKey(id)))
		b := f.bill(id)
		for s := uint64(1); s <= b.HistoryLen; s++ {
			want = append(want, string(types.HistoryStoreKey(id, s)))
		}
	}
	require.Equal(t, want, got, "the bills' key range: each bill followed by its history")
	require.Equal(t, uint64(3), f.bill(ids[0]).HistoryLen)
	lit := storetypes.KVStorePrefixIterator(store, types.LegacyHistoryKey)
	require.False(t, lit.Valid(), "nothing under version 2's history prefix")
	require.NoError(t, lit.Close())

	// Bills: walk, iterate both ways, page.
	var walked []string
	require.NoError(t, f.k.Bills.Walk(f.ctx, nil, func(id string, b types.Bill) (bool, error) {
		require.Equal(t, id, b.Id)
		walked = append(walked, id)
		return false, nil
	}))
	require.Equal(t, ids, walked)
	rit, err := f.k.Bills.Iterate(f.ctx, new(collections.Range[string]).Descending())
	require.NoError(t, err)
	rev, err := rit.Keys()
	require.NoError(t, err)
	require.Equal(t, []string{ids[2], ids[1], ids[0]}, rev)
	q := keeper.NewQueryServerImpl(f.k)
	var paged []string
	var next []byte
	for {
		res, err := q.Bills(f.ctx, &types.QueryBillsRequest{Pagination: &query.PageRequest{Key: next, Limit: 1, CountTotal: next == nil}})
		require.NoError(t, err)
		require.Len(t, res.Bills, 1)
		if next == nil {
			require.Equal(t, uint64(3), res.Pagination.Total, "the total counts bills, not their history entries")
		}
		paged = append(paged, res.Bills[0].Id)
		if next = res.Pagination.NextKey; next == nil {
			break
		}
	}
	require.Equal(t, ids, paged)

	// History: every entry of every bill, in (bill id, sequence) order, and
	// a bill's own history by page.
	var entries []collections.Pair[string, uint64]
	require.NoError(t, f.k.History.Walk(f.ctx, nil, func(pk collections.Pair[string, uint64], e types.HistoryEntry) (bool, error) {
		require.Equal(t, pk.K1(), e.BillId)
		require.Equal(t, pk.K2(), e.Sequence)
		entries = append(entries, pk)
		return false, nil
	}))
	require.Equal(t, []collections.Pair[string, uint64]{
		collections.Join(ids[0], uint64(1)), collections.Join(ids[0], uint64(2)), collections.Join(ids[0], uint64(3)),
		collections.Join(ids[1], uint64(1)), collections.Join(ids[2], uint64(1)),
	}, entries)
	hist, err := q.BillHistory(f.ctx, &types.QueryBillHistoryRequest{Id: ids[0], Pagination: &query.PageRequest{Limit: 2, CountTotal: true}})
	require.NoError(t, err)
	require.Len(t, hist.Entries, 2)
	require.Equal(t, uint64(3), hist.Pagination.Total)
	hist, err = q.BillHistory(f.ctx, &types.QueryBillHistoryRequest{Id: ids[0], Pagination: &query.PageRequest{Key: hist.Pagination.NextKey}})
	require.NoError(t, err)
	require.Len(t, hist.Entries, 1)
	require.Equal(t, uint64(3), hist.Entries[0].Sequence)
	require.Nil(t, hist.Pagination.NextKey, "a bill's history ends before the next bill")
}

// TestMigrateHistoryLayout: version 2 kept the history under a prefix of
// its own (7); the 2→3 migration moves every entry into its bill's key
// range, byte for byte, in batches, and the export is unchanged. A second
// run moves nothing.
func TestMigrateHistoryLayout(t *testing.T) {
	f := newFixture(t)
	ids := threeBills(f)
	store := f.ctx.KVStore(f.chain.App.GetKey(types.StoreKey))
	before, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Len(t, before.History, 5)

	// Lay the store out as version 2 did: every history entry under
	// LegacyHistoryKey, (bill id, sequence).
	raw := map[string][]byte{}
	for _, e := range before.History {
		k := types.HistoryStoreKey(e.BillId, e.Sequence)
		v := store.Get(k)
		require.NotNil(t, v)
		legacy := append(types.LegacyHistoryKey.Bytes(), k[len(types.HistoryKey):]...)
		store.Set(legacy, v)
		store.Delete(k)
		raw[string(k)] = v
	}
	empty, err := f.k.History.Iterate(f.ctx, nil)
	require.NoError(t, err)
	require.False(t, empty.Valid(), "the history is under the old prefix only")
	require.NoError(t, empty.Close())

	defer keeper.SetHistoryMigrationBatch(2)() // three batches of 2, 2 and 1
	m := keeper.NewMigrator(f.k)
	require.NoError(t, m.MigrateHistoryLayout(f.ctx))

	for k, v := range raw {
		require.Equal(t, v, store.Get([]byte(k)), "entry %x moved byte for byte", k)
	}
	lit := storetypes.KVStorePrefixIterator(store, types.LegacyHistoryKey)
	require.False(t, lit.Valid(), "nothing left under version 2's history prefix")
	require.NoError(t, lit.Close())
	after, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Equal(t, before, after)
	for _, id := range ids {
		b := f.bill(id)
		res, err := keeper.NewQueryServerImpl(f.k).BillHistory(f.ctx, &types.QueryBillHistoryRequest{Id: id})
		require.NoError(t, err)
		require.Len(t, res.Entries, int(b.HistoryLen))
	}

	require.NoError(t, m.MigrateHistoryLayout(f.ctx))
	again, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Equal(t, before, again)
}
