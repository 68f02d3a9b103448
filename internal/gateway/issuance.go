package gateway

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/dcsa"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// issuanceRequest is the body of PUT /v3/ebl-issuance-requests.
type issuanceRequest struct {
	Document                      json.RawMessage     `json:"document"`
	TransportDocumentReplacements json.RawMessage     `json:"transportDocumentReplacements,omitempty"`
	IssueTo                       json.RawMessage     `json:"issueTo"`
	EBLVisualisationByCarrier     *SupportingDocument `json:"eBLVisualisationByCarrier,omitempty"`
	IssuanceManifestSignedContent string              `json:"issuanceManifestSignedContent"`
}

// SupportingDocument is the carrier's visualisation of the eBL.
type SupportingDocument struct {
	Name        string `json:"name"`
	Content     []byte `json:"content"` // base64 in JSON
	ContentType string `json:"contentType,omitempty"`
}

// IssuanceResponse is the body of POST /v3/ebl-issuance-responses.
type IssuanceResponse struct {
	TransportDocumentReference    string                    `json:"transportDocumentReference"`
	TransportDocumentSubReference string                    `json:"transportDocumentSubReference,omitempty"`
	IssuanceResponseCode          pint.IssuanceResponseCode `json:"issuanceResponseCode"`
	Reason                        string                    `json:"reason,omitempty"`
	Errors                        []IssuanceError           `json:"errors,omitempty"`
}

// IssuanceError is one entry of IssuanceResponse.errors.
type IssuanceError struct {
	Reason    string `json:"reason"`
	ErrorCode string `json:"errorCode"`
}

// Issuance states.
const (
	issReceived  = "RECEIVED"  // acknowledged (204); not yet on chain
	issSubmitted = "SUBMITTED" // MsgIssueBill in a block; waiting for the corridor registry
	issAnswered  = "ANSWERED"  // ISSU, BREQ or REFU decided (the callback is in the outbox)
)

// issuanceRecord is an issuance request the gateway acknowledged.
type issuanceRecord struct {
	CarrierCode      string              `json:"carrier_code"`
	Reference        string              `json:"reference"`
	SubReference     string              `json:"sub_reference,omitempty"`
	ManifestChecksum string              `json:"manifest_checksum"`
	Document         json.RawMessage     `json:"document"`
	DocumentChecksum string              `json:"document_checksum"`
	IssueTo          pint.IssueToParty   `json:"issue_to"`
	IssueToRaw       json.RawMessage     `json:"issue_to_raw"`
	Visualisation    *SupportingDocument `json:"visualisation,omitempty"`
	IssuanceManifest string              `json:"issuance_manifest"`
	State            string              `json:"state"`
	BillID           string              `json:"bill_id,omitempty"`
	Response         *IssuanceResponse   `json:"response,omitempty"`
	Received         time.Time           `json:"received"`
}

func issuanceKey(carrier, reference string) string {
	return pIssuance + carrier + "/" + reference
}

// Transport documents the gateway holds, by DCSA checksum (for exports).
const pTransportDoc = "td/"

// issuanceByChecksum indexes issuance records by document checksum.
const pIssByChecksum = "issc/"

