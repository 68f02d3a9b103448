package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/dcsa"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

const (
	ownCode  = "TRSH"
	peerCode = "WAVE"
	zoneID   = "shanghai-1"
)

var (
	gatewayAddr  = sdk.AccAddress(bytes.Repeat([]byte{9}, 20)).String()
	carrierAddr  = sdk.AccAddress(bytes.Repeat([]byte{1}, 20)).String()
	shipperAddr  = sdk.AccAddress(bytes.Repeat([]byte{2}, 20)).String()
	bankAddr     = sdk.AccAddress(bytes.Repeat([]byte{3}, 20)).String()
	shipperLEI   = "300300SHPUDONG00E123"
	documentPath = "../../examples/ebl-shanghai-hongkong.json"
)

// newKey makes a signing key the way `gateway init` does.
func newKey(t *testing.T) *SigningKey {
	t.Helper()
	jwk, err := GenerateSigningKey()
	require.NoError(t, err)
	raw, _ := json.Marshal(jwk)
	path := filepath.Join(t.TempDir(), "key.jwk.json")
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	k, err := LoadSigningKey(path)
	require.NoError(t, err)
	return k
}

func jwksOf(t *testing.T, k *SigningKey) []byte {
	raw, err := k.JWKS()
	require.NoError(t, err)
	return raw
}

// recorder is a carrier's (or platform's) HTTP endpoint that records what
// the gateway sends it.
type recorder struct {
	mu     sync.Mutex
	bodies map[string][][]byte
	status int
}

func newRecorder() *recorder {
	return &recorder{bodies: map[string][][]byte{}, status: http.StatusNoContent}
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.bodies[r.URL.Path] = append(rc.bodies[r.URL.Path], b)
	st := rc.status
	rc.mu.Unlock()
	w.WriteHeader(st)
}

func (rc *recorder) got(path string) [][]byte {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([][]byte(nil), rc.bodies[path]...)
}

type fixture struct {
	t       *testing.T
	chain   *testChain
	gw      *Gateway
	store   *Store
	srv     *httptest.Server
	carrier *SigningKey
	peer    *SigningKey
	rec     *recorder
	cfg     Config
	dir     string
	cancel  context.CancelFunc
	done    chan struct{}
}

// newFixture runs a gateway on a test zone (shanghai-1, TRSH by default);
// opts change the zone or the configuration before the gateway starts.
func newFixture(t *testing.T, opts ...func(*fixture)) *fixture {
	t.Helper()
	f := &fixture{t: t, carrier: newKey(t), peer: newKey(t), rec: newRecorder(), dir: t.TempDir()}
	f.chain = newTestChain(zoneID, gatewayAddr, ownCode)
	f.chain.parties = []cargotypes.Party{
		{Address: carrierAddr, Code: "COS", Name: "COSCO Shipping Lines", Roles: []cargotypes.Role{cargotypes.ROLE_CARRIER}, Active: true},
		{Address: shipperAddr, Code: "SHPUDONG", Name: "Shanghai Pudong Precision Electronics", Lei: shipperLEI, Roles: []cargotypes.Role{cargotypes.ROLE_TRADER}, Active: true},
		{Address: bankAddr, Code: "HKBANK", Name: "Hong Kong Trade Bank", Roles: []cargotypes.Role{cargotypes.ROLE_BANK}, Active: true},
		{Address: gatewayAddr, Code: "GWSH", Name: "Shanghai gateway", Roles: []cargotypes.Role{cargotypes.ROLE_PLATFORM}, Active: true},
	}
	f.chain.grants[carrierAddr] = true
	f.chain.platforms[peerCode] = cargotypes.EblPlatform{Code: peerCode, Name: "Stand-in platform", Jwks: string(jwksOf(t, f.peer))}
	carrierSrv := httptest.NewServer(f.rec)
	t.Cleanup(carrierSrv.Close)
	jwksPath := filepath.Join(f.dir, "carrier.jwks.json")
	require.NoError(t, os.WriteFile(jwksPath, jwksOf(t, f.carrier), 0o600))
	f.cfg = DefaultConfig()
	f.cfg.ChainID, f.cfg.Node, f.cfg.PlatformCode = zoneID, "tcp://127.0.0.1:1", ownCode
	f.cfg.Listen = "127.0.0.1:0"
	f.cfg.SigningKey = "unused"
	f.cfg.PollInterval = "20ms"
	f.cfg.MaxEnvelopeBytes = 256 << 10
	f.cfg.MaxDocumentBytes = 64 << 10
	f.cfg.Carriers = []CarrierConfig{{PartyCode: "COS", IssuanceResponseURL: carrierSrv.URL + "/v3/ebl-issuance-responses",
		SurrenderRequestURL: carrierSrv.URL + "/v3/ebl-surrender-requests", JWKS: jwksPath}}
	for _, o := range opts {
		o(f)
	}
	require.NoError(t, f.cfg.Validate())
	f.start(newKey(t))
	return f
}

