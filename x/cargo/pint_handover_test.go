package cargo_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint/pinttest"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// handoverCorridor: a pintCorridor whose registry channel is open, where
// shanghai's sender account is carrier COS, the exporting trader and
// shanghai's gateway (PLATFORM) at once, shanghai trusts WAVE, and hongkong
// trusts shanghai's gateway keys (TRDC, the entries of an envelope shanghai
// exported).
type handoverCorridor struct {
	*pintCorridor
	reg     *ibctesting.Path
	shGw    *pinttest.Platform
	shParty string
}

func newHandoverCorridor(t *testing.T) *handoverCorridor {
	c := &handoverCorridor{pintCorridor: newPintCorridor(t)}
	var err error
	c.shGw, err = pinttest.NewPlatform(types.DefaultPintPlatformCode, pint.ES256)
	require.NoError(t, err)
	c.shParty = c.sh.SenderAccount.GetAddress().String()
	sk := tctestutil.App(c.sh).CargoKeeper
	ctx := c.sh.GetContext()
	require.NoError(t, sk.Parties.Set(ctx, c.shParty, types.Party{Address: c.shParty, Code: "COS", Name: "COSCO (and its gateway)",
		Jurisdiction: "CN", Roles: []types.Role{types.ROLE_CARRIER, types.ROLE_TRADER, types.ROLE_PLATFORM}, Active: true}))
	for _, pl := range []*pinttest.Platform{c.wave, c.shGw} {
		_, err = keeper.NewMsgServerImpl(sk).SetEblPlatform(ctx, &types.MsgSetEblPlatform{Authority: sk.Authority(),
			Platform: types.EblPlatform{Code: pl.Code, Name: pl.Code, Jwks: pl.JWKS}})
		require.NoError(t, err)
	}
	hk := tctestutil.App(c.hk).CargoKeeper
	_, err = keeper.NewMsgServerImpl(hk).SetEblPlatform(c.hk.GetContext(), &types.MsgSetEblPlatform{Authority: hk.Authority(),
		Platform: types.EblPlatform{Code: c.shGw.Code, Name: "shanghai gateway", Jwks: c.shGw.JWKS}})
	require.NoError(t, err)
	c.coord.CommitBlock(c.hk, c.sh)
	c.reg = tctestutil.OpenRegistry(c.coord, c.path)
	return c
}

var waveConsignee = pinttest.Party("Wave Consignee Ltd", "WAVE", "WC-1")

// exported is a bill shanghai issued (the registry confirms it, so hongkong
// knows shanghai holds its keys) and exported to WAVE's consignee: sent is
// the transfer chain shanghai's gateway signed. conclude: WAVE's RECE is
// recorded (EXPORTED); otherwise the export is still in flight (EXPORTING).
type exported struct {
	id, hash string
	doc      []byte
	sent     []string
	last     string
}