// handleIssuanceRequest is PUT /v3/ebl-issuance-requests.
func (g *Gateway) handleIssuanceRequest(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("API-Version", IssuanceVersion)
	body, ok := g.readBody(w, r, g.cfg.MaxEnvelopeBytes+2*g.cfg.MaxDocumentBytes)
	if !ok {
		return
	}
	var req issuanceRequest
	if err := pint.Decode(body, &req); err != nil {
		writeError(w, r, http.StatusBadRequest, "The body is not an IssuanceRequest", detail(CodeMalformed, "Malformed request", err.Error()))
		return
	}
	var missing []string
	if len(req.Document) == 0 || string(req.Document) == "null" {
		missing = append(missing, "document")
	}
	if len(req.IssueTo) == 0 || string(req.IssueTo) == "null" {
		missing = append(missing, "issueTo")
	}
	if req.IssuanceManifestSignedContent == "" {
		missing = append(missing, "issuanceManifestSignedContent")
	}
	if len(missing) > 0 {
		writeError(w, r, http.StatusBadRequest, "Required members are missing", detail(CodeMalformed, "Missing members", "required: "+strings.Join(missing, ", ")))
		return
	}
	var head struct {
		Reference    string `json:"transportDocumentReference"`
		SubReference string `json:"transportDocumentSubReference"`
		CarrierCode  string `json:"carrierCode"`
	}
	if err := json.Unmarshal(req.Document, &head); err != nil || head.Reference == "" || head.CarrierCode == "" {
		writeError(w, r, http.StatusBadRequest, "The document has no transportDocumentReference or carrierCode",
			detail(CodeMalformed, "Malformed document", "document.transportDocumentReference and document.carrierCode are required"))
		return
	}
	if len(head.Reference) > 20 {
		writeError(w, r, http.StatusBadRequest, "transportDocumentReference is too long", detail(CodeMalformed, "Malformed document", "transportDocumentReference has at most 20 characters"))
		return
	}
	carrier, ok := g.carriers[head.CarrierCode]
	if !ok {
		writeError(w, r, http.StatusForbidden, "This gateway does not issue for that carrier",
			detail(CodeUnknownParty, "Unknown carrier", fmt.Sprintf("carrier %q is not configured on the %s gateway: ask its operator to onboard you", head.CarrierCode, g.chain.ChainID())))
		return
	}
	// The issuance manifest must be the carrier's, and must sign exactly
	// this document, this issueTo and this visualisation.
	docSum, status, problems := g.checkIssuanceManifest(carrier.keys, head.CarrierCode, req.IssuanceManifestSignedContent, req.Document, req.IssueTo, req.EBLVisualisationByCarrier)
	if len(problems) > 0 {
		writeError(w, r, status, "The issuance manifest does not sign this request", problems...)
		return
	}
	var issueTo pint.IssueToParty
	if err := pint.Decode(req.IssueTo, &issueTo); err != nil || issueTo.PartyName == "" || issueTo.SendToPlatform == "" || len(issueTo.IdentifyingCodes) == 0 {
		msg := "issueTo needs partyName, sendToPlatform and identifyingCodes"
		if err != nil {
			msg = err.Error()
		}
		writeError(w, r, http.StatusBadRequest, "issueTo is not an IssueToParty", detail(CodeMalformed, "Malformed issueTo", msg))
		return
	}

	rec := issuanceRecord{
		CarrierCode: head.CarrierCode, Reference: head.Reference, SubReference: head.SubReference,
		ManifestChecksum: pint.Checksum(req.IssuanceManifestSignedContent),
		Document:         req.Document, DocumentChecksum: docSum, IssueTo: issueTo, IssueToRaw: req.IssueTo,
		Visualisation: req.EBLVisualisationByCarrier, IssuanceManifest: req.IssuanceManifestSignedContent,
		State: issReceived, Received: time.Now().UTC(),
	}
	key := issuanceKey(head.CarrierCode, head.Reference)
	conflict := ""
	err := g.store.Update(func(b *Batch) error {
		var prev issuanceRecord
		switch err := g.store.Get(key, &prev); {
		case err == nil:
			// DCSA: an issuance request is accepted at most once. A request
			// refused before (BREQ/REFU) may be submitted again, revised.
			if !(prev.State == issAnswered && prev.Response != nil && prev.Response.IssuanceResponseCode != pint.ISSU) {
				if prev.ManifestChecksum == rec.ManifestChecksum {
					conflict = "this issuance request was received before and is " + strings.ToLower(prev.State) + "; the platform answers through /v3/ebl-issuance-responses"
				} else {
					conflict = "transport document reference " + head.Reference + " was used by an earlier issuance request (" + strings.ToLower(prev.State) + ")"
				}
				return nil
			}
		case !errors.Is(err, ErrNotFound):
			return err
		}
		b.Put(key, rec)
		b.PutRaw(pTransportDoc+docSum, req.Document)
		b.PutRaw(pIssByChecksum+docSum, []byte(key))
		return g.store.enqueue(b, jobIssue, issuanceJob{Key: key})
	})
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "The gateway could not record the request; retry", detail(CodeInternal, "Internal error", err.Error()))
		return
	}
	if conflict != "" {
		writeError(w, r, http.StatusConflict, "Transport Document Reference already used", detail(CodeConflict, "Transport Document Reference already used", conflict))
		return
	}
	g.out.kick()
	w.Header().Set("API-Version", IssuanceVersion)
	w.WriteHeader(http.StatusNoContent)
}

type issuanceJob struct {
	Key string `json:"key"`
}

