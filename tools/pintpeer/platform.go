package main

// The stand-in "other eBL platform": PINT 3.0 receiver and sender, an
// Issuance API server (carriers issue on it) and a Surrender API client.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// PeerConfig is another eBL platform this one trusts: its code, its JWKS
// (http(s) URL or file) and its PINT base URL (for sending to it).
type PeerConfig struct {
	Code string `json:"code"`
	JWKS string `json:"jwks"`
	URL  string `json:"url,omitempty"`
}

// CarrierConfig is a carrier that issues on this platform.
type CarrierConfig struct {
	CarrierCode      string            `json:"carrierCode"`
	PartyName        string            `json:"partyName"`
	IdentifyingCodes []IdentifyingCode `json:"identifyingCodes"`
	JWKS             string            `json:"jwks"`
	URL              string            `json:"url,omitempty"`
}

// PlatformConfig configures a platform instance.
type PlatformConfig struct {
	Code             string          `json:"code"`
	Listen           string          `json:"listen"`
	Dir              string          `json:"dir"`
	KeyAlg           string          `json:"keyAlg,omitempty"`
	Parties          []Party         `json:"parties"`
	Peers            []PeerConfig    `json:"peers"`
	Carriers         []CarrierConfig `json:"carriers"`
	MaxEnvelopeBytes int64           `json:"maxEnvelopeBytes,omitempty"`
	MaxDocumentBytes int64           `json:"maxDocumentBytes,omitempty"`
	Retries          int             `json:"retries,omitempty"`
}

// Bill is an eBL this platform knows.
type Bill struct {
	Checksum            string             `json:"checksum"`
	Reference           string             `json:"transportDocumentReference"`
	Document            json.RawMessage    `json:"document"`
	Chain               []string           `json:"chain"`
	Status              string             `json:"status"` // HELD, SENDING, SENT, SURRENDER_PENDING, SURRENDERED
	Holder              *Party             `json:"holder,omitempty"`
	Visualisation       *DocumentMetadata  `json:"eBLVisualisationByCarrier,omitempty"`
	SupportingDocuments []DocumentMetadata `json:"supportingDocuments,omitempty"`
	Carrier             string             `json:"carrierCode,omitempty"`
	Surrender           *SurrenderRequest  `json:"surrenderRequest,omitempty"`
	SurrenderAnswer     *SurrenderAnswer   `json:"surrenderAnswer,omitempty"`
	Log                 []string           `json:"log"`
	UpdatedAt           string             `json:"updatedAt"`
}

func (b *Bill) note(format string, a ...any) {
	b.UpdatedAt = nowMillis()
	b.Log = append(b.Log, b.UpdatedAt+" "+fmt.Sprintf(format, a...))
}

// ResponseRecord is one answer this platform gave or got.
type ResponseRecord struct {
	At         string `json:"at"`
	Phase      string `json:"phase"` // start, document, finish
	HTTPStatus int    `json:"httpStatus"`
	Code       string `json:"responseCode,omitempty"`
	Reason     string `json:"reason,omitempty"`
	Signed     string `json:"signed,omitempty"`
	Body       string `json:"body,omitempty"`
	Verified   bool   `json:"verified,omitempty"`
}

// Inbound is an envelope transfer received.
type Inbound struct {
	Reference    string             `json:"envelopeReference"`
	Checksum     string             `json:"transportDocumentChecksum"`
	LastChecksum string             `json:"lastEnvelopeTransferChainEntrySignedContentChecksum,omitempty"`
	Sender       string             `json:"senderPlatform,omitempty"`
	Envelope     json.RawMessage    `json:"envelope"`
	Expected     []DocumentMetadata `json:"expectedDocuments,omitempty"`
	Received     []string           `json:"receivedDocuments,omitempty"`
	State        string             `json:"state"` // ACTIVE, ACCEPTED, REJECTED, SUPERSEDED
	Responses    []ResponseRecord   `json:"responses"`
	ReceivedAt   string             `json:"receivedAt"`
}

// Outbound is an envelope transfer this platform sent.
type Outbound struct {
	ID           string           `json:"id"`
	Checksum     string           `json:"transportDocumentChecksum"`
	URL          string           `json:"url"`
	Platform     string           `json:"platform"`
	Recipient    Party            `json:"recipient"`
	Envelope     json.RawMessage  `json:"envelope"`
	LastChecksum string           `json:"lastEnvelopeTransferChainEntrySignedContentChecksum"`
	Documents    []string         `json:"documents,omitempty"`
	Replay       bool             `json:"replay,omitempty"`
	State        string           `json:"state"` // SENDING, ACCEPTED, REJECTED, UNDECIDED
	Outcome      string           `json:"responseCode,omitempty"`
	Reason       string           `json:"reason,omitempty"`
	Signed       string           `json:"signedResponse,omitempty"`
	Attempts     []ResponseRecord `json:"attempts"`
	StartedAt    string           `json:"startedAt"`
}

// Mode makes the receiver answer a chosen code (fault injection).
type Mode struct {
	Answer string `json:"answer"`          // RECE, DUPE, BSIG, BENV, INCD, MDOC, DISE, or "" for normal behaviour
	At     string `json:"at,omitempty"`    // start (default), document, finish
	Count  int    `json:"count,omitempty"` // how many answers to fault; 0 = until reset
	Reason string `json:"reason,omitempty"`
	// Malformed makes the next start answer 201 with an EnvelopeTransferStartedResponse
	// that lacks its required envelopeReference (to prove a validating proxy checks responses).
	Malformed bool `json:"malformed,omitempty"`
}

// IssuanceRecord is an issuance request received from a carrier.
type IssuanceRecord struct {
	Reference  string            `json:"transportDocumentReference"`
	Checksum   string            `json:"documentChecksum"`
	Carrier    string            `json:"carrierCode"`
	Request    json.RawMessage   `json:"request"`
	Response   *IssuanceResponse `json:"response,omitempty"`
	Delivered  bool              `json:"responseDelivered"`
	ReceivedAt string            `json:"receivedAt"`
}

type platformState struct {
	Bills      map[string]*Bill           `json:"bills"`
	Inbound    map[string]*Inbound        `json:"inbound"`
	Accepted   map[string]string          `json:"accepted"` // last chain entry checksum → envelope reference
	Outbound   []*Outbound                `json:"outbound"`
	Issuances  map[string]*IssuanceRecord `json:"issuances"`
	Surrenders []json.RawMessage          `json:"surrenderResponses"`
	Mode       Mode                       `json:"mode"`
}

// Platform is one running stand-in platform.
type Platform struct {
	cfg      PlatformConfig
	signer   *Signer
	peers    map[string][]*keySource // a code may have several key sets (e.g. one platform code, two gateways)
	carriers map[string][]*keySource
	store    fileStore
	blobs    blobStore
	client   *http.Client

	mu sync.Mutex
	st platformState
}

