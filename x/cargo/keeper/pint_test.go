package keeper_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/dcsa"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint/pinttest"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// pintFixture: a zone whose gateway (the Stranger account, registered as a
// PLATFORM party) trusts CARX (the carrier's platform), WAVE (another eBL
// platform) and TRDC (the corridor's own gateways' keys).
type pintFixture struct {
	*fixture
	carx, wave, trdc, forger *pinttest.Platform
	doc                      []byte
	hash                     string
	gateway                  string
}

func newPintFixture(t *testing.T) *pintFixture {
	f := &pintFixture{fixture: newFixture(t)}
	var err error
	for _, p := range []struct {
		dst  **pinttest.Platform
		code string
	}{{&f.carx, "CARX"}, {&f.wave, "WAVE"}, {&f.trdc, types.DefaultPintPlatformCode}, {&f.forger, "WAVE"}} {
		*p.dst, err = pinttest.NewPlatform(p.code, pint.ES256)
		require.NoError(t, err)
	}
	f.doc, err = os.ReadFile("../../../examples/ebl-shanghai-hongkong.json")
	require.NoError(t, err)
	f.hash, err = dcsa.Hash(f.doc)
	require.NoError(t, err)
	f.gateway = f.addr(cargotestutil.Stranger)
	_, err = f.srv.RegisterParty(f.ctx, &types.MsgRegisterParty{Authority: f.addr(cargotestutil.Admin), Party: types.Party{
		Address: f.gateway, Code: "GWHK", Name: "Hong Kong gateway", Jurisdiction: "HK", Roles: []types.Role{types.ROLE_PLATFORM}, Active: true}})
	require.NoError(t, err)
	for _, p := range []*pinttest.Platform{f.carx, f.wave, f.trdc} {
		_, err := f.srv.SetEblPlatform(f.ctx, &types.MsgSetEblPlatform{Authority: f.addr(cargotestutil.Admin),
			Platform: types.EblPlatform{Code: p.Code, Name: p.Code + " platform", Endpoint: "http://127.0.0.1:9/" + p.Code, Jwks: p.JWKS}})
		require.NoError(t, err)
	}
	return f
}

func (f *pintFixture) party(i int) pint.Party {
	return pinttest.Party(cargotestutil.Codes[i], types.DefaultPintPlatformCode, cargotestutil.Codes[i])
}

// chain: CARX issues to a shipper and transfers to a consignee on WAVE, who
// endorses the bill to recipient on this corridor.
func (f *pintFixture) chain(recipient pint.Party) []string {
	t := f.t
	shipper, consignee := pinttest.Party("Shipper Co", "CARX", "shipper"), pinttest.Party("Consignee Ltd", "WAVE", "consignee")
	im, err := f.carx.IssuanceManifest(f.doc, pint.IssueToParty{PartyName: "Shipper Co", SendToPlatform: "CARX", IdentifyingCodes: shipper.IdentifyingCodes})
	require.NoError(t, err)
	chain, err := f.carx.Append(nil, f.doc, im,
		pinttest.Tx(pint.ActionIssue, pinttest.Party("COSCO", "CARX", "COS"), &shipper),
		pinttest.Tx(pint.ActionTransfer, shipper, &consignee))
	require.NoError(t, err)
	chain, err = f.wave.Append(chain, f.doc, "", pinttest.Tx(pint.ActionEndorse, consignee, &recipient))
	require.NoError(t, err)
	return chain
}

func (f *pintFixture) importMsg(chain []string, recipient int) *types.MsgImportBill {
	manifest, err := f.wave.Manifest(f.doc, chain)
	require.NoError(f.t, err)
	return &types.MsgImportBill{Platform: f.gateway, SendingPlatform: "WAVE", TransportDocument: f.doc,
		EnvelopeManifest: manifest, TransferChain: chain, Recipient: f.addr(recipient)}
}

func (f *pintFixture) invariants() {
	msg, broken := keeper.AllInvariants(f.k)(f.ctx)
	require.False(f.t, broken, msg)
}

