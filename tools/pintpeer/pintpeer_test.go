package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// world is a carrier and two independent platforms (own keys, stores and
// parties), each trusting the other's JWKS over HTTP.
type world struct {
	t        *testing.T
	carrier  *Carrier
	carrierS *httptest.Server
	a, b     *Platform
	aS, bS   *httptest.Server
	cfgA     PlatformConfig
	cfgB     PlatformConfig
}

var (
	alice = Party{PartyName: "Alice Exporters Ltd", IdentifyingCodes: []IdentifyingCode{{CodeListProvider: "GLEIF", PartyCode: "5493001KJTIIGC8Y1R12", CodeListName: "LEI"}}}
	anna  = Party{PartyName: "Anna Bank", IdentifyingCodes: []IdentifyingCode{{CodeListProvider: "WAVE", PartyCode: "ANNA-01"}}}
	bob   = Party{PartyName: "Bob Importers Ltd", IdentifyingCodes: []IdentifyingCode{{CodeListProvider: "BOLE", PartyCode: "BOB-7"}}}
)

func unstarted() *httptest.Server { return httptest.NewUnstartedServer(nil) }

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, carrierS: unstarted(), aS: unstarted(), bS: unstarted()}
	url := func(s *httptest.Server) string { return "http://" + s.Listener.Addr().String() }
	carrierCfg := CarrierRunConfig{CarrierCode: "COS", PartyName: "COSCO Shipping Lines", Dir: t.TempDir(),
		IdentifyingCodes: []IdentifyingCode{{CodeListProvider: "SMDG", PartyCode: "COS", CodeListName: "LCL"}}}
	carrierRef := CarrierConfig{CarrierCode: "COS", PartyName: carrierCfg.PartyName, IdentifyingCodes: carrierCfg.IdentifyingCodes,
		JWKS: url(w.carrierS) + "/.well-known/jwks.json", URL: url(w.carrierS)}
	w.cfgA = PlatformConfig{Code: "WAVE", Dir: t.TempDir(), Parties: []Party{alice, anna}, Carriers: []CarrierConfig{carrierRef}, Retries: 2,
		Peers: []PeerConfig{{Code: "BOLE", JWKS: url(w.bS) + "/.well-known/jwks.json", URL: url(w.bS)}}}
	w.cfgB = PlatformConfig{Code: "BOLE", Dir: t.TempDir(), Parties: []Party{bob}, Carriers: []CarrierConfig{carrierRef}, Retries: 2,
		Peers: []PeerConfig{{Code: "WAVE", JWKS: url(w.aS) + "/.well-known/jwks.json", URL: url(w.aS)}}, KeyAlg: "EdDSA"}
	var err error
	if w.carrier, err = NewCarrier(carrierCfg); err != nil {
		t.Fatal(err)
	}
	if w.a, err = NewPlatform(w.cfgA); err != nil {
		t.Fatal(err)
	}
	if w.b, err = NewPlatform(w.cfgB); err != nil {
		t.Fatal(err)
	}
	w.carrierS.Config.Handler, w.aS.Config.Handler, w.bS.Config.Handler = w.carrier.Handler(), w.a.Handler(), w.b.Handler()
	w.carrierS.Start()
	w.aS.Start()
	w.bS.Start()
	t.Cleanup(func() { w.carrierS.Close(); w.aS.Close(); w.bS.Close() })
	return w
}

func (w *world) url(s *httptest.Server) string { return s.URL }

