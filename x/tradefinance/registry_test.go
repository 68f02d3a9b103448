package tradefinance_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"cosmossdk.io/collections"
	"cosmossdk.io/math"
	storetypes "cosmossdk.io/store/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	clienttypes "github.com/cosmos/ibc-go/v8/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	host "github.com/cosmos/ibc-go/v8/modules/core/24-host"
	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	tctestutil "github.com/tradechain/tradechain/testutil"
	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance/keeper"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// registryCorridor is two in-process zones linked by a cargo channel and a
// registry channel, both on each other's corridor allowlist. On each zone the
// sender account is a carrier, seller and bank (the same LEIs on both zones,
// as a real entity's), and SenderAccounts[1] is the buyer.
type registryCorridor struct {
	t          testing.TB
	coord      *ibctesting.Coordinator
	cargo, reg *ibctesting.Path
	zones      []*ibctesting.TestChain // hk (the lower chain id), sh
}

func newRegistryCorridor(t *testing.T) *registryCorridor {
	tctestutil.UseTradechainForIBCTesting()
	coord := ibctesting.NewCoordinator(t, 2)
	hk, sh := coord.GetChain(ibctesting.GetChainID(1)), coord.GetChain(ibctesting.GetChainID(2))
	for _, c := range []*ibctesting.TestChain{hk, sh} {
		k := tctestutil.App(c).CargoKeeper
		seller, buyer := c.SenderAccount.GetAddress().String(), c.SenderAccounts[1].SenderAccount.GetAddress().String()
		require.NoError(t, k.Parties.Set(c.GetContext(), seller, cargotypes.Party{Address: seller, Code: "SHPE", Name: "Exporter", Lei: ct.LEI("SHPE"),
			Jurisdiction: "CN", Roles: []cargotypes.Role{cargotypes.ROLE_CARRIER, cargotypes.ROLE_TRADER, cargotypes.ROLE_BANK}, Active: true}))
		require.NoError(t, k.Parties.Set(c.GetContext(), buyer, cargotypes.Party{Address: buyer, Code: "KBCT", Name: "Importer", Lei: ct.LEI("KBCT"),
			Jurisdiction: "HK", Roles: []cargotypes.Role{cargotypes.ROLE_TRADER}, Active: true}))
	}
	coord.CommitBlock(hk, sh)
	cargoPath := ibctesting.NewPath(hk, sh)
	for _, ep := range []*ibctesting.Endpoint{cargoPath.EndpointA, cargoPath.EndpointB} {
		ep.ChannelConfig.PortID, ep.ChannelConfig.Version, ep.ChannelConfig.Order = cargotypes.PortID, cargotypes.Version, channeltypes.UNORDERED
	}
	tctestutil.SetupCorridor(coord, cargoPath)
	reg := tctestutil.OpenRegistry(coord, cargoPath)
	return &registryCorridor{t: t, coord: coord, cargo: cargoPath, reg: reg, zones: []*ibctesting.TestChain{hk, sh}}
}

// endpoint is zone z's end of the registry channel.
func (c *registryCorridor) endpoint(z int) *ibctesting.Endpoint {
	return []*ibctesting.Endpoint{c.reg.EndpointA, c.reg.EndpointB}[z]
}

type abciEvent = abci.Event

func docHash(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s))) }

