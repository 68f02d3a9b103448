package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// Lodging. PINT's first transfer chain entry carries the carrier's signed
// issuance manifest, and every envelope the transport document itself. A
// bill issued through the Issuance API leaves both with the gateway; a bill
// issued by a CLI transaction (`tx cargo issue-bill`) leaves only their
// hash on chain. The carrier — or the holder, with the carrier's signed
// manifest — lodges them with the gateway:
//
//	PUT /corridor/v1/bills/{id}/issuance   (tradechaind gateway lodge-issuance)
//
// The request proves itself: the manifest must verify with a key of the
// bill's carrier (the carrier's JWKS the gateway is configured with, or the
// carrier's on-chain EblPlatform JWKS), must sign the document's DCSA
// checksum, which must be the bill's on-chain document hash, and the
// document's carrierCode must be the bill's carrier. Nothing else is taken
// on trust, so whoever sends it changes nothing the carrier did not sign.

// pLodged holds lodged issuances by document checksum.
const pLodged = "lodg/"

// lodgedIssuance is a carrier's issuance manifest for a bill the gateway did
// not issue itself (the document is under pTransportDoc).
type lodgedIssuance struct {
	BillID           string              `json:"bill_id"`
	CarrierCode      string              `json:"carrier_code"`
	DocumentChecksum string              `json:"document_checksum"`
	IssuanceManifest string              `json:"issuance_manifest"`
	Visualisation    *SupportingDocument `json:"visualisation,omitempty"`
	// Source: "lodged", or "corridor:<code>" when fetched from a peer.
	Source string    `json:"source"`
	At     time.Time `json:"at"`
}

// LodgeIssuanceRequest is the body of PUT /corridor/v1/bills/{id}/issuance:
// the members of a DCSA IssuanceRequest the PINT transfer needs (issueTo is
// optional; when given, the manifest's issueToChecksum is checked).
type LodgeIssuanceRequest struct {
	Document                      json.RawMessage     `json:"document"`
	IssuanceManifestSignedContent string              `json:"issuanceManifestSignedContent"`
	IssueTo                       json.RawMessage     `json:"issueTo,omitempty"`
	EBLVisualisationByCarrier     *SupportingDocument `json:"eBLVisualisationByCarrier,omitempty"`
}

// IssuanceHeld is the answer of GET /corridor/v1/bills/{id}/issuance.
type IssuanceHeld struct {
	BillID           string `json:"billId"`
	DocumentChecksum string `json:"documentChecksum"`
	ManifestChecksum string `json:"issuanceManifestChecksum"`
	// Source: ISSUANCE_API, LODGED, CORRIDOR:<code> or PINT (the manifest is
	// in the transfer chain the bill was imported with).
	Source string `json:"source"`
}

// heldIssuance returns the carrier's issuance manifest the gateway holds for
// a document: from its Issuance API, or lodged.
func (g *Gateway) heldIssuance(docSum string) (*lodgedIssuance, bool) {
	if raw, err := g.store.GetRaw(pIssByChecksum + docSum); err == nil {
		var iss issuanceRecord
		if g.store.Get(string(raw), &iss) == nil && iss.IssuanceManifest != "" {
			return &lodgedIssuance{BillID: iss.BillID, CarrierCode: iss.CarrierCode, DocumentChecksum: docSum,
				IssuanceManifest: iss.IssuanceManifest, Visualisation: iss.Visualisation, Source: "ISSUANCE_API", At: iss.Received}, true
		}
	}
	var l lodgedIssuance
	if g.store.Get(pLodged+docSum, &l) == nil {
		return &l, true
	}
	return nil, false
}

// carrierKeysOf are the keys a carrier signs issuance manifests with: its
// JWKS in the gateway's configuration, else its on-chain EblPlatform entry
// (a carrier trusted like a platform, under its party code).
func (g *Gateway) carrierKeysOf(ctx context.Context, code string) (*pint.KeySet, error) {
	if c, ok := g.carriers[code]; ok {
		return c.keys, nil
	}
	p, err := g.chain.EblPlatform(ctx, code)
	if err != nil {
		return nil, err
	}
	return pint.ParseJWKS([]byte(p.Jwks))
}

