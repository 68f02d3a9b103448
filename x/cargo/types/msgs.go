package types

import (
	"fmt"
	"strings"
	"time"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

var (
	_ sdk.Msg = &MsgIssueBill{}
	_ sdk.Msg = &MsgTransferBill{}
	_ sdk.Msg = &MsgEndorseBill{}
	_ sdk.Msg = &MsgBlankEndorseBill{}
	_ sdk.Msg = &MsgRequestSurrender{}
	_ sdk.Msg = &MsgAcceptSurrender{}
	_ sdk.Msg = &MsgRejectSurrender{}
	_ sdk.Msg = &MsgAmendBill{}
	_ sdk.Msg = &MsgVoidBill{}
	_ sdk.Msg = &MsgRecordMilestone{}
	_ sdk.Msg = &MsgAnchorDocument{}
	_ sdk.Msg = &MsgGrantConsent{}
	_ sdk.Msg = &MsgRevokeConsent{}
	_ sdk.Msg = &MsgRegisterParty{}
	_ sdk.Msg = &MsgUpdateParty{}
	_ sdk.Msg = &MsgUpdateParams{}
	_ sdk.Msg = &MsgSplitBill{}
	_ sdk.Msg = &MsgCombineBills{}
	_ sdk.Msg = &MsgWithdrawAnchor{}
)

// ValidateBasic performs the stateless checks of MsgIssueBill.
func (m *MsgIssueBill) ValidateBasic() error {
	if err := ValidateRemark(m.Remark); err != nil {
		return err
	}
	if err := ValidateAddress("carrier", m.Carrier); err != nil {
		return err
	}
	if err := ValidateReference(m.TransportDocumentReference); err != nil {
		return err
	}
	if m.Type != BILL_TYPE_BOL && m.Type != BILL_TYPE_SWB {
		return errorsmod.Wrap(ErrInvalidField, "type must be BILL_TYPE_BOL or BILL_TYPE_SWB")
	}
	switch m.Mode {
	case BILL_MODE_STRAIGHT:
		if m.Consignee == "" {
			return errorsmod.Wrap(ErrInvalidField, "a STRAIGHT bill must name its consignee")
		}
	case BILL_MODE_TO_ORDER, BILL_MODE_BLANK:
		if m.Type == BILL_TYPE_SWB {
			return errorsmod.Wrap(ErrInvalidField, "a sea waybill (SWB) is never to order: use mode STRAIGHT")
		}
	default:
		return errorsmod.Wrap(ErrInvalidField, "mode must be BILL_MODE_STRAIGHT, BILL_MODE_TO_ORDER or BILL_MODE_BLANK")
	}
	if m.Mode == BILL_MODE_BLANK && m.Endorsee != "" {
		return errorsmod.Wrap(ErrInvalidField, "a BLANK bill names no endorsee")
	}
	if err := ValidateAddress("issue_to", m.IssueTo); err != nil {
		return err
	}
	if err := ValidateOptionalAddress("consignee", m.Consignee); err != nil {
		return err
	}
	if err := ValidateOptionalAddress("endorsee", m.Endorsee); err != nil {
		return err
	}
	if err := ValidateHash("document_hash", m.DocumentHash); err != nil {
		return err
	}
	if err := ValidateLocode("port_of_loading", m.PortOfLoading); err != nil {
		return err
	}
	if err := ValidateLocode("port_of_discharge", m.PortOfDischarge); err != nil {
		return err
	}
	if m.PortOfLoading == m.PortOfDischarge {
		return errorsmod.Wrap(ErrInvalidField, "port_of_loading and port_of_discharge are the same")
	}
	issued, err := ParseDate("issue_date", m.IssueDate)
	if err != nil {
		return err
	}
	if m.ShippedOnBoardDate != "" {
		shipped, err := ParseDate("shipped_on_board_date", m.ShippedOnBoardDate)
		if err != nil {
			return err
		}
		if shipped.After(issued) {
			return errorsmod.Wrapf(ErrInvalidDate, "shipped_on_board_date %s is after issue_date %s: a shipped bill is issued on or after loading", m.ShippedOnBoardDate, m.IssueDate)
		}
	}
	return nil
}

func validateHolderAndBill(holder, billID string) error {
	if err := ValidateAddress("holder", holder); err != nil {
		return err
	}
	return ValidateBillID(billID)
}

func validateCarrierAndBill(carrier, billID string) error {
	if err := ValidateAddress("carrier", carrier); err != nil {
		return err
	}
	return ValidateBillID(billID)
}

// ValidateBasic performs the stateless checks of MsgTransferBill.
func (m *MsgTransferBill) ValidateBasic() error {
	if err := ValidateRemark(m.Remark); err != nil {
		return err
	}
	if err := validateHolderAndBill(m.Holder, m.BillId); err != nil {
		return err
	}
	if err := ValidateAddress("to", m.To); err != nil {
		return err
	}
	if m.To == m.Holder {
		return errorsmod.Wrap(ErrInvalidField, "to is the current holder")
	}
	return nil
}

// ValidateBasic performs the stateless checks of MsgEndorseBill.
func (m *MsgEndorseBill) ValidateBasic() error {
	if err := ValidateRemark(m.Remark); err != nil {
		return err
	}
	if err := validateHolderAndBill(m.Holder, m.BillId); err != nil {
		return err
	}
	if err := ValidateAddress("endorsee", m.Endorsee); err != nil {
		return err
	}
	if m.Endorsee == m.Holder {
		return errorsmod.Wrap(ErrInvalidField, "endorsee is the current holder")
	}
	return nil
}

// ValidateBasic performs the stateless checks of MsgBlankEndorseBill.
func (m *MsgBlankEndorseBill) ValidateBasic() error {
	if err := ValidateRemark(m.Remark); err != nil {
		return err
	}
	return validateHolderAndBill(m.Holder, m.BillId)
}

// ValidateBasic performs the stateless checks of MsgRequestSurrender.
func (m *MsgRequestSurrender) ValidateBasic() error {
	if err := ValidateRemark(m.Remark); err != nil {
		return err
	}
	if err := validateHolderAndBill(m.Holder, m.BillId); err != nil {
		return err
	}
	switch m.Purpose {
	case SURRENDER_PURPOSE_DELIVERY:
		if m.Reason != "" {
			return errorsmod.Wrap(ErrInvalidField, "a surrender for delivery takes no reason code")
		}
	case SURRENDER_PURPOSE_AMENDMENT:
		if !oneOf(m.Reason, AmendmentReasons) {
			return errorsmod.Wrapf(ErrInvalidField, "reason %q: a surrender for amendment needs one of %v", truncate(m.Reason), AmendmentReasons)
		}
	default:
		return errorsmod.Wrap(ErrInvalidField, "purpose must be SURRENDER_PURPOSE_DELIVERY or SURRENDER_PURPOSE_AMENDMENT")
	}
	return nil
}

// ValidateBasic performs the stateless checks of MsgAcceptSurrender.
func (m *MsgAcceptSurrender) ValidateBasic() error {
	if err := ValidateRemark(m.Remark); err != nil {
		return err
	}
	return validateCarrierAndBill(m.Carrier, m.BillId)
}

// ValidateBasic performs the stateless checks of MsgRejectSurrender.
func (m *MsgRejectSurrender) ValidateBasic() error {
	if err := ValidateRemark(m.Remark); err != nil {
		return err
	}
	if err := validateCarrierAndBill(m.Carrier, m.BillId); err != nil {
		return err
	}
	return ValidateText("reason", m.Reason, MaxTextLength)
}

// ValidateBasic performs the stateless checks of MsgAmendBill.
func (m *MsgAmendBill) ValidateBasic() error {
	if err := ValidateRemark(m.Remark); err != nil {
		return err
	}
	if err := validateCarrierAndBill(m.Carrier, m.BillId); err != nil {
		return err
	}
	if err := ValidateHash("new_document_hash", m.NewDocumentHash); err != nil {
		return err
	}
	if m.PortOfLoading != "" {
		if err := ValidateLocode("port_of_loading", m.PortOfLoading); err != nil {
			return err
		}
	}
	if m.PortOfDischarge != "" {
		if err := ValidateLocode("port_of_discharge", m.PortOfDischarge); err != nil {
			return err
		}
	}
	if m.ShippedOnBoardDate != "" {
		if _, err := ParseDate("shipped_on_board_date", m.ShippedOnBoardDate); err != nil {
			return err
		}
	}
	return ValidateOptionalAddress("consignee", m.Consignee)
}

// ValidateBasic performs the stateless checks of MsgVoidBill.
func (m *MsgVoidBill) ValidateBasic() error {
	if err := ValidateRemark(m.Remark); err != nil {
		return err
	}
	if err := validateCarrierAndBill(m.Carrier, m.BillId); err != nil {
		return err
	}
	if !oneOf(m.Reason, AmendmentReasons) {
		return errorsmod.Wrapf(ErrInvalidField, "reason %q: a void needs the DCSA reason code, one of %v (SWTP switch to paper, COD change of destination, SWI switch B/L); explain in --remark", truncate(m.Reason), AmendmentReasons)
	}
	return nil
}

// MaxReplacements bounds a split's new bills and a combination's old ones.
const MaxReplacements = 20

// Validate checks a replacement document's reference and hash; field names
// it in the error.
func (r BillReplacement) Validate(field string) error {
	if err := ValidateReference(r.TransportDocumentReference); err != nil {
		return errorsmod.Wrap(err, field)
	}
	return ValidateHash(field+".document_hash", r.DocumentHash)
}

// ValidateBasic performs the stateless checks of MsgSplitBill.
func (m *MsgSplitBill) ValidateBasic() error {
	if err := ValidateRemark(m.Remark); err != nil {
		return err
	}
	if err := validateCarrierAndBill(m.Carrier, m.BillId); err != nil {
		return err
	}
	if n := len(m.Replacements); n < 2 || n > MaxReplacements {
		return errorsmod.Wrapf(ErrInvalidField, "a split makes 2 to %d new bills; got %d (to reissue one, use amend-bill)", MaxReplacements, n)
	}
	refs, hashes := map[string]bool{}, map[string]bool{}
	for i, r := range m.Replacements {
		field := fmt.Sprintf("replacements[%d]", i)
		if err := r.Validate(field); err != nil {
			return err
		}
		if refs[r.TransportDocumentReference] || hashes[r.DocumentHash] {
			return errorsmod.Wrapf(ErrInvalidField, "%s repeats a reference or document hash: each new bill has its own transport document", field)
		}
		refs[r.TransportDocumentReference], hashes[r.DocumentHash] = true, true
	}
	return nil
}

// ValidateBasic performs the stateless checks of MsgCombineBills.
func (m *MsgCombineBills) ValidateBasic() error {
	if err := ValidateRemark(m.Remark); err != nil {
		return err
	}
	if err := ValidateAddress("carrier", m.Carrier); err != nil {
		return err
	}
	if n := len(m.BillIds); n < 2 || n > MaxReplacements {
		return errorsmod.Wrapf(ErrInvalidField, "a combination replaces 2 to %d bills; got %d", MaxReplacements, n)
	}
	seen := map[string]bool{}
	for _, id := range m.BillIds {
		if err := ValidateBillID(id); err != nil {
			return err
		}
		if seen[id] {
			return errorsmod.Wrapf(ErrInvalidField, "bill %s is listed twice", id)
		}
		seen[id] = true
	}
	return m.Replacement.Validate("replacement")
}

// ValidateBasic performs the stateless checks of MsgRecordMilestone.
func (m *MsgRecordMilestone) ValidateBasic() error {
	if err := ValidateAddress("recorder", m.Recorder); err != nil {
		return err
	}
	if err := ValidateBillID(m.BillId); err != nil {
		return err
	}
	if !oneOf(m.EventCode, EventCodes) {
		return errorsmod.Wrapf(ErrUnknownEventCode, "event code %q: want one of %v", truncate(m.EventCode), EventCodes)
	}
	if !oneOf(m.Classifier, Classifiers) {
		return errorsmod.Wrapf(ErrUnknownEventCode, "classifier %q: want one of %v", truncate(m.Classifier), Classifiers)
	}
	if err := ValidateLocode("location", m.Location); err != nil {
		return err
	}
	if m.EventTime.IsZero() || m.EventTime.Before(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)) {
		return errorsmod.Wrap(ErrInvalidDate, "event_time is missing")
	}
	return nil
}