// issue issues a bill for document doc on zone z; it returns the bill id,
// the reservation packet (if one was sent) and the error.
func (c *registryCorridor) issue(z int, ref, doc string) (string, []sent, error) {
	chain := c.zones[z]
	sender := chain.SenderAccount.GetAddress().String()
	res, err := chain.SendMsgs(&cargotypes.MsgIssueBill{Carrier: sender, TransportDocumentReference: ref, Type: cargotypes.BILL_TYPE_BOL,
		Mode: cargotypes.BILL_MODE_TO_ORDER, IssueTo: sender, DocumentHash: docHash(doc),
		PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2020-01-01"})
	if err != nil {
		return "", nil, err
	}
	return "SHPE-" + ref, c.packets(z, res.Events), nil
}

// register anchors a fresh invoice document and registers invoice number
// (respelled as given) for amount on zone z.
func (c *registryCorridor) register(z int, number string, amount int64, docSeed string) (uint64, []sent, error) {
	chain := c.zones[z]
	seller, buyer := chain.SenderAccount.GetAddress().String(), chain.SenderAccounts[1].SenderAccount.GetAddress().String()
	doc := docHash(docSeed)
	if _, err := chain.SendMsgs(&cargotypes.MsgAnchorDocument{Owner: seller, Hash: doc, DocType: "COMMERCIAL_INVOICE"}); err != nil {
		return 0, nil, err
	}
	res, err := chain.SendMsgs(&types.MsgRegisterInvoice{Seller: seller, Buyer: buyer, Number: number,
		Amount: sdk.NewCoin(hkd, math.NewInt(amount)), DueDate: "2030-01-01", DocumentHash: doc})
	if err != nil {
		return 0, nil, err
	}
	next, err := tctestutil.App(chain).TradeFinanceKeeper.InvoiceSeq.Peek(chain.GetContext())
	require.NoError(c.t, err)
	return next - 1, c.packets(z, res.Events), nil
}

// sent is a registry packet and the zone that sent it.
type sent struct {
	z int
	p channeltypes.Packet
}

// packets are the registry packets a transaction on zone z sent.
func (c *registryCorridor) packets(z int, events []abciEvent) []sent {
	var out []sent
	for _, ev := range events {
		if ev.Type != channeltypes.EventTypeSendPacket {
			continue
		}
		p, err := ibctesting.ParsePacketFromEvents([]abciEvent{ev})
		require.NoError(c.t, err)
		if p.SourcePort == cargotypes.RegistryPortID {
			out = append(out, sent{z: z, p: p})
		}
	}
	return out
}

// deliver receives p on the other zone and returns the acknowledgement.
func (c *registryCorridor) deliver(s sent) []byte {
	p, dst := s.p, c.endpoint(1-s.z)
	require.NoError(c.t, dst.UpdateClient())
	res, err := dst.RecvPacketWithResult(p)
	require.NoError(c.t, err)
	ack, err := ibctesting.ParseAckFromEvents(res.Events)
	require.NoError(c.t, err)
	return ack
}

// acknowledge gives the sender the acknowledgement.
func (c *registryCorridor) acknowledge(s sent, ack []byte) {
	src := c.endpoint(s.z)
	require.NoError(c.t, src.UpdateClient())
	require.NoError(c.t, src.AcknowledgePacket(s.p, ack))
}

// relay delivers p and its acknowledgement.
func (c *registryCorridor) relay(p sent) []byte {
	ack := c.deliver(p)
	c.acknowledge(p, ack)
	return ack
}

// expire lets time pass beyond p's timeout and times it out on its sender.
func (c *registryCorridor) expire(s sent) {
	p, src := s.p, c.endpoint(s.z)
	if now := uint64(src.Counterparty.Chain.CurrentHeader.Time.UnixNano()); now <= p.TimeoutTimestamp {
		c.coord.IncrementTimeBy(time.Duration(p.TimeoutTimestamp-now) + time.Second)
	}
	c.coord.CommitBlock(src.Counterparty.Chain)
	require.NoError(c.t, src.UpdateClient())
	require.NoError(c.t, src.TimeoutPacket(p))
}

// expired: p can no longer be delivered in time (relaying commits a few
// blocks first, so a minute's margin).
func (c *registryCorridor) expired(s sent) bool {
	dst := c.endpoint(1 - s.z).Chain
	return uint64(dst.CurrentHeader.Time.Add(time.Minute).UnixNano()) >= s.p.TimeoutTimestamp
}

func (c *registryCorridor) bill(z int, id string) cargotypes.Bill {
	b, err := tctestutil.App(c.zones[z]).CargoKeeper.GetBill(c.zones[z].GetContext(), id)
	require.NoError(c.t, err)
	return b
}

func (c *registryCorridor) invoice(z int, id uint64) types.Invoice {
	inv, err := tctestutil.App(c.zones[z]).TradeFinanceKeeper.GetInvoice(c.zones[z].GetContext(), id)
	require.NoError(c.t, err)
	return inv
}

func (c *registryCorridor) key(z int, kind cargotypes.KeyKind, key string) (cargotypes.RegistryKey, bool) {
	r, found, err := tctestutil.App(c.zones[z]).CargoKeeper.GetRegistryKey(c.zones[z].GetContext(), kind, key)
	require.NoError(c.t, err)
	return r, found
}

// checkInvariants runs every registered invariant of both zones.
func (c *registryCorridor) checkInvariants() {
	for _, z := range c.zones {
		a := tctestutil.App(z)
		msg, broken := cargokeeper.AllInvariants(a.CargoKeeper)(z.GetContext())
		require.False(c.t, broken, msg)
		msg, broken = keeper.AllInvariants(a.TradeFinanceKeeper)(z.GetContext())
		require.False(c.t, broken, msg)
	}
}

// corridorWide asserts I1 and I4 across both zones: at most one active bill
// per transport document and per identity (carrier and reference, by
// meaning), and at most one financeable invoice per corridor fingerprint (a
// financing needs an OPEN invoice, so at most one active financing), and
// returns the number of reservations still pending.
func (c *registryCorridor) corridorWide() int {
	bills, invoices, pending := map[string][]string{}, map[string][]string{}, map[string]bool{}
	identities := map[string][]string{}
	for z, chain := range c.zones {
		a := tctestutil.App(chain)
		ctx := chain.GetContext()
		require.NoError(c.t, a.CargoKeeper.Bills.Walk(ctx, nil, func(id string, b cargotypes.Bill) (bool, error) {
			if b.IsLive() || b.Status == cargotypes.BILL_STATUS_IN_TRANSIT {
				bills[b.DocumentHash] = append(bills[b.DocumentHash], fmt.Sprintf("%s on %s (%s)", id, chain.ChainID, b.Status))
				k := cargotypes.BillKeyOf(id)
				identities[k] = append(identities[k], fmt.Sprintf("%s on %s (%s)", id, chain.ChainID, b.Status))
			}
			return false, nil
		}))
		require.NoError(c.t, a.TradeFinanceKeeper.Invoices.Walk(ctx, nil, func(id uint64, inv types.Invoice) (bool, error) {
			if inv.Status != types.INVOICE_STATUS_PENDING && inv.Status != types.INVOICE_STATUS_REJECTED_DUPLICATE {
				invoices[inv.Fingerprint] = append(invoices[inv.Fingerprint], fmt.Sprintf("invoice %d on %s (%s)", id, chain.ChainID, inv.Status))
			}
			return false, nil
		}))
		require.NoError(c.t, a.CargoKeeper.RegistryKeys.Walk(ctx, nil, func(_ collections.Pair[int32, string], r cargotypes.RegistryKey) (bool, error) {
			if r.Status == cargotypes.RESERVATION_STATUS_PENDING {
				pending[fmt.Sprintf("%s/%s/%d", chain.ChainID, r.Channel, r.Sequence)] = true // one packet reserves all keys of a record
			}
			require.NotEqual(c.t, cargotypes.RESERVATION_STATUS_LOCAL, r.Status, "zone %d holds a key LOCAL though its registry channel is set", z)
			return false, nil
		}))
	}
	for doc, live := range bills {
		require.LessOrEqual(c.t, len(live), 1, "document %s backs several live bills: %v", doc, live)
	}
	for k, live := range identities {
		require.LessOrEqual(c.t, len(live), 1, "identity %s backs several live bills: %v", k, live)
	}
	for fp, active := range invoices {
		require.LessOrEqual(c.t, len(active), 1, "invoice %s is active on several zones: %v", fp, active)
	}
	return len(pending)
}

// The corridor story's refusals: a document issued as a bill on one zone is
// refused on the other at once, with the zone named; the invoice registered
// (confirmed) on one zone is refused on the other; a pending bill and a
// pending invoice can do nothing.
func TestRegistryRefusesDuplicates(t *testing.T) {
	c := newRegistryCorridor(t)
	id, pkts, err := c.issue(1, "BL1", "dcsa-doc-1")
	require.NoError(t, err)
	require.Len(t, pkts, 1)
	b := c.bill(1, id)
	require.Equal(t, cargotypes.BILL_STATUS_PENDING, b.Status)
	require.Equal(t, cargotypes.RESERVATION_STATUS_PENDING, b.CorridorStatus)

	// A pending bill cannot be moved, sent, liened or surrendered.
	sender := c.zones[1].SenderAccount.GetAddress().String()
	for _, msg := range []sdk.Msg{
		&cargotypes.MsgBlankEndorseBill{Holder: sender, BillId: id},
		&cargotypes.MsgEndorseBill{Holder: sender, BillId: id, Endorsee: c.zones[1].SenderAccounts[1].SenderAccount.GetAddress().String()},
		&cargotypes.MsgRequestSurrender{Holder: sender, BillId: id, Purpose: cargotypes.SURRENDER_PURPOSE_DELIVERY},
		&cargotypes.MsgSendBill{Holder: sender, BillId: id, Channel: c.cargo.EndpointB.ChannelID, Receiver: c.zones[0].SenderAccount.GetAddress().String()},
	} {
		_, err := c.zones[1].SendMsgs(msg)
		tctestutil.RequireCode(t, err, cargotypes.ErrWrongStatus)
	}
	tctestutil.RequireCode(t, tctestutil.App(c.zones[1]).CargoKeeper.PlaceLien(c.zones[1].GetContext(), id, sender,
		cargotypes.Lien{Module: "tradefinance", Reference: "financing/1", Creditor: sender}), cargotypes.ErrWrongStatus)

	ack := c.relay(pkts[0])
	require.Contains(t, string(ack), `"result"`)
	b = c.bill(1, id)
	require.Equal(t, cargotypes.BILL_STATUS_ISSUED, b.Status)
	require.Equal(t, cargotypes.RESERVATION_STATUS_CONFIRMED, b.CorridorStatus)
	r, found := c.key(0, cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, b.DocumentHash)
	require.True(t, found)
	require.Equal(t, cargotypes.RESERVATION_STATUS_HELD_REMOTE, r.Status)
	require.Equal(t, c.zones[1].ChainID, r.HolderZone)

	// The carrier tries the same document on the other zone.
	_, _, err = c.issue(0, "BL1.AGAIN", "dcsa-doc-1")
	tctestutil.RequireCode(t, err, cargotypes.ErrKeyTaken)
	require.ErrorContains(t, err, "transport document already issued as a bill on "+c.zones[1].ChainID)

	// An invoice: pending cannot be financed; confirmed; refused on the other zone,
	// even respelled.
	inv, pkts, err := c.register(1, "INV-2026-0418", 800_000, "invoice-1")
	require.NoError(t, err)
	require.Equal(t, types.INVOICE_STATUS_PENDING, c.invoice(1, inv).Status)
	_, err = c.zones[1].SendMsgs(&types.MsgOfferFinancing{Bank: sender, InvoiceId: inv, Advance: sdk.NewCoin(hkd, math.NewInt(700_000)),
		Repayment: sdk.NewCoin(hkd, math.NewInt(720_000)), Maturity: "2030-01-01"})
	tctestutil.RequireCode(t, err, types.ErrInvoiceNotActive)
	c.relay(pkts[0])
	got := c.invoice(1, inv)
	require.Equal(t, types.INVOICE_STATUS_OPEN, got.Status)
	require.Equal(t, cargotypes.RESERVATION_STATUS_CONFIRMED, got.CorridorStatus)
	require.Equal(t, []string{"REGISTER", "CORRIDOR_CONFIRMED"}, historyActions(got))
	kr, found := c.key(0, cargotypes.KEY_KIND_INVOICE, got.Fingerprint)
	require.True(t, found, "hongkong recorded the invoice as shanghai's")
	require.Equal(t, cargotypes.RESERVATION_STATUS_HELD_REMOTE, kr.Status)
	_, _, err = c.register(0, "inv.2026 0418", 800_000, "invoice-1-copy")
	tctestutil.RequireCode(t, err, cargotypes.ErrKeyTaken)
	require.ErrorContains(t, err, "invoice already registered on "+c.zones[1].ChainID)
	c.checkInvariants()
	require.Zero(t, c.corridorWide())
}

func historyActions(inv types.Invoice) []string {
	var out []string
	for _, h := range inv.History {
		out = append(out, h.Action)
	}
	return out
}

// Both zones reserve one key before either hears of the other: whichever
// packet arrives first, exactly one wins — the zone with the lower chain id.
func TestRegistryConcurrentReservations(t *testing.T) {
	for _, shFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("sh-delivered-first=%v", shFirst), func(t *testing.T) {
			c := newRegistryCorridor(t)
			hkID, hkPkts, err := c.issue(0, "HK1", "doc-x")
			require.NoError(t, err)
			shID, shPkts, err := c.issue(1, "SH1", "doc-x")
			require.NoError(t, err)
			first, second := hkPkts[0], shPkts[0]
			if shFirst {
				first, second = second, first
			}
			ack1 := c.deliver(first)
			ack2 := c.deliver(second)
			c.acknowledge(first, ack1)
			c.acknowledge(second, ack2)
			hk, sh := c.bill(0, hkID), c.bill(1, shID)
			require.Equal(t, cargotypes.BILL_STATUS_ISSUED, hk.Status, "the lower chain id wins")
			require.Equal(t, cargotypes.BILL_STATUS_REJECTED_DUPLICATE, sh.Status)
			require.Equal(t, cargotypes.RESERVATION_STATUS_REJECTED_DUPLICATE, sh.CorridorStatus)
			h := lastHistory(t, c.zones[1], shID)
			require.Equal(t, cargokeeper.ActionCorridorRejected, h.Action)
			require.Contains(t, h.Detail, c.zones[0].ChainID)
			c.checkInvariants()
			require.Zero(t, c.corridorWide())

			// The winning bill travels to the loser's zone and back: no refusal.
			hkAddr, shAddr := c.zones[0].SenderAccount.GetAddress().String(), c.zones[1].SenderAccount.GetAddress().String()
			res, err := c.zones[0].SendMsgs(&cargotypes.MsgSendBill{Holder: hkAddr, BillId: hkID, Channel: c.cargo.EndpointA.ChannelID, Receiver: shAddr})
			require.NoError(t, err)
			p, err := ibctesting.ParsePacketFromEvents(res.Events)
			require.NoError(t, err)
			require.NoError(t, c.cargo.RelayPacket(p))
			require.Equal(t, cargotypes.BILL_STATUS_ISSUED, c.bill(1, hkID).Status)
			res, err = c.zones[1].SendMsgs(&cargotypes.MsgSendBill{Holder: shAddr, BillId: hkID, Channel: c.cargo.EndpointB.ChannelID, Receiver: hkAddr})
			require.NoError(t, err)
			p, err = ibctesting.ParsePacketFromEvents(res.Events)
			require.NoError(t, err)
			require.NoError(t, c.cargo.RelayPacket(p))
			back := c.bill(0, hkID)
			require.Equal(t, cargotypes.BILL_STATUS_ISSUED, back.Status)
			require.Equal(t, cargotypes.RESERVATION_STATUS_CONFIRMED, back.CorridorStatus)
			c.checkInvariants()
			require.Zero(t, c.corridorWide())
		})
	}
}

