package main

// The stand-in carrier: Issuance API client (PUT /v3/ebl-issuance-requests
// with a JWS-signed issuance manifest) and server for issuance responses;
// Surrender API server for surrender requests and client for the answers.

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

//go:embed template/transport-document.json
var templateDocument []byte

// CarrierRunConfig configures the stand-in carrier.
type CarrierRunConfig struct {
	CarrierCode      string            `json:"carrierCode"`
	PartyName        string            `json:"partyName"`
	IdentifyingCodes []IdentifyingCode `json:"identifyingCodes"`
	Listen           string            `json:"listen"`
	Dir              string            `json:"dir"`
	KeyAlg           string            `json:"keyAlg,omitempty"`
}

// Received is one request the carrier got.
type Received struct {
	At       string          `json:"at"`
	Body     json.RawMessage `json:"body"`
	Status   int             `json:"status"`
	Problem  string          `json:"problem,omitempty"`
	Answer   json.RawMessage `json:"answer,omitempty"`   // surrender: the answer sent back
	AnswerTo string          `json:"answerTo,omitempty"` // surrender: where it went
	AnswerAt string          `json:"answerAt,omitempty"`
	AnswerOK *int            `json:"answerStatus,omitempty"`
}

// Sent is one issuance request the carrier made.
type Sent struct {
	At        string          `json:"at"`
	URL       string          `json:"url"`
	Reference string          `json:"transportDocumentReference"`
	Checksum  string          `json:"documentChecksum"`
	Request   json.RawMessage `json:"request"`
	Status    int             `json:"status"`
	Body      string          `json:"body,omitempty"`
}

// CarrierMode answers surrender requests automatically when set.
type CarrierMode struct {
	Surrender string `json:"surrender"`     // "", SURR or SREJ
	URL       string `json:"url,omitempty"` // platform base URL for the answers
	Comments  string `json:"comments,omitempty"`
}

type carrierState struct {
	IssuanceResponses []*Received `json:"issuanceResponses"`
	SurrenderRequests []*Received `json:"surrenderRequests"`
	Issued            []*Sent     `json:"issuanceRequests"`
	Mode              CarrierMode `json:"mode"`
}

// Carrier is a running stand-in carrier.
type Carrier struct {
	cfg    CarrierRunConfig
	signer *Signer
	store  fileStore
	client *http.Client
	mu     sync.Mutex
	st     carrierState
}

// NewCarrier opens (or creates) the carrier's directory: key.json and state.json.
func NewCarrier(cfg CarrierRunConfig) (*Carrier, error) {
	if cfg.Dir == "" || cfg.CarrierCode == "" || cfg.PartyName == "" || len(cfg.IdentifyingCodes) == 0 {
		return nil, errors.New("carrier needs dir, carrierCode, partyName and identifyingCodes")
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, err
	}
	signer, err := loadOrCreateKey(cfg.Dir, cfg.KeyAlg)
	if err != nil {
		return nil, err
	}
	c := &Carrier{cfg: cfg, signer: signer, store: fileStore{filepath.Join(cfg.Dir, "state.json")}, client: &http.Client{Timeout: 30 * time.Second}}
	if err := c.store.load(&c.st); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Carrier) save() { _ = c.store.save(&c.st) }

// Handler is the carrier's HTTP interface.
func (c *Carrier) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/jwks.json", serveJWKS(c.signer))
	mux.HandleFunc("POST /v3/ebl-issuance-responses", c.issuanceResponse)
	mux.HandleFunc("POST /v3/ebl-surrender-requests", c.surrenderRequest)
	mux.HandleFunc("GET /control/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]string{"carrierCode": c.cfg.CarrierCode, "status": "ok"})
	})
	mux.HandleFunc("POST /control/issue", c.controlIssue)
	mux.HandleFunc("POST /control/surrender-response", c.controlSurrenderResponse)
	mux.HandleFunc("POST /control/mode", c.controlMode)
	mux.HandleFunc("GET /control/mode", func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		writeJSON(w, 200, c.st.Mode)
	})
	mux.HandleFunc("GET /control/issuance-responses", func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		writeJSON(w, 200, nonNil(c.st.IssuanceResponses))
	})
	mux.HandleFunc("GET /control/surrender-requests", func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		writeJSON(w, 200, nonNil(c.st.SurrenderRequests))
	})
	mux.HandleFunc("GET /control/issuance-requests", func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.st.Issued == nil {
			writeJSON(w, 200, []*Sent{})
			return
		}
		writeJSON(w, 200, c.st.Issued)
	})
	return mux
}

func nonNil(r []*Received) []*Received {
	if r == nil {
		return []*Received{}
	}
	return r
}

