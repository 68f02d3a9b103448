package types_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// FuzzDecodePacketData: any bytes decode into valid ICS-721 data or are
// refused, never a panic; what decodes re-encodes to data that decodes the
// same, and reading its control record never panics.
func FuzzDecodePacketData(f *testing.F) {
	const a, b = "trade1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjn2ldl", "trade1zgqsxqgpqyqszqgpqyqszqgpqyqszqgpgwqu9v"
	bill := types.Bill{Id: "COS-FUZZ1", Carrier: a, Type: types.BILL_TYPE_BOL, Mode: types.BILL_MODE_TO_ORDER, Holder: a,
		Shipper: a, Endorsee: a, DocumentHash: "8f14e45fceea167a5a36dedd4bea2543b2c5d3f8e8a1b7c9d0e1f2a3b4c5d6e7", Version: 1,
		PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2026-05-03", ShippedOnBoardDate: "2026-05-03",
		Status: types.BILL_STATUS_ISSUED, HomeZone: "shanghai-1", Trace: "ebl",
		HistoryHead: "0d4f2a8b9c1e3f5a7b9d0e2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c0e2b4d6f8a0c", HistoryLen: 2}
	f.Add(types.NewPacketData(bill, b, "").GetBytes())
	bill.Mode, bill.Consignee = types.BILL_MODE_STRAIGHT, b
	f.Add(types.NewPacketData(bill, b, "memo").GetBytes())
	f.Add([]byte(`{"classId":"cargo/channel-0/ebl","tokenIds":["COS-1"],"tokenData":["e30="],"sender":"a","receiver":"b"}`))
	f.Fuzz(func(t *testing.T, bz []byte) {
		d, err := types.DecodePacketData(bz)
		if err != nil {
			return
		}
		again, err := types.DecodePacketData(d.GetBytes())
		require.NoError(t, err, "accepted packet data does not survive a re-encode")
		require.Equal(t, d, again)
		_, _ = d.Record()
	})
}

// Any bytes offered to the registry port decode or are refused without a
// panic; an accepted reservation names a record and 1 to MaxReservationKeys
// known kinds with 64-hex keys, and its wire form decodes to the same
// reservation (a packet of the format before v3 decodes as legacy).
func FuzzDecodeReservationPacket(f *testing.F) {
	key := "9b74c9897bac770ffc029102a200c5de6b8a4d7c2a6d8f4e9f0a1b2c3d4e5f60"
	f.Add([]byte(`{"kind":"TRANSPORT_DOCUMENT","key":"` + key + `"}`))
	f.Add([]byte(`{"kind":"INVOICE","key":"` + key + `"}`))
	f.Add([]byte(`{"kind":"INVOICE","key":"` + key + `","x":1}`))
	f.Add([]byte(`{"kind":"INVOICE","key":"` + key + `"} {}`))
	f.Add([]byte(`{"reference":"COS-ABC1","keys":[{"kind":"BILL","key":"` + key + `"},{"kind":"TRANSPORT_DOCUMENT","key":"` + key + `"}]}`))
	f.Add([]byte(`{"reference":"7","keys":[{"kind":"INVOICE","key":"` + key + `"}]}`))
	f.Add([]byte(`{"reference":"COS-ABC1","keys":[{"kind":"BILL","key":"` + key + `"}],"continues":["` + key + `"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, keys, err := types.DecodeReservationPacket(data)
		if err != nil {
			return
		}
		if len(keys) == 0 || len(keys) > types.MaxReservationKeys {
			t.Fatalf("accepted %d keys", len(keys))
		}
		for _, k := range keys {
			if types.ValidateKeyKind(k.Kind) != nil || types.ValidateHash("key", k.Key) != nil {
				t.Fatalf("accepted key %v", k)
			}
		}
		if p.Legacy {
			if len(keys) != 1 || p.Reference != "" {
				t.Fatalf("a legacy reservation has one key and no reference: %+v", p)
			}
			return
		}
		again, keys2, err := types.DecodeReservationPacket(p.Bytes())
		if err != nil || !reflect.DeepEqual(again, p) || !reflect.DeepEqual(keys2, keys) {
			t.Fatalf("re-encoded reservation %q does not decode the same: %v", p.Bytes(), err)
		}
	})
}
