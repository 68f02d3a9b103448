package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/math"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// The validator set of a zone is the zone authority's: it admits, re-weights
// and removes validators with MsgSetValidatorPower, and the ante handler
// refuses x/staking's create-validator, delegation, redelegation and
// cancel-unbonding messages from anyone, and an operator's undelegation of
// its own self-bond (directly or inside authz MsgExec). The power is
// x/staking's: this message mints the stake for the operator and bonds it
// through x/staking's own message server, or unbonds it, so distribution,
// slashing, evidence and the validator updates sent to CometBFT work exactly
// as on any SDK chain.
//
// Stake other accounts delegated while staking was open (release v1) is
// theirs: its delegators may undelegate it (bounded like every change to the
// set: CheckPowerChange), a re-weight never touches it, and a removal unbonds
// it with the operator's.

// SetValidatorPower admits (power > 0, new operator), re-weights (power > 0)
// or removes (power 0) a validator. A removal unbonds every delegation to the
// validator; a re-weight changes only its operator's self-bond.
func (s msgServer) SetValidatorPower(ctx context.Context, m *types.MsgSetValidatorPower) (*types.MsgSetValidatorPowerResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if err := s.requireZoneAuthority(ctx, m.Authority, "change the validator set"); err != nil {
		return nil, err
	}
	vs := s.validators
	if vs.Staking == nil || vs.StakingMsgs == nil || vs.Bank == nil {
		return nil, errorsmod.Wrap(types.ErrValidatorSet, "this build has no validator-set keepers")
	}
	valAddr, err := sdk.ValAddressFromBech32(m.ValidatorAddress)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "validator_address: %v", err)
	}
	operator := sdk.AccAddress(valAddr)
	denom, err := vs.Staking.BondDenom(ctx)
	if err != nil {
		return nil, err
	}
	pr := vs.Staking.PowerReduction(ctx)
	target := math.NewIntFromUint64(m.Power).Mul(pr) // tokens behind the power asked for

	var previous uint64
	val, err := vs.Staking.GetValidator(ctx, valAddr)
	switch {
	case errorsmod.IsOf(err, stakingtypes.ErrNoValidatorFound):
		if m.Power == 0 {
			return nil, errorsmod.Wrapf(types.ErrValidatorSet, "%s is not a validator of this zone: nothing to remove", m.ValidatorAddress)
		}
		if err := s.admitValidator(ctx, m, valAddr, target, denom); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		previous = intendedPower(val, pr)
		if val.IsJailed() && m.Power > 0 {
			return nil, errorsmod.Wrapf(types.ErrValidatorSet, "%s is jailed: its operator must unjail it first (tx slashing unjail), or remove it with power 0", m.ValidatorAddress)
		}
		switch {
		case target.GT(val.Tokens):
			if err := s.mintStake(ctx, operator, target.Sub(val.Tokens), denom); err != nil {
				return nil, err
			}
			if _, err := vs.StakingMsgs.Delegate(ctx, &stakingtypes.MsgDelegate{
				DelegatorAddress: operator.String(), ValidatorAddress: m.ValidatorAddress, Amount: sdk.NewCoin(denom, target.Sub(val.Tokens)),
			}); err != nil {
				return nil, errorsmod.Wrapf(err, "bonding more stake for %s", m.ValidatorAddress)
			}
		case m.Power == 0:
			if err := s.unbondAll(ctx, valAddr, denom); err != nil {
				return nil, err
			}
		case target.LT(val.Tokens):
			// Re-weight down: from the operator's self-bond only.
			amount := val.Tokens.Sub(target)
			own := math.ZeroInt()
			if del, err := vs.Staking.GetDelegation(ctx, operator, valAddr); err == nil {
				own = val.TokensFromShares(del.Shares).TruncateInt()
			} else if !errorsmod.IsOf(err, stakingtypes.ErrNoDelegation) {
				return nil, err
			}
			if own.Sub(amount).LT(val.MinSelfDelegation) {
				return nil, errorsmod.Wrapf(types.ErrValidatorSet,
					"%s cannot go down to power %d: %s%s of its %s%s are delegated by other accounts and its operator's self-bond must keep "+
						"its min_self_delegation (%s%s); the rest is unbonded only by its delegators (tx staking unbond) or by its removal "+
						"(power 0, which unbonds every delegation to it)",
					m.ValidatorAddress, m.Power, val.Tokens.Sub(own), denom, val.Tokens, denom, val.MinSelfDelegation, denom)
			}
			if _, err := vs.StakingMsgs.Undelegate(ctx, &stakingtypes.MsgUndelegate{
				DelegatorAddress: operator.String(), ValidatorAddress: m.ValidatorAddress, Amount: sdk.NewCoin(denom, amount),
			}); err != nil {
				return nil, errorsmod.Wrapf(err, "unbonding stake of %s", m.ValidatorAddress)
			}
		}
	}

	after, err := vs.Staking.GetValidator(ctx, valAddr)
	var power uint64
	if err == nil {
		power = intendedPower(after, pr)
	}
	if power != m.Power {
		return nil, errorsmod.Wrapf(types.ErrValidatorSet, "%s would have power %d, not %d", m.ValidatorAddress, power, m.Power)
	}
	changed, last, err := s.CheckPowerChange(ctx)
	if err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventValidatorPowerSet{
		ValidatorAddress: m.ValidatorAddress, Authority: m.Authority, PreviousPower: previous, Power: power,
		BlockPowerChange: changed, LastTotalPower: last,
	}); err != nil {
		return nil, err
	}
	return &types.MsgSetValidatorPowerResponse{PreviousPower: previous, Power: power}, nil
}

