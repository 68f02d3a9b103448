package types

import (
	"strings"

	errorsmod "cosmossdk.io/errors"
)

// ParseHoldSubject reads "bill" or "party" (or the enum name).
func ParseHoldSubject(s string) (HoldSubject, error) {
	switch strings.ToUpper(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "HOLD_SUBJECT_")) {
	case "BILL":
		return HOLD_SUBJECT_BILL, nil
	case "PARTY":
		return HOLD_SUBJECT_PARTY, nil
	}
	return HOLD_SUBJECT_UNSPECIFIED, errorsmod.Wrapf(ErrInvalidField, "hold subject %q: want bill or party", truncate(s))
}

// ValidateHoldSubject checks a hold's subject: a bill id or a party address.
func ValidateHoldSubject(kind HoldSubject, subject string) error {
	switch kind {
	case HOLD_SUBJECT_BILL:
		return ValidateBillID(subject)
	case HOLD_SUBJECT_PARTY:
		return ValidateAddress("party", subject)
	}
	return errorsmod.Wrapf(ErrInvalidField, "hold subject kind %s: want HOLD_SUBJECT_BILL or HOLD_SUBJECT_PARTY", kind)
}

func validateHoldMsg(regulator string, kind HoldSubject, subject, reason string) error {
	if err := ValidateAddress("regulator", regulator); err != nil {
		return err
	}
	if err := ValidateHoldSubject(kind, subject); err != nil {
		return err
	}
	return ValidateText("reason", reason, MaxTextLength)
}

// ValidateBasic checks a hold.
func (m *MsgPlaceHold) ValidateBasic() error {
	return validateHoldMsg(m.Regulator, m.SubjectKind, m.Subject, m.Reason)
}

// ValidateBasic checks a lift.
func (m *MsgLiftHold) ValidateBasic() error {
	return validateHoldMsg(m.Regulator, m.SubjectKind, m.Subject, m.Reason)
}

// Validate checks a hold record (genesis).
func (h Hold) Validate() error {
	if err := validateHoldMsg(h.PlacedBy, h.SubjectKind, h.Subject, h.Reason); err != nil {
		return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
	}
	return nil
}
