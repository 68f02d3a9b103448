package tradefinance_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	tctestutil "github.com/tradechain/tradechain/testutil"
	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// sendBill sends bill id from zone z to zone 1-z's sender and relays it.
func (c *registryCorridor) sendBill(z int, id string) {
	from := []*ibctesting.Endpoint{c.cargo.EndpointA, c.cargo.EndpointB}[z]
	res, err := c.zones[z].SendMsgs(&cargotypes.MsgSendBill{Holder: c.zones[z].SenderAccount.GetAddress().String(), BillId: id,
		Channel: from.ChannelID, Receiver: c.zones[1-z].SenderAccount.GetAddress().String()})
	require.NoError(c.t, err)
	p, err := ibctesting.ParsePacketFromEvents(res.Events)
	require.NoError(c.t, err)
	require.NoError(c.t, c.cargo.RelayPacket(p))
}

// The same carrier issues the same document under the same reference — the
// same bill id — on both zones in the same block. Whichever reservation the
// relayer delivers first, hongkong-1 (the lower chain id) wins and
// shanghai-1's record is REJECTED_DUPLICATE. That record never blocks the
// winning bill: it arrives on shanghai-1, goes home and comes back. The
// rejected record, with its history, stays queryable and in the export, and
// every invariant holds on both zones.
func TestRegistryWinnerTravelsToTheLosingZone(t *testing.T) {
	for _, shFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("sh-delivered-first=%v", shFirst), func(t *testing.T) {
			c := newRegistryCorridor(t)
			id, hkPkts, err := c.issue(0, "TWIN1", "doc-twin")
			require.NoError(t, err)
			shID, shPkts, err := c.issue(1, "TWIN1", "doc-twin")
			require.NoError(t, err)
			require.Equal(t, id, shID, "one bill id on both zones")
			first, second := hkPkts[0], shPkts[0]
			if shFirst {
				first, second = second, first
			}
			ack1, ack2 := c.deliver(first), c.deliver(second)
			c.acknowledge(first, ack1)
			c.acknowledge(second, ack2)
			require.Equal(t, cargotypes.BILL_STATUS_ISSUED, c.bill(0, id).Status)
			rejected := c.bill(1, id)
			require.Equal(t, cargotypes.BILL_STATUS_REJECTED_DUPLICATE, rejected.Status)
			c.checkInvariants()

			// The winner travels to the zone that lost, and takes the id there.
			c.sendBill(0, id)
			arrived := c.bill(1, id)
			require.Equal(t, cargotypes.BILL_STATUS_ISSUED, arrived.Status, "the rejected record did not refuse the winner")
			require.Equal(t, c.zones[1].SenderAccount.GetAddress().String(), arrived.Holder)
			require.Equal(t, cargotypes.BILL_STATUS_TRANSFERRED_OUT, c.bill(0, id).Status)
			require.Equal(t, c.bill(0, id).HistoryLen+1, arrived.HistoryLen, "the winner's own history continues")
			sh := tctestutil.App(c.zones[1]).CargoKeeper
			doc, err := cargokeeper.NewQueryServerImpl(sh).Document(c.zones[1].GetContext(), &cargotypes.QueryDocumentRequest{Hash: arrived.DocumentHash})
			require.NoError(t, err)
			require.Equal(t, id, doc.Document.BillId)
			require.Equal(t, c.zones[0].ChainID, arrived.HomeZone, "shanghai-1 holds hongkong-1's bill")

			// The rejected record and its history stay on record.
			old, err := cargokeeper.NewQueryServerImpl(sh).RejectedBill(c.zones[1].GetContext(), &cargotypes.QueryRejectedBillRequest{Id: id})
			require.NoError(t, err)
			require.Equal(t, rejected, old.Bill)
			require.Len(t, old.History, int(rejected.HistoryLen))
			require.Equal(t, cargokeeper.ActionIssue, old.History[0].Action)
			require.Equal(t, cargokeeper.ActionCorridorRejected, old.History[len(old.History)-1].Action)
			c.checkInvariants()
			require.Zero(t, c.corridorWide())

			// A round trip of the winner: home to hongkong-1 and back.
			c.sendBill(1, id)
			require.Equal(t, cargotypes.BILL_STATUS_ISSUED, c.bill(0, id).Status)
			require.Equal(t, cargotypes.BILL_STATUS_TRANSFERRED_OUT, c.bill(1, id).Status)
			c.sendBill(0, id)
			require.Equal(t, cargotypes.BILL_STATUS_ISSUED, c.bill(1, id).Status)
			require.Equal(t, cargotypes.BILL_STATUS_TRANSFERRED_OUT, c.bill(0, id).Status)
			c.checkInvariants()
			require.Zero(t, c.corridorWide())

			// Export and import keep the archive.
			exported, err := sh.ExportGenesis(c.zones[1].GetContext())
			require.NoError(t, err)
			require.NoError(t, exported.Validate())
			require.Len(t, exported.RejectedBills, 1)
			require.Len(t, exported.RejectedHistory, int(rejected.HistoryLen))
			fresh := ct.NewChain(t) // with a roster of its own: import the rest
			imported := *exported
			imported.Parties = nil
			require.NoError(t, fresh.App.CargoKeeper.InitGenesis(fresh.Context(), imported))
			again, err := fresh.App.CargoKeeper.ExportGenesis(fresh.Context())
			require.NoError(t, err)
			require.Equal(t, exported.RejectedBills, again.RejectedBills)
			require.Equal(t, exported.RejectedHistory, again.RejectedHistory)
			require.Equal(t, exported.Bills, again.Bills)
			require.Equal(t, exported.History, again.History)
		})
	}
}