// unbondAll unbonds every delegation to a validator the authority removes —
// its operator's and any other account's (staking was open in release v1) —
// each through x/staking's message server, in the order of x/staking's
// by-validator index: each delegator gets an ordinary unbonding entry, and its
// tokens at the end of the unbonding period without a transaction of its own
// (so a delegator that is no longer admitted gets them too). A delegation
// worth less than 1 utrade stays (x/staking refuses an undelegation of 0); it
// carries no power.
func (s msgServer) unbondAll(ctx context.Context, valAddr sdk.ValAddress, denom string) error {
	sk := s.validators.Staking
	dels, err := sk.GetValidatorDelegations(ctx, valAddr)
	if err != nil {
		return err
	}
	for _, del := range dels {
		val, err := sk.GetValidator(ctx, valAddr) // the exchange rate after the previous unbonding
		if err != nil {
			return err
		}
		amount := val.TokensFromShares(del.Shares).TruncateInt()
		if !amount.IsPositive() {
			continue
		}
		if _, err := s.validators.StakingMsgs.Undelegate(ctx, &stakingtypes.MsgUndelegate{
			DelegatorAddress: del.DelegatorAddress, ValidatorAddress: del.ValidatorAddress, Amount: sdk.NewCoin(denom, amount),
		}); err != nil {
			return errorsmod.Wrapf(err, "removing %s: unbonding the %s%s %s delegated to it", del.ValidatorAddress, amount, denom, del.DelegatorAddress)
		}
	}
	return nil
}

// admitValidator creates a validator for an operator the authority admits:
// its stake is minted to the operator's account and self-delegated through
// x/staking's MsgCreateValidator.
func (s msgServer) admitValidator(ctx context.Context, m *types.MsgSetValidatorPower, valAddr sdk.ValAddress, stake math.Int, denom string) error {
	if m.ConsensusPubkey == "" {
		return errorsmod.Wrapf(types.ErrValidatorSet, "%s is a new validator: give its node's consensus_pubkey (the \"key\" of `tradechaind comet show-validator` on that node)", m.ValidatorAddress)
	}
	if m.Moniker == "" {
		return errorsmod.Wrapf(types.ErrValidatorSet, "%s is a new validator: give it a moniker", m.ValidatorAddress)
	}
	pk, err := types.DecodeConsensusPubKey(m.ConsensusPubkey)
	if err != nil {
		return err
	}
	pkAny, err := codectypes.NewAnyWithValue(pk)
	if err != nil {
		return err
	}
	operator := sdk.AccAddress(valAddr)
	if err := s.mintStake(ctx, operator, stake, denom); err != nil {
		return err
	}
	_, err = s.validators.StakingMsgs.CreateValidator(ctx, &stakingtypes.MsgCreateValidator{
		Description: stakingtypes.Description{Moniker: m.Moniker},
		// Fees are zero on these zones by default; an operator may raise its
		// commission within these bounds with tx staking edit-validator.
		Commission:        stakingtypes.NewCommissionRates(math.LegacyZeroDec(), math.LegacyNewDecWithPrec(20, 2), math.LegacyNewDecWithPrec(1, 2)),
		MinSelfDelegation: math.OneInt(),
		ValidatorAddress:  m.ValidatorAddress,
		Pubkey:            pkAny,
		Value:             sdk.NewCoin(denom, stake),
	})
	if err != nil {
		return errorsmod.Wrapf(err, "admitting %s", m.ValidatorAddress)
	}
	return nil
}

