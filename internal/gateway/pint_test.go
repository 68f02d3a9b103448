package gateway

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// peerEnvelope is an envelope as another platform (peerCode, f.peer) sends
// it: issued by the carrier on the peer platform, transferred to the
// recipient on this zone, with one supporting document.
type peerEnvelope struct {
	env      pint.EblEnvelope
	last     string
	docSum   string
	document []byte
}

func (f *fixture) peerEnvelope(recipientCodes []pint.IdentifyingCode, signer *SigningKey, supporting []byte) peerEnvelope {
	t := f.t
	doc := readDocument(t)
	docSum := mustHash(t, doc)
	issueTo := json.RawMessage(`{"partyName":"Peer Shipper","sendToPlatform":"` + peerCode + `","identifyingCodes":[{"codeListProvider":"` + peerCode + `","partyCode":"S1"}]}`)
	issuance, err := f.carrier.Signer.SignJSON(pint.IssuanceManifest{DocumentChecksum: docSum, IssueToChecksum: mustHash(t, issueTo)})
	require.NoError(t, err)
	carrier := pint.Party{PartyName: "COSCO Shipping Lines", EblPlatform: peerCode, IdentifyingCodes: []pint.IdentifyingCode{{CodeListProvider: "SMDG", PartyCode: "COS"}}}
	shipper := pint.Party{PartyName: "Peer Shipper", EblPlatform: peerCode, IdentifyingCodes: []pint.IdentifyingCode{{CodeListProvider: peerCode, PartyCode: "S1"}}}
	recipient := pint.Party{PartyName: "Recipient", EblPlatform: ownCode, IdentifyingCodes: recipientCodes}
	ts := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	entry, err := signer.Signer.SignJSON(pint.EnvelopeTransferChainEntry{
		EblPlatform: peerCode, TransportDocumentChecksum: docSum, IssuanceManifestSignedContent: issuance,
		Transactions: []pint.Transaction{
			{ActionCode: pint.ActionIssue, Actor: carrier, Recipient: &shipper, ActionDateTime: ts},
			{ActionCode: pint.ActionTransfer, Actor: shipper, Recipient: &recipient, ActionDateTime: ts},
		}})
	require.NoError(t, err)
	m := pint.EnvelopeManifest{TransportDocumentChecksum: docSum, LastEnvelopeTransferChainEntrySignedContentChecksum: pint.Checksum(entry)}
	pe := peerEnvelope{last: pint.Checksum(entry), document: supporting}
	if supporting != nil {
		pe.docSum = pint.ChecksumBytes(supporting)
		m.SupportingDocuments = []pint.DocumentMetadata{{Name: "invoice.pdf", Size: int64(len(supporting)), MediaType: "application/pdf", DocumentChecksum: pe.docSum}}
	}
	manifest, err := signer.Signer.SignJSON(m)
	require.NoError(t, err)
	pe.env = pint.EblEnvelope{TransportDocument: doc, EnvelopeManifestSignedContent: manifest, EnvelopeTransferChain: []string{entry}}
	return pe
}

// signed reads a signed answer and checks it is the gateway's.
func (f *fixture) signed(body []byte, last string) pint.EnvelopeTransferFinishedResponse {
	var compact string
	require.NoError(f.t, json.Unmarshal(body, &compact), string(body))
	ks, err := pint.ParseJWKS(jwksOf(f.t, f.gw.key))
	require.NoError(f.t, err)
	r, err := pint.VerifyFinishedResponse(compact, ks, last)
	require.NoError(f.t, err)
	return *r
}

var lei = []pint.IdentifyingCode{{CodeListProvider: "GLEIF", CodeListName: "LEI", PartyCode: shipperLEI}, {CodeListProvider: ownCode, PartyCode: "SHPUDONG"}}

