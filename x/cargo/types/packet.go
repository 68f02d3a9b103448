package types

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"

	errorsmod "cosmossdk.io/errors"
)

// NonFungibleTokenPacketData is the ICS-721 v1 packet data the cargo port
// sends. tokenIds carries the bill id; tokenData the control record — hashes,
// holder of record, version, history head and length — never document content.
type NonFungibleTokenPacketData struct {
	ClassId   string   `json:"classId"`
	ClassUri  string   `json:"classUri,omitempty"`
	ClassData string   `json:"classData,omitempty"`
	TokenIds  []string `json:"tokenIds"`
	TokenUris []string `json:"tokenUris,omitempty"`
	TokenData []string `json:"tokenData,omitempty"`
	Sender    string   `json:"sender"`
	Receiver  string   `json:"receiver"`
	Memo      string   `json:"memo,omitempty"`
}

// BillRecord is the control record carried in tokenData (base64 of its JSON).
// Checksum is the hex SHA-256 of the JSON of the record with Checksum empty.
type BillRecord struct {
	ID                 string `json:"id"`
	Carrier            string `json:"carrier"`
	Type               int32  `json:"type"`
	Mode               int32  `json:"mode"`
	Holder             string `json:"holder"`
	Shipper            string `json:"shipper,omitempty"`
	Consignee          string `json:"consignee,omitempty"`
	Endorsee           string `json:"endorsee,omitempty"`
	DocumentHash       string `json:"documentHash"`
	Version            uint64 `json:"version"`
	PortOfLoading      string `json:"portOfLoading"`
	PortOfDischarge    string `json:"portOfDischarge"`
	IssueDate          string `json:"issueDate"`
	ShippedOnBoardDate string `json:"shippedOnBoardDate,omitempty"`
	HomeZone           string `json:"homeZone"`
	HistoryHead        string `json:"historyHead"`
	HistoryLen         uint64 `json:"historyLen"`
	// History is the latest entries of the bill's history, up to and
	// including the SEND (at most MaxCarriedHistory): the destination stores
	// those it lacks, so the whole endorsement chain can be read on either
	// zone. They are authenticated by the hash chain itself — each hashes to
	// its head, consecutive ones link, the last is historyHead.
	History  []HistoryEntry `json:"history,omitempty"`
	Checksum string         `json:"checksum"`
}

// MaxCarriedHistory is how many of a bill's latest history entries a packet
// carries to the other zone.
const MaxCarriedHistory = 48

// MaxPacketDataSize bounds what OnRecvPacket decodes (a bill with
// MaxCarriedHistory history entries with remarks fits).
const MaxPacketDataSize = 64 << 10

func (r BillRecord) sum() string {
	r.Checksum = ""
	bz, _ := json.Marshal(r) // a struct of strings and ints always marshals
	h := sha256.Sum256(bz)
	return hex.EncodeToString(h[:])
}

// RecordOf builds the sealed control record of a bill.
func RecordOf(b Bill) BillRecord {
	r := BillRecord{
		ID: b.Id, Carrier: b.Carrier, Type: int32(b.Type), Mode: int32(b.Mode), Holder: b.Holder, Shipper: b.Shipper,
		Consignee: b.Consignee, Endorsee: b.Endorsee, DocumentHash: b.DocumentHash, Version: b.Version,
		PortOfLoading: b.PortOfLoading, PortOfDischarge: b.PortOfDischarge, IssueDate: b.IssueDate,
		ShippedOnBoardDate: b.ShippedOnBoardDate, HomeZone: b.HomeZone, HistoryHead: b.HistoryHead, HistoryLen: b.HistoryLen,
	}
	r.Checksum = r.sum()
	return r
}

// Bill returns the record as a bill (status, trace and holder to be set by the receiver).
func (r BillRecord) Bill() Bill {
	return Bill{
		Id: r.ID, Carrier: r.Carrier, Type: BillType(r.Type), Mode: BillMode(r.Mode), Holder: r.Holder, Shipper: r.Shipper,
		Consignee: r.Consignee, Endorsee: r.Endorsee, DocumentHash: r.DocumentHash, Version: r.Version,
		PortOfLoading: r.PortOfLoading, PortOfDischarge: r.PortOfDischarge, IssueDate: r.IssueDate,
		ShippedOnBoardDate: r.ShippedOnBoardDate, HomeZone: r.HomeZone, HistoryHead: r.HistoryHead, HistoryLen: r.HistoryLen,
		Status: BILL_STATUS_ISSUED,
	}
}

// NewPacketData packs one bill for the receiver on the other zone.
func NewPacketData(b Bill, receiver, memo string) NonFungibleTokenPacketData {
	return NewPacketDataWithHistory(b, nil, receiver, memo)
}

