// Package chainregistry holds the zones' cosmos/chain-registry files
// (<chain_name>/chain.json, <chain_name>/assetlist.json, _IBC/…json, in the
// registry's layout, validated against its schemas by the tests) and derives
// from them the chain info a Keplr wallet takes through
// experimentalSuggestChain (keplr/<chain_id>.json).
package chainregistry

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Chain is the part of a chain.json the wallet needs.
type Chain struct {
	ChainName    string `json:"chain_name"`
	ChainID      string `json:"chain_id"`
	PrettyName   string `json:"pretty_name"`
	Bech32Prefix string `json:"bech32_prefix"`
	Slip44       int    `json:"slip44"`
	Fees         struct {
		FeeTokens []struct {
			Denom           string  `json:"denom"`
			LowGasPrice     float64 `json:"low_gas_price"`
			AverageGasPrice float64 `json:"average_gas_price"`
			HighGasPrice    float64 `json:"high_gas_price"`
		} `json:"fee_tokens"`
	} `json:"fees"`
	Staking struct {
		StakingTokens []struct {
			Denom string `json:"denom"`
		} `json:"staking_tokens"`
	} `json:"staking"`
	APIs struct {
		RPC  []struct{ Address string } `json:"rpc"`
		REST []struct{ Address string } `json:"rest"`
	} `json:"apis"`
}

// AssetList is the part of an assetlist.json the wallet needs.
type AssetList struct {
	ChainName string  `json:"chain_name"`
	Assets    []Asset `json:"assets"`
}

// Asset is one asset of an assetlist.json.
type Asset struct {
	Base       string `json:"base"`
	Display    string `json:"display"`
	Symbol     string `json:"symbol"`
	DenomUnits []struct {
		Denom    string `json:"denom"`
		Exponent int    `json:"exponent"`
	} `json:"denom_units"`
}

// Decimals is the exponent of the asset's display unit.
func (a Asset) Decimals() int {
	for _, u := range a.DenomUnits {
		if u.Denom == a.Display {
			return u.Exponent
		}
	}
	return 0
}

// Load reads <dir>/chain.json and <dir>/assetlist.json.
func Load(dir string) (Chain, AssetList, error) {
	var c Chain
	var a AssetList
	for file, v := range map[string]any{"chain.json": &c, "assetlist.json": &a} {
		bz, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			return c, a, err
		}
		if err := json.Unmarshal(bz, v); err != nil {
			return c, a, fmt.Errorf("%s/%s: %w", dir, file, err)
		}
	}
	return c, a, nil
}

// Currency is a Keplr currency.
type Currency struct {
	CoinDenom        string        `json:"coinDenom"`
	CoinMinimalDenom string        `json:"coinMinimalDenom"`
	CoinDecimals     int           `json:"coinDecimals"`
	GasPriceStep     *GasPriceStep `json:"gasPriceStep,omitempty"`
}

// GasPriceStep is a fee currency's low, average and high gas prices.
type GasPriceStep struct {
	Low     float64 `json:"low"`
	Average float64 `json:"average"`
	High    float64 `json:"high"`
}

// KeplrChainInfo is the argument of window.keplr.experimentalSuggestChain.
type KeplrChainInfo struct {
	ChainID       string            `json:"chainId"`
	ChainName     string            `json:"chainName"`
	RPC           string            `json:"rpc"`
	REST          string            `json:"rest"`
	BIP44         map[string]int    `json:"bip44"`
	Bech32Config  map[string]string `json:"bech32Config"`
	Currencies    []Currency        `json:"currencies"`
	FeeCurrencies []Currency        `json:"feeCurrencies"`
	StakeCurrency Currency          `json:"stakeCurrency"`
	Features      []string          `json:"features"`
}

// Keplr derives a zone's Keplr chain info from its registry files: the first
// RPC and REST endpoints, the slip44 coin type, the bech32 prefixes, every
// asset as a currency, the fee tokens with their gas prices and the staking
// token.
func Keplr(c Chain, a AssetList) (KeplrChainInfo, error) {
	if len(c.APIs.RPC) == 0 || len(c.APIs.REST) == 0 {
		return KeplrChainInfo{}, fmt.Errorf("%s: chain.json names no rpc or rest endpoint", c.ChainName)
	}
	p := c.Bech32Prefix
	k := KeplrChainInfo{
		ChainID: c.ChainID, ChainName: c.PrettyName, RPC: c.APIs.RPC[0].Address, REST: c.APIs.REST[0].Address,
		BIP44: map[string]int{"coinType": c.Slip44},
		Bech32Config: map[string]string{
			"bech32PrefixAccAddr": p, "bech32PrefixAccPub": p + "pub",
			"bech32PrefixValAddr": p + "valoper", "bech32PrefixValPub": p + "valoperpub",
			"bech32PrefixConsAddr": p + "valcons", "bech32PrefixConsPub": p + "valconspub",
		},
		Features: []string{},
	}
	byBase := map[string]Currency{}
	for _, as := range a.Assets {
		cur := Currency{CoinDenom: as.Symbol, CoinMinimalDenom: as.Base, CoinDecimals: as.Decimals()}
		byBase[as.Base] = cur
		k.Currencies = append(k.Currencies, cur)
	}
	for _, f := range c.Fees.FeeTokens {
		cur, ok := byBase[f.Denom]
		if !ok {
			return k, fmt.Errorf("%s: fee token %s is not in the asset list", c.ChainName, f.Denom)
		}
		cur.GasPriceStep = &GasPriceStep{Low: f.LowGasPrice, Average: f.AverageGasPrice, High: f.HighGasPrice}
		k.FeeCurrencies = append(k.FeeCurrencies, cur)
	}
	if len(c.Staking.StakingTokens) != 1 {
		return k, fmt.Errorf("%s: want one staking token", c.ChainName)
	}
	stake, ok := byBase[c.Staking.StakingTokens[0].Denom]
	if !ok {
		return k, fmt.Errorf("%s: staking token %s is not in the asset list", c.ChainName, c.Staking.StakingTokens[0].Denom)
	}
	k.StakeCurrency = stake
	return k, nil
}