func lastHistory(t testing.TB, chain *ibctesting.TestChain, id string) cargotypes.HistoryEntry {
	k := tctestutil.App(chain).CargoKeeper
	b, err := k.GetBill(chain.GetContext(), id)
	require.NoError(t, err)
	e, err := k.History.Get(chain.GetContext(), collections.Join(id, b.HistoryLen))
	require.NoError(t, err)
	return e
}

// A reservation that times out is withdrawn: the bill stays PENDING (never
// active by itself) and its carrier retries; if the other zone reserves the
// key meanwhile, the withdrawn bill gives it up.
func TestRegistryTimeoutAndRetry(t *testing.T) {
	c := newRegistryCorridor(t)
	id, pkts, err := c.issue(0, "T1", "doc-t")
	require.NoError(t, err)
	c.expire(pkts[0])
	b := c.bill(0, id)
	require.Equal(t, cargotypes.BILL_STATUS_PENDING, b.Status)
	require.Equal(t, cargotypes.RESERVATION_STATUS_TIMED_OUT, b.CorridorStatus)
	_, found := c.key(1, cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, b.DocumentHash)
	require.False(t, found, "the other zone never recorded the key")
	c.checkInvariants()

	// Only the carrier retries, and only a timed-out reservation.
	buyer := c.zones[0].SenderAccounts[1]
	retry := &cargotypes.MsgRetryReservation{Signer: buyer.SenderAccount.GetAddress().String(), Kind: cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, Key: b.DocumentHash}
	_, err = cargokeeper.NewMsgServerImpl(tctestutil.App(c.zones[0]).CargoKeeper).RetryReservation(c.zones[0].GetContext(), retry)
	tctestutil.RequireCode(t, err, cargotypes.ErrWrongRole)
	retry.Signer = c.zones[0].SenderAccount.GetAddress().String()
	res, err := c.zones[0].SendMsgs(retry)
	require.NoError(t, err)
	again := c.packets(0, res.Events)
	require.Len(t, again, 1)
	_, err = c.zones[0].SendMsgs(retry)
	tctestutil.RequireCode(t, err, cargotypes.ErrReservationState)
	c.relay(again[0])
	require.Equal(t, cargotypes.BILL_STATUS_ISSUED, c.bill(0, id).Status)
	c.checkInvariants()

	// A second document times out on hongkong; shanghai then reserves it
	// and wins: the withdrawn bill is rejected when shanghai's reservation
	// arrives.
	id2, pkts, err := c.issue(0, "T2", "doc-u")
	require.NoError(t, err)
	c.expire(pkts[0])
	shID, shPkts, err := c.issue(1, "U1", "doc-u")
	require.NoError(t, err)
	c.relay(shPkts[0])
	require.Equal(t, cargotypes.BILL_STATUS_REJECTED_DUPLICATE, c.bill(0, id2).Status)
	require.Equal(t, cargotypes.BILL_STATUS_ISSUED, c.bill(1, shID).Status)
	c.checkInvariants()
	require.Zero(t, c.corridorWide())
}

