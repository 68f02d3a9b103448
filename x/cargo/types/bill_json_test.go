package types

import (
	"testing"

	"github.com/cosmos/gogoproto/jsonpb"
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

func TestBillJSONMatchesJSONPB(t *testing.T) {
	full := Bill{
		Id: "COS-ORDER1", Carrier: "trade1carrier", Type: BILL_TYPE_BOL, Mode: BILL_MODE_TO_ORDER,
		Holder: "trade1holder", Shipper: "trade1shipper", Consignee: "trade1consignee", Endorsee: "trade1endorsee",
		DocumentHash: "ab12", Version: 2, PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2026-05-03",
		ShippedOnBoardDate: "2026-05-03", Status: BILL_STATUS_ISSUED, Lien: &Lien{Module: "tradefinance", Reference: "LC-1", Creditor: "trade1bank"},
		HomeZone: "shanghai-1", Trace: "cargo/channel-0/ebl", HistoryHead: "ff", HistoryLen: 18446744073709551615,
		Surrender: &Surrender{Purpose: 1, Reason: "amend", RequestedBy: "trade1holder"}, TransferredVia: "channel-0",
		Offer: &Offer{Action: "ENDORSE", From: "trade1from"}, Replaces: []string{"COS-A", "COS-B"}, ReplacedBy: []string{"COS-C"},
	}
	odd := Bill{Id: "<script>&\u2028\"\\\x00\xff", Type: 99, Status: -1, Trace: "日本", Replaces: []string{"<&>\u2028", ""}}
	for _, b := range []Bill{{}, full, odd} {
		requireJSONPB(t, b)
	}

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
	})
}