func TestPINTReceiveWithDocuments(t *testing.T) {
	f := newFixture(t)
	pe := f.peerEnvelope(lei, f.peer, []byte("%PDF-1.7 invoice"))

	st, body := f.do(http.MethodPost, "/v3/envelopes", pe.env)
	require.Equal(t, http.StatusCreated, st, string(body))
	var started pint.EnvelopeTransferStartedResponse
	require.NoError(t, json.Unmarshal(body, &started))
	require.Equal(t, []string{pe.docSum}, started.MissingAdditionalDocumentChecksums)
	require.Equal(t, pe.last, started.LastEnvelopeTransferChainEntrySignedContentChecksum)
	ref := started.EnvelopeReference

	// Finishing before the document: MDOC (409), not a rejection.
	st, body = f.do(http.MethodPut, "/v3/envelopes/"+ref+"/finish-transfer", nil)
	require.Equal(t, http.StatusConflict, st)
	r := f.signed(body, pe.last)
	require.Equal(t, pint.MDOC, r.ResponseCode)
	require.Equal(t, []string{pe.docSum}, r.MissingAdditionalDocumentChecksums)

	// The wrong bytes under the checksum: INCD (409).
	wrong, _ := json.Marshal([]byte("not the invoice"))
	st, body = f.do(http.MethodPut, "/v3/envelopes/"+ref+"/additional-documents/"+pe.docSum, wrong)
	require.Equal(t, http.StatusConflict, st)
	require.Equal(t, pint.INCD, f.signed(body, pe.last).ResponseCode)

	// The same base64 without its JSON quotes (as Prism's proxy forwards it)
	// is the same document.
	st, _ = f.do(http.MethodPut, "/v3/envelopes/"+ref+"/additional-documents/"+pe.docSum, []byte(base64.StdEncoding.EncodeToString(pe.document)))
	require.Equal(t, http.StatusNoContent, st)
	right, _ := json.Marshal(pe.document)
	st, _ = f.do(http.MethodPut, "/v3/envelopes/"+ref+"/additional-documents/"+pe.docSum, right)
	require.Equal(t, http.StatusNoContent, st)

	st, body = f.do(http.MethodPut, "/v3/envelopes/"+ref+"/finish-transfer", nil)
	require.Equal(t, http.StatusOK, st, string(body))
	r = f.signed(body, pe.last)
	require.Equal(t, pint.RECE, r.ResponseCode)
	require.Equal(t, []string{pe.docSum}, r.ReceivedAdditionalDocumentChecksums)
	require.Len(t, f.chain.messages(), 1)
	imp := f.chain.messages()[0].(*cargotypes.MsgImportBill)
	require.Equal(t, shipperAddr, imp.Recipient)
	require.Equal(t, peerCode, imp.SendingPlatform)

	// Replayed: DUPE naming the accepted entry, no second import.
	st, body = f.do(http.MethodPost, "/v3/envelopes", pe.env)
	require.Equal(t, http.StatusOK, st)
	r = f.signed(body, pe.last)
	require.Equal(t, pint.DUPE, r.ResponseCode)
	require.Equal(t, pe.env.EnvelopeTransferChain[0], r.DuplicateOfAcceptedEnvelopeTransferChainEntrySignedContent)
	// A retried finish gets the same signed RECE.
	st, body = f.do(http.MethodPut, "/v3/envelopes/"+ref+"/finish-transfer", nil)
	require.Equal(t, http.StatusOK, st)
	require.Equal(t, pint.RECE, f.signed(body, pe.last).ResponseCode)
	require.Len(t, f.chain.messages(), 1)
}

