package gateway

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// Envelope states on the receiving side.
const (
	envOpen      = "OPEN"      // started (201); waiting for additional documents
	envImporting = "IMPORTING" // finish asked; MsgImportBill in the outbox / on chain
	envAccepted  = "ACCEPTED"  // RECE answered: a live bill on the zone
	envRejected  = "REJECTED"  // BSIG/BENV/DISE answered
)

// envelopeRecord is an envelope transfer this gateway received.
type envelopeRecord struct {
	Reference         string                `json:"reference"`
	SendingPlatform   string                `json:"sending_platform"`
	Envelope          pint.EblEnvelope      `json:"envelope"`
	Manifest          pint.EnvelopeManifest `json:"manifest"`
	LastEntryChecksum string                `json:"last_entry_checksum"`
	DocumentChecksum  string                `json:"document_checksum"`
	Recipient         string                `json:"recipient"`
	State             string                `json:"state"`
	BillID            string                `json:"bill_id,omitempty"`
	// Response is the signed EnvelopeTransferFinishedResponse once decided,
	// answered again verbatim to a retried finish.
	Response     string            `json:"response,omitempty"`
	ResponseCode pint.ResponseCode `json:"response_code,omitempty"`
	Created      time.Time         `json:"created"`
}

type envelopeJob struct {
	Reference string `json:"reference"`
}

func newEnvelopeReference() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// statusOf is the HTTP status PINT pairs with each response code.
func statusOf(code pint.ResponseCode) int {
	switch code {
	case pint.RECE, pint.DUPE:
		return http.StatusOK
	case pint.INCD, pint.MDOC, pint.DISE:
		return http.StatusConflict
	default:
		return http.StatusUnprocessableEntity
	}
}

// signResponse signs an EnvelopeTransferFinishedResponse with the gateway's key.
func (g *Gateway) signResponse(r pint.EnvelopeTransferFinishedResponse) (string, error) {
	if r.ResponseCode == pint.RECE {
		r.Reason = ""
	}
	r.Reason = oneLine(r.Reason, 255)
	return g.key.Signer.SignJSON(r)
}

// writeSigned answers with the signed response (a JSON string, as the
// EnvelopeTransferFinishedResponseSignedContent schema says).
func (g *Gateway) writeSigned(w http.ResponseWriter, r *http.Request, code pint.ResponseCode, signed string) {
	w.Header().Set("API-Version", PINTVersion)
	writeJSON(w, statusOf(code), signed)
}

// answer signs and writes a response for an envelope that is not stored.
func (g *Gateway) answer(w http.ResponseWriter, r *http.Request, lastChecksum string, code pint.ResponseCode, reason string) {
	signed, err := g.signResponse(pint.EnvelopeTransferFinishedResponse{
		LastEnvelopeTransferChainEntrySignedContentChecksum: lastChecksum, ResponseCode: code, Reason: reason})
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "The gateway could not sign its answer", detail(CodeInternal, "Internal error", err.Error()))
		return
	}
	g.log.Info("envelope answered", "code", code, "last_entry", lastChecksum, "reason", reason)
	g.writeSigned(w, r, code, signed)
}

// platformKeys returns a trusted platform's key set from the zone's on-chain
// registry; a platform not on chain is not trusted.
func (g *Gateway) platformKeys(ctx context.Context) pint.KeysFunc {
	return func(code string) (*pint.KeySet, error) {
		p, err := g.chain.EblPlatform(ctx, code)
		if errors.Is(err, ErrNotFound) && code == g.cfg.PlatformCode {
			// Entries this gateway signed (a bill it exported, coming
			// back): its own keys. The zone should also record its own
			// code on chain, so MsgImportBill verifies them there too.
			raw, err := g.key.JWKS()
			if err != nil {
				return nil, err
			}
			return pint.ParseJWKS(raw)
		}
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("platform %s is not trusted by zone %s", code, g.chain.ChainID())
		}
		if err != nil {
			return nil, err
		}
		return pint.ParseJWKS([]byte(p.Jwks))
	}
}

// carrierKeys returns the configured carriers' key sets that hold kid.
func (g *Gateway) carrierKeys(kid string) []*pint.KeySet {
	var out []*pint.KeySet
	for _, c := range g.carriers {
		for _, k := range c.keys.Keys {
			if k.Kid == kid {
				out = append(out, c.keys)
				break
			}
		}
	}
	return out
}

