package types

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// MaxRequiredDocuments and MaxDiscrepancies bound list fields.
const (
	MaxRequiredDocuments = 10
	MaxPresentedHashes   = 20
	MaxDiscrepancies     = 30
	MaxInvoiceNumber     = 35 // UN/EDIFACT document number length
)

var addr = cargotypes.ValidateAddress

func (m *MsgMintDeposit) ValidateBasic() error {
	if err := addr("bank", m.Bank); err != nil {
		return err
	}
	return ValidateDepositCoin("amount", m.Amount)
}

func (m *MsgBurnDeposit) ValidateBasic() error {
	if err := addr("bank", m.Bank); err != nil {
		return err
	}
	return ValidateDepositCoin("amount", m.Amount)
}

func (m *MsgIssueLC) ValidateBasic() error {
	for _, f := range [][2]string{{"issuing_bank", m.IssuingBank}, {"applicant", m.Applicant}, {"beneficiary", m.Beneficiary}} {
		if err := addr(f[0], f[1]); err != nil {
			return err
		}
	}
	if m.Applicant == m.Beneficiary {
		return errorsmod.Wrap(ErrInvalidField, "applicant and beneficiary are the same party")
	}
	if err := ValidateDepositCoin("amount", m.Amount); err != nil {
		return err
	}
	expiry, err := cargotypes.ParseDate("expiry", m.Expiry)
	if err != nil {
		return err
	}
	latest, err := cargotypes.ParseDate("latest_shipment_date", m.LatestShipmentDate)
	if err != nil {
		return err
	}
	if latest.After(expiry) {
		return errorsmod.Wrapf(ErrInvalidDate, "latest_shipment_date %s is after expiry %s", m.LatestShipmentDate, m.Expiry)
	}
	if m.PresentationDays > 365 {
		return errorsmod.Wrap(ErrInvalidField, "presentation_days above 365")
	}
	if err := validateDocTypes(m.RequiredDocuments); err != nil {
		return err
	}
	if err := cargotypes.ValidateLocode("port_of_loading", m.PortOfLoading); err != nil {
		return err
	}
	if err := cargotypes.ValidateLocode("port_of_discharge", m.PortOfDischarge); err != nil {
		return err
	}
	if m.DeliverBillTo != DELIVER_BILL_TO_APPLICANT && m.DeliverBillTo != DELIVER_BILL_TO_ISSUING_BANK {
		return errorsmod.Wrap(ErrInvalidField, "deliver_bill_to must be APPLICANT or ISSUING_BANK")
	}
	return nil
}

func validateDocTypes(docs []string) error {
	if len(docs) > MaxRequiredDocuments {
		return errorsmod.Wrapf(ErrInvalidField, "at most %d required documents", MaxRequiredDocuments)
	}
	seen := map[string]bool{}
	for _, d := range docs {
		ok := false
		for _, t := range cargotypes.DocTypes {
			ok = ok || d == t
		}
		if !ok || seen[d] {
			return errorsmod.Wrapf(ErrInvalidField, "required document %q: want distinct values among %v", d, cargotypes.DocTypes)
		}
		seen[d] = true
	}
	return nil
}

func (m *MsgAmendLC) ValidateBasic() error {
	if err := addr("issuing_bank", m.IssuingBank); err != nil {
		return err
	}
	a := m.Amendment
	if a.Amount.Denom == "" && a.Expiry == "" && a.LatestShipmentDate == "" {
		return errorsmod.Wrap(ErrInvalidField, "an amendment changes the amount, the expiry or the latest shipment date")
	}
	if a.Amount.Denom != "" {
		if err := ValidateDepositCoin("amendment amount", a.Amount); err != nil {
			return err
		}
	}
	if a.Expiry != "" {
		if _, err := cargotypes.ParseDate("amendment expiry", a.Expiry); err != nil {
			return err
		}
	}
	if a.LatestShipmentDate != "" {
		if _, err := cargotypes.ParseDate("amendment latest_shipment_date", a.LatestShipmentDate); err != nil {
			return err
		}
	}
	return nil
}

func (m *MsgRespondAmendment) ValidateBasic() error { return addr("beneficiary", m.Beneficiary) }

func (m *MsgPresentDocuments) ValidateBasic() error {
	if err := addr("beneficiary", m.Beneficiary); err != nil {
		return err
	}
	if err := cargotypes.ValidateBillID(m.BillId); err != nil {
		return err
	}
	if len(m.DocumentHashes) > MaxPresentedHashes {
		return errorsmod.Wrapf(ErrInvalidField, "at most %d documents", MaxPresentedHashes)
	}
	for _, h := range m.DocumentHashes {
		if err := cargotypes.ValidateHash("document hash", h); err != nil {
			return err
		}
	}
	return nil
}

func (m *MsgExamineDocuments) ValidateBasic() error {
	if err := addr("issuing_bank", m.IssuingBank); err != nil {
		return err
	}
	switch m.Decision {
	case DECISION_COMPLY:
		if len(m.Discrepancies) > 0 {
			return errorsmod.Wrap(ErrInvalidField, "a complying decision lists no discrepancies")
		}
	case DECISION_REFUSE:
		if len(m.Discrepancies) == 0 || len(m.Discrepancies) > MaxDiscrepancies {
			return errorsmod.Wrapf(ErrInvalidField, "a refusal lists every discrepancy at once (1..%d) (UCP 600 Art. 16(c))", MaxDiscrepancies)
		}
		for _, d := range m.Discrepancies {
			if err := cargotypes.ValidateText("discrepancy", d, cargotypes.MaxTextLength); err != nil {
				return err
			}
		}
	default:
		return errorsmod.Wrap(ErrInvalidField, "decision must be COMPLY or REFUSE")
	}
	return nil
}

