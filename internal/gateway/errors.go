package gateway

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// ErrorResponse is DCSA's error object (the ErrorResponse schema shared by
// the PINT, issuance and surrender APIs). Every refusal the gateway answers
// without a signed PINT response carries one.
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

// DetailedError is one cause in an ErrorResponse. DCSA leaves the codes
// (7000–9999) to the implementer; the gateway's are listed below.
type DetailedError struct {
	ErrorCode        int    `json:"errorCode,omitempty"`
	Property         string `json:"property,omitempty"`
	Value            string `json:"value,omitempty"`
	JSONPath         string `json:"jsonPath,omitempty"`
	ErrorCodeText    string `json:"errorCodeText"`
	ErrorCodeMessage string `json:"errorCodeMessage"`
}

// The gateway's detailed error codes (docs/dcsa-gateway.md lists them).
const (
	CodeMalformed       = 7001 // the body is not the JSON the schema asks for
	CodeTooLarge        = 7002 // the body is over the gateway's size limit
	CodeInternal        = 7003 // the gateway failed; retry
	CodeUnknownPlatform = 7004 // the sending platform is not trusted on chain
	CodeBadSignature    = 7005 // a JWS did not verify against the signer's keys
	CodeChecksum        = 7006 // a checksum does not match the content
	CodeUnknownParty    = 7007 // no active party of this zone answers to the code
	CodeConflict        = 7008 // the request conflicts with one already handled
	CodeNotFound        = 7009 // no such envelope, surrender request or bill
	CodeUnavailable     = 7010 // the chain cannot be reached now; retry
	CodeMissingIssuance = 7011 // the carrier's transport document / issuance manifest is not lodged: lodge them
)

// DCSA field bounds: statusCodeText ≤ 50, statusCodeMessage ≤ 200,
// value ≤ 500, property ≤ 100 characters.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// oneLine is s on one line, trimmed and clipped to n characters: DCSA's
// free-text fields have the pattern ^\S(?:.*\S)?$.
func oneLine(s string, n int) string {
	return clip(strings.Join(strings.Fields(s), " "), n)
}

func correlationID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// writeError answers r with status and a DCSA error object naming each cause.
func writeError(w http.ResponseWriter, r *http.Request, status int, message string, errs ...DetailedError) {
	if len(errs) == 0 {
		errs = []DetailedError{{ErrorCode: CodeInternal, ErrorCodeText: http.StatusText(status), ErrorCodeMessage: message}}
	}
	for i := range errs {
		errs[i].ErrorCodeText = clip(errs[i].ErrorCodeText, 100)
		errs[i].ErrorCodeMessage = clip(errs[i].ErrorCodeMessage, 5000)
		errs[i].Property = clip(errs[i].Property, 100)
		errs[i].Value = clip(errs[i].Value, 500)
	}
	body := ErrorResponse{
		HTTPMethod:                   r.Method,
		RequestURI:                   r.URL.RequestURI(),
		StatusCode:                   status,
		StatusCodeText:               clip(http.StatusText(status), 50),
		StatusCodeMessage:            clip(message, 200),
		ProviderCorrelationReference: correlationID(),
		ErrorDateTime:                time.Now().UTC().Format(time.RFC3339),
		Errors:                       errs,
	}
	writeJSON(w, status, body)
}

// detail is a DetailedError with a code, a short text and what to fix.
func detail(code int, text, message string) DetailedError {
	return DetailedError{ErrorCode: code, ErrorCodeText: text, ErrorCodeMessage: message}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("API-Version", apiVersionFor(w))
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiVersionFor returns the full API version of the API that answers: the
// handler sets it in the header before writing.
func apiVersionFor(w http.ResponseWriter) string {
	if v := w.Header().Get("API-Version"); v != "" {
		return v
	}
	return PINTVersion
}

// API versions the gateway implements (the API-Version response header).
const (
	PINTVersion      = "3.0.0"
	IssuanceVersion  = "3.0.4"
	SurrenderVersion = "3.0.4"
)