// lastEntryPlatform reads the eblPlatform the last chain entry names,
// before any verification (it says whose keys to verify with).
func lastEntryPlatform(chain []string) string {
	if len(chain) == 0 {
		return ""
	}
	j, err := pint.Parse(chain[len(chain)-1])
	if err != nil {
		return ""
	}
	var e struct {
		EblPlatform string `json:"eblPlatform"`
	}
	if json.Unmarshal(j.Payload, &e) != nil {
		return ""
	}
	return e.EblPlatform
}

// handleStartEnvelope is POST /v3/envelopes.
func (g *Gateway) handleStartEnvelope(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("API-Version", PINTVersion)
	body, ok := g.readBody(w, r, g.cfg.MaxEnvelopeBytes)
	if !ok {
		return
	}
	env, err := pint.DecodeEnvelope(body)
	if err != nil || len(env.EnvelopeTransferChain) == 0 || env.EnvelopeManifestSignedContent == "" || len(env.TransportDocument) == 0 {
		msg := "transportDocument, envelopeManifestSignedContent and a non-empty envelopeTransferChain are required"
		if err != nil {
			msg = err.Error()
		}
		if env != nil && len(env.EnvelopeTransferChain) > 0 {
			g.answer(w, r, pint.Checksum(env.EnvelopeTransferChain[len(env.EnvelopeTransferChain)-1]), pint.BENV, "the envelope is malformed: "+msg)
			return
		}
		writeError(w, r, http.StatusBadRequest, "The body is not an EblEnvelope", detail(CodeMalformed, "Malformed envelope", msg))
		return
	}
	ctx := r.Context()
	last := pint.Checksum(env.EnvelopeTransferChain[len(env.EnvelopeTransferChain)-1])

	// A transfer seen before: accepted (DUPE), in progress (a retry of the
	// start: same reference), or rejected (verified afresh).
	var ref string
	if err := g.store.Get(pEnvByLast+last, &ref); err == nil {
		var rec envelopeRecord
		if err := g.store.Get(pEnvelope+ref, &rec); err == nil {
			switch rec.State {
			case envAccepted:
				g.answerDupe(w, r, last, rec.Envelope.EnvelopeTransferChain[len(rec.Envelope.EnvelopeTransferChain)-1], rec.Manifest)
				return
			case envOpen:
				g.startedOrFinish(w, r, &rec)
				return
			case envImporting:
				g.finish(w, r, rec.Reference)
				return
			}
		}
	}
	if res, err := g.chain.PintEnvelope(ctx, last); err == nil && res.Bill.Status != cargotypes.BILL_STATUS_REJECTED_DUPLICATE {
		// Imported before (by this gateway before its store was lost, or by
		// this zone's other gateway): DUPE, never a second bill. One the
		// corridor registry refused is verified afresh below (DISE again).
		chain := res.Envelope.TransferChain
		g.answerDupe(w, r, last, chain[len(chain)-1], pint.EnvelopeManifest{})
		return
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		writeError(w, r, http.StatusServiceUnavailable, "The zone cannot be reached; retry", detail(CodeUnavailable, "Zone unavailable", err.Error()))
		return
	}

	sender := lastEntryPlatform(env.EnvelopeTransferChain)
	verified, err := pint.VerifyEnvelope(pint.EnvelopeInput{
		TransportDocument: env.TransportDocument,
		EnvelopeManifest:  env.EnvelopeManifestSignedContent,
		TransferChain:     env.EnvelopeTransferChain,
		SendingPlatform:   sender,
		ReceivingPlatform: g.cfg.PlatformCode,
		Keys:              g.platformKeys(ctx),
		IssuanceKeys:      g.carrierKeys,
	})
	if err != nil {
		code := pint.CodeOf(err)
		if code == "" {
			writeError(w, r, http.StatusServiceUnavailable, "The envelope could not be verified now; retry", detail(CodeUnavailable, "Verification unavailable", err.Error()))
			return
		}
		var pe *pint.Error
		reason := err.Error()
		if errors.As(err, &pe) {
			reason = pe.Reason
		}
		g.answer(w, r, last, code, reason)
		return
	}
	// The zone names its parties in PINT by codeListProvider = its platform
	// code and partyCode = the party code or address (x/cargo checks the
	// same in MsgImportBill); another code alone (an LEI) is not enough to
	// land a bill here.
	var own []pint.IdentifyingCode
	for _, c := range verified.Recipient.IdentifyingCodes {
		if c.CodeListProvider == g.cfg.PlatformCode {
			own = append(own, c)
		}
	}
	recipient, err := g.resolveParty(ctx, own)
	if errors.Is(err, ErrNotFound) {
		g.answer(w, r, last, pint.BENV, fmt.Sprintf("the recipient %q (%s) is not an active party of zone %s: name it with codeListProvider %s and its party code", verified.Recipient.PartyName, describeCodes(verified.Recipient.IdentifyingCodes), g.chain.ChainID(), g.cfg.PlatformCode))
		return
	}
	if err != nil {
		writeError(w, r, http.StatusServiceUnavailable, "The zone cannot be reached; retry", detail(CodeUnavailable, "Zone unavailable", err.Error()))
		return
	}
	if reason, disputed, err := g.disputed(ctx, verified.TransportDocumentChecksum); err != nil {
		writeError(w, r, http.StatusServiceUnavailable, "The zone cannot be reached; retry", detail(CodeUnavailable, "Zone unavailable", err.Error()))
		return
	} else if disputed {
		g.answer(w, r, last, pint.DISE, reason)
		return
	}
	rec := envelopeRecord{
		Reference: newEnvelopeReference(), SendingPlatform: sender, Envelope: *env, Manifest: verified.Manifest,
		LastEntryChecksum: last, DocumentChecksum: verified.TransportDocumentChecksum, Recipient: recipient.Address,
		State: envOpen, Created: time.Now().UTC(),
	}
	if err := g.store.Update(func(b *Batch) error {
		b.Put(pEnvelope+rec.Reference, rec)
		b.Put(pEnvByLast+last, rec.Reference)
		return nil
	}); err != nil {
		writeError(w, r, http.StatusInternalServerError, "The gateway could not record the envelope; retry", detail(CodeInternal, "Internal error", err.Error()))
		return
	}
	g.log.Info("envelope started", "reference", rec.Reference, "from", sender, "bill_document", rec.DocumentChecksum, "recipient", recipient.Code)
	g.startedOrFinish(w, r, &rec)
}

