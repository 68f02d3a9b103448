package app

import (
	"bytes"
	"errors"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/bech32"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"

	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	"github.com/cosmos/cosmos-sdk/x/authz"
	stakingkeeper "github.com/cosmos/cosmos-sdk/x/staking/keeper"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	ibcante "github.com/cosmos/ibc-go/v8/modules/core/ante"
	ibckeeper "github.com/cosmos/ibc-go/v8/modules/core/keeper"

	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// HandlerOptions extends the SDK's ante options with the IBC keeper, used to
// reject redundant relay messages before they cost a relayer fees.
type HandlerOptions struct {
	ante.HandlerOptions
	IBCKeeper *ibckeeper.Keeper
	// Admission decides who may submit transactions.
	Admission AdmissionDecorator
	// VerifiedSignatures lets a block skip re-verifying signatures this node
	// verified in CheckTx over the same sign bytes; nil verifies every time.
	VerifiedSignatures *VerifiedSignatures
}

// NewAnteHandler is the SDK's default ante chain plus ibc-go's redundant-relay
// decorator; the SDK's signature check runs inside
// CachedSigVerificationDecorator.
func NewAnteHandler(options HandlerOptions) (sdk.AnteHandler, error) {
	if options.AccountKeeper == nil {
		return nil, errors.New("account keeper is required for ante builder")
	}
	if options.BankKeeper == nil {
		return nil, errors.New("bank keeper is required for ante builder")
	}
	if options.SignModeHandler == nil {
		return nil, errors.New("sign mode handler is required for ante builder")
	}
	if options.IBCKeeper == nil {
		return nil, errors.New("ibc keeper is required for ante builder")
	}
	if options.Admission.Staking == nil {
		return nil, errors.New("the admission decorator needs the staking keeper")
	}

	return sdk.ChainAnteDecorators(
		ante.NewSetUpContextDecorator(), // must be first
		ante.NewExtensionOptionsDecorator(options.ExtensionOptionChecker),
		ante.NewValidateBasicDecorator(),
		options.Admission, // before any fee is charged: an outsider's tx costs nothing and never enters the mempool
		StakingGateDecorator{},
		ante.NewTxTimeoutHeightDecorator(),
		ante.NewValidateMemoDecorator(options.AccountKeeper),
		ante.NewConsumeGasForTxSizeDecorator(options.AccountKeeper),
		FeeDenomDecorator{},
		ante.NewDeductFeeDecorator(options.AccountKeeper, options.BankKeeper, options.FeegrantKeeper, options.TxFeeChecker),
		ante.NewSetPubKeyDecorator(options.AccountKeeper), // before every signature check
		ante.NewValidateSigCountDecorator(options.AccountKeeper),
		ante.NewSigGasConsumeDecorator(options.AccountKeeper, options.SigGasConsumer),
		NewCachedSigVerificationDecorator(options.AccountKeeper, options.SignModeHandler, options.VerifiedSignatures),
		ante.NewIncrementSequenceDecorator(options.AccountKeeper),
		ibcante.NewRedundantRelayDecorator(options.IBCKeeper),
	), nil
}

// FeeDenomDecorator refuses a fee in any denom but the fee denom (BondDenom),
// in CheckTx and in the block. Fees become validator rewards and
// community-pool funds; deposit tokens (td-*) there would sit with accounts
// that may not hold them (the deposit-token send restriction), and every
// withdrawal of rewards — and so every delegation change — would fail.
type FeeDenomDecorator struct{}

// AnteHandle implements sdk.AnteDecorator.
func (FeeDenomDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	feeTx, ok := tx.(sdk.FeeTx)
	if !ok {
		return ctx, errorsmod.Wrap(sdkerrors.ErrTxDecode, "tx is not a fee tx")
	}
	for _, c := range feeTx.GetFee() {
		if c.Denom != BondDenom {
			return ctx, errorsmod.Wrapf(ErrFeeDenom, "the fee %s is in %s: pay fees in %s (or leave them at zero where the zone allows)", feeTx.GetFee(), c.Denom, BondDenom)
		}
	}
	return next(ctx, tx, simulate)
}

// AdmissionDecorator is the zone's trust boundary for transactions: a
// transaction is admitted, in CheckTx and in the block, only if every signer
// is an active registered party not under a regulator's hold (RELAYER is a
// role for relayer accounts), the operator of a current validator, or the
// zone's cargo admin (params.admin). Anyone else is refused before a fee is
// charged, so an outsider's transaction never enters the mempool. Genesis
// transactions (height 0: the validators' gentxs) are admitted.
type AdmissionDecorator struct {
	Cargo   cargokeeper.Keeper
	Staking *stakingkeeper.Keeper
}

// AnteHandle implements sdk.AnteDecorator.
func (d AdmissionDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if ctx.BlockHeight() == 0 {
		return next(ctx, tx, simulate)
	}
	sigTx, ok := tx.(authsigning.SigVerifiableTx)
	if !ok {
		return ctx, errorsmod.Wrap(sdkerrors.ErrTxDecode, "tx has no signers")
	}
	signers, err := sigTx.GetSigners()
	if err != nil {
		return ctx, err
	}
	for _, signer := range signers {
		if err := d.admit(ctx, sdk.AccAddress(signer)); err != nil {
			return ctx, err
		}
	}
	return next(ctx, tx, simulate)
}

func (d AdmissionDecorator) admit(ctx sdk.Context, signer sdk.AccAddress) error {
	addr := signer.String()
	_, partyErr := d.Cargo.ActiveParty(ctx, addr)
	if partyErr == nil {
		return nil
	}
	if _, err := d.Staking.GetValidator(ctx, sdk.ValAddress(signer)); err == nil {
		return nil
	}
	if p, err := d.Cargo.Params.Get(ctx); err == nil && p.Admin != "" && p.Admin == addr {
		return nil
	}
	if errorsmod.IsOf(partyErr, cargotypes.ErrHeld, cargotypes.ErrPartyInactive) {
		return errorsmod.Wrap(ErrNotAdmitted, partyErr.Error())
	}
	return errorsmod.Wrapf(ErrNotAdmitted, "%s is not a registered party, a validator operator or a relayer of this zone: "+
		"ask the zone authority to register it (tx cargo register-party ADDRESS CODE NAME JURISDICTION ROLE, RELAYER for a relayer account)", addr)
}

// StakingGateDecorator closes x/staking's own doors into the validator set: a
// transaction carrying MsgCreateValidator, MsgDelegate, MsgBeginRedelegate or
// MsgCancelUnbondingDelegation, or an operator's MsgUndelegate from its own
// validator — directly or inside an authz MsgExec, at any depth — is refused
// in CheckTx and in the block, from any signer. The zone authority changes the
// set with MsgSetValidatorPower (x/cargo), which bounds the power changed per
// block; an operator's self-bond is the authority's to change. Genesis
// transactions (height 0: the validators' gentxs) pass. MsgEditValidator
// (description, commission) and slashing's MsgUnjail stay with the operators.
//
// One door stays open, and only outwards: a delegator's MsgUndelegate from a
// validator it does not operate — stake delegated while staking was open
// (release v1) is its own, and it gets it back after the unbonding period.
// x/staking's message server bounds it as every change to the set is bounded
// (delegatorExits, app/staking_exits.go). Cancelling an unbonding would bond
// the stake again, and stays closed.
type StakingGateDecorator struct{}

// AnteHandle implements sdk.AnteDecorator.
func (StakingGateDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if ctx.BlockHeight() == 0 {
		return next(ctx, tx, simulate)
	}
	if err := refuseStakingMsgs(tx.GetMsgs(), 0); err != nil {
		return ctx, err
	}
	return next(ctx, tx, simulate)
}

// maxExecDepth bounds how deep MsgExec may nest before the gate refuses it.
const maxExecDepth = 4

func refuseStakingMsgs(msgs []sdk.Msg, depth int) error {
	for _, msg := range msgs {
		switch m := msg.(type) {
		case *authz.MsgExec:
			if depth >= maxExecDepth {
				return errorsmod.Wrapf(ErrStakingClosed, "authz MsgExec nested more than %d deep", maxExecDepth)
			}
			inner, err := m.GetMessages()
			if err != nil {
				return errorsmod.Wrapf(sdkerrors.ErrTxDecode, "authz MsgExec: %v", err)
			}
			if err := refuseStakingMsgs(inner, depth+1); err != nil {
				return err
			}
		case *stakingtypes.MsgUndelegate:
			if err := refuseSelfUnbond(m); err != nil {
				return err
			}
		case *stakingtypes.MsgCreateValidator, *stakingtypes.MsgDelegate,
			*stakingtypes.MsgBeginRedelegate, *stakingtypes.MsgCancelUnbondingDelegation:
			return errorsmod.Wrapf(ErrStakingClosed, "%s is closed on this zone: validators are admitted, re-weighted and removed by the zone authority "+
				"(tx cargo set-validator-power VALIDATOR-ADDRESS POWER, by governance or the cargo admin); "+
				"a delegator may only undelegate stake it delegated to another account's validator (tx staking unbond)", sdk.MsgTypeURL(msg))
		}
	}
	return nil
}

// refuseSelfUnbond refuses an operator's undelegation from its own validator:
// its self-bond is the weight the zone authority gave it, changed only by
// MsgSetValidatorPower within the per-block bound. The two addresses are
// compared as bytes, whatever their prefixes; one that is not bech32 is
// refused (fail closed).
func refuseSelfUnbond(m *stakingtypes.MsgUndelegate) error {
	_, del, err := bech32.DecodeAndConvert(m.DelegatorAddress)
	if err != nil {
		return errorsmod.Wrapf(sdkerrors.ErrInvalidAddress, "delegator_address %q: %v", m.DelegatorAddress, err)
	}
	_, val, err := bech32.DecodeAndConvert(m.ValidatorAddress)
	if err != nil {
		return errorsmod.Wrapf(sdkerrors.ErrInvalidAddress, "validator_address %q: %v", m.ValidatorAddress, err)
	}
	if !bytes.Equal(del, val) {
		return nil
	}
	return errorsmod.Wrapf(ErrStakingClosed, "%s operates %s: a validator's self-bond is the zone authority's to change "+
		"(tx cargo set-validator-power %s POWER, by governance or the cargo admin; power 0 removes it and unbonds every delegation to it)",
		m.DelegatorAddress, m.ValidatorAddress, m.ValidatorAddress)
}