// mintStake mints stake for a validator's operator. The stake is a weight the
// zone authority gives, not a purchase; once unbonded it returns to the
// operator, who can pay fees with it but never bond it again (delegation is
// closed).
func (s msgServer) mintStake(ctx context.Context, operator sdk.AccAddress, amount math.Int, denom string) error {
	coins := sdk.NewCoins(sdk.NewCoin(denom, amount))
	if err := s.validators.Bank.MintCoins(ctx, types.ModuleName, coins); err != nil {
		return err
	}
	return s.validators.Bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, operator, coins)
}

// intendedPower is the power a validator will have in CometBFT's set after
// this block's end: x/staking's potential power of its tokens, 0 when jailed.
func intendedPower(v stakingtypes.Validator, pr math.Int) uint64 {
	if v.IsJailed() {
		return 0
	}
	return uint64(max(v.PotentialConsensusPower(pr), 0))
}

// CheckPowerChange refuses (cargo/39) the state of a block whose validator
// set, as this block's end will send it to CometBFT, moves more than
// MaxPowerChangePercent of the last block's voting power; it returns the power
// changed so far in this block and the last block's total. Every change to the
// set the zone lets an account make is bounded by it: MsgSetValidatorPower,
// and a delegator's undelegation of stake delegated while staking was open
// (checked after x/staking's message server ran it; see app/staking_exits.go).
// Genesis (no previous set) and the first block may set any power.
func (k Keeper) CheckPowerChange(ctx context.Context) (changed, last uint64, err error) {
	if k.validators.Staking == nil {
		return 0, 0, errorsmod.Wrap(types.ErrValidatorSet, "this build has no validator-set keepers")
	}
	changed, last, err = k.blockPowerChange(ctx, k.validators.Staking.PowerReduction(ctx))
	if err != nil {
		return 0, 0, err
	}
	if last > 0 && changed*100 > last*types.MaxPowerChangePercent {
		return 0, 0, errorsmod.Wrapf(types.ErrPowerChangeCap,
			"this change would move %d of the %d voting power of the last block in one block (%d %% at most, %d here): change it in steps over several blocks",
			changed, last, types.MaxPowerChangePercent, last*types.MaxPowerChangePercent/100)
	}
	return changed, last, nil
}

// blockPowerChange is the voting power this block has changed so far — the
// sum over validators of |power in the set this block's end will send to
// CometBFT − power in the last block's set| — and the last block's total
// power. The coming set is chosen as x/staking's EndBlock chooses it: the
// first MaxValidators of its power index (jailed validators are not in it),
// stopping at a validator without power. Nothing is kept between messages.
func (k Keeper) blockPowerChange(ctx context.Context, pr math.Int) (changed, last uint64, err error) {
	sk := k.validators.Staking
	total, err := sk.GetLastTotalPower(ctx)
	if err != nil {
		return 0, 0, err
	}
	if !total.IsUint64() {
		return 0, 0, errorsmod.Wrap(types.ErrValidatorSet, "last total power out of range")
	}
	lastPower := map[string]int64{}
	if err := sk.IterateLastValidatorPowers(ctx, func(op sdk.ValAddress, power int64) bool {
		lastPower[string(op)] = power
		return false
	}); err != nil {
		return 0, 0, err
	}
	maxVals, err := sk.MaxValidators(ctx)
	if err != nil {
		return 0, 0, err
	}
	it, err := sk.ValidatorsPowerStoreIterator(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer it.Close()
	abs := func(d int64) uint64 {
		if d < 0 {
			return uint64(-d)
		}
		return uint64(d)
	}
	for n := uint32(0); it.Valid() && n < maxVals; it.Next() {
		op := sdk.ValAddress(it.Value())
		v, err := sk.GetValidator(ctx, op)
		if err != nil {
			return 0, 0, err
		}
		power := v.PotentialConsensusPower(pr)
		if v.IsJailed() || power == 0 {
			break
		}
		n++
		before := lastPower[string(op)]
		delete(lastPower, string(op))
		changed += abs(power - before)
	}
	// Validators of the last set that leave it. (Summing is order-free, so
	// reading the map is deterministic.)
	for _, before := range lastPower {
		changed += abs(before)
	}
	return changed, total.Uint64(), nil
}

// StakingReader is x/staking as the validator-set messages read it (nil in a
// keeper built without it).
func (k Keeper) StakingReader() types.StakingKeeper { return k.validators.Staking }