// disputed says whether the document backs a bill of this zone that is
// live (or surrendered, voided): DISE before anything is recorded. A bill
// this zone exported may come back; a document another zone holds is
// settled by the corridor registry when the import reserves it.
func (g *Gateway) disputed(ctx context.Context, hash string) (string, bool, error) {
	res, err := g.chain.RegistryKey(ctx, hash)
	if err != nil {
		return "", false, err
	}
	for _, k := range res.Keys {
		if k.Kind != cargotypes.KEY_KIND_TRANSPORT_DOCUMENT {
			continue
		}
		// A key another zone holds is for the corridor registry to judge:
		// the import reserves it (a bill that zone exported may land here);
		// a refusal comes back as REJECTED_DUPLICATE and is answered DISE.
		if k.Reference == "" || (k.HolderZone != "" && k.HolderZone != g.chain.ChainID()) {
			continue
		}
		bill, err := g.chain.Bill(ctx, k.Reference)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return "", false, err
		}
		switch bill.Status {
		case cargotypes.BILL_STATUS_EXPORTED, cargotypes.BILL_STATUS_REJECTED_DUPLICATE, cargotypes.BILL_STATUS_VOIDED, cargotypes.BILL_STATUS_SURRENDERED_FOR_DELIVERY:
			// Exported (it may come back), dead or surrendered: the
			// chain decides whether this envelope may land.
			if bill.Status == cargotypes.BILL_STATUS_EXPORTED {
				continue
			}
			return fmt.Sprintf("the transport document's bill %s on zone %s is %s", bill.Id, g.chain.ChainID(), strings.TrimPrefix(bill.Status.String(), "BILL_STATUS_")), true, nil
		case cargotypes.BILL_STATUS_TRANSFERRED_OUT:
			return fmt.Sprintf("the transport document backs bill %s, live on zone %s", bill.Id, bill.ControlZone), true, nil
		default:
			return fmt.Sprintf("the transport document backs bill %s, live on zone %s", bill.Id, g.chain.ChainID()), true, nil
		}
	}
	return "", false, nil
}

