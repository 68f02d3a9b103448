package types

import errorsmod "cosmossdk.io/errors"

// Default parameter values.
const (
	DefaultMaxTextLength        = 256
	DefaultMaxMilestonesPerBill = 200
)

// DefaultParams returns the default x/cargo parameters (no admin: governance only).
func DefaultParams() Params {
	return Params{MaxTextLength: DefaultMaxTextLength, MaxMilestonesPerBill: DefaultMaxMilestonesPerBill}
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
	return nil
}
