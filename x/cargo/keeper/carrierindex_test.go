package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// billPages pages the bills filter selects through the Bills query with
// req's options, following next_key, and returns the ids in the order given
// and the first page's total.
func (f *fixture) billPages(filter types.QueryBillsRequest, req query.PageRequest) (ids []string, total uint64) {
	f.t.Helper()
	for first := true; ; first = false {
		r, q := req, filter
		q.Pagination = &r
		res, err := keeper.NewQueryServerImpl(f.k).Bills(f.ctx, &q)
		require.NoError(f.t, err)
		if first {
			total = res.Pagination.Total
		}
		for _, b := range res.Bills {
			ids = append(ids, b.Id)
		}
		if res.Pagination.NextKey == nil {
			return ids, total
		}
		req.Key, req.Offset, req.CountTotal = res.Pagination.NextKey, 0, false
	}
}

// carrierPages pages carrier's bills (billPages).
func (f *fixture) carrierPages(carrier string, req query.PageRequest) ([]string, uint64) {
	return f.billPages(types.QueryBillsRequest{Carrier: carrier}, req)
}

// indexesHold checks the bill indexes' invariant alone (the bills arrive()
// stores have no documents of their own).
func (f *fixture) indexesHold() {
	f.t.Helper()
	msg, broken := keeper.BillIndexesInvariant(f.k)(f.ctx)
	require.False(f.t, broken, msg)
}

// arrive stores a copy of bill from under id with carrier, as a bill that
// arrived from another zone is stored.
func (f *fixture) arrive(from, id, carrier string) {
	f.t.Helper()
	b := f.bill(from)
	b.Id, b.Carrier, b.Replaces, b.ReplacedBy = id, carrier, nil, nil
	require.NoError(f.t, f.k.Bills.Set(f.ctx, id, b))
}

