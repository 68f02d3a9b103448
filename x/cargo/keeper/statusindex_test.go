package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// listByStatus pages every bill of status through the Bills query, two at a
// time, and returns their ids in the order given.
func (f *fixture) listByStatus(status types.BillStatus) []string {
	f.t.Helper()
	ids, _ := f.billPages(types.QueryBillsRequest{Status: status}, query.PageRequest{Limit: 2})
	return ids
}

// at moves the fixture to block height h.
func (f *fixture) at(h int64) { f.ctx = f.ctx.WithBlockHeight(h) }

// TestStatusIndexOrder: a status lists its bills in the order they took it
// (status_since, the block height), not by id; a transfer keeps a bill's
// place, a change of status moves it to the end of the new status's list,
// and the index and counts follow (invariants).
func TestStatusIndexOrder(t *testing.T) {
	f := newFixture(t)
	exporter, importer := f.addr(cargotestutil.Exporter), f.addr(cargotestutil.Importer)
	issueAt := func(h int64, ref string, n int) string {
		f.at(h)
		return f.issue(func(m *types.MsgIssueBill) {
			m.TransportDocumentReference, m.DocumentHash, m.Mode = ref, hashN(n), types.BILL_MODE_BLANK
		})
	}
	z := issueAt(100, "ZZZ1", 1)
	a := issueAt(101, "AAA1", 2)
	m := issueAt(101, "MMM1", 3)
	require.Equal(t, uint64(100), f.bill(z).StatusSince)
	require.Equal(t, uint64(101), f.bill(a).StatusSince)
	require.Equal(t, []string{z, a, m}, f.listByStatus(types.BILL_STATUS_ISSUED), "oldest first; one block's bills by id")

	// A transfer keeps the status and the bill's place.
	f.at(102)
	_, err := f.srv.TransferBill(f.ctx, &types.MsgTransferBill{Holder: exporter, BillId: z, To: importer})
	require.NoError(t, err)
	require.Equal(t, types.BILL_STATUS_ISSUED, f.bill(z).Status)
	require.Equal(t, uint64(100), f.bill(z).StatusSince)
	require.Equal(t, []string{z, a, m}, f.listByStatus(types.BILL_STATUS_ISSUED))

	// A surrender request moves the bill to its new status at this height.
	f.at(103)
	_, err = f.srv.RequestSurrender(f.ctx, &types.MsgRequestSurrender{Holder: exporter, BillId: m, Purpose: types.SURRENDER_PURPOSE_DELIVERY})
	require.NoError(t, err)
	got := f.bill(m)
	require.Equal(t, types.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY, got.Status)
	require.Equal(t, uint64(103), got.StatusSince)
	require.Equal(t, []string{z, a}, f.listByStatus(types.BILL_STATUS_ISSUED))
	require.Equal(t, []string{m}, f.listByStatus(types.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY))
	has, err := f.k.Bills.Indexes.Status.Has(f.ctx, collections.Join3(int32(types.BILL_STATUS_ISSUED), uint64(101), m))
	require.NoError(t, err)
	require.False(t, has, "the old entry is gone")
	for status, want := range map[types.BillStatus]uint64{types.BILL_STATUS_ISSUED: 2, types.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY: 1} {
		n, err := f.k.Bills.Indexes.Status.Count(f.ctx, int32(status))
		require.NoError(t, err)
		require.Equal(t, want, n, status.String())
	}
	f.invariants()

	// The invariant notices an entry out of step with the bill.
	require.NoError(t, f.k.Bills.Indexes.Status.Remove(f.ctx, collections.Join3(int32(types.BILL_STATUS_ISSUED), uint64(100), z)))
	require.NoError(t, f.k.Bills.Indexes.Status.Set(f.ctx, collections.Join3(int32(types.BILL_STATUS_ISSUED), uint64(0), z)))
	msg, broken := keeper.BillIndexesInvariant(f.k)(f.ctx)
	require.True(t, broken)
	require.Contains(t, msg, "bill "+z+" missing from the status index")
}

