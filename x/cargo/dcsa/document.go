package dcsa

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// RequiredFields are the top-level members a DCSA eBL 3.0 transport document must have.
var RequiredFields = []string{
	"transportDocumentReference", "transportDocumentStatus", "transportDocumentTypeCode",
	"isShippedOnBoardType", "isElectronic", "isToOrder", "invoicePayableAt", "partyContactDetails",
	"documentParties", "consignmentItems", "utilizedTransportEquipments", "termsAndConditions",
	"receiptTypeAtOrigin", "deliveryTypeAtDestination", "cargoMovementTypeAtOrigin",
	"cargoMovementTypeAtDestination", "carrierCode", "carrierCodeListProvider", "transports",
}

// TransportDocument is what the chain needs from a DCSA transport document.
type TransportDocument struct {
	Reference          string
	SubReference       string
	Status             string
	TypeCode           string // BOL | SWB
	IsToOrder          bool
	HasEndorsee        bool
	CarrierCode        string
	CarrierCodeList    string
	PortOfLoading      string
	PortOfDischarge    string
	IssueDate          string
	ShippedOnBoardDate string
	// Hash is the lower-case hex SHA-256 of the RFC 8785 canonical JSON.
	Hash string
}

// Mode returns the on-chain bill mode per DCSA: isToOrder=false → straight;
// to order with an endorsee → to order; to order without one → blank endorsed.
func (d TransportDocument) Mode() string {
	switch {
	case !d.IsToOrder:
		return "STRAIGHT"
	case d.HasEndorsee:
		return "TO_ORDER"
	default:
		return "BLANK"
	}
}

type rawDocument struct {
	TransportDocumentReference    string `json:"transportDocumentReference"`
	TransportDocumentSubReference string `json:"transportDocumentSubReference"`
	TransportDocumentStatus       string `json:"transportDocumentStatus"`
	TransportDocumentTypeCode     string `json:"transportDocumentTypeCode"`
	IsShippedOnBoardType          *bool  `json:"isShippedOnBoardType"`
	IsElectronic                  *bool  `json:"isElectronic"`
	IsToOrder                     *bool  `json:"isToOrder"`
	CarrierCode                   string `json:"carrierCode"`
	CarrierCodeListProvider       string `json:"carrierCodeListProvider"`
	IssueDate                     string `json:"issueDate"`
	ShippedOnBoardDate            string `json:"shippedOnBoardDate"`
	ReceiptTypeAtOrigin           string `json:"receiptTypeAtOrigin"`
	DeliveryTypeAtDestination     string `json:"deliveryTypeAtDestination"`
	CargoMovementTypeAtOrigin     string `json:"cargoMovementTypeAtOrigin"`
	CargoMovementTypeAtDest       string `json:"cargoMovementTypeAtDestination"`
	Transports                    *struct {
		PortOfLoading   *location `json:"portOfLoading"`
		PortOfDischarge *location `json:"portOfDischarge"`
	} `json:"transports"`
	DocumentParties map[string]json.RawMessage `json:"documentParties"`
}

type location struct {
	UNLocationCode string `json:"UNLocationCode"`
}