// NewPlatform opens (or creates) the platform's directory: key.json,
// state.json and docs/.
func NewPlatform(cfg PlatformConfig) (*Platform, error) {
	if cfg.Code == "" || len(cfg.Code) > 4 || strings.ContainsAny(cfg.Code, " \t\n") {
		return nil, fmt.Errorf("platform code %q: 1–4 characters without spaces", cfg.Code)
	}
	if cfg.Dir == "" {
		return nil, errors.New("a store directory is required")
	}
	if cfg.MaxEnvelopeBytes == 0 {
		cfg.MaxEnvelopeBytes = 4 << 20
	}
	if cfg.MaxDocumentBytes == 0 {
		cfg.MaxDocumentBytes = 16 << 20
	}
	if cfg.Retries == 0 {
		cfg.Retries = 5
	}
	if err := os.MkdirAll(filepath.Join(cfg.Dir, "docs"), 0o700); err != nil {
		return nil, err
	}
	signer, err := loadOrCreateKey(cfg.Dir, cfg.KeyAlg)
	if err != nil {
		return nil, err
	}
	p := &Platform{cfg: cfg, signer: signer, peers: map[string][]*keySource{}, carriers: map[string][]*keySource{},
		store: fileStore{filepath.Join(cfg.Dir, "state.json")}, blobs: blobStore{filepath.Join(cfg.Dir, "docs")},
		client: &http.Client{Timeout: 30 * time.Second}}
	for _, peer := range cfg.Peers {
		p.peers[peer.Code] = append(p.peers[peer.Code], newKeySource(peer.JWKS))
	}
	for _, c := range cfg.Carriers {
		p.carriers[c.CarrierCode] = append(p.carriers[c.CarrierCode], newKeySource(c.JWKS))
	}
	if err := p.store.load(&p.st); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	if p.st.Bills == nil {
		p.st.Bills = map[string]*Bill{}
	}
	if p.st.Inbound == nil {
		p.st.Inbound = map[string]*Inbound{}
	}
	if p.st.Accepted == nil {
		p.st.Accepted = map[string]string{}
	}
	if p.st.Issuances == nil {
		p.st.Issuances = map[string]*IssuanceRecord{}
	}
	return p, nil
}

func (p *Platform) save() {
	if err := p.store.save(&p.st); err != nil {
		log.Printf("pintpeer %s: saving state: %v", p.cfg.Code, err)
	}
}

// keysFor is the key source of a platform code (this platform's own keys for its own code).
func (p *Platform) verifyPlatform(ctx context.Context, code, compact string) ([]byte, error) {
	if code == p.cfg.Code {
		payload, _, err := Verify(compact, p.signer.JWKS())
		return payload, err
	}
	return verifyAny(ctx, p.peers[code], compact)
}

func (p *Platform) localParty(q Party) *Party {
	for i := range p.cfg.Parties {
		if p.cfg.Parties[i].Matches(q) {
			party := p.cfg.Parties[i]
			party.EblPlatform = p.cfg.Code
			return &party
		}
	}
	return nil
}

// Handler is the platform's HTTP interface.
func (p *Platform) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/jwks.json", serveJWKS(p.signer))
	mux.HandleFunc("POST /v3/receiver-validation", p.receiverValidation)
	mux.HandleFunc("POST /v3/envelopes", p.startTransfer)
	mux.HandleFunc("PUT /v3/envelopes/{ref}/additional-documents/{checksum}", p.additionalDocument)
	mux.HandleFunc("PUT /v3/envelopes/{ref}/finish-transfer", p.finishTransfer)
	mux.HandleFunc("PUT /v3/ebl-issuance-requests", p.issuanceRequest)
	mux.HandleFunc("POST /v3/ebl-surrender-responses", p.surrenderResponse)

	mux.HandleFunc("GET /control/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]string{"code": p.cfg.Code, "status": "ok"})
	})
	mux.HandleFunc("GET /control/mode", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		writeJSON(w, 200, p.st.Mode)
	})
	mux.HandleFunc("POST /control/mode", p.setMode)
	mux.HandleFunc("GET /control/bills", p.listBills)
	mux.HandleFunc("GET /control/bills/{checksum}", p.getBill)
	mux.HandleFunc("GET /control/received", p.listInbound)
	mux.HandleFunc("GET /control/received/{ref}", p.getInbound)
	mux.HandleFunc("GET /control/sent", p.listOutbound)
	mux.HandleFunc("GET /control/issuances", p.listIssuances)
	mux.HandleFunc("POST /control/transfer", p.controlTransfer)
	mux.HandleFunc("POST /control/replay", p.controlReplay)
	mux.HandleFunc("POST /control/surrender", p.controlSurrender)
	return mux
}

// ---------------------------------------------------------------- receiver

func (p *Platform) receiverValidation(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r, 64<<10)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, errCodeBadRequest, "invalidRequest", err.Error())
		return
	}
	var code IdentifyingCode
	if err := decodeStrict(body, &code); err != nil || code.CodeListProvider == "" || code.PartyCode == "" {
		writeError(w, r, http.StatusBadRequest, errCodeBadRequest, "invalidRequest", "the body must be an IdentifyingCode with codeListProvider and partyCode")
		return
	}
	if party := p.localParty(Party{IdentifyingCodes: []IdentifyingCode{code}}); party != nil {
		writeJSON(w, http.StatusOK, map[string]string{"partyName": party.PartyName})
		return
	}
	writeError(w, r, http.StatusNotFound, errCodeNotFound, "Unknown party", "no active party on this platform has that identifying code")
}

// consumeMode returns the forced answer for a phase, if any.
func (p *Platform) consumeMode(phase string) (Mode, bool) {
	m := p.st.Mode
	if m.Answer == "" {
		return m, false
	}
	at := m.At
	if at == "" {
		at = "start"
	}
	if at != phase {
		return m, false
	}
	if m.Count > 0 {
		p.st.Mode.Count--
		if p.st.Mode.Count == 0 {
			p.st.Mode = Mode{}
		}
	}
	return m, true
}

// answer signs and records a finished response.
func (p *Platform) answer(w http.ResponseWriter, in *Inbound, phase string, resp FinishedResponse) {
	signed, err := p.signer.SignJSON(resp)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	status := httpStatusFor[resp.ResponseCode]
	if status == 0 {
		status = http.StatusUnprocessableEntity // a forced, non-DCSA code (fault injection)
	}
	if in != nil {
		in.Responses = append(in.Responses, ResponseRecord{At: nowMillis(), Phase: phase, HTTPStatus: status, Code: resp.ResponseCode, Reason: resp.Reason, Signed: signed})
	}
	p.save()
	writeSigned(w, status, signed)
}

type verdict struct {
	code   string
	reason string
}

func (v *verdict) Error() string { return v.code + ": " + v.reason }

func bsig(format string, a ...any) *verdict {
	return &verdict{BSIG, clip(fmt.Sprintf(format, a...), 255)}
}
func benv(format string, a ...any) *verdict {
	return &verdict{BENV, clip(fmt.Sprintf(format, a...), 255)}
}

// checked is what validation learned about an envelope.
type checked struct {
	env       EblEnvelope
	manifest  EnvelopeManifest
	entries   []ChainEntry
	checksum  string
	recipient *Party
	sender    string
	carrier   string
}

