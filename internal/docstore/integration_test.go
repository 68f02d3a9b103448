package docstore

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	sdk "github.com/cosmos/cosmos-sdk/types"

	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// appChain is a zone in process: the real app, its blocks committed by
// testutil. Queries read the last committed block; Broadcast delivers the
// gateway's transaction in its own block. NodeChain runs on top of it
// unchanged (batching included).
type appChain struct {
	mu       sync.Mutex
	c        *tctestutil.Chain
	q        cargotypes.QueryServer
	platform *tctestutil.Account
	blocks   atomic.Int64 // blocks the gateway's transactions took
}

func (a *appChain) Broadcast(_ context.Context, _ string, msgs ...sdk.Msg) (*sdk.TxResponse, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.c.Deliver(a.platform, msgs...)
	a.blocks.Add(1)
	if r.Code != 0 {
		return nil, fmt.Errorf("refused (%s/%d): %s", r.Codespace, r.Code, r.Log)
	}
	return &sdk.TxResponse{Height: a.c.App.LastBlockHeight(), TxHash: fmt.Sprintf("H%d", a.c.App.LastBlockHeight()), Data: strings.ToUpper(hex.EncodeToString(r.Data))}, nil
}

// deliver runs a party's transaction (a grant, a revocation) in a block.
func (a *appChain) deliver(t *testing.T, who int, msgs ...sdk.Msg) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.c.MustDeliver(a.c.Accounts[who], msgs...)
}

func (a *appChain) nextBlocks(n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := 0; i < n; i++ {
		a.c.NextBlock()
	}
}

type appQuery struct {
	cargotypes.QueryClient // only the methods below are used
	a                      *appChain
}

func (q appQuery) ctx() sdk.Context { return q.a.c.Context() }

func (q appQuery) Party(_ context.Context, r *cargotypes.QueryPartyRequest, _ ...grpc.CallOption) (*cargotypes.QueryPartyResponse, error) {
	q.a.mu.Lock()
	defer q.a.mu.Unlock()
	return q.a.q.Party(q.ctx(), r)
}

func (q appQuery) Document(_ context.Context, r *cargotypes.QueryDocumentRequest, _ ...grpc.CallOption) (*cargotypes.QueryDocumentResponse, error) {
	q.a.mu.Lock()
	defer q.a.mu.Unlock()
	return q.a.q.Document(q.ctx(), r)
}

func (q appQuery) Bill(_ context.Context, r *cargotypes.QueryBillRequest, _ ...grpc.CallOption) (*cargotypes.QueryBillResponse, error) {
	q.a.mu.Lock()
	defer q.a.mu.Unlock()
	return q.a.q.Bill(q.ctx(), r)
}

func (q appQuery) ConsentCovers(_ context.Context, r *cargotypes.QueryConsentCoversRequest, _ ...grpc.CallOption) (*cargotypes.QueryConsentCoversResponse, error) {
	q.a.mu.Lock()
	defer q.a.mu.Unlock()
	return q.a.q.ConsentCovers(q.ctx(), r)
}

func (q appQuery) AccessRecords(_ context.Context, r *cargotypes.QueryAccessRecordsRequest, _ ...grpc.CallOption) (*cargotypes.QueryAccessRecordsResponse, error) {
	q.a.mu.Lock()
	defer q.a.mu.Unlock()
	return q.a.q.AccessRecords(q.ctx(), r)
}

// The corridor's documents in these tests.
var (
	invoicePDF  = []byte("%PDF-1.7\n% commercial invoice SHPE-2026-0042, USD 48,000.00\n")
	packingJSON = []byte(`{ "packingList": "PL-0042",  "cartons": 120, "grossWeightKg": 2400 }`)
	transportTD = []byte(`{"transportDocumentReference":"COSU6385270140","shipper":"SHPE"}`)
)

func mustHash(t testing.TB, b []byte) string {
	h, err := DocumentHash(b)
	require.NoError(t, err)
	return h
}

type zone struct {
	t      *testing.T
	a      *appChain
	srv    *Server
	http   *httptest.Server
	cancel context.CancelFunc
	bill   string
}

// newZone starts a zone with the exporter's invoice and packing list
// anchored and a bill whose transport document the exporter holds, and a
// document store over backend in front of it.
func newZone(t *testing.T, backend Backend) *zone { return newZoneWith(t, backend, t.TempDir()) }

