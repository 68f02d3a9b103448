package main

// The DCSA PINT 3.0.0, eBL Issuance 3.0.4 and eBL Surrender 3.0.4 messages,
// as this stand-in reads them from the specifications.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tradechain/tradechain/x/cargo/dcsa"
)

// PINT response codes (EnvelopeTransferFinishedResponse.responseCode).
const (
	RECE = "RECE"
	DUPE = "DUPE"
	BSIG = "BSIG"
	BENV = "BENV"
	INCD = "INCD"
	MDOC = "MDOC"
	DISE = "DISE"
)

// httpStatusFor is the HTTP status PINT pairs with each response code.
var httpStatusFor = map[string]int{
	RECE: http.StatusOK, DUPE: http.StatusOK,
	BSIG: http.StatusUnprocessableEntity, BENV: http.StatusUnprocessableEntity,
	INCD: http.StatusConflict, MDOC: http.StatusConflict, DISE: http.StatusConflict,
}

// actionCodes are PINT's Transaction.actionCode values.
var actionCodes = map[string]bool{
	"ISSUE": true, "TRANSFER": true, "ENDORSE": true, "ENDORSE_TO_ORDER": true, "BLANK_ENDORSE": true,
	"SURRENDER_FOR_DELIVERY": true, "SURRENDER_FOR_AMENDMENT": true, "SACC": true, "SREJ": true, "SIGN": true,
}

// IdentifyingCode is DCSA's IdentifyingCode.
type IdentifyingCode struct {
	CodeListProvider string `json:"codeListProvider"`
	PartyCode        string `json:"partyCode"`
	CodeListName     string `json:"codeListName,omitempty"`
}

// Party is an ActorParty / RecipientParty / IssueToParty (sendToPlatform is
// the IssueToParty spelling of eblPlatform).
type Party struct {
	PartyName          string            `json:"partyName"`
	EblPlatform        string            `json:"eblPlatform,omitempty"`
	SendToPlatform     string            `json:"sendToPlatform,omitempty"`
	IdentifyingCodes   []IdentifyingCode `json:"identifyingCodes"`
	TaxLegalReferences json.RawMessage   `json:"taxLegalReferences,omitempty"`
	RepresentedParty   json.RawMessage   `json:"representedParty,omitempty"`
}

// Matches reports whether any identifying code of p equals one of q's
// (provider and code; the list name too when both give one).
func (p Party) Matches(q Party) bool {
	for _, a := range p.IdentifyingCodes {
		for _, b := range q.IdentifyingCodes {
			if a.CodeListProvider == b.CodeListProvider && a.PartyCode == b.PartyCode &&
				(a.CodeListName == "" || b.CodeListName == "" || a.CodeListName == b.CodeListName) {
				return true
			}
		}
	}
	return false
}

// Transaction is PINT's Transaction.
type Transaction struct {
	ActionCode     string `json:"actionCode"`
	Actor          Party  `json:"actor"`
	Recipient      *Party `json:"recipient,omitempty"`
	ActionDateTime string `json:"actionDateTime"`
	ReasonCode     string `json:"reasonCode,omitempty"`
	Comments       string `json:"comments,omitempty"`
	AuditReference string `json:"auditReference,omitempty"`
}

// ChainEntry is PINT's EnvelopeTransferChainEntry.
type ChainEntry struct {
	EblPlatform                                             string        `json:"eblPlatform"`
	TransportDocumentChecksum                               string        `json:"transportDocumentChecksum"`
	PreviousEnvelopeTransferChainEntrySignedContentChecksum string        `json:"previousEnvelopeTransferChainEntrySignedContentChecksum,omitempty"`
	IssuanceManifestSignedContent                           string        `json:"issuanceManifestSignedContent,omitempty"`
	ControlTrackingRegistry                                 string        `json:"controlTrackingRegistry,omitempty"`
	Transactions                                            []Transaction `json:"transactions"`
}

// DocumentMetadata is PINT's DocumentMetadata.
type DocumentMetadata struct {
	Name             string `json:"name"`
	Size             int64  `json:"size"`
	MediaType        string `json:"mediaType"`
	DocumentChecksum string `json:"documentChecksum"`
}

// EnvelopeManifest is PINT's EnvelopeManifest.
type EnvelopeManifest struct {
	TransportDocumentChecksum                           string             `json:"transportDocumentChecksum"`
	LastEnvelopeTransferChainEntrySignedContentChecksum string             `json:"lastEnvelopeTransferChainEntrySignedContentChecksum"`
	EBLVisualisationByCarrier                           *DocumentMetadata  `json:"eBLVisualisationByCarrier,omitempty"`
	SupportingDocuments                                 []DocumentMetadata `json:"supportingDocuments,omitempty"`
}