func (c *handoverCorridor) export(ref string, conclude bool) exported {
	t := c.t
	doc, hash := document(t, ref)
	e := exported{id: "COS-" + ref, hash: hash, doc: doc}
	res, err := c.sh.SendMsgs(&types.MsgIssueBill{Carrier: c.shParty, TransportDocumentReference: ref, Type: types.BILL_TYPE_BOL,
		Mode: types.BILL_MODE_TO_ORDER, IssueTo: c.shParty, DocumentHash: hash, PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2020-01-01"})
	require.NoError(t, err)
	for _, p := range registryPackets(t, res) {
		require.NoError(t, c.reg.RelayPacket(p))
	}
	require.Equal(t, types.BILL_STATUS_ISSUED, c.bill(c.sh, e.id).Status)
	known, found, err := tctestutil.App(c.hk).CargoKeeper.GetRegistryKey(c.hk.GetContext(), types.KEY_KIND_TRANSPORT_DOCUMENT, hash)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, types.RESERVATION_STATUS_HELD_REMOTE, known.Status)

	_, err = c.sh.SendMsgs(&types.MsgExportBill{Holder: c.shParty, BillId: e.id, Platform: "WAVE", RecipientName: waveConsignee.PartyName,
		RecipientCodes: []types.IdentifyingCode{{CodeListProvider: "WAVE", PartyCode: "WC-1"}}})
	require.NoError(t, err)
	shipper := pinttest.Party("COSCO", c.shGw.Code, c.shParty)
	im, err := c.shGw.IssuanceManifest(doc, pint.IssueToParty{PartyName: "COSCO", SendToPlatform: c.shGw.Code, IdentifyingCodes: shipper.IdentifyingCodes})
	require.NoError(t, err)
	e.sent, err = c.shGw.Append(nil, doc, im, pinttest.Tx(pint.ActionIssue, shipper, &shipper), pinttest.Tx(pint.ActionTransfer, shipper, &waveConsignee))
	require.NoError(t, err)
	e.last = pint.Checksum(e.sent[len(e.sent)-1])
	if conclude {
		rece, err := c.wave.Finished(e.last, pint.RECE, "")
		require.NoError(t, err)
		_, err = c.sh.SendMsgs(&types.MsgConcludeExport{Platform: c.shParty, BillId: e.id, SignedResponse: rece, LastEntryChecksum: e.last})
		require.NoError(t, err)
		require.Equal(t, types.BILL_STATUS_EXPORTED, c.bill(c.sh, e.id).Status)
	}
	return e
}

// onward: WAVE's consignee transfers the bill on to recipient (a party of
// platform code) after chain; the envelope WAVE sends.
func (c *handoverCorridor) onward(e exported, chain []string, platform, recipient string) *types.MsgImportBill {
	to := pinttest.Party("Next holder", platform, recipient)
	full, err := c.wave.Append(chain, e.doc, "", pinttest.Tx(pint.ActionTransfer, waveConsignee, &to))
	require.NoError(c.t, err)
	manifest, err := c.wave.Manifest(e.doc, full)
	require.NoError(c.t, err)
	c.lastChain = full
	return &types.MsgImportBill{SendingPlatform: "WAVE", TransportDocument: e.doc, EnvelopeManifest: manifest, TransferChain: full, Recipient: recipient}
}

// importOnHk lands m through hongkong's gateway: bill id is PENDING, and
// the registry packet it sent (not relayed yet) is returned.
func (c *handoverCorridor) importOnHk(m *types.MsgImportBill, id string) channeltypes.Packet {
	m.Platform = c.hk.SenderAccount.GetAddress().String()
	res, err := c.hk.SendMsgs(m)
	require.NoError(c.t, err)
	packets := registryPackets(c.t, res)
	require.Len(c.t, packets, 1)
	require.Equal(c.t, types.BILL_STATUS_PENDING, c.bill(c.hk, id).Status)
	return packets[0]
}

// registryKey is chain's record of a key: for a BILL key, key names the bill
// (its identity is kept under carrier code and reference, not its hash).
func (c *handoverCorridor) registryKey(chain *ibctesting.TestChain, kind types.KeyKind, key string) types.RegistryKey {
	k := tctestutil.App(chain).CargoKeeper
	get := k.GetRegistryKey
	if kind == types.KEY_KIND_BILL {
		get = func(ctx context.Context, _ types.KeyKind, id string) (types.RegistryKey, bool, error) {
			return k.GetBillIdentityKey(ctx, id)
		}
	}
	r, found, err := get(chain.GetContext(), kind, key)
	require.NoError(c.t, err)
	require.True(c.t, found, "no %s key %s on %s", kind, key, chain.ChainID)
	return r
}

func (c *handoverCorridor) history(chain *ibctesting.TestChain, id string) []types.HistoryEntry {
	res, err := keeper.NewQueryServerImpl(tctestutil.App(chain).CargoKeeper).BillHistory(chain.GetContext(), &types.QueryBillHistoryRequest{Id: id})
	require.NoError(c.t, err)
	var v types.HistoryVerifier
	for _, e := range res.Entries {
		require.NoError(c.t, v.Next(e))
	}
	require.NoError(c.t, v.Finish(c.bill(chain, id)))
	return res.Entries
}

func actions(entries []types.HistoryEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Action
	}
	return out
}