// Bad packets are refused with registered errors and change nothing: an
// unknown key kind, a malformed key, a packet on a registry channel that is
// not the zone's configured one; a packet delivered twice is received once.
func TestRegistryBadPackets(t *testing.T) {
	c := newRegistryCorridor(t)
	sh := c.zones[1]
	state := func() string {
		gs, err := tctestutil.App(sh).CargoKeeper.ExportGenesis(sh.GetContext())
		require.NoError(t, err)
		return gs.String()
	}
	send := func(ep *ibctesting.Endpoint, data []byte) channeltypes.Packet {
		a := tctestutil.App(ep.Chain)
		ctx := ep.Chain.GetContext()
		capability, ok := a.ScopedRegistryKeeper.GetCapability(ctx, host.ChannelCapabilityPath(cargotypes.RegistryPortID, ep.ChannelID))
		require.True(t, ok)
		timeout := uint64(ctx.BlockTime().Add(time.Hour).UnixNano())
		seq, err := a.IBCKeeper.ChannelKeeper.SendPacket(ctx, capability, cargotypes.RegistryPortID, ep.ChannelID, clienttypes.ZeroHeight(), timeout, data)
		require.NoError(t, err)
		c.coord.CommitBlock(ep.Chain)
		return channeltypes.NewPacket(data, seq, cargotypes.RegistryPortID, ep.ChannelID, cargotypes.RegistryPortID, ep.Counterparty.ChannelID, clienttypes.ZeroHeight(), timeout)
	}
	key := docHash("k")
	for _, tc := range []struct {
		name string
		data string
		code uint32
	}{
		{"unknown key kind", `{"kind":"CARGO","key":"` + key + `"}`, cargotypes.ErrInvalidReservation.ABCICode()},
		{"malformed key", `{"kind":"INVOICE","key":"` + key[:60] + `"}`, cargotypes.ErrInvalidReservation.ABCICode()},
		{"upper-case key", `{"kind":"INVOICE","key":"` + fmt.Sprintf("%X", sha256.Sum256([]byte("k"))) + `"}`, cargotypes.ErrInvalidReservation.ABCICode()},
		{"extra member", `{"kind":"INVOICE","key":"` + key + `","holder":"x"}`, cargotypes.ErrInvalidReservation.ABCICode()},
		{"two objects", `{"kind":"INVOICE","key":"` + key + `"}{}`, cargotypes.ErrInvalidReservation.ABCICode()},
		{"not JSON", `INVOICE ` + key, cargotypes.ErrInvalidReservation.ABCICode()},
	} {
		before := state()
		ack := string(c.deliver(sent{z: 0, p: send(c.reg.EndpointA, []byte(tc.data))}))
		require.Contains(t, ack, fmt.Sprintf("cargo/%d: ", tc.code), tc.name)
		require.Equal(t, before, state(), tc.name)
	}

	// A second registry channel between the same zones is not the
	// configured one: refused.
	other := ibctesting.NewPath(c.zones[0], sh)
	for i, ep := range []*ibctesting.Endpoint{other.EndpointA, other.EndpointB} {
		from := []*ibctesting.Endpoint{c.reg.EndpointA, c.reg.EndpointB}[i]
		ep.ClientID, ep.ConnectionID = from.ClientID, from.ConnectionID
		ep.ChannelConfig = from.ChannelConfig
	}
	c.coord.CreateChannels(other)
	before := state()
	good := cargotypes.NewReservationPacket("SHPE-X1", []cargotypes.KeyRef{{Kind: cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, Key: key}}).Bytes()
	p := send(other.EndpointA, good)
	require.NoError(t, other.EndpointB.UpdateClient())
	res, err := other.EndpointB.RecvPacketWithResult(p)
	require.NoError(t, err)
	ack, err := ibctesting.ParseAckFromEvents(res.Events)
	require.NoError(t, err)
	require.Contains(t, string(ack), fmt.Sprintf("cargo/%d: ", cargotypes.ErrRegistryChannel.ABCICode()))
	require.Equal(t, before, state())

	// Delivered twice: the second delivery is a no-op.
	id, pkts, err := c.issue(0, "D1", "doc-d")
	require.NoError(t, err)
	ack1 := c.deliver(pkts[0])
	afterFirst := state()
	require.NoError(t, c.endpoint(1).UpdateClient())
	_, err = c.endpoint(1).RecvPacketWithResult(pkts[0].p)
	require.NoError(t, err) // IBC core answers a replay with a no-op
	require.Equal(t, afterFirst, state())
	c.acknowledge(pkts[0], ack1)
	require.Equal(t, cargotypes.BILL_STATUS_ISSUED, c.bill(0, id).Status)
	c.checkInvariants()
}

