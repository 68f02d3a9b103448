package types

import (
	"strings"
	"unicode"
	"unicode/utf8"

	errorsmod "cosmossdk.io/errors"

	"github.com/tradechain/tradechain/x/cargo/dcsa"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
)

// DCSA PINT on chain (issue 37).
const (
	// DefaultPintPlatformCode is the corridor's own eBL platform code in
	// PINT while params.pint_platform_code is empty. DCSA's eblPlatform list
	// has no code for the corridor yet; zones set theirs in params.
	DefaultPintPlatformCode = "TRDC"
	// MaxPlatformCodeLength is DCSA's eblPlatform maxLength.
	MaxPlatformCodeLength = 4
	// MaxEndpointLength bounds an eBL platform's endpoint URL.
	MaxEndpointLength = 512
	// MaxTransferChainEntries bounds the transfer chain of an imported envelope.
	MaxTransferChainEntries = 64
	// MaxEnvelopeBytes bounds what one MsgImportBill carries: transport
	// document, manifest and transfer chain together — below CometBFT's
	// default mempool max_tx_bytes (1 MiB), with room for the rest of the tx.
	MaxEnvelopeBytes = 900 << 10
	// MaxRecipientCodes bounds the identifying codes of an export's recipient.
	MaxRecipientCodes = 10
	// MaxPartyNameLength is DCSA's partyName maxLength.
	MaxPartyNameLength = 70

	// History actions of PINT transfers.
	ActionImported       = "IMPORTED"
	ActionExport         = "EXPORT"
	ActionExportAccepted = "EXPORT_ACCEPTED"
	ActionExportRefused  = "EXPORT_REFUSED"
	// ActionExportWithdrawn: the zone authority withdrew an export that got
	// no signed answer; the bill went back to the holder who exported it.
	ActionExportWithdrawn = "EXPORT_WITHDRAWN"
	// MaxWithdrawReasonLength bounds MsgWithdrawExport's reason.
	MaxWithdrawReasonLength = 200
)

// ValidatePlatformCode checks a DCSA eblPlatform code: 1-4 printable
// characters without spaces.
func ValidatePlatformCode(field, code string) error {
	if code == "" || len(code) > MaxPlatformCodeLength {
		return errorsmod.Wrapf(ErrPintPlatformCode, "%s %q", field, truncate(code))
	}
	for _, r := range code {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return errorsmod.Wrapf(ErrPintPlatformCode, "%s %q", field, truncate(code))
		}
	}
	return nil
}

// Validate checks a trusted platform as set by the zone authority: its code,
// name, endpoint and that its JWKS parses with allowed public keys only.
func (p EblPlatform) Validate() error {
	if err := ValidatePlatformCode("code", p.Code); err != nil {
		return err
	}
	if err := ValidateText("name", p.Name, MaxPartyNameLength); err != nil {
		return err
	}
	if err := ValidateOptionalText("endpoint", p.Endpoint, MaxEndpointLength); err != nil {
		return err
	}
	if p.Endpoint != "" && !strings.HasPrefix(p.Endpoint, "https://") && !strings.HasPrefix(p.Endpoint, "http://") {
		return errorsmod.Wrapf(ErrInvalidField, "endpoint %q: want an http(s) URL", truncate(p.Endpoint))
	}
	_, err := p.KeySet()
	return err
}

// KeySet parses the platform's JWKS.
func (p EblPlatform) KeySet() (*pint.KeySet, error) {
	ks, err := pint.ParseJWKS([]byte(p.Jwks))
	if err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidJWKS, "platform %s: %v", p.Code, err)
	}
	return ks, nil
}

// Validate checks an identifying code.
func (c IdentifyingCode) Validate() error {
	if err := ValidateText("code_list_provider", c.CodeListProvider, 100); err != nil {
		return err
	}
	if err := ValidateText("party_code", c.PartyCode, 150); err != nil {
		return err
	}
	return ValidateOptionalText("code_list_name", c.CodeListName, 100)
}

// Validate checks an imported envelope record.
func (e PintEnvelope) Validate() error {
	if err := ValidateBillID(e.BillId); err != nil {
		return err
	}
	if err := ValidatePlatformCode("platform", e.Platform); err != nil {
		return err
	}
	if e.Sequence == 0 {
		return errorsmod.Wrap(ErrInvalidField, "pint envelope sequence is 0")
	}
	if len(e.TransferChain) == 0 || len(e.TransferChain) != len(e.EntryChecksums) {
		return errorsmod.Wrapf(ErrInvalidField, "pint envelope of bill %s: %d chain entries, %d checksums", e.BillId, len(e.TransferChain), len(e.EntryChecksums))
	}
	for i, c := range e.TransferChain {
		if pint.Checksum(c) != e.EntryChecksums[i] {
			return errorsmod.Wrapf(ErrInvalidField, "pint envelope of bill %s: entry %d does not hash to its checksum", e.BillId, i)
		}
	}
	if e.LastEntryChecksum != e.EntryChecksums[len(e.EntryChecksums)-1] {
		return errorsmod.Wrapf(ErrInvalidField, "pint envelope of bill %s: last entry checksum", e.BillId)
	}
	return ValidateHash("transport_document_checksum", e.TransportDocumentChecksum)
}

