package app_test

import (
	"encoding/json"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/math"

	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	host "github.com/cosmos/ibc-go/v8/modules/core/24-host"
	ibcexported "github.com/cosmos/ibc-go/v8/modules/core/exported"

	"github.com/tradechain/tradechain/app"
	"github.com/tradechain/tradechain/testutil"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	tftypes "github.com/tradechain/tradechain/x/tradefinance/types"
)

func TestAddressPrefixAndDenom(t *testing.T) {
	c := testutil.NewChain(t)
	require.Regexp(t, `^trade1[02-9ac-hj-np-z]{38}$`, c.Accounts[0].String())
	require.Equal(t, app.BondDenom, sdk.DefaultBondDenom)
	params, err := c.App.StakingKeeper.GetParams(c.Context())
	require.NoError(t, err)
	require.Equal(t, "utrade", params.BondDenom)
}

func TestBlocksAndSignedBankSend(t *testing.T) {
	c := testutil.NewChain(t)
	from, to := c.Accounts[0], c.Accounts[1]
	h0 := c.App.LastBlockHeight()

	for i := 0; i < 3; i++ {
		c.NextBlock()
	}
	require.Equal(t, h0+3, c.App.LastBlockHeight())

	amount := math.NewInt(1234567)
	res := c.MustDeliver(from, banktypes.NewMsgSend(from.Address, to.Address, sdk.NewCoins(sdk.NewCoin(app.BondDenom, amount))))
	require.Positive(t, res.GasUsed)
	require.Equal(t, testutil.DefaultBalance.Sub(amount), c.Balance(from.Address, app.BondDenom))
	require.Equal(t, testutil.DefaultBalance.Add(amount), c.Balance(to.Address, app.BondDenom))

	// A replay of the same signed bytes is refused (sequence already used)
	// and changes nothing.
	from.Sequence--
	replay := c.Deliver(from, banktypes.NewMsgSend(from.Address, to.Address, sdk.NewCoins(sdk.NewCoin(app.BondDenom, amount))))
	require.NotZero(t, replay.Code)
	require.Contains(t, replay.Log, "sequence")
	require.Equal(t, testutil.DefaultBalance.Add(amount), c.Balance(to.Address, app.BondDenom))
}

// Export the state of a running chain, import it into a fresh app, and check
// that the imported app holds exactly the same state: the re-exported genesis
// is byte-identical and every module store has identical contents.
func TestExportImportRoundTrip(t *testing.T) {
	c := testutil.NewChain(t)
	from, to := c.Accounts[0], c.Accounts[1]
	c.MustDeliver(from, banktypes.NewMsgSend(from.Address, to.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 42))))
	c.NextBlock()

	exported, err := c.App.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)

	imported := testutil.NewApp(t, dbm.NewMemDB(), nil)
	_, err = imported.InitChain(&abci.RequestInitChain{
		ChainId:         c.ChainID,
		Time:            c.Time,
		AppStateBytes:   exported.AppState,
		ConsensusParams: simtestutil.DefaultConsensusParams,
		InitialHeight:   exported.Height,
	})
	require.NoError(t, err)
	_, err = imported.FinalizeBlock(&abci.RequestFinalizeBlock{Height: exported.Height, Time: c.Time, NextValidatorsHash: c.ValSet.Hash()})
	require.NoError(t, err)
	_, err = imported.Commit()
	require.NoError(t, err)

	reexported, err := imported.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	requireSameJSON(t, exported.AppState, reexported.AppState)
	require.Equal(t, exported.Validators, reexported.Validators)

	ctxA := c.Context()
	ctxB := imported.NewContext(true)
	for _, key := range c.App.GetStoreKeys() {
		if skipStoreCompare[key.Name()] {
			continue
		}
		storeA := ctxA.KVStore(key)
		storeB := ctxB.KVStore(imported.GetKey(key.Name()))
		failedKVAs, failedKVBs := simtestutil.DiffKVStores(storeA, storeB, skipPrefixes[key.Name()])
		require.Emptyf(t, failedKVAs, "store %s differs after import: %s", key.Name(),
			simtestutil.GetSimulationLog(key.Name(), c.App.SimulationManager().StoreDecoders, failedKVAs, failedKVBs))
	}
}

