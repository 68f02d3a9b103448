package types

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/internal/identity"
)

// Hard bounds on field sizes, enforced statelessly. Params may tighten text
// fields further (max_text_length) but never loosen these.
const (
	MaxReferenceLength = 20 // DCSA transportDocumentReference
	MaxPartyCodeLength = 16 // SCAC is 4, SMDG up to 10, BIC 8/11
	MaxBillIDLength    = MaxPartyCodeLength + 1 + MaxReferenceLength
	MaxTextLength      = 512 // absolute cap for names, reasons, purposes
	MaxRoles           = 8
	DateLayout         = "2006-01-02"
)

var (
	reHash      = regexp.MustCompile(`^[0-9a-f]{64}$`)
	reLocode    = regexp.MustCompile(`^[A-Z]{2}[A-Z2-9]{3}$`)
	reCode      = regexp.MustCompile(`^[A-Z0-9]{2,16}$`)
	reReference = regexp.MustCompile(`^[A-Za-z0-9._~]{1,20}$`)
	reBillID    = regexp.MustCompile(`^[A-Z0-9]{2,16}-[A-Za-z0-9._~]{1,20}$`)
	reLEI       = regexp.MustCompile(`^[A-Z0-9]{18}[0-9]{2}$`)
	reCountry   = regexp.MustCompile(`^[A-Z]{2}$`)
)

// EventCodes are the DCSA track-and-trace event codes RecordMilestone accepts.
var EventCodes = []string{"GTIN", "LOAD", "DEPA", "ARRI", "DISC", "GTOT", "CUSR", "CUSI", "CUSS", "INSP"}

// Classifiers are the DCSA event classifiers: planned, estimated, actual.
var Classifiers = []string{"PLN", "EST", "ACT"}

// AmendmentReasons are the DCSA surrender-for-amendment reason codes.
var AmendmentReasons = []string{"SWTP", "COD", "SWI"}

// DocTypes are the types of anchored trade documents (what a letter of
// credit may require). A party anchors any of them but TRANSPORT_DOCUMENT
// (PartyDocTypes): a transport document is anchored by its bill.
var DocTypes = []string{"COMMERCIAL_INVOICE", "PACKING_LIST", "CERTIFICATE_OF_ORIGIN", "INSURANCE", "INSPECTION", DocTypeTransportDocument, "OTHER"}

// DocTypeTransportDocument is the type of a bill's own document anchor.
const DocTypeTransportDocument = "TRANSPORT_DOCUMENT"

// PartyDocTypes are the document types a party anchors (MsgAnchorDocument).
func PartyDocTypes() []string {
	out := make([]string, 0, len(DocTypes)-1)
	for _, t := range DocTypes {
		if t != DocTypeTransportDocument {
			out = append(out, t)
		}
	}
	return out
}

func oneOf(s string, set []string) bool {
	for _, v := range set {
		if s == v {
			return true
		}
	}
	return false
}

// ValidateAddress checks a bech32 account address; field names the message field.
func ValidateAddress(field, addr string) error {
	if addr == "" {
		return errorsmod.Wrapf(ErrInvalidAddress, "%s is empty", field)
	}
	if _, err := sdk.AccAddressFromBech32(addr); err != nil {
		return errorsmod.Wrapf(ErrInvalidAddress, "%s %q: %v", field, addr, err)
	}
	return nil
}

// ValidateOptionalAddress is ValidateAddress that accepts the empty string.
func ValidateOptionalAddress(field, addr string) error {
	if addr == "" {
		return nil
	}
	return ValidateAddress(field, addr)
}

// ValidateText checks a required free-text field: non-empty, at most max
// characters, printable.
func ValidateText(field, s string, max int) error {
	if s == "" {
		return errorsmod.Wrapf(ErrInvalidField, "%s is empty", field)
	}
	return ValidateOptionalText(field, s, max)
}

// ValidateOptionalText is ValidateText that accepts the empty string.
func ValidateOptionalText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return errorsmod.Wrapf(ErrInvalidField, "%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return errorsmod.Wrapf(ErrInvalidField, "%s is %d characters long; the limit is %d", field, n, max)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return errorsmod.Wrapf(ErrInvalidField, "%s contains a control character", field)
		}
	}
	return nil
}

// ValidateHash checks a lower-case hex SHA-256.
func ValidateHash(field, h string) error {
	if !reHash.MatchString(h) {
		return errorsmod.Wrapf(ErrInvalidHash, "%s %q", field, truncate(h))
	}
	return nil
}

// ValidateLocode checks a UN/LOCODE such as CNSHA or HKHKG.
func ValidateLocode(field, l string) error {
	if !reLocode.MatchString(l) {
		return errorsmod.Wrapf(ErrInvalidLocode, "%s %q", field, truncate(l))
	}
	return nil
}

// ParseDate parses a YYYY-MM-DD date.
func ParseDate(field, d string) (time.Time, error) {
	t, err := time.Parse(DateLayout, d)
	if err != nil || t.Year() < 1900 || t.Year() > 2999 {
		return time.Time{}, errorsmod.Wrapf(ErrInvalidDate, "%s %q: want YYYY-MM-DD", field, truncate(d))
	}
	return t, nil
}

// ValidatePartyCode checks a party code: 2-16 upper-case letters or digits.
func ValidatePartyCode(code string) error {
	if !reCode.MatchString(code) {
		return errorsmod.Wrapf(ErrInvalidField, "party code %q: want 2-16 upper-case letters or digits", truncate(code))
	}
	return nil
}

