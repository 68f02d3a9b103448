package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/app"
)

func TestDefaultIndexEvents(t *testing.T) {
	ev := app.DefaultIndexEvents()
	for _, want := range []string{
		"message.sender", "tx.acc_seq", "send_packet.packet_src_channel", "write_acknowledgement.packet_sequence",
		"tradechain.cargo.v1.EventBillTransferred.bill_id", "tradechain.cargo.v1.EventDocumentAnchored.hash",
		"tradechain.tradefinance.v1.EventLCIssued.lc_id", "tradechain.tradefinance.v1.EventFinancingDefaulted.bill_id",
	} {
		require.Contains(t, ev, want)
	}
	require.NotContains(t, ev, "tradechain.cargo.v1.EventBillTransferred.from", "only identifying attributes are indexed")
}