func TestPINTReceiveRefusals(t *testing.T) {
	f := newFixture(t)
	// Signed by a key the zone does not trust for the platform: BSIG (422).
	pe := f.peerEnvelope(lei, newKey(t), nil)
	st, body := f.do(http.MethodPost, "/v3/envelopes", pe.env)
	require.Equal(t, http.StatusUnprocessableEntity, st)
	require.Equal(t, pint.BSIG, f.signed(body, pe.last).ResponseCode)

	// A platform not on chain: BSIG too, the reason naming it.
	f.chain.mu.Lock()
	delete(f.chain.platforms, peerCode)
	f.chain.mu.Unlock()
	pe = f.peerEnvelope(lei, f.peer, nil)
	st, body = f.do(http.MethodPost, "/v3/envelopes", pe.env)
	require.Equal(t, http.StatusUnprocessableEntity, st)
	r := f.signed(body, pe.last)
	require.Equal(t, pint.BSIG, r.ResponseCode)
	require.Contains(t, r.Reason, "not trusted")
	f.chain.mu.Lock()
	f.chain.platforms[peerCode] = cargotypes.EblPlatform{Code: peerCode, Jwks: string(jwksOf(t, f.peer))}
	f.chain.mu.Unlock()

	// A recipient that is no party of the zone: BENV.
	pe = f.peerEnvelope([]pint.IdentifyingCode{{CodeListProvider: ownCode, PartyCode: "NOBODY"}}, f.peer, nil)
	st, body = f.do(http.MethodPost, "/v3/envelopes", pe.env)
	require.Equal(t, http.StatusUnprocessableEntity, st)
	require.Equal(t, pint.BENV, f.signed(body, pe.last).ResponseCode)

	// The document backs a bill live on this zone: DISE (409) at once.
	pe = f.peerEnvelope(lei, f.peer, nil)
	hash := mustHash(t, pe.env.TransportDocument)
	f.chain.mu.Lock()
	f.chain.bills["COS-LIVE"] = &cargotypes.Bill{Id: "COS-LIVE", DocumentHash: hash, Status: cargotypes.BILL_STATUS_ISSUED, Holder: bankAddr}
	f.chain.registry[hash] = []cargotypes.RegistryKey{{Kind: cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, Status: cargotypes.RESERVATION_STATUS_CONFIRMED, HolderZone: zoneID, Reference: "COS-LIVE"}}
	f.chain.mu.Unlock()
	st, body = f.do(http.MethodPost, "/v3/envelopes", pe.env)
	require.Equal(t, http.StatusConflict, st)
	r = f.signed(body, pe.last)
	require.Equal(t, pint.DISE, r.ResponseCode)
	require.Contains(t, r.Reason, "COS-LIVE")
	f.chain.mu.Lock()
	delete(f.chain.bills, "COS-LIVE")
	delete(f.chain.registry, hash)
	f.chain.mu.Unlock()

	// Malformed and oversized bodies: the DCSA error object.
	st, body = f.do(http.MethodPost, "/v3/envelopes", []byte(`{"transportDocument":`))
	require.Equal(t, http.StatusBadRequest, st)
	decodeError(t, body)
	st, body = f.do(http.MethodPost, "/v3/envelopes", make([]byte, f.cfg.MaxEnvelopeBytes+1))
	require.Equal(t, http.StatusRequestEntityTooLarge, st)
	decodeError(t, body)
	st, body = f.do(http.MethodPut, "/v3/envelopes/nosuch/finish-transfer", nil)
	require.Equal(t, http.StatusNotFound, st)
	decodeError(t, body)
	require.Empty(t, f.chain.messages())
}