// ValidateReference checks a DCSA transportDocumentReference usable in a bill
// id, with a letter or digit that identifies it (BillKey reads it by meaning).
func ValidateReference(ref string) error {
	if !reReference.MatchString(ref) {
		return errorsmod.Wrapf(ErrInvalidField, "transport document reference %q: want 1-%d characters from A-Z a-z 0-9 . _ ~", truncate(ref), MaxReferenceLength)
	}
	if identity.Fold(ref) == "" {
		return errorsmod.Wrapf(ErrInvalidField, "transport document reference %q has no letter or digit that identifies it", truncate(ref))
	}
	return nil
}

// ValidateBillID checks a bill id: <carrier code>-<reference>.
func ValidateBillID(id string) error {
	if !reBillID.MatchString(id) {
		return errorsmod.Wrapf(ErrInvalidField, "bill id %q: want <CARRIERCODE>-<reference>, e.g. MSC-D8931B95625E4B339F2A", truncate(id))
	}
	return nil
}

// BillID builds the bill id from the carrier's party code and the DCSA reference.
func BillID(carrierCode, reference string) string { return carrierCode + "-" + reference }

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// Validate checks a party record.
func (p Party) Validate() error {
	if err := ValidateAddress("party address", p.Address); err != nil {
		return err
	}
	if err := ValidatePartyCode(p.Code); err != nil {
		return err
	}
	if err := ValidateText("party name", p.Name, MaxTextLength); err != nil {
		return err
	}
	if p.Lei != "" {
		if err := ValidateLEI("lei", p.Lei); err != nil {
			return err
		}
	}
	if !reCountry.MatchString(p.Jurisdiction) {
		return errorsmod.Wrapf(ErrInvalidField, "jurisdiction %q: want an ISO 3166 alpha-2 code such as HK or CN", truncate(p.Jurisdiction))
	}
	if len(p.Roles) == 0 || len(p.Roles) > MaxRoles {
		return errorsmod.Wrapf(ErrInvalidField, "a party needs between 1 and %d roles", MaxRoles)
	}
	seen := map[Role]bool{}
	for _, r := range p.Roles {
		if _, ok := Role_name[int32(r)]; !ok || r == ROLE_UNSPECIFIED {
			return errorsmod.Wrapf(ErrInvalidField, "unknown role %d", r)
		}
		if seen[r] {
			return errorsmod.Wrapf(ErrInvalidField, "role %s listed twice", r)
		}
		seen[r] = true
	}
	return nil
}

// HasRole reports whether the party holds role r.
func (p Party) HasRole(r Role) bool {
	for _, x := range p.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// IsLive reports whether the bill is a live, controllable record on this zone
// (not terminal, not a tombstone). IN_TRANSIT and EXPORTING bills are live
// but frozen.
func (b Bill) IsLive() bool {
	switch b.Status {
	case BILL_STATUS_SURRENDERED_FOR_DELIVERY, BILL_STATUS_VOIDED, BILL_STATUS_TRANSFERRED_OUT,
		BILL_STATUS_PENDING, BILL_STATUS_REJECTED_DUPLICATE, BILL_STATUS_EXPORTED:
		return false
	}
	return true
}

// ValidateLEI checks an ISO 17442 Legal Entity Identifier: 18 upper-case
// letters or digits and two check digits that make the whole number, letters
// read as 10..35, equal 1 modulo 97 (ISO 7064 MOD 97-10).
func ValidateLEI(field, lei string) error {
	if !reLEI.MatchString(lei) {
		return errorsmod.Wrapf(ErrInvalidField, "%s %q: want a 20-character ISO 17442 LEI (18 letters or digits and 2 check digits)", field, truncate(lei))
	}
	if leiMod97(lei) != 1 {
		return errorsmod.Wrapf(ErrInvalidField, "%s %s: the check digits are wrong (ISO 7064 MOD 97-10); copy the LEI from the GLEIF record", field, lei)
	}
	return nil
}

// leiMod97 is the value of an LEI's characters (digits as themselves,
// letters A..Z as 10..35) modulo 97.
func leiMod97(s string) int {
	m := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			m = (m*10 + int(r-'0')) % 97
		default:
			m = (m*100 + int(r-'A'+10)) % 97
		}
	}
	return m
}

// MakeLEI builds a well-formed LEI for test and simulation parties: the
// upper-cased prefix padded with zeros (or cut) to 18 characters, then its
// check digits.
func MakeLEI(prefix string) string {
	p := (strings.ToUpper(prefix) + strings.Repeat("0", 18))[:18]
	d := 98 - leiMod97(p+"00") // the check digits that make the whole LEI 1 mod 97
	return p + string([]byte{byte('0' + d/10), byte('0' + d%10)})
}

// MaxRemarkLength bounds the remark an actor may leave on a bill action.
const MaxRemarkLength = 120

// ValidateRemark checks an optional remark: at most 120 bytes of UTF-8 text
// without control characters.
func ValidateRemark(r string) error {
	if len(r) > MaxRemarkLength {
		return errorsmod.Wrapf(ErrInvalidField, "remark has %d bytes; at most %d", len(r), MaxRemarkLength)
	}
	if !utf8.ValidString(r) {
		return errorsmod.Wrap(ErrInvalidField, "remark is not UTF-8 text")
	}
	for _, c := range r {
		if unicode.IsControl(c) {
			return errorsmod.Wrapf(ErrInvalidField, "remark contains the control character %U; write it on one line of text", c)
		}
	}
	return nil
}
