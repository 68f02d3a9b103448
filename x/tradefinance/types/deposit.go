package types

import (
	"regexp"
	"strings"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

var reDeposit = regexp.MustCompile(`^td-([a-z0-9]{2,16})-([a-z]{3})$`)

// DepositDenom returns the denom of bank `code`'s deposit token in currency ccy:
// td-<bankcode>-<ccy>, lower case, no '/'.
func DepositDenom(bankCode, ccy string) string {
	return DepositPrefix + strings.ToLower(bankCode) + "-" + strings.ToLower(ccy)
}

// ParseDepositDenom returns the bank code (upper case, as registered) and the
// currency (upper case ISO 4217) of a deposit denom.
func ParseDepositDenom(denom string) (bankCode, ccy string, err error) {
	m := reDeposit.FindStringSubmatch(denom)
	if m == nil {
		return "", "", errorsmod.Wrapf(ErrNotDepositDenom, "%q: want td-<bankcode>-<ccy>, e.g. td-hkbk-hkd", denom)
	}
	return strings.ToUpper(m[1]), strings.ToUpper(m[2]), nil
}

// IsDepositDenom reports whether denom is a deposit-token denom.
func IsDepositDenom(denom string) bool { return reDeposit.MatchString(denom) }

// ValidateDepositCoin checks a positive amount of a deposit token.
func ValidateDepositCoin(field string, c sdk.Coin) error {
	if _, _, err := ParseDepositDenom(c.Denom); err != nil {
		return errorsmod.Wrap(err, field)
	}
	if c.Amount.IsNil() || !c.Amount.IsPositive() {
		return errorsmod.Wrapf(ErrInvalidAmount, "%s must be positive", field)
	}
	return nil
}