// verifyLodging checks that document and manifest are the carrier's
// issuance of bill: the document's carrierCode is the bill's carrier, its
// DCSA checksum is the bill's on-chain document hash, and the manifest is
// signed by the carrier's keys over this document (and issueTo and the
// visualisation). A refusal comes back as the HTTP status and causes; err is
// for the zone or store failing.
func (g *Gateway) verifyLodging(ctx context.Context, bill *cargotypes.Bill, document json.RawMessage, manifest string, issueTo json.RawMessage, vis *SupportingDocument) (*lodgedIssuance, int, []DetailedError, error) {
	var head struct {
		CarrierCode string `json:"carrierCode"`
	}
	if err := json.Unmarshal(document, &head); err != nil || head.CarrierCode == "" {
		return nil, http.StatusBadRequest, []DetailedError{detail(CodeMalformed, "Malformed document", "the document is not a DCSA transport document with a carrierCode")}, nil
	}
	carrier, err := g.chain.Party(ctx, bill.Carrier)
	if errors.Is(err, ErrNotFound) {
		return nil, http.StatusForbidden, []DetailedError{detail(CodeUnknownParty, "Unknown carrier", fmt.Sprintf("bill %s's carrier %s is not a party of zone %s", bill.Id, bill.Carrier, g.chain.ChainID()))}, nil
	}
	if err != nil {
		return nil, 0, nil, err
	}
	if head.CarrierCode != carrier.Code {
		return nil, http.StatusForbidden, []DetailedError{{ErrorCode: CodeUnknownParty, Property: "carrierCode", Value: head.CarrierCode, ErrorCodeText: "Not the bill's carrier",
			ErrorCodeMessage: fmt.Sprintf("bill %s was issued by carrier %s; only its own issuance manifest can back it", bill.Id, carrier.Code)}}, nil
	}
	keys, err := g.carrierKeysOf(ctx, carrier.Code)
	if errors.Is(err, ErrNotFound) {
		return nil, http.StatusForbidden, []DetailedError{detail(CodeUnknownParty, "Carrier keys unknown",
			fmt.Sprintf("the %s gateway knows no keys of carrier %s: its operator adds the carrier ([[carriers]] in gateway.toml) or the zone authority records the carrier's JWKS (set-ebl-platform %s ...)", g.chain.ChainID(), carrier.Code, carrier.Code))}, nil
	}
	if err != nil {
		return nil, 0, nil, err
	}
	docSum, status, problems := g.checkIssuanceManifest(keys, carrier.Code, manifest, document, issueTo, vis)
	if len(problems) > 0 {
		return nil, status, problems, nil
	}
	if docSum != bill.DocumentHash {
		return nil, http.StatusBadRequest, []DetailedError{{ErrorCode: CodeChecksum, Property: "document", Value: docSum, ErrorCodeText: "Not the bill's document",
			ErrorCodeMessage: fmt.Sprintf("the document's DCSA checksum %s is not bill %s's document hash on zone %s (%s): lodge the transport document the bill was issued with", docSum, bill.Id, g.chain.ChainID(), bill.DocumentHash)}}, nil
	}
	return &lodgedIssuance{BillID: bill.Id, CarrierCode: carrier.Code, DocumentChecksum: docSum, IssuanceManifest: manifest,
		Visualisation: vis, Source: "LODGED", At: time.Now().UTC()}, 0, nil, nil
}

// handleLodgeIssuance is PUT /corridor/v1/bills/{id}/issuance.
func (g *Gateway) handleLodgeIssuance(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("API-Version", IssuanceVersion)
	body, ok := g.readBody(w, r, g.cfg.MaxEnvelopeBytes+2*g.cfg.MaxDocumentBytes)
	if !ok {
		return
	}
	var req LodgeIssuanceRequest
	if err := pint.Decode(body, &req); err != nil {
		writeError(w, r, http.StatusBadRequest, "The body is not a lodging request", detail(CodeMalformed, "Malformed request", err.Error()))
		return
	}
	var missing []string
	if len(req.Document) == 0 || string(req.Document) == "null" {
		missing = append(missing, "document")
	}
	if req.IssuanceManifestSignedContent == "" {
		missing = append(missing, "issuanceManifestSignedContent")
	}
	if len(missing) > 0 {
		writeError(w, r, http.StatusBadRequest, "Required members are missing", detail(CodeMalformed, "Missing members", "required: "+strings.Join(missing, ", ")))
		return
	}
	bill, ok := g.billOr404(w, r)
	if !ok {
		return
	}
	lodged, status, problems, err := g.verifyLodging(r.Context(), bill, req.Document, req.IssuanceManifestSignedContent, req.IssueTo, req.EBLVisualisationByCarrier)
	if err != nil {
		writeError(w, r, http.StatusServiceUnavailable, "The zone cannot be read now; retry", detail(CodeUnavailable, "Zone unavailable", err.Error()))
		return
	}
	if len(problems) > 0 {
		writeError(w, r, status, "The issuance cannot back bill "+bill.Id, problems...)
		return
	}
	err = g.store.Update(func(b *Batch) error {
		if _, held := g.heldIssuance(bill.DocumentHash); held {
			return nil // lodged (or issued here) before: the first stays
		}
		b.PutRaw(pTransportDoc+bill.DocumentHash, req.Document)
		b.Put(pLodged+bill.DocumentHash, lodged)
		// An export waiting for these documents goes now.
		return g.store.wakeJobs(b, jobExport)
	})
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "The gateway could not record the lodging; retry", detail(CodeInternal, "Internal error", err.Error()))
		return
	}
	g.log.Info("issuance lodged", "bill", bill.Id, "carrier", lodged.CarrierCode, "document", bill.DocumentHash)
	g.out.kick()
	w.WriteHeader(http.StatusNoContent)
}

