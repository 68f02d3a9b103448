package app

import (
	"context"
	"time"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"
	gogogrpc "github.com/cosmos/gogoproto/grpc"
	"google.golang.org/grpc"

	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/x/staking"
	stakingkeeper "github.com/cosmos/cosmos-sdk/x/staking/keeper"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
)

// delegatorExits is x/staking's message server as this zone routes it. Of
// x/staking's messages that change the validator set, the ante handler
// (StakingGateDecorator) lets one through: a delegator's MsgUndelegate from a
// validator it does not operate — stake delegated while staking was open
// (release v1). This server bounds it as the zone bounds every change to the
// set:
//   - The delegator keeps one of x/staking's unbonding entries with the
//     validator free (tradechain/4): x/staking allows max_entries per
//     delegator and validator, and the authority's removal of the validator
//     (MsgSetValidatorPower 0) needs one to unbond what the delegator has
//     left. Holding every entry would otherwise keep the validator in the set.
//   - After the undelegation, this block's change to the set stays within the
//     30 % bound (x/cargo's CheckPowerChange, cargo/39): a delegator that
//     weights a validator heavily leaves in steps, as the authority changes
//     the set in steps.
//
// Both are checked in the message, so they hold however it arrives (a
// transaction, authz MsgExec); a refusal undoes the undelegation. The zone
// authority's own unbondings (x/cargo SetValidatorPower) call x/staking's
// server directly and check the bound themselves.
type delegatorExits struct {
	stakingtypes.MsgServer
	staking  *stakingkeeper.Keeper
	cargo    cargokeeper.Keeper
	accCodec address.Codec
	valCodec address.Codec
}

// Undelegate is x/staking's, within the bounds above.
func (s delegatorExits) Undelegate(ctx context.Context, m *stakingtypes.MsgUndelegate) (*stakingtypes.MsgUndelegateResponse, error) {
	del, delErr := s.accCodec.StringToBytes(m.DelegatorAddress)
	val, valErr := s.valCodec.StringToBytes(m.ValidatorAddress)
	if delErr == nil && valErr == nil { // otherwise x/staking refuses it
		if err := s.keepEntryForRemoval(ctx, m, del, val); err != nil {
			return nil, err
		}
	}
	res, err := s.MsgServer.Undelegate(ctx, m)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.cargo.CheckPowerChange(ctx); err != nil {
		return nil, errorsmod.Wrapf(err, "undelegating %s from %s (undelegate less now, the rest in later blocks)", m.Amount, m.ValidatorAddress)
	}
	return res, nil
}

// keepEntryForRemoval refuses an undelegation that would leave the delegator
// no free unbonding entry with the validator.
func (s delegatorExits) keepEntryForRemoval(ctx context.Context, m *stakingtypes.MsgUndelegate, del, val []byte) error {
	maxEntries, err := s.staking.MaxEntries(ctx)
	if err != nil {
		return err
	}
	ubd, err := s.staking.GetUnbondingDelegation(ctx, del, val)
	if errorsmod.IsOf(err, stakingtypes.ErrNoUnbondingDelegation) {
		return nil
	}
	if err != nil {
		return err
	}
	if uint32(len(ubd.Entries))+1 < maxEntries {
		return nil
	}
	var first time.Time
	for i, e := range ubd.Entries {
		if i == 0 || e.CompletionTime.Before(first) {
			first = e.CompletionTime
		}
	}
	return errorsmod.Wrapf(ErrStakingClosed, "%s has %d unbonding entries with %s: x/staking keeps at most %d per delegator and validator, "+
		"and the last is kept for the zone authority's removal of the validator, which unbonds whatever is left; "+
		"undelegate again once an entry completes (the first at %s)",
		m.DelegatorAddress, len(ubd.Entries), m.ValidatorAddress, maxEntries, first.UTC().Format(time.RFC3339))
}

// stakingModule is x/staking's module with its message server wrapped in
// delegatorExits; everything else (genesis, EndBlock's validator updates,
// queries, migrations) is x/staking's own.
type stakingModule struct {
	staking.AppModule
	exits delegatorExits
}

// RegisterServices registers x/staking's services, its message server wrapped.
func (m stakingModule) RegisterServices(cfg module.Configurator) {
	m.AppModule.RegisterServices(exitsConfigurator{Configurator: cfg, exits: m.exits})
}

// exitsConfigurator hands x/staking a message-service registrar that wraps
// the server it registers.
type exitsConfigurator struct {
	module.Configurator
	exits delegatorExits
}

func (c exitsConfigurator) MsgServer() gogogrpc.Server {
	return exitsRegistrar{Server: c.Configurator.MsgServer(), exits: c.exits}
}

type exitsRegistrar struct {
	gogogrpc.Server
	exits delegatorExits
}

func (r exitsRegistrar) RegisterService(sd *grpc.ServiceDesc, ss any) {
	inner, ok := ss.(stakingtypes.MsgServer)
	if !ok {
		panic("x/staking registered a message service that is not its MsgServer: " + sd.ServiceName)
	}
	exits := r.exits
	exits.MsgServer = inner
	r.Server.RegisterService(sd, exits)
}
