package cargo_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

type flight struct {
	packet channeltypes.Packet
	from   *ibctesting.Endpoint
	bill   string
}

// Random corridor actions on two in-process zones — issue, send (short or
// long timeout), relay, drop, let time pass, time out, endorse, surrender —
// checking after every step:
//   - I1: for every bill, across both zones and the packets in flight, exactly
//     one live, controllable record (or one in-transit record whose packet is
//     in flight), until it is surrendered;
//   - I5: a timeout restores the bill to its sender exactly once;
//   - every x/cargo invariant on both zones.
func TestCorridorStateMachine(t *testing.T) {
	successes := map[string]int{}
	rapid.Check(t, func(rt *rapid.T) {
		c := newCorridor(t)
		ends := []*ibctesting.Endpoint{c.path.EndpointA, c.path.EndpointB}
		var bills []string
		var inFlight []flight
		surrendered := map[string]bool{}

		chainOf := func(ep *ibctesting.Endpoint) *ibctesting.TestChain { return ep.Chain }
		record := func(chain *ibctesting.TestChain, id string) (types.Bill, bool) {
			b, err := tctestutil.App(chain).CargoKeeper.GetBill(chain.GetContext(), id)
			return b, err == nil
		}

		for step := 0; step < 25; step++ {
			action := rapid.IntRange(0, 6).Draw(rt, "action")
			if len(bills) == 0 {
				action = 0
			}
			switch action {
			case 0: // issue on HK
				if len(bills) >= 3 {
					continue
				}
				bills = append(bills, c.issue(fmt.Sprintf("SM%d", len(bills))))
				successes["issue"]++
			case 1: // send from whichever zone holds it live
				id := rapid.SampledFrom(bills).Draw(rt, "bill")
				for i, ep := range ends {
					b, ok := record(chainOf(ep), id)
					if !ok || b.Status != types.BILL_STATUS_ISSUED {
						continue
					}
					var timeout uint64
					if rapid.Bool().Draw(rt, "short-timeout") {
						timeout = uint64(chainOf(ep).GetContext().BlockTime().Add(30 * time.Second).UnixNano())
					}
					receiver := ends[1-i].Chain.SenderAccount.GetAddress().String()
					inFlight = append(inFlight, flight{packet: c.send(ep, id, receiver, timeout), from: ep, bill: id})
					successes["send"]++
				}
			case 2: // relay one in-flight packet (fails harmlessly if timed out)
				if len(inFlight) == 0 {
					continue
				}
				i := rapid.IntRange(0, len(inFlight)-1).Draw(rt, "packet")
				if err := c.path.RelayPacket(inFlight[i].packet); err == nil {
					inFlight = append(inFlight[:i], inFlight[i+1:]...)
					successes["relay"]++
				}
			case 3: // time passes on both zones (a dropped packet stays in flight)
				c.coord.IncrementTimeBy(time.Duration(rapid.IntRange(10, 90).Draw(rt, "seconds")) * time.Second)
				c.coord.CommitBlock(c.hk, c.sh)
			case 4: // time out one packet, if its deadline passed on the receiving zone
				if len(inFlight) == 0 {
					continue
				}
				i := rapid.IntRange(0, len(inFlight)-1).Draw(rt, "packet")
				f := inFlight[i]
				src := chainOf(f.from)
				before, _ := record(src, f.bill)
				require.NoError(rt, f.from.UpdateClient())
				if err := f.from.TimeoutPacket(f.packet); err != nil {
					continue // not timed out yet
				}
				inFlight = append(inFlight[:i], inFlight[i+1:]...)
				after, _ := record(src, f.bill)
				require.Equal(rt, types.BILL_STATUS_ISSUED, after.Status, "I5: restored after timeout")
				require.Equal(rt, before.HistoryLen+1, after.HistoryLen, "I5: one RETURN entry")
				_ = f.from.TimeoutPacket(f.packet) // a second timeout is a no-op
				again, _ := record(src, f.bill)
				require.Equal(rt, after, again, "I5: refunded exactly once")
				successes["timeout"]++
			case 5: // endorse: the holder on the live side blank-endorses (a control action there)
				id := rapid.SampledFrom(bills).Draw(rt, "bill")
				for _, ep := range ends {
					b, ok := record(chainOf(ep), id)
					if ok && b.Status == types.BILL_STATUS_ISSUED && b.Holder == chainOf(ep).SenderAccount.GetAddress().String() {
						if _, err := chainOf(ep).SendMsgs(&types.MsgBlankEndorseBill{Holder: b.Holder, BillId: id}); err == nil {
							successes["endorse"]++
						}
					}
				}
			case 6: // surrender for delivery where it lives (carrier = HK sender, registered on HK only)
				id := rapid.SampledFrom(bills).Draw(rt, "bill")
				b, ok := record(c.hk, id)
				if ok && b.Status == types.BILL_STATUS_ISSUED {
					holder := c.hk.SenderAccount.GetAddress().String()
					if _, err := c.hk.SendMsgs(&types.MsgRequestSurrender{Holder: holder, BillId: id, Purpose: types.SURRENDER_PURPOSE_DELIVERY}); err == nil {
						_, err := c.hk.SendMsgs(&types.MsgAcceptSurrender{Carrier: holder, BillId: id})
						require.NoError(rt, err)
						surrendered[id] = true
						successes["surrender"]++
					}
				}
			}

			// I1 across both zones and the packets in flight.
			for _, id := range bills {
				live, transit := 0, 0
				for _, ep := range ends {
					b, ok := record(chainOf(ep), id)
					if !ok {
						continue
					}
					switch b.Status {
					case types.BILL_STATUS_ISSUED, types.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY, types.BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT:
						live++
					case types.BILL_STATUS_IN_TRANSIT:
						transit++
						found := false
						for _, f := range inFlight {
							found = found || (f.bill == id && f.from.Chain == chainOf(ep))
						}
						require.Truef(rt, found, "I1: %s is in transit on %s with no packet in flight", id, chainOf(ep).ChainID)
					}
				}
				if surrendered[id] {
					require.Equalf(rt, 0, live+transit, "I1: %s was surrendered but is still live", id)
				} else {
					require.Equalf(rt, 1, live+transit, "I1: %s has %d live and %d in-transit records", id, live, transit)
				}
			}
			c.invariants()
		}
	})
	t.Logf("successful actions: %v", successes)
	for _, n := range []string{"issue", "send", "relay", "timeout", "surrender"} {
		require.Positivef(t, successes[n], "the random walk never succeeded at %s", n)
	}
}