// validate checks an envelope: signatures (BSIG) first, then the content (BENV).
func (p *Platform) validate(ctx context.Context, env EblEnvelope) (*checked, *verdict) {
	c := &checked{env: env}
	if len(env.TransportDocument) == 0 || string(env.TransportDocument) == "null" {
		return nil, benv("transportDocument is missing")
	}
	if env.EnvelopeManifestSignedContent == "" {
		return nil, benv("envelopeManifestSignedContent is missing")
	}
	// Each chain entry: learn its claimed platform, then verify with that platform's keys.
	for i, compact := range env.EnvelopeTransferChain {
		raw, err := jwsPayloadUnverified(compact)
		if err != nil {
			return nil, bsig("envelopeTransferChain[%d]: %v", i, err)
		}
		var claimed struct {
			EblPlatform string `json:"eblPlatform"`
		}
		if err := json.Unmarshal(raw, &claimed); err != nil {
			return nil, benv("envelopeTransferChain[%d]: payload is not an EnvelopeTransferChainEntry: %v", i, err)
		}
		payload, err := p.verifyPlatform(ctx, claimed.EblPlatform, compact)
		if err != nil {
			return nil, bsig("envelopeTransferChain[%d] (platform %q): %v", i, claimed.EblPlatform, err)
		}
		var e ChainEntry
		if err := decodeStrict(payload, &e); err != nil {
			return nil, benv("envelopeTransferChain[%d]: %v", i, err)
		}
		c.entries = append(c.entries, e)
	}
	last := c.entries[len(c.entries)-1]
	c.sender = last.EblPlatform
	payload, err := p.verifyPlatform(ctx, c.sender, env.EnvelopeManifestSignedContent)
	if err != nil {
		return nil, bsig("envelopeManifestSignedContent (sending platform %q): %v", c.sender, err)
	}
	if err := decodeStrict(payload, &c.manifest); err != nil {
		return nil, benv("envelope manifest: %v", err)
	}
	// The issuance manifest of the first entry is the carrier's signature.
	first := c.entries[0]
	var td struct {
		CarrierCode string `json:"carrierCode"`
	}
	_ = json.Unmarshal(env.TransportDocument, &td)
	c.carrier = td.CarrierCode
	if first.IssuanceManifestSignedContent == "" {
		return nil, benv("the first chain entry has no issuanceManifestSignedContent")
	}
	imPayload, err := verifyAny(ctx, p.carriers[td.CarrierCode], first.IssuanceManifestSignedContent)
	if err != nil {
		return nil, bsig("issuanceManifestSignedContent (carrier %q): %v", td.CarrierCode, err)
	}
	var im IssuanceManifest
	if err := json.Unmarshal(imPayload, &im); err != nil {
		return nil, benv("issuance manifest: %v", err)
	}

	// Content.
	sum, err := canonicalChecksum(env.TransportDocument)
	if err != nil {
		return nil, benv("transportDocument: %v", err)
	}
	c.checksum = sum
	if c.manifest.TransportDocumentChecksum != sum {
		return nil, benv("envelope manifest transportDocumentChecksum %s is not the checksum of transportDocument (%s)", c.manifest.TransportDocumentChecksum, sum)
	}
	if im.DocumentChecksum != sum {
		return nil, benv("the issuance manifest signs document %s, not this transportDocument (%s)", im.DocumentChecksum, sum)
	}
	lastSum := sha256Hex([]byte(env.EnvelopeTransferChain[len(env.EnvelopeTransferChain)-1]))
	if c.manifest.LastEnvelopeTransferChainEntrySignedContentChecksum != lastSum {
		return nil, benv("lastEnvelopeTransferChainEntrySignedContentChecksum does not match the last chain entry")
	}
	vis := c.manifest.EBLVisualisationByCarrier
	if (vis != nil) != (im.EBLVisualisationByCarrierChecksum != "") || (vis != nil && vis.DocumentChecksum != im.EBLVisualisationByCarrierChecksum) {
		return nil, benv("eBLVisualisationByCarrier does not match the carrier's issuance manifest")
	}
	for _, d := range c.manifest.AdditionalDocuments() {
		if !isHex64(d.DocumentChecksum) || d.Size < 1 || d.Name == "" || d.MediaType == "" {
			return nil, benv("additional document %q: bad metadata", d.Name)
		}
	}
	surrenderAccepted := false
	for i, e := range c.entries {
		if e.TransportDocumentChecksum != sum {
			return nil, benv("envelopeTransferChain[%d] is for document %s, not this one", i, e.TransportDocumentChecksum)
		}
		if i == 0 {
			if e.PreviousEnvelopeTransferChainEntrySignedContentChecksum != "" {
				return nil, benv("the first chain entry must not have a previous checksum")
			}
		} else {
			want := sha256Hex([]byte(env.EnvelopeTransferChain[i-1]))
			if e.PreviousEnvelopeTransferChainEntrySignedContentChecksum != want {
				return nil, benv("envelopeTransferChain[%d] does not link to entry %d", i, i-1)
			}
			if e.IssuanceManifestSignedContent != "" || e.ControlTrackingRegistry != "" {
				return nil, benv("envelopeTransferChain[%d]: issuance manifest and CTR belong in the first entry only", i)
			}
		}
		if len(e.Transactions) == 0 {
			return nil, benv("envelopeTransferChain[%d] has no transactions", i)
		}
		for j, t := range e.Transactions {
			if !actionCodes[t.ActionCode] {
				return nil, benv("envelopeTransferChain[%d].transactions[%d]: unknown actionCode %q", i, j, t.ActionCode)
			}
			if (t.ActionCode == "ISSUE") != (i == 0 && j == 0) {
				return nil, benv("ISSUE must be exactly the first transaction of the first entry (found at [%d][%d])", i, j)
			}
			if surrenderAccepted {
				return nil, benv("transactions after SACC are invalid")
			}
			if t.ActionCode == "SACC" {
				surrenderAccepted = true
			}
			if t.Actor.PartyName == "" || t.Actor.EblPlatform == "" || len(t.Actor.IdentifyingCodes) == 0 {
				return nil, benv("envelopeTransferChain[%d].transactions[%d]: actor needs partyName, eblPlatform and identifyingCodes", i, j)
			}
			if _, err := time.Parse(time.RFC3339, t.ActionDateTime); err != nil {
				return nil, benv("envelopeTransferChain[%d].transactions[%d]: actionDateTime is not RFC 3339", i, j)
			}
		}
	}
	lastTx := last.Transactions[len(last.Transactions)-1]
	if lastTx.Recipient == nil {
		return nil, benv("the last transaction (%s) names no recipient", lastTx.ActionCode)
	}
	if lastTx.Recipient.EblPlatform != p.cfg.Code {
		return nil, benv("the last transaction is addressed to platform %q, not %q", lastTx.Recipient.EblPlatform, p.cfg.Code)
	}
	c.recipient = p.localParty(*lastTx.Recipient)
	if c.recipient == nil {
		return nil, benv("recipient %q is not a party of platform %s", lastTx.Recipient.PartyName, p.cfg.Code)
	}
	if strings.HasPrefix(lastTx.ActionCode, "SURRENDER_FOR_") {
		return nil, benv("this platform is not the carrier's: surrender requests are not addressed here")
	}
	return c, nil
}

// disputed reports whether an envelope contradicts what this platform knows of the bill.
func (p *Platform) disputed(c *checked) string {
	b := p.st.Bills[c.checksum]
	if b == nil {
		return ""
	}
	switch b.Status {
	case "HELD", "SENDING", "SURRENDER_PENDING":
		return fmt.Sprintf("this platform holds the eBL (%s); the envelope is a second copy", b.Status)
	case "SURRENDERED":
		return "the eBL was surrendered to the carrier on this platform"
	}
	if len(c.env.EnvelopeTransferChain) <= len(b.Chain) {
		return "the envelope's transfer chain is not longer than the one this platform already sent on"
	}
	for i, e := range b.Chain {
		if c.env.EnvelopeTransferChain[i] != e {
			return fmt.Sprintf("chain entry %d differs from the entry this platform knows; possible double spend", i)
		}
	}
	return ""
}