// NewPacketDataWithHistory packs one bill and its latest history entries
// (oldest first, ending at the bill's history head).
func NewPacketDataWithHistory(b Bill, history []HistoryEntry, receiver, memo string) NonFungibleTokenPacketData {
	r := RecordOf(b)
	if len(history) > 0 {
		r.History = history
		r.Checksum = r.sum()
	}
	rec, _ := json.Marshal(r)
	return NonFungibleTokenPacketData{
		ClassId: b.Trace, TokenIds: []string{b.Id}, TokenData: []string{base64.StdEncoding.EncodeToString(rec)},
		Sender: b.Holder, Receiver: receiver, Memo: memo,
	}
}

// GetBytes returns the deterministic JSON bytes sent on the wire.
func (d NonFungibleTokenPacketData) GetBytes() []byte {
	bz, err := json.Marshal(d)
	if err != nil {
		panic(err)
	}
	return bz
}

// ValidateBasic checks the packet data's shape: one eBL of a cargo class.
func (d NonFungibleTokenPacketData) ValidateBasic() error {
	if d.ClassId != ClassID && !(strings.HasPrefix(d.ClassId, PortID+"/") && strings.HasSuffix(d.ClassId, "/"+ClassID)) {
		return errorsmod.Wrapf(ErrInvalidPacket, "class %q is not an eBL class trace", truncate(d.ClassId))
	}
	if len(d.TokenIds) != 1 || len(d.TokenData) != 1 {
		return errorsmod.Wrap(ErrInvalidPacket, "a cargo packet carries exactly one bill")
	}
	if err := ValidateBillID(d.TokenIds[0]); err != nil {
		return errorsmod.Wrap(ErrInvalidPacket, err.Error())
	}
	if err := ValidateAddress("sender", d.Sender); err != nil {
		return errorsmod.Wrap(ErrInvalidPacket, err.Error())
	}
	if err := ValidateAddress("receiver", d.Receiver); err != nil {
		return errorsmod.Wrap(ErrInvalidPacket, err.Error())
	}
	return ValidateOptionalText("memo", d.Memo, MaxTextLength)
}

// DecodePacketData parses and validates packet bytes.
func DecodePacketData(bz []byte) (NonFungibleTokenPacketData, error) {
	var d NonFungibleTokenPacketData
	if len(bz) > MaxPacketDataSize {
		return d, errorsmod.Wrapf(ErrInvalidPacket, "packet data is %d bytes; the limit is %d", len(bz), MaxPacketDataSize)
	}
	if err := json.Unmarshal(bz, &d); err != nil {
		return d, errorsmod.Wrapf(ErrInvalidPacket, "cannot decode ICS-721 packet data: %v", err)
	}
	return d, d.ValidateBasic()
}

// Record decodes the control record and checks that it is intact: its
// checksum matches, it describes the token id, the sender holds it, and it is
// a valid live bill.
func (d NonFungibleTokenPacketData) Record() (BillRecord, error) {
	var r BillRecord
	raw, err := base64.StdEncoding.DecodeString(d.TokenData[0])
	if err != nil {
		return r, errorsmod.Wrap(ErrRecordTampered, "tokenData is not base64")
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, errorsmod.Wrapf(ErrRecordTampered, "tokenData is not a bill record: %v", err)
	}
	if r.Checksum != r.sum() {
		return r, errorsmod.Wrap(ErrRecordTampered, "the record's checksum does not match its content")
	}
	if r.ID != d.TokenIds[0] || r.Holder != d.Sender {
		return r, errorsmod.Wrap(ErrRecordTampered, "the record names another bill or holder than the packet")
	}
	if err := r.Bill().Validate(); err != nil {
		return r, errorsmod.Wrap(ErrRecordTampered, err.Error())
	}
	if err := r.verifyHistory(); err != nil {
		return r, errorsmod.Wrap(ErrRecordTampered, err.Error())
	}
	return r, nil
}

// verifyHistory checks the carried entries: of this bill, at most
// MaxCarriedHistory, a hash chain (HistoryVerifier's rules) ending at the
// record's history head and length.
func (r BillRecord) verifyHistory() error {
	if len(r.History) == 0 {
		return nil
	}
	if len(r.History) > MaxCarriedHistory {
		return errorsmod.Wrapf(ErrInvalidField, "%d history entries carried; at most %d", len(r.History), MaxCarriedHistory)
	}
	var v HistoryVerifier
	for i, e := range r.History {
		if e.BillId != r.ID {
			return errorsmod.Wrapf(ErrInvalidField, "history entry %d is of bill %s", e.Sequence, truncate(e.BillId))
		}
		if i > 0 && e.Sequence != r.History[i-1].Sequence+1 {
			return errorsmod.Wrapf(ErrInvalidField, "carried history skips from %d to %d", r.History[i-1].Sequence, e.Sequence)
		}
		if err := ValidateRemark(e.Remark); err != nil {
			return err
		}
		if err := v.Next(e); err != nil {
			return err
		}
	}
	return v.Finish(r.Bill())
}