// answerDupe answers DUPE for an envelope accepted before.
func (g *Gateway) answerDupe(w http.ResponseWriter, r *http.Request, last, acceptedLastEntry string, m pint.EnvelopeManifest) {
	var received []string
	for _, d := range m.AdditionalDocuments() {
		received = append(received, d.DocumentChecksum)
	}
	signed, err := g.signResponse(pint.EnvelopeTransferFinishedResponse{
		LastEnvelopeTransferChainEntrySignedContentChecksum: last,
		ResponseCode: pint.DUPE,
		Reason:       "this envelope transfer was accepted before",
		DuplicateOfAcceptedEnvelopeTransferChainEntrySignedContent: acceptedLastEntry,
		ReceivedAdditionalDocumentChecksums:                        received,
	})
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "The gateway could not sign its answer", detail(CodeInternal, "Internal error", err.Error()))
		return
	}
	g.log.Info("envelope answered", "code", pint.DUPE, "last_entry", last)
	g.writeSigned(w, r, pint.DUPE, signed)
}

// startedOrFinish answers 201 with the missing documents, or, when none is
// missing, finishes the transfer at once (PINT: RECE to the start).
func (g *Gateway) startedOrFinish(w http.ResponseWriter, r *http.Request, rec *envelopeRecord) {
	missing := pint.MissingDocuments(rec.Manifest, g.haveDocument(rec))
	if len(missing) == 0 {
		g.finish(w, r, rec.Reference)
		return
	}
	w.Header().Set("API-Version", PINTVersion)
	writeJSON(w, http.StatusCreated, pint.EnvelopeTransferStartedResponse{
		EnvelopeReference:                                   rec.Reference,
		TransportDocumentChecksum:                           rec.DocumentChecksum,
		LastEnvelopeTransferChainEntrySignedContentChecksum: rec.LastEntryChecksum,
		MissingAdditionalDocumentChecksums:                  missing,
	})
}

func (g *Gateway) haveDocument(rec *envelopeRecord) func(string) bool {
	return func(sum string) bool {
		ok, _ := g.store.Has(pDocument + sum)
		return ok
	}
}