func (p *Platform) startTransfer(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r, p.cfg.MaxEnvelopeBytes)
	if err != nil {
		writeError(w, r, http.StatusRequestEntityTooLarge, errCodeTooLarge, "envelopeTooLarge", fmt.Sprintf("envelopes are limited to %d bytes", p.cfg.MaxEnvelopeBytes))
		return
	}
	var env EblEnvelope
	if err := decodeStrict(body, &env); err != nil {
		writeError(w, r, http.StatusBadRequest, errCodeBadRequest, "invalidEnvelope", "the body is not an EblEnvelope: "+err.Error())
		return
	}
	if len(env.EnvelopeTransferChain) == 0 {
		// Without a chain there is no checksum for a signed answer to name.
		writeError(w, r, http.StatusBadRequest, errCodeBadRequest, "invalidEnvelope", "envelopeTransferChain must have at least one entry")
		return
	}
	lastSum := sha256Hex([]byte(env.EnvelopeTransferChain[len(env.EnvelopeTransferChain)-1]))

	p.mu.Lock()
	defer p.mu.Unlock()
	in := &Inbound{Reference: newRef(40), LastChecksum: lastSum, Envelope: json.RawMessage(body), State: "ACTIVE", ReceivedAt: nowMillis()}
	p.st.Inbound[in.Reference] = in

	if p.st.Mode.Malformed {
		p.st.Mode.Malformed = false
		in.State = "REJECTED"
		p.save()
		writeJSON(w, http.StatusCreated, map[string]any{"transportDocumentChecksum": strings.Repeat("0", 64),
			"lastEnvelopeTransferChainEntrySignedContentChecksum": lastSum, "missingAdditionalDocumentChecksums": []string{strings.Repeat("0", 64)}})
		return
	}
	if m, ok := p.consumeMode("start"); ok {
		in.State = "REJECTED"
		if m.Answer == RECE || m.Answer == DUPE {
			in.State = "FORCED"
		}
		p.answer(w, in, "start", FinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: lastSum, ResponseCode: m.Answer, Reason: firstNonEmpty(m.Reason, "fault injected by control/mode")})
		return
	}

	c, v := p.validate(r.Context(), env)
	if c != nil {
		in.Checksum, in.Sender = c.checksum, c.sender
	}
	if v != nil {
		in.State = "REJECTED"
		p.answer(w, in, "start", FinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: lastSum, ResponseCode: v.code, Reason: v.reason})
		return
	}
	if prevRef, ok := p.st.Accepted[lastSum]; ok {
		in.State = "DUPLICATE"
		prev := p.st.Inbound[prevRef]
		var prevEnv EblEnvelope
		_ = json.Unmarshal(prev.Envelope, &prevEnv)
		p.answer(w, in, "start", FinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: lastSum, ResponseCode: DUPE,
			DuplicateOfAcceptedEnvelopeTransferChainEntrySignedContent: prevEnv.EnvelopeTransferChain[len(prevEnv.EnvelopeTransferChain)-1],
			Reason:                              "this envelope was already accepted (envelope " + prevRef + ")",
			ReceivedAdditionalDocumentChecksums: prev.Received})
		return
	}
	if why := p.disputed(c); why != "" {
		in.State = "REJECTED"
		p.answer(w, in, "start", FinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: lastSum, ResponseCode: DISE, Reason: clip(why, 255)})
		return
	}
	// A new start for a document with an active transfer is a retry: the old one is superseded.
	for _, other := range p.st.Inbound {
		if other != in && other.State == "ACTIVE" && other.Checksum == c.checksum {
			other.State = "SUPERSEDED"
		}
	}
	in.Expected = c.manifest.AdditionalDocuments()
	missing := p.missing(in)
	if len(missing) == 0 {
		p.accept(w, in, c, "start")
		return
	}
	p.save()
	writeJSON(w, http.StatusCreated, StartedResponse{EnvelopeReference: in.Reference, TransportDocumentChecksum: c.checksum,
		LastEnvelopeTransferChainEntrySignedContentChecksum: lastSum, MissingAdditionalDocumentChecksums: missing})
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

// missing lists announced documents this platform does not hold yet (by checksum).
func (p *Platform) missing(in *Inbound) []string {
	var out []string
	for _, d := range in.Expected {
		if !p.blobs.has(d.DocumentChecksum) {
			out = append(out, d.DocumentChecksum)
		}
	}
	return out
}

// accept turns an envelope into a bill held by its recipient.
func (p *Platform) accept(w http.ResponseWriter, in *Inbound, c *checked, phase string) {
	var received []string
	for _, d := range in.Expected {
		received = append(received, d.DocumentChecksum)
	}
	in.Received = received
	in.State = "ACCEPTED"
	p.st.Accepted[in.LastChecksum] = in.Reference
	b := p.st.Bills[c.checksum]
	if b == nil {
		var ref struct {
			TDR string `json:"transportDocumentReference"`
		}
		_ = json.Unmarshal(c.env.TransportDocument, &ref)
		b = &Bill{Checksum: c.checksum, Reference: ref.TDR, Document: c.env.TransportDocument, Carrier: c.carrier}
		p.st.Bills[c.checksum] = b
	}
	b.Chain = c.env.EnvelopeTransferChain
	b.Status = "HELD"
	b.Holder = c.recipient
	b.Visualisation = c.manifest.EBLVisualisationByCarrier
	b.SupportingDocuments = c.manifest.SupportingDocuments
	b.note("received from %s in envelope %s; held by %s", c.sender, in.Reference, c.recipient.PartyName)
	p.answer(w, in, phase, FinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: in.LastChecksum, ResponseCode: RECE, ReceivedAdditionalDocumentChecksums: received})
}

func (p *Platform) additionalDocument(w http.ResponseWriter, r *http.Request) {
	ref, checksum := r.PathValue("ref"), r.PathValue("checksum")
	body, err := readBody(r, p.cfg.MaxDocumentBytes*4/3+16)
	if err != nil {
		writeError(w, r, http.StatusRequestEntityTooLarge, errCodeTooLarge, "documentTooLarge", fmt.Sprintf("documents are limited to %d bytes", p.cfg.MaxDocumentBytes))
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	in := p.st.Inbound[ref]
	if in == nil || in.State != "ACTIVE" {
		writeError(w, r, http.StatusNotFound, errCodeNotFound, "unknownEnvelope", "no active envelope transfer has reference "+ref)
		return
	}
	if m, ok := p.consumeMode("document"); ok {
		p.answer(w, in, "document", FinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: in.LastChecksum, ResponseCode: m.Answer, Reason: firstNonEmpty(m.Reason, "fault injected by control/mode")})
		return
	}
	content, err := decodeDocumentBody(body)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, errCodeBadRequest, "invalidDocument", "the body must be a JSON string with the base64 document: "+err.Error())
		return
	}
	var meta *DocumentMetadata
	for i := range in.Expected {
		if in.Expected[i].DocumentChecksum == checksum {
			meta = &in.Expected[i]
		}
	}
	incd := func(reason string) {
		p.answer(w, in, "document", FinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: in.LastChecksum, ResponseCode: INCD, Reason: reason})
	}
	switch {
	case meta == nil:
		incd("document " + checksum + " is not announced in the envelope manifest")
	case sha256Hex(content) != checksum:
		incd("the document's SHA-256 is " + sha256Hex(content) + ", not " + checksum)
	case int64(len(content)) != meta.Size:
		incd(fmt.Sprintf("the document is %d bytes; the manifest says %d", len(content), meta.Size))
	default:
		if err := p.blobs.put(checksum, content); err != nil {
			writeError(w, r, http.StatusInternalServerError, errCodeInternal, "storageError", err.Error())
			return
		}
		in.Responses = append(in.Responses, ResponseRecord{At: nowMillis(), Phase: "document", HTTPStatus: 204, Body: checksum})
		p.save()
		w.Header().Set("API-Version", apiVersion)
		w.WriteHeader(http.StatusNoContent)
	}
}