func (m *MsgWaiveDiscrepancies) ValidateBasic() error { return addr("applicant", m.Applicant) }
func (m *MsgSettlePresentation) ValidateBasic() error { return addr("signer", m.Signer) }
func (m *MsgCloseLC) ValidateBasic() error            { return addr("issuing_bank", m.IssuingBank) }

func (m *MsgRegisterInvoice) ValidateBasic() error {
	if err := addr("seller", m.Seller); err != nil {
		return err
	}
	if err := addr("buyer", m.Buyer); err != nil {
		return err
	}
	if m.Seller == m.Buyer {
		return errorsmod.Wrap(ErrInvalidField, "seller and buyer are the same party")
	}
	if err := cargotypes.ValidateText("number", m.Number, MaxInvoiceNumber); err != nil {
		return err
	}
	if NormalizeInvoiceNumber(m.Number) == "" {
		return errorsmod.Wrapf(ErrInvalidField, "invoice number %q has no letter or digit", m.Number)
	}
	if err := ValidateDepositCoin("amount", m.Amount); err != nil {
		return err
	}
	if _, err := cargotypes.ParseDate("due_date", m.DueDate); err != nil {
		return err
	}
	if err := cargotypes.ValidateHash("document_hash", m.DocumentHash); err != nil {
		return err
	}
	if m.BillId != "" {
		return cargotypes.ValidateBillID(m.BillId)
	}
	return nil
}

func (m *MsgOfferFinancing) ValidateBasic() error {
	if err := addr("bank", m.Bank); err != nil {
		return err
	}
	if err := ValidateDepositCoin("advance", m.Advance); err != nil {
		return err
	}
	if err := ValidateDepositCoin("repayment", m.Repayment); err != nil {
		return err
	}
	if m.Advance.Denom != m.Repayment.Denom || m.Repayment.Amount.LT(m.Advance.Amount) {
		return errorsmod.Wrap(ErrInvalidAmount, "repayment must be in the advance's denom and at least the advance")
	}
	_, err := cargotypes.ParseDate("maturity", m.Maturity)
	return err
}

func (m *MsgAcceptFinancing) ValidateBasic() error { return addr("seller", m.Seller) }

func (m *MsgRepay) ValidateBasic() error {
	if err := addr("payer", m.Payer); err != nil {
		return err
	}
	return ValidateDepositCoin("amount", m.Amount)
}

func (m *MsgDeclareDefault) ValidateBasic() error { return addr("bank", m.Bank) }

func (m *MsgUpdateParams) ValidateBasic() error {
	if err := addr("authority", m.Authority); err != nil {
		return err
	}
	return m.Params.Validate()
}

// Fingerprint is an invoice's corridor identity, the same on every zone:
// hex SHA-256 of
//
//	"tradechain-invoice-v1|" + seller LEI + "|" + buyer LEI + "|" +
//	NormalizeInvoiceNumber(number) + "|" + amount (integer, base units) + "|" + currency
//
// where the LEIs are ISO 17442 (upper case, checksum valid) and currency is
// the ISO 4217 code of the deposit token (td-hkbk-hkd → HKD), so the same
// invoice financed in two banks' tokens of one currency is one invoice. The
// number is normalised so that a respelling — case, separators, leading
// zeros — gives the same fingerprint.
func Fingerprint(sellerLEI, buyerLEI, number string, amount sdk.Coin) string {
	_, ccy, _ := ParseDepositDenom(amount.Denom)
	sum := sha256.Sum256([]byte("tradechain-invoice-v1|" + sellerLEI + "|" + buyerLEI + "|" + NormalizeInvoiceNumber(number) + "|" + amount.Amount.String() + "|" + ccy))
	return hex.EncodeToString(sum[:])
}

// NormalizeInvoiceNumber is the form of an invoice number that fingerprints
// compare: Unicode compatibility-normalised (NFKC: full-width and other
// look-alike forms become their plain letters and digits), upper case, every
// character that is not a letter or a digit removed (spaces, dashes, dots,
// slashes, underscores ...), then the leading zeros of every run of digits
// left removed (a run of zeros only becomes one 0). So "inv-2026-001",
// "INV 2026/001" and "ＩＮＶ．２０２６．００１" are all "INV2026001", and
// "INV-0042", "inv 42" are both "INV42".
func NormalizeInvoiceNumber(number string) string {
	var b strings.Builder
	inDigits, zeros := false, false
	for _, r := range norm.NFKC.String(number) {
		switch {
		case unicode.IsDigit(r):
			if !inDigits {
				inDigits, zeros = true, true
			}
			if zeros && r == '0' {
				continue
			}
			zeros = false
			b.WriteRune(r)
		case unicode.IsLetter(r):
			if inDigits && zeros {
				b.WriteByte('0')
			}
			inDigits, zeros = false, false
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	if inDigits && zeros {
		b.WriteByte('0')
	}
	return b.String()
}
