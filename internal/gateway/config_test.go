package gateway

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
)

func TestConfigValidate(t *testing.T) {
	good := DefaultConfig()
	good.ChainID, good.Node, good.PlatformCode = "shanghai-1", "tcp://127.0.0.1:26657", "TRSH"
	require.NoError(t, good.Validate())
	require.Equal(t, "TRSH", good.PartyCodeListProvider, "parties are named under the platform code by default")

	for name, mutate := range map[string]func(*Config){
		"public listen":       func(c *Config) { c.Listen = "0.0.0.0:8480" },
		"platform code long":  func(c *Config) { c.PlatformCode = "TRADE" },
		"platform code space": func(c *Config) { c.PlatformCode = "T S" },
		"no chain id":         func(c *Config) { c.ChainID = "" },
		"no key":              func(c *Config) { c.KeyName = "" },
		"carrier url": func(c *Config) {
			c.Carriers = []CarrierConfig{{PartyCode: "COS", IssuanceResponseURL: "ftp://x", SurrenderRequestURL: "http://x/y", JWKS: "k"}}
		},
		"carrier twice": func(c *Config) {
			cc := CarrierConfig{PartyCode: "COS", IssuanceResponseURL: "http://x/a", SurrenderRequestURL: "http://x/b", JWKS: "k"}
			c.Carriers = []CarrierConfig{cc, cc}
		},
	} {
		c := good
		mutate(&c)
		require.Error(t, c.Validate(), name)
	}

	// The file round-trips, and unknown fields are refused (a typo is not
	// silently ignored).
	dir := t.TempDir()
	path := ConfigPath(dir)
	require.NoError(t, WriteConfig(path, good))
	back, err := LoadConfig(path)
	require.NoError(t, err)
	require.Equal(t, good.PlatformCode, back.PlatformCode)
	require.NoError(t, os.WriteFile(path, []byte("plattform-code = 'X'\n"), 0o600))
	_, err = LoadConfig(path)
	require.Error(t, err)
}

func TestSigningKey(t *testing.T) {
	k := newKey(t)
	signed, err := k.Signer.SignJSON(map[string]string{"a": "b"})
	require.NoError(t, err)
	ks, err := pint.ParseJWKS(jwksOf(t, k))
	require.NoError(t, err, "the served JWKS is one the chain and peers accept")
	j, err := pint.Parse(signed)
	require.NoError(t, err)
	require.NoError(t, j.VerifyWith(ks))
	require.Equal(t, pint.ES256, j.Header.Alg)

	// A key file whose d does not match its public point is refused.
	other, err := GenerateSigningKey()
	require.NoError(t, err)
	mine, err := GenerateSigningKey()
	require.NoError(t, err)
	mine.D = other.D
	raw, _ := json.Marshal(mine)
	path := filepath.Join(t.TempDir(), "bad.jwk.json")
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	_, err = LoadSigningKey(path)
	require.ErrorContains(t, err, "does not match")
}
