package cargo_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// sendAs sends bill id over the cargo channel from chain's SenderAccounts[i].
func (c *handoverCorridor) sendAs(from *ibctesting.Endpoint, i int, id, receiver string) channeltypes.Packet {
	chain := from.Chain
	acc := chain.SenderAccounts[i]
	saved, savedKey := chain.SenderAccount, chain.SenderPrivKey
	chain.SenderAccount, chain.SenderPrivKey = acc.SenderAccount, acc.SenderPrivKey
	defer func() { chain.SenderAccount, chain.SenderPrivKey = saved, savedKey }()
	res, err := chain.SendMsgs(&types.MsgSendBill{Holder: acc.SenderAccount.GetAddress().String(), BillId: id,
		Channel: from.ChannelID, Receiver: receiver})
	require.NoError(c.t, err)
	packet, err := ibctesting.ParsePacketFromEvents(res.Events)
	require.NoError(c.t, err)
	return packet
}

// A bill handed over to hongkong (issue 37) and sent back by IBC to
// shanghai, the zone that exported it, is refused there today: the two
// zones' histories of the id are separate hash chains that both start at
// sequence 1 (shanghai's tombstone: ISSUE … EXPORT_CONTINUED; hongkong's
// bill: IMPORTED …), so entry 1 of the carried history differs from
// shanghai's (cargo/29) — before the tombstone is even looked at. The
// refusal is safe: the bill is refunded to its holder on hongkong
// (RETURN_REFUSED naming the reason), shanghai's tombstone and history are
// unchanged, and the invariants hold on both zones. This pins the limit
// docs/dcsa-onchain.md names; accepting the return needs shanghai to keep
// its tombstone's history somewhere other than under the bill id.
func TestHandedOverBillReturnIsRefusedSafely(t *testing.T) {
	c := newHandoverCorridor(t)
	e := c.export("COSU0000000031", true)
	p := c.importOnHk(c.onward(e, e.sent, types.DefaultPintPlatformCode, c.recipient), e.id)
	require.NoError(t, c.reg.RelayPacket(p))
	require.Equal(t, types.BILL_STATUS_ISSUED, c.bill(c.hk, e.id).Status)
	tomb := c.history(c.sh, e.id)
	require.Equal(t, uint64(1), tomb[0].Sequence)
	require.Equal(t, uint64(1), c.history(c.hk, e.id)[0].Sequence)

	p = c.sendAs(c.path.EndpointA, 1, e.id, c.shParty)
	require.NoError(t, c.path.RelayPacket(p))

	b := c.bill(c.hk, e.id)
	require.Equal(t, types.BILL_STATUS_ISSUED, b.Status)
	require.Equal(t, c.recipient, b.Holder)
	h := c.history(c.hk, e.id)
	require.Equal(t, []string{types.ActionImported, keeper.ActionCorridorConfirmed, keeper.ActionSend, keeper.ActionReturnRefused}, actions(h))
	require.Contains(t, h[len(h)-1].Detail, "cargo/29: bill "+e.id+" history entry 1 differs from the one this zone recorded")

	s := c.bill(c.sh, e.id)
	require.Equal(t, types.BILL_STATUS_EXPORTED, s.Status)
	require.Equal(t, c.hk.ChainID, s.Export.ContinuedOn)
	require.Equal(t, tomb, c.history(c.sh, e.id))
	c.invariants()
}
