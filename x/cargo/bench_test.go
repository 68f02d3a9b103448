package cargo_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/tradechain/tradechain/app"
	tctestutil "github.com/tradechain/tradechain/testutil"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

const benchSigners = 100 // txs per block, one per signer

// benchChain is a chain whose accounts [NumAccounts, NumAccounts+benchSigners)
// are registered as CARRIER+TRADER parties, each holding one BLANK bill.
func benchChain(b *testing.B) (*tctestutil.Chain, []*tctestutil.Account, []string) {
	first := cargotestutil.NumAccounts
	c := cargotestutil.NewChain(b,
		tctestutil.WithAccounts(first+benchSigners),
		tctestutil.WithGenesis(func(a *app.App, gs app.GenesisState) {
			var cg types.GenesisState
			a.AppCodec().MustUnmarshalJSON(gs[types.ModuleName], &cg)
			for i, acc := range tctestutil.AccountsFor(first + benchSigners)[first:] {
				cg.Parties = append(cg.Parties, types.Party{Address: acc.String(), Code: fmt.Sprintf("B%03d", i), Name: "Bench party",
					Jurisdiction: "HK", Roles: []types.Role{types.ROLE_CARRIER, types.ROLE_TRADER}, Active: true})
			}
			gs[types.ModuleName] = json.RawMessage(a.AppCodec().MustMarshalJSON(&cg))
		}))
	signers := c.Accounts[first:]
	var txs [][]byte
	ids := make([]string, len(signers))
	for i, s := range signers {
		ids[i] = fmt.Sprintf("B%03d-BENCH", i)
		txs = append(txs, c.SignTx(s, issueMsg(s, s, "BENCH", i, types.BILL_MODE_BLANK)))
	}
	res := c.DeliverBlock(txs...)
	for _, r := range res.TxResults {
		require.Equal(b, uint32(0), r.Code, r.Log)
	}
	return c, signers, ids
}

func issueMsg(carrier, to *tctestutil.Account, ref string, n int, mode types.BillMode) *types.MsgIssueBill {
	return &types.MsgIssueBill{
		Carrier: carrier.String(), TransportDocumentReference: ref, Type: types.BILL_TYPE_BOL, Mode: mode,
		IssueTo: to.String(), DocumentHash: fmt.Sprintf("%032x%032x", n, time.Duration(len(ref))),
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
		msg  func(block, i int, signers []*tctestutil.Account, ids []string) sdk.Msg
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
			c, signers, ids := benchChain(b)
			blocks := make([][][]byte, b.N)
			for j := range blocks {
				for i := range signers {
					blocks[j] = append(blocks[j], c.SignTx(signers[i], k.msg(j, i, signers, ids)))
				}
			}
			b.ResetTimer()
			start := time.Now()
			for j := range blocks {
				res := c.DeliverBlock(blocks[j]...)
				for _, r := range res.TxResults {
					if r.Code != 0 {
						b.Fatalf("block %d: %s", j, r.Log)
					}
				}
			}
			elapsed := time.Since(start)
			b.ReportMetric(float64(b.N*len(signers))/elapsed.Seconds(), "tx/s")
		})
	}
}
