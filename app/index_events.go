package app

import (
	"sort"
	"strings"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	// the trade modules' events must be registered before DefaultIndexEvents runs
	_ "github.com/tradechain/tradechain/x/cargo/types"
	_ "github.com/tradechain/tradechain/x/tradefinance/types"
)

// baseIndexEvents are the SDK and IBC event attributes people search
// transactions by: wallets and explorers (sender, action, account sequence,
// signature, transfers) and relayers (packets by channel and sequence).
var baseIndexEvents = []string{
	"message.action", "message.sender", "message.module",
	"tx.acc_seq", "tx.signature", "tx.fee_payer",
	"transfer.recipient", "transfer.sender",
}

var packetEvents = []string{"send_packet", "recv_packet", "write_acknowledgement", "acknowledge_packet", "timeout_packet"}
var packetKeys = []string{"packet_src_channel", "packet_src_port", "packet_dst_channel", "packet_dst_port", "packet_sequence"}

// tradeKeys are the attributes of the trade modules' typed events that
// identify a record: a bill, a document, a party, a credit, an invoice or a
// financing.
var tradeKeys = map[string]bool{
	"bill_id": true, "hash": true, "address": true, "lc_id": true,
	"invoice_id": true, "fingerprint": true, "financing_id": true,
}

// DefaultIndexEvents is tradechaind's default `index-events` (app.toml): the
// attributes the CometBFT kv tx indexer indexes. The SDK's default (empty)
// indexes every attribute of every event, and goleveldb compaction of that
// index becomes the largest single CPU cost of a busy node (docs/performance.md).
// Lookups by tx hash and height are always indexed.
func DefaultIndexEvents() []string {
	out := append([]string{}, baseIndexEvents...)
	for _, e := range packetEvents {
		for _, k := range packetKeys {
			out = append(out, e+"."+k)
		}
	}
	var trade []string
	gogoproto.HybridResolver.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		pkg := string(fd.Package())
		if pkg != "tradechain.cargo.v1" && pkg != "tradechain.tradefinance.v1" {
			return true
		}
		msgs := fd.Messages()
		for i := 0; i < msgs.Len(); i++ {
			m := msgs.Get(i)
			if !strings.HasPrefix(string(m.Name()), "Event") {
				continue
			}
			fields := m.Fields()
			for j := 0; j < fields.Len(); j++ {
				if name := string(fields.Get(j).Name()); tradeKeys[name] {
					trade = append(trade, string(m.FullName())+"."+name)
				}
			}
		}
		return true
	})
	sort.Strings(trade)
	return append(out, trade...)
}
