package gateway

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// Config is the gateway's configuration: <zone home>/config/gateway.toml,
// every field overridable by a flag of `tradechaind gateway start`.
type Config struct {
	// ChainID and Node: the zone and a node's CometBFT RPC (loopback).
	ChainID string `toml:"chain-id"`
	Node    string `toml:"node"`
	// KeyName is the gateway's own account in the zone home's keyring: a
	// ROLE_PLATFORM party, the grantee of the carriers' authz grants. It
	// never holds a carrier's or trader's key.
	KeyName        string  `toml:"key-name"`
	KeyringBackend string  `toml:"keyring-backend"`
	GasPrices      string  `toml:"gas-prices"`
	GasAdjustment  float64 `toml:"gas-adjustment"`

	// Listen is the HTTP address the DCSA APIs are served on (loopback, or
	// behind the operator's TLS-terminating proxy); PublicURL is how
	// carriers and platforms reach it.
	Listen    string `toml:"listen"`
	PublicURL string `toml:"public-url"`

	// PlatformCode is the corridor's eBL platform code in DCSA PINT on this
	// zone (DCSA's list has none for the corridor: configurable). It must be
	// the zone's on-chain pint_platform_code.
	PlatformCode string `toml:"platform-code"`
	// PartyCodeListProvider is the codeListProvider under which this zone's
	// parties are named by their on-chain party code (default: PlatformCode).
	PartyCodeListProvider string `toml:"party-code-list-provider"`
	// SigningKey is the gateway's private JWK (ES256 by default) file; its
	// public half is served at /.well-known/jwks.json and belongs in the
	// zone's on-chain EblPlatform entry for other gateways.
	SigningKey string `toml:"signing-key"`
	// StoreDir is the embedded store (LevelDB).
	StoreDir string `toml:"store-dir"`

	// Size limits (bytes) of request bodies.
	MaxEnvelopeBytes int64 `toml:"max-envelope-bytes"`
	MaxDocumentBytes int64 `toml:"max-document-bytes"`

	// PollInterval is how often the chain follower reads new blocks.
	PollInterval string `toml:"poll-interval"`
	// ExportStallAfter: an export whose receiving platform has answered only
	// without a signature (DCSA PINT: keep retrying) for this long is shown
	// as stalled, with the operator action, at GET
	// /corridor/v1/bills/{id}/export and in the log (Go duration).
	ExportStallAfter string `toml:"export-stall-after"`

	// Carriers the gateway serves: DCSA issuance and surrender.
	Carriers []CarrierConfig `toml:"carriers"`

	// CorridorPeers are the gateways of the corridor's other zone(s): a bill
	// that moved here by IBC after arriving there over PINT has its transfer
	// chain (and transport document) with them. Each is also a trusted
	// EblPlatform on this zone's chain, whose on-chain keys authenticate
	// its requests to this gateway's corridor endpoints.
	CorridorPeers []CorridorPeer `toml:"corridor-peers"`
}

// CorridorPeer is the gateway of another zone of the corridor.
type CorridorPeer struct {
	// PlatformCode is its zone's PINT platform code (its EblPlatform on chain).
	PlatformCode string `toml:"platform-code"`
	// URL is its base URL (the corridor endpoints are under /corridor/v1/).
	URL string `toml:"url"`
}

// CarrierConfig is one carrier this zone's gateway issues and surrenders for.
type CarrierConfig struct {
	// PartyCode is the carrier's party code on the zone (its SMDG/SCAC code,
	// the transport document's carrierCode).
	PartyCode string `toml:"party-code"`
	// IssuanceResponseURL and SurrenderRequestURL are the carrier's endpoints
	// (POST /v3/ebl-issuance-responses, POST /v3/ebl-surrender-requests).
	IssuanceResponseURL string `toml:"issuance-response-url"`
	SurrenderRequestURL string `toml:"surrender-request-url"`
	// JWKS is a file with the carrier's public keys: issuance manifests
	// must be signed by one of them.
	JWKS string `toml:"jwks"`
}

// DefaultConfig is the configuration `tradechaind gateway init` writes.
func DefaultConfig() Config {
	return Config{
		KeyName:          "gateway",
		KeyringBackend:   "test",
		GasPrices:        "0utrade",
		GasAdjustment:    1.5,
		Listen:           "127.0.0.1:8480",
		SigningKey:       "config/gateway_signing_key.jwk.json",
		StoreDir:         "data/gateway",
		MaxEnvelopeBytes: 2 << 20,
		MaxDocumentBytes: 8 << 20,
		PollInterval:     "500ms",
		ExportStallAfter: "15m",
	}
}