// TestPINTReceiveSurvivesRestart: the gateway is killed between the start
// and the finish of an envelope; after a restart the transfer finishes with
// one import, nothing lost and nothing doubled.
func TestPINTReceiveSurvivesRestart(t *testing.T) {
	f := newFixture(t)
	pe := f.peerEnvelope(lei, f.peer, []byte("%PDF packing list"))
	st, body := f.do(http.MethodPost, "/v3/envelopes", pe.env)
	require.Equal(t, http.StatusCreated, st)
	var started pint.EnvelopeTransferStartedResponse
	require.NoError(t, json.Unmarshal(body, &started))
	doc, _ := json.Marshal(pe.document)
	st, _ = f.do(http.MethodPut, "/v3/envelopes/"+started.EnvelopeReference+"/additional-documents/"+pe.docSum, doc)
	require.Equal(t, http.StatusNoContent, st)

	key := f.gw.key
	f.stop()
	f.start(key)

	// The sender retries the start (same envelope): same transfer, nothing missing.
	st, body = f.do(http.MethodPost, "/v3/envelopes", pe.env)
	require.Equal(t, http.StatusOK, st, string(body))
	require.Equal(t, pint.RECE, f.signed(body, pe.last).ResponseCode)
	st, body = f.do(http.MethodPut, "/v3/envelopes/"+started.EnvelopeReference+"/finish-transfer", nil)
	require.Equal(t, http.StatusOK, st)
	require.Equal(t, pint.RECE, f.signed(body, pe.last).ResponseCode)
	require.Len(t, f.chain.messages(), 1)
}

func TestReceiverValidation(t *testing.T) {
	f := newFixture(t)
	st, body := f.do(http.MethodPost, "/v3/receiver-validation", pint.IdentifyingCode{CodeListProvider: ownCode, PartyCode: "HKBANK"})
	require.Equal(t, http.StatusOK, st)
	require.JSONEq(t, `{"partyName":"Hong Kong Trade Bank"}`, string(body))
	st, body = f.do(http.MethodPost, "/v3/receiver-validation", pint.IdentifyingCode{CodeListProvider: ownCode, PartyCode: "NOBODY"})
	require.Equal(t, http.StatusNotFound, st)
	decodeError(t, body)
}

// peerPlatform is a receiving platform answering every envelope with code.
type peerPlatform struct {
	mu       sync.Mutex
	key      *SigningKey
	code     pint.ResponseCode
	received []pint.EblEnvelope
	unsigned int // answer this many attempts with an unsigned 503 first
	// conflicts: answer every start with an unsigned 409 and DCSA's error
	// object (not a PINT answer there); attempts counts the starts.
	conflicts bool
	attempts  int
}

func (p *peerPlatform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.URL.Path != "/v3/envelopes" {
		http.NotFound(w, r)
		return
	}
	p.attempts++
	if p.conflicts {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(`{"httpMethod":"POST","requestUri":"/v3/envelopes","statusCode":409,"statusCodeText":"Conflict","errorDateTime":"2026-12-07T00:00:00Z","errors":[{"errorCode":7009,"errorCodeText":"Conflict","errorCodeMessage":"already held"}]}`))
		return
	}
	if p.unsigned > 0 {
		p.unsigned--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var env pint.EblEnvelope
	_ = json.NewDecoder(r.Body).Decode(&env)
	p.received = append(p.received, env)
	last := pint.Checksum(env.EnvelopeTransferChain[len(env.EnvelopeTransferChain)-1])
	signed, _ := p.key.Signer.SignJSON(pint.EnvelopeTransferFinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: last, ResponseCode: p.code, Reason: "test"})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(statusOf(p.code))
	_ = json.NewEncoder(w).Encode(signed)
}

