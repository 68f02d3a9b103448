package cargo_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// trackRecord is party's cargo track record on chain, by figure name.
func trackRecord(t *testing.T, chain *ibctesting.TestChain, party string) map[string][]string {
	t.Helper()
	res, err := keeper.NewQueryServerImpl(tctestutil.App(chain).CargoKeeper).TrackRecord(chain.GetContext(), &types.QueryTrackRecordRequest{Party: party})
	require.NoError(t, err)
	out := map[string][]string{}
	for _, fg := range res.Figures {
		require.Equal(t, uint64(len(fg.Ids)), fg.Count, fg.Name)
		out[fg.Name] = fg.Ids
	}
	return out
}

// A bill that leaves over IBC and comes back: on its home zone its holder
// held it all along — held before while the bill was away (the tombstone's
// departed holder keeps its entry), holding it now once it is back, counted
// once; on the other zone the party that received it and sent it back held
// it and passed it on. Each zone counts only the entries it recorded (the
// history a bill carries over IBC is the other zone's to count), and the
// invariants hold on both zones at every step.
func TestTrackRecordAcrossIBC(t *testing.T) {
	c := newCorridor(t)
	id := c.issue("TRK1")
	hkAddr, shAddr := c.hk.SenderAccount.GetAddress().String(), c.sh.SenderAccount.GetAddress().String()

	require.NoError(t, c.path.RelayPacket(c.send(c.path.EndpointA, id, shAddr, 0)))
	c.invariants()
	away := trackRecord(t, c.hk, hkAddr)
	require.Equal(t, []string{id}, away["bills_held"], "the bill left; its holder held it")
	require.Equal(t, []string{id}, away["bills_held_before"])
	require.Empty(t, away["bills_holding_now"])
	there := trackRecord(t, c.sh, shAddr)
	require.Equal(t, []string{id}, there["bills_holding_now"], "arrived over IBC")
	require.Equal(t, []string{id}, there["bills_held"])
	require.Empty(t, trackRecord(t, c.sh, hkAddr)["bills_held"], "the home zone's holding is the home zone's to count")

	require.NoError(t, c.path.RelayPacket(c.send(c.path.EndpointB, id, hkAddr, 0)))
	c.invariants()
	home := trackRecord(t, c.hk, hkAddr)
	require.Equal(t, []string{id}, home["bills_held"], "counted once, though it held it twice")
	require.Equal(t, []string{id}, home["bills_holding_now"])
	require.Empty(t, home["bills_held_before"])
	require.Empty(t, trackRecord(t, c.hk, shAddr)["bills_held"], "the other zone's holder held it there, not here")
	there = trackRecord(t, c.sh, shAddr)
	require.Equal(t, []string{id}, there["bills_held"], "received over IBC and passed on over IBC")
	require.Equal(t, []string{id}, there["bills_held_before"])
	require.Empty(t, there["bills_holding_now"])
}

// A bill that arrives over IBC in other hands than its shipper's gives the
// shipper an entry of its own in the holder index, "not now" (issue 40: the
// shippers share the holders' index): the track record finds the bill among
// those the party shipped, `bills --holder` does not list it, and the
// invariants account for it. A version-2 store had no record of shippers:
// the invariant finds the entry missing there, and the v3 upgrade's
// MigratePastHolders adds it.
func TestArrivalIndexesShipper(t *testing.T) {
	c := newCorridor(t)
	id := c.issue("SHP1")
	hkAddr, shAddr := c.hk.SenderAccount.GetAddress().String(), c.sh.SenderAccount.GetAddress().String()
	require.NoError(t, c.path.RelayPacket(c.send(c.path.EndpointA, id, shAddr, 0)))
	c.invariants()

	k, ctx := tctestutil.App(c.sh).CargoKeeper, c.sh.GetContext()
	b := c.bill(c.sh, id)
	require.Equal(t, hkAddr, b.Shipper)
	require.Equal(t, shAddr, b.Holder)
	now, err := k.Bills.Indexes.Holder.Get(ctx, collections.Join(hkAddr, id))
	require.NoError(t, err, "the shipper is indexed")
	require.False(t, now, "the shipper does not hold it")
	shipped := trackRecord(t, c.sh, hkAddr)
	require.Equal(t, []string{id}, shipped["bills_shipped"])
	require.Empty(t, shipped["bills_held"])
	page, err := keeper.NewQueryServerImpl(k).Bills(ctx, &types.QueryBillsRequest{Holder: hkAddr})
	require.NoError(t, err)
	require.Empty(t, page.Bills, "a shipper's entry is not a holding")
	page, err = keeper.NewQueryServerImpl(k).Bills(ctx, &types.QueryBillsRequest{Holder: shAddr})
	require.NoError(t, err)
	require.Len(t, page.Bills, 1)

	require.NoError(t, k.Bills.Indexes.Holder.Remove(ctx, collections.Join(hkAddr, id)))
	msg, broken := keeper.PastHoldersInvariant(k)(ctx)
	require.True(t, broken, "the invariant finds the shipper missing")
	require.Contains(t, msg, hkAddr+" (a past holder or its shipper) missing from the holder index")
	require.Empty(t, trackRecord(t, c.sh, hkAddr)["bills_shipped"])
	require.NoError(t, keeper.NewMigrator(k).MigratePastHolders(ctx))
	require.Equal(t, shipped, trackRecord(t, c.sh, hkAddr))
	c.invariants()
}
