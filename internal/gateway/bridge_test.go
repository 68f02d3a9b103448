package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/dcsa"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// cliIssue issues a bill for doc the way `tx cargo issue-bill` does: by the
// carrier's own transaction, so the gateway never sees the document or a
// manifest.
func (f *fixture) cliIssue(doc json.RawMessage) *cargotypes.Bill {
	t := f.t
	d, err := dcsa.Parse(doc)
	require.NoError(t, err)
	msg := &cargotypes.MsgIssueBill{Carrier: carrierAddr, TransportDocumentReference: d.Reference,
		Type: cargotypes.BillType(cargotypes.BillType_value["BILL_TYPE_"+d.TypeCode]), Mode: cargotypes.BillMode(cargotypes.BillMode_value["BILL_MODE_"+d.Mode()]),
		IssueTo: shipperAddr, DocumentHash: d.Hash, PortOfLoading: d.PortOfLoading, PortOfDischarge: d.PortOfDischarge,
		IssueDate: d.IssueDate, ShippedOnBoardDate: d.ShippedOnBoardDate}
	if msg.IssueDate == "" {
		msg.IssueDate = time.Now().UTC().Format(cargotypes.DateLayout)
	}
	_, err = f.chain.Broadcast(context.Background(), "cli", msg)
	require.NoError(t, err)
	b, err := f.chain.Bill(context.Background(), cargotypes.BillID("COS", d.Reference))
	require.NoError(t, err)
	return b
}

// requestExport puts the bill into EXPORTING as MsgExportBill does, with
// its event, towards a consignee on WAVE.
func (f *fixture) requestExport(id string) {
	f.chain.mu.Lock()
	b := f.chain.bills[id]
	b.Status = cargotypes.BILL_STATUS_EXPORTING
	ev := &cargotypes.EventBillExportRequested{BillId: b.Id, Holder: b.Holder, Platform: peerCode, RecipientName: "Consignee on WAVE",
		RecipientCodes: []cargotypes.IdentifyingCode{{CodeListProvider: peerCode, PartyCode: "C7"}}, DocumentHash: b.DocumentHash,
		HistoryHead: b.HistoryHead, HistoryLen: b.HistoryLen}
	f.chain.mu.Unlock()
	f.chain.emit(ev)
}

// receivingPeer is the in-process PINT platform WAVE answering RECE.
func (f *fixture) receivingPeer(key *SigningKey) *peerPlatform {
	peer := &peerPlatform{key: key, code: pint.RECE}
	srv := httptest.NewServer(peer)
	f.t.Cleanup(srv.Close)
	f.chain.mu.Lock()
	f.chain.platforms[peerCode] = cargotypes.EblPlatform{Code: peerCode, Endpoint: srv.URL, Jwks: string(jwksOf(f.t, key))}
	f.chain.mu.Unlock()
	return peer
}

// lodging is a lodging request for doc signed by signer.
func (f *fixture) lodging(doc json.RawMessage, signer *SigningKey) LodgeIssuanceRequest {
	req := f.issuanceRequest(doc, signer)
	return LodgeIssuanceRequest{Document: doc, IssueTo: req["issueTo"].(json.RawMessage), IssuanceManifestSignedContent: req["issuanceManifestSignedContent"].(string)}
}

func withTDR(t *testing.T, doc json.RawMessage, ref string) json.RawMessage {
	var m map[string]any
	require.NoError(t, json.Unmarshal(doc, &m))
	m["transportDocumentReference"] = ref
	out, _ := json.Marshal(m)
	return out
}