func newZoneWith(t *testing.T, backend Backend, keyDir string) *zone {
	c := cargotestutil.NewChain(t)
	a := &appChain{c: c, q: keeper.NewQueryServerImpl(c.App.CargoKeeper), platform: c.Accounts[cargotestutil.Stranger]}
	admin := c.Accounts[cargotestutil.Admin]
	c.MustDeliver(admin, &cargotypes.MsgRegisterParty{Authority: admin.String(), Party: cargotypes.Party{
		Address: a.platform.String(), Code: "GWHK", Name: "HK zone gateway", Jurisdiction: "HK", Roles: []cargotypes.Role{cargotypes.ROLE_PLATFORM}, Active: true,
	}})
	exporter := c.Accounts[cargotestutil.Exporter]
	carrier := c.Accounts[cargotestutil.Carrier]
	c.MustDeliver(carrier, &cargotypes.MsgIssueBill{
		Carrier: carrier.String(), TransportDocumentReference: "COSU6385270140",
		Type: cargotypes.BILL_TYPE_BOL, Mode: cargotypes.BILL_MODE_TO_ORDER, IssueTo: exporter.String(),
		DocumentHash: mustHash(t, transportTD), PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG",
		IssueDate: "2026-05-03", ShippedOnBoardDate: "2026-05-03",
	})
	bill := "COS-COSU6385270140"
	c.MustDeliver(exporter,
		&cargotypes.MsgAnchorDocument{Owner: exporter.String(), Hash: mustHash(t, invoicePDF), DocType: "COMMERCIAL_INVOICE", BillId: bill},
		&cargotypes.MsgAnchorDocument{Owner: exporter.String(), Hash: mustHash(t, packingJSON), DocType: "PACKING_LIST", BillId: bill})
	kr, err := OpenKeyring(keyDir)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	chain := NewNodeChain(ctx, c.ChainID, a.platform.String(), appQuery{a: a}, a)
	srv := NewServer(backend, kr, chain, slog.New(slog.NewTextHandler(io.Discard, nil)))
	hs := httptest.NewServer(srv.Handler())
	z := &zone{t: t, a: a, srv: srv, http: hs, cancel: cancel, bill: bill}
	t.Cleanup(func() { hs.Close(); cancel() })
	return z
}

// auth fetches a challenge from base and signs it as account who.
func auth(t testing.TB, base string, acc *tctestutil.Account) http.Header {
	res, err := http.Post(base+Prefix+"challenge", "application/json", nil)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var ch Challenge
	require.NoError(t, json.NewDecoder(res.Body).Decode(&ch))
	return signChallenge(t, ch, acc)
}

func signChallenge(t testing.TB, ch Challenge, acc *tctestutil.Account) http.Header {
	sig, err := acc.PrivKey.Sign(ADR036SignBytes(acc.String(), []byte(ch.Text)))
	require.NoError(t, err)
	h := http.Header{}
	h.Set(HeaderNonce, ch.Nonce)
	h.Set(HeaderSigner, acc.String())
	h.Set(HeaderPubKey, base64.StdEncoding.EncodeToString(acc.PrivKey.PubKey().Bytes()))
	h.Set(HeaderSignature, base64.StdEncoding.EncodeToString(sig))
	return h
}