func (p *Platform) finishTransfer(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	p.mu.Lock()
	defer p.mu.Unlock()
	in := p.st.Inbound[ref]
	if in == nil {
		writeError(w, r, http.StatusNotFound, errCodeNotFound, "unknownEnvelope", "no envelope transfer has reference "+ref)
		return
	}
	if in.State != "ACTIVE" {
		// A retried finish gets the signed answer it was given before.
		if n := len(in.Responses); n > 0 && in.Responses[n-1].Signed != "" {
			last := in.Responses[n-1]
			writeSigned(w, last.HTTPStatus, last.Signed)
			return
		}
		writeError(w, r, http.StatusConflict, errCodeConflict, "envelopeNotActive", "envelope transfer "+ref+" is "+in.State)
		return
	}
	if m, ok := p.consumeMode("finish"); ok {
		if m.Answer != MDOC && m.Answer != INCD {
			in.State = "REJECTED"
		}
		p.answer(w, in, "finish", FinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: in.LastChecksum, ResponseCode: m.Answer, Reason: firstNonEmpty(m.Reason, "fault injected by control/mode")})
		return
	}
	if missing := p.missing(in); len(missing) > 0 {
		p.answer(w, in, "finish", FinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: in.LastChecksum, ResponseCode: MDOC,
			Reason: fmt.Sprintf("%d additional document(s) missing", len(missing)), MissingAdditionalDocumentChecksums: missing})
		return
	}
	var env EblEnvelope
	_ = json.Unmarshal(in.Envelope, &env)
	c, v := p.validate(r.Context(), env) // state may have moved since the start
	if v == nil {
		if why := p.disputed(c); why != "" {
			v = &verdict{DISE, clip(why, 255)}
		}
	}
	if v != nil {
		in.State = "REJECTED"
		p.answer(w, in, "finish", FinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: in.LastChecksum, ResponseCode: v.code, Reason: v.reason})
		return
	}
	p.accept(w, in, c, "finish")
}

// ---------------------------------------------------------------- sender

// TransferRequest asks this platform to send a bill it holds.
type TransferRequest struct {
	Checksum            string   `json:"checksum"`                             // the bill's document checksum, or:
	Reference           string   `json:"transportDocumentReference,omitempty"` // the bill's transport document reference
	Actions             []string `json:"actions,omitempty"`                    // default ["TRANSFER"]
	Recipient           Party    `json:"recipient"`                            // partyName, eblPlatform, identifyingCodes
	URL                 string   `json:"url,omitempty"`                        // receiving platform's base URL (default: peers[].url)
	Platform            string   `json:"platform,omitempty"`                   // code of the platform at url, whose keys sign the answer (default: recipient.eblPlatform)
	Comments            string   `json:"comments,omitempty"`
	SupportingDocuments []struct {
		Name      string `json:"name"`
		MediaType string `json:"mediaType"`
		Content   []byte `json:"content"` // base64
	} `json:"supportingDocuments,omitempty"`
	Tamper  string `json:"tamper,omitempty"`  // "", "unknown-key" (BSIG expected), "document" (BENV expected)
	Retries int    `json:"retries,omitempty"` // attempts without a signed answer before giving up (default: the config's)
}

func (p *Platform) controlTransfer(w http.ResponseWriter, r *http.Request) {
	var req TransferRequest
	body, _ := readBody(r, 32<<20)
	if err := decodeStrict(body, &req); err != nil {
		writeError(w, r, 400, errCodeBadRequest, "invalidRequest", err.Error())
		return
	}
	out, err := p.Transfer(r.Context(), req)
	if err != nil {
		writeError(w, r, 400, errCodeBadRequest, "transferRefused", err.Error())
		return
	}
	writeJSON(w, 200, out)
}

// Transfer builds the next chain entry, signs it and the manifest, sends the
// envelope and handles the answer; the bill is locked (SENDING) meanwhile.
func (p *Platform) Transfer(ctx context.Context, req TransferRequest) (*Outbound, error) {
	if len(req.Actions) == 0 {
		req.Actions = []string{"TRANSFER"}
	}
	for _, a := range req.Actions {
		if !actionCodes[a] || a == "ISSUE" {
			return nil, fmt.Errorf("action %q cannot be sent", a)
		}
	}
	if req.Recipient.PartyName == "" || req.Recipient.EblPlatform == "" || len(req.Recipient.IdentifyingCodes) == 0 {
		return nil, errors.New("recipient needs partyName, eblPlatform and identifyingCodes")
	}
	if req.Platform == "" {
		req.Platform = req.Recipient.EblPlatform
	}
	url := req.URL
	if url == "" {
		for _, peer := range p.cfg.Peers {
			if peer.Code == req.Platform {
				url = peer.URL
			}
		}
	}
	if url == "" {
		return nil, fmt.Errorf("no URL for platform %q (give url, or configure peers[].url)", req.Platform)
	}
	p.mu.Lock()
	if req.Checksum == "" {
		req.Checksum = p.checksumOf(req.Reference)
	}
	b := p.st.Bills[req.Checksum]
	if b == nil {
		p.mu.Unlock()
		return nil, fmt.Errorf("no bill with checksum %q / reference %q here", req.Checksum, req.Reference)
	}
	if b.Status != "HELD" {
		p.mu.Unlock()
		return nil, fmt.Errorf("bill %s is %s, not HELD", req.Checksum, b.Status)
	}
	actor := *b.Holder
	actor.EblPlatform = p.cfg.Code
	recipient := req.Recipient
	var txs []Transaction
	for _, a := range req.Actions {
		rc := recipient
		txs = append(txs, Transaction{ActionCode: a, Actor: actor, Recipient: &rc, ActionDateTime: nowMillis(), Comments: req.Comments})
	}
	entry := ChainEntry{EblPlatform: p.cfg.Code, TransportDocumentChecksum: b.Checksum,
		PreviousEnvelopeTransferChainEntrySignedContentChecksum: sha256Hex([]byte(b.Chain[len(b.Chain)-1])), Transactions: txs}
	signer := p.signer
	if req.Tamper == "unknown-key" {
		k, _ := NewKey("ES256")
		signer, _ = NewSigner(k)
	}
	signedEntry, err := signer.SignJSON(entry)
	if err != nil {
		p.mu.Unlock()
		return nil, err
	}
	chain := append(append([]string{}, b.Chain...), signedEntry)
	manifest := EnvelopeManifest{TransportDocumentChecksum: b.Checksum, LastEnvelopeTransferChainEntrySignedContentChecksum: sha256Hex([]byte(signedEntry)),
		EBLVisualisationByCarrier: b.Visualisation}
	docs := []string{}
	if b.Visualisation != nil {
		docs = append(docs, b.Visualisation.DocumentChecksum)
	}
	for _, d := range req.SupportingDocuments {
		sum := sha256Hex(d.Content)
		if err := p.blobs.put(sum, d.Content); err != nil {
			p.mu.Unlock()
			return nil, err
		}
		manifest.SupportingDocuments = append(manifest.SupportingDocuments, DocumentMetadata{Name: d.Name, Size: int64(len(d.Content)), MediaType: d.MediaType, DocumentChecksum: sum})
		docs = append(docs, sum)
	}
	signedManifest, err := signer.SignJSON(manifest)
	if err != nil {
		p.mu.Unlock()
		return nil, err
	}
	doc := b.Document
	if req.Tamper == "document" {
		var m map[string]any
		_ = json.Unmarshal(doc, &m)
		m["termsAndConditions"] = fmt.Sprint(m["termsAndConditions"]) + " (altered in transit)"
		doc, _ = json.Marshal(m)
	}
	envBytes, err := json.Marshal(EblEnvelope{TransportDocument: doc, EnvelopeManifestSignedContent: signedManifest, EnvelopeTransferChain: chain})
	if err != nil {
		p.mu.Unlock()
		return nil, err
	}
	out := &Outbound{ID: newRef(12), Checksum: b.Checksum, URL: strings.TrimRight(url, "/"), Platform: req.Platform, Recipient: recipient,
		Envelope: envBytes, LastChecksum: manifest.LastEnvelopeTransferChainEntrySignedContentChecksum, Documents: docs, State: "SENDING", StartedAt: nowMillis()}
	b.Status = "SENDING"
	b.note("sending to %s on %s via %s (outbound %s)", recipient.PartyName, req.Recipient.EblPlatform, out.URL, out.ID)
	p.st.Outbound = append(p.st.Outbound, out)
	p.save()
	p.mu.Unlock()

	p.send(ctx, out, req.Retries)

	p.mu.Lock()
	defer p.mu.Unlock()
	switch out.State {
	case "ACCEPTED":
		b.Status = "SENT"
		b.Chain = chain
		b.Holder = nil
		b.note("accepted by %s: %s", out.Platform, out.Outcome)
	case "REJECTED":
		b.Status = "HELD"
		b.note("refused by %s: %s %s", out.Platform, out.Outcome, out.Reason)
	default:
		b.note("no signed answer from %s yet; the bill stays locked (replay the outbound to retry)", out.Platform)
	}
	p.save()
	return out, nil
}