// TestLodgeIssuanceForCLIBill: a bill issued by CLI cannot be exported until
// the carrier's transport document and signed issuance manifest are lodged;
// the export waits with a refusal that says so; wrong document, wrong
// carrier and bad signature are refused; once lodged the export goes and is
// RECE'd, its first transfer chain entry carrying the carrier's manifest.
func TestLodgeIssuanceForCLIBill(t *testing.T) {
	f := newFixture(t)
	peer := f.receivingPeer(f.peer)
	doc := readDocument(t)
	bill := f.cliIssue(doc)
	f.requestExport(bill.Id)

	// Refused until lodged, saying what to do.
	eventually(t, "the export waiting", func() bool {
		st, _ := f.do(http.MethodGet, "/corridor/v1/bills/"+bill.Id+"/export", nil)
		return st == http.StatusConflict
	})
	st, body := f.do(http.MethodGet, "/corridor/v1/bills/"+bill.Id+"/export", nil)
	require.Equal(t, http.StatusConflict, st)
	e := decodeError(t, body)
	require.Equal(t, CodeMissingIssuance, e.Errors[0].ErrorCode)
	require.Contains(t, e.Errors[0].ErrorCodeMessage, "tradechaind gateway lodge-issuance "+bill.Id)
	st, body = f.do(http.MethodGet, "/corridor/v1/bills/"+bill.Id+"/issuance", nil)
	require.Equal(t, http.StatusNotFound, st)
	require.Equal(t, CodeMissingIssuance, decodeError(t, body).Errors[0].ErrorCode)
	peer.mu.Lock()
	require.Empty(t, peer.received, "nothing sent without the carrier's issuance")
	peer.mu.Unlock()

	// A manifest not signed by the bill's carrier: refused.
	st, body = f.do(http.MethodPut, "/corridor/v1/bills/"+bill.Id+"/issuance", f.lodging(doc, f.peer))
	require.Equal(t, http.StatusBadRequest, st)
	require.Equal(t, CodeBadSignature, decodeError(t, body).Errors[0].ErrorCode)
	// The carrier's manifest of another document: not the bill's hash.
	st, body = f.do(http.MethodPut, "/corridor/v1/bills/"+bill.Id+"/issuance", f.lodging(withTDR(t, doc, "COSUOTHER1"), f.carrier))
	require.Equal(t, http.StatusBadRequest, st)
	e = decodeError(t, body)
	require.Equal(t, CodeChecksum, e.Errors[0].ErrorCode)
	require.Contains(t, e.Errors[0].ErrorCodeMessage, bill.DocumentHash)
	// A bill of another carrier with this document's hash: COS's manifest
	// cannot back it.
	f.chain.mu.Lock()
	f.chain.bills["HKBANK-X1"] = &cargotypes.Bill{Id: "HKBANK-X1", Carrier: bankAddr, Holder: shipperAddr, DocumentHash: bill.DocumentHash, Status: cargotypes.BILL_STATUS_ISSUED}
	f.chain.mu.Unlock()
	st, body = f.do(http.MethodPut, "/corridor/v1/bills/HKBANK-X1/issuance", f.lodging(doc, f.carrier))
	require.Equal(t, http.StatusForbidden, st)
	e = decodeError(t, body)
	require.Equal(t, CodeUnknownParty, e.Errors[0].ErrorCode)
	require.Contains(t, e.Errors[0].ErrorCodeMessage, "issued by carrier HKBANK")
	f.chain.mu.Lock()
	delete(f.chain.bills, "HKBANK-X1")
	f.chain.mu.Unlock()
	// Malformed, and no such bill.
	st, body = f.do(http.MethodPut, "/corridor/v1/bills/"+bill.Id+"/issuance", LodgeIssuanceRequest{Document: doc})
	require.Equal(t, http.StatusBadRequest, st)
	require.Equal(t, CodeMalformed, decodeError(t, body).Errors[0].ErrorCode)
	st, _ = f.do(http.MethodPut, "/corridor/v1/bills/COS-NOSUCH/issuance", f.lodging(doc, f.carrier))
	require.Equal(t, http.StatusNotFound, st)
	time.Sleep(300 * time.Millisecond)
	peer.mu.Lock()
	require.Empty(t, peer.received)
	peer.mu.Unlock()

	// Lodged by the CLI's client: the export goes and is accepted.
	require.NoError(t, LodgeIssuance(context.Background(), http.DefaultClient, f.srv.URL, bill.Id, f.lodging(doc, f.carrier)))
	eventually(t, "the export concluded", func() bool {
		b, _ := f.chain.Bill(context.Background(), bill.Id)
		return b.Status == cargotypes.BILL_STATUS_EXPORTED
	})
	b, _ := f.chain.Bill(context.Background(), bill.Id)
	require.Equal(t, "RECE", b.Export.ResponseCode)
	peer.mu.Lock()
	require.Len(t, peer.received, 1)
	env := peer.received[0]
	peer.mu.Unlock()
	v, err := pint.VerifyEnvelope(pint.EnvelopeInput{TransportDocument: env.TransportDocument, EnvelopeManifest: env.EnvelopeManifestSignedContent,
		TransferChain: env.EnvelopeTransferChain, SendingPlatform: ownCode, ReceivingPlatform: peerCode,
		Keys: func(code string) (*pint.KeySet, error) {
			require.Equal(t, ownCode, code)
			return pint.ParseJWKS(jwksOf(t, f.gw.key))
		},
		IssuanceKeys: func(string) []*pint.KeySet { ks, _ := pint.ParseJWKS(jwksOf(t, f.carrier)); return []*pint.KeySet{ks} }})
	require.NoError(t, err)
	require.True(t, v.IssuanceManifestVerified, "the lodged manifest is the carrier's")
	require.Equal(t, bill.DocumentHash, v.TransportDocumentChecksum)
	require.Equal(t, pint.ActionIssue, v.Entries[0].Transactions[0].ActionCode)

	st, body = f.do(http.MethodGet, "/corridor/v1/bills/"+bill.Id+"/issuance", nil)
	require.Equal(t, http.StatusOK, st, string(body))
	var held IssuanceHeld
	require.NoError(t, json.Unmarshal(body, &held))
	require.Equal(t, "LODGED", held.Source)
	var es ExportStatus
	eventually(t, "the export recorded as concluded", func() bool {
		st, body = f.do(http.MethodGet, "/corridor/v1/bills/"+bill.Id+"/export", nil)
		require.Equal(t, http.StatusOK, st, string(body))
		require.NoError(t, json.Unmarshal(body, &es))
		return es.State == expConcluded
	})
	require.Equal(t, "RECE", es.ResponseCode)
	// Lodging again changes nothing.
	require.NoError(t, LodgeIssuance(context.Background(), http.DefaultClient, f.srv.URL, bill.Id, f.lodging(doc, f.carrier)))
}