// Issue 37: a bill shanghai exported over PINT, which another platform sends
// on to a party of hongkong, lands on hongkong: shanghai's registry hands its
// keys over because the import's transfer chain continues the one shanghai
// exported. The same document with a chain that does not continue it is
// refused (DISE) naming shanghai, and hongkong still knows shanghai holds it;
// once handed over, shanghai's tombstone says where the bill continued and
// refuses the bill coming back to shanghai as well.
func TestExportedBillContinuesOnTheOtherZone(t *testing.T) {
	c := newHandoverCorridor(t)
	e := c.export("COSU0000000011", true)

	// Another route: the carrier's document issued on CARX, sent by WAVE to
	// the same importer on hongkong. The chain does not hold shanghai's
	// export: shanghai refuses to hand over, hongkong's bill is
	// REJECTED_DUPLICATE and the key is shanghai's again.
	foreign := c.importMsg(e.doc)
	p := c.importOnHk(foreign, e.id)
	asked := c.registryKey(c.hk, types.KEY_KIND_TRANSPORT_DOCUMENT, e.hash)
	require.Equal(t, types.RESERVATION_STATUS_PENDING, asked.Status)
	require.Equal(t, c.sh.ChainID, asked.HandoverFrom)
	require.NoError(t, c.reg.RelayPacket(p))
	b := c.bill(c.hk, e.id)
	require.Equal(t, types.BILL_STATUS_REJECTED_DUPLICATE, b.Status)
	h := c.history(c.hk, e.id)
	require.Contains(t, h[len(h)-1].Detail, "transport document already issued as a bill on "+c.sh.ChainID)
	require.Contains(t, h[len(h)-1].Detail, "which the import's chain does not continue")
	for _, k := range []struct {
		kind types.KeyKind
		key  string
	}{{types.KEY_KIND_TRANSPORT_DOCUMENT, e.hash}, {types.KEY_KIND_BILL, e.id}} {
		r := c.registryKey(c.hk, k.kind, k.key)
		require.Equal(t, types.RESERVATION_STATUS_HELD_REMOTE, r.Status, "hongkong knows again who holds %s", k.kind)
		require.Equal(t, c.sh.ChainID, r.HolderZone)
		require.Equal(t, e.id, r.Reference)
		require.Empty(t, r.HandoverFrom)
	}
	require.Empty(t, c.bill(c.sh, e.id).Export.ContinuedOn)
	require.Equal(t, types.RESERVATION_STATUS_CONFIRMED, c.registryKey(c.sh, types.KEY_KIND_TRANSPORT_DOCUMENT, e.hash).Status)
	c.invariants()

	// WAVE's consignee sends the exported bill on to the importer on
	// hongkong: its chain continues shanghai's. Handed over: ISSUED on
	// hongkong, held by the importer, its history starting with the whole
	// imported chain.
	p = c.importOnHk(c.onward(e, e.sent, types.DefaultPintPlatformCode, c.recipient), e.id)
	require.NoError(t, c.reg.RelayPacket(p))
	b = c.bill(c.hk, e.id)
	require.Equal(t, types.BILL_STATUS_ISSUED, b.Status)
	require.Equal(t, c.recipient, b.Holder)
	require.Equal(t, types.RESERVATION_STATUS_CONFIRMED, b.CorridorStatus)
	h = c.history(c.hk, e.id)
	require.Equal(t, []string{types.ActionImported, keeper.ActionCorridorConfirmed}, actions(h))
	require.Equal(t, append(append([]string{}, pintSums(e.sent)...), pint.Checksum(c.lastChain[len(c.lastChain)-1])), h[0].Pint.EntryChecksums)
	for _, k := range []struct {
		kind types.KeyKind
		key  string
	}{{types.KEY_KIND_TRANSPORT_DOCUMENT, e.hash}, {types.KEY_KIND_BILL, e.id}} {
		mine := c.registryKey(c.hk, k.kind, k.key)
		require.Equal(t, types.RESERVATION_STATUS_CONFIRMED, mine.Status)
		require.Empty(t, mine.HandoverFrom)
		theirs := c.registryKey(c.sh, k.kind, k.key)
		require.Equal(t, types.RESERVATION_STATUS_HELD_REMOTE, theirs.Status)
		require.Equal(t, c.hk.ChainID, theirs.HolderZone)
		require.Equal(t, e.id, theirs.Reference)
	}
	// Shanghai's tombstone notes where the bill continued.
	tomb := c.bill(c.sh, e.id)
	require.Equal(t, types.BILL_STATUS_EXPORTED, tomb.Status)
	require.Equal(t, c.hk.ChainID, tomb.Export.ContinuedOn)
	require.NotZero(t, tomb.Export.ContinuedHeight)
	sh := c.history(c.sh, e.id)
	last := sh[len(sh)-1]
	require.Equal(t, keeper.ActionExportContinued, last.Action)
	require.Contains(t, last.Detail, "continued on "+c.hk.ChainID)
	require.Equal(t, e.last, last.Pint.LastEntryChecksum)
	c.invariants()

	// WAVE sends the same exported chain to shanghai too: refused, the bill
	// lives on hongkong.
	back := c.onward(e, e.sent, types.DefaultPintPlatformCode, c.shParty)
	back.Platform = c.shParty
	_, err := c.sh.SendMsgs(back)
	require.ErrorContains(t, err, "continued on "+c.hk.ChainID)
	require.Equal(t, types.BILL_STATUS_EXPORTED, c.bill(c.sh, e.id).Status)
	c.invariants()
}