func TestImportBill(t *testing.T) {
	f := newPintFixture(t)
	chain := f.chain(f.party(cargotestutil.Importer))
	res, err := f.srv.ImportBill(f.ctx, f.importMsg(chain, cargotestutil.Importer))
	require.NoError(t, err)
	require.Equal(t, "COS-COSU6385270140", res.BillId)
	require.Equal(t, types.BILL_STATUS_ISSUED, res.Status) // no registry channel: held locally
	require.Equal(t, pint.Checksum(chain[1]), res.LastEntryChecksum)

	b := f.bill(res.BillId)
	require.Equal(t, f.addr(cargotestutil.Importer), b.Holder)
	require.Equal(t, f.addr(cargotestutil.Carrier), b.Carrier)
	require.Equal(t, f.hash, b.DocumentHash)
	require.Equal(t, types.BILL_MODE_TO_ORDER, b.Mode)
	require.Equal(t, f.addr(cargotestutil.Importer), b.Endorsee)
	require.Equal(t, "WAVE", b.ImportedFrom)
	require.Equal(t, types.RESERVATION_STATUS_LOCAL, b.CorridorStatus)

	// The history starts with the imported chain, hash-linked.
	hist, err := keeper.NewQueryServerImpl(f.k).BillHistory(f.ctx, &types.QueryBillHistoryRequest{Id: b.Id})
	require.NoError(t, err)
	require.Len(t, hist.Entries, 1)
	e := hist.Entries[0]
	require.Equal(t, types.ActionImported, e.Action)
	require.Equal(t, f.gateway, e.Actor)
	require.Equal(t, types.GenesisHead, e.PrevHead)
	require.Equal(t, types.ChainHead(e.PrevHead, e), e.Head)
	require.Equal(t, []string{pint.Checksum(chain[0]), pint.Checksum(chain[1])}, e.Pint.EntryChecksums)
	require.Equal(t, "WAVE", e.Pint.Platform)

	// The envelope is kept verbatim and found by its checksum.
	q := keeper.NewQueryServerImpl(f.k)
	envs, err := q.PintEnvelopes(f.ctx, &types.QueryPintEnvelopesRequest{BillId: b.Id})
	require.NoError(t, err)
	require.Len(t, envs.Envelopes, 1)
	require.Equal(t, chain, envs.Envelopes[0].TransferChain)
	require.True(t, envs.Envelopes[0].IssuanceManifestVerified, "CARX's key signs the issuance manifest")
	found, err := q.PintEnvelope(f.ctx, &types.QueryPintEnvelopeRequest{LastEntryChecksum: res.LastEntryChecksum})
	require.NoError(t, err)
	require.Equal(t, b.Id, found.Bill.Id)

	// The same envelope again is a duplicate (the gateway answers DUPE).
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.ImportBill(ctx, f.importMsg(chain, cargotestutil.Importer))
		return err
	}, types.ErrPintDuplicate)
	f.invariants()
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Len(t, gs.EblPlatforms, 3)
	require.Len(t, gs.PintEnvelopes, 1)
}