// lateHandler lets a test hand out a gateway's URL before the gateway runs.
type lateHandler struct{ h atomic.Value }

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.h.Load().(http.Handler).ServeHTTP(w, r)
}

// corridorPair runs the gateways of two test zones, shanghai-1 (TRSH) and
// hongkong-1 (TRHK), each the other's corridor peer and a trusted platform
// on the other's chain.
func corridorPair(t *testing.T) (sh, hk *fixture) {
	frontSH, frontHK := &lateHandler{}, &lateHandler{}
	srvSH, srvHK := httptest.NewServer(frontSH), httptest.NewServer(frontHK)
	t.Cleanup(srvSH.Close)
	t.Cleanup(srvHK.Close)
	hkGateway := sdk.AccAddress(bytes.Repeat([]byte{8}, 20)).String()
	sh = newFixture(t, func(f *fixture) { f.cfg.CorridorPeers = []CorridorPeer{{PlatformCode: "TRHK", URL: srvHK.URL}} })
	hk = newFixture(t, func(f *fixture) {
		f.chain.chainID, f.chain.addr, f.chain.ownCode = "hongkong-1", hkGateway, "TRHK"
		for i := range f.chain.parties {
			if f.chain.parties[i].Address == gatewayAddr {
				f.chain.parties[i].Address, f.chain.parties[i].Code = hkGateway, "GWHK"
			}
		}
		f.cfg.ChainID, f.cfg.PlatformCode, f.cfg.PartyCodeListProvider = "hongkong-1", "TRHK", ""
		f.cfg.CorridorPeers = []CorridorPeer{{PlatformCode: ownCode, URL: srvSH.URL}}
		// One carrier, the same keys on both zones.
		f.carrier = sh.carrier
		require.NoError(t, os.WriteFile(f.cfg.Carriers[0].JWKS, jwksOf(t, sh.carrier), 0o600))
	})
	frontSH.h.Store(sh.gw.Handler())
	frontHK.h.Store(hk.gw.Handler())
	sh.chain.mu.Lock()
	sh.chain.platforms["TRHK"] = cargotypes.EblPlatform{Code: "TRHK", Jwks: string(jwksOf(t, hk.gw.key))}
	sh.chain.mu.Unlock()
	hk.chain.mu.Lock()
	hk.chain.platforms[ownCode] = cargotypes.EblPlatform{Code: ownCode, Jwks: string(jwksOf(t, sh.gw.key))}
	hk.chain.mu.Unlock()
	return sh, hk
}

