package pint

import "encoding/json"

// ResponseCode is EnvelopeTransferFinishedResponse.responseCode.
type ResponseCode string

// The PINT 3.0 response codes.
const (
	// RECE: the envelope transfer is accepted.
	RECE ResponseCode = "RECE"
	// DUPE: this envelope was accepted before (same last entry checksum).
	DUPE ResponseCode = "DUPE"
	// BSIG: a signature problem (unknown key, bad signature, a checksum the
	// signed content does not match); the envelope is rejected.
	BSIG ResponseCode = "BSIG"
	// BENV: the envelope itself is not acceptable (wrong recipient, broken
	// chain, bad transactions...); rejected.
	BENV ResponseCode = "BENV"
	// INCD: an additional document's checksum or size does not match; the
	// transfer is not rejected.
	INCD ResponseCode = "INCD"
	// MDOC: additional documents are missing; the transfer is not rejected.
	MDOC ResponseCode = "MDOC"
	// DISE: the envelope contradicts what the receiver knows of the eBL
	// (risk of double spending, e.g. the document is live elsewhere).
	DISE ResponseCode = "DISE"
)

// Accepted reports whether the code accepts the transfer (RECE, DUPE).
func (c ResponseCode) Accepted() bool { return c == RECE || c == DUPE }

// Rejected reports whether the code ends the transfer without accepting it
// (BSIG, BENV, DISE). INCD and MDOC leave it open.
func (c ResponseCode) Rejected() bool { return c == BSIG || c == BENV || c == DISE }

// Valid reports whether c is one of the seven codes.
func (c ResponseCode) Valid() bool {
	switch c {
	case RECE, DUPE, BSIG, BENV, INCD, MDOC, DISE:
		return true
	}
	return false
}

// The Transaction.actionCode values of PINT 3.0.
const (
	ActionIssue                 = "ISSUE"
	ActionTransfer              = "TRANSFER"
	ActionEndorse               = "ENDORSE"
	ActionEndorseToOrder        = "ENDORSE_TO_ORDER"
	ActionBlankEndorse          = "BLANK_ENDORSE"
	ActionSurrenderForDelivery  = "SURRENDER_FOR_DELIVERY"
	ActionSurrenderForAmendment = "SURRENDER_FOR_AMENDMENT"
	ActionSACC                  = "SACC"
	ActionSREJ                  = "SREJ"
	ActionSign                  = "SIGN"
)

// ActionCodes lists the valid action codes.
var ActionCodes = []string{ActionIssue, ActionTransfer, ActionEndorse, ActionEndorseToOrder, ActionBlankEndorse,
	ActionSurrenderForDelivery, ActionSurrenderForAmendment, ActionSACC, ActionSREJ, ActionSign}

// IdentifyingCode identifies a party: codeListProvider (W3C, GLEIF, DCSA,
// an eBL platform code...), partyCode, and optionally codeListName.
type IdentifyingCode struct {
	CodeListProvider string `json:"codeListProvider"`
	PartyCode        string `json:"partyCode"`
	CodeListName     string `json:"codeListName,omitempty"`
}

// TaxLegalReference is a party's tax or legal reference.
type TaxLegalReference struct {
	Type        string `json:"type"`
	CountryCode string `json:"countryCode"`
	Value       string `json:"value"`
}

// RepresentedParty is the party an actor or recipient acts for.
type RepresentedParty struct {
	PartyName        string            `json:"partyName"`
	IdentifyingCodes []IdentifyingCode `json:"identifyingCodes,omitempty"`
}

// Party is PINT's ActorParty and RecipientParty (same members).
type Party struct {
	PartyName          string              `json:"partyName"`
	EblPlatform        string              `json:"eblPlatform"`
	IdentifyingCodes   []IdentifyingCode   `json:"identifyingCodes"`
	TaxLegalReferences []TaxLegalReference `json:"taxLegalReferences,omitempty"`
	RepresentedParty   *RepresentedParty   `json:"representedParty,omitempty"`
}

// Transaction is one action on the eBL recorded in a transfer chain entry.
type Transaction struct {
	ActionCode     string `json:"actionCode"`
	Actor          Party  `json:"actor"`
	Recipient      *Party `json:"recipient,omitempty"`
	ActionDateTime string `json:"actionDateTime"`
	ReasonCode     string `json:"reasonCode,omitempty"`
	Comments       string `json:"comments,omitempty"`
	AuditReference string `json:"auditReference,omitempty"`
}

// EnvelopeTransferChainEntry is the payload of one
// EnvelopeTransferChainEntrySignedContent.
type EnvelopeTransferChainEntry struct {
	EblPlatform                                             string        `json:"eblPlatform"`
	TransportDocumentChecksum                               string        `json:"transportDocumentChecksum"`
	PreviousEnvelopeTransferChainEntrySignedContentChecksum string        `json:"previousEnvelopeTransferChainEntrySignedContentChecksum,omitempty"`
	IssuanceManifestSignedContent                           string        `json:"issuanceManifestSignedContent,omitempty"`
	ControlTrackingRegistry                                 string        `json:"controlTrackingRegistry,omitempty"`
	Transactions                                            []Transaction `json:"transactions"`
}