func pintSums(chain []string) []string {
	out := make([]string, len(chain))
	for i, s := range chain {
		out[i] = pint.Checksum(s)
	}
	return out
}

// Only one zone gets the exported bill back, and only once its export is
// concluded:
//   - while shanghai's export is in flight (EXPORTING), hongkong's import of
//     a chain continuing it is refused (DISE): the key stays shanghai's;
//   - WAVE sends the exported chain on to both zones: shanghai's own import
//     (the bill returning, no registry round trip) lands first, and then
//     hongkong's reservation is refused — one bill.
func TestHandoverRaces(t *testing.T) {
	c := newHandoverCorridor(t)

	inFlight := c.export("COSU0000000021", false)
	require.Equal(t, types.BILL_STATUS_EXPORTING, c.bill(c.sh, inFlight.id).Status)
	p := c.importOnHk(c.onward(inFlight, inFlight.sent, types.DefaultPintPlatformCode, c.recipient), inFlight.id)
	require.NoError(t, c.reg.RelayPacket(p))
	require.Equal(t, types.BILL_STATUS_REJECTED_DUPLICATE, c.bill(c.hk, inFlight.id).Status)
	h := c.history(c.hk, inFlight.id)
	require.Contains(t, h[len(h)-1].Detail, "is still being exported to WAVE")
	require.Equal(t, types.BILL_STATUS_EXPORTING, c.bill(c.sh, inFlight.id).Status)
	require.Equal(t, types.RESERVATION_STATUS_CONFIRMED, c.registryKey(c.sh, types.KEY_KIND_TRANSPORT_DOCUMENT, inFlight.hash).Status)
	require.Equal(t, types.RESERVATION_STATUS_HELD_REMOTE, c.registryKey(c.hk, types.KEY_KIND_TRANSPORT_DOCUMENT, inFlight.hash).Status)
	c.invariants()

	both := c.export("COSU0000000022", true)
	p = c.importOnHk(c.onward(both, both.sent, types.DefaultPintPlatformCode, c.recipient), both.id)
	back := c.onward(both, both.sent, types.DefaultPintPlatformCode, c.shParty)
	back.Platform = c.shParty
	_, err := c.sh.SendMsgs(back)
	require.NoError(t, err)
	require.Equal(t, types.BILL_STATUS_ISSUED, c.bill(c.sh, both.id).Status)
	require.NoError(t, c.reg.RelayPacket(p))
	require.Equal(t, types.BILL_STATUS_REJECTED_DUPLICATE, c.bill(c.hk, both.id).Status)
	h = c.history(c.hk, both.id)
	require.Contains(t, h[len(h)-1].Detail, "is BILL_STATUS_ISSUED here, not EXPORTED")
	live := c.bill(c.sh, both.id)
	require.Equal(t, c.shParty, live.Holder)
	require.Empty(t, live.Export.ContinuedOn)
	require.Equal(t, types.RESERVATION_STATUS_CONFIRMED, c.registryKey(c.sh, types.KEY_KIND_TRANSPORT_DOCUMENT, both.hash).Status)
	c.invariants()
}
