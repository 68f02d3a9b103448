package types

import (
	"encoding/base64"
	"unicode/utf8"

	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

const (
	// MaxValidatorPower is the largest power the zone authority may give one
	// validator (consensus-power units; 1 = 10^6 utrade of bonded stake).
	MaxValidatorPower = 1_000_000
	// MaxPowerChangePercent of the last block's total voting power may change
	// within one block: CometBFT's light clients (the other zone's client of
	// this one among them) trust a new header only if validators holding more
	// than 1/3 of the trusted set's power signed it, so a block must keep
	// well over 2/3 of the set it inherits.
	MaxPowerChangePercent = 30
	// MaxMonikerLength is x/staking's limit for a moniker.
	MaxMonikerLength = 70
)

// ValidateBasic checks a validator-set change.
func (m *MsgSetValidatorPower) ValidateBasic() error {
	if err := ValidateAddress("authority", m.Authority); err != nil {
		return err
	}
	if m.ValidatorAddress == "" {
		return errorsmod.Wrap(ErrInvalidAddress, "validator_address is empty: give the operator address (tradevaloper1...)")
	}
	if _, err := sdk.ValAddressFromBech32(m.ValidatorAddress); err != nil {
		return errorsmod.Wrapf(ErrInvalidAddress, "validator_address %q: %v (an operator address, tradevaloper1...)", m.ValidatorAddress, err)
	}
	if m.Power > MaxValidatorPower {
		return errorsmod.Wrapf(ErrValidatorSet, "power %d is above the limit %d", m.Power, MaxValidatorPower)
	}
	if m.ConsensusPubkey != "" {
		if _, err := DecodeConsensusPubKey(m.ConsensusPubkey); err != nil {
			return err
		}
	}
	if !utf8.ValidString(m.Moniker) || len(m.Moniker) > MaxMonikerLength {
		return errorsmod.Wrapf(ErrValidatorSet, "moniker must be UTF-8 of at most %d bytes", MaxMonikerLength)
	}
	return nil
}

// DecodeConsensusPubKey decodes a node's ed25519 consensus key given in
// base64, as `tradechaind comet show-validator` prints it.
func DecodeConsensusPubKey(s string) (*ed25519.PubKey, error) {
	bz, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errorsmod.Wrapf(ErrValidatorSet, "consensus_pubkey is not base64: %v (give the \"key\" of `tradechaind comet show-validator`)", err)
	}
	if len(bz) != ed25519.PubKeySize {
		return nil, errorsmod.Wrapf(ErrValidatorSet, "consensus_pubkey has %d bytes, an ed25519 key has %d (give the \"key\" of `tradechaind comet show-validator`)", len(bz), ed25519.PubKeySize)
	}
	return &ed25519.PubKey{Key: bz}, nil
}
