package testutil

import (
	"encoding/json"
	"fmt"
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
func NewChainWithSigners(tb testing.TB, n int) (*tctestutil.Chain, []*tctestutil.Account) {
	tb.Helper()
	c := NewChain(tb,
		tctestutil.WithAccounts(NumAccounts+n),
		tctestutil.WithGenesis(func(a *app.App, gs app.GenesisState) {
			var cg types.GenesisState
			a.AppCodec().MustUnmarshalJSON(gs[types.ModuleName], &cg)
			for i, acc := range tctestutil.AccountsFor(NumAccounts + n)[NumAccounts:] {
				cg.Parties = append(cg.Parties, types.Party{Address: acc.String(), Code: fmt.Sprintf("B%03d", i), Name: "Bench party",
					Jurisdiction: "HK", Roles: []types.Role{types.ROLE_CARRIER, types.ROLE_TRADER, types.ROLE_BANK}, Active: true})
			}
			gs[types.ModuleName] = json.RawMessage(a.AppCodec().MustMarshalJSON(&cg))
		}))
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
// then delivers them through FinalizeBlock+Commit and reports committed tx/s.
func BenchmarkBlocks(b *testing.B, c *tctestutil.Chain, signers []*tctestutil.Account, msg func(block, i int) sdk.Msg) {
	blocks := make([][][]byte, b.N)
	for j := range blocks {
		for i, s := range signers {
			blocks[j] = append(blocks[j], c.SignTx(s, msg(j, i)))
		}
	}
	b.ResetTimer()
	start := time.Now()
	for j := range blocks {
		for _, r := range c.DeliverBlock(blocks[j]...).TxResults {
			if r.Code != 0 {
				b.Fatalf("block %d: %s", j, r.Log)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(signers))/time.Since(start).Seconds(), "tx/s")
}
