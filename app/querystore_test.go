package app_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/tradechain/tradechain/app"
	tctestutil "github.com/tradechain/tradechain/testutil"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
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

// TestQueryStoreFastReads checks the point reads of the query store, which
// take IAVL's fast index from the database: a query begun at one height still
// reads that height after the next block changes a key and deletes another;
// the new height reads the new state; and a node that runs with
// iavl-disable-fastnode, whose index IAVL no longer keeps up to date, reads
// the tree.
func TestQueryStoreFastReads(t *testing.T) {
	c := ct.NewChain(t)
	exporter, importer, drained := c.Accounts[ct.Exporter], c.Accounts[ct.Importer], c.Accounts[len(c.Accounts)-1]
	balance := func(ctx sdk.Context, acc *tctestutil.Account) int64 {
		return c.App.BankKeeper.GetBalance(ctx, acc.Address, app.BondDenom).Amount.Int64()
	}
	send := func(from, to *tctestutil.Account, amount int64) {
		c.MustDeliver(from, banktypes.NewMsgSend(from.Address, to.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, amount))))
	}
	latest := func() sdk.Context {
		ctx, err := c.App.CreateQueryContext(0, false)
		require.NoError(t, err)
		return ctx
	}

	send(exporter, importer, 1)
	begun, begunIterating := latest(), latest()
	importerThen, drainedThen := c.Balance(importer.Address, app.BondDenom).Int64(), c.Balance(drained.Address, app.BondDenom).Int64()
	require.Positive(t, drainedThen)
	send(exporter, importer, 7)
	send(drained, exporter, drainedThen) // the bank deletes a balance that falls to zero
	require.True(t, c.Balance(drained.Address, app.BondDenom).IsZero())

	require.Equal(t, importerThen, balance(begun, importer), "a key changed since: the value at the query's height")
	require.Equal(t, drainedThen, balance(begun, drained), "a key deleted since: the value at the query's height")
	coins := func(n int64) sdk.Coins { return sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, n)) }
	require.Equal(t, coins(importerThen), c.App.BankKeeper.GetAllBalances(begunIterating, importer.Address), "an iterator: the state at the query's height")
	require.Equal(t, coins(drainedThen), c.App.BankKeeper.GetAllBalances(begunIterating, drained.Address))
	now := latest()
	require.Equal(t, importerThen+7, balance(now, importer))
	require.Zero(t, balance(now, drained))
	require.Equal(t, coins(importerThen+7), c.App.BankKeeper.GetAllBalances(latest(), importer.Address))
	require.Empty(t, c.App.BankKeeper.GetAllBalances(latest(), drained.Address))

	// Every store, iterated both ways, whole and between two of its keys,
	// reads what the SDK's own multistore reads at that height.
	sdkPath, err := c.App.CommitMultiStore().CacheMultiStoreWithVersion(c.App.LastBlockHeight())
	require.NoError(t, err)
	type kv struct{ K, V string }
	collect := func(it storetypes.Iterator) (out []kv) {
		defer it.Close()
		for ; it.Valid(); it.Next() {
			out = append(out, kv{string(it.Key()), string(it.Value())})
		}
		return out
	}
	for _, name := range []string{banktypes.StoreKey, cargotypes.StoreKey, authtypes.StoreKey} {
		key := c.App.GetKey(name)
		want, got := sdkPath.GetKVStore(key), latest().KVStore(key)
		all := collect(want.Iterator(nil, nil))
		require.Greater(t, len(all), 3, name)
		require.Equal(t, all, collect(got.Iterator(nil, nil)), name)
		require.Equal(t, collect(want.ReverseIterator(nil, nil)), collect(got.ReverseIterator(nil, nil)), name)
		lo, hi := []byte(all[1].K), []byte(all[len(all)-2].K)
		require.Equal(t, all[1:len(all)-2], collect(got.Iterator(lo, hi)), name)
		require.Equal(t, collect(want.ReverseIterator(lo, hi)), collect(got.ReverseIterator(lo, hi)), name)
		for _, e := range all {
			require.Equal(t, e.V, string(got.Get([]byte(e.K))), name)
		}
	}

	// The same database, reopened with iavl-disable-fastnode as a node sets
	// it (server.DefaultBaseappOptions): IAVL stops writing the index, so
	// what it holds of the importer's balance goes stale.
	c.App = app.New(log.NewNopLogger(), c.DB, nil, true,
		simtestutil.AppOptionsMap{server.FlagDisableIAVLFastNode: true, flags.FlagHome: t.TempDir()},
		baseapp.SetChainID(c.ChainID), baseapp.SetIAVLDisableFastNode(true))
	send(exporter, importer, 5)
	require.Equal(t, importerThen+12, c.Balance(importer.Address, app.BondDenom).Int64())
	require.Equal(t, importerThen+12, balance(latest(), importer), "the tree, not the stale index")
}