// answer records the issuance's outcome and queues the callback.
func (g *Gateway) answerIssuance(key string, code pint.IssuanceResponseCode, reason string, errs ...IssuanceError) error {
	return g.store.Update(func(b *Batch) error {
		var rec issuanceRecord
		if err := g.store.Get(key, &rec); err != nil {
			return err
		}
		if rec.State == issAnswered {
			return nil
		}
		resp := &IssuanceResponse{TransportDocumentReference: rec.Reference, TransportDocumentSubReference: rec.SubReference, IssuanceResponseCode: code}
		if code != pint.ISSU {
			resp.Reason = oneLine(reason, 255)
			for i := range errs {
				errs[i].Reason = oneLine(errs[i].Reason, 255)
				errs[i].ErrorCode = clip(strings.Join(strings.Fields(errs[i].ErrorCode), "-"), 50)
			}
			resp.Errors = errs
		}
		rec.State, rec.Response = issAnswered, resp
		b.Put(key, rec)
		if code != pint.ISSU {
			b.Delete(pTransportDoc + rec.DocumentChecksum)
		}
		g.log.Info("issuance answered", "carrier", rec.CarrierCode, "reference", rec.Reference, "code", code, "reason", resp.Reason)
		return g.store.enqueue(b, jobIssuanceResponse, issuanceJob{Key: key})
	})
}

// runIssue issues the bill on chain in the carrier's name (authz MsgExec).
func (g *Gateway) runIssue(ctx context.Context, j *job) error {
	var p issuanceJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return errPermanent
	}
	var rec issuanceRecord
	if err := g.store.Get(p.Key, &rec); err != nil {
		return err
	}
	if rec.State != issReceived {
		return nil
	}
	doc, err := dcsa.Parse(rec.Document)
	if err != nil {
		return g.answerIssuance(p.Key, pint.BREQ, "The transport document is not acceptable: "+err.Error(), IssuanceError{Reason: err.Error(), ErrorCode: "DOCUMENT"})
	}
	zone := g.chain.ChainID()
	if rec.IssueTo.SendToPlatform != g.cfg.PlatformCode {
		reason := fmt.Sprintf("issueTo.sendToPlatform is %s; this platform is %s (zone %s)", rec.IssueTo.SendToPlatform, g.cfg.PlatformCode, zone)
		return g.answerIssuance(p.Key, pint.REFU, reason, IssuanceError{Reason: reason, ErrorCode: "PLATFORM"})
	}
	carrierParty, err := g.chain.PartyByCode(ctx, rec.CarrierCode)
	if errors.Is(err, ErrNotFound) || (err == nil && (!carrierParty.Active || !hasRole(carrierParty, cargotypes.ROLE_CARRIER))) {
		reason := fmt.Sprintf("carrier %s is not an active carrier on zone %s", rec.CarrierCode, zone)
		return g.answerIssuance(p.Key, pint.REFU, reason, IssuanceError{Reason: reason, ErrorCode: "CARRIER"})
	}
	if err != nil {
		return err
	}
	holder, err := g.resolveParty(ctx, rec.IssueTo.IdentifyingCodes)
	if errors.Is(err, ErrNotFound) {
		reason := fmt.Sprintf("IssueTo party %q not recognised on zone %s", rec.IssueTo.PartyName, zone)
		return g.answerIssuance(p.Key, pint.REFU, reason, IssuanceError{Reason: reason + ": " + describeCodes(rec.IssueTo.IdentifyingCodes), ErrorCode: "PARTY"})
	}
	if err != nil {
		return err
	}
	billID := cargotypes.BillID(rec.CarrierCode, doc.Reference)
	// One document, one bill, corridor-wide: a document already reserved by
	// the other zone is refused here, naming the zone (the chain refuses it
	// too; this gives the carrier the reason without a wasted transaction).
	if zoneHeld, held, err := g.heldElsewhere(ctx, doc.Hash); err != nil {
		return err
	} else if held {
		reason := fmt.Sprintf("duplicate: the transport document already backs a bill live on zone %s", zoneHeld)
		return g.answerIssuance(p.Key, pint.REFU, reason, IssuanceError{Reason: reason, ErrorCode: "DUPLICATE"})
	}
	if existing, err := g.chain.Bill(ctx, billID); err == nil {
		if existing.DocumentHash == doc.Hash && existing.Carrier == carrierParty.Address {
			// Issued by an earlier attempt whose result was lost: watch it.
			return g.markIssued(p.Key, billID)
		}
		reason := fmt.Sprintf("duplicate: bill %s already exists on zone %s with another document", billID, zone)
		return g.answerIssuance(p.Key, pint.REFU, reason, IssuanceError{Reason: reason, ErrorCode: "DUPLICATE"})
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	msg := &cargotypes.MsgIssueBill{
		Carrier:                    carrierParty.Address,
		TransportDocumentReference: doc.Reference,
		Type:                       cargotypes.BillType(cargotypes.BillType_value["BILL_TYPE_"+doc.TypeCode]),
		Mode:                       cargotypes.BillMode(cargotypes.BillMode_value["BILL_MODE_"+doc.Mode()]),
		IssueTo:                    holder.Address,
		DocumentHash:               doc.Hash,
		PortOfLoading:              doc.PortOfLoading,
		PortOfDischarge:            doc.PortOfDischarge,
		IssueDate:                  doc.IssueDate,
		ShippedOnBoardDate:         doc.ShippedOnBoardDate,
		Remark:                     "DCSA issuance request",
	}
	if msg.IssueDate == "" {
		msg.IssueDate = rec.Received.Format(cargotypes.DateLayout)
	}
	if consignee, err := g.documentParty(ctx, rec.Document, "consignee"); err == nil {
		msg.Consignee = consignee
	}
	if msg.Mode == cargotypes.BILL_MODE_TO_ORDER {
		if endorsee, err := g.documentParty(ctx, rec.Document, "endorsee"); err == nil {
			msg.Endorsee = endorsee
		}
	}
	if err := msg.ValidateBasic(); err != nil {
		return g.answerIssuance(p.Key, pint.BREQ, "The transport document cannot back a bill: "+err.Error(), IssuanceError{Reason: err.Error(), ErrorCode: "DOCUMENT"})
	}
	_, err = g.chain.Broadcast(ctx, "dcsa issuance "+billID, exec(g.chain.Address(), msg))
	if te, refused := IsTxRefused(err); refused {
		// Issued meanwhile (a retry after a lost result)?
		if b, berr := g.chain.Bill(ctx, billID); berr == nil && b.DocumentHash == doc.Hash {
			return g.markIssued(p.Key, billID)
		}
		code := pint.BREQ
		if strings.Contains(te.Log, "duplicate") || strings.Contains(te.Log, "authorization") || strings.Contains(te.Log, "hold") || strings.Contains(te.Log, "registry") {
			code = pint.REFU
		}
		reason := fmt.Sprintf("zone %s refused the issuance: %s", zone, te.Log)
		return g.answerIssuance(p.Key, code, reason, IssuanceError{Reason: clip(te.Log, 255), ErrorCode: fmt.Sprintf("%s-%d", te.Codespace, te.Code)})
	}
	if err != nil {
		return err
	}
	return g.markIssued(p.Key, billID)
}