// Stores that legitimately differ between a running chain and its re-import:
// staking keeps per-height historical info and validator queues; slashing and
// distribution keep per-block records; upgrade and consensus are not exported
// as module state.
var skipStoreCompare = map[string]bool{
	"staking": true, "slashing": true, "distribution": true, "upgrade": true, "consensus": true,
	"params": true,
}

// The 09-localhost client tracks the latest block height, which the imported
// chain has advanced by one block.
var skipPrefixes = map[string][][]byte{
	"ibc": {host.FullClientStateKey(ibcexported.LocalhostClientID)},
}

func requireSameJSON(t *testing.T, a, b []byte) {
	t.Helper()
	var ja, jb map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(a, &ja))
	require.NoError(t, json.Unmarshal(b, &jb))
	require.Equal(t, len(ja), len(jb))
	for k := range ja {
		if k == ibcexported.ModuleName {
			ja[k], jb[k] = withoutLocalhostHeight(t, ja[k]), withoutLocalhostHeight(t, jb[k])
		}
		require.JSONEqf(t, string(ja[k]), string(jb[k]), "module %s genesis differs after export→import→export", k)
	}
}

func withoutLocalhostHeight(t *testing.T, bz json.RawMessage) json.RawMessage {
	t.Helper()
	var g map[string]any
	require.NoError(t, json.Unmarshal(bz, &g))
	clients := g["client_genesis"].(map[string]any)["clients"].([]any)
	for _, c := range clients {
		c := c.(map[string]any)
		if c["client_id"] == ibcexported.LocalhostClientID {
			delete(c["client_state"].(map[string]any), "latest_height")
		}
	}
	out, err := json.Marshal(g)
	require.NoError(t, err)
	return out
}

// Fees are paid only in utrade: a fee in a deposit token (or any other denom)
// is refused at CheckTx — it never reaches the mempool — and in a block,
// with the app's registered error and nothing charged. (A td- fee used to
// become validator rewards that no unregistered validator or delegator could
// withdraw, which froze their delegations.)
func TestFeesOnlyInFeeDenom(t *testing.T) {
	c := ct.NewChain(t)
	bank := c.Accounts[ct.Bank]
	c.MustDeliver(bank, &tftypes.MsgMintDeposit{Bank: bank.String(), Amount: sdk.NewInt64Coin("td-hkbk-hkd", 1_000_000)})
	before := c.App.BankKeeper.GetAllBalances(c.Context(), bank.Address)
	send := banktypes.NewMsgSend(bank.Address, c.Accounts[ct.Exporter].Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1)))

	for _, fee := range []sdk.Coins{
		sdk.NewCoins(sdk.NewInt64Coin("td-hkbk-hkd", 100_000)),
		sdk.NewCoins(sdk.NewInt64Coin("td-hkbk-hkd", 1), sdk.NewInt64Coin(app.BondDenom, 1)),
	} {
		tx := c.SignTxWithFee(bank, fee, send)
		bank.Sequence--
		check, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
		require.NoError(t, err)
		require.Equal(t, app.ErrFeeDenom.ABCICode(), check.Code, check.Log)
		require.Equal(t, app.Codespace, check.Codespace)
		require.Contains(t, check.Log, "pay fees in utrade")

		res := c.DeliverBlock(tx) // a proposer that includes it anyway
		require.Equal(t, app.ErrFeeDenom.ABCICode(), res.TxResults[0].Code)
		require.Equal(t, before, c.App.BankKeeper.GetAllBalances(c.Context(), bank.Address), "nothing was charged")
	}

	tx := c.SignTxWithFee(bank, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 5)), send)
	res := c.DeliverBlock(tx)
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	require.Equal(t, before.AmountOf(app.BondDenom).SubRaw(6), c.Balance(bank.Address, app.BondDenom))
}
