package cargo_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	clienttypes "github.com/cosmos/ibc-go/v8/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"

	"github.com/tradechain/tradechain/x/cargo"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// FuzzOnRecvPacket delivers arbitrary packet data over arbitrary channels to
// the cargo IBC module of a zone with the registered roster, whose corridor
// trusts channel-0 only. It never panics; a packet on any other channel is
// refused;
// an error acknowledgement leaves nothing behind (the core discards the
// writes, as here); an accepted packet creates exactly the bill it carries,
// held by its receiver, every invariant holds, and delivering the same packet
// again is refused (no bill is duplicated).
func FuzzOnRecvPacket(f *testing.F) {
	chain := cargotestutil.NewChain(f)
	k := chain.App.CargoKeeper
	module := cargo.NewIBCModule(k, chain.App.ScopedCargoKeeper)
	base, _ := chain.Context().CacheContext()
	cargotestutil.TrustChannel(f, base, chain.App, "shanghai-1", "channel-0") // only channel-0 leads to a trusted zone
	for _, seed := range packetSeeds(f) {
		// the seeds themselves are accepted, so the fuzzer starts on the success path
		branch, _ := base.CacheContext()
		ack := module.OnRecvPacket(branch, channeltypes.NewPacket(seed, 1, types.PortID, "channel-7", types.PortID, "channel-0", clienttypes.NewHeight(1, 100), 0), nil)
		require.True(f, ack.Success(), "seed packet refused: %s", ack.Acknowledgement())
		f.Add(seed, "channel-7", "channel-0")
	}
	f.Fuzz(func(t *testing.T, bz []byte, srcChannel, dstChannel string) {
		packet := channeltypes.NewPacket(bz, 1, types.PortID, srcChannel, types.PortID, dstChannel, clienttypes.NewHeight(1, 100), 0)
		ctx, write := base.CacheContext()
		ack := module.OnRecvPacket(ctx, packet, nil)
		if !ack.Success() {
			return
		}
		require.Equal(t, "channel-0", dstChannel, "a packet over an untrusted channel was accepted")
		write()
		d, err := types.DecodePacketData(bz)
		require.NoError(t, err, "an accepted packet must decode")
		bill, err := k.GetBill(ctx, d.TokenIds[0])
		require.NoError(t, err, "the accepted bill is not in state")
		require.Equal(t, d.Receiver, bill.Holder)
		require.Equal(t, types.BILL_STATUS_ISSUED, bill.Status)
		msg, broken := keeper.AllInvariants(k)(ctx)
		require.False(t, broken, msg)

		again, _ := ctx.CacheContext()
		require.False(t, module.OnRecvPacket(again, packet, nil).Success(), "the same bill was received twice")
	})
}

// packetSeeds are valid packets for bills issued on a branch of a fixture
// zone (so they do not exist in the fuzzed zone's state).
func packetSeeds(tb testing.TB) [][]byte {
	chain := cargotestutil.NewChain(tb)
	ctx, _ := chain.Context().CacheContext()
	srv := keeper.NewMsgServerImpl(chain.App.CargoKeeper)
	addr := func(i int) string { return chain.Accounts[i].String() }
	var seeds [][]byte
	for i, mode := range []types.BillMode{types.BILL_MODE_TO_ORDER, types.BILL_MODE_BLANK, types.BILL_MODE_STRAIGHT} {
		m := &types.MsgIssueBill{
			Carrier: addr(cargotestutil.Carrier), TransportDocumentReference: "FUZZ" + string(rune('A'+i)), Type: types.BILL_TYPE_BOL,
			Mode: mode, IssueTo: addr(cargotestutil.Exporter), DocumentHash: "8f14e45fceea167a5a36dedd4bea2543b2c5d3f8e8a1b7c9d0e1f2a3b4c5d6e" + string(rune('0'+i)),
			PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2026-05-03", ShippedOnBoardDate: "2026-05-03",
		}
		if mode == types.BILL_MODE_STRAIGHT {
			m.Consignee = addr(cargotestutil.Importer)
		}
		res, err := srv.IssueBill(ctx, m)
		require.NoError(tb, err)
		bill, err := chain.App.CargoKeeper.GetBill(ctx, res.BillId)
		require.NoError(tb, err)
		seeds = append(seeds, types.NewPacketData(bill, addr(cargotestutil.Importer), "").GetBytes())
	}
	return seeds
}