func (c *Carrier) issuanceResponse(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r, 1<<20)
	if err != nil {
		writeError(w, r, 413, errCodeTooLarge, "tooLarge", err.Error())
		return
	}
	rec := &Received{At: nowMillis(), Body: jsonOrString(body)}
	var resp IssuanceResponse
	switch {
	case decodeStrict(body, &resp) != nil:
		rec.Problem = "not an IssuanceResponse"
	case resp.TransportDocumentReference == "" || len(resp.TransportDocumentReference) > 20:
		rec.Problem = "transportDocumentReference is required (≤ 20 characters)"
	case resp.IssuanceResponseCode != "ISSU" && resp.IssuanceResponseCode != "BREQ" && resp.IssuanceResponseCode != "REFU":
		rec.Problem = "issuanceResponseCode must be ISSU, BREQ or REFU"
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.IssuanceResponses = append(c.st.IssuanceResponses, rec)
	if rec.Problem != "" {
		rec.Status = 400
		c.save()
		writeError(w, r, 400, errCodeBadRequest, "invalidIssuanceResponse", rec.Problem)
		return
	}
	rec.Status = 204
	c.save()
	w.Header().Set("API-Version", "3.0.4")
	w.WriteHeader(http.StatusNoContent)
}

func jsonOrString(b []byte) json.RawMessage {
	if json.Valid(b) {
		return json.RawMessage(b)
	}
	s, _ := json.Marshal(string(b))
	return s
}

func (c *Carrier) surrenderRequest(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r, 4<<20)
	if err != nil {
		writeError(w, r, 413, errCodeTooLarge, "tooLarge", err.Error())
		return
	}
	rec := &Received{At: nowMillis(), Body: jsonOrString(body)}
	var req SurrenderRequest
	switch {
	case decodeStrict(body, &req) != nil:
		rec.Problem = "not a SurrenderRequestDetails"
	case req.SurrenderRequestReference == "" || req.TransportDocumentReference == "":
		rec.Problem = "surrenderRequestReference and transportDocumentReference are required"
	case req.SurrenderRequestCode != "SREQ" && req.SurrenderRequestCode != "AREQ":
		rec.Problem = "surrenderRequestCode must be SREQ or AREQ"
	}
	c.mu.Lock()
	if rec.Problem == "" {
		for _, old := range c.st.SurrenderRequests {
			var o SurrenderRequest
			if old.Status == 204 && json.Unmarshal(old.Body, &o) == nil && o.SurrenderRequestReference == req.SurrenderRequestReference {
				rec.Problem = "surrenderRequestReference " + req.SurrenderRequestReference + " was already used"
			}
		}
	}
	c.st.SurrenderRequests = append(c.st.SurrenderRequests, rec)
	if rec.Problem != "" {
		rec.Status = 400
		c.save()
		c.mu.Unlock()
		writeError(w, r, 400, errCodeBadRequest, "invalidSurrenderRequest", rec.Problem)
		return
	}
	rec.Status = 204
	mode := c.st.Mode
	c.save()
	c.mu.Unlock()
	w.Header().Set("API-Version", "3.0.4")
	w.WriteHeader(http.StatusNoContent)
	if mode.Surrender != "" && mode.URL != "" {
		go func() {
			time.Sleep(100 * time.Millisecond) // answer after the 204, as the callback it is
			_, _, _ = c.answerSurrender(context.Background(), mode.URL, req.SurrenderRequestReference, mode.Surrender, mode.Comments)
		}()
	}
}

func (c *Carrier) answerSurrender(ctx context.Context, url, ref, action, comments string) (int, []byte, error) {
	if action == "SREJ" && comments == "" {
		comments = "Surrender rejected by the carrier"
	}
	if action == "SURR" {
		comments = ""
	}
	ans := SurrenderAnswer{SurrenderRequestReference: ref, Action: action, Comments: comments}
	body, _ := json.Marshal(ans)
	var st int
	var resp []byte
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Duration(200*(1<<attempt)) * time.Millisecond)
		}
		st, resp, err = doJSON(ctx, c.client, http.MethodPost, strings.TrimRight(url, "/")+"/v3/ebl-surrender-responses", body)
		if err == nil && st < 500 {
			break
		}
	}
	c.mu.Lock()
	for _, rec := range c.st.SurrenderRequests {
		var o SurrenderRequest
		if json.Unmarshal(rec.Body, &o) == nil && o.SurrenderRequestReference == ref && rec.Status == 204 {
			rec.Answer, rec.AnswerTo, rec.AnswerAt = body, url, nowMillis()
			s := st
			rec.AnswerOK = &s
		}
	}
	c.save()
	c.mu.Unlock()
	return st, resp, err
}