func onPlatform(p Party, code string) Party { p.EblPlatform = code; return p }

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// issue has the carrier issue a document (with a visualisation) to alice on A.
func (w *world) issue(tdr string) string {
	w.t.Helper()
	issueTo := mustJSON(w.t, map[string]any{"partyName": alice.PartyName, "sendToPlatform": "WAVE", "identifyingCodes": alice.IdentifyingCodes})
	req := IssueRequest{URL: w.aS.URL, TransportDocumentReference: tdr, IssueTo: issueTo}
	req.Visualisation = &struct {
		Name        string `json:"name"`
		ContentType string `json:"contentType,omitempty"`
		Content     []byte `json:"content"`
	}{Name: "bl-" + tdr + ".pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.7 carrier rendering of " + tdr)}
	sent, err := w.carrier.Issue(context.Background(), req)
	if err != nil {
		w.t.Fatal(err)
	}
	if sent.Status != http.StatusNoContent {
		w.t.Fatalf("issuance request: %d %s", sent.Status, sent.Body)
	}
	// The ISSU callback reaches the carrier.
	deadline := time.Now().Add(5 * time.Second)
	for {
		w.carrier.mu.Lock()
		var got *IssuanceResponse
		for _, r := range w.carrier.st.IssuanceResponses {
			var ir IssuanceResponse
			if json.Unmarshal(r.Body, &ir) == nil && ir.TransportDocumentReference == tdr {
				got = &ir
			}
		}
		w.carrier.mu.Unlock()
		if got != nil {
			if got.IssuanceResponseCode != "ISSU" {
				w.t.Fatalf("issuance answered %s: %s", got.IssuanceResponseCode, got.Reason)
			}
			break
		}
		if time.Now().After(deadline) {
			w.t.Fatal("no issuance response reached the carrier")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return sent.Checksum
}

func (w *world) bill(p *Platform, sum string) Bill {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.st.Bills[sum]
	if b == nil {
		w.t.Fatalf("platform %s has no bill %s", p.cfg.Code, sum)
	}
	return *b
}

func TestIssueTransferReturnAndSurrender(t *testing.T) {
	w := newWorld(t)
	sum := w.issue("TDR-ROUNDTRIP-1")
	if b := w.bill(w.a, sum); b.Status != "HELD" || b.Holder.PartyName != alice.PartyName || len(b.Chain) != 1 || b.Visualisation == nil {
		t.Fatalf("after issuance: %+v", b)
	}

	// A → B: TRANSFER to bob; the visualisation travels as an additional document.
	out, err := w.a.Transfer(context.Background(), TransferRequest{Checksum: sum, Recipient: onPlatform(bob, "BOLE")})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != "ACCEPTED" || out.Outcome != RECE {
		t.Fatalf("A→B: %s %s %s attempts=%+v", out.State, out.Outcome, out.Reason, out.Attempts)
	}
	phases := []string{}
	for _, a := range out.Attempts {
		phases = append(phases, a.Phase+":"+a.Code)
	}
	if got := strings.Join(phases, ","); got != "start:,document:,finish:RECE" {
		t.Fatalf("A→B went %s; want start (201), the visualisation, finish RECE", got)
	}
	if b := w.bill(w.b, sum); b.Status != "HELD" || b.Holder.PartyName != bob.PartyName || len(b.Chain) != 2 {
		t.Fatalf("B after import: %+v", b)
	}
	if b := w.bill(w.a, sum); b.Status != "SENT" || len(b.Chain) != 2 {
		t.Fatalf("A after export: %+v", b)
	}

	// B → A: ENDORSE + TRANSFER to anna. A already has the visualisation, so it accepts at once (200 RECE on start).
	back, err := w.b.Transfer(context.Background(), TransferRequest{Checksum: sum, Actions: []string{"ENDORSE", "TRANSFER"}, Recipient: onPlatform(anna, "WAVE")})
	if err != nil {
		t.Fatal(err)
	}
	if back.State != "ACCEPTED" || back.Outcome != RECE || len(back.Attempts) != 1 {
		t.Fatalf("B→A: %s %s %s attempts=%+v", back.State, back.Outcome, back.Reason, back.Attempts)
	}
	ab := w.bill(w.a, sum)
	if ab.Status != "HELD" || ab.Holder.PartyName != anna.PartyName || len(ab.Chain) != 3 {
		t.Fatalf("A after the bill came back: %+v", ab)
	}

	// Surrender to the carrier, which answers SURR by itself.
	if _, _, err := doJSON(context.Background(), http.DefaultClient, "POST", w.carrierS.URL+"/control/mode", mustJSON(t, CarrierMode{Surrender: "SURR", URL: w.aS.URL})); err != nil {
		t.Fatal(err)
	}
	st, body, err := doJSON(context.Background(), http.DefaultClient, "POST", w.aS.URL+"/control/surrender", mustJSON(t, map[string]string{"checksum": sum}))
	if err != nil || st != 200 {
		t.Fatalf("surrender: %d %s %v", st, body, err)
	}
	var sr SurrenderRequest
	_ = json.Unmarshal(body, &sr)
	codes := []string{}
	for _, l := range sr.EndorsementChain {
		codes = append(codes, l.ActionCode)
	}
	if got := strings.Join(codes, ","); got != "ISSUE,TRANSFER,ENDORSE,TRANSFER,SURRENDER_FOR_DELIVERY" {
		t.Fatalf("endorsement chain %s", got)
	}
	waitFor(t, func() bool { return w.bill(w.a, sum).Status == "SURRENDERED" })
	waitFor(t, func() bool {
		w.carrier.mu.Lock()
		defer w.carrier.mu.Unlock()
		r := w.carrier.st.SurrenderRequests
		return len(r) == 1 && r[0].AnswerOK != nil && *r[0].AnswerOK == http.StatusNoContent
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRejectionsKeepTheBill(t *testing.T) {
	w := newWorld(t)
	sum := w.issue("TDR-FAULTS-1")
	cases := []struct {
		name string
		req  TransferRequest
		want string
	}{
		{"unknown signing key", TransferRequest{Tamper: "unknown-key", Recipient: onPlatform(bob, "BOLE")}, BSIG},
		{"document altered after signing", TransferRequest{Tamper: "document", Recipient: onPlatform(bob, "BOLE")}, BENV},
		{"recipient unknown on the platform", TransferRequest{Recipient: Party{PartyName: "Nobody", EblPlatform: "BOLE", IdentifyingCodes: []IdentifyingCode{{CodeListProvider: "BOLE", PartyCode: "NOBODY"}}}}, BENV},
		{"recipient on another platform", TransferRequest{URL: w.bS.URL, Platform: "BOLE", Recipient: onPlatform(bob, "IQAX")}, BENV},
	}
	for _, tc := range cases {
		tc.req.Checksum = sum
		if tc.req.URL == "" {
			tc.req.URL = w.bS.URL
		}
		out, err := w.a.Transfer(context.Background(), tc.req)
		if err != nil {
			t.Fatal(err)
		}
		if out.State != "REJECTED" || out.Outcome != tc.want {
			t.Fatalf("%s: got %s %s (%s), want %s", tc.name, out.State, out.Outcome, out.Reason, tc.want)
		}
		last := out.Attempts[len(out.Attempts)-1]
		if !last.Verified || last.HTTPStatus != http.StatusUnprocessableEntity {
			t.Fatalf("%s: the answer must be signed and 422: %+v", tc.name, last)
		}
		if b := w.bill(w.a, sum); b.Status != "HELD" || len(b.Chain) != 1 {
			t.Fatalf("%s: the bill must come back to its holder unchanged: %+v", tc.name, b)
		}
	}
	if _, ok := w.b.st.Bills[sum]; ok {
		t.Fatal("B must not hold a bill it refused")
	}
}

func TestForcedAnswers(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		mode Mode
		want string
	}{
		{Mode{Answer: BSIG, Count: 1}, BSIG},
		{Mode{Answer: BENV, Count: 1, Reason: "the corridor test asked for BENV"}, BENV},
		{Mode{Answer: DISE, At: "finish", Count: 1}, DISE},
	} {
		sum := w.issue("TDR-FORCED-" + tc.want)
		if st, body, err := doJSON(context.Background(), http.DefaultClient, "POST", w.bS.URL+"/control/mode", mustJSON(t, tc.mode)); err != nil || st != 200 {
			t.Fatalf("mode: %d %s %v", st, body, err)
		}
		out, err := w.a.Transfer(context.Background(), TransferRequest{Checksum: sum, Recipient: onPlatform(bob, "BOLE")})
		if err != nil {
			t.Fatal(err)
		}
		if out.State != "REJECTED" || out.Outcome != tc.want {
			t.Fatalf("mode %+v: got %s %s", tc.mode, out.State, out.Outcome)
		}
		if tc.mode.Reason != "" && out.Reason != tc.mode.Reason {
			t.Fatalf("reason %q", out.Reason)
		}
		// The mode was for one answer: the next transfer goes through.
		again, err := w.a.Transfer(context.Background(), TransferRequest{Checksum: sum, Recipient: onPlatform(bob, "BOLE")})
		if err != nil {
			t.Fatal(err)
		}
		if again.Outcome != RECE {
			t.Fatalf("after the forced %s: %s %s", tc.want, again.Outcome, again.Reason)
		}
	}
}

func TestReplayIsDupe(t *testing.T) {
	w := newWorld(t)
	sum := w.issue("TDR-DUPE-1")
	out, err := w.a.Transfer(context.Background(), TransferRequest{Reference: "TDR-DUPE-1", Recipient: onPlatform(bob, "BOLE")})
	if err != nil || out.Outcome != RECE {
		t.Fatalf("%v %+v", err, out)
	}
	st, body, err := doJSON(context.Background(), http.DefaultClient, "POST", w.aS.URL+"/control/replay", mustJSON(t, map[string]string{"id": out.ID}))
	if err != nil || st != 200 {
		t.Fatalf("replay: %d %s %v", st, body, err)
	}
	var replay Outbound
	if err := json.Unmarshal(body, &replay); err != nil {
		t.Fatal(err)
	}
	if replay.Outcome != DUPE || replay.State != "ACCEPTED" || !bytes.Equal(replay.Envelope, out.Envelope) {
		t.Fatalf("replay: %s %s", replay.Outcome, replay.Reason)
	}
	payload, _, err := Verify(replay.Signed, w.b.signer.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	var f FinishedResponse
	_ = json.Unmarshal(payload, &f)
	var env EblEnvelope
	_ = json.Unmarshal(out.Envelope, &env)
	if f.DuplicateOfAcceptedEnvelopeTransferChainEntrySignedContent != env.EnvelopeTransferChain[len(env.EnvelopeTransferChain)-1] {
		t.Fatal("DUPE must carry the accepted last chain entry")
	}
	if b := w.bill(w.b, sum); b.Status != "HELD" || len(b.Chain) != 2 {
		t.Fatalf("a replay must not change the bill: %+v", b)
	}
	st, body, _ = doJSON(context.Background(), http.DefaultClient, "GET", w.bS.URL+"/control/bills?transportDocumentReference=TDR-DUPE-1", nil)
	var bills []Bill
	if st != 200 || json.Unmarshal(body, &bills) != nil || len(bills) != 1 || bills[0].Checksum != sum {
		t.Fatalf("bills by reference: %d %s", st, body)
	}
}

func TestDoubleSpendIsDise(t *testing.T) {
	w := newWorld(t)
	sum := w.issue("TDR-DISE-1")
	if out, err := w.a.Transfer(context.Background(), TransferRequest{Checksum: sum, Recipient: onPlatform(bob, "BOLE")}); err != nil || out.Outcome != RECE {
		t.Fatalf("%v %+v", err, out)
	}
	// A misbehaves: it forgets it sent the bill and sends it again (a new
	// last entry, the same document) while B holds it.
	w.a.mu.Lock()
	b := w.a.st.Bills[sum]
	b.Status, b.Holder, b.Chain = "HELD", &alice, b.Chain[:1]
	w.a.mu.Unlock()
	out, err := w.a.Transfer(context.Background(), TransferRequest{Checksum: sum, Actions: []string{"TRANSFER"}, Comments: "second copy", Recipient: onPlatform(bob, "BOLE")})
	if err != nil {
		t.Fatal(err)
	}
	if out.Outcome != DISE || out.Attempts[len(out.Attempts)-1].HTTPStatus != http.StatusConflict {
		t.Fatalf("double spend: %s %s", out.Outcome, out.Reason)
	}
}

// capture answers 500 and keeps the envelope (to drive a receiver by hand).
func captureEnvelope(t *testing.T, w *world, sum string) []byte {
	var got []byte
	sink := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		rw.WriteHeader(500)
	}))
	defer sink.Close()
	out, err := w.a.Transfer(context.Background(), TransferRequest{Checksum: sum, URL: sink.URL, Recipient: onPlatform(bob, "BOLE")})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != "UNDECIDED" || w.bill(w.a, sum).Status != "SENDING" {
		t.Fatalf("an unsigned 500 must leave the transfer undecided and the bill locked: %s", out.State)
	}
	if _, err := w.a.Transfer(context.Background(), TransferRequest{Checksum: sum, URL: sink.URL, Recipient: onPlatform(bob, "BOLE")}); err == nil {
		t.Fatal("a locked bill must not be sent twice")
	}
	return got
}

func signedCode(t *testing.T, w *world, body []byte) FinishedResponse {
	t.Helper()
	compact, ok := decodeSignedString(body)
	if !ok {
		t.Fatalf("not a signed response: %s", body)
	}
	payload, _, err := Verify(compact, w.b.signer.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	var f FinishedResponse
	_ = json.Unmarshal(payload, &f)
	return f
}

func TestMissingAndInconclusiveDocuments(t *testing.T) {
	w := newWorld(t)
	sum := w.issue("TDR-DOCS-1")
	env := captureEnvelope(t, w, sum)
	ctx := context.Background()
	st, body, err := doJSON(ctx, http.DefaultClient, "POST", w.bS.URL+"/v3/envelopes", env)
	if err != nil || st != http.StatusCreated {
		t.Fatalf("start: %d %s %v", st, body, err)
	}
	var started StartedResponse
	_ = json.Unmarshal(body, &started)
	if len(started.MissingAdditionalDocumentChecksums) != 1 {
		t.Fatalf("started: %+v", started)
	}
	doc := started.MissingAdditionalDocumentChecksums[0]
	base := w.bS.URL + "/v3/envelopes/" + started.EnvelopeReference

	st, body, _ = doJSON(ctx, http.DefaultClient, "PUT", base+"/finish-transfer", nil)
	if f := signedCode(t, w, body); st != 409 || f.ResponseCode != MDOC || len(f.MissingAdditionalDocumentChecksums) != 1 || f.MissingAdditionalDocumentChecksums[0] != doc {
		t.Fatalf("finish without the document: %d %+v", st, f)
	}
	st, body, _ = doJSON(ctx, http.DefaultClient, "PUT", base+"/additional-documents/"+doc, mustJSON(t, []byte("not the carrier's rendering")))
	if f := signedCode(t, w, body); st != 409 || f.ResponseCode != INCD {
		t.Fatalf("wrong content: %d %+v", st, f)
	}
	content, _ := w.a.blobs.get(doc)
	st, body, _ = doJSON(ctx, http.DefaultClient, "PUT", base+"/additional-documents/"+doc, mustJSON(t, content))
	if st != http.StatusNoContent {
		t.Fatalf("right content: %d %s", st, body)
	}
	st, body, _ = doJSON(ctx, http.DefaultClient, "PUT", base+"/finish-transfer", nil)
	if f := signedCode(t, w, body); st != 200 || f.ResponseCode != RECE || len(f.ReceivedAdditionalDocumentChecksums) != 1 {
		t.Fatalf("finish: %d %+v", st, f)
	}
	// A retried finish gets the same signed answer; a second start of the same envelope is DUPE.
	st2, body2, _ := doJSON(ctx, http.DefaultClient, "PUT", base+"/finish-transfer", nil)
	if st2 != 200 || !bytes.Equal(body2, body) {
		t.Fatalf("retried finish: %d %s", st2, body2)
	}
	st, body, _ = doJSON(ctx, http.DefaultClient, "POST", w.bS.URL+"/v3/envelopes", env)
	if f := signedCode(t, w, body); st != 200 || f.ResponseCode != DUPE {
		t.Fatalf("restart: %d %+v", st, f)
	}
	// Malformed envelopes get DCSA's error object, not a signed answer.
	st, body, _ = doJSON(ctx, http.DefaultClient, "POST", w.bS.URL+"/v3/envelopes", []byte(`{"transportDocument":{}}`))
	var e ErrorResponse
	if st != 400 || json.Unmarshal(body, &e) != nil || len(e.Errors) != 1 || e.HTTPMethod != "POST" {
		t.Fatalf("malformed: %d %s", st, body)
	}
}

func TestReceiverValidation(t *testing.T) {
	w := newWorld(t)
	st, body, _ := doJSON(context.Background(), http.DefaultClient, "POST", w.bS.URL+"/v3/receiver-validation", mustJSON(t, bob.IdentifyingCodes[0]))
	if st != 200 || !strings.Contains(string(body), bob.PartyName) {
		t.Fatalf("%d %s", st, body)
	}
	st, _, _ = doJSON(context.Background(), http.DefaultClient, "POST", w.bS.URL+"/v3/receiver-validation", mustJSON(t, alice.IdentifyingCodes[0]))
	if st != 404 {
		t.Fatalf("alice is not on B: %d", st)
	}
}

func TestRestartKeepsKeysAndBills(t *testing.T) {
	w := newWorld(t)
	sum := w.issue("TDR-RESTART-1")
	kid := w.a.signer.kid
	again, err := NewPlatform(w.cfgA)
	if err != nil {
		t.Fatal(err)
	}
	if again.signer.kid != kid {
		t.Fatal("the key must survive a restart")
	}
	if b := again.st.Bills[sum]; b == nil || b.Status != "HELD" || len(b.Chain) != 1 {
		t.Fatalf("the bill must survive a restart: %+v", b)
	}
	// Issuing the same document again is refused (409), never a second bill.
	issueTo := mustJSON(t, map[string]any{"partyName": alice.PartyName, "sendToPlatform": "WAVE", "identifyingCodes": alice.IdentifyingCodes})
	sent, err := w.carrier.Issue(context.Background(), IssueRequest{URL: w.aS.URL, TransportDocumentReference: "TDR-RESTART-1", IssueTo: issueTo})
	if err != nil || sent.Status != http.StatusConflict {
		t.Fatalf("duplicate issuance: %v %+v", err, sent)
	}
}

func TestIssuanceManifestChecked(t *testing.T) {
	w := newWorld(t)
	issueTo := mustJSON(t, map[string]any{"partyName": alice.PartyName, "sendToPlatform": "WAVE", "identifyingCodes": alice.IdentifyingCodes})
	for tamper, want := range map[string]string{"checksum": "BREQ", "unknown-key": "BREQ"} {
		tdr := "TDR-TAMPER-" + strings.ToUpper(tamper[:3])
		if _, err := w.carrier.Issue(context.Background(), IssueRequest{URL: w.aS.URL, TransportDocumentReference: tdr, IssueTo: issueTo, Tamper: tamper}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool {
			w.carrier.mu.Lock()
			defer w.carrier.mu.Unlock()
			for _, r := range w.carrier.st.IssuanceResponses {
				var ir IssuanceResponse
				if json.Unmarshal(r.Body, &ir) == nil && ir.TransportDocumentReference == tdr {
					if ir.IssuanceResponseCode != want {
						t.Fatalf("%s: %s %s", tamper, ir.IssuanceResponseCode, ir.Reason)
					}
					return true
				}
			}
			return false
		})
	}
	// The carrier fixes the request and sends it again under the same reference: issued.
	sent, err := w.carrier.Issue(context.Background(), IssueRequest{URL: w.aS.URL, TransportDocumentReference: "TDR-TAMPER-CHE", IssueTo: issueTo})
	if err != nil || sent.Status != http.StatusNoContent {
		t.Fatalf("revised request: %v %+v", err, sent)
	}
	waitFor(t, func() bool {
		w.a.mu.Lock()
		defer w.a.mu.Unlock()
		b := w.a.st.Bills[sent.Checksum]
		return b != nil && b.Status == "HELD"
	})
}

func TestJWS(t *testing.T) {
	for _, alg := range []string{"ES256", "EdDSA"} {
		k, err := NewKey(alg)
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewSigner(k)
		if err != nil {
			t.Fatal(err)
		}
		compact, err := s.Sign([]byte(`{"a":1}`))
		if err != nil {
			t.Fatal(err)
		}
		if p, _, err := Verify(compact, s.JWKS()); err != nil || string(p) != `{"a":1}` {
			t.Fatalf("%s: %v", alg, err)
		}
		parts := strings.Split(compact, ".")
		forged := parts[0] + "." + b64.EncodeToString([]byte(`{"a":2}`)) + "." + parts[2]
		if _, _, err := Verify(forged, s.JWKS()); err == nil {
			t.Fatalf("%s: a changed payload must not verify", alg)
		}
		for _, bad := range []string{`{"alg":"none"}`, `{"alg":"HS256"}`} {
			c := b64.EncodeToString([]byte(bad)) + "." + parts[1] + "." + parts[2]
			if _, _, err := Verify(c, s.JWKS()); err == nil {
				t.Fatalf("%s must be refused", bad)
			}
		}
		other, _ := NewKey(alg)
		os, _ := NewSigner(other)
		if _, _, err := Verify(compact, os.JWKS()); err == nil {
			t.Fatal("another key must not verify")
		}
	}
}

func TestDocumentBodyForms(t *testing.T) {
	want := []byte("%PDF-1.7 x")
	quoted, _ := json.Marshal(want)
	bare := strings.Trim(string(quoted), `"`)
	for _, body := range []string{string(quoted), bare, " " + bare + "\n"} {
		got, err := decodeDocumentBody([]byte(body))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%q: %q %v", body, got, err)
		}
	}
	if _, err := decodeDocumentBody([]byte(`{"not":"base64"}`)); err == nil {
		t.Fatal("an object is not a document")
	}
}

// An envelope transfer started before a restart finishes after it: nothing
// the receiver acknowledged is lost, and the bill is not doubled.
func TestTransferSurvivesReceiverRestart(t *testing.T) {
	w := newWorld(t)
	sum := w.issue("TDR-RESTART-2")
	env := captureEnvelope(t, w, sum)
	ctx := context.Background()
	st, body, _ := doJSON(ctx, http.DefaultClient, "POST", w.bS.URL+"/v3/envelopes", env)
	var started StartedResponse
	if st != http.StatusCreated || json.Unmarshal(body, &started) != nil {
		t.Fatalf("start: %d %s", st, body)
	}
	doc := started.MissingAdditionalDocumentChecksums[0]
	content, _ := w.a.blobs.get(doc)
	if st, body, _ := doJSON(ctx, http.DefaultClient, "PUT", w.bS.URL+"/v3/envelopes/"+started.EnvelopeReference+"/additional-documents/"+doc, mustJSON(t, content)); st != 204 {
		t.Fatalf("document: %d %s", st, body)
	}
	w.bS.Close() // B goes down between the document and the finish

	b2, err := NewPlatform(w.cfgB)
	if err != nil {
		t.Fatal(err)
	}
	s2 := httptest.NewServer(b2.Handler())
	defer s2.Close()
	st, body, _ = doJSON(ctx, http.DefaultClient, "PUT", s2.URL+"/v3/envelopes/"+started.EnvelopeReference+"/finish-transfer", nil)
	if f := signedCode(t, w, body); st != 200 || f.ResponseCode != RECE || len(f.ReceivedAdditionalDocumentChecksums) != 1 {
		t.Fatalf("finish after restart: %d %+v", st, f)
	}
	// The sender, not knowing, starts again after the restart: DUPE, one bill.
	st, body, _ = doJSON(ctx, http.DefaultClient, "POST", s2.URL+"/v3/envelopes", env)
	if f := signedCode(t, w, body); st != 200 || f.ResponseCode != DUPE {
		t.Fatalf("restart of the transfer: %d %+v", st, f)
	}
	if n := len(b2.st.Bills); n != 1 || b2.st.Bills[sum].Status != "HELD" {
		t.Fatalf("bills after restart: %d", n)
	}
}
