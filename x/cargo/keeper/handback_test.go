package keeper_test

import (
	"testing"

	"cosmossdk.io/collections"
	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// The archive of handed-over bills goes through genesis: exported, validated,
// imported into a fresh chain and exported again unchanged, with the
// invariants holding there. A genesis whose archive skips a number, whose
// archived history does not chain to its tombstone's head, or whose archived
// record is not a handed-over tombstone is refused; so is the running state's
// (invariant handed-over-bills).
func TestHandedOverArchiveGenesis(t *testing.T) {
	f := newFixture(t)
	id := f.issue(nil)
	// An archived tombstone of the bill: its record EXPORTED and handed over
	// to the other zone, with the history it had.
	tomb := f.bill(id)
	tomb.Status, tomb.DepartedHolder, tomb.Holder = types.BILL_STATUS_EXPORTED, tomb.Holder, ""
	tomb.Export = &types.BillExport{Platform: "WAVE", RecipientName: "Wave Consignee Ltd", RequestedBy: tomb.DepartedHolder,
		ResponseCode: "RECE", SignedResponse: "a.b.c", LastEntryChecksum: hashN(2), ContinuedOn: "hongkong-1", ContinuedHeight: 7, ContinuedWith: hashN(3)}
	require.NoError(t, f.k.HandedOverBills.Set(f.ctx, collections.Join(id, uint64(1)), types.HandedOverBill{Archive: 1, Bill: tomb, ArchivedHeight: 9, Arrival: "ibc:cargo/channel-0"}))
	it, err := f.k.History.Iterate(f.ctx, collections.NewPrefixedPairRange[string, uint64](id))
	require.NoError(t, err)
	entries, err := it.Values()
	require.NoError(t, err)
	for _, e := range entries {
		require.NoError(t, f.k.HandedOverHistory.Set(f.ctx, collections.Join3(id, uint64(1), e.Sequence), e))
	}
	msg, broken := keeper.HandedOverInvariant(f.k)(f.ctx)
	require.False(t, broken, msg)

	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	require.Len(t, exported.HandedOverBills, 1)
	require.Len(t, exported.HandedOverHistory, len(entries))

	g := newFixture(t)
	require.NoError(t, g.k.InitGenesis(g.ctx, *exported))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)
	msg, broken = keeper.AllInvariants(g.k)(g.ctx)
	require.False(t, broken, msg)
	res, err := keeper.NewQueryServerImpl(g.k).HandedOver(g.ctx, &types.QueryHandedOverRequest{Id: id})
	require.NoError(t, err)
	require.Equal(t, tomb, res.Bills[0].Bill)

	for want, mutate := range map[string]func(gs *types.GenesisState){
		"archives of a bill are listed in order": func(gs *types.GenesisState) {
			gs.HandedOverBills[0].Archive = 2
			for i := range gs.HandedOverHistory {
				gs.HandedOverHistory[i].Archive = 2
			}
		},
		"does not hash to its head":                func(gs *types.GenesisState) { gs.HandedOverHistory[0].Entry.Detail = "rewritten" },
		"not an EXPORTED tombstone that continued": func(gs *types.GenesisState) { gs.HandedOverBills[0].Bill.Export.ContinuedOn = "" },
		"a bill lives under its id": func(gs *types.GenesisState) {
			gs.HandedOverBills[0].Bill.Id = "COS-ELSEWHERE1"
		},
	} {
		gs := *exported
		gs.Bills = append([]types.Bill(nil), exported.Bills...)
		gs.HandedOverBills = append([]types.HandedOverBill(nil), exported.HandedOverBills...)
		x := *exported.HandedOverBills[0].Bill.Export
		gs.HandedOverBills[0].Bill.Export = &x
		gs.HandedOverHistory = append([]types.HandedOverHistoryEntry(nil), exported.HandedOverHistory...)
		mutate(&gs)
		err := gs.Validate()
		require.ErrorIs(t, err, types.ErrInvalidGenesis, want)
		require.ErrorContains(t, err, want)
	}

	// The running state: an orphaned archived entry breaks the invariant.
	require.NoError(t, g.k.HandedOverHistory.Set(g.ctx, collections.Join3(id, uint64(5), uint64(1)), entries[0]))
	msg, broken = keeper.HandedOverInvariant(g.k)(g.ctx)
	require.True(t, broken)
	require.Contains(t, msg, "has no archived tombstone")
}