// The corridor-wide guarantees under a random relayer: both zones issue
// bills for and register invoices over a few shared keys, while packets are
// delivered, acknowledged, dropped until they time out, delivered late or
// twice, in any order. After every step at most one live bill per document
// and one financeable invoice per fingerprint exist across both zones, and
// every invariant holds; once every packet is settled no reservation is
// pending.
func TestRegistryCorridorStateMachine(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		c := newRegistryCorridor(t)
		type flight struct {
			p   sent
			ack []byte // set once delivered
		}
		var inflight []*flight
		n := 0
		docs := []string{"doc-a", "doc-b", "doc-c"}
		invoices := []string{"INV-1", "inv 001", "INV-2"} // the first two are one invoice
		steps := rapid.IntRange(5, 25).Draw(rt, "steps")
		for i := 0; i < steps; i++ {
			n++
			switch rapid.IntRange(0, 5).Draw(rt, "action") {
			case 0: // a zone issues a bill for a shared document
				z := rapid.IntRange(0, 1).Draw(rt, "zone")
				_, pkts, err := c.issue(z, fmt.Sprintf("R%d", n), rapid.SampledFrom(docs).Draw(rt, "doc"))
				if err == nil {
					for _, p := range pkts {
						inflight = append(inflight, &flight{p: p})
					}
				}
			case 1: // a zone registers a (respelled) invoice
				z := rapid.IntRange(0, 1).Draw(rt, "zone")
				_, pkts, err := c.register(z, rapid.SampledFrom(invoices).Draw(rt, "number"), 500_000, fmt.Sprintf("invdoc-%d", n))
				if err == nil {
					for _, p := range pkts {
						inflight = append(inflight, &flight{p: p})
					}
				}
			case 2, 3: // the relayer delivers a packet, or its acknowledgement
				if len(inflight) == 0 {
					continue
				}
				i := rapid.IntRange(0, len(inflight)-1).Draw(rt, "packet")
				f := inflight[i]
				switch {
				case f.ack != nil:
					c.acknowledge(f.p, f.ack)
					inflight = append(inflight[:i], inflight[i+1:]...)
				case c.expired(f.p):
					c.expire(f.p)
					inflight = append(inflight[:i], inflight[i+1:]...)
				default:
					f.ack = c.deliver(f.p)
					if rapid.Bool().Draw(rt, "twice") {
						require.NoError(t, c.endpoint(1-f.p.z).UpdateClient())
						_, err := c.endpoint(1 - f.p.z).RecvPacketWithResult(f.p.p)
						require.NoError(t, err)
					}
				}
			case 4: // the relayer is down long enough for a packet to time out
				var waiting []int
				for i, f := range inflight {
					if f.ack == nil {
						waiting = append(waiting, i)
					}
				}
				if len(waiting) == 0 {
					continue
				}
				i := rapid.SampledFrom(waiting).Draw(rt, "late")
				c.expire(inflight[i].p)
				inflight = append(inflight[:i], inflight[i+1:]...)
			case 5: // a carrier or seller retries a withdrawn reservation
				z := rapid.IntRange(0, 1).Draw(rt, "zone")
				a := tctestutil.App(c.zones[z])
				res, err := cargokeeper.NewQueryServerImpl(a.CargoKeeper).RegistryPending(c.zones[z].GetContext(), &cargotypes.QueryRegistryPendingRequest{Status: cargotypes.RESERVATION_STATUS_TIMED_OUT})
				require.NoError(t, err)
				if len(res.Keys) == 0 {
					continue
				}
				r := rapid.SampledFrom(res.Keys).Draw(rt, "retry")
				if r.Kind == cargotypes.KEY_KIND_BILL {
					continue // a bill is retried by its document hash (every key of it goes again)
				}
				out, err := c.zones[z].SendMsgs(&cargotypes.MsgRetryReservation{Signer: c.zones[z].SenderAccount.GetAddress().String(), Kind: r.Kind, Key: r.Key})
				require.NoError(t, err)
				for _, p := range c.packets(z, out.Events) {
					inflight = append(inflight, &flight{p: p})
				}
			}
			c.corridorWide()
			c.checkInvariants()
		}
		// The relayer catches up: everything is delivered or times out.
		for _, f := range inflight {
			switch {
			case f.ack != nil:
				c.acknowledge(f.p, f.ack)
			case c.expired(f.p):
				c.expire(f.p)
			default:
				c.relay(f.p)
			}
		}
		require.Zero(t, c.corridorWide(), "a reservation is still pending after every packet settled")
		c.checkInvariants()
	})
}