func TestImportBillRefusals(t *testing.T) {
	f := newPintFixture(t)
	good := f.chain(f.party(cargotestutil.Importer))
	forgedLast, err := f.forger.Append(good[:1], f.doc, "", pinttest.Tx(pint.ActionEndorse, pinttest.Party("Consignee Ltd", "WAVE", "consignee"), ptr(f.party(cargotestutil.Importer))))
	require.NoError(t, err)
	other, err := f.wave.Append(good, f.doc, "", pinttest.Tx(pint.ActionTransfer, f.party(cargotestutil.Importer), ptr(f.party(cargotestutil.Importer))))
	require.NoError(t, err)
	relinked := []string{good[0], other[2]} // the third entry links to the second, which is missing

	cases := []struct {
		name string
		edit func(m *types.MsgImportBill)
		want *errorsmod.Error
	}{
		{"forged signature", func(m *types.MsgImportBill) {
			m.TransferChain = forgedLast
			m.EnvelopeManifest = mustManifest(f, f.wave, forgedLast)
		}, types.ErrPintSignature},
		{"manifest by another platform", func(m *types.MsgImportBill) { m.EnvelopeManifest = mustManifest(f, f.carx, good) }, types.ErrPintSignature},
		{"untrusted sending platform", func(m *types.MsgImportBill) { m.SendingPlatform = "BOLE" }, types.ErrPintSignature},
		{"wrong sending platform", func(m *types.MsgImportBill) {
			m.SendingPlatform = "CARX"
			m.EnvelopeManifest = mustManifest(f, f.carx, good)
		}, types.ErrPintEnvelope},
		{"broken link", func(m *types.MsgImportBill) {
			m.TransferChain = relinked
			m.EnvelopeManifest = mustManifest(f, f.wave, relinked)
		}, types.ErrPintEnvelope},
		{"another document", func(m *types.MsgImportBill) { m.TransportDocument = []byte(`{"transportDocumentReference":"X"}`) }, types.ErrPintEnvelope},
		{"recipient not named", func(m *types.MsgImportBill) { m.Recipient = f.addr(cargotestutil.Bank) }, types.ErrPintRecipient},
		{"non-platform signer", func(m *types.MsgImportBill) { m.Platform = f.addr(cargotestutil.Bank) }, types.ErrWrongRole},
		{"unregistered recipient", func(m *types.MsgImportBill) { m.Recipient = f.addr(cargotestutil.Retired) }, types.ErrPartyInactive},
		{"empty chain", func(m *types.MsgImportBill) { m.TransferChain = nil }, types.ErrPintEnvelope},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := f.importMsg(good, cargotestutil.Importer)
			c.edit(m)
			f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.ImportBill(ctx, m); return err }, c.want)
		})
	}

	// An untrusted platform once trusted: removed, its envelopes refused.
	_, err = f.srv.RemoveEblPlatform(f.ctx, &types.MsgRemoveEblPlatform{Authority: f.addr(cargotestutil.Admin), Code: "WAVE"})
	require.NoError(t, err)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.ImportBill(ctx, f.importMsg(good, cargotestutil.Importer))
		return err
	}, types.ErrPintSignature)
	_, err = f.srv.SetEblPlatform(f.ctx, &types.MsgSetEblPlatform{Authority: f.addr(cargotestutil.Admin),
		Platform: types.EblPlatform{Code: "WAVE", Name: "Wave", Jwks: f.wave.JWKS}})
	require.NoError(t, err)

	// A held gateway cannot act.
	_, err = f.srv.PlaceHold(f.ctx, &types.MsgPlaceHold{Regulator: f.addr(cargotestutil.Customs), SubjectKind: types.HOLD_SUBJECT_PARTY, Subject: f.gateway, Reason: "audit"})
	require.NoError(t, err)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.ImportBill(ctx, f.importMsg(good, cargotestutil.Importer))
		return err
	}, types.ErrHeld)
	_, err = f.srv.LiftHold(f.ctx, &types.MsgLiftHold{Regulator: f.addr(cargotestutil.Customs), SubjectKind: types.HOLD_SUBJECT_PARTY, Subject: f.gateway, Reason: "cleared"})
	require.NoError(t, err)

	// The document is live here already (the carrier issued it on this
	// zone): the envelope is disputed (DISE), never a second bill.
	_, err = f.srv.IssueBill(f.ctx, &types.MsgIssueBill{Carrier: f.addr(cargotestutil.Carrier), TransportDocumentReference: "OTHERREF1",
		Type: types.BILL_TYPE_BOL, Mode: types.BILL_MODE_TO_ORDER, IssueTo: f.addr(cargotestutil.Exporter), DocumentHash: f.hash,
		PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2026-05-03"})
	require.NoError(t, err)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.ImportBill(ctx, f.importMsg(good, cargotestutil.Importer))
		return err
	}, types.ErrPintDispute)
	f.invariants()
}

func ptr(p pint.Party) *pint.Party { return &p }

func mustManifest(f *pintFixture, p *pinttest.Platform, chain []string) string {
	m, err := p.Manifest(f.doc, chain)
	require.NoError(f.t, err)
	return m
}

func TestEblPlatformMessages(t *testing.T) {
	f := newPintFixture(t)
	q := keeper.NewQueryServerImpl(f.k)
	res, err := q.EblPlatforms(f.ctx, &types.QueryEblPlatformsRequest{})
	require.NoError(t, err)
	require.Len(t, res.Platforms, 3)
	require.Equal(t, types.DefaultPintPlatformCode, res.OwnCode)
	one, err := q.EblPlatform(f.ctx, &types.QueryEblPlatformRequest{Code: "WAVE"})
	require.NoError(t, err)
	require.Equal(t, f.wave.JWKS, one.Platform.Jwks)

	admin := f.addr(cargotestutil.Admin)
	for _, c := range []struct {
		name string
		msg  *types.MsgSetEblPlatform
		want *errorsmod.Error
	}{
		{"not the authority", &types.MsgSetEblPlatform{Authority: f.addr(cargotestutil.Bank), Platform: types.EblPlatform{Code: "BOLE", Name: "Bolero", Jwks: f.wave.JWKS}}, types.ErrUnauthorized},
		{"HMAC key", &types.MsgSetEblPlatform{Authority: admin, Platform: types.EblPlatform{Code: "BOLE", Name: "Bolero", Jwks: `{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`}}, types.ErrInvalidJWKS},
		{"no keys", &types.MsgSetEblPlatform{Authority: admin, Platform: types.EblPlatform{Code: "BOLE", Name: "Bolero", Jwks: `{"keys":[]}`}}, types.ErrInvalidJWKS},
		{"code too long", &types.MsgSetEblPlatform{Authority: admin, Platform: types.EblPlatform{Code: "BOLERO", Name: "Bolero", Jwks: f.wave.JWKS}}, types.ErrPintPlatformCode},
		{"endpoint not http", &types.MsgSetEblPlatform{Authority: admin, Platform: types.EblPlatform{Code: "BOLE", Name: "Bolero", Endpoint: "ftp://x", Jwks: f.wave.JWKS}}, types.ErrInvalidField},
	} {
		t.Run(c.name, func(t *testing.T) {
			f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.SetEblPlatform(ctx, c.msg); return err }, c.want)
		})
	}
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.RemoveEblPlatform(ctx, &types.MsgRemoveEblPlatform{Authority: admin, Code: "BOLE"})
		return err
	}, types.ErrPlatformNotTrusted)
}

