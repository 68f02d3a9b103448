package app_test

import (
	"encoding/base64"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/tradechain/tradechain/app"
	"github.com/tradechain/tradechain/testutil"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// stakingState is what a refused staking message must leave unchanged.
type stakingState struct {
	validators  []stakingtypes.Validator
	delegations []stakingtypes.Delegation
	unbondings  []stakingtypes.UnbondingDelegation
	supply      sdkmath.Int
}

func readStaking(t *testing.T, c *testutil.Chain) stakingState {
	ctx := c.Context()
	vals, err := c.App.StakingKeeper.GetAllValidators(ctx)
	require.NoError(t, err)
	dels, err := c.App.StakingKeeper.GetAllDelegations(ctx)
	require.NoError(t, err)
	var ubds []stakingtypes.UnbondingDelegation
	require.NoError(t, c.App.StakingKeeper.IterateUnbondingDelegations(ctx, func(_ int64, u stakingtypes.UnbondingDelegation) bool {
		ubds = append(ubds, u)
		return false
	}))
	return stakingState{vals, dels, ubds, c.App.BankKeeper.GetSupply(ctx, app.BondDenom).Amount}
}

// checkRefused sends msgs as signer through CheckTx and in a block: both
// refuse them with the given registered error (the ante handler's) and
// nothing changes. It returns the error's log.
func checkRefused(t *testing.T, c *testutil.Chain, signer *testutil.Account, code uint32, codespace string, msgs ...sdk.Msg) string {
	t.Helper()
	tx := c.SignTx(signer, msgs...)
	signer.Sequence--
	res, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, code, res.Code, res.Log)
	require.Equal(t, codespace, res.Codespace)
	return blockRefused(t, c, signer, code, codespace, msgs...)
}

// blockRefused delivers msgs as signer in a block: the tx fails with the
// given registered error, sends no validator update, and the validators,
// delegations, unbondings and stake supply are unchanged.
func blockRefused(t *testing.T, c *testutil.Chain, signer *testutil.Account, code uint32, codespace string, msgs ...sdk.Msg) string {
	t.Helper()
	before := readStaking(t, c)
	out := c.DeliverBlock(c.SignTx(signer, msgs...))
	r := out.TxResults[0]
	require.Equal(t, code, r.Code, r.Log)
	require.Equal(t, codespace, r.Codespace)
	require.Empty(t, out.ValidatorUpdates)
	signer.Sequence = c.App.AccountKeeper.GetAccount(c.Context(), signer.Address).GetSequence()
	require.Equal(t, before, readStaking(t, c), "state changed by a refused transaction")
	return r.Log
}

// newOperator is a fresh operator address and a node consensus key.
func newOperator() (sdk.ValAddress, ed25519.PubKey, string) {
	op, pk, key, _ := newOperatorKey()
	return op, pk, key
}

// newOperatorKey is newOperator with the operator's signing key.
func newOperatorKey() (sdk.ValAddress, ed25519.PubKey, string, *testutil.Account) {
	priv := secp256k1.GenPrivKey()
	acc := &testutil.Account{PrivKey: priv, Address: sdk.AccAddress(priv.PubKey().Address())}
	pk := ed25519.GenPrivKey().PubKey().(*ed25519.PubKey)
	return sdk.ValAddress(acc.Address), *pk, base64.StdEncoding.EncodeToString(pk.Key), acc
}

