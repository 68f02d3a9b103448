package app_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/tradechain/tradechain/app"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
)

// TestQueryStore checks the query multistore: queries of the last committed
// height share its IAVL trees, loaded once per height, and read exactly what
// the SDK's path reads — the new state after every commit, older heights as
// they were; each query still writes only into its own branch; and queries
// running while blocks commit see a consistent committed state.
func TestQueryStore(t *testing.T) {
	c := ct.NewChain(t)
	exporter, importer := c.Accounts[ct.Exporter], c.Accounts[ct.Importer]
	balanceAt := func(height int64) int64 {
		ctx, err := c.App.CreateQueryContext(height, false)
		require.NoError(t, err)
		res, err := c.App.BankKeeper.Balance(ctx, &banktypes.QueryBalanceRequest{Address: importer.Address.String(), Denom: app.BondDenom})
		require.NoError(t, err)
		return res.Balance.Amount.Int64()
	}
	send := func(amount int64) {
		c.MustDeliver(exporter, banktypes.NewMsgSend(exporter.Address, importer.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, amount))))
	}

	send(1)
	h1, before := c.App.LastBlockHeight(), c.App.QueryTreeLoads()
	b1 := balanceAt(0)
	require.Equal(t, c.Balance(importer.Address, app.BondDenom).Int64(), b1)
	for i := 0; i < 5; i++ {
		require.Equal(t, b1, balanceAt(0))
		require.Equal(t, b1, balanceAt(h1), "the latest height asked by number")
	}
	require.Equal(t, before+1, c.App.QueryTreeLoads(), "one load for six queries of one height")

	// the next block's state, read at once; the older height as it was
	send(7)
	h2 := c.App.LastBlockHeight()
	require.Equal(t, b1+7, balanceAt(0))
	require.Equal(t, b1+7, balanceAt(h2))
	require.Equal(t, b1, balanceAt(h1), "an older height takes the SDK's path")
	require.Equal(t, before+2, c.App.QueryTreeLoads())

	// what one query writes stays in its branch
	ctx, err := c.App.CreateQueryContext(0, false)
	require.NoError(t, err)
	key := []byte("written by a query")
	ctx.KVStore(c.App.GetKey(banktypes.StoreKey)).Set(key, []byte{1})
	require.True(t, ctx.KVStore(c.App.GetKey(banktypes.StoreKey)).Has(key))
	other, err := c.App.CreateQueryContext(0, false)
	require.NoError(t, err)
	require.False(t, other.KVStore(c.App.GetKey(banktypes.StoreKey)).Has(key), "another query does not see it")

	// queries while blocks commit: each answer is the state of a committed
	// height — never one half-written — and the last one the newest
	sent := map[int64]int64{c.App.LastBlockHeight(): b1 + 7}
	var mu sync.Mutex
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad []string
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				ctx, err := c.App.CreateQueryContext(0, false)
				if err != nil {
					continue // between a height's commit and its first query
				}
				got := c.App.BankKeeper.GetBalance(ctx, importer.Address, app.BondDenom).Amount.Int64()
				mu.Lock()
				if want, ok := sent[ctx.BlockHeight()]; ok && want != got {
					bad = append(bad, fmt.Sprintf("height %d: balance %d, committed %d", ctx.BlockHeight(), got, want))
				}
				mu.Unlock()
			}
		}()
	}
	total := b1 + 7
	for i := int64(1); i <= 20; i++ {
		send(i)
		total += i
		mu.Lock()
		sent[c.App.LastBlockHeight()] = total
		mu.Unlock()
	}
	close(stop)
	wg.Wait()
	require.Empty(t, bad)
	require.Equal(t, total, balanceAt(0))
}