// A split's new bills are new titles in the corridor, not only on their
// zone: each new document is reserved like an issue. A document the other
// zone already holds refuses the whole split (nothing changes); free ones
// leave the new bills PENDING until confirmed; a race with the other zone
// for one of them is lost by the higher chain id, and its bill is rejected
// while the old bill stays VOIDED. After every step each transport document
// backs at most one live bill across both zones (I1) and every invariant
// holds on both.
func TestRegistrySplitAcrossZones(t *testing.T) {
	c := newRegistryCorridor(t)
	sh := c.zones[1].SenderAccount.GetAddress().String()
	whole, pkts, err := c.issue(1, "WHOLE", "whole")
	require.NoError(t, err)
	c.relay(pkts[0])
	taken, pkts, err := c.issue(0, "TAKEN", "part-2") // hongkong-1 holds part-2
	require.NoError(t, err)
	c.relay(pkts[0])
	require.Equal(t, cargotypes.BILL_STATUS_ISSUED, c.bill(0, taken).Status)
	for _, m := range []sdk.Msg{
		&cargotypes.MsgRequestSurrender{Holder: sh, BillId: whole, Purpose: cargotypes.SURRENDER_PURPOSE_AMENDMENT, Reason: "COD"},
		&cargotypes.MsgAcceptSurrender{Carrier: sh, BillId: whole},
	} {
		_, err := c.zones[1].SendMsgs(m)
		require.NoError(t, err)
	}
	split := func(docs ...string) (*abci.ExecTxResult, error) {
		m := &cargotypes.MsgSplitBill{Carrier: sh, BillId: whole}
		for i, d := range docs {
			m.Replacements = append(m.Replacements, cargotypes.BillReplacement{TransportDocumentReference: fmt.Sprintf("PART%d", i+1), DocumentHash: docHash(d)})
		}
		return c.zones[1].SendMsgs(m)
	}

	// part-2 is hongkong-1's bill: the split is refused whole.
	_, err = split("part-1", "part-2")
	tctestutil.RequireCode(t, err, cargotypes.ErrKeyTaken)
	require.Equal(t, cargotypes.BILL_STATUS_SURRENDERED_FOR_AMENDMENT, c.bill(1, whole).Status)
	_, err = tctestutil.App(c.zones[1]).CargoKeeper.GetBill(c.zones[1].GetContext(), "SHPE-PART1")
	tctestutil.RequireCode(t, err, cargotypes.ErrBillNotFound)
	c.checkInvariants()
	require.Zero(t, c.corridorWide())

	// hongkong-1 starts a bill for part-4 at the same moment shanghai-1
	// splits into part-1 and part-4: both pending, neither zone has heard.
	race, hkPkts, err := c.issue(0, "RACE", "part-4")
	require.NoError(t, err)
	res, err := split("part-1", "part-4")
	require.NoError(t, err)
	shPkts := c.packets(1, res.Events)
	require.Len(t, shPkts, 2, "one reservation per new document")
	require.Equal(t, []string{"SHPE-PART1", "SHPE-PART2"}, c.bill(1, whole).ReplacedBy)
	for _, id := range []string{"SHPE-PART1", "SHPE-PART2"} {
		require.Equal(t, cargotypes.BILL_STATUS_PENDING, c.bill(1, id).Status)
	}
	c.checkInvariants()
	require.Zero(t, c.corridorWide()-3, "three reservations pending")
	for _, p := range append(shPkts, hkPkts...) {
		c.relay(p)
		c.checkInvariants()
		c.corridorWide()
	}
	require.Equal(t, cargotypes.BILL_STATUS_ISSUED, c.bill(1, "SHPE-PART1").Status)
	require.Equal(t, cargotypes.BILL_STATUS_REJECTED_DUPLICATE, c.bill(1, "SHPE-PART2").Status, "the lower chain id wins part-4")
	require.Equal(t, cargotypes.BILL_STATUS_ISSUED, c.bill(0, race).Status)
	require.Equal(t, cargotypes.BILL_STATUS_VOIDED, c.bill(1, whole).Status)
	require.Zero(t, c.corridorWide())
}

