package types

import (
	"crypto/sha256"
	"encoding/hex"

	errorsmod "cosmossdk.io/errors"

	"github.com/tradechain/tradechain/internal/identity"
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
//	"tradechain-invoice-v2|" + seller LEI + "|" + buyer LEI + "|" + NormalizeInvoiceNumber(number)
//
// where the LEIs are ISO 17442 (upper case, checksum valid). An invoice is
// its seller, its buyer and its number: neither its amount nor its currency
// is part of it, so the same invoice registered again with another amount is
// the same invoice (refused), and the number is read by meaning
// (NormalizeInvoiceNumber). Releases before v3 hashed "tradechain-invoice-v1|"
// with the amount and currency; the v3 upgrade re-keyed every invoice.
func Fingerprint(sellerLEI, buyerLEI, number string) string {
	sum := sha256.Sum256([]byte("tradechain-invoice-v2|" + sellerLEI + "|" + buyerLEI + "|" + NormalizeInvoiceNumber(number)))
	return hex.EncodeToString(sum[:])
}

// NormalizeInvoiceNumber is the form of an invoice number that fingerprints
// compare, identity.Fold: compatibility forms (NFKC: full-width and the
// like) become plain, case does not matter, only letters and digits count
// (spaces, dashes, dots, slashes, '#' ... do not), look-alike characters of
// other scripts are one character (the UTS #39 confusable skeleton: Cyrillic
// "А" is Latin "A", Greek "Ο" and the digit "0" are "O", "1" and "I" are one),
// accents do not count, and zeros that pad a number are dropped. So
// "inv-2026-001", "INV 2026/001", "ＩＮＶ．２０２６．００１" and
// "ІNV-2О26-ОО1" (Cyrillic І and О) are one number, and "INV-0042" is
// "inv 42". The result is for comparing only ("INV-2026-001" → "1NV2026001").
func NormalizeInvoiceNumber(number string) string { return identity.Fold(number) }