// exportFixture issues a bill through the gateway and asks for its export.
func exportFixture(t *testing.T, code pint.ResponseCode, opts ...func(*fixture)) (*fixture, *peerPlatform) {
	f := newFixture(t, opts...)
	peer := &peerPlatform{key: f.peer, code: code, unsigned: 1}
	srv := httptest.NewServer(peer)
	t.Cleanup(srv.Close)
	f.chain.mu.Lock()
	f.chain.platforms[peerCode] = cargotypes.EblPlatform{Code: peerCode, Endpoint: srv.URL, Jwks: string(jwksOf(t, f.peer))}
	f.chain.mu.Unlock()
	st, _ := f.do(http.MethodPut, "/v3/ebl-issuance-requests", f.issuanceRequest(readDocument(t), f.carrier))
	require.Equal(t, http.StatusNoContent, st)
	eventually(t, "ISSU", func() bool { return len(f.issuanceResponses()) == 1 })
	f.chain.mu.Lock()
	b := f.chain.bills["COS-COSU6385270140"]
	b.Status = cargotypes.BILL_STATUS_EXPORTING
	b.Export = &cargotypes.BillExport{Platform: peerCode, RecipientName: "Consignee on WAVE", RequestedBy: shipperAddr,
		RecipientCodes: []cargotypes.IdentifyingCode{{CodeListProvider: peerCode, PartyCode: "C7"}}}
	f.chain.mu.Unlock()
	f.chain.emit(&cargotypes.EventBillExportRequested{BillId: b.Id, Holder: shipperAddr, Platform: peerCode, RecipientName: "Consignee on WAVE",
		RecipientCodes: []cargotypes.IdentifyingCode{{CodeListProvider: peerCode, PartyCode: "C7"}}, DocumentHash: b.DocumentHash, HistoryLen: 2})
	return f, peer
}

func TestPINTExportAccepted(t *testing.T) {
	f, peer := exportFixture(t, pint.RECE)
	eventually(t, "the conclusion", func() bool {
		b, _ := f.chain.Bill(context.Background(), "COS-COSU6385270140")
		return b.Status == cargotypes.BILL_STATUS_EXPORTED
	})
	peer.mu.Lock()
	defer peer.mu.Unlock()
	require.Len(t, peer.received, 1, "sent again after the unsigned 503 only")
	env := peer.received[0]
	// The envelope verifies as PINT says, against the gateway's keys.
	keys := func(code string) (*pint.KeySet, error) {
		require.Equal(t, ownCode, code)
		return pint.ParseJWKS(jwksOf(t, f.gw.key))
	}
	v, err := pint.VerifyEnvelope(pint.EnvelopeInput{TransportDocument: env.TransportDocument, EnvelopeManifest: env.EnvelopeManifestSignedContent,
		TransferChain: env.EnvelopeTransferChain, SendingPlatform: ownCode, ReceivingPlatform: peerCode, Keys: keys,
		IssuanceKeys: func(string) []*pint.KeySet { ks, _ := pint.ParseJWKS(jwksOf(t, f.carrier)); return []*pint.KeySet{ks} }})
	require.NoError(t, err)
	require.True(t, v.IssuanceManifestVerified)
	require.Equal(t, pint.ActionIssue, v.Entries[0].Transactions[0].ActionCode)
	require.Equal(t, "C7", v.Recipient.IdentifyingCodes[0].PartyCode)
	b, _ := f.chain.Bill(context.Background(), "COS-COSU6385270140")
	require.Equal(t, "RECE", b.Export.ResponseCode)
	require.Equal(t, v.LastEntryChecksum, b.Export.LastEntryChecksum)
}