// x/staking's own doors into the set are closed: no account — a registered
// party, the cargo admin, an outsider — can create a validator, delegate,
// redelegate or cancel an unbonding, directly or through authz MsgExec. Each
// is refused at CheckTx and in the block with tradechain/4 (an outsider with
// tradechain/3 first), and the validators, delegations, unbondings and the
// stake supply are unchanged. (The one way out, a delegator's undelegation
// from a validator it does not operate: TestDelegatorExits.)
func TestStakingClosed(t *testing.T) {
	c := ct.NewChain(t, testutil.WithValidators(4), testutil.WithInvariantCheckPeriod(1))
	exporter, importer, admin, stranger := c.Accounts[ct.Exporter], c.Accounts[ct.Importer], c.Accounts[ct.Admin], c.Accounts[ct.Stranger]
	vals, err := c.App.StakingKeeper.GetAllValidators(c.Context())
	require.NoError(t, err)
	require.Len(t, vals, 4)
	target := vals[0].OperatorAddress
	stake := sdk.NewInt64Coin(app.BondDenom, 5_000_000)
	closed := app.ErrStakingClosed.ABCICode()

	createValidator := func(from *testutil.Account) sdk.Msg {
		_, pk, _ := newOperator()
		pkAny, err := codectypes.NewAnyWithValue(&pk)
		require.NoError(t, err)
		return &stakingtypes.MsgCreateValidator{
			Description: stakingtypes.Description{Moniker: "uninvited"}, ValidatorAddress: sdk.ValAddress(from.Address).String(),
			Pubkey: pkAny, Value: stake, MinSelfDelegation: sdkmath.OneInt(),
			Commission: stakingtypes.NewCommissionRates(sdkmath.LegacyZeroDec(), sdkmath.LegacyNewDecWithPrec(1, 1), sdkmath.LegacyNewDecWithPrec(1, 2)),
		}
	}
	// An outsider is not admitted at all; a registered party may not stake.
	require.Contains(t, checkRefused(t, c, stranger, app.ErrNotAdmitted.ABCICode(), app.Codespace, createValidator(stranger)), "register-party")
	log := checkRefused(t, c, exporter, closed, app.Codespace, createValidator(exporter))
	require.Contains(t, log, "set-validator-power")

	delegate := &stakingtypes.MsgDelegate{DelegatorAddress: exporter.String(), ValidatorAddress: target, Amount: stake}
	checkRefused(t, c, exporter, closed, app.Codespace, delegate)
	// The genesis delegator (the admin account here) may not move its stake
	// to another validator, nor bond again what it unbonds.
	checkRefused(t, c, admin, closed, app.Codespace, &stakingtypes.MsgBeginRedelegate{
		DelegatorAddress: admin.String(), ValidatorSrcAddress: target, ValidatorDstAddress: vals[1].OperatorAddress, Amount: stake})
	checkRefused(t, c, admin, closed, app.Codespace, &stakingtypes.MsgCancelUnbondingDelegation{
		DelegatorAddress: admin.String(), ValidatorAddress: target, Amount: stake, CreationHeight: 1})

	// Through authz: the grant itself is harmless and accepted; executing
	// it is refused, at any nesting depth.
	exp := c.Time.Add(time.Hour)
	grant, err := authz.NewMsgGrant(exporter.Address, importer.Address, authz.NewGenericAuthorization(sdk.MsgTypeURL(delegate)), &exp)
	require.NoError(t, err)
	c.MustDeliver(exporter, grant)
	exec := authz.NewMsgExec(importer.Address, []sdk.Msg{delegate})
	checkRefused(t, c, importer, closed, app.Codespace, &exec)
	nested := authz.NewMsgExec(importer.Address, []sdk.Msg{&exec})
	checkRefused(t, c, importer, closed, app.Codespace, &nested)

	require.Len(t, readStaking(t, c).validators, 4)
}