// TestPendingIssuanceIndexedByRecord: while an issuance waits for the
// registry's answer, its two keys (the document hash and the bill's
// identity) are indexed as open under the bill — (PENDING, (bill id, key))
// — so the index entries sit beside each other under the bill id and none
// is placed by the document hash (issue 40: version 2 indexed them by
// (status, kind, key)). The answer removes both; the pending list pages by
// record.
func TestPendingIssuanceIndexedByRecord(t *testing.T) {
	c := newRegistryCorridor(t)
	id, sent, err := c.issue(0, "OPEN1", "open-doc-1")
	require.NoError(t, err)
	require.Len(t, sent, 1)
	k := tctestutil.App(c.zones[0]).CargoKeeper
	ctx := c.zones[0].GetContext()
	it, err := k.RegistryOpen.Iterate(ctx, nil)
	require.NoError(t, err)
	entries, err := it.Keys()
	require.NoError(t, err)
	pending := int32(cargotypes.RESERVATION_STATUS_PENDING)
	require.Equal(t, []cargokeeper.OpenReservation{
		collections.Join(pending, collections.Join(id, collections.Join(int32(cargotypes.KEY_KIND_TRANSPORT_DOCUMENT), docHash("open-doc-1")))),
		collections.Join(pending, collections.Join(id, collections.Join(int32(cargotypes.KEY_KIND_BILL), cargotypes.BillIdentityOf(id)))),
	}, entries)
	// Raw: every entry starts with the prefix, the status and the bill id.
	store := c.zones[0].GetContext().KVStore(tctestutil.App(c.zones[0]).GetKey(cargotypes.StoreKey))
	raw := storetypes.KVStorePrefixIterator(store, cargotypes.RegistryOpenKey)
	n := 0
	for ; raw.Valid(); raw.Next() {
		want := append(append(append([]byte{}, cargotypes.RegistryOpenKey...), 0x80, 0, 0, byte(pending)), []byte(id+"\x00")...)
		require.True(t, bytes.HasPrefix(raw.Key(), want), "open entry %x is not under the bill %s", raw.Key(), id)
		n++
	}
	require.NoError(t, raw.Close())
	require.Equal(t, 2, n)
	res, err := cargokeeper.NewQueryServerImpl(k).RegistryPending(ctx, &cargotypes.QueryRegistryPendingRequest{})
	require.NoError(t, err)
	require.Len(t, res.Keys, 2)
	c.checkInvariants()

	c.acknowledge(sent[0], c.deliver(sent[0]))
	require.Equal(t, cargotypes.BILL_STATUS_ISSUED, c.bill(0, id).Status)
	it, err = k.RegistryOpen.Iterate(c.zones[0].GetContext(), nil)
	require.NoError(t, err)
	entries, err = it.Keys()
	require.NoError(t, err)
	require.Empty(t, entries, "the answer closes both")
	c.checkInvariants()
}