// TestMigrateStatusLayout: the v3 step that moves the status index from
// version 2's (status, bill id) to (status, status_since, bill id). On a
// store laid out as version 2 left it — bills without status_since, their
// entries under the old prefix — it moves every entry (in batches), leaves
// the counts, and the bills keep their statuses in id order ahead of any
// bill that takes the status later; run again, it moves nothing.
func TestMigrateStatusLayout(t *testing.T) {
	f := newFixture(t)
	f.at(50)
	ids := []string{
		f.issue(func(m *types.MsgIssueBill) { m.TransportDocumentReference, m.DocumentHash = "MMM2", hashN(1) }),
		f.issue(func(m *types.MsgIssueBill) { m.TransportDocumentReference, m.DocumentHash = "BBB2", hashN(2) }),
		f.issue(func(m *types.MsgIssueBill) { m.TransportDocumentReference, m.DocumentHash = "ZZZ2", hashN(3) }),
	}
	_, err := f.srv.RequestSurrender(f.ctx, &types.MsgRequestSurrender{Holder: f.addr(cargotestutil.Exporter), BillId: ids[2], Purpose: types.SURRENDER_PURPOSE_DELIVERY})
	require.NoError(t, err)

	// Lay the store out as version 2 did.
	for _, id := range ids {
		b := f.bill(id)
		require.NoError(t, f.k.Bills.Indexes.Status.Remove(f.ctx, collections.Join3(int32(b.Status), b.StatusSince, id)))
		require.NoError(t, f.k.LegacyStatus().Set(f.ctx, collections.Join(int32(b.Status), id)))
		b.StatusSince = 0
		require.NoError(t, f.k.Bills.Map.Set(f.ctx, id, b)) // the record alone, as version 2 stored it
	}
	counts := func() map[types.BillStatus]uint64 {
		out := map[types.BillStatus]uint64{}
		for _, s := range []types.BillStatus{types.BILL_STATUS_ISSUED, types.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY} {
			n, err := f.k.Bills.Indexes.Status.Count(f.ctx, int32(s))
			require.NoError(t, err)
			out[s] = n
		}
		return out
	}
	before := counts()
	require.Equal(t, map[types.BillStatus]uint64{types.BILL_STATUS_ISSUED: 2, types.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY: 1}, before)

	defer keeper.SetHistoryMigrationBatch(2)()
	require.NoError(t, keeper.NewMigrator(f.k).MigrateStatusLayout(f.ctx))
	legacy, err := f.k.LegacyStatus().Iterate(f.ctx, nil)
	require.NoError(t, err)
	require.False(t, legacy.Valid(), "version 2's index is empty")
	require.NoError(t, legacy.Close())
	require.Equal(t, before, counts(), "the counts are version 2's")
	for _, id := range ids {
		b := f.bill(id)
		require.Zero(t, b.StatusSince)
		has, err := f.k.Bills.Indexes.Status.Has(f.ctx, collections.Join3(int32(b.Status), uint64(0), id))
		require.NoError(t, err)
		require.True(t, has, "%s moved", id)
	}
	require.Equal(t, []string{ids[1], ids[0]}, f.listByStatus(types.BILL_STATUS_ISSUED), "by id, as version 2 listed them")
	f.invariants()

	// A bill issued after the upgrade comes after them.
	f.at(60)
	later := f.issue(func(m *types.MsgIssueBill) { m.TransportDocumentReference, m.DocumentHash = "AAA2", hashN(4) })
	require.Equal(t, []string{ids[1], ids[0], later}, f.listByStatus(types.BILL_STATUS_ISSUED))

	require.NoError(t, keeper.NewMigrator(f.k).MigrateStatusLayout(f.ctx), "run again")
	f.invariants()
}