// The zone authority admits, re-weights and removes validators with
// MsgSetValidatorPower; each change reaches CometBFT as a validator update at
// the end of its block; no block changes more than 30 % of the last block's
// voting power; nobody else may send it; and every invariant (x/staking's
// pool and delegation invariants among them) holds after every block.
func TestValidatorSetByAuthority(t *testing.T) {
	c := ct.NewChain(t, testutil.WithValidators(4), testutil.WithInvariantCheckPeriod(1))
	admin, exporter := c.Accounts[ct.Admin], c.Accounts[ct.Exporter]
	setPower := func(op sdk.ValAddress, power uint64, pubkey, moniker string) *cargotypes.MsgSetValidatorPower {
		return &cargotypes.MsgSetValidatorPower{Authority: admin.String(), ValidatorAddress: op.String(), Power: power, ConsensusPubkey: pubkey, Moniker: moniker}
	}
	update := func(res *abci.ResponseFinalizeBlock, pk ed25519.PubKey) (int64, bool) {
		for _, u := range res.ValidatorUpdates {
			if string(u.PubKey.GetEd25519()) == string(pk.Key) {
				return u.Power, true
			}
		}
		return 0, false
	}

	op5, pk5, key5, operator5 := newOperatorKey()
	// Only the zone authority.
	blockRefused(t, c, exporter, cargotypes.ErrUnauthorized.ABCICode(), cargotypes.ModuleName,
		&cargotypes.MsgSetValidatorPower{Authority: exporter.String(), ValidatorAddress: op5.String(), Power: 1, ConsensusPubkey: key5, Moniker: "v5"})
	// What a new validator needs, and what no validator can have.
	setRefused := cargotypes.ErrValidatorSet.ABCICode()
	require.Contains(t, blockRefused(t, c, admin, setRefused, cargotypes.ModuleName, setPower(op5, 1, "", "v5")), "consensus_pubkey")
	require.Contains(t, blockRefused(t, c, admin, setRefused, cargotypes.ModuleName, setPower(op5, 1, "bm90IGEga2V5", "v5")), "ed25519")
	require.Contains(t, blockRefused(t, c, admin, setRefused, cargotypes.ModuleName, setPower(op5, 1, key5, "")), "moniker")
	blockRefused(t, c, admin, setRefused, cargotypes.ModuleName, setPower(op5, cargotypes.MaxValidatorPower+1, key5, "v5"))
	require.Contains(t, blockRefused(t, c, admin, setRefused, cargotypes.ModuleName, setPower(op5, 0, "", "")), "nothing to remove")

	// Admit a fifth validator: 1 of 4 power (25 %).
	supply := c.Balance(sdk.AccAddress(op5), app.BondDenom)
	res := c.DeliverBlock(c.SignTx(admin, setPower(op5, 1, key5, "Bank of East Asia node")))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	p, ok := update(res, pk5)
	require.True(t, ok, "no validator update for the new validator")
	require.Equal(t, int64(1), p)
	v5, err := c.App.StakingKeeper.GetValidator(c.Context(), op5)
	require.NoError(t, err)
	require.True(t, v5.IsBonded())
	require.Equal(t, "Bank of East Asia node", v5.Description.Moniker)
	require.True(t, supply.IsZero(), "the stake went into the bond, not the operator's balance")
	last, err := c.App.StakingKeeper.GetLastTotalPower(c.Context())
	require.NoError(t, err)
	require.Equal(t, int64(5), last.Int64())
	// Its operator is admitted (as a validator operator) and edits its
	// description; the stake it was given stays bonded.
	operator5.Number = c.App.AccountKeeper.GetAccount(c.Context(), operator5.Address).GetAccountNumber()
	c.MustDeliver(operator5, &stakingtypes.MsgEditValidator{ValidatorAddress: op5.String(),
		Description: stakingtypes.Description{Moniker: "BEA Hong Kong node", Details: "[do-not-modify]"}})
	v5, err = c.App.StakingKeeper.GetValidator(c.Context(), op5)
	require.NoError(t, err)
	require.Equal(t, "BEA Hong Kong node", v5.Description.Moniker)

	// Two changes in one block: 1 of 5 (20 %) passes, the next 2 of 5
	// would make 60 % — refused with cargo/39, which says what to do.
	op6, pk6, key6 := newOperator()
	res = c.DeliverBlock(c.SignTx(admin, setPower(op6, 1, key6, "v6")), c.SignTx(admin, setPower(op5, 3, "", "")))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	require.Equal(t, cargotypes.ErrPowerChangeCap.ABCICode(), res.TxResults[1].Code)
	require.Contains(t, res.TxResults[1].Log, "several blocks")
	admin.Sequence = c.App.AccountKeeper.GetAccount(c.Context(), admin.Address).GetSequence()
	_, ok = update(res, pk6)
	require.True(t, ok)
	_, ok = update(res, pk5)
	require.False(t, ok, "the refused re-weight reached CometBFT")

	// The next block may re-weight: 1 of 6.
	res = c.DeliverBlock(c.SignTx(admin, setPower(op5, 2, "", "")))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	p, _ = update(res, pk5)
	require.Equal(t, int64(2), p)

	// Remove the fifth validator: 2 of 7 (28 %). CometBFT is told power 0.
	res = c.DeliverBlock(c.SignTx(admin, setPower(op5, 0, "", "")))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	p, ok = update(res, pk5)
	require.True(t, ok)
	require.Zero(t, p)
	last, err = c.App.StakingKeeper.GetLastTotalPower(c.Context())
	require.NoError(t, err)
	require.Equal(t, int64(5), last.Int64())

	// A genesis validator whose whole stake another account delegated is
	// removed too: its delegator's stake unbonds.
	vals, err := c.App.StakingKeeper.GetAllValidators(c.Context())
	require.NoError(t, err)
	var genesisVal sdk.ValAddress
	for _, v := range vals {
		if v.OperatorAddress != op5.String() && v.OperatorAddress != op6.String() {
			genesisVal, err = sdk.ValAddressFromBech32(v.OperatorAddress)
			require.NoError(t, err)
			break
		}
	}
	c.MustDeliver(admin, setPower(genesisVal, 0, "", ""))
	ubd, err := c.App.StakingKeeper.GetUnbondingDelegation(c.Context(), admin.Address, genesisVal)
	require.NoError(t, err)
	require.Len(t, ubd.Entries, 1)
	last, err = c.App.StakingKeeper.GetLastTotalPower(c.Context())
	require.NoError(t, err)
	require.Equal(t, int64(4), last.Int64())
	c.NextBlock()
}