// ValidateBasic performs the stateless checks of MsgAnchorDocument.
func (m *MsgAnchorDocument) ValidateBasic() error {
	if err := ValidateAddress("owner", m.Owner); err != nil {
		return err
	}
	if err := ValidateHash("hash", m.Hash); err != nil {
		return err
	}
	if m.DocType == DocTypeTransportDocument {
		return errorsmod.Wrap(ErrTransportDocument, "a party does not anchor a transport document: its carrier anchors it by issuing the bill (issue-bill), and an amendment by amend-bill; anchor your own documents as one of "+strings.Join(PartyDocTypes(), ", "))
	}
	if !oneOf(m.DocType, DocTypes) {
		return errorsmod.Wrapf(ErrInvalidField, "doc_type %q: want one of %v", truncate(m.DocType), PartyDocTypes())
	}
	if m.BillId != "" {
		return ValidateBillID(m.BillId)
	}
	return nil
}

// ValidateBasic performs the stateless checks of MsgWithdrawAnchor.
func (m *MsgWithdrawAnchor) ValidateBasic() error {
	if err := ValidateAddress("anchorer", m.Anchorer); err != nil {
		return err
	}
	if err := ValidateHash("hash", m.Hash); err != nil {
		return err
	}
	return ValidateText("reason", m.Reason, MaxTextLength)
}

