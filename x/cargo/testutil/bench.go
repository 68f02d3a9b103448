package testutil

import (
	"encoding/json"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/app"
	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// NewChainWithSigners returns a fixture chain plus n extra accounts registered
// as CARRIER, TRADER and BANK parties with codes B000, B001, ...
func NewChainWithSigners(tb testing.TB, n int, opts ...tctestutil.Option) (*tctestutil.Chain, []*tctestutil.Account) {
	tb.Helper()
	c := NewChain(tb, append([]tctestutil.Option{
		tctestutil.WithAccounts(NumAccounts + n),
		tctestutil.WithGenesis(func(a *app.App, gs app.GenesisState) {
			var cg types.GenesisState
			a.AppCodec().MustUnmarshalJSON(gs[types.ModuleName], &cg)
			for i, acc := range tctestutil.AccountsFor(NumAccounts + n)[NumAccounts:] {
				cg.Parties = append(cg.Parties, types.Party{Address: acc.String(), Code: fmt.Sprintf("B%03d", i), Name: "Bench party",
					Jurisdiction: "HK", Roles: []types.Role{types.ROLE_CARRIER, types.ROLE_TRADER, types.ROLE_BANK}, Active: true})
			}
			gs[types.ModuleName] = json.RawMessage(a.AppCodec().MustMarshalJSON(&cg))
		})}, opts...)...)
	return c, c.Accounts[NumAccounts:]
}

// DeliverEach signs msg(i) by signers[i], delivers all in one block and
// requires every tx to succeed.
func DeliverEach(tb testing.TB, c *tctestutil.Chain, signers []*tctestutil.Account, msg func(i int) sdk.Msg) {
	tb.Helper()
	txs := make([][]byte, len(signers))
	for i, s := range signers {
		txs[i] = c.SignTx(s, msg(i))
	}
	for _, r := range c.DeliverBlock(txs...).TxResults {
		require.Equal(tb, uint32(0), r.Code, r.Log)
	}
}

// BenchmarkBlocks pre-signs b.N blocks of one tx per signer (msg(block, i)),
// then delivers them through FinalizeBlock+Commit and reports committed tx/s
// and the process's CPU time per transaction (user+system, the collector's
// included: on a shared machine the CPU a block takes moves less than its
// wall-clock time).
func BenchmarkBlocks(b *testing.B, c *tctestutil.Chain, signers []*tctestutil.Account, msg func(block, i int) sdk.Msg) {
	benchmarkBlocks(b, c, signers, msg, false)
}

// BenchmarkPreverifiedBlocks is BenchmarkBlocks with each block's
// signatures verified before the timer runs, as a node verifies them off the
// ABCI lock (App.PreverifyTx) before CheckTx: what is left is the work a
// block does under the lock.
func BenchmarkPreverifiedBlocks(b *testing.B, c *tctestutil.Chain, signers []*tctestutil.Account, msg func(block, i int) sdk.Msg) {
	benchmarkBlocks(b, c, signers, msg, true)
}

func benchmarkBlocks(b *testing.B, c *tctestutil.Chain, signers []*tctestutil.Account, msg func(block, i int) sdk.Msg, preverify bool) {
	blocks := make([][][]byte, b.N)
	for j := range blocks {
		for i, s := range signers {
			blocks[j] = append(blocks[j], c.SignTx(s, msg(j, i)))
		}
	}
	b.ResetTimer()
	var elapsed, cpu time.Duration
	for j := range blocks {
		if preverify {
			b.StopTimer()
			for _, tx := range blocks[j] {
				c.App.PreverifyTx(tx)
			}
			b.StartTimer()
		}
		start, cpu0 := time.Now(), processCPU()
		res := c.DeliverBlock(blocks[j]...)
		cpu += processCPU() - cpu0
		elapsed += time.Since(start)
		for _, r := range res.TxResults {
			if r.Code != 0 {
				b.Fatalf("block %d: %s", j, r.Log)
			}
		}
	}
	txs := float64(b.N * len(signers))
	b.ReportMetric(txs/elapsed.Seconds(), "tx/s")
	b.ReportMetric(float64(cpu.Microseconds())/txs, "cpu-µs/tx")
}

// processCPU is the CPU time this process has used (user+system).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
