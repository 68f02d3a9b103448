package app

import (
	sdk "github.com/cosmos/cosmos-sdk/types"
)

const (
	// AppName is the name of the application, reported by the node.
	AppName = "tradechain"

	// Bech32Prefix is the account address prefix of both zones.
	Bech32Prefix = "trade"

	// BondDenom is the staking and fee denomination of both zones.
	BondDenom = "utrade"
	// DisplayDenom is the whole-unit name of BondDenom (1 trade = 10^6 utrade).
	DisplayDenom = "trade"
)

var (
	Bech32PrefixValAddr  = Bech32Prefix + sdk.PrefixValidator + sdk.PrefixOperator
	Bech32PrefixValPub   = Bech32PrefixValAddr + sdk.PrefixPublic
	Bech32PrefixConsAddr = Bech32Prefix + sdk.PrefixValidator + sdk.PrefixConsensus
	Bech32PrefixConsPub  = Bech32PrefixConsAddr + sdk.PrefixPublic
	Bech32PrefixAccPub   = Bech32Prefix + sdk.PrefixPublic
)

// SetConfig sets the process-wide address prefixes and bond denom. It is
// idempotent and runs from this package's init, so every binary and test that
// imports the app agrees on `trade1...` addresses and `utrade`.
func SetConfig() {
	cfg := sdk.GetConfig()
	if cfg.GetBech32AccountAddrPrefix() == Bech32Prefix {
		return
	}
	cfg.SetBech32PrefixForAccount(Bech32Prefix, Bech32PrefixAccPub)
	cfg.SetBech32PrefixForValidator(Bech32PrefixValAddr, Bech32PrefixValPub)
	cfg.SetBech32PrefixForConsensusNode(Bech32PrefixConsAddr, Bech32PrefixConsPub)
	sdk.DefaultBondDenom = BondDenom
}

func init() {
	SetConfig()
}