// send runs one envelope transfer to the end (start, documents, finish),
// retrying unsigned failures; out's State ends ACCEPTED, REJECTED or UNDECIDED.
func (p *Platform) send(ctx context.Context, out *Outbound, retries int) {
	if retries <= 0 {
		retries = p.cfg.Retries
	}
	for attempt := 0; attempt < retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				p.setState(out, "UNDECIDED")
				return
			case <-time.After(backoff(attempt)):
			}
		}
		if p.sendOnce(ctx, out) {
			return
		}
	}
	p.setState(out, "UNDECIDED")
}

func (p *Platform) setState(out *Outbound, state string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out.State = state
	p.save()
}

// record adds an attempt; a signed answer is verified against the receiving
// platform's keys and must name our last chain entry.
func (p *Platform) record(ctx context.Context, out *Outbound, phase string, status int, body []byte, err error) (ResponseRecord, *FinishedResponse) {
	rec := ResponseRecord{At: nowMillis(), Phase: phase, HTTPStatus: status}
	if err != nil {
		rec.Body = err.Error()
	} else {
		rec.Body = clip(string(body), 2000)
	}
	var fin *FinishedResponse
	if compact, ok := decodeSignedString(body); ok && err == nil {
		rec.Signed = compact
		if payload, verr := p.verifyPlatform(ctx, out.Platform, compact); verr == nil {
			var f FinishedResponse
			if json.Unmarshal(payload, &f) == nil && f.LastEnvelopeTransferChainEntrySignedContentChecksum == out.LastChecksum {
				rec.Verified, rec.Code, rec.Reason = true, f.ResponseCode, f.Reason
				fin = &f
			} else {
				rec.Reason = "signed answer names another envelope"
			}
		} else {
			rec.Reason = "signed answer does not verify: " + verr.Error()
		}
	}
	p.mu.Lock()
	out.Attempts = append(out.Attempts, rec)
	p.save()
	p.mu.Unlock()
	return rec, fin
}

func (p *Platform) conclude(out *Outbound, rec ResponseRecord, f *FinishedResponse) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out.Outcome, out.Reason, out.Signed = f.ResponseCode, f.Reason, rec.Signed
	if f.ResponseCode == RECE || f.ResponseCode == DUPE {
		out.State = "ACCEPTED"
	} else {
		out.State = "REJECTED"
	}
}

// sendOnce returns true when the transfer got a final signed answer.
func (p *Platform) sendOnce(ctx context.Context, out *Outbound) bool {
	status, body, err := doJSON(ctx, p.client, http.MethodPost, out.URL+"/v3/envelopes", out.Envelope)
	rec, fin := p.record(ctx, out, "start", status, body, err)
	if fin != nil {
		if fin.ResponseCode == INCD || fin.ResponseCode == MDOC { // not valid on start; treat as unsigned failure
			return false
		}
		p.conclude(out, rec, fin)
		return true
	}
	if status != http.StatusCreated {
		return false
	}
	var started StartedResponse
	if json.Unmarshal(body, &started) != nil || started.EnvelopeReference == "" {
		return false
	}
	ref := started.EnvelopeReference
	toSend := started.MissingAdditionalDocumentChecksums
	for round := 0; round < 3; round++ {
		for _, sum := range toSend {
			content, ok := p.blobs.get(sum)
			if !ok {
				continue // the receiver asks for a document we never announced or no longer have
			}
			payload, _ := json.Marshal(content)
			st, b, err := doJSON(ctx, p.client, http.MethodPut, out.URL+"/v3/envelopes/"+ref+"/additional-documents/"+sum, payload)
			rec, fin := p.record(ctx, out, "document", st, b, err)
			if fin != nil && fin.ResponseCode != INCD {
				p.conclude(out, rec, fin)
				return true
			}
		}
		st, b, err := doJSON(ctx, p.client, http.MethodPut, out.URL+"/v3/envelopes/"+ref+"/finish-transfer", nil)
		rec, fin := p.record(ctx, out, "finish", st, b, err)
		if fin == nil {
			return false
		}
		if fin.ResponseCode == MDOC {
			toSend = fin.MissingAdditionalDocumentChecksums
			continue
		}
		if fin.ResponseCode == INCD {
			return false
		}
		p.conclude(out, rec, fin)
		return true
	}
	return false
}

// controlReplay resends a previously sent envelope, byte for byte.
func (p *Platform) controlReplay(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID      string `json:"id"`
		URL     string `json:"url,omitempty"`
		Retries int    `json:"retries,omitempty"`
	}
	body, _ := readBody(r, 64<<10)
	if err := decodeStrict(body, &req); err != nil {
		writeError(w, r, 400, errCodeBadRequest, "invalidRequest", err.Error())
		return
	}
	p.mu.Lock()
	var orig *Outbound
	for _, o := range p.st.Outbound {
		if o.ID == req.ID {
			orig = o
		}
	}
	if orig == nil {
		p.mu.Unlock()
		writeError(w, r, 404, errCodeNotFound, "unknownTransfer", "no outbound transfer "+req.ID)
		return
	}
	out := &Outbound{ID: newRef(12), Checksum: orig.Checksum, URL: firstNonEmpty(strings.TrimRight(req.URL, "/"), orig.URL), Platform: orig.Platform,
		Recipient: orig.Recipient, Envelope: orig.Envelope, LastChecksum: orig.LastChecksum, Documents: orig.Documents, Replay: true, State: "SENDING", StartedAt: nowMillis()}
	p.st.Outbound = append(p.st.Outbound, out)
	b := p.st.Bills[orig.Checksum]
	p.save()
	p.mu.Unlock()
	p.send(r.Context(), out, req.Retries)
	p.mu.Lock()
	// A replay of a transfer that never got its answer settles the bill now.
	if b != nil && b.Status == "SENDING" && orig.State == "UNDECIDED" {
		var env EblEnvelope
		_ = json.Unmarshal(out.Envelope, &env)
		switch out.State {
		case "ACCEPTED":
			b.Status, b.Chain, b.Holder = "SENT", env.EnvelopeTransferChain, nil
			orig.State = "ACCEPTED"
		case "REJECTED":
			b.Status = "HELD"
			orig.State = "REJECTED"
		}
		b.note("replay %s of %s: %s %s", out.ID, orig.ID, out.State, out.Outcome)
	}
	p.save()
	p.mu.Unlock()
	writeJSON(w, 200, out)
}

// ---------------------------------------------------------------- issuance (carrier → this platform)

func (p *Platform) carrierConfig(code string) *CarrierConfig {
	for i := range p.cfg.Carriers {
		if p.cfg.Carriers[i].CarrierCode == code {
			return &p.cfg.Carriers[i]
		}
	}
	return nil
}

