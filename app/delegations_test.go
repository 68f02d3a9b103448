package app_test

import (
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	stakingkeeper "github.com/cosmos/cosmos-sdk/x/staking/keeper"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/tradechain/tradechain/app"
	"github.com/tradechain/tradechain/testutil"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// tokens is n units of voting power in utrade.
func tokens(n int64) sdkmath.Int { return sdk.DefaultPowerReduction.MulRaw(n) }

// requireInt asserts two amounts are equal.
func requireInt(t *testing.T, want, got sdkmath.Int, msgAndArgs ...any) {
	t.Helper()
	require.Equal(t, want.String(), got.String(), msgAndArgs...)
}

func stake(amount sdkmath.Int) sdk.Coin { return sdk.NewCoin(app.BondDenom, amount) }

// v1Delegate delegates as release v1's open staking let any account: through
// x/staking's own message server, on the zone's state (this release's ante
// handler refuses the transaction), then commits a block.
func v1Delegate(t *testing.T, c *testutil.Chain, delegator *testutil.Account, val sdk.ValAddress, amount sdkmath.Int) {
	t.Helper()
	_, err := stakingkeeper.NewMsgServerImpl(c.App.StakingKeeper).Delegate(c.Context(), &stakingtypes.MsgDelegate{
		DelegatorAddress: delegator.String(), ValidatorAddress: val.String(), Amount: stake(amount)})
	require.NoError(t, err)
	c.NextBlock()
}

// admitValidator has the cargo admin admit a new validator with the given
// power and returns its operator address, its consensus key and its
// operator's signing account.
func admitValidator(t *testing.T, c *testutil.Chain, power uint64) (sdk.ValAddress, []byte, *testutil.Account) {
	t.Helper()
	op, pk, key, operator := newOperatorKey()
	c.MustDeliver(c.Accounts[ct.Admin], &cargotypes.MsgSetValidatorPower{Authority: c.Accounts[ct.Admin].String(),
		ValidatorAddress: op.String(), Power: power, ConsensusPubkey: key, Moniker: "admitted"})
	operator.Number = c.App.AccountKeeper.GetAccount(c.Context(), operator.Address).GetAccountNumber()
	return op, pk.Key, operator
}

func validatorTokens(t *testing.T, c *testutil.Chain, val sdk.ValAddress) sdkmath.Int {
	t.Helper()
	v, err := c.App.StakingKeeper.GetValidator(c.Context(), val)
	require.NoError(t, err)
	return v.Tokens
}

// unbonding is the delegator's unbonding entries with a validator (none: nil).
func unbonding(t *testing.T, c *testutil.Chain, del sdk.AccAddress, val sdk.ValAddress) []stakingtypes.UnbondingDelegationEntry {
	t.Helper()
	ubd, err := c.App.StakingKeeper.GetUnbondingDelegation(c.Context(), del, val)
	if err != nil {
		require.ErrorIs(t, err, stakingtypes.ErrNoUnbondingDelegation)
		return nil
	}
	return ubd.Entries
}

func delegated(t *testing.T, c *testutil.Chain, del sdk.AccAddress, val sdk.ValAddress) sdkmath.Int {
	t.Helper()
	d, err := c.App.StakingKeeper.GetDelegation(c.Context(), del, val)
	if err != nil {
		require.ErrorIs(t, err, stakingtypes.ErrNoDelegation)
		return sdkmath.ZeroInt()
	}
	v, err := c.App.StakingKeeper.GetValidator(c.Context(), val)
	require.NoError(t, err)
	return v.TokensFromShares(d.Shares).TruncateInt()
}

// powerUpdate is the power a block's validator updates give a consensus key.
func powerUpdate(res *abci.ResponseFinalizeBlock, pk []byte) (int64, bool) {
	for _, u := range res.ValidatorUpdates {
		if string(u.PubKey.GetEd25519()) == string(pk) {
			return u.Power, true
		}
	}
	return 0, false
}

// A zone upgraded from v1 keeps the stake v1's open staking let other
// accounts delegate, and its delegators get it back: a delegator undelegates
// from a validator it does not operate (directly or through authz), gets an
// ordinary unbonding entry and its tokens after the unbonding period. The way
// out is bounded as every change to the set is: an undelegation that would
// move more than 30 % of the power in one block is refused (cargo/39) and
// undone, and is made in steps. Nothing else opens: the operator cannot
// undelegate its self-bond (directly or through authz), nobody delegates,
// redelegates, or cancels an unbonding (which would bond again) — each
// refused at CheckTx and in the block with tradechain/4, staking state
// unchanged.
func TestDelegatorExits(t *testing.T) {
	c := ct.NewChain(t, testutil.WithValidators(4), testutil.WithInvariantCheckPeriod(1))
	admin, exporter, importer := c.Accounts[ct.Admin], c.Accounts[ct.Exporter], c.Accounts[ct.Importer]
	op, pk, operator := admitValidator(t, c, 1)
	v1Delegate(t, c, exporter, op, tokens(3)) // op: 1 of its own + 3 of the exporter's; the set: 8
	requireInt(t, tokens(4), validatorTokens(t, c, op))
	closed, capped := app.ErrStakingClosed.ABCICode(), cargotypes.ErrPowerChangeCap.ABCICode()
	undelegate := func(del *testutil.Account, amount sdkmath.Int) *stakingtypes.MsgUndelegate {
		return &stakingtypes.MsgUndelegate{DelegatorAddress: del.String(), ValidatorAddress: op.String(), Amount: stake(amount)}
	}

	// All 3 at once would move 3 of 8 (37.5 %): refused in the block, undone.
	require.Contains(t, blockRefused(t, c, exporter, capped, cargotypes.ModuleName, undelegate(exporter, tokens(3))), "later blocks")
	requireInt(t, tokens(3), delegated(t, c, exporter.Address, op))
	// So is the authority's removal of the validator (4 of 8), and a
	// re-weight below the stake others delegated.
	setPower := func(power uint64) *cargotypes.MsgSetValidatorPower {
		return &cargotypes.MsgSetValidatorPower{Authority: admin.String(), ValidatorAddress: op.String(), Power: power}
	}
	blockRefused(t, c, admin, capped, cargotypes.ModuleName, setPower(0))
	require.Contains(t, blockRefused(t, c, admin, cargotypes.ErrValidatorSet.ABCICode(), cargotypes.ModuleName, setPower(2)), "delegated by other accounts")

	// 2 of 8 (25 %) is a step: admitted at CheckTx, done in the block.
	balance := c.Balance(exporter.Address, app.BondDenom)
	tx := c.SignTx(exporter, undelegate(exporter, tokens(2)))
	chk, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Zero(t, chk.Code, chk.Log)
	res := c.DeliverBlock(tx)
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	p, ok := powerUpdate(res, pk)
	require.True(t, ok, "the validator's power change reached CometBFT")
	require.Equal(t, int64(2), p)
	entries := unbonding(t, c, exporter.Address, op)
	require.Len(t, entries, 1)
	requireInt(t, tokens(2), entries[0].Balance)
	requireInt(t, tokens(1), delegated(t, c, exporter.Address, op))

	// Nothing else opens. The operator's self-bond is the authority's.
	require.Contains(t, checkRefused(t, c, operator, closed, app.Codespace, undelegate(operator, tokens(1))), "self-bond")
	// Cancelling the unbonding would bond the stake again.
	checkRefused(t, c, exporter, closed, app.Codespace, &stakingtypes.MsgCancelUnbondingDelegation{
		DelegatorAddress: exporter.String(), ValidatorAddress: op.String(), Amount: stake(tokens(1)), CreationHeight: entries[0].CreationHeight})
	checkRefused(t, c, exporter, closed, app.Codespace, &stakingtypes.MsgDelegate{
		DelegatorAddress: exporter.String(), ValidatorAddress: op.String(), Amount: stake(tokens(1))})
	vals, err := c.App.StakingKeeper.GetAllValidators(c.Context())
	require.NoError(t, err)
	other := vals[0].OperatorAddress
	if other == op.String() {
		other = vals[1].OperatorAddress
	}
	checkRefused(t, c, exporter, closed, app.Codespace, &stakingtypes.MsgBeginRedelegate{
		DelegatorAddress: exporter.String(), ValidatorSrcAddress: op.String(), ValidatorDstAddress: other, Amount: stake(tokens(1))})

	// Through authz: the operator's grantee is refused like the operator;
	// the delegator's grantee takes the delegator's way out.
	exp := c.Time.Add(time.Hour)
	undelegateURL := sdk.MsgTypeURL(&stakingtypes.MsgUndelegate{})
	for _, granter := range []*testutil.Account{operator, exporter} {
		grant, err := authz.NewMsgGrant(granter.Address, importer.Address, authz.NewGenericAuthorization(undelegateURL), &exp)
		require.NoError(t, err)
		c.MustDeliver(granter, grant)
	}
	execSelf := authz.NewMsgExec(importer.Address, []sdk.Msg{undelegate(operator, tokens(1))})
	checkRefused(t, c, importer, closed, app.Codespace, &execSelf)
	execExit := authz.NewMsgExec(importer.Address, []sdk.Msg{undelegate(exporter, tokens(1))})
	c.MustDeliver(importer, &execExit)
	require.True(t, delegated(t, c, exporter.Address, op).IsZero())
	require.Len(t, unbonding(t, c, exporter.Address, op), 2)
	requireInt(t, tokens(1), validatorTokens(t, c, op), "the operator's self-bond is untouched")

	// After the unbonding period the tokens are the delegator's again.
	params, err := c.App.StakingKeeper.GetParams(c.Context())
	require.NoError(t, err)
	c.DeliverBlockAt(c.Time.Add(params.UnbondingTime + time.Second))
	c.NextBlock()
	require.Empty(t, unbonding(t, c, exporter.Address, op))
	requireInt(t, balance.Add(tokens(3)), c.Balance(exporter.Address, app.BondDenom))
}

// A delegator keeps one unbonding entry with a validator free for the
// authority's removal: x/staking allows max_entries (7) per delegator and
// validator, and a delegator holding all of them would keep the validator
// unremovable. Its 7th undelegation is refused with tradechain/4 (saying when
// it may undelegate again); the authority's removal then takes the last entry.
func TestDelegatorExitKeepsEntryForRemoval(t *testing.T) {
	c := ct.NewChain(t, testutil.WithValidators(4), testutil.WithInvariantCheckPeriod(1))
	admin, exporter := c.Accounts[ct.Admin], c.Accounts[ct.Exporter]
	op, _, _ := admitValidator(t, c, 1)
	v1Delegate(t, c, exporter, op, tokens(1))
	maxEntries, err := c.App.StakingKeeper.MaxEntries(c.Context())
	require.NoError(t, err)
	small := &stakingtypes.MsgUndelegate{DelegatorAddress: exporter.String(), ValidatorAddress: op.String(), Amount: stake(sdkmath.NewInt(1000))}
	for i := uint32(1); i < maxEntries; i++ {
		c.MustDeliver(exporter, small) // one entry per block
	}
	require.Len(t, unbonding(t, c, exporter.Address, op), int(maxEntries)-1)
	require.Contains(t, blockRefused(t, c, exporter, app.ErrStakingClosed.ABCICode(), app.Codespace, small), "kept for the zone authority's removal")

	c.MustDeliver(admin, &cargotypes.MsgSetValidatorPower{Authority: admin.String(), ValidatorAddress: op.String(), Power: 0})
	require.Len(t, unbonding(t, c, exporter.Address, op), int(maxEntries))
	require.True(t, delegated(t, c, exporter.Address, op).IsZero())
}

// The authority removes a validator whatever was delegated to it: power 0
// unbonds every delegation — its operator's, a party's, and one of an
// account the zone no longer admits (a deactivated party, which cannot send
// an undelegation of its own) — each through x/staking's message server as an
// ordinary unbonding entry. The validator leaves CometBFT's set in that block;
// after the unbonding period each delegator holds its tokens again, without a
// transaction of its own.
func TestAuthorityRemovesDelegatedValidator(t *testing.T) {
	c := ct.NewChain(t, testutil.WithValidators(8), testutil.WithInvariantCheckPeriod(1))
	admin, exporter, retired := c.Accounts[ct.Admin], c.Accounts[ct.Exporter], c.Accounts[ct.Retired]
	op, pk, operator := admitValidator(t, c, 1)
	v1Delegate(t, c, exporter, op, tokens(1).MulRaw(3).QuoRaw(2))
	v1Delegate(t, c, retired, op, tokens(1).QuoRaw(2)) // op: 3 of the set's 11
	requireInt(t, tokens(3), validatorTokens(t, c, op))

	// The deactivated party cannot undelegate itself.
	checkRefused(t, c, retired, app.ErrNotAdmitted.ABCICode(), app.Codespace,
		&stakingtypes.MsgUndelegate{DelegatorAddress: retired.String(), ValidatorAddress: op.String(), Amount: stake(tokens(1).QuoRaw(2))})

	before := map[*testutil.Account]sdkmath.Int{}
	for _, a := range []*testutil.Account{operator, exporter, retired} {
		before[a] = c.Balance(a.Address, app.BondDenom)
	}
	res := c.DeliverBlock(c.SignTx(admin, &cargotypes.MsgSetValidatorPower{Authority: admin.String(), ValidatorAddress: op.String(), Power: 0}))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	p, ok := powerUpdate(res, pk)
	require.True(t, ok)
	require.Zero(t, p, "CometBFT is told power 0")
	v, err := c.App.StakingKeeper.GetValidator(c.Context(), op)
	require.NoError(t, err)
	require.False(t, v.IsBonded())
	require.True(t, v.Tokens.IsZero())
	dels, err := c.App.StakingKeeper.GetValidatorDelegations(c.Context(), op)
	require.NoError(t, err)
	require.Empty(t, dels)
	for a, want := range map[*testutil.Account]sdkmath.Int{operator: tokens(1), exporter: tokens(3).QuoRaw(2), retired: tokens(1).QuoRaw(2)} {
		entries := unbonding(t, c, a.Address, op)
		require.Len(t, entries, 1)
		requireInt(t, want, entries[0].Balance)
	}
	last, err := c.App.StakingKeeper.GetLastTotalPower(c.Context())
	require.NoError(t, err)
	require.Equal(t, int64(8), last.Int64())

	params, err := c.App.StakingKeeper.GetParams(c.Context())
	require.NoError(t, err)
	c.DeliverBlockAt(c.Time.Add(params.UnbondingTime + time.Second))
	c.NextBlock()
	requireInt(t, before[operator].Add(tokens(1)), c.Balance(operator.Address, app.BondDenom))
	requireInt(t, before[exporter].Add(tokens(3).QuoRaw(2)), c.Balance(exporter.Address, app.BondDenom))
	requireInt(t, before[retired].Add(tokens(1).QuoRaw(2)), c.Balance(retired.Address, app.BondDenom))
}
