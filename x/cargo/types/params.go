package types

import (
	"strings"

	errorsmod "cosmossdk.io/errors"

	host "github.com/cosmos/ibc-go/v8/modules/core/24-host"
	ibcexported "github.com/cosmos/ibc-go/v8/modules/core/exported"
)

// Default parameter values.
const (
	DefaultMaxTextLength        = 256
	DefaultMaxMilestonesPerBill = 200
)

// DefaultParams returns the default x/cargo parameters (no admin: governance only).
func DefaultParams() Params {
	return Params{MaxTextLength: DefaultMaxTextLength, MaxMilestonesPerBill: DefaultMaxMilestonesPerBill,
		RegistryTimeoutSeconds: DefaultRegistryTimeoutSeconds}
}

// Validate checks the parameters.
func (p Params) Validate() error {
	if err := ValidateOptionalAddress("admin", p.Admin); err != nil {
		return err
	}
	if p.MaxTextLength < 16 || p.MaxTextLength > MaxTextLength {
		return errorsmod.Wrapf(ErrInvalidField, "max_text_length %d: want 16..%d", p.MaxTextLength, MaxTextLength)
	}
	if p.MaxMilestonesPerBill < 1 || p.MaxMilestonesPerBill > 10000 {
		return errorsmod.Wrapf(ErrInvalidField, "max_milestones_per_bill %d: want 1..10000", p.MaxMilestonesPerBill)
	}
	if len(p.Corridor) > MaxCorridorLinks {
		return errorsmod.Wrapf(ErrInvalidField, "corridor has %d links; the limit is %d", len(p.Corridor), MaxCorridorLinks)
	}
	chains, clients, conns := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, l := range p.Corridor {
		if err := l.Validate(); err != nil {
			return errorsmod.Wrapf(err, "corridor link %s", l.ChainId)
		}
		if chains[l.ChainId] || clients[l.ClientId] || conns[l.ConnectionId] {
			return errorsmod.Wrapf(ErrInvalidField, "corridor link %s repeats a chain, client or connection of another link", l.ChainId)
		}
		chains[l.ChainId], clients[l.ClientId], conns[l.ConnectionId] = true, true, true
	}
	if p.RegistryChannel != "" {
		if err := ValidateChannelID("registry_channel", p.RegistryChannel); err != nil {
			return err
		}
	}
	if p.RegistryTimeoutSeconds > MaxRegistryTimeoutSeconds {
		return errorsmod.Wrapf(ErrInvalidField, "registry_timeout_seconds %d: want at most %d (0 means %d)", p.RegistryTimeoutSeconds, MaxRegistryTimeoutSeconds, DefaultRegistryTimeoutSeconds)
	}
	if p.PintPlatformCode != "" {
		if err := ValidatePlatformCode("pint_platform_code", p.PintPlatformCode); err != nil {
			return err
		}
	}
	return nil
}

// PintCode is this corridor's own eBL platform code in DCSA PINT.
func (p Params) PintCode() string {
	if p.PintPlatformCode == "" {
		return DefaultPintPlatformCode
	}
	return p.PintPlatformCode
}

// RegistryTimeout is how long a reservation may stay in flight.
func (p Params) RegistryTimeout() uint64 {
	if p.RegistryTimeoutSeconds == 0 {
		return DefaultRegistryTimeoutSeconds
	}
	return p.RegistryTimeoutSeconds
}

// ValidateChannelID checks a channel id such as channel-0.
func ValidateChannelID(field, id string) error {
	if err := host.ChannelIdentifierValidator(id); err != nil || !strings.HasPrefix(id, "channel-") {
		return errorsmod.Wrapf(ErrInvalidField, "%s %q: want a channel id such as channel-2", field, truncate(id))
	}
	return nil
}

// MaxCorridorLinks bounds the allowlist (the corridor has two zones today).
const MaxCorridorLinks = 16

// ValidateChainID checks a counterparty chain id: 1-50 characters (CometBFT's
// limit) of lower-case letters, digits, '-', '_' and '.'.
func ValidateChainID(id string) error {
	if id == "" || len(id) > 50 {
		return errorsmod.Wrapf(ErrInvalidField, "chain id %q: want 1-50 characters, e.g. shanghai-1", truncate(id))
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return errorsmod.Wrapf(ErrInvalidField, "chain id %q: use lower-case letters, digits, '-', '_' or '.'", truncate(id))
		}
	}
	return nil
}

// Validate checks a corridor link's identifiers (not the IBC state they name).
func (l CorridorLink) Validate() error {
	if err := ValidateChainID(l.ChainId); err != nil {
		return err
	}
	if err := host.ClientIdentifierValidator(l.ClientId); err != nil || !strings.HasPrefix(l.ClientId, ibcexported.Tendermint+"-") {
		return errorsmod.Wrapf(ErrInvalidField, "client id %q: want a 07-tendermint client id such as 07-tendermint-0", truncate(l.ClientId))
	}
	if err := host.ConnectionIdentifierValidator(l.ConnectionId); err != nil || !strings.HasPrefix(l.ConnectionId, "connection-") {
		return errorsmod.Wrapf(ErrInvalidField, "connection id %q: want a connection id such as connection-0", truncate(l.ConnectionId))
	}
	return nil
}