// importOverPINT lands a WAVE envelope on the fixture's zone (RECE) and
// returns the bill's id.
func (f *fixture) importOverPINT(pe peerEnvelope) string {
	t := f.t
	st, body := f.do(http.MethodPost, "/v3/envelopes", pe.env)
	if st == http.StatusCreated { // documents to send first: none here, so finish
		var started pint.EnvelopeTransferStartedResponse
		require.NoError(t, json.Unmarshal(body, &started))
		st, body = f.do(http.MethodPut, "/v3/envelopes/"+started.EnvelopeReference+"/finish-transfer", nil)
	}
	require.Equal(t, http.StatusOK, st, string(body))
	require.Equal(t, pint.RECE, f.signed(body, pe.last).ResponseCode)
	env, err := f.chain.PintEnvelope(context.Background(), pe.last)
	require.NoError(t, err)
	return env.Envelope.BillId
}

// TestImportedChainFollowsTheBillAcrossZones: a bill imported over PINT on
// shanghai-1 and moved by IBC to hongkong-1 is surrendered there with its
// whole endorsement chain (the WAVE transfer chain included) and exported
// from there with the imported transfer chain continued — both fetched from
// shanghai-1's gateway and checked against the checksums hongkong-1's own
// history carries.
func TestImportedChainFollowsTheBillAcrossZones(t *testing.T) {
	sh, hk := corridorPair(t)
	pe := sh.peerEnvelope(lei, sh.peer, nil)
	id := sh.importOverPINT(pe)
	sh.chain.sendBillTo(hk.chain, id, bankAddr)
	_, err := hk.chain.PintEnvelope(context.Background(), pe.last)
	require.ErrorIs(t, err, ErrNotFound, "the envelope stayed on shanghai-1")

	// Surrender on hongkong-1: the carrier gets the chain from the WAVE
	// issue on.
	hk.chain.mu.Lock()
	hk.chain.bills[id].Status = cargotypes.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY
	hk.chain.mu.Unlock()
	hk.chain.emit(&cargotypes.EventSurrenderRequested{BillId: id, Holder: bankAddr, Purpose: cargotypes.SURRENDER_PURPOSE_DELIVERY, HistoryLen: 3})
	eventually(t, "the surrender request", func() bool { return len(hk.rec.got("/v3/ebl-surrender-requests")) == 1 })
	var sr SurrenderRequest
	require.NoError(t, json.Unmarshal(hk.rec.got("/v3/ebl-surrender-requests")[0], &sr))
	require.Len(t, sr.EndorsementChain, 2, "the WAVE transfer chain's ISSUE and TRANSFER")
	require.Equal(t, pint.ActionIssue, sr.EndorsementChain[0].ActionCode)
	require.Equal(t, "COS", sr.EndorsementChain[0].Actor.IdentifyingCodes[0].PartyCode)
	require.Equal(t, pint.ActionTransfer, sr.EndorsementChain[1].ActionCode)
	require.Equal(t, peerCode+"/"+pe.last[:16], sr.EndorsementChain[1].AuditReference)
	// The carrier rejects it; the bill is the bank's again.
	st, _ := hk.do(http.MethodPost, "/v3/ebl-surrender-responses", SurrenderRequestAnswer{SurrenderRequestReference: sr.SurrenderRequestReference, Action: "SREJ", Comments: "documents first"})
	require.Equal(t, http.StatusNoContent, st)
	eventually(t, "the rejection", func() bool {
		b, _ := hk.chain.Bill(context.Background(), id)
		return b.Status == cargotypes.BILL_STATUS_ISSUED
	})

	// Export from hongkong-1 back to WAVE: the envelope continues the
	// imported chain, with the transport document from shanghai-1.
	peer := hk.receivingPeer(sh.peer)
	hk.requestExport(id)
	eventually(t, "the export concluded", func() bool {
		b, _ := hk.chain.Bill(context.Background(), id)
		return b.Status == cargotypes.BILL_STATUS_EXPORTED
	})
	peer.mu.Lock()
	require.Len(t, peer.received, 1)
	env := peer.received[0]
	peer.mu.Unlock()
	require.Len(t, env.EnvelopeTransferChain, 2)
	require.Equal(t, pe.env.EnvelopeTransferChain[0], env.EnvelopeTransferChain[0], "the imported entry, verbatim")
	v, err := pint.VerifyEnvelope(pint.EnvelopeInput{TransportDocument: env.TransportDocument, EnvelopeManifest: env.EnvelopeManifestSignedContent,
		TransferChain: env.EnvelopeTransferChain, SendingPlatform: "TRHK", ReceivingPlatform: peerCode,
		Keys: func(code string) (*pint.KeySet, error) {
			switch code {
			case peerCode:
				return pint.ParseJWKS(jwksOf(t, sh.peer))
			case "TRHK":
				return pint.ParseJWKS(jwksOf(t, hk.gw.key))
			}
			t.Fatalf("entry signed as %s", code)
			return nil, nil
		},
		IssuanceKeys: func(string) []*pint.KeySet { ks, _ := pint.ParseJWKS(jwksOf(t, sh.carrier)); return []*pint.KeySet{ks} }})
	require.NoError(t, err)
	require.True(t, v.IssuanceManifestVerified)
	require.Equal(t, "C7", v.Recipient.IdentifyingCodes[0].PartyCode)
	last := v.Entries[1].Transactions
	require.Equal(t, pint.ActionTransfer, last[len(last)-1].ActionCode)
	require.Equal(t, "HKBANK", last[len(last)-1].Actor.IdentifyingCodes[0].PartyCode)
}