// handleAdditionalDocument is PUT /v3/envelopes/{ref}/additional-documents/{checksum}.
func (g *Gateway) handleAdditionalDocument(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("API-Version", PINTVersion)
	ref, sum := r.PathValue("ref"), r.PathValue("checksum")
	if len(ref) > 100 || !pint.IsChecksum(sum) {
		writeError(w, r, http.StatusBadRequest, "Bad envelope reference or checksum", detail(CodeMalformed, "Malformed path", "envelopeReference has at most 100 characters; documentChecksum is 64 lower-case hex characters"))
		return
	}
	var rec envelopeRecord
	if err := g.store.Get(pEnvelope+ref, &rec); err != nil {
		writeError(w, r, http.StatusNotFound, "No such envelope transfer", detail(CodeNotFound, "Unknown envelope", "no envelope transfer "+ref+" was started here"))
		return
	}
	// base64 grows a document by a third, plus the JSON quotes.
	body, ok := g.readBody(w, r, g.cfg.MaxDocumentBytes*4/3+16)
	if !ok {
		return
	}
	var content []byte
	err := json.Unmarshal(body, &content)
	if trimmed := bytes.TrimSpace(body); err != nil && len(trimmed) > 0 && trimmed[0] != '"' {
		// The base64 text without its JSON quotes: what a JSON-unwrapping
		// middlebox forwards (Prism's proxy does, for this string body).
		content, err = base64.StdEncoding.DecodeString(string(trimmed))
	}
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "The body must be a JSON string holding the document in base64", detail(CodeMalformed, "Malformed document", err.Error()))
		return
	}
	if rec.State != envOpen {
		if rec.State == envRejected {
			g.writeSigned(w, r, rec.ResponseCode, rec.Response)
			return
		}
		// Accepted or being imported: the document was not needed.
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err := pint.CheckAdditionalDocument(rec.Manifest, sum, content); err != nil {
		var pe *pint.Error
		reason := err.Error()
		if errors.As(err, &pe) {
			reason = pe.Reason
		}
		g.answer(w, r, rec.LastEntryChecksum, pint.INCD, reason)
		return
	}
	if err := g.store.Update(func(b *Batch) error { b.PutRaw(pDocument+sum, content); return nil }); err != nil {
		writeError(w, r, http.StatusInternalServerError, "The gateway could not store the document; retry", detail(CodeInternal, "Internal error", err.Error()))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleFinish is PUT /v3/envelopes/{ref}/finish-transfer.
func (g *Gateway) handleFinish(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("API-Version", PINTVersion)
	ref := r.PathValue("ref")
	if ok, _ := g.store.Has(pEnvelope + ref); !ok || len(ref) > 100 {
		writeError(w, r, http.StatusNotFound, "No such envelope transfer", detail(CodeNotFound, "Unknown envelope", "no envelope transfer "+ref+" was started here"))
		return
	}
	g.finish(w, r, ref)
}

// finishWait is how long a finish waits for the zone to record the import
// before answering 503 (the sender retries the finish, as PINT asks).
var finishWait = 25 * time.Second

// finish accepts the envelope: MDOC while documents are missing; otherwise
// the import goes to the outbox (synced) and the answer waits for the zone.
func (g *Gateway) finish(w http.ResponseWriter, r *http.Request, ref string) {
	key := pEnvelope + ref
	var missing []string
	err := g.store.Update(func(b *Batch) error {
		var rec envelopeRecord
		if err := g.store.Get(key, &rec); err != nil {
			return err
		}
		if rec.State != envOpen {
			return nil
		}
		if missing = pint.MissingDocuments(rec.Manifest, g.haveDocument(&rec)); len(missing) > 0 {
			return nil
		}
		rec.State = envImporting
		b.Put(key, rec)
		return g.store.enqueue(b, jobImport, envelopeJob{Reference: ref})
	})
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "The gateway could not record the transfer; retry", detail(CodeInternal, "Internal error", err.Error()))
		return
	}
	var rec envelopeRecord
	_ = g.store.Get(key, &rec)
	if len(missing) > 0 {
		signed, err := g.signResponse(pint.EnvelopeTransferFinishedResponse{
			LastEnvelopeTransferChainEntrySignedContentChecksum: rec.LastEntryChecksum, ResponseCode: pint.MDOC,
			Reason: fmt.Sprintf("%d additional document(s) not received", len(missing)), MissingAdditionalDocumentChecksums: missing})
		if err != nil {
			writeError(w, r, http.StatusInternalServerError, "The gateway could not sign its answer", detail(CodeInternal, "Internal error", err.Error()))
			return
		}
		g.writeSigned(w, r, pint.MDOC, signed)
		return
	}
	g.out.kick()
	deadline := time.Now().Add(finishWait)
	for rec.State == envImporting && time.Now().Before(deadline) {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
		_ = g.store.Get(key, &rec)
	}
	if rec.State == envImporting {
		w.Header().Set("Retry-After", "5")
		writeError(w, r, http.StatusServiceUnavailable, "The zone is still recording the transfer; retry finish-transfer",
			detail(CodeUnavailable, "Transfer being recorded", "the envelope is accepted for processing and is being recorded on zone "+g.chain.ChainID()+"; retry finish-transfer for the signed answer"))
		return
	}
	g.writeSigned(w, r, rec.ResponseCode, rec.Response)
}

// decideEnvelope records the signed answer of an envelope transfer.
func (g *Gateway) decideEnvelope(ref string, code pint.ResponseCode, reason, billID string) error {
	key := pEnvelope + ref
	return g.store.Update(func(b *Batch) error {
		var rec envelopeRecord
		if err := g.store.Get(key, &rec); err != nil {
			return err
		}
		if rec.State != envImporting {
			return nil
		}
		resp := pint.EnvelopeTransferFinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: rec.LastEntryChecksum, ResponseCode: code, Reason: reason}
		if code == pint.RECE {
			for _, d := range rec.Manifest.AdditionalDocuments() {
				resp.ReceivedAdditionalDocumentChecksums = append(resp.ReceivedAdditionalDocumentChecksums, d.DocumentChecksum)
			}
		}
		signed, err := g.signResponse(resp)
		if err != nil {
			return err
		}
		rec.Response, rec.ResponseCode, rec.BillID = signed, code, billID
		if code.Accepted() {
			rec.State = envAccepted
			// The gateway keeps the document: the bill may be exported again.
			b.PutRaw(pTransportDoc+rec.DocumentChecksum, rec.Envelope.TransportDocument)
		} else {
			rec.State = envRejected
		}
		g.log.Info("envelope decided", "reference", ref, "code", code, "bill", billID, "reason", reason)
		b.Put(key, rec)
		return nil
	})
}