// Export: locked while EXPORTING; a refusal gives the bill back exactly
// once; RECE makes the EXPORTED tombstone; the bill coming back over PINT
// continues its own history under its own id; the same document by another
// route is disputed.
func TestExportAndReimport(t *testing.T) {
	f := newPintFixture(t)
	importer, bank := f.addr(cargotestutil.Importer), f.addr(cargotestutil.Bank)
	chain := f.chain(f.party(cargotestutil.Importer))
	res, err := f.srv.ImportBill(f.ctx, f.importMsg(chain, cargotestutil.Importer))
	require.NoError(t, err)
	id := res.BillId
	waveParty := pinttest.Party("Consignee Ltd", "WAVE", "consignee")
	export := &types.MsgExportBill{Holder: importer, BillId: id, Platform: "WAVE", RecipientName: waveParty.PartyName,
		RecipientCodes: []types.IdentifyingCode{{CodeListProvider: "WAVE", PartyCode: "consignee"}}}

	for _, c := range []struct {
		name string
		edit func(m *types.MsgExportBill)
		want *errorsmod.Error
	}{
		{"not the holder", func(m *types.MsgExportBill) { m.Holder = bank }, types.ErrNotHolder},
		{"untrusted platform", func(m *types.MsgExportBill) { m.Platform = "BOLE" }, types.ErrPlatformNotTrusted},
		{"own platform", func(m *types.MsgExportBill) { m.Platform = types.DefaultPintPlatformCode }, types.ErrPintPlatformCode},
		{"no recipient codes", func(m *types.MsgExportBill) { m.RecipientCodes = nil }, types.ErrInvalidField},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := *export
			c.edit(&m)
			f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.ExportBill(ctx, &m); return err }, c.want)
		})
	}

	// Export → locked.
	_, err = f.srv.ExportBill(f.ctx, export)
	require.NoError(t, err)
	b := f.bill(id)
	require.Equal(t, types.BILL_STATUS_EXPORTING, b.Status)
	require.Equal(t, importer, b.Holder)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.EndorseBill(ctx, &types.MsgEndorseBill{Holder: importer, BillId: id, Endorsee: bank})
		return err
	}, types.ErrWrongStatus)
	f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.ExportBill(ctx, export); return err }, types.ErrWrongStatus)
	f.invariants()

	// Our gateway's entry: the importer endorses to the WAVE party.
	sent, err := f.trdc.Append(chain, f.doc, "", pinttest.Tx(pint.ActionEndorse, f.party(cargotestutil.Importer), &waveParty))
	require.NoError(t, err)
	last := pint.Checksum(sent[len(sent)-1])

	// WAVE refuses (BENV): the bill is back with its holder, exactly once.
	benv, err := f.wave.Finished(last, pint.BENV, "recipient unknown")
	require.NoError(t, err)
	forged, err := f.forger.Finished(last, pint.RECE, "")
	require.NoError(t, err)
	conclude := func(signed string) *types.MsgConcludeExport {
		return &types.MsgConcludeExport{Platform: f.gateway, BillId: id, SignedResponse: signed, LastEntryChecksum: last}
	}
	f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.ConcludeExport(ctx, conclude(forged)); return err }, types.ErrPintResponse)
	f.expectFailure(func(ctx sdk.Context) error {
		m := conclude(benv)
		m.Platform = bank
		_, err := f.srv.ConcludeExport(ctx, m)
		return err
	}, types.ErrWrongRole)
	mdoc, err := f.wave.Finished(last, pint.MDOC, "")
	require.NoError(t, err)
	f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.ConcludeExport(ctx, conclude(mdoc)); return err }, types.ErrPintResponse)

	cres, err := f.srv.ConcludeExport(f.ctx, conclude(benv))
	require.NoError(t, err)
	require.Equal(t, types.BILL_STATUS_ISSUED, cres.Status)
	b = f.bill(id)
	require.Equal(t, importer, b.Holder)
	require.Equal(t, "BENV", b.Export.ResponseCode)
	require.Equal(t, "recipient unknown", b.Export.ResponseReason)
	f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.ConcludeExport(ctx, conclude(benv)); return err }, types.ErrExportConcluded)
	rece, err := f.wave.Finished(last, pint.RECE, "")
	require.NoError(t, err)
	f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.ConcludeExport(ctx, conclude(rece)); return err }, types.ErrExportConcluded)
	f.invariants()

	// Export again; WAVE accepts: EXPORTED tombstone with the signed answer.
	_, err = f.srv.ExportBill(f.ctx, export)
	require.NoError(t, err)
	cres, err = f.srv.ConcludeExport(f.ctx, conclude(rece))
	require.NoError(t, err)
	require.Equal(t, types.BILL_STATUS_EXPORTED, cres.Status)
	b = f.bill(id)
	require.Empty(t, b.Holder)
	require.Equal(t, importer, b.DepartedHolder)
	require.Equal(t, rece, b.Export.SignedResponse)
	require.Equal(t, last, b.Export.LastEntryChecksum)
	f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.ConcludeExport(ctx, conclude(rece)); return err }, types.ErrExportConcluded)
	// The document stays reserved by this bill: a fresh issue of it is refused.
	rk, found, err := f.k.GetRegistryKey(f.ctx, types.KEY_KIND_TRANSPORT_DOCUMENT, f.hash)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, id, rk.Reference)
	f.invariants()
	histLen := b.HistoryLen

	// The same document by another route (a chain that does not continue the
	// one this zone sent): disputed.
	otherRoute := f.chain(f.party(cargotestutil.Bank))
	m := f.importMsg(otherRoute, cargotestutil.Bank)
	f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.ImportBill(ctx, m); return err }, types.ErrPintDispute)
	diverted, err := f.wave.Append(chain, f.doc, "", pinttest.Tx(pint.ActionTransfer, waveParty, ptr(f.party(cargotestutil.Bank))))
	require.NoError(t, err)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.ImportBill(ctx, f.importMsg(diverted, cargotestutil.Bank))
		return err
	}, types.ErrPintDispute)

	// It comes back: WAVE transfers it to the bank on this corridor.
	back, err := f.wave.Append(sent, f.doc, "", pinttest.Tx(pint.ActionTransfer, waveParty, ptr(f.party(cargotestutil.Bank))))
	require.NoError(t, err)
	ires, err := f.srv.ImportBill(f.ctx, f.importMsg(back, cargotestutil.Bank))
	require.NoError(t, err)
	require.Equal(t, id, ires.BillId, "the bill continues under its own id")
	require.Equal(t, types.BILL_STATUS_ISSUED, ires.Status)
	b = f.bill(id)
	require.Equal(t, bank, b.Holder)
	require.Equal(t, histLen+1, b.HistoryLen)
	entries, err := keeper.NewQueryServerImpl(f.k).BillHistory(f.ctx, &types.QueryBillHistoryRequest{Id: id})
	require.NoError(t, err)
	var v types.HistoryVerifier
	for _, e := range entries.Entries {
		require.NoError(t, v.Next(e))
	}
	require.NoError(t, v.Finish(b))
	actions := []string{}
	for _, e := range entries.Entries {
		actions = append(actions, e.Action)
	}
	require.Equal(t, []string{types.ActionImported, types.ActionExport, types.ActionExportRefused, types.ActionExport, types.ActionExportAccepted, types.ActionImported}, actions)
	envs, err := keeper.NewQueryServerImpl(f.k).PintEnvelopes(f.ctx, &types.QueryPintEnvelopesRequest{BillId: id})
	require.NoError(t, err)
	require.Len(t, envs.Envelopes, 2)
	f.invariants()
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Len(t, gs.PintEnvelopes, 2)

	// Genesis round trip of the platforms and envelopes: the same state, and
	// the envelope still refuses a replay.
	g := newFixture(t)
	require.NoError(t, g.k.InitGenesis(g.ctx, *gs))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, again)
	msg, broken := keeper.AllInvariants(g.k)(g.ctx)
	require.False(t, broken, msg)
	_, err = keeper.NewMsgServerImpl(g.k).ImportBill(g.ctx, f.importMsg(back, cargotestutil.Bank))
	require.ErrorIs(t, err, types.ErrPintDuplicate)
}