// handleGetIssuance is GET /corridor/v1/bills/{id}/issuance: whether the
// gateway holds what a PINT export of the bill needs.
func (g *Gateway) handleGetIssuance(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("API-Version", IssuanceVersion)
	bill, ok := g.billOr404(w, r)
	if !ok {
		return
	}
	src, err := g.exportReadiness(r.Context(), bill)
	var missing *errMissingIssuance
	if errors.As(err, &missing) {
		writeError(w, r, http.StatusNotFound, "The gateway cannot export bill "+bill.Id+" yet", detail(CodeMissingIssuance, "Issuance not lodged", missing.Error()))
		return
	}
	if err != nil {
		writeError(w, r, http.StatusServiceUnavailable, "The zone or the corridor cannot be read now; retry", detail(CodeUnavailable, "Unavailable", err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, src.held)
}

// ExportStatus is the answer of GET /corridor/v1/bills/{id}/export.
type ExportStatus struct {
	BillID       string `json:"billId"`
	State        string `json:"state"`
	Platform     string `json:"platform"`
	Recipient    string `json:"recipientName"`
	ResponseCode string `json:"responseCode,omitempty"`
	Reason       string `json:"reason,omitempty"`
	// Attempts the receiving platform answered without a signed answer
	// (PINT: retried), since when, the last one, and — once stalled — what
	// the operator does.
	UnsignedAnswers    int        `json:"unsignedAnswers,omitempty"`
	UnsignedSince      *time.Time `json:"unsignedSince,omitempty"`
	LastUnsignedAnswer string     `json:"lastUnsignedAnswer,omitempty"`
	Stalled            bool       `json:"stalled,omitempty"`
	OperatorAction     string     `json:"operatorAction,omitempty"`
}

// handleExportStatus is GET /corridor/v1/bills/{id}/export: the bill's
// latest PINT export as the gateway runs it. An export that cannot start
// because the carrier's issuance is not lodged is answered 409 with DCSA's
// error object saying what to do.
func (g *Gateway) handleExportStatus(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var rec *exportRecord
	err := g.store.Iterate(pExport+id+"/", func(_ string, v []byte) (bool, error) {
		var e exportRecord
		if err := json.Unmarshal(v, &e); err != nil {
			return false, err
		}
		rec = &e
		return true, nil
	})
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "The store cannot be read", detail(CodeInternal, "Internal error", err.Error()))
		return
	}
	if rec == nil {
		writeError(w, r, http.StatusNotFound, "No export of bill "+id, detail(CodeNotFound, "Not found", "the "+g.chain.ChainID()+" gateway has seen no export of bill "+id+" (the holder asks for one with tx cargo export-bill)"))
		return
	}
	if rec.State == expWaiting {
		writeError(w, r, http.StatusConflict, "The export of bill "+id+" waits for the carrier's issuance", detail(CodeMissingIssuance, "Issuance not lodged", rec.Reason))
		return
	}
	st := ExportStatus{BillID: rec.BillID, State: rec.State, Platform: rec.Platform, Recipient: rec.RecipientName,
		ResponseCode: string(rec.ResponseCode), Reason: rec.Reason, UnsignedAnswers: rec.UnsignedAnswers, UnsignedSince: rec.UnsignedSince,
		LastUnsignedAnswer: rec.LastUnsignedAnswer, Stalled: rec.Stalled && rec.State == expSending}
	if st.Stalled {
		st.OperatorAction = withdrawAction(rec)
	}
	writeJSON(w, http.StatusOK, st)
}

func (g *Gateway) billOr404(w http.ResponseWriter, r *http.Request) (*cargotypes.Bill, bool) {
	id := r.PathValue("id")
	bill, err := g.chain.Bill(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		writeError(w, r, http.StatusNotFound, "No such bill", detail(CodeNotFound, "Not found", "zone "+g.chain.ChainID()+" has no bill "+id))
		return nil, false
	}
	if err != nil {
		writeError(w, r, http.StatusServiceUnavailable, "The zone cannot be read now; retry", detail(CodeUnavailable, "Zone unavailable", err.Error()))
		return nil, false
	}
	return bill, true
}

// errMissingIssuance: the gateway cannot build the bill's PINT envelope; the
// message says what to lodge.
type errMissingIssuance struct {
	billID, hash, zone, what string
}

