package chainregistry_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/app"
	chainregistry "github.com/tradechain/tradechain/chain-registry"
)

var update = flag.Bool("update-keplr", false, "rewrite keplr/*.json from the registry files")

var zones = []string{"tradechainhongkong", "tradechainshanghai"}

// Every registry file validates against cosmos/chain-registry's own JSON
// schema (chain, assetlist, ibc_data; formats asserted), as the registry's CI
// would validate a pull request.
func TestRegistryFilesMatchSchemas(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	schemas := map[string]*jsonschema.Schema{}
	for _, name := range []string{"chain", "assetlist", "ibc_data"} {
		s, err := c.Compile(name + ".schema.json")
		require.NoError(t, err)
		schemas[name] = s
	}
	files := map[string]string{}
	for _, z := range zones {
		files[filepath.Join(z, "chain.json")] = "chain"
		files[filepath.Join(z, "assetlist.json")] = "assetlist"
	}
	ibc, err := filepath.Glob("_IBC/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, ibc)
	for _, f := range ibc {
		files[f] = "ibc_data"
	}
	for f, schema := range files {
		fh, err := os.Open(f)
		require.NoError(t, err)
		doc, err := jsonschema.UnmarshalJSON(fh)
		fh.Close()
		require.NoError(t, err, f)
		require.NoError(t, schemas[schema].Validate(doc), "%s against %s.schema.json", f, schema)
	}
	// A file that breaks the schema is caught (the check is not vacuous).
	bad := map[string]any{"$schema": "../chain.schema.json", "chain_name": "Not Valid", "chain_type": "cosmos", "status": "maybe"}
	require.Error(t, schemas["chain"].Validate(bad))
}

// The registry files say what the app and the localnet do: the bech32 prefix
// and staking denom of app/config.go, the chain ids, and ICS-20 voucher
// denoms that are the hash of their trace over the IBC file's transfer
// channel.
func TestRegistryFilesMatchTheApp(t *testing.T) {
	var ibc struct {
		Chain1 struct {
			ChainName string `json:"chain_name"`
			ChainID   string `json:"chain_id"`
		} `json:"chain_1"`
		Chain2 struct {
			ChainName string `json:"chain_name"`
			ChainID   string `json:"chain_id"`
		} `json:"chain_2"`
		Channels []struct {
			Chain1 struct {
				ChannelID string `json:"channel_id"`
				PortID    string `json:"port_id"`
			} `json:"chain_1"`
			Chain2 struct {
				ChannelID string `json:"channel_id"`
				PortID    string `json:"port_id"`
			} `json:"chain_2"`
			Version string `json:"version"`
		} `json:"channels"`
	}
	bz, err := os.ReadFile("_IBC/tradechainhongkong-tradechainshanghai.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(bz, &ibc))
	ports := map[string]string{}
	for _, ch := range ibc.Channels {
		require.Equal(t, ch.Chain1.PortID, ch.Chain2.PortID)
		ports[ch.Chain1.PortID] = ch.Chain1.ChannelID
	}
	require.Equal(t, map[string]bool{"transfer": true, "cargo": true, "registry": true}, map[string]bool{"transfer": ports["transfer"] != "", "cargo": ports["cargo"] != "", "registry": ports["registry"] != ""})

	ids := map[string]string{ibc.Chain1.ChainName: ibc.Chain1.ChainID, ibc.Chain2.ChainName: ibc.Chain2.ChainID}
	for _, z := range zones {
		c, a, err := chainregistry.Load(z)
		require.NoError(t, err)
		require.Equal(t, z, c.ChainName)
		require.Equal(t, z, a.ChainName)
		require.Equal(t, ids[z], c.ChainID)
		require.Equal(t, app.Bech32Prefix, c.Bech32Prefix)
		require.Equal(t, app.BondDenom, c.Staking.StakingTokens[0].Denom)
		var raw struct {
			Assets []struct {
				Base   string `json:"base"`
				Traces []struct {
					Chain struct {
						ChannelID string `json:"channel_id"`
						Path      string `json:"path"`
					} `json:"chain"`
				} `json:"traces"`
			} `json:"assets"`
		}
		bz, err := os.ReadFile(filepath.Join(z, "assetlist.json"))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(bz, &raw))
		for _, as := range raw.Assets {
			if !strings.HasPrefix(as.Base, "ibc/") {
				continue
			}
			require.Len(t, as.Traces, 1, as.Base)
			tr := as.Traces[0].Chain
			require.Equal(t, ports["transfer"], tr.ChannelID, "%s: the voucher comes over the transfer channel", as.Base)
			require.True(t, strings.HasPrefix(tr.Path, "transfer/"+ports["transfer"]+"/"), tr.Path)
			sum := sha256.Sum256([]byte(tr.Path))
			require.Equal(t, "ibc/"+strings.ToUpper(hex.EncodeToString(sum[:])), as.Base, "the denom of %s", tr.Path)
		}
	}
}

// keplr/<chain id>.json is what Keplr's experimentalSuggestChain takes,
// derived from the registry files (go test ./chain-registry -update-keplr rewrites it).
func TestKeplrChainInfo(t *testing.T) {
	for _, z := range zones {
		c, a, err := chainregistry.Load(z)
		require.NoError(t, err)
		k, err := chainregistry.Keplr(c, a)
		require.NoError(t, err)
		require.Equal(t, app.Bech32PrefixValAddr, k.Bech32Config["bech32PrefixValAddr"])
		require.Equal(t, app.BondDenom, k.StakeCurrency.CoinMinimalDenom)
		require.Equal(t, 6, k.StakeCurrency.CoinDecimals)
		require.Len(t, k.FeeCurrencies, 1)
		want, err := json.MarshalIndent(k, "", "  ")
		require.NoError(t, err)
		want = append(want, '\n')
		path := filepath.Join("keplr", c.ChainID+".json")
		if *update {
			require.NoError(t, os.MkdirAll("keplr", 0o755))
			require.NoError(t, os.WriteFile(path, want, 0o644))
		}
		got, err := os.ReadFile(path)
		require.NoError(t, err, "run go test ./chain-registry -run TestKeplrChainInfo -update-keplr")
		require.Equal(t, string(want), string(got), "%s is stale: run go test ./chain-registry -run TestKeplrChainInfo -update-keplr", path)
	}
}
