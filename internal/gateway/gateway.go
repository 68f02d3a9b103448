// Package gateway is a zone's DCSA gateway (`tradechaind gateway start`):
// the platform side of the DCSA eBL Issuance and Surrender APIs 3.0.4 for
// carriers, and DCSA PINT 3.0 with other eBL platforms. It acts on the zone
// only with its own account (a ROLE_PLATFORM party) and through the authz
// grants carriers gave it; its state lives in an embedded store that
// survives restarts (docs/dcsa-gateway.md).
package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// Gateway is one zone's DCSA gateway.
type Gateway struct {
	cfg      Config
	chain    Chain
	store    *Store
	key      *SigningKey
	carriers map[string]*carrier
	http     *http.Client
	out      *outbox
	log      *slog.Logger
	poll     time.Duration
	mounts   []mount
	// exportStall: how long unsigned answers last before an export is
	// reported stalled (Config.ExportStallAfter).
	exportStall time.Duration
}

// mount is another service of the zone's operator served beside the DCSA
// APIs under its own path prefix (the consent-gated document store).
type mount struct {
	prefix string
	h      http.Handler
}

type carrier struct {
	cfg  CarrierConfig
	keys *pint.KeySet
}

// New builds a gateway from a validated configuration, its chain client and
// its store.
func New(cfg Config, chain Chain, store *Store, key *SigningKey, log *slog.Logger) (*Gateway, error) {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	poll, err := time.ParseDuration(cfg.PollInterval)
	if err != nil || poll <= 0 {
		poll = 500 * time.Millisecond
	}
	stall, err := time.ParseDuration(cfg.ExportStallAfter)
	if err != nil || stall <= 0 {
		stall = 15 * time.Minute
	}
	g := &Gateway{cfg: cfg, chain: chain, store: store, key: key, carriers: map[string]*carrier{},
		http: &http.Client{Timeout: 30 * time.Second}, log: log, poll: poll, exportStall: stall}
	for _, c := range cfg.Carriers {
		raw, err := os.ReadFile(c.JWKS)
		if err != nil {
			return nil, fmt.Errorf("carrier %s: %w", c.PartyCode, err)
		}
		ks, err := pint.ParseJWKS(raw)
		if err != nil {
			return nil, fmt.Errorf("carrier %s's JWKS %s: %w", c.PartyCode, c.JWKS, err)
		}
		g.carriers[c.PartyCode] = &carrier{cfg: c, keys: ks}
	}
	g.out = newOutbox(store, log)
	g.out.handlers[jobIssue] = g.runIssue
	g.out.handlers[jobIssuanceWatch] = g.runIssuanceWatch
	g.out.handlers[jobIssuanceResponse] = g.runIssuanceResponse
	g.out.handlers[jobSurrenderRequest] = g.runSurrenderRequest
	g.out.handlers[jobSurrenderAnswer] = g.runSurrenderAnswer
	g.out.handlers[jobImport] = g.runImport
	g.out.handlers[jobExport] = g.runExport
	return g, nil
}

// Mount serves h under prefix (ending in "/") beside the DCSA APIs; call it
// before Run.
func (g *Gateway) Mount(prefix string, h http.Handler) {
	g.mounts = append(g.mounts, mount{prefix: prefix, h: h})
}

