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

// object is a JSON object read by exact member names. encoding/json's struct
// decoding matches names case-insensitively, so a document with
// "TransportDocumentStatus" beside "transportDocumentStatus" could have the
// chain read a field the carrier did not mean; here only the exact DCSA name
// counts, and a member whose name differs from a DCSA name only in case is
// refused.
type object map[string]json.RawMessage

// readObject decodes raw as an object and refuses members named like one of
// names but in another case.
func readObject(path string, raw json.RawMessage, names ...string) (object, error) {
	var o object
	if err := json.Unmarshal(raw, &o); err != nil || o == nil {
		return nil, fmt.Errorf("%s must be a JSON object", path)
	}
	for k := range o {
		for _, n := range names {
			if k != n && strings.EqualFold(k, n) {
				return nil, fmt.Errorf("%s has member %q: DCSA names it %q (member names are case-sensitive)", path, prefixed(path, k), n)
			}
		}
	}
	return o, nil
}

func prefixed(path, k string) string {
	if path == "the transport document" {
		return k
	}
	return path + "." + k
}

// has reports whether the member is present and not null.
func (o object) has(k string) bool {
	v, ok := o[k]
	return ok && !bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

// str reads an optional string member ("" when absent or null).
func (o object) str(k string, problems *[]string) string {
	var s string
	if o.has(k) && json.Unmarshal(o[k], &s) != nil {
		*problems = append(*problems, fmt.Sprintf("%s must be a string", k))
	}
	return s
}

// boolean reads a boolean member; nil when absent, null or not a boolean.
func (o object) boolean(k string) *bool {
	var b bool
	if !o.has(k) || json.Unmarshal(o[k], &b) != nil {
		return nil
	}
	return &b
}

// The members of a transport document the chain reads.
var (
	documentMembers  = append([]string{"transportDocumentSubReference", "issueDate", "shippedOnBoardDate"}, RequiredFields...)
	transportMembers = []string{"portOfLoading", "portOfDischarge"}
	partyMembers     = []string{"shipper", "issuingParty", "consignee", "endorsee"}
	locationMembers  = []string{"UNLocationCode"}
)

// Parse reads a DCSA eBL 3.0 transport document, checks what the chain relies
// on, and returns its on-chain fields and canonical hash. Only a document the
// carrier has approved (APPROVED) or issued (ISSUED) may back a bill.
func Parse(data []byte) (*TransportDocument, error) {
	hash, err := Hash(data)
	if err != nil {
		return nil, err
	}
	doc, err := readObject("the transport document", data, documentMembers...)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, f := range RequiredFields {
		if !doc.has(f) {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("required DCSA fields missing: %s", strings.Join(missing, ", "))
	}
	var problems []string
	check := func(ok bool, format string, args ...any) {
		if !ok {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	reference := doc.str("transportDocumentReference", &problems)
	subReference := doc.str("transportDocumentSubReference", &problems)
	status := doc.str("transportDocumentStatus", &problems)
	typeCode := doc.str("transportDocumentTypeCode", &problems)
	carrierCode := doc.str("carrierCode", &problems)
	codeList := doc.str("carrierCodeListProvider", &problems)
	issueDate := doc.str("issueDate", &problems)
	shippedOnBoard := doc.str("shippedOnBoardDate", &problems)
	shippedOnBoardType, electronic, toOrder := doc.boolean("isShippedOnBoardType"), doc.boolean("isElectronic"), doc.boolean("isToOrder")
	transports, err := readObject("transports", doc["transports"], transportMembers...)
	if err != nil {
		return nil, err
	}
	parties, err := readObject("documentParties", doc["documentParties"], partyMembers...)
	if err != nil {
		return nil, err
	}
	port := func(name string) (string, error) {
		if !transports.has(name) {
			return "", nil
		}
		loc, err := readObject("transports."+name, transports[name], locationMembers...)
		if err != nil {
			return "", err
		}
		return loc.str("UNLocationCode", &problems), nil
	}
	pol, err := port("portOfLoading")
	if err != nil {
		return nil, err
	}
	pod, err := port("portOfDischarge")
	if err != nil {
		return nil, err
	}
	check(len(reference) >= 1 && len(reference) <= 20,
		"transportDocumentReference must be 1-20 characters")
	switch status {
	case "APPROVED", "ISSUED":
	case "DRAFT":
		problems = append(problems, "transportDocumentStatus is DRAFT: only a document the carrier has APPROVED (or ISSUED) can be issued as a bill")
	default:
		problems = append(problems, fmt.Sprintf("transportDocumentStatus %q cannot be issued (want APPROVED or ISSUED)", status))
	}
	check(typeCode == "BOL" || typeCode == "SWB", "transportDocumentTypeCode %q: want BOL or SWB", typeCode)
	check(shippedOnBoardType != nil && electronic != nil && toOrder != nil,
		"isShippedOnBoardType, isElectronic and isToOrder must be booleans")
	check(electronic == nil || *electronic, "isElectronic is false: a paper bill cannot be issued on chain")
	check(codeList == "SMDG" || codeList == "NMFTA", "carrierCodeListProvider %q: want SMDG or NMFTA", codeList)
	check(carrierCode != "", "carrierCode is empty")
	for _, f := range [][2]string{{"receiptTypeAtOrigin", doc.str("receiptTypeAtOrigin", &problems)}, {"deliveryTypeAtDestination", doc.str("deliveryTypeAtDestination", &problems)}} {
		check(f[1] == "CY" || f[1] == "SD" || f[1] == "CFS", "%s %q: want CY, SD or CFS", f[0], f[1])
	}
	for _, f := range [][2]string{{"cargoMovementTypeAtOrigin", doc.str("cargoMovementTypeAtOrigin", &problems)}, {"cargoMovementTypeAtDestination", doc.str("cargoMovementTypeAtDestination", &problems)}} {
		check(f[1] == "FCL" || f[1] == "LCL", "%s %q: want FCL or LCL", f[0], f[1])
	}
	check(pol != "", "transports.portOfLoading.UNLocationCode is missing")
	check(pod != "", "transports.portOfDischarge.UNLocationCode is missing")
	check(parties.has("shipper") && parties.has("issuingParty"), "documentParties must name the shipper and the issuingParty")
	if toOrder != nil && !*toOrder {
		check(parties.has("consignee"), "a straight bill (isToOrder=false) must name documentParties.consignee")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("the transport document cannot be issued:\n  - %s", strings.Join(problems, "\n  - "))
	}
	return &TransportDocument{
		Reference:          reference,
		SubReference:       subReference,
		Status:             status,
		TypeCode:           typeCode,
		IsToOrder:          *toOrder,
		HasEndorsee:        parties.has("endorsee"),
		CarrierCode:        carrierCode,
		CarrierCodeList:    codeList,
		PortOfLoading:      pol,
		PortOfDischarge:    pod,
		IssueDate:          issueDate,
		ShippedOnBoardDate: shippedOnBoard,
		Hash:               hash,
	}, nil
}
