package app_test

import (
	"encoding/json"
	"math/rand"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/tradechain/tradechain/app"
	"github.com/tradechain/tradechain/testutil"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// A funded outsider floods the zone with 200 zero-fee bank sends: CheckTx
// refuses every one with app/3 (so none enters a mempool), a block that
// carries them anyway commits none of them and moves nothing, and the
// outsider is admitted once the zone authority registers it.
func TestAdmissionRefusesOutsiders(t *testing.T) {
	c := ct.NewChain(t)
	stranger, exporter := c.Accounts[ct.Stranger], c.Accounts[ct.Exporter]
	send := banktypes.NewMsgSend(stranger.Address, exporter.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1)))
	before := c.Balance(stranger.Address, app.BondDenom)

	var txs [][]byte
	for i := 0; i < 200; i++ {
		txs = append(txs, c.SignTx(stranger, send))
	}
	for i, tx := range txs {
		res, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
		require.NoError(t, err)
		require.Equal(t, app.ErrNotAdmitted.ABCICode(), res.Code, "tx %d: %s", i, res.Log)
		require.Equal(t, app.Codespace, res.Codespace)
		require.Contains(t, res.Log, "register-party")
	}
	// A proposer that includes them anyway: every one fails in the block.
	out := c.DeliverBlock(txs[:50]...)
	for _, r := range out.TxResults {
		require.Equal(t, app.ErrNotAdmitted.ABCICode(), r.Code)
	}
	require.Equal(t, before, c.Balance(stranger.Address, app.BondDenom), "nothing moved, no fee taken")

	// Registered by the zone authority (the cargo admin), it is admitted.
	c.MustDeliver(c.Accounts[ct.Admin], &cargotypes.MsgRegisterParty{Authority: c.Accounts[ct.Admin].String(), Party: cargotypes.Party{
		Address: stranger.String(), Code: "NEWCO", Name: "New Co", Jurisdiction: "HK", Roles: []cargotypes.Role{cargotypes.ROLE_TRADER}, Active: true}})
	stranger.Sequence = 0
	c.MustDeliver(stranger, send)
}

// Between InitChain and the first commit CheckTx runs at height 0 too, but it
// is not genesis: admission applies (tradechain/3) and so does the staking
// gate (tradechain/4), so nothing enters the mempool unchecked — while the
// genesis transactions InitChain delivers at height 0 (here a gentx of an
// account that is no party, creating the zone's only validator) pass both.
func TestAdmissionBeforeFirstBlock(t *testing.T) {
	n := ct.NumAccounts + 1 // the last one: the gentx's operator, funded, no party
	c := ct.NewChain(t, testutil.WithAccounts(n), testutil.WithoutFirstBlock(), testutil.WithGenesis(func(a *app.App, gs app.GenesisState) {
		withGentxValidator(t, a, gs, testutil.AccountsFor(n)[n-1])
	}))
	stranger, exporter, operator := c.Accounts[ct.Stranger], c.Accounts[ct.Exporter], c.Accounts[n-1]
	require.Zero(t, c.App.LastBlockHeight())
	send := banktypes.NewMsgSend(stranger.Address, exporter.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1)))
	res, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: c.SignTx(stranger, send), Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, app.ErrNotAdmitted.ABCICode(), res.Code, res.Log)
	require.Equal(t, app.Codespace, res.Codespace)

	// The gentx was delivered at genesis: its validator is the set, and its
	// operator (no party) is admitted as such.
	c.NextBlock()
	vals, err := c.App.StakingKeeper.GetBondedValidatorsByPower(c.Context())
	require.NoError(t, err)
	require.Len(t, vals, 1)
	require.Equal(t, sdk.ValAddress(operator.Address).String(), vals[0].OperatorAddress)
	for _, acc := range c.Accounts {
		a := c.App.AccountKeeper.GetAccount(c.Context(), acc.Address)
		acc.Number, acc.Sequence = a.GetAccountNumber(), a.GetSequence()
	}
	c.MustDeliver(operator, banktypes.NewMsgSend(operator.Address, exporter.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1))))

	// The ante handler at height 0 over a zone's state: in CheckTx (and
	// simulation) every rule applies; delivering genesis, the gentx rules.
	delegate := &stakingtypes.MsgDelegate{DelegatorAddress: exporter.String(), ValidatorAddress: vals[0].OperatorAddress,
		Amount: sdk.NewInt64Coin(app.BondDenom, 1_000_000)}
	ante := func(checkTx bool, signer *testutil.Account, msg sdk.Msg) error {
		atGenesis := &testutil.Account{PrivKey: signer.PrivKey, Address: signer.Address, Sequence: signer.Sequence} // account number 0 at height 0
		tx, err := c.App.TxDecode(c.SignTx(atGenesis, msg))
		require.NoError(t, err)
		ctx, _ := c.Context().WithBlockHeight(0).WithIsCheckTx(checkTx).CacheContext()
		_, err = c.App.AnteHandler()(ctx, tx, false)
		return err
	}
	testutil.RequireCode(t, ante(true, stranger, send), app.ErrNotAdmitted)
	testutil.RequireCode(t, ante(true, exporter, delegate), app.ErrStakingClosed)
	require.NoError(t, ante(false, stranger, send))
	require.NoError(t, ante(false, exporter, delegate))
}

// withGentxValidator replaces gs's validators by one gentx: operator creates
// a validator with 1,000,000 utrade of its own, as `genesis gentx` does.
func withGentxValidator(t *testing.T, a *app.App, gs app.GenesisState, operator *testutil.Account) {
	cdc := a.AppCodec()
	var sg stakingtypes.GenesisState
	cdc.MustUnmarshalJSON(gs[stakingtypes.ModuleName], &sg)
	sg.Validators, sg.Delegations = nil, nil
	gs[stakingtypes.ModuleName] = cdc.MustMarshalJSON(&sg)
	var bg banktypes.GenesisState
	cdc.MustUnmarshalJSON(gs[banktypes.ModuleName], &bg)
	pool := authtypes.NewModuleAddress(stakingtypes.BondedPoolName).String()
	var balances []banktypes.Balance
	supply := sdk.NewCoins()
	for _, b := range bg.Balances {
		if b.Address != pool {
			balances = append(balances, b)
			supply = supply.Add(b.Coins...)
		}
	}
	bg.Balances, bg.Supply = balances, supply
	gs[banktypes.ModuleName] = cdc.MustMarshalJSON(&bg)

	pk := ed25519.GenPrivKey().PubKey()
	msg, err := stakingtypes.NewMsgCreateValidator(sdk.ValAddress(operator.Address).String(), pk, sdk.NewInt64Coin(app.BondDenom, 1_000_000),
		stakingtypes.Description{Moniker: "genesis node"}, stakingtypes.NewCommissionRates(sdkmath.LegacyZeroDec(), sdkmath.LegacyNewDecWithPrec(2, 1), sdkmath.LegacyNewDecWithPrec(1, 2)),
		sdkmath.OneInt())
	require.NoError(t, err)
	tx, err := simtestutil.GenSignedMockTx(rand.New(rand.NewSource(1)), a.TxConfig(), []sdk.Msg{msg}, sdk.NewCoins(), simtestutil.DefaultGenTxGas,
		testutil.DefaultChainID, []uint64{0}, []uint64{0}, operator.PrivKey)
	require.NoError(t, err)
	bz, err := a.TxConfig().TxJSONEncoder()(tx)
	require.NoError(t, err)
	gs[genutiltypes.ModuleName] = cdc.MustMarshalJSON(&genutiltypes.GenesisState{GenTxs: []json.RawMessage{bz}})
}
