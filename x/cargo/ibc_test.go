package cargo_test

import (
	"cosmossdk.io/collections"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	clienttypes "github.com/cosmos/ibc-go/v8/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

type corridor struct {
	t      *testing.T
	coord  *ibctesting.Coordinator
	path   *ibctesting.Path
	hk, sh *ibctesting.TestChain
}

// newCorridor links two in-process tradechain zones with a cargo channel and
// registers each chain's sender account as a CARRIER and TRADER party there.
func newCorridor(t *testing.T) *corridor {
	tctestutil.UseTradechainForIBCTesting()
	coord := ibctesting.NewCoordinator(t, 2)
	hk, sh := coord.GetChain(ibctesting.GetChainID(1)), coord.GetChain(ibctesting.GetChainID(2))
	for i, c := range []*ibctesting.TestChain{hk, sh} {
		k := tctestutil.App(c).CargoKeeper
		addr := c.SenderAccount.GetAddress().String()
		require.NoError(t, k.Parties.Set(c.GetContext(), addr, types.Party{Address: addr, Code: []string{"COS", "SHPE"}[i],
			Name: "Zone party", Jurisdiction: "HK", Roles: []types.Role{types.ROLE_CARRIER, types.ROLE_TRADER}, Active: true}))
	}
	coord.CommitBlock(hk, sh)
	path := ibctesting.NewPath(hk, sh)
	for _, ep := range []*ibctesting.Endpoint{path.EndpointA, path.EndpointB} {
		ep.ChannelConfig.PortID, ep.ChannelConfig.Version, ep.ChannelConfig.Order = types.PortID, types.Version, channeltypes.UNORDERED
	}
	tctestutil.SetupCorridor(coord, path)
	return &corridor{t: t, coord: coord, path: path, hk: hk, sh: sh}
}

func (c *corridor) bill(chain *ibctesting.TestChain, id string) types.Bill {
	b, err := tctestutil.App(chain).CargoKeeper.GetBill(chain.GetContext(), id)
	require.NoError(c.t, err)
	return b
}

func (c *corridor) issue(ref string) string {
	sender := c.hk.SenderAccount.GetAddress().String()
	_, err := c.hk.SendMsgs(&types.MsgIssueBill{Carrier: sender, TransportDocumentReference: ref, Type: types.BILL_TYPE_BOL,
		Mode: types.BILL_MODE_TO_ORDER, IssueTo: sender, DocumentHash: fmt.Sprintf("%x", sha256.Sum256([]byte(ref))),
		PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2020-01-01"})
	require.NoError(c.t, err)
	return "COS-" + ref
}

// send sends a bill from one end and returns the packet (not yet relayed).
func (c *corridor) send(from *ibctesting.Endpoint, id, receiver string, timeout uint64) channeltypes.Packet {
	res, err := from.Chain.SendMsgs(&types.MsgSendBill{Holder: from.Chain.SenderAccount.GetAddress().String(), BillId: id,
		Channel: from.ChannelID, Receiver: receiver, TimeoutTimestamp: timeout})
	require.NoError(c.t, err)
	packet, err := ibctesting.ParsePacketFromEvents(res.Events)
	require.NoError(c.t, err)
	return packet
}

// lastReturn is the last_return of a bill's location query on chain.
func (c *corridor) lastReturn(chain *ibctesting.TestChain, id string) types.HistoryEntry {
	c.t.Helper()
	res, err := keeper.NewQueryServerImpl(tctestutil.App(chain).CargoKeeper).BillLocation(chain.GetContext(), &types.QueryBillLocationRequest{Id: id})
	require.NoError(c.t, err)
	require.NotNil(c.t, res.LastReturn, "no last_return in the location of %s", id)
	return *res.LastReturn
}

func (c *corridor) invariants() {
	for _, chain := range []*ibctesting.TestChain{c.hk, c.sh} {
		msg, broken := keeper.AllInvariants(tctestutil.App(chain).CargoKeeper)(chain.GetContext())
		require.False(c.t, broken, msg)
	}
}

// HK → SH → HK: the trace grows and unwinds, the history chain continues
// across zones, and exactly one zone has a live record at every step.
func TestCargoRoundTrip(t *testing.T) {
	c := newCorridor(t)
	id := c.issue("RT1")
	hkAddr, shAddr := c.hk.SenderAccount.GetAddress().String(), c.sh.SenderAccount.GetAddress().String()

	packet := c.send(c.path.EndpointA, id, shAddr, 0)
	require.Equal(t, types.BILL_STATUS_IN_TRANSIT, c.bill(c.hk, id).Status)
	require.NoError(t, c.path.RelayPacket(packet))

	home, away := c.bill(c.hk, id), c.bill(c.sh, id)
	require.Equal(t, types.BILL_STATUS_TRANSFERRED_OUT, home.Status)
	require.Equal(t, c.path.EndpointA.ChannelID, home.TransferredVia)
	// The tombstone cannot be misread: no holder; where control went and who sent it.
	require.Empty(t, home.Holder)
	require.Equal(t, hkAddr, home.DepartedHolder)
	require.Equal(t, c.sh.ChainID, home.ControlZone)
	loc, err := keeper.NewQueryServerImpl(tctestutil.App(c.hk).CargoKeeper).BillLocation(c.hk.GetContext(), &types.QueryBillLocationRequest{Id: id})
	require.NoError(t, err)
	require.Equal(t, "TRANSFERRED_OUT", loc.Location)
	require.Equal(t, c.sh.ChainID, loc.ControlZone)
	require.Equal(t, hkAddr, loc.DepartedHolder)
	require.Empty(t, loc.Holder)
	require.Equal(t, types.BILL_STATUS_ISSUED, away.Status)
	require.Equal(t, shAddr, away.Holder)
	require.Equal(t, "cargo/"+c.path.EndpointB.ChannelID+"/ebl", away.Trace)
	require.Equal(t, home.HistoryLen+1, away.HistoryLen, "history continues: RECEIVE after SEND")
	require.Equal(t, home.DocumentHash, away.DocumentHash)
	c.invariants()

	// The sender is divested: nothing it can do on HK.
	_, err = c.hk.SendMsgs(&types.MsgEndorseBill{Holder: hkAddr, BillId: id, Endorsee: shAddr})
	require.ErrorContains(t, err, "TRANSFERRED_OUT: control lives on "+c.sh.ChainID) // a tombstone: nothing to move here

	packet = c.send(c.path.EndpointB, id, hkAddr, 0)
	require.NoError(t, c.path.RelayPacket(packet))
	home, away = c.bill(c.hk, id), c.bill(c.sh, id)
	require.Equal(t, types.BILL_STATUS_ISSUED, home.Status)
	require.Equal(t, "ebl", home.Trace, "the trace unwinds at home")
	require.Equal(t, hkAddr, home.Holder)
	require.Equal(t, types.BILL_STATUS_TRANSFERRED_OUT, away.Status)
	require.Equal(t, away.HistoryLen+1, home.HistoryLen)
	c.invariants()

	traces, err := keeper.NewQueryServerImpl(tctestutil.App(c.sh).CargoKeeper).ClassTraces(c.sh.GetContext(), &types.QueryClassTracesRequest{})
	require.NoError(t, err)
	require.Contains(t, traces.ClassTraces, "cargo/"+c.path.EndpointB.ChannelID+"/ebl")
}

// A packet that times out restores the bill to its sender, exactly once.
func TestCargoTimeoutRefund(t *testing.T) {
	c := newCorridor(t)
	id := c.issue("TO1")
	deadline := uint64(c.hk.GetContext().BlockTime().Add(time.Minute).UnixNano())
	packet := c.send(c.path.EndpointA, id, c.sh.SenderAccount.GetAddress().String(), deadline)
	c.coord.IncrementTimeBy(2 * time.Minute)
	c.coord.CommitBlock(c.sh)
	require.NoError(t, c.path.EndpointA.UpdateClient())
	require.NoError(t, c.path.EndpointA.TimeoutPacket(packet))

	b := c.bill(c.hk, id)
	require.Equal(t, types.BILL_STATUS_ISSUED, b.Status)
	require.Equal(t, c.hk.SenderAccount.GetAddress().String(), b.Holder)
	_, err := tctestutil.App(c.sh).CargoKeeper.GetBill(c.sh.GetContext(), id)
	require.ErrorIs(t, err, types.ErrBillNotFound)
	ret := c.lastReturn(c.hk, id)
	require.Equal(t, keeper.ActionReturnTimeout, ret.Action)
	require.Contains(t, ret.Detail, "timed out")
	lenAfter := b.HistoryLen
	_ = c.path.EndpointA.TimeoutPacket(packet) // no-op: the commitment is gone
	require.Equal(t, lenAfter, c.bill(c.hk, id).HistoryLen, "refunded once")
	c.invariants()
}

// An unregistered receiver gets an error acknowledgement; the sender is refunded.
func TestCargoErrorAckRefund(t *testing.T) {
	c := newCorridor(t)
	id := c.issue("EA1")
	stranger := sdk.AccAddress(make([]byte, 20)).String()
	packet := c.send(c.path.EndpointA, id, stranger, 0)
	require.NoError(t, c.path.EndpointB.UpdateClient())
	res, err := c.path.EndpointB.RecvPacketWithResult(packet)
	require.NoError(t, err)
	ack, err := ibctesting.ParseAckFromEvents(res.Events)
	require.NoError(t, err)
	// The destination says why, in its acknowledgement and in an event that
	// carries the registered error's code.
	require.Contains(t, string(ack), "cargo/")
	require.Contains(t, string(ack), "not a registered party")
	attrs := map[string]string{}
	for _, ev := range res.Events {
		if ev.Type == "ibccallbackerror-tradechain.cargo.v1.EventCargoPacketRefused" {
			for _, a := range ev.Attributes {
				attrs[strings.TrimPrefix(a.Key, "ibccallbackerror-")] = a.Value
			}
		}
	}
	require.Equal(t, `"cargo"`, attrs["codespace"], "refusal event: %v", res.Events)
	require.NotEmpty(t, attrs["code"])
	require.NoError(t, c.path.EndpointA.AcknowledgePacket(packet, ack))
	require.Equal(t, types.BILL_STATUS_ISSUED, c.bill(c.hk, id).Status)
	// The sender's history and location tell a refusal from a timeout.
	ret := c.lastReturn(c.hk, id)
	require.Equal(t, keeper.ActionReturnRefused, ret.Action)
	require.Contains(t, ret.Detail, "refused by the destination: cargo/")
	require.Contains(t, ret.Detail, "not a registered party")
	_, err = tctestutil.App(c.sh).CargoKeeper.GetBill(c.sh.GetContext(), id)
	require.ErrorIs(t, err, types.ErrBillNotFound)
	c.invariants()
}

// ORDERED channels and other versions are refused at channel open.
func TestCargoChannelRules(t *testing.T) {
	tctestutil.UseTradechainForIBCTesting()
	coord := ibctesting.NewCoordinator(t, 2)
	path := ibctesting.NewPath(coord.GetChain(ibctesting.GetChainID(1)), coord.GetChain(ibctesting.GetChainID(2)))
	path.EndpointA.ChannelConfig.PortID, path.EndpointB.ChannelConfig.PortID = types.PortID, types.PortID
	path.EndpointA.ChannelConfig.Version, path.EndpointB.ChannelConfig.Version = types.Version, types.Version
	path.EndpointA.ChannelConfig.Order, path.EndpointB.ChannelConfig.Order = channeltypes.ORDERED, channeltypes.ORDERED
	tctestutil.AdmitSenders(path.EndpointA.Chain, path.EndpointB.Chain)
	coord.SetupConnections(path)
	tctestutil.TrustCounterparty(path.EndpointA) // trusted, so only the order and version rules refuse
	coord.CommitBlock(path.EndpointA.Chain)
	require.ErrorContains(t, path.EndpointA.ChanOpenInit(), "UNORDERED channels only")

	path.EndpointA.ChannelConfig.Order = channeltypes.UNORDERED
	path.EndpointA.ChannelConfig.Version = "ics20-1"
	require.Error(t, path.EndpointA.ChanOpenInit())
}

// A liened or in-transit bill cannot be sent; a replayed packet changes
// nothing; an id already live at the destination gets an error ack and a refund.
func TestCargoSendRules(t *testing.T) {
	c := newCorridor(t)
	hk := tctestutil.App(c.hk).CargoKeeper
	hkAddr, shAddr := c.hk.SenderAccount.GetAddress().String(), c.sh.SenderAccount.GetAddress().String()

	liened := c.issue("LN1")
	require.NoError(t, hk.PlaceLien(c.hk.GetContext(), liened, hkAddr, types.Lien{Module: "tradefinance", Reference: "lc/1", Creditor: hkAddr}))
	c.coord.CommitBlock(c.hk)
	_, err := c.hk.SendMsgs(&types.MsgSendBill{Holder: hkAddr, BillId: liened, Channel: c.path.EndpointA.ChannelID, Receiver: shAddr})
	require.ErrorContains(t, err, "liened")

	id := c.issue("RP1")
	packet := c.send(c.path.EndpointA, id, shAddr, 0)
	_, err = c.hk.SendMsgs(&types.MsgSendBill{Holder: hkAddr, BillId: id, Channel: c.path.EndpointA.ChannelID, Receiver: shAddr})
	require.ErrorContains(t, err, "IN_TRANSIT")
	require.NoError(t, c.path.RelayPacket(packet))
	before := c.bill(c.sh, id)
	_ = c.path.RelayPacket(packet) // replay: refused by IBC core (receipt exists)
	require.Equal(t, before, c.bill(c.sh, id))

	// Same id live on SH already: SH registers a carrier with code COS and issues COS-DUP1 there.
	sh := tctestutil.App(c.sh).CargoKeeper
	require.NoError(t, sh.Parties.Set(c.sh.GetContext(), shAddr, types.Party{Address: shAddr, Code: "COS", Name: "COS on SH",
		Jurisdiction: "CN", Roles: []types.Role{types.ROLE_CARRIER, types.ROLE_TRADER}, Active: true}))
	c.coord.CommitBlock(c.sh)
	_, err = c.sh.SendMsgs(&types.MsgIssueBill{Carrier: shAddr, TransportDocumentReference: "DUP1", Type: types.BILL_TYPE_BOL,
		Mode: types.BILL_MODE_TO_ORDER, IssueTo: shAddr, DocumentHash: fmt.Sprintf("%x", sha256.Sum256([]byte("sh-dup"))),
		PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2020-01-01"})
	require.NoError(t, err)
	dup := c.issue("DUP1")
	packet = c.send(c.path.EndpointA, dup, shAddr, 0)
	require.NoError(t, c.path.RelayPacket(packet))
	require.Equal(t, types.BILL_STATUS_ISSUED, c.bill(c.hk, dup).Status, "refunded after the error ack")
	require.NotEqual(t, c.bill(c.hk, dup).DocumentHash, c.bill(c.sh, dup).DocumentHash, "SH's own bill untouched")
	c.invariants()
}

// A record whose content does not match its checksum, or names another
// holder than the packet's sender, is refused by the receiving keeper.
func TestCargoTamperedRecord(t *testing.T) {
	c := newCorridor(t)
	id := c.issue("TM1")
	b := c.bill(c.hk, id)
	data := types.NewPacketData(b, c.sh.SenderAccount.GetAddress().String(), "")
	packet := channeltypes.NewPacket(data.GetBytes(), 1, types.PortID, c.path.EndpointA.ChannelID, types.PortID, c.path.EndpointB.ChannelID, clientZero, 0)
	sh := tctestutil.App(c.sh).CargoKeeper

	rec := types.RecordOf(b)
	rec.DocumentHash = fmt.Sprintf("%x", sha256.Sum256([]byte("forged")))
	bz, _ := json.Marshal(rec)
	tampered := data
	tampered.TokenData = []string{base64.StdEncoding.EncodeToString(bz)}
	ctx, _ := c.sh.GetContext().CacheContext()
	require.ErrorIs(t, sh.OnRecvPacket(ctx, packet, tampered), types.ErrRecordTampered)

	other := data
	other.Sender = c.sh.SenderAccount.GetAddress().String()
	require.ErrorIs(t, sh.OnRecvPacket(ctx, packet, other), types.ErrRecordTampered)

	require.NoError(t, sh.OnRecvPacket(ctx, packet, data), "the untouched record is accepted")

	// Carried history that does not hash to the record's head is refused.
	hist, err := tctestutil.App(c.hk).CargoKeeper.History.Get(c.hk.GetContext(), collections.Join(id, uint64(1)))
	require.NoError(t, err)
	hist.Remark = "rewritten"
	forged := types.NewPacketDataWithHistory(b, []types.HistoryEntry{hist}, c.sh.SenderAccount.GetAddress().String(), "")
	ctx, _ = c.sh.GetContext().CacheContext()
	require.ErrorIs(t, sh.OnRecvPacket(ctx, packet, forged), types.ErrRecordTampered)
}

var clientZero = clienttypes.ZeroHeight()

// A chain of transfers with endorsements on each side: HK endorses to a second
// HK party, who sends to SH; SH endorses onward and sends back; the chain of
// history hashes stays unbroken and each zone's invariants hold throughout.
func TestCargoEndorsementChain(t *testing.T) {
	c := newCorridor(t)
	id := c.issue("EC1")
	hkAddr, shAddr := c.hk.SenderAccount.GetAddress().String(), c.sh.SenderAccount.GetAddress().String()
	hk2, sh2 := c.hk.SenderAccounts[1], c.sh.SenderAccounts[1]
	for _, x := range []struct {
		chain *ibctesting.TestChain
		addr  string
		code  string
	}{{c.hk, hk2.SenderAccount.GetAddress().String(), "HKT2"}, {c.sh, sh2.SenderAccount.GetAddress().String(), "SHT2"}} {
		require.NoError(t, tctestutil.App(x.chain).CargoKeeper.Parties.Set(x.chain.GetContext(), x.addr, types.Party{
			Address: x.addr, Code: x.code, Name: x.code, Jurisdiction: "HK", Roles: []types.Role{types.ROLE_TRADER}, Active: true}))
	}
	c.coord.CommitBlock(c.hk, c.sh)

	_, err := c.hk.SendMsgs(&types.MsgEndorseBill{Holder: hkAddr, BillId: id, Endorsee: hk2.SenderAccount.GetAddress().String()})
	require.NoError(t, err)
	// The second HK party sends it to SH (it signs with its own account).
	c.hk.SenderPrivKey, c.hk.SenderAccount = hk2.SenderPrivKey, hk2.SenderAccount
	packet := c.send(c.path.EndpointA, id, shAddr, 0)
	require.NoError(t, c.path.RelayPacket(packet))
	_, err = c.sh.SendMsgs(&types.MsgEndorseBill{Holder: shAddr, BillId: id, Endorsee: sh2.SenderAccount.GetAddress().String()})
	require.NoError(t, err)
	c.sh.SenderPrivKey, c.sh.SenderAccount = sh2.SenderPrivKey, sh2.SenderAccount
	packet = c.send(c.path.EndpointB, id, hkAddr, 0)
	require.NoError(t, c.path.RelayPacket(packet))

	home := c.bill(c.hk, id)
	require.Equal(t, hkAddr, home.Holder)
	require.Equal(t, "ebl", home.Trace)
	// ISSUE, ENDORSE, SEND (HK) · RECEIVE, ENDORSE, SEND (SH) · RECEIVE (HK)
	require.Equal(t, uint64(7), home.HistoryLen)
	c.invariants()

	// Each zone holds the whole chain: the entries made on the other zone
	// came with the packets. The endorsement chain reads it in order, with
	// PINT codes and the zone of each action.
	for _, z := range []struct {
		chain *ibctesting.TestChain
		n     int
	}{{c.hk, 7}, {c.sh, 6}} {
		res, err := keeper.NewQueryServerImpl(tctestutil.App(z.chain).CargoKeeper).EndorsementChain(z.chain.GetContext(),
			&types.QueryEndorsementChainRequest{Id: id})
		require.NoError(t, err)
		require.True(t, res.Complete, "%s lacks entries", z.chain.ChainID)
		require.Len(t, res.Entries, z.n)
		var codes, zones []string
		for i, e := range res.Entries {
			require.Equal(t, uint64(i+1), e.Sequence)
			codes = append(codes, e.ActionCode+"/"+e.Action)
			zones = append(zones, e.Zone)
		}
		want := []string{"ISSUE/ISSUE", "ENDORSE/ENDORSE", "/SEND", "/RECEIVE", "ENDORSE/ENDORSE", "/SEND", "/RECEIVE"}[:z.n]
		require.Equal(t, want, codes)
		require.Equal(t, []string{c.hk.ChainID, c.hk.ChainID, c.hk.ChainID, c.sh.ChainID, c.sh.ChainID, c.sh.ChainID, c.hk.ChainID}[:z.n], zones)
		require.Equal(t, sh2.SenderAccount.GetAddress().String(), res.Entries[4].Recipient, "the endorsement made on shanghai")
	}
}