// IssueRequest asks the carrier to issue a transport document on a platform.
type IssueRequest struct {
	URL                        string          `json:"url"`                                  // the platform's base URL
	Document                   json.RawMessage `json:"document,omitempty"`                   // default: the built-in template
	TransportDocumentReference string          `json:"transportDocumentReference,omitempty"` // overrides the document's
	IssueTo                    json.RawMessage `json:"issueTo"`                              // IssueToParty
	Visualisation              *struct {
		Name        string `json:"name"`
		ContentType string `json:"contentType,omitempty"`
		Content     []byte `json:"content"`
	} `json:"eBLVisualisationByCarrier,omitempty"`
	Tamper string `json:"tamper,omitempty"` // "", "checksum" (manifest signs another document), "unknown-key"
}

func (c *Carrier) controlIssue(w http.ResponseWriter, r *http.Request) {
	body, _ := readBody(r, 32<<20)
	var req IssueRequest
	if err := decodeStrict(body, &req); err != nil {
		writeError(w, r, 400, errCodeBadRequest, "invalidRequest", err.Error())
		return
	}
	sent, err := c.Issue(r.Context(), req)
	if err != nil {
		writeError(w, r, 400, errCodeBadRequest, "issueFailed", err.Error())
		return
	}
	writeJSON(w, 200, sent)
}

// Issue signs an issuance manifest and sends PUT /v3/ebl-issuance-requests.
func (c *Carrier) Issue(ctx context.Context, req IssueRequest) (*Sent, error) {
	if req.URL == "" || len(req.IssueTo) == 0 {
		return nil, errors.New("url and issueTo are required")
	}
	doc := req.Document
	if len(doc) == 0 {
		doc = templateDocument
	}
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	if req.TransportDocumentReference != "" {
		m["transportDocumentReference"] = req.TransportDocumentReference
	}
	m["carrierCode"] = c.cfg.CarrierCode
	doc, _ = json.Marshal(m)
	docSum, err := canonicalChecksum(doc)
	if err != nil {
		return nil, err
	}
	issueToSum, err := canonicalChecksum(req.IssueTo)
	if err != nil {
		return nil, fmt.Errorf("issueTo: %w", err)
	}
	manifest := IssuanceManifest{DocumentChecksum: docSum, IssueToChecksum: issueToSum}
	if req.Tamper == "checksum" {
		manifest.DocumentChecksum = sha256Hex([]byte("another document"))
	}
	ir := IssuanceRequest{Document: doc, IssueTo: req.IssueTo}
	if v := req.Visualisation; v != nil {
		manifest.EBLVisualisationByCarrierChecksum = sha256Hex(v.Content)
		ir.EBLVisualisationByCarrier = &SupportingDocument{Name: v.Name, Content: v.Content, ContentType: v.ContentType}
	}
	signer := c.signer
	if req.Tamper == "unknown-key" {
		k, _ := NewKey("ES256")
		signer, _ = NewSigner(k)
	}
	if ir.IssuanceManifestSignedContent, err = signer.SignJSON(manifest); err != nil {
		return nil, err
	}
	payload, _ := json.Marshal(ir)
	tdr, _ := m["transportDocumentReference"].(string)
	sent := &Sent{At: nowMillis(), URL: strings.TrimRight(req.URL, "/"), Reference: tdr, Checksum: docSum, Request: payload}
	st, body, err := doJSON(ctx, c.client, http.MethodPut, sent.URL+"/v3/ebl-issuance-requests", payload)
	sent.Status, sent.Body = st, string(body)
	if err != nil {
		sent.Body = err.Error()
	}
	c.mu.Lock()
	c.st.Issued = append(c.st.Issued, sent)
	c.save()
	c.mu.Unlock()
	return sent, nil
}

func (c *Carrier) controlSurrenderResponse(w http.ResponseWriter, r *http.Request) {
	var req struct {
		URL                       string `json:"url"`
		SurrenderRequestReference string `json:"surrenderRequestReference"`
		Action                    string `json:"action"`
		Comments                  string `json:"comments,omitempty"`
	}
	body, _ := readBody(r, 64<<10)
	if err := decodeStrict(body, &req); err != nil || req.URL == "" || req.SurrenderRequestReference == "" {
		writeError(w, r, 400, errCodeBadRequest, "invalidRequest", "url, surrenderRequestReference and action are required")
		return
	}
	st, resp, err := c.answerSurrender(r.Context(), req.URL, req.SurrenderRequestReference, req.Action, req.Comments)
	writeJSON(w, 200, map[string]any{"status": st, "body": string(resp), "error": errString(err)})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (c *Carrier) controlMode(w http.ResponseWriter, r *http.Request) {
	var m CarrierMode
	body, _ := readBody(r, 64<<10)
	if err := decodeStrict(body, &m); err != nil || (m.Surrender != "" && m.Surrender != "SURR" && m.Surrender != "SREJ") {
		writeError(w, r, 400, errCodeBadRequest, "invalidRequest", `{"surrender": "SURR"|"SREJ"|"", "url": platform base URL}`)
		return
	}
	c.mu.Lock()
	c.st.Mode = m
	c.save()
	c.mu.Unlock()
	writeJSON(w, 200, m)
}
