package types

import (
	"testing"

	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/types/query"
)

// marshalers are the jsonpb option sets a bill can meet: the REST gateway's
// (OrigName, EmitDefaults), the SDK codec's, and every other combination.
func marshalers() []*jsonpb.Marshaler {
	var ms []*jsonpb.Marshaler
	for _, orig := range []bool{false, true} {
		for _, defaults := range []bool{false, true} {
			for _, ints := range []bool{false, true} {
				for _, indent := range []string{"", "  "} {
					ms = append(ms, &jsonpb.Marshaler{OrigName: orig, EmitDefaults: defaults, EnumsAsInts: ints, Indent: indent})
				}
			}
		}
	}
	return ms
}

func requireJSONPB(t testing.TB, b Bill) {
	t.Helper()
	for _, m := range marshalers() {
		want, err := m.MarshalToString((*plainBill)(&b))
		require.NoError(t, err)
		got, err := m.MarshalToString(&b)
		require.NoError(t, err)
		require.Equalf(t, want, got, "options %+v", *m)
	}
}

// requirePageJSONPB checks a page of bills against jsonpb's own encoding of
// the page, under every option set and with and without pagination.
func requirePageJSONPB(t testing.TB, bills ...Bill) {
	t.Helper()
	for _, p := range []*query.PageResponse{nil, {}, {NextKey: []byte{0, 0xff, 7}, Total: 3}} {
		r := QueryBillsResponse{Bills: bills, Pagination: p}
		for _, m := range marshalers() {
			want, err := m.MarshalToString((*plainBillsResponse)(&r))
			require.NoError(t, err)
			got, err := m.MarshalToString(&r)
			require.NoError(t, err)
			require.Equalf(t, want, got, "options %+v, pagination %v", *m, p)
		}
	}
}

func TestBillJSONMatchesJSONPB(t *testing.T) {
	full := Bill{
		Id: "COS-ORDER1", Carrier: "trade1carrier", Type: BILL_TYPE_BOL, Mode: BILL_MODE_TO_ORDER,
		Holder: "trade1holder", Shipper: "trade1shipper", Consignee: "trade1consignee", Endorsee: "trade1endorsee",
		DocumentHash: "ab12", Version: 2, PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2026-05-03",
		ShippedOnBoardDate: "2026-05-03", Status: BILL_STATUS_ISSUED, Lien: &Lien{Module: "tradefinance", Reference: "LC-1", Creditor: "trade1bank"},
		HomeZone: "shanghai-1", Trace: "cargo/channel-0/ebl", HistoryHead: "ff", HistoryLen: 18446744073709551615,
		Surrender: &Surrender{Purpose: 1, Reason: "amend", RequestedBy: "trade1holder"}, TransferredVia: "channel-0",
		Offer: &Offer{Action: "ENDORSE", From: "trade1from"}, Replaces: []string{"COS-A", "COS-B"}, ReplacedBy: []string{"COS-C"},
		PendingAmendment: &PendingAmendment{NewDocumentHash: "ab", Consignee: "trade1c", CorridorStatus: RESERVATION_STATUS_TIMED_OUT},
		Export: &BillExport{Platform: "WAVE", RecipientName: "Globe <&>", RecipientCodes: []IdentifyingCode{{CodeListProvider: "WAVE", PartyCode: "g-1"}},
			RequestedBy: "trade1holder", RequestedHeight: 7, ResponseCode: "RECE", SignedResponse: "a.b.c"},
		ImportedFrom: "CARX",
	}
	odd := Bill{Id: "<script>&\u2028\"\\\x00\xff", Type: 99, Status: -1, Trace: "日本", Replaces: []string{"<&>\u2028", ""}}
	for _, b := range []Bill{{}, full, odd} {
		requireJSONPB(t, b)
	}
	requirePageJSONPB(t)
	requirePageJSONPB(t, full)
	requirePageJSONPB(t, full, odd, Bill{})

	// the SDK codec (CLI output, typed events) and a gateway-style page of bills
	bz, err := codec.ProtoMarshalJSON(&full, nil)
	require.NoError(t, err)
	want, err := codec.ProtoMarshalJSON((*plainBill)(&full), nil)
	require.NoError(t, err)
	require.Equal(t, string(want), string(bz))
	gateway := &jsonpb.Marshaler{OrigName: true, EmitDefaults: true}
	page, err := gateway.MarshalToString(&QueryBillsResponse{Bills: []Bill{full, odd}, Pagination: &query.PageResponse{NextKey: []byte{1}}})
	require.NoError(t, err)
	one, err := gateway.MarshalToString((*plainBill)(&full))
	require.NoError(t, err)
	two, err := gateway.MarshalToString((*plainBill)(&odd))
	require.NoError(t, err)
	require.Equal(t, `{"bills":[`+one+`,`+two+`],"pagination":{"next_key":"AQ==","total":"0"}}`, page)
}

func FuzzBillJSON(f *testing.F) {
	f.Add("COS-1", "trade1x", int32(1), "<&>", uint64(7), int32(2), true, true)
	f.Add("", "", int32(0), "", uint64(0), int32(0), false, false)
	f.Fuzz(func(t *testing.T, id, addr string, typ int32, text string, n uint64, status int32, lien, surrender bool) {
		b := Bill{Id: id, Carrier: addr, Type: BillType(typ), Mode: BillMode(typ % 5), Holder: addr, Consignee: text,
			DocumentHash: text, Version: n, PortOfLoading: text, Status: BillStatus(status), HomeZone: id, HistoryLen: n / 3,
			TransferredVia: text}
		if lien {
			b.Lien = &Lien{Module: text, Reference: id, Creditor: addr}
		}
		if surrender {
			b.Surrender = &Surrender{Purpose: SurrenderPurpose(status), Reason: text, RequestedBy: addr}
			b.ReplacedBy = []string{id, text}
		}
		requireJSONPB(t, b)
		requirePageJSONPB(t, b, Bill{Id: text})
	})
}

// BenchmarkBillsPageJSON encodes a REST page of 50 bills with the gateway's
// options: jsonpb's reflection over the page (each bill still through Bill's
// MarshalJSONPB) against the page's own MarshalJSONPB.
func BenchmarkBillsPageJSON(b *testing.B) {
	bill := Bill{
		Id: "COS-0000123456", Carrier: "trade1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", Type: BILL_TYPE_BOL, Mode: BILL_MODE_TO_ORDER,
		Holder: "trade1pppppppppppppppppppppppppppppppppppppp", Shipper: "trade1ssssssssssssssssssssssssssssssssssssss",
		DocumentHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Version: 1,
		PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2026-05-03", Status: BILL_STATUS_ISSUED,
		HomeZone: "hongkong-1", HistoryHead: "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", HistoryLen: 1,
	}
	page := QueryBillsResponse{Pagination: &query.PageResponse{NextKey: []byte("trade1pppppppppppppppppppppppppppppppppppppp/COS-0000123457")}}
	for i := 0; i < 50; i++ {
		page.Bills = append(page.Bills, bill)
	}
	gateway := &jsonpb.Marshaler{OrigName: true, EmitDefaults: true}
	for _, c := range []struct {
		name string
		msg  proto.Message
	}{{"jsonpb", (*plainBillsResponse)(&page)}, {"own", &page}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := gateway.MarshalToString(c.msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