// An export the receiving platform answers only with unsigned 409s (DISE at
// the start, outside PINT): the gateway keeps retrying as PINT asks, records
// every unsigned answer and, after export-stall-after, reports the export
// stalled with the operator action; once the zone authority withdraws the
// export on chain, the gateway stops sending the envelope for good.
func TestPINTExportUnsignedConflictUntilWithdrawn(t *testing.T) {
	f, peer := exportFixture(t, pint.RECE, func(f *fixture) { f.cfg.ExportStallAfter = "1ms" })
	peer.mu.Lock()
	peer.conflicts = true
	peer.mu.Unlock()
	const id = "COS-COSU6385270140"
	var st ExportStatus
	status := func() ExportStatus {
		var s ExportStatus
		code, body := f.do(http.MethodGet, "/corridor/v1/bills/"+id+"/export", nil)
		if code == http.StatusNotFound { // not seen yet
			return s
		}
		require.Equal(t, http.StatusOK, code, string(body))
		require.NoError(t, json.Unmarshal(body, &s))
		return s
	}
	eventually(t, "two unsigned answers and the stall", func() bool { st = status(); return st.UnsignedAnswers >= 2 && st.Stalled })
	require.Equal(t, expSending, st.State)
	require.Contains(t, st.LastUnsignedAnswer, "409")
	require.NotNil(t, st.UnsignedSince)
	require.Contains(t, st.OperatorAction, "tradechaind tx cargo withdraw-export "+id)
	b, err := f.chain.Bill(context.Background(), id)
	require.NoError(t, err)
	require.Equal(t, cargotypes.BILL_STATUS_EXPORTING, b.Status, "an unsigned answer concludes nothing")

	// The zone authority withdraws the export (MsgWithdrawExport's effect).
	f.chain.mu.Lock()
	wb := f.chain.bills[id]
	x := *wb.Export
	x.WithdrawnHeight, x.WithdrawnReason = 42, "WAVE confirmed it holds no envelope of this bill"
	wb.Status, wb.Export = cargotypes.BILL_STATUS_ISSUED, &x
	f.chain.mu.Unlock()
	eventually(t, "the export withdrawn", func() bool { st = status(); return st.State == expWithdrawn })
	require.Contains(t, st.Reason, "WAVE confirmed")
	require.False(t, st.Stalled)
	require.Empty(t, st.OperatorAction)
	peer.mu.Lock()
	n := peer.attempts
	peer.mu.Unlock()
	time.Sleep(3 * time.Second)
	peer.mu.Lock()
	defer peer.mu.Unlock()
	require.Equal(t, n, peer.attempts, "nothing sent after the withdrawal")
	require.Zero(t, f.gw.store.pendingJobs(jobExport))
}

func TestPINTExportRefusedGoesBack(t *testing.T) {
	f, _ := exportFixture(t, pint.BENV)
	eventually(t, "the bill back with its holder", func() bool {
		b, _ := f.chain.Bill(context.Background(), "COS-COSU6385270140")
		return b.Status == cargotypes.BILL_STATUS_ISSUED && b.Export != nil
	})
	b, _ := f.chain.Bill(context.Background(), "COS-COSU6385270140")
	require.Equal(t, "BENV", b.Export.ResponseCode)
}

func TestSurrenderThroughCarrier(t *testing.T) {
	f := newFixture(t)
	st, _ := f.do(http.MethodPut, "/v3/ebl-issuance-requests", f.issuanceRequest(readDocument(t), f.carrier))
	require.Equal(t, http.StatusNoContent, st)
	eventually(t, "ISSU", func() bool { return len(f.issuanceResponses()) == 1 })
	f.chain.mu.Lock()
	f.chain.bills["COS-COSU6385270140"].Status = cargotypes.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY
	f.chain.mu.Unlock()
	f.chain.emit(&cargotypes.EventSurrenderRequested{BillId: "COS-COSU6385270140", Holder: shipperAddr, Purpose: cargotypes.SURRENDER_PURPOSE_DELIVERY, HistoryLen: 2})
	eventually(t, "the surrender request", func() bool { return len(f.rec.got("/v3/ebl-surrender-requests")) == 1 })
	var sr SurrenderRequest
	require.NoError(t, json.Unmarshal(f.rec.got("/v3/ebl-surrender-requests")[0], &sr))
	require.Equal(t, "SREQ", sr.SurrenderRequestCode)
	require.Equal(t, "COSU6385270140", sr.TransportDocumentReference)
	require.Len(t, sr.EndorsementChain, 1)
	require.Equal(t, "ISSUE", sr.EndorsementChain[0].ActionCode)
	require.Equal(t, "COS", sr.EndorsementChain[0].Actor.IdentifyingCodes[0].PartyCode)

	// An answer to a reference never sent: 404.
	st, body := f.do(http.MethodPost, "/v3/ebl-surrender-responses", SurrenderRequestAnswer{SurrenderRequestReference: "SR-guess", Action: "SURR"})
	require.Equal(t, http.StatusNotFound, st)
	decodeError(t, body)
	st, _ = f.do(http.MethodPost, "/v3/ebl-surrender-responses", SurrenderRequestAnswer{SurrenderRequestReference: sr.SurrenderRequestReference, Action: "SURR"})
	require.Equal(t, http.StatusNoContent, st)
	eventually(t, "the acceptance", func() bool {
		b, _ := f.chain.Bill(context.Background(), "COS-COSU6385270140")
		return b.Status == cargotypes.BILL_STATUS_SURRENDERED_FOR_DELIVERY
	})
	msgs := f.chain.messages()
	acc, ok := msgs[len(msgs)-1].(*cargotypes.MsgAcceptSurrender)
	require.True(t, ok)
	require.Equal(t, carrierAddr, acc.Carrier)
	// A carrier answers once.
	st, body = f.do(http.MethodPost, "/v3/ebl-surrender-responses", SurrenderRequestAnswer{SurrenderRequestReference: sr.SurrenderRequestReference, Action: "SREJ", Comments: "late"})
	require.Equal(t, http.StatusConflict, st)
	decodeError(t, body)
}