// runImport lands an accepted envelope on the zone (MsgImportBill by the
// gateway's own PLATFORM account) and waits for the corridor registry: RECE
// once the bill is live, DISE if the registry finds the document live elsewhere.
func (g *Gateway) runImport(ctx context.Context, j *job) error {
	var p envelopeJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return errPermanent
	}
	var rec envelopeRecord
	if err := g.store.Get(pEnvelope+p.Reference, &rec); err != nil {
		return err
	}
	if rec.State != envImporting {
		return nil
	}
	res, err := g.chain.PintEnvelope(ctx, rec.LastEntryChecksum)
	if errors.Is(err, ErrNotFound) {
		_, txErr := g.chain.Broadcast(ctx, "dcsa pint import "+rec.Reference, &cargotypes.MsgImportBill{
			Platform:          g.chain.Address(),
			SendingPlatform:   rec.SendingPlatform,
			TransportDocument: rec.Envelope.TransportDocument,
			EnvelopeManifest:  rec.Envelope.EnvelopeManifestSignedContent,
			TransferChain:     rec.Envelope.EnvelopeTransferChain,
			Recipient:         rec.Recipient,
		})
		if te, refused := IsTxRefused(txErr); refused {
			if _, again := g.chain.PintEnvelope(ctx, rec.LastEntryChecksum); again == nil {
				return errWaiting{"import landed"}
			}
			return g.decideEnvelope(p.Reference, importRefusalCode(te.Log), fmt.Sprintf("zone %s refused the import: %s", g.chain.ChainID(), te.Log), "")
		}
		if txErr != nil {
			return txErr
		}
		res, err = g.chain.PintEnvelope(ctx, rec.LastEntryChecksum)
	}
	if err != nil {
		return err
	}
	switch res.Bill.Status {
	case cargotypes.BILL_STATUS_PENDING:
		return errWaiting{"the corridor registry has not answered for " + res.Bill.Id}
	case cargotypes.BILL_STATUS_REJECTED_DUPLICATE:
		zone, _, _ := g.heldElsewhere(ctx, rec.DocumentChecksum)
		if zone == "" {
			zone = "another zone"
		}
		return g.decideEnvelope(p.Reference, pint.DISE, fmt.Sprintf("the corridor registry found the transport document live on zone %s", zone), res.Bill.Id)
	default:
		return g.decideEnvelope(p.Reference, pint.RECE, "", res.Bill.Id)
	}
}

// importRefusalCode maps the chain's refusal of an import to a PINT code by
// x/cargo's registered errors (their messages name the code: "(BSIG)",
// "(BENV)", "(DISE)"; an untrusted platform is BSIG; a document or bill live
// elsewhere in the corridor is DISE).
func importRefusalCode(log string) pint.ResponseCode {
	switch {
	case strings.Contains(log, "(BSIG)") || strings.Contains(log, "not trusted by this zone"):
		return pint.BSIG
	case strings.Contains(log, "(DISE)") || strings.Contains(log, "(DUPE)") || strings.Contains(log, "held or reserved by another zone") ||
		strings.Contains(log, "already live") || strings.Contains(log, "bill id already exists"):
		return pint.DISE
	default:
		return pint.BENV
	}
}

// handleReceiverValidation is POST /v3/receiver-validation.
func (g *Gateway) handleReceiverValidation(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("API-Version", PINTVersion)
	body, ok := g.readBody(w, r, 8<<10)
	if !ok {
		return
	}
	var code pint.IdentifyingCode
	if err := pint.Decode(body, &code); err != nil || code.CodeListProvider == "" || code.PartyCode == "" {
		writeError(w, r, http.StatusBadRequest, "The body is not an IdentifyingCode", detail(CodeMalformed, "Malformed request", "codeListProvider and partyCode are required"))
		return
	}
	p, err := g.resolveParty(r.Context(), []pint.IdentifyingCode{code})
	if errors.Is(err, ErrNotFound) {
		writeError(w, r, http.StatusNotFound, "Unknown party", detail(CodeUnknownParty, "Unknown party", "no active party of this platform answers to that code"))
		return
	}
	if err != nil {
		writeError(w, r, http.StatusServiceUnavailable, "The zone cannot be reached; retry", detail(CodeUnavailable, "Zone unavailable", err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"partyName": partyOf(g.cfg, p).PartyName})
}
