package cargo_test

import (
	"testing"

	"github.com/stretchr/testify/require"

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