// TestPINTReceiveDisputedByRegistry: the document is held by the other zone;
// the import reserves it and the corridor registry refuses: DISE.
func TestPINTReceiveDisputedByRegistry(t *testing.T) {
	f := newFixture(t)
	f.chain.autoConfirm = false
	pe := f.peerEnvelope(lei, f.peer, nil)
	hash := mustHash(t, pe.env.TransportDocument)
	f.chain.mu.Lock()
	f.chain.registry[hash] = []cargotypes.RegistryKey{{Kind: cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, Status: cargotypes.RESERVATION_STATUS_HELD_REMOTE, HolderZone: "hongkong-1"}}
	f.chain.mu.Unlock()
	go func() {
		eventually(t, "the import", func() bool { return len(f.chain.messages()) == 1 })
		f.chain.mu.Lock()
		for _, b := range f.chain.bills {
			b.Status = cargotypes.BILL_STATUS_REJECTED_DUPLICATE
		}
		f.chain.mu.Unlock()
	}()
	st, body := f.do(http.MethodPost, "/v3/envelopes", pe.env)
	require.Equal(t, http.StatusConflict, st, string(body))
	r := f.signed(body, pe.last)
	require.Equal(t, pint.DISE, r.ResponseCode)
	require.Contains(t, r.Reason, "hongkong-1")

	// The sender starts the same envelope again (say its first answer was
	// lost): DISE again, never DUPE — the zone landed it, but the registry
	// refused its bill.
	st, body = f.do(http.MethodPost, "/v3/envelopes", pe.env)
	require.Equal(t, http.StatusConflict, st, string(body))
	r = f.signed(body, pe.last)
	require.Equal(t, pint.DISE, r.ResponseCode, r.Reason)
}

// TestExportPickedUpAfterRestart: an export requested while the gateway was
// down (its event never seen) is found on the zone at start and completed.
func TestExportPickedUpAfterRestart(t *testing.T) {
	f := newFixture(t)
	peer := &peerPlatform{key: f.peer, code: pint.RECE}
	srv := httptest.NewServer(peer)
	t.Cleanup(srv.Close)
	f.chain.mu.Lock()
	f.chain.platforms[peerCode] = cargotypes.EblPlatform{Code: peerCode, Endpoint: srv.URL, Jwks: string(jwksOf(t, f.peer))}
	f.chain.mu.Unlock()
	st, _ := f.do(http.MethodPut, "/v3/ebl-issuance-requests", f.issuanceRequest(readDocument(t), f.carrier))
	require.Equal(t, http.StatusNoContent, st)
	eventually(t, "ISSU", func() bool { return len(f.issuanceResponses()) == 1 })
	key := f.gw.key
	f.stop()
	f.chain.mu.Lock()
	b := f.chain.bills["COS-COSU6385270140"]
	b.Status, b.HistoryLen = cargotypes.BILL_STATUS_EXPORTING, 2
	b.Export = &cargotypes.BillExport{Platform: peerCode, RecipientName: "Consignee on WAVE", RequestedBy: shipperAddr,
		RecipientCodes: []cargotypes.IdentifyingCode{{CodeListProvider: peerCode, PartyCode: "C7"}}}
	f.chain.mu.Unlock()
	f.start(key)
	eventually(t, "the export", func() bool {
		b, _ := f.chain.Bill(context.Background(), "COS-COSU6385270140")
		return b.Status == cargotypes.BILL_STATUS_EXPORTED
	})
	peer.mu.Lock()
	require.Len(t, peer.received, 1)
	peer.mu.Unlock()
}