// Handler is the gateway's HTTP API.
func (g *Gateway) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, m := range g.mounts {
		mux.Handle(m.prefix, m.h)
	}
	// DCSA eBL Issuance API 3.0.4 (platform side).
	mux.HandleFunc("PUT /v3/ebl-issuance-requests", g.handleIssuanceRequest)
	// DCSA eBL Surrender API 3.0.4 (platform side: the carrier's answers).
	mux.HandleFunc("POST /v3/ebl-surrender-responses", g.handleSurrenderResponse)
	// DCSA PINT 3.0 (receiving platform).
	mux.HandleFunc("POST /v3/receiver-validation", g.handleReceiverValidation)
	mux.HandleFunc("POST /v3/envelopes", g.handleStartEnvelope)
	mux.HandleFunc("PUT /v3/envelopes/{ref}/additional-documents/{checksum}", g.handleAdditionalDocument)
	mux.HandleFunc("PUT /v3/envelopes/{ref}/finish-transfer", g.handleFinish)
	// The corridor: lodging a CLI-issued bill's issuance, the export's
	// state, and what the other zone's gateway fetches (signed requests).
	mux.HandleFunc("PUT /corridor/v1/bills/{id}/issuance", g.handleLodgeIssuance)
	mux.HandleFunc("GET /corridor/v1/bills/{id}/issuance", g.handleGetIssuance)
	mux.HandleFunc("GET /corridor/v1/bills/{id}/export", g.handleExportStatus)
	mux.HandleFunc("GET /corridor/v1/pint-envelopes/{checksum}", g.handleCorridorEnvelope)
	mux.HandleFunc("GET /corridor/v1/transport-documents/{checksum}", g.handleCorridorDocument)
	// The gateway's public keys, for other platforms and the zone's
	// on-chain EblPlatform entry.
	mux.HandleFunc("GET /.well-known/jwks.json", g.handleJWKS)
	mux.HandleFunc("GET /status", g.handleStatus)
	// The envelopes it sent for a bill (their transfer chains, which the
	// chain knows by their last checksum only), for the web app.
	mux.HandleFunc("GET /corridor/v1/bills/{id}/exports", g.handleBillExports)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, "No such endpoint", detail(CodeNotFound, "Not found", r.Method+" "+r.URL.Path+" is not a DCSA endpoint of this gateway"))
	})
	return g.versionCheck(mux)
}

// versionCheck refuses an API-Version header whose major version is not 3
// (DCSA: the header, if sent, carries the major version only).
func (g *Gateway) versionCheck(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get("API-Version"); v != "" && v != "3" && !(len(v) > 2 && v[:2] == "3.") {
			writeError(w, r, http.StatusBadRequest, "Unsupported API version", detail(CodeMalformed, "Unsupported API-Version", "this gateway implements major version 3; API-Version was "+v))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readBody reads at most limit bytes; a larger body is refused with 413.
func (g *Gateway) readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		writeError(w, r, http.StatusRequestEntityTooLarge, "The body is too large",
			detail(CodeTooLarge, "Request too large", fmt.Sprintf("this gateway accepts at most %d bytes here", limit)))
		return nil, false
	}
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "The body could not be read", detail(CodeMalformed, "Unreadable body", err.Error()))
		return nil, false
	}
	return body, true
}

func (g *Gateway) handleJWKS(w http.ResponseWriter, r *http.Request) {
	raw, err := g.key.JWKS()
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "No key set", detail(CodeInternal, "Internal error", err.Error()))
		return
	}
	w.Header().Set("Content-Type", "application/jwk-set+json")
	_, _ = w.Write(raw)
}

func (g *Gateway) handleStatus(w http.ResponseWriter, r *http.Request) {
	h, _ := g.store.Cursor()
	writeJSON(w, http.StatusOK, map[string]any{
		"chain_id": g.chain.ChainID(), "platform_code": g.cfg.PlatformCode, "address": g.chain.Address(),
		"kid": g.key.Public.Kid, "followed_height": h, "pending_jobs": g.store.pendingJobs(""),
	})
}

// Run serves the API and runs the outbox and the chain follower until ctx
// ends. ready, if not nil, is called with the listener's address.
func (g *Gateway) Run(ctx context.Context, ready func(addr string)) error {
	if own, err := g.chain.OwnPlatformCode(ctx); err == nil && own != "" && own != g.cfg.PlatformCode {
		return fmt.Errorf("platform-code %s is not zone %s's PINT platform code %s (x/cargo params)", g.cfg.PlatformCode, g.chain.ChainID(), own)
	}
	if p, err := g.chain.Party(ctx, g.chain.Address()); err != nil || !p.Active || !hasRole(p, cargotypes.ROLE_PLATFORM) {
		g.log.Warn("the gateway's account is not an active PLATFORM party of the zone: imports, exports and authz actions will be refused until it is registered", "address", g.chain.Address())
	}
	ln, err := net.Listen("tcp", g.cfg.Listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: g.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 60 * time.Second}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{}, 2)
	go func() { g.out.run(ctx); done <- struct{}{} }()
	go func() { g.follow(ctx); done <- struct{}{} }()
	go func() {
		<-ctx.Done()
		sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
		defer c()
		_ = srv.Shutdown(sctx)
	}()
	if ready != nil {
		ready(ln.Addr().String())
	}
	g.log.Info("gateway serving", "listen", ln.Addr().String(), "zone", g.chain.ChainID(), "platform", g.cfg.PlatformCode, "account", g.chain.Address(), "kid", g.key.Public.Kid)
	err = srv.Serve(ln)
	cancel()
	<-done
	<-done
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
