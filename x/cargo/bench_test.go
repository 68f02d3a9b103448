package cargo_test

import (
	"fmt"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/tradechain/tradechain/app"
	tctestutil "github.com/tradechain/tradechain/testutil"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

const benchSigners = 100 // txs per block, one per signer

func issueMsg(carrier, to *tctestutil.Account, ref string, n int, mode types.BillMode) *types.MsgIssueBill {
	return &types.MsgIssueBill{
		Carrier: carrier.String(), TransportDocumentReference: ref, Type: types.BILL_TYPE_BOL, Mode: mode,
		IssueTo: to.String(), DocumentHash: fmt.Sprintf("%064x", n),
		PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2026-05-03",
	}
}

// BenchmarkDeliverBlock delivers blocks of benchSigners pre-signed txs
// through FinalizeBlock+Commit and reports committed tx/s for bank MsgSend,
// TransferBill and IssueBill: same block size, same signers, signature
// verification and gas metering included.
func BenchmarkDeliverBlock(b *testing.B) {
	kinds := []struct {
		name string
		msg  func(block, i int, s []*tctestutil.Account, ids []string) sdk.Msg
	}{
		{"MsgSend", func(_, i int, s []*tctestutil.Account, _ []string) sdk.Msg {
			return banktypes.NewMsgSend(s[i].Address, s[(i+1)%len(s)].Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1)))
		}},
		{"TransferBill", func(block, i int, s []*tctestutil.Account, ids []string) sdk.Msg {
			// Bills rotate: in block j signer i holds bill (i-j) mod n and passes it on.
			n := len(s)
			return &types.MsgTransferBill{Holder: s[i].String(), BillId: ids[((i-block)%n+n)%n], To: s[(i+1)%n].String()}
		}},
		{"IssueBill", func(block, i int, s []*tctestutil.Account, _ []string) sdk.Msg {
			return issueMsg(s[i], s[i], fmt.Sprintf("R%d", block), 1_000_000+block*len(s)+i, types.BILL_MODE_TO_ORDER)
		}},
	}
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			c, signers := cargotestutil.NewChainWithSigners(b, benchSigners)
			ids := make([]string, len(signers))
			cargotestutil.DeliverEach(b, c, signers, func(i int) sdk.Msg {
				ids[i] = fmt.Sprintf("B%03d-BENCH", i)
				return issueMsg(signers[i], signers[i], "BENCH", i, types.BILL_MODE_BLANK)
			})
			cargotestutil.BenchmarkBlocks(b, c, signers, func(block, i int) sdk.Msg { return k.msg(block, i, signers, ids) })
		})
	}
}