func TestImportRefusalCode(t *testing.T) {
	for log, want := range map[string]pint.ResponseCode{
		"failed to execute message; message index: 0: envelopeTransferChain[0]: PINT signature refused (BSIG): sign ...": pint.BSIG,
		"eBL platform not trusted by this zone: the zone authority adds it":                                              pint.BSIG,
		"bill COS-X is ISSUED on this zone: the same bill cannot arrive over PINT: PINT envelope disputed (DISE): ...":   pint.DISE,
		"COS-X: held or reserved by another zone of the corridor":                                                        pint.DISE,
		"the last transaction names \"X\": the envelope's last transaction does not name this recipient":                 pint.BENV,
		"PINT envelope refused (BENV): send the transport document":                                                      pint.BENV,
	} {
		require.Equal(t, want, importRefusalCode(log), log)
	}
}

// The envelope a gateway sent is published without its documents, and its
// last entry hashes to the checksum the chain keeps for the export.
func TestSentExportsPublished(t *testing.T) {
	f, peer := exportFixture(t, pint.RECE)
	eventually(t, "the conclusion", func() bool {
		b, _ := f.chain.Bill(context.Background(), "COS-COSU6385270140")
		return b.Status == cargotypes.BILL_STATUS_EXPORTED
	})
	st, body := f.do(http.MethodGet, "/corridor/v1/bills/COS-COSU6385270140/exports", nil)
	require.Equal(t, http.StatusOK, st, string(body))
	require.NotContains(t, string(body), "transportDocument\"", "the transport document is not published")
	var got struct {
		PlatformCode string       `json:"platform_code"`
		Exports      []sentExport `json:"exports"`
	}
	require.NoError(t, json.Unmarshal(body, &got))
	require.Equal(t, ownCode, got.PlatformCode)
	require.Len(t, got.Exports, 1)
	e := got.Exports[0]
	b, _ := f.chain.Bill(context.Background(), "COS-COSU6385270140")
	require.Equal(t, b.Export.LastEntryChecksum, pint.Checksum(e.TransferChain[len(e.TransferChain)-1]))
	require.Equal(t, b.Export.LastEntryChecksum, e.LastEntryChecksum)
	require.Equal(t, "RECE", e.ResponseCode)
	require.Equal(t, b.Export.SignedResponse, e.SignedResponse)
	peer.mu.Lock()
	require.Equal(t, peer.received[0].EnvelopeTransferChain, e.TransferChain)
	require.Equal(t, peer.received[0].EnvelopeManifestSignedContent, e.EnvelopeManifest)
	peer.mu.Unlock()

	// Another bill: an empty list; a malformed id: DCSA's error object.
	st, body = f.do(http.MethodGet, "/corridor/v1/bills/COS-OTHER1/exports", nil)
	require.Equal(t, http.StatusOK, st)
	require.JSONEq(t, `[]`, string(mustField(t, body, "exports")))
	st, body = f.do(http.MethodGet, "/corridor/v1/bills/not%20a%20bill/exports", nil)
	require.Equal(t, http.StatusBadRequest, st, string(body))
	require.Contains(t, string(body), "statusCodeText")
}

func mustField(t *testing.T, body []byte, name string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &m))
	return m[name]
}