// DocumentMetadata describes an additional document of an envelope.
type DocumentMetadata struct {
	Name             string `json:"name"`
	Size             int64  `json:"size"`
	MediaType        string `json:"mediaType"`
	DocumentChecksum string `json:"documentChecksum"`
}

// EnvelopeManifest is the payload of EnvelopeManifestSignedContent.
type EnvelopeManifest struct {
	TransportDocumentChecksum                           string             `json:"transportDocumentChecksum"`
	LastEnvelopeTransferChainEntrySignedContentChecksum string             `json:"lastEnvelopeTransferChainEntrySignedContentChecksum"`
	EBLVisualisationByCarrier                           *DocumentMetadata  `json:"eBLVisualisationByCarrier,omitempty"`
	SupportingDocuments                                 []DocumentMetadata `json:"supportingDocuments,omitempty"`
}

// AdditionalDocuments lists the manifest's additional documents (the
// carrier's visualisation first, then the supporting documents).
func (m EnvelopeManifest) AdditionalDocuments() []DocumentMetadata {
	var out []DocumentMetadata
	if m.EBLVisualisationByCarrier != nil {
		out = append(out, *m.EBLVisualisationByCarrier)
	}
	return append(out, m.SupportingDocuments...)
}

// IssuanceManifest is the payload of issuanceManifestSignedContent, signed by
// the carrier (DCSA eBL Issuance API 3.0 and PINT's first chain entry).
type IssuanceManifest struct {
	DocumentChecksum                  string `json:"documentChecksum"`
	EBLVisualisationByCarrierChecksum string `json:"eBLVisualisationByCarrierChecksum,omitempty"`
	IssueToChecksum                   string `json:"issueToChecksum"`
}

// EnvelopeTransferStartedResponse answers the start of an envelope transfer.
type EnvelopeTransferStartedResponse struct {
	EnvelopeReference                                   string   `json:"envelopeReference"`
	TransportDocumentChecksum                           string   `json:"transportDocumentChecksum"`
	LastEnvelopeTransferChainEntrySignedContentChecksum string   `json:"lastEnvelopeTransferChainEntrySignedContentChecksum"`
	MissingAdditionalDocumentChecksums                  []string `json:"missingAdditionalDocumentChecksums"`
}

// EnvelopeTransferFinishedResponse is the payload of the signed answer to an
// envelope transfer (EnvelopeTransferFinishedResponseSignedContent).
type EnvelopeTransferFinishedResponse struct {
	LastEnvelopeTransferChainEntrySignedContentChecksum        string       `json:"lastEnvelopeTransferChainEntrySignedContentChecksum"`
	ResponseCode                                               ResponseCode `json:"responseCode"`
	DuplicateOfAcceptedEnvelopeTransferChainEntrySignedContent string       `json:"duplicateOfAcceptedEnvelopeTransferChainEntrySignedContent,omitempty"`
	Reason                                                     string       `json:"reason,omitempty"`
	MissingAdditionalDocumentChecksums                         []string     `json:"missingAdditionalDocumentChecksums,omitempty"`
	ReceivedAdditionalDocumentChecksums                        []string     `json:"receivedAdditionalDocumentChecksums,omitempty"`
}

// EblEnvelope is the body of POST /v3/envelopes.
type EblEnvelope struct {
	TransportDocument             json.RawMessage `json:"transportDocument"`
	EnvelopeManifestSignedContent string          `json:"envelopeManifestSignedContent"`
	EnvelopeTransferChain         []string        `json:"envelopeTransferChain"`
}

// IssueToParty is the issuance request's issueTo (DCSA eBL Issuance API).
type IssueToParty struct {
	PartyName          string              `json:"partyName"`
	SendToPlatform     string              `json:"sendToPlatform"`
	IdentifyingCodes   []IdentifyingCode   `json:"identifyingCodes"`
	TaxLegalReferences []TaxLegalReference `json:"taxLegalReferences,omitempty"`
}

// IssuanceResponseCode is the DCSA Issuance API's issuanceResponseCode.
type IssuanceResponseCode string

// Issuance response codes.
const (
	ISSU IssuanceResponseCode = "ISSU"
	BREQ IssuanceResponseCode = "BREQ"
	REFU IssuanceResponseCode = "REFU"
)

// DecodeEnvelope reads an EblEnvelope body strictly (no case-folded
// duplicate members).
func DecodeEnvelope(data []byte) (*EblEnvelope, error) {
	var e EblEnvelope
	if err := decodeStrict(data, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// Decode reads a JSON payload strictly into v: a JSON object with no two
// members whose names differ only in case, no trailing data.
func Decode(data []byte, v any) error { return decodeStrict(data, v) }