// Parse reads a DCSA eBL 3.0 transport document, checks what the chain relies
// on, and returns its on-chain fields and canonical hash. Only a document the
// carrier has approved (APPROVED) or issued (ISSUED) may back a bill.
func Parse(data []byte) (*TransportDocument, error) {
	hash, err := Hash(data)
	if err != nil {
		return nil, err
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return nil, fmt.Errorf("a transport document is a JSON object: %w", err)
	}
	var missing []string
	for _, f := range RequiredFields {
		if v, ok := members[f]; !ok || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("required DCSA fields missing: %s", strings.Join(missing, ", "))
	}
	var raw rawDocument
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("DCSA field has the wrong type: %w", err)
	}

	var problems []string
	check := func(ok bool, format string, args ...any) {
		if !ok {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	check(len(raw.TransportDocumentReference) >= 1 && len(raw.TransportDocumentReference) <= 20,
		"transportDocumentReference must be 1-20 characters")
	switch raw.TransportDocumentStatus {
	case "APPROVED", "ISSUED":
	case "DRAFT":
		problems = append(problems, "transportDocumentStatus is DRAFT: only a document the carrier has APPROVED (or ISSUED) can be issued as a bill")
	default:
		problems = append(problems, fmt.Sprintf("transportDocumentStatus %q cannot be issued (want APPROVED or ISSUED)", raw.TransportDocumentStatus))
	}
	check(raw.TransportDocumentTypeCode == "BOL" || raw.TransportDocumentTypeCode == "SWB",
		"transportDocumentTypeCode %q: want BOL or SWB", raw.TransportDocumentTypeCode)
	check(raw.IsShippedOnBoardType != nil && raw.IsElectronic != nil && raw.IsToOrder != nil,
		"isShippedOnBoardType, isElectronic and isToOrder must be booleans")
	check(raw.IsElectronic == nil || *raw.IsElectronic, "isElectronic is false: a paper bill cannot be issued on chain")
	check(raw.CarrierCodeListProvider == "SMDG" || raw.CarrierCodeListProvider == "NMFTA",
		"carrierCodeListProvider %q: want SMDG or NMFTA", raw.CarrierCodeListProvider)
	check(raw.CarrierCode != "", "carrierCode is empty")
	for _, f := range [][2]string{{"receiptTypeAtOrigin", raw.ReceiptTypeAtOrigin}, {"deliveryTypeAtDestination", raw.DeliveryTypeAtDestination}} {
		check(f[1] == "CY" || f[1] == "SD" || f[1] == "CFS", "%s %q: want CY, SD or CFS", f[0], f[1])
	}
	for _, f := range [][2]string{{"cargoMovementTypeAtOrigin", raw.CargoMovementTypeAtOrigin}, {"cargoMovementTypeAtDestination", raw.CargoMovementTypeAtDest}} {
		check(f[1] == "FCL" || f[1] == "LCL", "%s %q: want FCL or LCL", f[0], f[1])
	}
	var pol, pod string
	if raw.Transports != nil && raw.Transports.PortOfLoading != nil {
		pol = raw.Transports.PortOfLoading.UNLocationCode
	}
	if raw.Transports != nil && raw.Transports.PortOfDischarge != nil {
		pod = raw.Transports.PortOfDischarge.UNLocationCode
	}
	check(pol != "", "transports.portOfLoading.UNLocationCode is missing")
	check(pod != "", "transports.portOfDischarge.UNLocationCode is missing")
	_, hasShipper := raw.DocumentParties["shipper"]
	_, hasIssuer := raw.DocumentParties["issuingParty"]
	check(hasShipper && hasIssuer, "documentParties must name the shipper and the issuingParty")
	if raw.IsToOrder != nil && !*raw.IsToOrder {
		_, hasConsignee := raw.DocumentParties["consignee"]
		check(hasConsignee, "a straight bill (isToOrder=false) must name documentParties.consignee")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("the transport document cannot be issued:\n  - %s", strings.Join(problems, "\n  - "))
	}
	_, hasEndorsee := raw.DocumentParties["endorsee"]
	return &TransportDocument{
		Reference:          raw.TransportDocumentReference,
		SubReference:       raw.TransportDocumentSubReference,
		Status:             raw.TransportDocumentStatus,
		TypeCode:           raw.TransportDocumentTypeCode,
		IsToOrder:          *raw.IsToOrder,
		HasEndorsee:        hasEndorsee,
		CarrierCode:        raw.CarrierCode,
		CarrierCodeList:    raw.CarrierCodeListProvider,
		PortOfLoading:      pol,
		PortOfDischarge:    pod,
		IssueDate:          raw.IssueDate,
		ShippedOnBoardDate: raw.ShippedOnBoardDate,
		Hash:               hash,
	}, nil
}
