package types

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/cosmos/gogoproto/proto"
)

// MarshalJSONPB writes a bill as gogoproto's jsonpb would, field by field,
// without jsonpb's per-field reflection and tag parsing — which made up most
// of the CPU of a REST page of bills (docs/performance.md). The output is
// byte-for-byte jsonpb's for every option the REST gateway and the CLI use
// (TestBillJSONMatchesJSONPB, FuzzBillJSON); an indented encoding is left to
// jsonpb itself.
func (b *Bill) MarshalJSONPB(m *jsonpb.Marshaler) ([]byte, error) {
	if m.Indent != "" {
		return jsonpbBytes(m, (*plainBill)(b))
	}
	w := jsonWriter{m: m, buf: make([]byte, 0, 1024)}
	w.bill(b)
	return w.buf, w.err
}

// MarshalJSONPB writes a page of bills — the REST answer of
// /tradechain/cargo/v1/bills — into one buffer: each bill as Bill's
// MarshalJSONPB writes it, the page's own fields as jsonpb would.
func (r *QueryBillsResponse) MarshalJSONPB(m *jsonpb.Marshaler) ([]byte, error) {
	if m.Indent != "" {
		return jsonpbBytes(m, (*plainBillsResponse)(r))
	}
	w := jsonWriter{m: m, buf: make([]byte, 0, 256+len(r.Bills)*1024)}
	w.buf = append(w.buf, '{')
	if len(r.Bills) > 0 || m.EmitDefaults {
		w.name("bills", "bills")
		w.buf = append(w.buf, '[')
		for i := range r.Bills {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.bill(&r.Bills[i])
		}
		w.buf = append(w.buf, ']')
	}
	if r.Pagination != nil {
		w.msg("pagination", "pagination", r.Pagination)
	} else {
		w.null("pagination", "pagination")
	}
	w.buf = append(w.buf, '}')
	return w.buf, w.err
}

// plainBillsResponse is a QueryBillsResponse without MarshalJSONPB.
type plainBillsResponse QueryBillsResponse

func (p *plainBillsResponse) Reset()         { *p = plainBillsResponse{} }
func (p *plainBillsResponse) String() string { return (*QueryBillsResponse)(p).String() }
func (*plainBillsResponse) ProtoMessage()    {}

// bill appends b as one JSON object (its fields have their own commas).
func (w *jsonWriter) bill(b *Bill) {
	outer := w.comma
	w.comma = false
	w.buf = append(w.buf, '{')
	w.str("id", "id", b.Id)
	w.str("carrier", "carrier", b.Carrier)
	w.enum("type", "type", int32(b.Type), BillType_name)
	w.enum("mode", "mode", int32(b.Mode), BillMode_name)
	w.str("holder", "holder", b.Holder)
	w.str("shipper", "shipper", b.Shipper)
	w.str("consignee", "consignee", b.Consignee)
	w.str("endorsee", "endorsee", b.Endorsee)
	w.str("document_hash", "documentHash", b.DocumentHash)
	w.uint("version", "version", b.Version)
	w.str("port_of_loading", "portOfLoading", b.PortOfLoading)
	w.str("port_of_discharge", "portOfDischarge", b.PortOfDischarge)
	w.str("issue_date", "issueDate", b.IssueDate)
	w.str("shipped_on_board_date", "shippedOnBoardDate", b.ShippedOnBoardDate)
	w.enum("status", "status", int32(b.Status), BillStatus_name)
	if b.Lien != nil {
		w.msg("lien", "lien", b.Lien)
	} else {
		w.null("lien", "lien")
	}
	w.str("home_zone", "homeZone", b.HomeZone)
	w.str("trace", "trace", b.Trace)
	w.str("history_head", "historyHead", b.HistoryHead)
	w.uint("history_len", "historyLen", b.HistoryLen)
	if b.Surrender != nil {
		w.msg("surrender", "surrender", b.Surrender)
	} else {
		w.null("surrender", "surrender")
	}
	w.str("transferred_via", "transferredVia", b.TransferredVia)
	w.enum("corridor_status", "corridorStatus", int32(b.CorridorStatus), ReservationStatus_name)
	w.str("control_zone", "controlZone", b.ControlZone)
	w.str("departed_holder", "departedHolder", b.DepartedHolder)
	if b.Offer != nil {
		w.msg("offer", "offer", b.Offer)
	} else {
		w.null("offer", "offer")
	}
	w.strs("replaces", "replaces", b.Replaces)
	w.strs("replaced_by", "replacedBy", b.ReplacedBy)
	if b.PendingAmendment != nil {
		w.msg("pending_amendment", "pendingAmendment", b.PendingAmendment)
	} else {
		w.null("pending_amendment", "pendingAmendment")
	}
	if b.Export != nil {
		w.msg("export", "export", b.Export)
	} else {
		w.null("export", "export")
	}
	w.str("imported_from", "importedFrom", b.ImportedFrom)
	w.uint("status_since", "statusSince", b.StatusSince)
	w.buf = append(w.buf, '}')
	w.comma = outer
}