// ValidateBasic performs the stateless checks of MsgGrantConsent.
func (m *MsgGrantConsent) ValidateBasic() error {
	if err := ValidateAddress("granter", m.Granter); err != nil {
		return err
	}
	if err := ValidateAddress("grantee", m.Grantee); err != nil {
		return err
	}
	if m.Granter == m.Grantee {
		return errorsmod.Wrap(ErrInvalidField, "a party cannot grant consent to itself")
	}
	if err := ValidateConsentScope(m.Scope); err != nil {
		return err
	}
	if strings.TrimSpace(m.Purpose) == "" {
		return errorsmod.Wrap(ErrInvalidField, "purpose is required: say what the grantee may use the data for (e.g. \"invoice financing\")")
	}
	if err := ValidateText("purpose", m.Purpose, MaxTextLength); err != nil {
		return err
	}
	if m.ExpiresAt.IsZero() {
		return errorsmod.Wrap(ErrConsentExpired, "expires_at is missing")
	}
	return nil
}

// ValidateBasic performs the stateless checks of MsgRevokeConsent.
func (m *MsgRevokeConsent) ValidateBasic() error {
	if err := ValidateAddress("granter", m.Granter); err != nil {
		return err
	}
	if m.ConsentId == 0 {
		return errorsmod.Wrap(ErrInvalidField, "consent_id is missing")
	}
	return nil
}