// ValidateBasic checks MsgSetEblPlatform.
func (m *MsgSetEblPlatform) ValidateBasic() error {
	if err := ValidateAddress("authority", m.Authority); err != nil {
		return err
	}
	return m.Platform.Validate()
}

// ValidateBasic checks MsgRemoveEblPlatform.
func (m *MsgRemoveEblPlatform) ValidateBasic() error {
	if err := ValidateAddress("authority", m.Authority); err != nil {
		return err
	}
	return ValidatePlatformCode("code", m.Code)
}

// ValidateBasic checks MsgImportBill's sizes and shapes (the envelope itself
// is verified by the keeper against the platforms' on-chain keys).
func (m *MsgImportBill) ValidateBasic() error {
	if err := ValidateAddress("platform", m.Platform); err != nil {
		return err
	}
	if err := ValidateAddress("recipient", m.Recipient); err != nil {
		return err
	}
	if err := ValidatePlatformCode("sending_platform", m.SendingPlatform); err != nil {
		return err
	}
	if len(m.TransportDocument) == 0 || len(m.TransportDocument) > dcsa.MaxDocumentSize {
		return errorsmod.Wrapf(ErrPintEnvelope, "transport_document is %d bytes (1..%d)", len(m.TransportDocument), dcsa.MaxDocumentSize)
	}
	if m.EnvelopeManifest == "" {
		return errorsmod.Wrap(ErrPintEnvelope, "envelope_manifest is empty")
	}
	if n := len(m.TransferChain); n == 0 || n > MaxTransferChainEntries {
		return errorsmod.Wrapf(ErrPintEnvelope, "transfer_chain has %d entries (1..%d)", n, MaxTransferChainEntries)
	}
	total := len(m.TransportDocument) + len(m.EnvelopeManifest)
	for _, e := range m.TransferChain {
		total += len(e)
	}
	if total > MaxEnvelopeBytes {
		return errorsmod.Wrapf(ErrPintEnvelope, "the envelope is %d bytes; the limit is %d", total, MaxEnvelopeBytes)
	}
	return nil
}

// ValidateBasic checks MsgExportBill.
func (m *MsgExportBill) ValidateBasic() error {
	if err := validateHolderAndBill(m.Holder, m.BillId); err != nil {
		return err
	}
	if err := ValidatePlatformCode("platform", m.Platform); err != nil {
		return err
	}
	if err := ValidateText("recipient_name", m.RecipientName, MaxPartyNameLength); err != nil {
		return err
	}
	if n := len(m.RecipientCodes); n == 0 || n > MaxRecipientCodes {
		return errorsmod.Wrapf(ErrInvalidField, "recipient_codes: %d given, want 1..%d (DCSA identifyingCodes)", n, MaxRecipientCodes)
	}
	for _, c := range m.RecipientCodes {
		if err := c.Validate(); err != nil {
			return errorsmod.Wrap(err, "recipient_codes")
		}
	}
	return ValidateRemark(m.Remark)
}

// ValidateBasic checks MsgWithdrawExport.
func (m *MsgWithdrawExport) ValidateBasic() error {
	if err := ValidateAddress("authority", m.Authority); err != nil {
		return err
	}
	if err := ValidateBillID(m.BillId); err != nil {
		return err
	}
	if strings.TrimSpace(m.Reason) == "" || len(m.Reason) > MaxWithdrawReasonLength || !utf8.ValidString(m.Reason) {
		return errorsmod.Wrapf(ErrInvalidField, "reason: say why the export is withdrawn and what the receiving platform confirmed (1..%d bytes of UTF-8 text)", MaxWithdrawReasonLength)
	}
	return nil
}

// ValidateBasic checks MsgConcludeExport.
func (m *MsgConcludeExport) ValidateBasic() error {
	if err := ValidateAddress("platform", m.Platform); err != nil {
		return err
	}
	if err := ValidateBillID(m.BillId); err != nil {
		return err
	}
	if m.SignedResponse == "" || len(m.SignedResponse) > pint.MaxJWSSize {
		return errorsmod.Wrapf(ErrPintResponse, "signed_response is %d bytes (1..%d)", len(m.SignedResponse), pint.MaxJWSSize)
	}
	return ValidateHash("last_entry_checksum", m.LastEntryChecksum)
}