func (g *Gateway) markIssued(key, billID string) error {
	return g.store.Update(func(b *Batch) error {
		var rec issuanceRecord
		if err := g.store.Get(key, &rec); err != nil {
			return err
		}
		if rec.State != issReceived {
			return nil
		}
		rec.State, rec.BillID = issSubmitted, billID
		b.Put(key, rec)
		return g.store.enqueue(b, jobIssuanceWatch, issuanceJob{Key: key})
	})
}

// errWaiting asks the outbox to look again soon (a state on chain that
// another block will change).
type errWaiting struct{ what string }

func (e errWaiting) Error() string { return "waiting: " + e.what }

// runIssuanceWatch answers ISSU once the corridor registry confirmed the
// bill (ISSUED), REFU naming the zone if it found the document live elsewhere.
func (g *Gateway) runIssuanceWatch(ctx context.Context, j *job) error {
	var p issuanceJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return errPermanent
	}
	var rec issuanceRecord
	if err := g.store.Get(p.Key, &rec); err != nil {
		return err
	}
	if rec.State != issSubmitted {
		return nil
	}
	bill, err := g.chain.Bill(ctx, rec.BillID)
	if err != nil {
		return err
	}
	switch bill.Status {
	case cargotypes.BILL_STATUS_PENDING:
		return errWaiting{"bill " + rec.BillID + " waits for the corridor registry"}
	case cargotypes.BILL_STATUS_REJECTED_DUPLICATE:
		zone, _, _ := g.heldElsewhere(ctx, rec.DocumentChecksum)
		if zone == "" {
			zone = "the other zone"
		}
		reason := fmt.Sprintf("duplicate: the corridor registry found the transport document live on zone %s", zone)
		return g.answerIssuance(p.Key, pint.REFU, reason, IssuanceError{Reason: reason, ErrorCode: "DUPLICATE"})
	default:
		return g.answerIssuance(p.Key, pint.ISSU, "")
	}
}