// ConfigPath is the gateway's configuration file in a zone home.
func ConfigPath(home string) string { return filepath.Join(home, "config", "gateway.toml") }

// LoadConfig reads the configuration file (a missing file gives the defaults).
func LoadConfig(path string) (Config, error) {
	cfg := DefaultConfig()
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return cfg, err
	}
	dec := toml.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// WriteConfig writes cfg to path.
func WriteConfig(path string, cfg Config) error {
	raw, err := toml.Marshal(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append([]byte("# tradechaind gateway: DCSA eBL issuance, surrender and PINT 3.0 (docs/dcsa-gateway.md)\n"), raw...), 0o600)
}

// Resolve makes relative paths relative to home.
func (c *Config) Resolve(home string) {
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(home, p)
	}
	c.SigningKey = abs(c.SigningKey)
	c.StoreDir = abs(c.StoreDir)
	for i := range c.Carriers {
		c.Carriers[i].JWKS = abs(c.Carriers[i].JWKS)
	}
}

// Validate checks the configuration says what the gateway needs.
func (c *Config) Validate() error {
	var problems []string
	if c.ChainID == "" {
		problems = append(problems, "chain-id is required")
	}
	if c.Node == "" {
		problems = append(problems, "node (the CometBFT RPC of a node of the zone) is required")
	}
	if c.KeyName == "" {
		problems = append(problems, "key-name (the gateway's own key) is required")
	}
	if c.ExportStallAfter != "" {
		if d, err := time.ParseDuration(c.ExportStallAfter); err != nil || d <= 0 {
			problems = append(problems, fmt.Sprintf("export-stall-after %q: want a positive Go duration (e.g. 15m)", c.ExportStallAfter))
		}
	}
	if host, _, err := net.SplitHostPort(c.Listen); err != nil {
		problems = append(problems, fmt.Sprintf("listen %q: %v", c.Listen, err))
	} else if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		problems = append(problems, fmt.Sprintf("listen %q must be a loopback address (put a TLS proxy in front for the world)", c.Listen))
	}
	if len(c.PlatformCode) == 0 || len(c.PlatformCode) > 4 || strings.ContainsAny(c.PlatformCode, " \t\r\n") {
		problems = append(problems, fmt.Sprintf("platform-code %q must be 1-4 characters without spaces (the DCSA eblPlatform schema)", c.PlatformCode))
	}
	if c.SigningKey == "" {
		problems = append(problems, "signing-key (the gateway's private JWK file) is required")
	}
	if c.MaxEnvelopeBytes <= 0 || c.MaxDocumentBytes <= 0 {
		problems = append(problems, "max-envelope-bytes and max-document-bytes must be positive")
	}
	seen := map[string]bool{}
	for _, cc := range c.Carriers {
		if cc.PartyCode == "" || seen[cc.PartyCode] {
			problems = append(problems, fmt.Sprintf("carrier party-code %q is empty or repeated", cc.PartyCode))
		}
		seen[cc.PartyCode] = true
		for _, u := range []string{cc.IssuanceResponseURL, cc.SurrenderRequestURL} {
			if pu, err := url.Parse(u); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
				problems = append(problems, fmt.Sprintf("carrier %s: %q is not an http(s) URL", cc.PartyCode, u))
			}
		}
		if cc.JWKS == "" {
			problems = append(problems, fmt.Sprintf("carrier %s: jwks (the carrier's public keys for issuance manifests) is required", cc.PartyCode))
		}
	}
	for _, p := range c.CorridorPeers {
		if p.PlatformCode == "" || p.PlatformCode == c.PlatformCode || len(p.PlatformCode) > 4 {
			problems = append(problems, fmt.Sprintf("corridor peer platform-code %q must be another zone's 1-4 character code", p.PlatformCode))
		}
		if pu, err := url.Parse(p.URL); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			problems = append(problems, fmt.Sprintf("corridor peer %s: %q is not an http(s) URL", p.PlatformCode, p.URL))
		}
	}
	if len(problems) > 0 {
		return errors.New("gateway configuration: " + strings.Join(problems, "; "))
	}
	if c.PartyCodeListProvider == "" {
		c.PartyCodeListProvider = c.PlatformCode
	}
	return nil
}