// plainBill is a Bill without MarshalJSONPB, for jsonpb's own encoding.
type plainBill Bill

func (p *plainBill) Reset()         { *p = plainBill{} }
func (p *plainBill) String() string { return (*Bill)(p).String() }
func (*plainBill) ProtoMessage()    {}

// jsonWriter appends "name":value pairs the way jsonpb's marshalObject does:
// proto names with OrigName, JSON names otherwise; zero values only with
// EmitDefaults; enums by name (numbers when unknown or EnumsAsInts); 64-bit
// integers quoted; strings escaped by encoding/json.
type jsonWriter struct {
	m     *jsonpb.Marshaler
	buf   []byte
	comma bool
	err   error
}

func (w *jsonWriter) name(orig, camel string) {
	if w.comma {
		w.buf = append(w.buf, ',')
	}
	w.comma = true
	w.buf = append(w.buf, '"')
	if w.m.OrigName {
		w.buf = append(w.buf, orig...)
	} else {
		w.buf = append(w.buf, camel...)
	}
	w.buf = append(w.buf, '"', ':')
}

func (w *jsonWriter) str(orig, camel, v string) {
	if v == "" && !w.m.EmitDefaults {
		return
	}
	w.name(orig, camel)
	if plainASCII(v) { // addresses, ids, hashes, codes, dates: nothing to escape
		w.buf = append(w.buf, '"')
		w.buf = append(w.buf, v...)
		w.buf = append(w.buf, '"')
		return
	}
	bz, err := json.Marshal(v)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.buf = append(w.buf, bz...)
}

// plainASCII reports whether encoding/json writes s unchanged between quotes:
// printable ASCII without the characters it escapes (quote, backslash, and
// the HTML-sensitive <, > and &).
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

func (w *jsonWriter) uint(orig, camel string, v uint64) {
	if v == 0 && !w.m.EmitDefaults {
		return
	}
	w.name(orig, camel)
	w.buf = append(w.buf, '"')
	w.buf = strconv.AppendUint(w.buf, v, 10)
	w.buf = append(w.buf, '"')
}

func (w *jsonWriter) enum(orig, camel string, v int32, names map[int32]string) {
	if v == 0 && !w.m.EmitDefaults {
		return
	}
	w.name(orig, camel)
	if n, ok := names[v]; ok && !w.m.EnumsAsInts {
		w.buf = append(w.buf, '"')
		w.buf = append(w.buf, n...)
		w.buf = append(w.buf, '"')
		return
	}
	w.buf = strconv.AppendInt(w.buf, int64(v), 10)
}

// strs writes a repeated string field: [] when empty (only with EmitDefaults).
func (w *jsonWriter) strs(orig, camel string, vs []string) {
	if len(vs) == 0 && !w.m.EmitDefaults {
		return
	}
	w.name(orig, camel)
	w.buf = append(w.buf, '[')
	for i, v := range vs {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		bz, err := json.Marshal(v)
		if err != nil && w.err == nil {
			w.err = err
		}
		w.buf = append(w.buf, bz...)
	}
	w.buf = append(w.buf, ']')
}

func (w *jsonWriter) null(orig, camel string) {
	if !w.m.EmitDefaults {
		return
	}
	w.name(orig, camel)
	w.buf = append(w.buf, "null"...)
}

// msg writes a nested message with jsonpb (they are rare: liens, surrenders).
func (w *jsonWriter) msg(orig, camel string, v proto.Message) {
	w.name(orig, camel)
	bz, err := jsonpbBytes(w.m, v)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.buf = append(w.buf, bz...)
}

// jsonpbBytes is jsonpb's own encoding of v.
func jsonpbBytes(m *jsonpb.Marshaler, v proto.Message) ([]byte, error) {
	var buf bytes.Buffer
	err := m.Marshal(&buf, v)
	return buf.Bytes(), err
}