func (p *Platform) issuanceRequest(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r, p.cfg.MaxEnvelopeBytes+p.cfg.MaxDocumentBytes*4/3)
	if err != nil {
		writeError(w, r, http.StatusRequestEntityTooLarge, errCodeTooLarge, "requestTooLarge", err.Error())
		return
	}
	var req IssuanceRequest
	if err := decodeStrict(body, &req); err != nil || len(req.Document) == 0 || len(req.IssueTo) == 0 || req.IssuanceManifestSignedContent == "" {
		writeError(w, r, http.StatusBadRequest, errCodeBadRequest, "invalidIssuanceRequest", "document, issueTo and issuanceManifestSignedContent are required")
		return
	}
	var td struct {
		TDR         string `json:"transportDocumentReference"`
		SubRef      string `json:"transportDocumentSubReference"`
		CarrierCode string `json:"carrierCode"`
	}
	if err := json.Unmarshal(req.Document, &td); err != nil || td.TDR == "" || td.CarrierCode == "" {
		writeError(w, r, http.StatusBadRequest, errCodeBadRequest, "invalidIssuanceRequest", "document needs transportDocumentReference and carrierCode")
		return
	}
	carrier := p.carrierConfig(td.CarrierCode)
	if carrier == nil {
		writeError(w, r, http.StatusForbidden, errCodeBadRequest, "unknownCarrier", "carrier "+td.CarrierCode+" does not issue on this platform")
		return
	}
	p.mu.Lock()
	// A request the platform refused (BREQ/REFU) may be revised and sent again;
	// one that was issued, or is being handled, is never accepted twice.
	if prev, dup := p.st.Issuances[td.TDR]; dup && (prev.Response == nil || prev.Response.IssuanceResponseCode == "ISSU") {
		p.mu.Unlock()
		writeError(w, r, http.StatusConflict, errCodeConflict, "duplicateIssuance", "transport document "+td.TDR+" was already submitted for issuance")
		return
	}
	rec := &IssuanceRecord{Reference: td.TDR, Carrier: td.CarrierCode, Request: body, ReceivedAt: nowMillis()}
	p.st.Issuances[td.TDR] = rec
	resp := p.issue(r.Context(), &req, td.TDR, td.SubRef, carrier, rec)
	rec.Response = &resp
	p.save()
	p.mu.Unlock()

	w.Header().Set("API-Version", apiVersion)
	w.WriteHeader(http.StatusNoContent)
	go p.deliverIssuanceResponse(carrier, rec)
}

// issue checks the carrier's manifest and creates the bill; it returns the
// IssuanceResponse to send back (ISSU, BREQ or REFU). Called with p.mu held.
func (p *Platform) issue(ctx context.Context, req *IssuanceRequest, tdr, subRef string, carrier *CarrierConfig, rec *IssuanceRecord) IssuanceResponse {
	resp := IssuanceResponse{TransportDocumentReference: tdr, TransportDocumentSubReference: subRef}
	fail := func(code, reason string) IssuanceResponse {
		resp.IssuanceResponseCode, resp.Reason = code, clip(reason, 255)
		return resp
	}
	payload, err := verifyAny(ctx, p.carriers[carrier.CarrierCode], req.IssuanceManifestSignedContent)
	if err != nil {
		return fail("BREQ", "issuanceManifestSignedContent: "+err.Error())
	}
	var im IssuanceManifest
	if err := json.Unmarshal(payload, &im); err != nil {
		return fail("BREQ", "issuance manifest: "+err.Error())
	}
	docSum, err := canonicalChecksum(req.Document)
	if err != nil {
		return fail("BREQ", "document: "+err.Error())
	}
	rec.Checksum = docSum
	if im.DocumentChecksum != docSum {
		return fail("BREQ", "the manifest's documentChecksum does not match the document")
	}
	issueToSum, err := canonicalChecksum(req.IssueTo)
	if err != nil || im.IssueToChecksum != issueToSum {
		return fail("BREQ", "the manifest's issueToChecksum does not match issueTo")
	}
	var vis *DocumentMetadata
	if req.EBLVisualisationByCarrier != nil {
		sum := sha256Hex(req.EBLVisualisationByCarrier.Content)
		if im.EBLVisualisationByCarrierChecksum != sum {
			return fail("BREQ", "the manifest's eBLVisualisationByCarrierChecksum does not match the visualisation")
		}
		if err := p.blobs.put(sum, req.EBLVisualisationByCarrier.Content); err != nil {
			return fail("REFU", "storage: "+err.Error())
		}
		vis = &DocumentMetadata{Name: req.EBLVisualisationByCarrier.Name, Size: int64(len(req.EBLVisualisationByCarrier.Content)),
			MediaType: firstNonEmpty(req.EBLVisualisationByCarrier.ContentType, "application/pdf"), DocumentChecksum: sum}
	} else if im.EBLVisualisationByCarrierChecksum != "" {
		return fail("BREQ", "the manifest names a visualisation the request does not carry")
	}
	var issueTo Party
	if err := json.Unmarshal(req.IssueTo, &issueTo); err != nil {
		return fail("BREQ", "issueTo: "+err.Error())
	}
	if issueTo.SendToPlatform != p.cfg.Code {
		return fail("REFU", "issueTo.sendToPlatform is "+issueTo.SendToPlatform+"; this platform is "+p.cfg.Code+" and does not forward issuances")
	}
	holder := p.localParty(issueTo)
	if holder == nil {
		return fail("REFU", "IssueTo party not recognized by receiving platform")
	}
	if old := p.st.Bills[docSum]; old != nil {
		return fail("REFU", "this document is already a bill on this platform ("+old.Status+")")
	}
	recipient := *holder
	first := ChainEntry{EblPlatform: p.cfg.Code, TransportDocumentChecksum: docSum, IssuanceManifestSignedContent: req.IssuanceManifestSignedContent,
		Transactions: []Transaction{{ActionCode: "ISSUE", ActionDateTime: nowMillis(), Recipient: &recipient,
			Actor: Party{PartyName: carrier.PartyName, EblPlatform: p.cfg.Code, IdentifyingCodes: carrier.IdentifyingCodes}}}}
	signed, err := p.signer.SignJSON(first)
	if err != nil {
		return fail("REFU", err.Error())
	}
	b := &Bill{Checksum: docSum, Reference: tdr, Document: req.Document, Chain: []string{signed}, Status: "HELD", Holder: holder,
		Visualisation: vis, Carrier: carrier.CarrierCode}
	b.note("issued by carrier %s to %s", carrier.CarrierCode, holder.PartyName)
	p.st.Bills[docSum] = b
	resp.IssuanceResponseCode = "ISSU"
	return resp
}

func (p *Platform) deliverIssuanceResponse(carrier *CarrierConfig, rec *IssuanceRecord) {
	if carrier.URL == "" {
		return
	}
	body, _ := json.Marshal(rec.Response)
	for attempt := 0; attempt < p.cfg.Retries; attempt++ {
		if attempt > 0 {
			time.Sleep(backoff(attempt))
		}
		st, _, err := doJSON(context.Background(), p.client, http.MethodPost, strings.TrimRight(carrier.URL, "/")+"/v3/ebl-issuance-responses", body)
		if err == nil && st == http.StatusNoContent {
			p.mu.Lock()
			rec.Delivered = true
			p.save()
			p.mu.Unlock()
			return
		}
		log.Printf("pintpeer %s: issuance response for %s: status %d err %v", p.cfg.Code, rec.Reference, st, err)
	}
}

// ---------------------------------------------------------------- surrender (this platform → carrier)

