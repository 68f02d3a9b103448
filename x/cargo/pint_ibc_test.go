package cargo_test

import (
	"os"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	host "github.com/cosmos/ibc-go/v8/modules/core/24-host"
	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo/dcsa"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint/pinttest"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// pintCorridor: hongkong's sender account is its carrier COS and its DCSA
// gateway (PLATFORM), SenderAccounts[1] a trader there; hongkong trusts the
// eBL platforms CARX and WAVE.
type pintCorridor struct {
	*corridor
	carx, wave *pinttest.Platform
	recipient  string
	lastChain  []string // the transfer chain importMsg built last
}

func newPintCorridor(t *testing.T) *pintCorridor {
	c := &pintCorridor{corridor: newCorridor(t)}
	var err error
	c.carx, err = pinttest.NewPlatform("CARX", pint.ES256)
	require.NoError(t, err)
	c.wave, err = pinttest.NewPlatform("WAVE", pint.EdDSA)
	require.NoError(t, err)
	k := tctestutil.App(c.hk).CargoKeeper
	ctx := c.hk.GetContext()
	// The sender account (which ibctesting signs with) becomes the gateway
	// only; the carrier COS is another account.
	gw := c.hk.SenderAccount.GetAddress().String()
	require.NoError(t, k.Parties.Set(ctx, gw, types.Party{Address: gw, Code: "GWHK", Name: "Hong Kong gateway",
		Jurisdiction: "HK", Roles: []types.Role{types.ROLE_PLATFORM}, Active: true}))
	carrier := c.hk.SenderAccounts[2].SenderAccount.GetAddress().String()
	require.NoError(t, k.Parties.Set(ctx, carrier, types.Party{Address: carrier, Code: "COS", Name: "COSCO",
		Jurisdiction: "CN", Roles: []types.Role{types.ROLE_CARRIER}, Active: true}))
	c.recipient = c.hk.SenderAccounts[1].SenderAccount.GetAddress().String()
	require.NoError(t, k.Parties.Set(ctx, c.recipient, types.Party{Address: c.recipient, Code: "KBCT", Name: "Importer",
		Jurisdiction: "HK", Roles: []types.Role{types.ROLE_TRADER}, Active: true}))
	srv := keeper.NewMsgServerImpl(k)
	for _, pl := range []*pinttest.Platform{c.carx, c.wave} {
		_, err := srv.SetEblPlatform(ctx, &types.MsgSetEblPlatform{Authority: k.Authority(), Platform: types.EblPlatform{Code: pl.Code, Name: pl.Code, Jwks: pl.JWKS}})
		require.NoError(t, err)
	}
	c.coord.CommitBlock(c.hk)
	return c
}

// document is the example transport document with reference ref.
func document(t *testing.T, ref string) ([]byte, string) {
	raw, err := os.ReadFile("../../examples/ebl-shanghai-hongkong.json")
	require.NoError(t, err)
	doc := []byte(strings.Replace(string(raw), "COSU6385270140", ref, 1))
	h, err := dcsa.Hash(doc)
	require.NoError(t, err)
	return doc, h
}

// envelope: CARX issues to a shipper and transfers to WAVE's consignee, who
// endorses it to the importer on hongkong (the corridor's platform code).
func (c *pintCorridor) importMsg(doc []byte) *types.MsgImportBill {
	t := c.t
	shipper, consignee := pinttest.Party("Shipper", "CARX", "shipper"), pinttest.Party("Consignee", "WAVE", "consignee")
	importer := pinttest.Party("Importer", types.DefaultPintPlatformCode, c.recipient)
	im, err := c.carx.IssuanceManifest(doc, pint.IssueToParty{PartyName: "Shipper", SendToPlatform: "CARX", IdentifyingCodes: shipper.IdentifyingCodes})
	require.NoError(t, err)
	chain, err := c.carx.Append(nil, doc, im, pinttest.Tx(pint.ActionIssue, pinttest.Party("COSCO", "CARX", "COS"), &shipper),
		pinttest.Tx(pint.ActionTransfer, shipper, &consignee))
	require.NoError(t, err)
	chain, err = c.wave.Append(chain, doc, "", pinttest.Tx(pint.ActionEndorse, consignee, &importer))
	require.NoError(t, err)
	manifest, err := c.wave.Manifest(doc, chain)
	require.NoError(t, err)
	c.lastChain = chain
	return &types.MsgImportBill{Platform: c.hk.SenderAccount.GetAddress().String(), SendingPlatform: "WAVE",
		TransportDocument: doc, EnvelopeManifest: manifest, TransferChain: chain, Recipient: c.recipient}
}

func registryPackets(t *testing.T, res *abci.ExecTxResult) []channeltypes.Packet {
	var out []channeltypes.Packet
	for _, ev := range res.Events {
		if ev.Type != channeltypes.EventTypeSendPacket {
			continue
		}
		p, err := ibctesting.ParsePacketFromEvents([]abci.Event{ev})
		require.NoError(t, err)
		if p.SourcePort == types.RegistryPortID {
			out = append(out, p)
		}
	}
	return out
}

func eventAttr(events []abci.Event, typ, key string) string {
	for _, ev := range events {
		if ev.Type == typ {
			for _, a := range ev.Attributes {
				if a.Key == key {
					return a.Value
				}
			}
		}
	}
	return ""
}

// The corridor registry guards bills arriving over PINT like issues: a
// document live on shanghai is never a second bill on hongkong. Known to
// hongkong already: the import is refused (the gateway answers DISE). Not
// known yet (shanghai issued it before the registry channel opened): the
// bill is PENDING, and the registry's refusal makes it REJECTED_DUPLICATE
// (EventImportSettled, DISE). A document live nowhere else is confirmed:
// ISSUED (RECE).
func TestImportGuardedByCorridorRegistry(t *testing.T) {
	c := newPintCorridor(t)
	shCarrier := c.sh.SenderAccount.GetAddress().String()
	issueOnSh := func(ref, hash string) *abci.ExecTxResult {
		res, err := c.sh.SendMsgs(&types.MsgIssueBill{Carrier: shCarrier, TransportDocumentReference: ref, Type: types.BILL_TYPE_BOL,
			Mode: types.BILL_MODE_TO_ORDER, IssueTo: shCarrier, DocumentHash: hash, PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2020-01-01"})
		require.NoError(t, err)
		return res
	}

	// Shanghai issues document 1 while no registry channel exists (held
	// locally); then the zones open the registry.
	doc1, hash1 := document(t, "COSU0000000001")
	issueOnSh("SH0001", hash1)
	reg := tctestutil.OpenRegistry(c.coord, c.path)

	// Hongkong imports it: PENDING, a reservation on its way.
	res, err := c.hk.SendMsgs(c.importMsg(doc1))
	require.NoError(t, err)
	require.Equal(t, `"BILL_STATUS_PENDING"`, eventAttr(res.Events, "tradechain.cargo.v1.EventBillImported", "status"))
	packets := registryPackets(t, res)
	require.Len(t, packets, 1)
	require.Equal(t, types.BILL_STATUS_PENDING, c.bill(c.hk, "COS-COSU0000000001").Status)
	// Relay by hand to see the acknowledgement's events on hongkong: the
	// gateway learns the outcome from EventImportSettled.
	p := packets[0]
	require.NoError(t, reg.EndpointB.UpdateClient())
	recv, err := reg.EndpointB.RecvPacketWithResult(p)
	require.NoError(t, err)
	ack, err := ibctesting.ParseAckFromEvents(recv.Events)
	require.NoError(t, err)
	proof, proofHeight := reg.EndpointB.QueryProof(host.PacketAcknowledgementKey(p.GetDestPort(), p.GetDestChannel(), p.GetSequence()))
	acked, err := c.hk.SendMsgs(channeltypes.NewMsgAcknowledgement(p, ack, proof, proofHeight, c.hk.SenderAccount.GetAddress().String()))
	require.NoError(t, err)
	require.Equal(t, `"BILL_STATUS_REJECTED_DUPLICATE"`, eventAttr(acked.Events, "tradechain.cargo.v1.EventImportSettled", "status"))
	require.Equal(t, `"`+pint.Checksum(c.lastChain[len(c.lastChain)-1])+`"`, eventAttr(acked.Events, "tradechain.cargo.v1.EventImportSettled", "last_entry_checksum"))
	require.Equal(t, `"WAVE"`, eventAttr(acked.Events, "tradechain.cargo.v1.EventImportSettled", "platform"))
	b := c.bill(c.hk, "COS-COSU0000000001")
	require.Equal(t, types.BILL_STATUS_REJECTED_DUPLICATE, b.Status)
	_, err = tctestutil.App(c.hk).CargoKeeper.Documents.Get(c.hk.GetContext(), hash1)
	require.Error(t, err, "a rejected import anchors nothing")
	c.invariants()

	// Document 2 issued on shanghai with the registry open: hongkong knows
	// it is held there and refuses the import outright.
	doc2, hash2 := document(t, "COSU0000000002")
	for _, p := range registryPackets(t, issueOnSh("SH0002", hash2)) {
		require.NoError(t, reg.RelayPacket(p))
	}
	_, err = c.hk.SendMsgs(c.importMsg(doc2))
	require.ErrorContains(t, err, types.ErrPintDispute.Error())
	_, err = tctestutil.App(c.hk).CargoKeeper.GetBill(c.hk.GetContext(), "COS-COSU0000000002")
	require.ErrorIs(t, err, types.ErrBillNotFound)

	// Document 3 is live nowhere: PENDING, then confirmed — ISSUED, held by
	// the importer.
	doc3, _ := document(t, "COSU0000000003")
	res, err = c.hk.SendMsgs(c.importMsg(doc3))
	require.NoError(t, err)
	packets = registryPackets(t, res)
	require.Len(t, packets, 1)
	require.NoError(t, reg.RelayPacket(packets[0]))
	b = c.bill(c.hk, "COS-COSU0000000003")
	require.Equal(t, types.BILL_STATUS_ISSUED, b.Status)
	require.Equal(t, c.recipient, b.Holder)
	require.Equal(t, types.RESERVATION_STATUS_CONFIRMED, b.CorridorStatus)
	c.invariants()

	// Document 4: the reservation times out (the bill waits, PENDING /
	// TIMED_OUT); the gateway — not the carrier — retries it, and the
	// registry confirms.
	doc4, hash4 := document(t, "COSU0000000004")
	res, err = c.hk.SendMsgs(c.importMsg(doc4))
	require.NoError(t, err)
	packets = registryPackets(t, res)
	require.Len(t, packets, 1)
	p = packets[0]
	if now := uint64(c.sh.CurrentHeader.Time.UnixNano()); now <= p.TimeoutTimestamp {
		c.coord.IncrementTimeBy(time.Duration(p.TimeoutTimestamp-now) + time.Second)
	}
	c.coord.CommitBlock(c.sh)
	require.NoError(t, reg.EndpointA.UpdateClient())
	require.NoError(t, reg.EndpointA.TimeoutPacket(p))
	b = c.bill(c.hk, "COS-COSU0000000004")
	require.Equal(t, types.BILL_STATUS_PENDING, b.Status)
	require.Equal(t, types.RESERVATION_STATUS_TIMED_OUT, b.CorridorStatus)
	res, err = c.hk.SendMsgs(&types.MsgRetryReservation{Signer: c.hk.SenderAccount.GetAddress().String(), Kind: types.KEY_KIND_TRANSPORT_DOCUMENT, Key: hash4})
	require.NoError(t, err)
	packets = registryPackets(t, res)
	require.Len(t, packets, 1)
	require.NoError(t, reg.RelayPacket(packets[0]))
	require.Equal(t, types.BILL_STATUS_ISSUED, c.bill(c.hk, "COS-COSU0000000004").Status)
	c.invariants()
}