// start opens the store and runs the gateway (outbox and follower).
func (f *fixture) start(key *SigningKey) {
	t := f.t
	store, err := OpenStore(filepath.Join(f.dir, "store"))
	require.NoError(t, err)
	gw, err := New(f.cfg, f.chain, store, key, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	f.gw, f.store = gw, store
	f.srv = httptest.NewServer(gw.Handler())
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel, f.done = cancel, make(chan struct{})
	go func() {
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { gw.out.run(ctx); wg.Done() }()
		go func() { gw.follow(ctx); wg.Done() }()
		wg.Wait()
		close(f.done)
	}()
	t.Cleanup(f.stop)
}

// stop ends the gateway as a kill would: nothing but the store survives.
func (f *fixture) stop() {
	if f.cancel == nil {
		return
	}
	f.cancel()
	<-f.done
	f.srv.Close()
	_ = f.store.Close()
	f.cancel = nil
}

func (f *fixture) do(method, path string, body any) (int, []byte) {
	var rd io.Reader
	if body != nil {
		raw, ok := body.([]byte)
		if !ok {
			raw, _ = json.Marshal(body)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	require.NoError(f.t, err)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(f.t, err)
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func readDocument(t *testing.T) json.RawMessage {
	raw, err := os.ReadFile(documentPath)
	require.NoError(t, err)
	return raw
}

// issuanceRequest builds a carrier's signed issuance request.
func (f *fixture) issuanceRequest(doc json.RawMessage, signer *SigningKey) map[string]any {
	issueTo := json.RawMessage(`{"partyName":"Shanghai Pudong Precision Electronics","sendToPlatform":"` + ownCode + `","identifyingCodes":[{"codeListProvider":"GLEIF","codeListName":"LEI","partyCode":"` + shipperLEI + `"}]}`)
	docSum, err := dcsa.Hash(doc)
	require.NoError(f.t, err)
	toSum, err := dcsa.Hash(issueTo)
	require.NoError(f.t, err)
	manifest, err := signer.Signer.SignJSON(pint.IssuanceManifest{DocumentChecksum: docSum, IssueToChecksum: toSum})
	require.NoError(f.t, err)
	return map[string]any{"document": doc, "issueTo": issueTo, "issuanceManifestSignedContent": manifest}
}

func (f *fixture) issuanceResponses() []IssuanceResponse {
	var out []IssuanceResponse
	for _, b := range f.rec.got("/v3/ebl-issuance-responses") {
		var r IssuanceResponse
		require.NoError(f.t, json.Unmarshal(b, &r))
		out = append(out, r)
	}
	return out
}

func decodeError(t *testing.T, body []byte) ErrorResponse {
	var e ErrorResponse
	require.NoError(t, json.Unmarshal(body, &e), string(body))
	require.NotEmpty(t, e.Errors)
	require.NotEmpty(t, e.ErrorDateTime)
	return e
}

func TestIssuanceIssuedThroughCarrierGrant(t *testing.T) {
	f := newFixture(t)
	f.chain.autoConfirm = false
	req := f.issuanceRequest(readDocument(t), f.carrier)
	st, body := f.do(http.MethodPut, "/v3/ebl-issuance-requests", req)
	require.Equal(t, http.StatusNoContent, st, string(body))

	// The bill is issued in the carrier's name through its grant.
	eventually(t, "the MsgIssueBill", func() bool { return len(f.chain.messages()) == 1 })
	issue, ok := f.chain.messages()[0].(*cargotypes.MsgIssueBill)
	require.True(t, ok)
	require.Equal(t, carrierAddr, issue.Carrier)
	require.Equal(t, shipperAddr, issue.IssueTo)
	docSum, _ := dcsa.Hash(readDocument(t))
	require.Equal(t, docSum, issue.DocumentHash)

	// No answer while the corridor registry has not confirmed.
	time.Sleep(200 * time.Millisecond)
	require.Empty(t, f.issuanceResponses())
	f.chain.mu.Lock()
	f.chain.bills["COS-COSU6385270140"].Status = cargotypes.BILL_STATUS_ISSUED
	f.chain.mu.Unlock()
	eventually(t, "ISSU", func() bool { return len(f.issuanceResponses()) == 1 })
	require.Equal(t, pint.ISSU, f.issuanceResponses()[0].IssuanceResponseCode)
	require.Equal(t, "COSU6385270140", f.issuanceResponses()[0].TransportDocumentReference)

	// The same request again: accepted at most once (409), nothing doubled.
	st, body = f.do(http.MethodPut, "/v3/ebl-issuance-requests", req)
	require.Equal(t, http.StatusConflict, st)
	require.Equal(t, CodeConflict, decodeError(t, body).Errors[0].ErrorCode)
	time.Sleep(200 * time.Millisecond)
	require.Len(t, f.chain.messages(), 1)
	require.Len(t, f.issuanceResponses(), 1)
}

func TestIssuanceRefusals(t *testing.T) {
	f := newFixture(t)
	doc := readDocument(t)

	// Signed by a key that is not the carrier's: refused at once.
	st, body := f.do(http.MethodPut, "/v3/ebl-issuance-requests", f.issuanceRequest(doc, f.peer))
	require.Equal(t, http.StatusBadRequest, st)
	require.Equal(t, CodeBadSignature, decodeError(t, body).Errors[0].ErrorCode)

	// The manifest signs another document: refused at once.
	req := f.issuanceRequest(doc, f.carrier)
	var m map[string]any
	require.NoError(t, json.Unmarshal(doc, &m))
	m["serviceContractReference"] = "TAMPERED"
	tampered, _ := json.Marshal(m)
	req["document"] = json.RawMessage(tampered)
	st, body = f.do(http.MethodPut, "/v3/ebl-issuance-requests", req)
	require.Equal(t, http.StatusBadRequest, st)
	require.Equal(t, CodeChecksum, decodeError(t, body).Errors[0].ErrorCode)

	// Too large: 413 with the error object.
	big := bytes.Repeat([]byte("x"), int(f.cfg.MaxEnvelopeBytes+3*f.cfg.MaxDocumentBytes))
	st, body = f.do(http.MethodPut, "/v3/ebl-issuance-requests", append(append([]byte(`{"document":"`), big...), '"', '}'))
	require.Equal(t, http.StatusRequestEntityTooLarge, st)
	require.Equal(t, CodeTooLarge, decodeError(t, body).Errors[0].ErrorCode)

	// A DRAFT is a bad request: BREQ through the callback.
	m["serviceContractReference"] = "SC-COS-HKSH-2026-11"
	m["transportDocumentStatus"] = "DRAFT"
	m["transportDocumentReference"] = "COSUDRAFT1"
	draft, _ := json.Marshal(m)
	st, _ = f.do(http.MethodPut, "/v3/ebl-issuance-requests", f.issuanceRequest(draft, f.carrier))
	require.Equal(t, http.StatusNoContent, st)
	eventually(t, "BREQ", func() bool { return len(f.issuanceResponses()) == 1 })
	require.Equal(t, pint.BREQ, f.issuanceResponses()[0].IssuanceResponseCode)
	require.Contains(t, f.issuanceResponses()[0].Reason, "DRAFT")

	// The document backs a bill live on the other zone: REFU naming it.
	f.chain.mu.Lock()
	f.chain.registry[mustHash(t, doc)] = []cargotypes.RegistryKey{{Kind: cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, Status: cargotypes.RESERVATION_STATUS_HELD_REMOTE, HolderZone: "hongkong-1"}}
	f.chain.mu.Unlock()
	st, _ = f.do(http.MethodPut, "/v3/ebl-issuance-requests", f.issuanceRequest(doc, f.carrier))
	require.Equal(t, http.StatusNoContent, st)
	eventually(t, "REFU", func() bool { return len(f.issuanceResponses()) == 2 })
	refu := f.issuanceResponses()[1]
	require.Equal(t, pint.REFU, refu.IssuanceResponseCode)
	require.Contains(t, refu.Reason, "hongkong-1")
	require.Empty(t, f.chain.messages(), "nothing was issued")
}

func mustHash(t *testing.T, doc []byte) string {
	h, err := dcsa.Hash(doc)
	require.NoError(t, err)
	return h
}
