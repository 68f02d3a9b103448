package cargo_test

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
		IssueTo: to.String(), DocumentHash: docHash(n),
		PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2026-05-03",
	}
}

// docHash is the n-th document: a SHA-256, placed in the store as a real
// document's hash is (a counter's hex would cluster).
func docHash(n int) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(strconv.Itoa(n)))) }

// prefilledBills is CARGO_BENCH_BILLS: bills issued before a benchmark
// starts, so that it measures at that state size (default none).
func prefilledBills(b *testing.B) int {
	v := os.Getenv("CARGO_BENCH_BILLS")
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		b.Fatalf("CARGO_BENCH_BILLS=%q: want a number of bills", v)
	}
	return n
}

// prefill issues n bills in transactions of 100 IssueBills, ten a block
// (the test chain's block gas limit holds about that many).
func prefill(b *testing.B, c *tctestutil.Chain, signers []*tctestutil.Account, n int) {
	const perTx, txsPerBlock = 100, 10
	for k, block := 0, 0; k < n; block++ {
		var txs [][]byte
		for _, s := range signers[(block*txsPerBlock)%len(signers):][:txsPerBlock] {
			if k >= n {
				break
			}
			var msgs []sdk.Msg
			for ; len(msgs) < perTx && k < n; k++ {
				msgs = append(msgs, issueMsg(s, s, fmt.Sprintf("F%07d", k), 50_000_000+k, types.BILL_MODE_BLANK))
			}
			txs = append(txs, c.SignTx(s, msgs...))
		}
		for _, r := range c.DeliverBlock(txs...).TxResults {
			if r.Code != 0 {
				b.Fatalf("prefill: %s", r.Log)
			}
		}
	}
}

// BenchmarkDeliverBlock delivers blocks of benchSigners pre-signed txs
// through FinalizeBlock+Commit and reports committed tx/s for bank MsgSend,
// TransferBill and IssueBill: same block size, same signers, signature
// verification and gas metering included. Each also runs "preverified": the
// signatures verified before the timer, as a node does off the ABCI lock, so
// that what is timed is a block's work under the lock. CARGO_BENCH_BILLS=N
// first issues N bills (random document hashes) to measure at that size.
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
	bills := prefilledBills(b)
	home := b.TempDir() // outlives each sub-benchmark's two rounds (a round's own TempDir does not)
	for _, k := range kinds {
		for _, mode := range []struct {
			name string
			run  func(*testing.B, *tctestutil.Chain, []*tctestutil.Account, func(block, i int) sdk.Msg)
		}{{"", cargotestutil.BenchmarkBlocks}, {"/preverified", cargotestutil.BenchmarkPreverifiedBlocks}} {
			// The testing package calls the function twice (b.N = 1, then the
			// -benchtime count): both rounds run on one chain, prefilled once,
			// the second continuing where the first stopped (blocks counts
			// the blocks already delivered, so the bills keep rotating).
			var (
				c       *tctestutil.Chain
				signers []*tctestutil.Account
				ids     []string
				blocks  int
			)
			b.Run(k.name+mode.name, func(b *testing.B) {
				if c == nil {
					dir := filepath.Join(home, k.name+strings.TrimPrefix(mode.name, "/"))
					if err := os.MkdirAll(dir, 0o755); err != nil {
						b.Fatal(err)
					}
					c, signers = cargotestutil.NewChainWithSigners(b, benchSigners, tctestutil.WithAppOption("home", dir))
					prefill(b, c, signers, bills)
					ids = make([]string, len(signers))
					cargotestutil.DeliverEach(b, c, signers, func(i int) sdk.Msg {
						ids[i] = fmt.Sprintf("B%03d-BENCH", i)
						return issueMsg(signers[i], signers[i], "BENCH", i, types.BILL_MODE_BLANK)
					})
				}
				c.T = b
				first := blocks
				blocks += b.N
				mode.run(b, c, signers, func(block, i int) sdk.Msg { return k.msg(first+block, i, signers, ids) })
			})
		}
	}
}