// AdditionalDocuments lists every document the manifest announces.
func (m EnvelopeManifest) AdditionalDocuments() []DocumentMetadata {
	var out []DocumentMetadata
	if m.EBLVisualisationByCarrier != nil {
		out = append(out, *m.EBLVisualisationByCarrier)
	}
	return append(out, m.SupportingDocuments...)
}

// EblEnvelope is PINT's EblEnvelope (the transport document kept raw: its
// checksum is over its canonical form).
type EblEnvelope struct {
	TransportDocument             json.RawMessage `json:"transportDocument"`
	EnvelopeManifestSignedContent string          `json:"envelopeManifestSignedContent"`
	EnvelopeTransferChain         []string        `json:"envelopeTransferChain"`
}

// FinishedResponse is PINT's EnvelopeTransferFinishedResponse.
type FinishedResponse struct {
	LastEnvelopeTransferChainEntrySignedContentChecksum        string   `json:"lastEnvelopeTransferChainEntrySignedContentChecksum"`
	ResponseCode                                               string   `json:"responseCode"`
	DuplicateOfAcceptedEnvelopeTransferChainEntrySignedContent string   `json:"duplicateOfAcceptedEnvelopeTransferChainEntrySignedContent,omitempty"`
	Reason                                                     string   `json:"reason,omitempty"`
	MissingAdditionalDocumentChecksums                         []string `json:"missingAdditionalDocumentChecksums,omitempty"`
	ReceivedAdditionalDocumentChecksums                        []string `json:"receivedAdditionalDocumentChecksums,omitempty"`
}

// StartedResponse is PINT's EnvelopeTransferStartedResponse.
type StartedResponse struct {
	EnvelopeReference                                   string   `json:"envelopeReference"`
	TransportDocumentChecksum                           string   `json:"transportDocumentChecksum"`
	LastEnvelopeTransferChainEntrySignedContentChecksum string   `json:"lastEnvelopeTransferChainEntrySignedContentChecksum"`
	MissingAdditionalDocumentChecksums                  []string `json:"missingAdditionalDocumentChecksums"`
}

// IssuanceManifest is the Issuance API's IssuanceManifest.
type IssuanceManifest struct {
	DocumentChecksum                  string `json:"documentChecksum"`
	EBLVisualisationByCarrierChecksum string `json:"eBLVisualisationByCarrierChecksum,omitempty"`
	IssueToChecksum                   string `json:"issueToChecksum"`
}

// SupportingDocument is the Issuance API's SupportingDocument (base64 content).
type SupportingDocument struct {
	Name        string `json:"name"`
	Content     []byte `json:"content"`
	ContentType string `json:"contentType,omitempty"`
}

// IssuanceRequest is the Issuance API's IssuanceRequest; document and issueTo
// stay raw because the manifest signs their canonical forms.
type IssuanceRequest struct {
	Document                      json.RawMessage     `json:"document"`
	TransportDocumentReplacements json.RawMessage     `json:"transportDocumentReplacements,omitempty"`
	IssueTo                       json.RawMessage     `json:"issueTo"`
	EBLVisualisationByCarrier     *SupportingDocument `json:"eBLVisualisationByCarrier,omitempty"`
	IssuanceManifestSignedContent string              `json:"issuanceManifestSignedContent"`
}

// IssuanceResponse is the Issuance API's IssuanceResponse.
type IssuanceResponse struct {
	TransportDocumentReference    string          `json:"transportDocumentReference"`
	TransportDocumentSubReference string          `json:"transportDocumentSubReference,omitempty"`
	IssuanceResponseCode          string          `json:"issuanceResponseCode"`
	Reason                        string          `json:"reason,omitempty"`
	Errors                        json.RawMessage `json:"errors,omitempty"`
}

// EndorsementChainLink is the Surrender API's EndorsementChainLink.
type EndorsementChainLink struct {
	ActionDateTime string `json:"actionDateTime"`
	ActionCode     string `json:"actionCode"`
	Actor          Party  `json:"actor"`
	Recipient      Party  `json:"recipient"`
	AuditReference string `json:"auditReference,omitempty"`
}