// TestCarrierBills: a carrier's bills are listed from the bills' own range
// under its party code — an issuance writes no carrier index entry — and,
// after them, from the carrier index, which holds the bills outside that
// range only: one that arrived with an id under another code, and one of a
// carrier not registered here. Paging by key, by offset, with a total and in
// reverse lists each once, in order; a bill of another carrier under the
// code is not listed; the track record agrees; the invariant notices a
// missing entry and allows a redundant one; the party's code is fixed once
// bills are numbered under it; the v3 migration drops the redundant entries.
func TestCarrierBills(t *testing.T) {
	f := newFixture(t)
	carrier := f.addr(cargotestutil.Carrier)
	stranger := sdk.AccAddress([]byte("carrier-not-a-party")).String()
	issue := func(ref string, n int) string {
		return f.issue(func(m *types.MsgIssueBill) { m.TransportDocumentReference, m.DocumentHash = ref, hashN(n) })
	}
	a, b, c := issue("A1", 1), issue("B1", 2), issue("C1", 3)
	require.Equal(t, "COS-A1", a)
	for _, id := range []string{a, b, c} {
		has, err := f.k.Bills.Indexes.Carrier.Has(f.ctx, collections.Join(carrier, id))
		require.NoError(t, err)
		require.False(t, has, "no carrier index entry for %s: its carrier's range lists it", id)
	}
	f.arrive(a, "EVG-X1", carrier)  // issued where this carrier's code is EVG
	f.arrive(a, "MSK-Y1", stranger) // a carrier that is no party here
	f.arrive(a, "COS-Z9", stranger) // under COS, but not COS's
	for key, want := range map[collections.Pair[string, string]]bool{
		collections.Join(carrier, "EVG-X1"): true, collections.Join(stranger, "MSK-Y1"): true, collections.Join(stranger, "COS-Z9"): true,
	} {
		has, err := f.k.Bills.Indexes.Carrier.Has(f.ctx, key)
		require.NoError(t, err)
		require.Equal(t, want, has, "%v", key)
	}
	f.indexesHold()

	all := []string{a, b, c, "EVG-X1"}
	reversed := []string{"EVG-X1", c, b, a}
	for name, tc := range map[string]struct {
		req       query.PageRequest
		want      []string
		wantTotal uint64
	}{
		"pages of one":       {query.PageRequest{Limit: 1}, all, 0},
		"pages of two":       {query.PageRequest{Limit: 2, CountTotal: true}, all, 4},
		"one page":           {query.PageRequest{CountTotal: true}, all, 4},
		"offset into part 2": {query.PageRequest{Offset: 3, Limit: 5}, all[3:], 0},
		"offset in part 1":   {query.PageRequest{Offset: 1, Limit: 2, CountTotal: true}, all[1:], 4},
		"reverse":            {query.PageRequest{Limit: 3, Reverse: true}, reversed, 0},
		"reverse, offset":    {query.PageRequest{Offset: 1, Limit: 1, Reverse: true}, reversed[1:], 0},
	} {
		ids, total := f.carrierPages(carrier, tc.req)
		require.Equal(t, tc.want, ids, name)
		require.Equal(t, tc.wantTotal, total, name)
	}
	ids, _ := f.carrierPages(stranger, query.PageRequest{Limit: 1})
	require.Equal(t, []string{"COS-Z9", "MSK-Y1"}, ids)
	require.Equal(t, all, f.trackRecord(carrier)["bills_issued_as_carrier"])
	_, err := keeper.NewQueryServerImpl(f.k).Bills(f.ctx, &types.QueryBillsRequest{Carrier: carrier, Pagination: &query.PageRequest{Key: []byte{9, 'x'}}})
	require.ErrorContains(t, err, "invalid page key")

	// The invariant: a missing entry is found, a redundant one (a bill its
	// carrier's range lists) is allowed and listed once.
	require.NoError(t, f.k.Bills.Indexes.Carrier.Remove(f.ctx, collections.Join(carrier, "EVG-X1")))
	msg, broken := keeper.BillIndexesInvariant(f.k)(f.ctx)
	require.True(t, broken)
	require.Contains(t, msg, "bill EVG-X1 missing from the carrier index")
	require.NoError(t, f.k.Bills.Indexes.Carrier.Set(f.ctx, collections.Join(carrier, "EVG-X1")))
	require.NoError(t, f.k.Bills.Indexes.Carrier.Set(f.ctx, collections.Join(carrier, b)))
	f.indexesHold()
	ids, _ = f.carrierPages(carrier, query.PageRequest{Limit: 2})
	require.Equal(t, all, ids)
	require.NoError(t, f.k.Bills.Indexes.Carrier.Set(f.ctx, collections.Join(carrier, "MSK-Y1")))
	msg, broken = keeper.BillIndexesInvariant(f.k)(f.ctx)
	require.True(t, broken)
	require.Contains(t, msg, "the carrier index lists bill MSK-Y1 under "+carrier+": its carrier is "+stranger)
	require.NoError(t, f.k.Bills.Indexes.Carrier.Remove(f.ctx, collections.Join(carrier, "MSK-Y1")))

	// The code is fixed once bills are numbered under it; a carrier with
	// none may change it.
	p, err := f.k.GetParty(f.ctx, carrier)
	require.NoError(t, err)
	p.Code = "COSX"
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.UpdateParty(ctx, &types.MsgUpdateParty{Authority: f.addr(cargotestutil.Admin), Party: p})
		return err
	}, types.ErrPartyCodeFixed)
	p2, err := f.k.GetParty(f.ctx, f.addr(cargotestutil.Carrier2))
	require.NoError(t, err)
	p2.Code = "MSCU"
	_, err = f.srv.UpdateParty(f.ctx, &types.MsgUpdateParty{Authority: f.addr(cargotestutil.Admin), Party: p2})
	require.NoError(t, err)

	// The v3 migration drops the redundant entry and keeps the others.
	defer keeper.SetHistoryMigrationBatch(1)()
	require.NoError(t, keeper.NewMigrator(f.k).MigrateCarrierIndex(f.ctx))
	var left []collections.Pair[string, string]
	require.NoError(t, f.k.Bills.Indexes.Carrier.Walk(f.ctx, nil, func(k collections.Pair[string, string]) (bool, error) {
		left = append(left, k)
		return false, nil
	}))
	require.ElementsMatch(t, []collections.Pair[string, string]{
		collections.Join(carrier, "EVG-X1"), collections.Join(stranger, "COS-Z9"), collections.Join(stranger, "MSK-Y1"),
	}, left)
	f.indexesHold()
}