func (p *Platform) controlSurrender(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Checksum   string `json:"checksum"`
		Reference  string `json:"transportDocumentReference,omitempty"` // instead of checksum
		Code       string `json:"surrenderRequestCode"`                 // SREQ (default) or AREQ
		ReasonCode string `json:"reasonCode,omitempty"`
		Comments   string `json:"comments,omitempty"`
	}
	body, _ := readBody(r, 64<<10)
	if err := decodeStrict(body, &req); err != nil {
		writeError(w, r, 400, errCodeBadRequest, "invalidRequest", err.Error())
		return
	}
	if req.Code == "" {
		req.Code = "SREQ"
	}
	if req.Code != "SREQ" && req.Code != "AREQ" {
		writeError(w, r, 400, errCodeBadRequest, "invalidRequest", "surrenderRequestCode is SREQ or AREQ")
		return
	}
	p.mu.Lock()
	if req.Checksum == "" {
		req.Checksum = p.checksumOf(req.Reference)
	}
	b := p.st.Bills[req.Checksum]
	if b == nil || b.Status != "HELD" {
		p.mu.Unlock()
		writeError(w, r, 409, errCodeConflict, "notHeld", "no bill held here with that checksum")
		return
	}
	carrier := p.carrierConfig(b.Carrier)
	if carrier == nil || carrier.URL == "" {
		p.mu.Unlock()
		writeError(w, r, 409, errCodeConflict, "noCarrier", "no URL configured for carrier "+b.Carrier)
		return
	}
	var chain []EndorsementChainLink
	for _, compact := range b.Chain {
		raw, _ := jwsPayloadUnverified(compact)
		var e ChainEntry
		_ = json.Unmarshal(raw, &e)
		for _, t := range e.Transactions {
			if t.Recipient == nil {
				continue
			}
			chain = append(chain, EndorsementChainLink{ActionDateTime: t.ActionDateTime, ActionCode: t.ActionCode, Actor: t.Actor, Recipient: *t.Recipient})
		}
	}
	action := "SURRENDER_FOR_DELIVERY"
	if req.Code == "AREQ" {
		action = "SURRENDER_FOR_AMENDMENT"
	}
	holder := *b.Holder
	holder.EblPlatform = p.cfg.Code
	chain = append(chain, EndorsementChainLink{ActionDateTime: nowMillis(), ActionCode: action, Actor: holder,
		Recipient: Party{PartyName: carrier.PartyName, EblPlatform: p.cfg.Code, IdentifyingCodes: carrier.IdentifyingCodes}})
	var tdRef struct {
		Sub string `json:"transportDocumentSubReference"`
	}
	_ = json.Unmarshal(b.Document, &tdRef)
	sr := &SurrenderRequest{SurrenderRequestReference: newRef(20), TransportDocumentReference: b.Reference, TransportDocumentSubReference: tdRef.Sub,
		SurrenderRequestCode: req.Code, ReasonCode: req.ReasonCode, Comments: req.Comments, EndorsementChain: chain}
	b.Status = "SURRENDER_PENDING"
	b.Surrender = sr
	b.note("surrender %s requested (%s)", sr.SurrenderRequestReference, req.Code)
	p.save()
	p.mu.Unlock()

	payload, _ := json.Marshal(sr)
	st, respBody, err := doJSON(r.Context(), p.client, http.MethodPost, strings.TrimRight(carrier.URL, "/")+"/v3/ebl-surrender-requests", payload)
	if err != nil || st != http.StatusNoContent {
		p.mu.Lock()
		b.Status = "HELD"
		b.note("surrender request refused: %d %s %v", st, clip(string(respBody), 300), err)
		p.save()
		p.mu.Unlock()
		writeJSON(w, http.StatusBadGateway, map[string]any{"status": st, "body": string(respBody), "error": fmt.Sprint(err)})
		return
	}
	writeJSON(w, 200, sr)
}

func (p *Platform) surrenderResponse(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r, 1<<20)
	if err != nil {
		writeError(w, r, 413, errCodeTooLarge, "tooLarge", err.Error())
		return
	}
	var ans SurrenderAnswer
	if err := decodeStrict(body, &ans); err != nil || ans.SurrenderRequestReference == "" || (ans.Action != "SURR" && ans.Action != "SREJ") {
		writeError(w, r, 400, errCodeBadRequest, "invalidSurrenderAnswer", "surrenderRequestReference and action (SURR or SREJ) are required")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.st.Surrenders = append(p.st.Surrenders, json.RawMessage(body))
	for _, b := range p.st.Bills {
		if b.Surrender != nil && b.Surrender.SurrenderRequestReference == ans.SurrenderRequestReference {
			if b.SurrenderAnswer != nil {
				p.save()
				writeError(w, r, 409, errCodeConflict, "alreadyAnswered", "surrender request "+ans.SurrenderRequestReference+" was already answered")
				return
			}
			b.SurrenderAnswer = &ans
			if ans.Action == "SURR" {
				b.Status = "SURRENDERED"
			} else {
				b.Status = "HELD"
			}
			b.note("carrier answered %s", ans.Action)
			p.save()
			w.Header().Set("API-Version", apiVersion)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	p.save()
	writeError(w, r, 404, errCodeNotFound, "unknownSurrenderRequest", "no surrender request "+ans.SurrenderRequestReference)
}

// ---------------------------------------------------------------- control

func (p *Platform) setMode(w http.ResponseWriter, r *http.Request) {
	var m Mode
	body, _ := readBody(r, 64<<10)
	if err := decodeStrict(body, &m); err != nil {
		writeError(w, r, 400, errCodeBadRequest, "invalidRequest", err.Error())
		return
	}
	switch m.At {
	case "", "start", "document", "finish":
	default:
		writeError(w, r, 400, errCodeBadRequest, "invalidRequest", "at is start, document or finish")
		return
	}
	if m.Answer != "" && httpStatusFor[m.Answer] == 0 {
		log.Printf("pintpeer %s: mode answers %q, which is not a PINT response code", p.cfg.Code, m.Answer)
	}
	p.mu.Lock()
	p.st.Mode = m
	p.save()
	p.mu.Unlock()
	writeJSON(w, 200, m)
}

// checksumOf finds a live bill by transport document reference (the latest
// one when a reference was reused). Called with p.mu held.
func (p *Platform) checksumOf(ref string) string {
	best, at := "", ""
	for sum, b := range p.st.Bills {
		if ref != "" && b.Reference == ref && b.UpdatedAt >= at {
			best, at = sum, b.UpdatedAt
		}
	}
	return best
}

func (p *Platform) listBills(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ref := r.URL.Query().Get("transportDocumentReference")
	out := make([]*Bill, 0, len(p.st.Bills))
	for _, b := range p.st.Bills {
		if ref == "" || b.Reference == ref {
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Checksum < out[j].Checksum })
	writeJSON(w, 200, out)
}

func (p *Platform) getBill(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.st.Bills[r.PathValue("checksum")]
	if b == nil {
		writeError(w, r, 404, errCodeNotFound, "unknownBill", "no bill with that checksum")
		return
	}
	writeJSON(w, 200, b)
}

func (p *Platform) listInbound(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*Inbound, 0, len(p.st.Inbound))
	for _, in := range p.st.Inbound {
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ReceivedAt < out[j].ReceivedAt })
	writeJSON(w, 200, out)
}

func (p *Platform) getInbound(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	in := p.st.Inbound[r.PathValue("ref")]
	if in == nil {
		writeError(w, r, 404, errCodeNotFound, "unknownEnvelope", "no envelope with that reference")
		return
	}
	writeJSON(w, 200, in)
}

func (p *Platform) listOutbound(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	writeJSON(w, 200, p.st.Outbound)
}

func (p *Platform) listIssuances(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*IssuanceRecord, 0, len(p.st.Issuances))
	for _, rec := range p.st.Issuances {
		out = append(out, rec)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ReceivedAt < out[j].ReceivedAt })
	writeJSON(w, 200, out)
}

// decodeDocumentBody reads an additional document: PINT's body is a JSON
// string holding base64. A bare base64 body (no quotes) is accepted too: a
// validating proxy such as Prism forwards a JSON-string body without its quotes.
func decodeDocumentBody(body []byte) ([]byte, error) {
	t := strings.TrimSpace(string(body))
	if strings.HasPrefix(t, `"`) {
		var s string
		if err := json.Unmarshal([]byte(t), &s); err != nil {
			return nil, err
		}
		t = s
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(t); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

// backoff is the pause before retry number attempt (400 ms doubling, at most 5 s).
func backoff(attempt int) time.Duration {
	d := time.Duration(200*(1<<min(attempt, 5))) * time.Millisecond
	return min(d, 5*time.Second)
}