// ValidateBasic performs the stateless checks of MsgRegisterParty.
func (m *MsgRegisterParty) ValidateBasic() error {
	if err := ValidateAddress("authority", m.Authority); err != nil {
		return err
	}
	return m.Party.Validate()
}

// ValidateBasic performs the stateless checks of MsgUpdateParty.
func (m *MsgUpdateParty) ValidateBasic() error {
	if err := ValidateAddress("authority", m.Authority); err != nil {
		return err
	}
	return m.Party.Validate()
}

// ValidateBasic performs the stateless checks of MsgUpdateParams.
func (m *MsgUpdateParams) ValidateBasic() error {
	if err := ValidateAddress("authority", m.Authority); err != nil {
		return err
	}
	return m.Params.Validate()
}

var _ sdk.Msg = &MsgSendBill{}

// ValidateBasic performs the stateless checks of MsgSendBill.
func (m *MsgSendBill) ValidateBasic() error {
	if err := ValidateRemark(m.Remark); err != nil {
		return err
	}
	if err := validateHolderAndBill(m.Holder, m.BillId); err != nil {
		return err
	}
	if !strings.HasPrefix(m.Channel, "channel-") || len(m.Channel) > 64 {
		return errorsmod.Wrapf(ErrInvalidChannel, "channel %q: want a channel id such as channel-1", truncate(m.Channel))
	}
	if err := ValidateAddress("receiver", m.Receiver); err != nil {
		return err
	}
	return ValidateOptionalText("memo", m.Memo, MaxTextLength)
}

// ValidateBasic performs the stateless checks of MsgSetCorridorLink.
func (m *MsgSetCorridorLink) ValidateBasic() error {
	if err := ValidateAddress("authority", m.Authority); err != nil {
		return err
	}
	return m.Link.Validate()
}

// ValidateBasic performs the stateless checks of MsgRemoveCorridorLink.
func (m *MsgRemoveCorridorLink) ValidateBasic() error {
	if err := ValidateAddress("authority", m.Authority); err != nil {
		return err
	}
	return ValidateChainID(m.ChainId)
}

// ValidateBasic checks a transfer rejection.
func (m *MsgRejectTransfer) ValidateBasic() error {
	if err := ValidateRemark(m.Remark); err != nil {
		return err
	}
	return validateHolderAndBill(m.Holder, m.BillId)
}

// ValidateBasic checks an endorsement rejection.
func (m *MsgRejectEndorsement) ValidateBasic() error {
	if err := ValidateRemark(m.Remark); err != nil {
		return err
	}
	return validateHolderAndBill(m.Holder, m.BillId)
}

// ValidateConsentScope checks a consent scope: "*", "doc:<hash>" or a bill id.
func ValidateConsentScope(scope string) error {
	switch {
	case scope == ConsentScopeAll:
		return nil
	case strings.HasPrefix(scope, ConsentScopeDocPrefix):
		if err := ValidateHash("scope", strings.TrimPrefix(scope, ConsentScopeDocPrefix)); err != nil {
			return errorsmod.Wrapf(ErrInvalidScope, "%q: %v", scope, err)
		}
		return nil
	default:
		if err := ValidateBillID(scope); err != nil {
			return errorsmod.Wrapf(ErrInvalidScope, "%q is neither *, doc:<hash> nor a bill id: %v", scope, err)
		}
		return nil
	}
}

var _ sdk.Msg = &MsgRecordAccess{}

// ValidateBasic performs the stateless checks of MsgRecordAccess.
func (m *MsgRecordAccess) ValidateBasic() error {
	if err := ValidateAddress("platform", m.Platform); err != nil {
		return err
	}
	if err := ValidateAddress("grantee", m.Grantee); err != nil {
		return err
	}
	if m.ConsentId == 0 {
		return errorsmod.Wrap(ErrInvalidField, "consent_id is required")
	}
	return ValidateHash("document_hash", m.DocumentHash)
}