func do(t testing.TB, method, url string, h http.Header, body io.Reader) (int, []byte, http.Header) {
	req, err := http.NewRequest(method, url, body)
	require.NoError(t, err)
	for k, v := range h {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	bz, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, bz, res.Header
}

func (z *zone) acc(who int) *tctestutil.Account { return z.a.c.Accounts[who] }

func (z *zone) upload(who int, hash string, body []byte) (int, string) {
	code, bz, _ := do(z.t, http.MethodPut, z.http.URL+Prefix+"documents/"+hash, auth(z.t, z.http.URL, z.acc(who)), bytes.NewReader(body))
	return code, string(bz)
}

func (z *zone) download(who int, hash string, consent uint64) (int, []byte, http.Header) {
	return do(z.t, http.MethodGet, fmt.Sprintf("%s%sdocuments/%s?consent=%d", z.http.URL, Prefix, hash, consent), auth(z.t, z.http.URL, z.acc(who)), nil)
}

func (z *zone) grant(who, to int, scope string, until time.Duration) uint64 {
	z.a.mu.Lock()
	id, err := z.a.c.App.CargoKeeper.ConsentSeq.Peek(z.a.c.Context())
	z.a.mu.Unlock()
	require.NoError(z.t, err)
	z.a.deliver(z.t, who, &cargotypes.MsgGrantConsent{Granter: z.acc(who).String(), Grantee: z.acc(to).String(), Scope: scope,
		Purpose: "invoice financing", ExpiresAt: z.a.c.Time.Add(until)})
	return id
}

func TestDocstoreConsentGate(t *testing.T) {
	backends := map[string]func(t *testing.T) Backend{
		"bolt": func(t *testing.T) Backend {
			b, err := OpenBolt(filepath.Join(t.TempDir(), "docstore.db"))
			require.NoError(t, err)
			t.Cleanup(func() { b.Close() })
			return b
		},
		"postgres": func(t *testing.T) Backend {
			b, err := OpenPostgres(context.Background(), StartPostgres(t))
			require.NoError(t, err)
			t.Cleanup(func() { b.Close() })
			return b
		},
	}
	for name, open := range backends {
		t.Run(name, func(t *testing.T) { consentGateSuite(t, newZone(t, open(t))) })
	}
}

func consentGateSuite(t *testing.T, z *zone) {
	const (
		exporter = cargotestutil.Exporter
		bank     = cargotestutil.Bank
		bank2    = cargotestutil.Bank2
	)
	inv, pl, td := mustHash(t, invoicePDF), mustHash(t, packingJSON), mustHash(t, transportTD)

	// Uploads: the owner only, bytes matching the anchored hash.
	code, body := z.upload(bank, inv, invoicePDF)
	require.Equal(t, http.StatusForbidden, code, body)
	require.Contains(t, body, "only a document's owner uploads it")
	code, body = z.upload(exporter, inv, append([]byte("x"), invoicePDF...))
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	require.Contains(t, body, "hash_mismatch")
	code, body = z.upload(exporter, inv, invoicePDF)
	require.Equal(t, http.StatusCreated, code, body)
	// JSON is hashed canonically: the same packing list, re-indented, is accepted.
	code, body = z.upload(exporter, pl, []byte("{\"cartons\":120,\n \"grossWeightKg\":2400,\"packingList\":\"PL-0042\"}"))
	require.Equal(t, http.StatusCreated, code, body)
	code, body = z.upload(exporter, td, transportTD) // the bill's transport document: the exporter holds the bill
	require.Equal(t, http.StatusCreated, code, body)

	all := z.grant(exporter, bank, "*", 24*time.Hour)
	onlyInv := z.grant(exporter, bank, "doc:"+inv, 24*time.Hour)
	byBill := z.grant(exporter, bank, z.bill, 24*time.Hour)
	short := z.grant(exporter, bank, "*", 40*time.Second)

	// Reads under live consents, each recorded on chain before release.
	for _, c := range []struct {
		consent uint64
		hash    string
	}{{all, inv}, {all, pl}, {onlyInv, inv}, {byBill, td}, {short, inv}} {
		code, bz, h := z.download(bank, c.hash, c.consent)
		require.Equal(t, http.StatusOK, code, string(bz))
		got, err := DocumentHash(bz)
		require.NoError(t, err)
		require.Equal(t, c.hash, got)
		require.NotEmpty(t, h.Get("X-Docstore-Access-Record"))
	}
	recs, err := appQuery{a: z.a}.AccessRecords(context.Background(), &cargotypes.QueryAccessRecordsRequest{Owner: z.acc(exporter).String()})
	require.NoError(t, err)
	require.Len(t, recs.Records, 5)
	require.Equal(t, z.acc(bank).String(), recs.Records[0].Grantee)
	require.Equal(t, inv, recs.Records[0].DocumentHash)

	refused := func(who int, hash string, consent uint64, wantCode int, want string) {
		t.Helper()
		code, bz, _ := z.download(who, hash, consent)
		require.Equal(t, wantCode, code, string(bz))
		require.Contains(t, string(bz), want)
	}
	refused(bank, pl, onlyInv, http.StatusForbidden, "covers doc:")               // other scope
	refused(bank2, inv, all, http.StatusForbidden, "was granted to")              // other grantee
	refused(cargotestutil.Retired, inv, all, http.StatusForbidden, "deactivated") // not a live party
	z.a.nextBlocks(3)                                                             // +15 s
	refused(bank, inv, short, http.StatusForbidden, "expired")

	// Revocation: effective from the next block.
	z.a.deliver(t, exporter, &cargotypes.MsgRevokeConsent{Granter: z.acc(exporter).String(), ConsentId: all})
	refused(bank, inv, all, http.StatusForbidden, "revoked")

	// A signed challenge is good once.
	h := auth(t, z.http.URL, z.acc(bank))
	url := fmt.Sprintf("%s%sdocuments/%s?consent=%d", z.http.URL, Prefix, inv, onlyInv)
	code, bz, _ := do(t, http.MethodGet, url, h, nil)
	require.Equal(t, http.StatusOK, code, string(bz))
	code, bz, _ = do(t, http.MethodGet, url, h, nil)
	require.Equal(t, http.StatusUnauthorized, code, string(bz))
	require.Contains(t, string(bz), "already used")

	// Cross-zone replay: a challenge of the other zone's store, signed by
	// the bank, is refused here — its nonce was never issued here, and this
	// zone's nonce signed over the other zone's text does not verify.
	other := NewChallenges("shanghai-1", z.srv.Chain.Gateway(), time.Minute, 10)
	shCh, err := other.Issue()
	require.NoError(t, err)
	code, bz, _ = do(t, http.MethodGet, url, signChallenge(t, shCh, z.acc(bank)), nil)
	require.Equal(t, http.StatusUnauthorized, code, string(bz))
	hkCh, err := z.srv.Challenges.Issue()
	require.NoError(t, err)
	forged := shCh
	forged.Nonce = hkCh.Nonce // the HK nonce, the signature over the SH text
	code, bz, _ = do(t, http.MethodGet, url, signChallenge(t, forged, z.acc(bank)), nil)
	require.Equal(t, http.StatusUnauthorized, code, string(bz))
	require.Contains(t, string(bz), "does not verify")

	// Nothing refused was recorded.
	recs, err = appQuery{a: z.a}.AccessRecords(context.Background(), &cargotypes.QueryAccessRecordsRequest{Owner: z.acc(exporter).String()})
	require.NoError(t, err)
	require.Len(t, recs.Records, 6)
}