// Only operators of validators in the active set are admitted for any
// transaction. The operator of a validator that is jailed, or that the
// authority removed (power 0: x/staking jails it, its self-delegation gone,
// and unbonds it), is admitted only for what it needs to come back or leave —
// slashing MsgUnjail, distribution MsgWithdrawValidatorCommission and
// MsgWithdrawDelegatorReward — alone in its transaction: anything else (a
// bank send, MsgEditValidator, an exit message bundled with a send, an authz
// MsgExec) is refused at CheckTx and in the block with tradechain/3, naming
// the validator's state. Unjailed, it is admitted for anything again.
func TestOperatorsOutsideTheSet(t *testing.T) {
	type setup struct {
		c        *testutil.Chain
		op       sdk.ValAddress
		operator *testutil.Account
	}
	newSetup := func(t *testing.T) setup {
		c := ct.NewChain(t, testutil.WithValidators(4))
		admin, exporter := c.Accounts[ct.Admin], c.Accounts[ct.Exporter]
		op, _, key, operator := newOperatorKey()
		c.MustDeliver(admin, &cargotypes.MsgSetValidatorPower{Authority: admin.String(), ValidatorAddress: op.String(), Power: 1, ConsensusPubkey: key, Moniker: "v5"})
		operator.Number = c.App.AccountKeeper.GetAccount(c.Context(), operator.Address).GetAccountNumber()
		c.MustDeliver(exporter, banktypes.NewMsgSend(exporter.Address, operator.Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1_000))))
		return setup{c, op, operator}
	}
	msgs := func(s setup) (send, edit, unjail, commission, rewards sdk.Msg) {
		return banktypes.NewMsgSend(s.operator.Address, s.c.Accounts[ct.Exporter].Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1))),
			&stakingtypes.MsgEditValidator{ValidatorAddress: s.op.String(), Description: stakingtypes.Description{Moniker: "v5 renamed", Details: "[do-not-modify]"}},
			&slashingtypes.MsgUnjail{ValidatorAddr: s.op.String()},
			&distrtypes.MsgWithdrawValidatorCommission{ValidatorAddress: s.op.String()},
			&distrtypes.MsgWithdrawDelegatorReward{DelegatorAddress: s.operator.String(), ValidatorAddress: s.op.String()}
	}
	// admittedFor delivers msgs as the operator: past the ante handler at
	// CheckTx and in the block (they may still fail in their module, e.g.
	// nothing to withdraw).
	admittedFor := func(t *testing.T, s setup, msgs ...sdk.Msg) *abci.ExecTxResult {
		t.Helper()
		tx := s.c.SignTx(s.operator, msgs...)
		s.operator.Sequence--
		check, err := s.c.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
		require.NoError(t, err)
		require.NotEqual(t, app.Codespace, check.Codespace, check.Log)
		r := s.c.Deliver(s.operator, msgs...)
		require.NotEqual(t, app.Codespace, r.Codespace, r.Log)
		return r
	}
	refusedOutside := func(t *testing.T, s setup, state string) {
		t.Helper()
		send, edit, unjail, commission, rewards := msgs(s)
		for _, m := range [][]sdk.Msg{{send}, {edit}, {unjail, send}, {commission, edit}} {
			log := checkRefused(t, s.c, s.operator, app.ErrNotAdmitted.ABCICode(), app.Codespace, m...)
			require.Contains(t, log, "not in the active set ("+state+")")
			require.Contains(t, log, "MsgUnjail")
		}
		exec := authz.NewMsgExec(s.operator.Address, []sdk.Msg{rewards})
		checkRefused(t, s.c, s.operator, app.ErrNotAdmitted.ABCICode(), app.Codespace, &exec)
	}
	validator := func(t *testing.T, s setup) stakingtypes.Validator {
		v, err := s.c.App.StakingKeeper.GetValidator(s.c.Context(), s.op)
		require.NoError(t, err)
		return v
	}

	t.Run("jailed", func(t *testing.T) {
		s := newSetup(t)
		send, edit, unjail, commission, rewards := msgs(s)
		// In the set: anything.
		s.c.MustDeliver(s.operator, send)
		s.c.MustDeliver(s.operator, edit)
		// Jailed, as slashing jails a validator that misses blocks: out of
		// the set at the end of the block.
		consAddr, err := validator(t, s).GetConsAddr()
		require.NoError(t, err)
		require.NoError(t, s.c.App.StakingKeeper.Jail(s.c.Context(), consAddr))
		s.c.NextBlock()
		require.True(t, validator(t, s).IsJailed())
		refusedOutside(t, s, "jailed, unbonding")
		admittedFor(t, s, commission)
		admittedFor(t, s, rewards)
		require.Zero(t, admittedFor(t, s, unjail).Code, "unjail")
		require.True(t, validator(t, s).IsBonded())
		s.c.MustDeliver(s.operator, send)
		s.c.MustDeliver(s.operator, edit)
	})

	t.Run("removed by the authority", func(t *testing.T) {
		s := newSetup(t)
		send, _, unjail, commission, _ := msgs(s)
		s.c.MustDeliver(s.operator, send)
		admin := s.c.Accounts[ct.Admin]
		s.c.MustDeliver(admin, &cargotypes.MsgSetValidatorPower{Authority: admin.String(), ValidatorAddress: s.op.String(), Power: 0})
		require.Equal(t, stakingtypes.Unbonding, validator(t, s).GetStatus())
		refusedOutside(t, s, "jailed, unbonding")
		admittedFor(t, s, commission)
		require.NotZero(t, admittedFor(t, s, unjail).Code, "slashing refuses it: the operator's stake is gone")
	})
}