// TestImportedChainNotTrustedBeyondTheChain: what a corridor peer answers is
// used only if it matches the zone's own history — another envelope's chain,
// a document that does not hash to the bill's, and unsigned or foreign
// requests to the corridor endpoints are refused.
func TestImportedChainNotTrustedBeyondTheChain(t *testing.T) {
	sh, hk := corridorPair(t)
	pe := sh.peerEnvelope(lei, sh.peer, nil)
	id := sh.importOverPINT(pe)
	sh.chain.sendBillTo(hk.chain, id, bankAddr)
	ctx := context.Background()

	// The corridor endpoints answer signed requests of a peer only.
	path := "/corridor/v1/pint-envelopes/" + pe.last
	st, body := sh.do(http.MethodGet, path, nil)
	require.Equal(t, http.StatusUnauthorized, st)
	decodeError(t, body)
	get := func(signer *SigningKey, claims corridorAuth) (int, []byte) {
		jws, err := signer.Signer.SignJSON(claims)
		require.NoError(t, err)
		req, _ := http.NewRequest(http.MethodGet, sh.srv.URL+path, nil)
		req.Header.Set("Authorization", corridorAuthScheme+jws)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(res.Body)
		return res.StatusCode, buf.Bytes()
	}
	now := time.Now().Unix()
	st, body = get(newKey(t), corridorAuth{Iss: "TRHK", Htm: "GET", Htu: path, Iat: now})
	require.Equal(t, http.StatusForbidden, st)
	require.Equal(t, CodeBadSignature, decodeError(t, body).Errors[0].ErrorCode)
	st, body = get(sh.peer, corridorAuth{Iss: peerCode, Htm: "GET", Htu: path, Iat: now})
	require.Equal(t, http.StatusForbidden, st)
	require.Equal(t, CodeUnknownPlatform, decodeError(t, body).Errors[0].ErrorCode)
	st, _ = get(hk.gw.key, corridorAuth{Iss: "TRHK", Htm: "GET", Htu: "/corridor/v1/pint-envelopes/other", Iat: now})
	require.Equal(t, http.StatusForbidden, st)
	st, _ = get(hk.gw.key, corridorAuth{Iss: "TRHK", Htm: "GET", Htu: path, Iat: now - 3600})
	require.Equal(t, http.StatusForbidden, st)
	st, body = get(hk.gw.key, corridorAuth{Iss: "TRHK", Htm: "GET", Htu: path, Iat: now})
	require.Equal(t, http.StatusOK, st, string(body))

	// A lying peer: another envelope's transfer chain (validly signed by
	// WAVE, but not the one hongkong-1's history names), and a document
	// that is not the bill's.
	other := sh.peerEnvelope(lei, sh.peer, nil)
	liar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == path:
			writeJSON(w, http.StatusOK, CorridorEnvelope{Platform: peerCode, EnvelopeManifestSignedContent: other.env.EnvelopeManifestSignedContent, EnvelopeTransferChain: other.env.EnvelopeTransferChain})
		default:
			writeJSON(w, http.StatusOK, CorridorDocument{Document: withTDR(t, readDocument(t), "COSUFORGED1")})
		}
	}))
	t.Cleanup(liar.Close)
	hk.gw.cfg.CorridorPeers = []CorridorPeer{{PlatformCode: ownCode, URL: liar.URL}}
	bill, err := hk.chain.Bill(ctx, id)
	require.NoError(t, err)
	_, err = hk.gw.importedTransferChain(ctx, bill)
	require.ErrorContains(t, err, "is refused")
	require.ErrorContains(t, err, "the zone's history records")
	_, err = hk.gw.transportDocument(ctx, bill)
	require.ErrorContains(t, err, "does not hash to the bill's document hash")
	has, _ := hk.store.Has(pImportedChain + pe.last)
	require.False(t, has, "nothing refused is kept")
	has, _ = hk.store.Has(pTransportDoc + bill.DocumentHash)
	require.False(t, has)

	// A history entry that does not hash to its head: the chain cannot be
	// bound to the bill, whatever the peer says.
	hk.gw.cfg.CorridorPeers = []CorridorPeer{{PlatformCode: ownCode, URL: sh.srv.URL}}
	hk.chain.mu.Lock()
	h := hk.chain.hist[id]
	saved := h[0].Pint.EntryChecksums[0]
	h[0].Pint.EntryChecksums[0] = other.last
	hk.chain.mu.Unlock()
	_, err = hk.gw.importedTransferChain(ctx, bill)
	require.ErrorContains(t, err, "does not hash to its head")
	hk.chain.mu.Lock()
	h[0].Pint.EntryChecksums[0] = saved
	hk.chain.mu.Unlock()
	got, err := hk.gw.importedTransferChain(ctx, bill)
	require.NoError(t, err)
	require.Equal(t, pe.env.EnvelopeTransferChain, got.TransferChain)
}

