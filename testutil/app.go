// Package testutil builds tradechain apps for tests: an app on an in-memory
// database with a real genesis and validator, funded accounts, and helpers
// that sign real transactions and deliver them through FinalizeBlock+Commit.
package testutil

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/testutil/mock"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/tradechain/tradechain/app"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// DefaultChainID is the chain id of test apps.
const DefaultChainID = "hongkong-1"

// DefaultBalance is what each test account holds at genesis, in utrade.
var DefaultBalance = sdkmath.NewInt(1_000_000_000_000)

// Account is a funded test account with its signing key and sequence.
type Account struct {
	PrivKey  cryptotypes.PrivKey
	Address  sdk.AccAddress
	Number   uint64
	Sequence uint64
}

// String returns the bech32 address.
func (a *Account) String() string { return a.Address.String() }

// Chain is a tradechain app with one validator and funded accounts, driven
// block by block.
type Chain struct {
	T        testing.TB
	App      *app.App
	DB       dbm.DB
	ChainID  string
	Accounts []*Account
	ValSet   *cmttypes.ValidatorSet
	// Time is the block time of the last committed block.
	Time time.Time

	rng *rand.Rand
}

// Option changes how a test chain is set up.
type Option func(*setup)

type setup struct {
	accounts     int
	validators   int
	noFirstBlock bool
	genesis      []func(cdcApp *app.App, gs app.GenesisState)
	appOpts      simtestutil.AppOptionsMap
}

// WithValidators sets the number of genesis validators (default 1), each
// with voting power 1.
func WithValidators(n int) Option { return func(s *setup) { s.validators = n } }

// WithoutFirstBlock leaves the chain as InitChain left it, before its first
// block: the test delivers (or checks) what comes before block 1 and commits
// it with NextBlock. Accounts' numbers are then left at 0.
func WithoutFirstBlock() Option { return func(s *setup) { s.noFirstBlock = true } }

// WithAccounts sets the number of funded accounts (default 4).
func WithAccounts(n int) Option { return func(s *setup) { s.accounts = n } }

// WithGenesis edits the default genesis before InitChain.
func WithGenesis(f func(a *app.App, gs app.GenesisState)) Option {
	return func(s *setup) { s.genesis = append(s.genesis, f) }
}

// WithInvariantCheckPeriod makes x/crisis assert every invariant each n blocks.
func WithInvariantCheckPeriod(n uint) Option {
	return WithAppOption(server.FlagInvCheckPeriod, n)
}

// WithAppOption sets an app option (a start flag or app.toml key) of the chain.
func WithAppOption(key string, value any) Option {
	return func(s *setup) { s.appOpts[key] = value }
}

// NewApp returns a tradechain app on db that has not been initialised.
func NewApp(tb testing.TB, db dbm.DB, appOpts simtestutil.AppOptionsMap) *app.App {
	tb.Helper()
	if appOpts == nil {
		appOpts = simtestutil.AppOptionsMap{}
	}
	if _, ok := appOpts["home"]; !ok {
		appOpts["home"] = tb.TempDir()
	}
	return app.New(log.NewNopLogger(), db, nil, true, appOpts, baseapp.SetChainID(DefaultChainID))
}

// NewChain builds an app on an in-memory DB from the default genesis with one
// validator and funded accounts, and commits the genesis block.
func NewChain(tb testing.TB, opts ...Option) *Chain {
	tb.Helper()
	s := &setup{accounts: 4, validators: 1, appOpts: simtestutil.AppOptionsMap{}}
	for _, o := range opts {
		o(s)
	}

	db := dbm.NewMemDB()
	a := NewApp(tb, db, s.appOpts)

	var vals []*cmttypes.Validator
	for i := 0; i < s.validators; i++ {
		pubKey, err := mock.NewPV().GetPubKey()
		require.NoError(tb, err)
		vals = append(vals, cmttypes.NewValidator(pubKey, 1))
	}
	valSet := cmttypes.NewValidatorSet(vals)

	c := &Chain{T: tb, App: a, DB: db, ChainID: DefaultChainID, ValSet: valSet, rng: rand.New(rand.NewSource(1))}
	var genAccs []authtypes.GenesisAccount
	var balances []banktypes.Balance
	for _, acc := range AccountsFor(s.accounts) {
		priv := acc.PrivKey
		c.Accounts = append(c.Accounts, acc)
		genAccs = append(genAccs, authtypes.NewBaseAccount(acc.Address, priv.PubKey(), 0, 0))
		balances = append(balances, banktypes.Balance{
			Address: acc.Address.String(),
			Coins:   sdk.NewCoins(sdk.NewCoin(app.BondDenom, DefaultBalance)),
		})
	}

	genesis := a.DefaultGenesis()
	genesis, err := simtestutil.GenesisStateWithValSet(a.AppCodec(), genesis, valSet, genAccs, balances...)
	require.NoError(tb, err)
	if s.validators > 1 {
		// The SDK helper funds the bonded pool for one validator only.
		var bg banktypes.GenesisState
		a.AppCodec().MustUnmarshalJSON(genesis[banktypes.ModuleName], &bg)
		pool := authtypes.NewModuleAddress(stakingtypes.BondedPoolName).String()
		for i := range bg.Balances {
			if bg.Balances[i].Address == pool {
				bg.Balances[i].Coins = sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdk.DefaultPowerReduction.MulRaw(int64(s.validators))))
			}
		}
		genesis[banktypes.ModuleName] = a.AppCodec().MustMarshalJSON(&bg)
	}
	// The accounts are the zone's users: registered TRADER parties, so the
	// zone admits their transactions (a WithGenesis option may replace the
	// roster, as the x/cargo fixture does).
	cg := cargotypes.DefaultGenesis()
	for i, acc := range c.Accounts {
		cg.Parties = append(cg.Parties, cargotypes.Party{Address: acc.Address.String(), Code: fmt.Sprintf("ACC%d", i),
			Name: "Test account", Jurisdiction: "HK", Roles: []cargotypes.Role{cargotypes.ROLE_TRADER}, Active: true})
	}
	genesis[cargotypes.ModuleName] = a.AppCodec().MustMarshalJSON(cg)
	for _, f := range s.genesis {
		f(a, genesis)
	}
	stateBytes, err := json.Marshal(genesis)
	require.NoError(tb, err)

	c.Time = time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	_, err = a.InitChain(&abci.RequestInitChain{
		ChainId:         c.ChainID,
		Time:            c.Time,
		Validators:      []abci.ValidatorUpdate{},
		ConsensusParams: simtestutil.DefaultConsensusParams,
		AppStateBytes:   stateBytes,
	})
	require.NoError(tb, err)
	if s.noFirstBlock {
		return c
	}
	c.NextBlock()

	for _, acc := range c.Accounts {
		acc.Number = a.AccountKeeper.GetAccount(c.Context(), acc.Address).GetAccountNumber()
	}
	return c
}