// SurrenderRequest is the Surrender API's SurrenderRequestDetails.
type SurrenderRequest struct {
	SurrenderRequestReference     string                 `json:"surrenderRequestReference"`
	TransportDocumentReference    string                 `json:"transportDocumentReference"`
	TransportDocumentSubReference string                 `json:"transportDocumentSubReference,omitempty"`
	SurrenderRequestCode          string                 `json:"surrenderRequestCode"`
	ReasonCode                    string                 `json:"reasonCode,omitempty"`
	Comments                      string                 `json:"comments,omitempty"`
	EndorsementChain              []EndorsementChainLink `json:"endorsementChain,omitempty"`
}

// SurrenderAnswer is the Surrender API's SurrenderRequestAnswer.
type SurrenderAnswer struct {
	SurrenderRequestReference string          `json:"surrenderRequestReference"`
	Action                    string          `json:"action"`
	Comments                  string          `json:"comments,omitempty"`
	FeedbackElements          json.RawMessage `json:"feedbackElements,omitempty"`
}

// ErrorResponse is DCSA's ErrorResponse (with one DetailedError).
type ErrorResponse struct {
	HTTPMethod                   string          `json:"httpMethod"`
	RequestURI                   string          `json:"requestUri"`
	StatusCode                   int             `json:"statusCode"`
	StatusCodeText               string          `json:"statusCodeText"`
	StatusCodeMessage            string          `json:"statusCodeMessage,omitempty"`
	ProviderCorrelationReference string          `json:"providerCorrelationReference,omitempty"`
	ErrorDateTime                string          `json:"errorDateTime"`
	Errors                       []DetailedError `json:"errors"`
}

// DetailedError is DCSA's DetailedError.
type DetailedError struct {
	ErrorCode        int    `json:"errorCode,omitempty"`
	Property         string `json:"property,omitempty"`
	JSONPath         string `json:"jsonPath,omitempty"`
	ErrorCodeText    string `json:"errorCodeText"`
	ErrorCodeMessage string `json:"errorCodeMessage"`
}

// Error codes this stand-in uses in DetailedError.errorCode (DCSA leaves the
// 7000–9999 range to the implementer).
const (
	errCodeBadRequest = 7001
	errCodeNotFound   = 7002
	errCodeConflict   = 7003
	errCodeInternal   = 7004
	errCodeTooLarge   = 7005
)

const apiVersion = "3.0.0"

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// writeError answers with DCSA's error object.
func writeError(w http.ResponseWriter, r *http.Request, status, code int, text, msg string) {
	method := r.Method
	resp := ErrorResponse{
		HTTPMethod: method, RequestURI: r.URL.RequestURI(), StatusCode: status,
		StatusCodeText: clip(http.StatusText(status), 50), StatusCodeMessage: clip(msg, 200),
		ProviderCorrelationReference: newRef(16), ErrorDateTime: time.Now().UTC().Format(time.RFC3339),
		Errors: []DetailedError{{ErrorCode: code, ErrorCodeText: clip(text, 100), ErrorCodeMessage: clip(msg, 5000)}},
	}
	writeJSON(w, status, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("API-Version", apiVersion)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeSigned answers with an EnvelopeTransferFinishedResponseSignedContent:
// the schema is a string, so the body is the JSON string of the compact JWS.
func writeSigned(w http.ResponseWriter, status int, compact string) {
	writeJSON(w, status, compact)
}

// readBody reads at most limit bytes.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, errTooLarge
	}
	return body, nil
}

var errTooLarge = errors.New("request body too large")

// decodeStrict decodes one JSON value and refuses trailing data.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// canonicalChecksum is the SHA-256 of the RFC 8785 form of a JSON value.
func canonicalChecksum(raw []byte) (string, error) {
	c, err := dcsa.Canonicalize(raw)
	if err != nil {
		return "", err
	}
	return sha256Hex(c), nil
}

// decodeSignedString reads a signed response body: PINT's schema is a JSON
// string; a bare compact JWS (no quotes) is accepted too.
func decodeSignedString(body []byte) (string, bool) {
	t := strings.TrimSpace(string(body))
	if strings.HasPrefix(t, `"`) {
		var s string
		if json.Unmarshal([]byte(t), &s) != nil {
			return "", false
		}
		t = s
	}
	if strings.Count(t, ".") != 2 || strings.ContainsAny(t, " {}\"") {
		return "", false
	}
	return t, true
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func nowMillis() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }

func fmtErr(format string, a ...any) error { return fmt.Errorf(format, a...) }