// TestIssuedBillExportedFromTheOtherZone: a bill the carrier issued through
// shanghai-1's Issuance API and that moved to hongkong-1 by IBC is exported
// from hongkong-1: its gateway fetches the transport document and the
// carrier's manifest from shanghai-1's and checks them (the bill's document
// hash, the carrier's keys) before the envelope starts with them.
func TestIssuedBillExportedFromTheOtherZone(t *testing.T) {
	sh, hk := corridorPair(t)
	st, body := sh.do(http.MethodPut, "/v3/ebl-issuance-requests", sh.issuanceRequest(readDocument(t), sh.carrier))
	require.Equal(t, http.StatusNoContent, st, string(body))
	eventually(t, "ISSU", func() bool { return len(sh.issuanceResponses()) == 1 })
	id := "COS-COSU6385270140"
	sh.chain.sendBillTo(hk.chain, id, bankAddr)

	peer := hk.receivingPeer(sh.peer)
	hk.requestExport(id)
	eventually(t, "the export concluded", func() bool {
		b, _ := hk.chain.Bill(context.Background(), id)
		return b.Status == cargotypes.BILL_STATUS_EXPORTED
	})
	peer.mu.Lock()
	require.Len(t, peer.received, 1)
	env := peer.received[0]
	peer.mu.Unlock()
	v, err := pint.VerifyEnvelope(pint.EnvelopeInput{TransportDocument: env.TransportDocument, EnvelopeManifest: env.EnvelopeManifestSignedContent,
		TransferChain: env.EnvelopeTransferChain, SendingPlatform: "TRHK", ReceivingPlatform: peerCode,
		Keys: func(code string) (*pint.KeySet, error) {
			require.Equal(t, "TRHK", code)
			return pint.ParseJWKS(jwksOf(t, hk.gw.key))
		},
		IssuanceKeys: func(string) []*pint.KeySet { ks, _ := pint.ParseJWKS(jwksOf(t, sh.carrier)); return []*pint.KeySet{ks} }})
	require.NoError(t, err)
	require.True(t, v.IssuanceManifestVerified)
	txs := v.Entries[0].Transactions
	require.Equal(t, pint.ActionIssue, txs[0].ActionCode)
	require.Equal(t, "HKBANK", txs[len(txs)-1].Actor.IdentifyingCodes[0].PartyCode)
	st, body = hk.do(http.MethodGet, "/corridor/v1/bills/"+id+"/issuance", nil)
	require.Equal(t, http.StatusOK, st, string(body))
	var held IssuanceHeld
	require.NoError(t, json.Unmarshal(body, &held))
	require.Equal(t, "CORRIDOR:TRSH", held.Source)
}