// AccountsFor returns the n deterministic test accounts NewChain funds, so a
// genesis edit can refer to them before the chain exists.
func AccountsFor(n int) []*Account {
	accs := make([]*Account, n)
	for i := range accs {
		priv := secp256k1.GenPrivKeyFromSecret([]byte(fmt.Sprintf("tradechain-test-account-%d", i)))
		accs[i] = &Account{PrivKey: priv, Address: sdk.AccAddress(priv.PubKey().Address())}
	}
	return accs
}

// Context returns a read-only context on the last committed state.
func (c *Chain) Context() sdk.Context {
	return c.App.NewUncachedContext(false, cmtproto.Header{
		ChainID: c.ChainID, Height: c.App.LastBlockHeight(), Time: c.Time,
	})
}

// SignTx signs msgs with signer's key at its current sequence and returns the
// encoded tx; the sequence is advanced as if the tx will be delivered.
func (c *Chain) SignTx(signer *Account, msgs ...sdk.Msg) []byte {
	c.T.Helper()
	return c.SignTxWithFee(signer, sdk.NewCoins(), msgs...)
}

// SignTxWithFee is SignTx with a fee.
func (c *Chain) SignTxWithFee(signer *Account, fee sdk.Coins, msgs ...sdk.Msg) []byte {
	c.T.Helper()
	tx, err := simtestutil.GenSignedMockTx(c.rng, c.App.TxConfig(), msgs,
		fee, simtestutil.DefaultGenTxGas, c.ChainID,
		[]uint64{signer.Number}, []uint64{signer.Sequence}, signer.PrivKey)
	require.NoError(c.T, err)
	bz, err := c.App.TxConfig().TxEncoder()(tx)
	require.NoError(c.T, err)
	signer.Sequence++
	return bz
}

// DeliverBlock delivers txs in one block through FinalizeBlock and commits it.
// Block time advances by blockInterval.
func (c *Chain) DeliverBlock(txs ...[]byte) *abci.ResponseFinalizeBlock {
	c.T.Helper()
	return c.DeliverBlockAt(c.Time.Add(blockInterval), txs...)
}

const blockInterval = 5 * time.Second

// DeliverBlockAt is DeliverBlock with an explicit block time.
func (c *Chain) DeliverBlockAt(t time.Time, txs ...[]byte) *abci.ResponseFinalizeBlock {
	c.T.Helper()
	res, err := c.App.FinalizeBlock(&abci.RequestFinalizeBlock{
		Height:             c.App.LastBlockHeight() + 1,
		Time:               t,
		NextValidatorsHash: c.ValSet.Hash(),
		Txs:                txs,
	})
	require.NoError(c.T, err)
	_, err = c.App.Commit()
	require.NoError(c.T, err)
	c.Time = t
	return res
}

// NextBlock commits an empty block.
func (c *Chain) NextBlock() { c.DeliverBlock() }

// Deliver signs msgs as signer, delivers them as one tx in its own block and
// returns the tx result. The signer's sequence is then re-read from state: a
// tx refused by the ante handler before its sequence increment leaves it as it was.
func (c *Chain) Deliver(signer *Account, msgs ...sdk.Msg) *abci.ExecTxResult {
	c.T.Helper()
	res := c.DeliverBlock(c.SignTx(signer, msgs...))
	require.Len(c.T, res.TxResults, 1)
	signer.Sequence = c.App.AccountKeeper.GetAccount(c.Context(), signer.Address).GetSequence()
	return res.TxResults[0]
}

// MustDeliver is Deliver that fails the test unless the tx succeeded.
func (c *Chain) MustDeliver(signer *Account, msgs ...sdk.Msg) *abci.ExecTxResult {
	c.T.Helper()
	r := c.Deliver(signer, msgs...)
	require.Equalf(c.T, uint32(0), r.Code, "tx failed: %s", r.Log)
	return r
}

// Balance returns addr's balance of denom on the last committed state.
func (c *Chain) Balance(addr sdk.AccAddress, denom string) sdkmath.Int {
	return c.App.BankKeeper.GetBalance(c.Context(), addr, denom).Amount
}

// AppHash returns the app hash of the last committed block.
func (c *Chain) AppHash() []byte { return c.App.LastCommitID().Hash }