// runIssuanceResponse POSTs the answer to the carrier.
func (g *Gateway) runIssuanceResponse(ctx context.Context, j *job) error {
	var p issuanceJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return errPermanent
	}
	var rec issuanceRecord
	if err := g.store.Get(p.Key, &rec); err != nil {
		return err
	}
	c, ok := g.carriers[rec.CarrierCode]
	if !ok || rec.Response == nil {
		return fmt.Errorf("%w: no carrier endpoint for %s", errPermanent, rec.CarrierCode)
	}
	return g.postJSON(ctx, c.cfg.IssuanceResponseURL, rec.Response, IssuanceVersion)
}

// postJSON POSTs v and succeeds on a 2xx answer. A 4xx other than 408/429
// is permanent (the receiver refuses this body); anything else is retried.
func (g *Gateway) postJSON(ctx context.Context, url string, v any, version string) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return errors.Join(errPermanent, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(string(raw)))
	if err != nil {
		return errors.Join(errPermanent, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("API-Version", strings.SplitN(version, ".", 2)[0])
	res, err := g.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	switch {
	case res.StatusCode/100 == 2:
		return nil
	case res.StatusCode/100 == 4 && res.StatusCode != http.StatusRequestTimeout && res.StatusCode != http.StatusTooManyRequests:
		return fmt.Errorf("%w: POST %s: %s: %s", errPermanent, url, res.Status, strings.TrimSpace(string(msg)))
	default:
		return fmt.Errorf("POST %s: %s: %s", url, res.Status, strings.TrimSpace(string(msg)))
	}
}

func hasRole(p *cargotypes.Party, role cargotypes.Role) bool {
	for _, r := range p.Roles {
		if r == role {
			return true
		}
	}
	return false
}

func describeCodes(codes []pint.IdentifyingCode) string {
	var parts []string
	for _, c := range codes {
		parts = append(parts, c.CodeListProvider+":"+c.PartyCode)
	}
	return strings.Join(parts, ", ")
}

// resolveParty finds the one active party of this zone the identifying
// codes name: by party code under the zone's code list provider (the
// platform code), or by LEI under GLEIF. Codes naming two different parties
// are refused (PINT: conflicting codes).
func (g *Gateway) resolveParty(ctx context.Context, codes []pint.IdentifyingCode) (*cargotypes.Party, error) {
	var found *cargotypes.Party
	for _, c := range codes {
		var p *cargotypes.Party
		var err error
		switch {
		case c.CodeListProvider == g.cfg.PartyCodeListProvider || c.CodeListProvider == g.cfg.PlatformCode:
			if _, aerr := sdk.AccAddressFromBech32(c.PartyCode); aerr == nil {
				p, err = g.chain.Party(ctx, c.PartyCode)
			} else {
				p, err = g.chain.PartyByCode(ctx, c.PartyCode)
			}
		case c.CodeListProvider == "GLEIF" && (c.CodeListName == "" || c.CodeListName == "LEI"):
			p, err = g.chain.PartyByLEI(ctx, c.PartyCode)
		default:
			continue
		}
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !p.Active {
			continue
		}
		if found != nil && found.Address != p.Address {
			return nil, fmt.Errorf("%w: the identifying codes name two parties (%s, %s)", ErrNotFound, found.Code, p.Code)
		}
		found = p
	}
	if found == nil {
		return nil, ErrNotFound
	}
	return found, nil
}

// documentParty resolves documentParties.<role> to an address on this zone.
func (g *Gateway) documentParty(ctx context.Context, document json.RawMessage, role string) (string, error) {
	var d struct {
		DocumentParties map[string]json.RawMessage `json:"documentParties"`
	}
	if err := json.Unmarshal(document, &d); err != nil {
		return "", err
	}
	var party struct {
		IdentifyingCodes []pint.IdentifyingCode `json:"identifyingCodes"`
	}
	raw, ok := d.DocumentParties[role]
	if !ok {
		return "", ErrNotFound
	}
	if err := json.Unmarshal(raw, &party); err != nil {
		return "", err
	}
	p, err := g.resolveParty(ctx, party.IdentifyingCodes)
	if err != nil {
		return "", err
	}
	return p.Address, nil
}

// heldElsewhere says whether the corridor registry knows the document as
// held or reserved by another zone, and which.
func (g *Gateway) heldElsewhere(ctx context.Context, hash string) (string, bool, error) {
	res, err := g.chain.RegistryKey(ctx, hash)
	if err != nil {
		return "", false, err
	}
	for _, k := range res.Keys {
		if k.Status == cargotypes.RESERVATION_STATUS_HELD_REMOTE && k.HolderZone != "" && k.HolderZone != g.chain.ChainID() {
			return k.HolderZone, true, nil
		}
	}
	return "", false, nil
}

var _ = base64.StdEncoding

// checkIssuanceManifest checks that manifestJWS is the carrier's issuance
// manifest (a JWS by a key of keys) and signs exactly document, issueTo
// (when given) and the visualisation, as the Issuance API and lodging both
// need. It returns the document's DCSA checksum, or the HTTP status and the
// causes to answer with.
func (g *Gateway) checkIssuanceManifest(keys *pint.KeySet, carrierCode, manifestJWS string, document, issueTo json.RawMessage, vis *SupportingDocument) (string, int, []DetailedError) {
	jws, err := pint.Parse(manifestJWS)
	if err == nil {
		err = jws.VerifyWith(keys)
	}
	if err != nil {
		return "", http.StatusBadRequest, []DetailedError{detail(CodeBadSignature, "Bad signature",
			fmt.Sprintf("issuanceManifestSignedContent: %v (it must be signed with a key of carrier %s's JWKS)", err, carrierCode))}
	}
	var manifest pint.IssuanceManifest
	if err := pint.Decode(jws.Payload, &manifest); err != nil {
		return "", http.StatusBadRequest, []DetailedError{detail(CodeMalformed, "Malformed manifest", err.Error())}
	}
	docSum, err := dcsa.Hash(document)
	if err != nil {
		return "", http.StatusBadRequest, []DetailedError{detail(CodeMalformed, "Malformed document", "the document cannot be canonicalised (RFC 8785): "+err.Error())}
	}
	var problems []DetailedError
	if manifest.DocumentChecksum != docSum {
		problems = append(problems, DetailedError{ErrorCode: CodeChecksum, Property: "documentChecksum", Value: manifest.DocumentChecksum,
			ErrorCodeText: "Checksum mismatch", ErrorCodeMessage: "the manifest's documentChecksum is not the SHA-256 of the RFC 8785 canonical document (" + docSum + ")"})
	}
	if len(issueTo) > 0 && string(issueTo) != "null" {
		issueToSum, err := dcsa.Hash(issueTo)
		if err != nil {
			return "", http.StatusBadRequest, []DetailedError{detail(CodeMalformed, "Malformed issueTo", "issueTo cannot be canonicalised (RFC 8785): "+err.Error())}
		}
		if manifest.IssueToChecksum != issueToSum {
			problems = append(problems, DetailedError{ErrorCode: CodeChecksum, Property: "issueToChecksum", Value: manifest.IssueToChecksum,
				ErrorCodeText: "Checksum mismatch", ErrorCodeMessage: "the manifest's issueToChecksum is not the SHA-256 of the canonical issueTo (" + issueToSum + ")"})
		}
	}
	if vis != nil || manifest.EBLVisualisationByCarrierChecksum != "" {
		got := ""
		if vis != nil {
			got = pint.ChecksumBytes(vis.Content)
		}
		if got != manifest.EBLVisualisationByCarrierChecksum {
			problems = append(problems, DetailedError{ErrorCode: CodeChecksum, Property: "eBLVisualisationByCarrierChecksum",
				ErrorCodeText: "Checksum mismatch", ErrorCodeMessage: "the visualisation and the manifest's eBLVisualisationByCarrierChecksum do not match"})
		}
		if vis != nil && int64(len(vis.Content)) > g.cfg.MaxDocumentBytes {
			problems = append(problems, detail(CodeTooLarge, "Document too large", fmt.Sprintf("the visualisation is over %d bytes", g.cfg.MaxDocumentBytes)))
		}
	}
	if len(problems) > 0 {
		return "", http.StatusBadRequest, problems
	}
	return docSum, 0, nil
}