func (e *errMissingIssuance) Error() string {
	return fmt.Sprintf("bill %s was not issued through the DCSA Issuance API of this corridor, and the %s gateway holds no %s for it (document hash %s), which a PINT transfer must carry: "+
		"the carrier (or the holder, with the carrier's signed manifest) lodges the DCSA transport document and its JWS-signed issuance manifest: "+
		"tradechaind gateway lodge-issuance %s --document DOCUMENT.json --manifest MANIFEST.jws --gateway URL (PUT /corridor/v1/bills/%s/issuance); the export then proceeds",
		e.billID, e.zone, e.what, e.hash, e.billID, e.billID)
}

// exportSources is what a PINT envelope of a bill is built from.
type exportSources struct {
	held     IssuanceHeld
	imported *importedChain  // the transfer chain the bill arrived with, if any
	document json.RawMessage // the transport document
	issuance *lodgedIssuance // the carrier's issuance, for a bill not imported
}

// exportReadiness finds what an export of bill needs: the transport document
// (held, or from a corridor peer) and the carrier's issuance manifest (held,
// lodged, or in the transfer chain the bill was imported with). What is
// missing is an *errMissingIssuance saying what to lodge.
func (g *Gateway) exportReadiness(ctx context.Context, bill *cargotypes.Bill) (*exportSources, error) {
	imported, err := g.importedTransferChain(ctx, bill)
	if err != nil {
		return nil, err
	}
	missing := &errMissingIssuance{billID: bill.Id, hash: bill.DocumentHash, zone: g.chain.ChainID()}
	document, err := g.transportDocument(ctx, bill)
	if errors.Is(err, ErrNotFound) {
		missing.what = "transport document"
		if imported == nil {
			missing.what = "transport document and carrier's issuance manifest"
		}
		return nil, missing
	} else if err != nil {
		return nil, err
	}
	src := &exportSources{held: IssuanceHeld{BillID: bill.Id, DocumentChecksum: bill.DocumentHash}, imported: imported, document: document}
	if imported != nil {
		src.held.Source, src.held.ManifestChecksum = "PINT", firstIssuanceChecksum(imported.TransferChain)
		return src, nil
	}
	iss, ok := g.heldIssuance(bill.DocumentHash)
	if !ok {
		missing.what = "carrier's issuance manifest"
		return nil, missing
	}
	src.issuance = iss
	src.held.Source, src.held.ManifestChecksum = strings.ToUpper(iss.Source), pint.Checksum(iss.IssuanceManifest)
	return src, nil
}

// firstIssuanceChecksum is the checksum of the issuance manifest in a
// transfer chain's first entry ("" if it cannot be read).
func firstIssuanceChecksum(chain []string) string {
	if len(chain) == 0 {
		return ""
	}
	j, err := pint.Parse(chain[0])
	if err != nil {
		return ""
	}
	var e pint.EnvelopeTransferChainEntry
	if json.Unmarshal(j.Payload, &e) != nil || e.IssuanceManifestSignedContent == "" {
		return ""
	}
	return pint.Checksum(e.IssuanceManifestSignedContent)
}

// wakeJobs makes every job of kind due now (inside Store.Update).
func (s *Store) wakeJobs(b *Batch, kind string) error {
	now := time.Now().UTC()
	return s.Iterate(pJob, func(k string, v []byte) (bool, error) {
		var j job
		if json.Unmarshal(v, &j) == nil && j.Kind == kind && j.NextAt.After(now) {
			j.NextAt = now
			b.Put(k, j)
		}
		return true, nil
	})
}

// LodgeIssuance sends a lodging request to the gateway at baseURL (the
// client of `tradechaind gateway lodge-issuance`). A refusal is returned as
// an error carrying the gateway's DCSA error object.
func LodgeIssuance(ctx context.Context, client *http.Client, baseURL, billID string, req LodgeIssuanceRequest) error {
	raw, err := json.Marshal(req)
	if err != nil {
		return err
	}
	u := strings.TrimRight(baseURL, "/") + "/corridor/v1/bills/" + url.PathEscape(billID) + "/issuance"
	hr, err := http.NewRequestWithContext(ctx, http.MethodPut, u, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	hr.Header.Set("Content-Type", "application/json")
	res, err := client.Do(hr)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode == http.StatusNoContent || res.StatusCode == http.StatusOK {
		return nil
	}
	var e ErrorResponse
	if json.Unmarshal(body, &e) == nil && len(e.Errors) > 0 {
		var msgs []string
		for _, d := range e.Errors {
			msgs = append(msgs, fmt.Sprintf("%d %s: %s", d.ErrorCode, d.ErrorCodeText, d.ErrorCodeMessage))
		}
		return fmt.Errorf("the gateway refused the lodging (%d %s): %s", res.StatusCode, e.StatusCodeMessage, strings.Join(msgs, "; "))
	}
	return fmt.Errorf("PUT %s: %s: %s", u, res.Status, strings.TrimSpace(string(body)))
}
