package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/bech32"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"

	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	"github.com/cosmos/cosmos-sdk/x/authz"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
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
	if options.Admission.Codec == nil {
		return nil, errors.New("the admission decorator needs the codec (to read the signers of inner messages)")
	}
	var feegrants ante.FeegrantKeeper
	if options.FeegrantKeeper != nil {
		feegrants = AdmittedFeegrants{FeegrantKeeper: options.FeegrantKeeper, Admission: options.Admission}
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
		ante.NewDeductFeeDecorator(options.AccountKeeper, options.BankKeeper, feegrants, options.TxFeeChecker),
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
// of the transaction and every signer of every message it carries — the
// messages inside an authz MsgExec too, at any depth (walkMsgs) — is an
// active registered party not under a regulator's hold (RELAYER is a role
// for relayer accounts), the operator of a validator in the active set, or
// the zone's cargo admin (params.admin). A party under a hold is refused
// whatever else it is. The operator of a validator outside the active set
// (jailed, tombstoned, unbonding or unbonded — e.g. removed by the zone
// authority with power 0) is admitted only for a transaction whose every
// message is one it needs to leave or come back (operatorExitMsgs: unjail,
// withdraw its commission and rewards). Anyone else is refused before a fee
// is charged, so an outsider's transaction never enters the mempool. Genesis
// transactions (the validators' gentxs, delivered by InitChain) are admitted;
// CheckTx before the first block is not genesis.
//
// The same rule runs where messages execute on behalf of an account that did
// not sign the transaction: AdmittedRouter (authz's dispatch, and an ICA host
// if the zone ever wires one) and AdmittedFeegrants (whose allowance pays).
type AdmissionDecorator struct {
	Cargo   cargokeeper.Keeper
	Staking *stakingkeeper.Keeper
	// Codec reads the signers of inner messages (cosmos.msg.v1.signer).
	Codec codec.Codec
}

// AnteHandle implements sdk.AnteDecorator.
func (d AdmissionDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if isGenesisTx(ctx) {
		return next(ctx, tx, simulate)
	}
	sigTx, ok := tx.(authsigning.SigVerifiableTx)
	if !ok {
		return ctx, errorsmod.Wrap(sdkerrors.ErrTxDecode, "tx has no signers")
	}
	signers, err := sigTx.GetSigners() // the messages' signers and the fee payer
	if err != nil {
		return ctx, err
	}
	// Each account's standing is read once per transaction.
	seen := map[string]standing{}
	look := func(signer []byte) (standing, error) {
		if st, ok := seen[string(signer)]; ok {
			return st, nil
		}
		st, err := d.standing(ctx, sdk.AccAddress(signer))
		if err == nil {
			seen[string(signer)] = st
		}
		return st, err
	}
	// exiting is an operator outside the active set that signs or pays for
	// this transaction: then every message must be one of operatorExitMsgs.
	var exiting sdk.AccAddress
	for _, signer := range signers {
		st, err := look(signer)
		if err != nil {
			return ctx, err
		}
		if st == exitingOperator && exiting == nil {
			exiting = signer
		}
	}
	err = walkMsgs(tx.GetMsgs(), func(msg sdk.Msg, depth int) error {
		if exiting != nil && !isOperatorExitMsg(msg) {
			return d.exitOnly(ctx, exiting, msg)
		}
		if depth == 0 {
			// The signers of a top-level message are signers of the
			// transaction (the SDK's GetSigners is their union with the fee
			// payer, and each of them must sign): all were judged above —
			// none refused, none an operator out of the set, or exiting is
			// set — so reading them again would change nothing.
			return nil
		}
		return d.admitMsg(ctx, msg, look)
	})
	if err != nil {
		return ctx, err
	}
	return next(ctx, tx, simulate)
}

// AdmitMsg applies the admission rule to one message about to execute: every
// signer of msg must be admitted for it. AdmittedRouter calls it for each
// message a module executes on someone's behalf.
func (d AdmissionDecorator) AdmitMsg(ctx sdk.Context, msg sdk.Msg) error {
	return d.admitMsg(ctx, msg, func(signer []byte) (standing, error) { return d.standing(ctx, signer) })
}

func (d AdmissionDecorator) admitMsg(ctx sdk.Context, msg sdk.Msg, look func([]byte) (standing, error)) error {
	signers, _, err := d.Codec.GetMsgV1Signers(msg)
	if err != nil {
		return errorsmod.Wrapf(sdkerrors.ErrTxDecode, "signers of %s: %v", sdk.MsgTypeURL(msg), err)
	}
	for _, signer := range signers {
		st, err := look(signer)
		if err != nil {
			return err
		}
		if st == exitingOperator && !isOperatorExitMsg(msg) {
			return d.exitOnly(ctx, signer, msg)
		}
	}
	return nil
}

// standing is what the zone admits an account for.
type standing int

const (
	notAdmitted     standing = iota
	admitted                 // any transaction
	exitingOperator          // only operatorExitMsgs
)

// standing returns what signer is admitted for; when it is not admitted, the
// error (ErrNotAdmitted) says why and what to do.
func (d AdmissionDecorator) standing(ctx sdk.Context, signer sdk.AccAddress) (standing, error) {
	addr := signer.String()
	_, partyErr := d.Cargo.ActiveParty(ctx, addr)
	switch {
	case partyErr == nil:
		return admitted, nil
	case errorsmod.IsOf(partyErr, cargotypes.ErrHeld):
		// A regulator's hold stops the party whatever else it is.
		return notAdmitted, errorsmod.Wrap(ErrNotAdmitted, partyErr.Error())
	}
	if v, err := d.Staking.GetValidator(ctx, sdk.ValAddress(signer)); err == nil {
		if v.IsBonded() && !v.IsJailed() {
			return admitted, nil
		}
		return exitingOperator, nil
	}
	if p, err := d.Cargo.Params.Get(ctx); err == nil && p.Admin != "" && p.Admin == addr {
		return admitted, nil
	}
	if errorsmod.IsOf(partyErr, cargotypes.ErrPartyInactive) {
		return notAdmitted, errorsmod.Wrap(ErrNotAdmitted, partyErr.Error())
	}
	return notAdmitted, errorsmod.Wrapf(ErrNotAdmitted, "%s is not a registered party, a validator operator or a relayer of this zone: "+
		"ask the zone authority to register it (tx cargo register-party ADDRESS CODE NAME JURISDICTION ROLE, RELAYER for a relayer account)", addr)
}

// operatorExitMsgs are the messages the operator of a validator outside the
// active set may still send: unjail it (a jailed validator the authority
// keeps), and withdraw the commission and rewards it earned. Nothing else —
// not MsgEditValidator either: a validator that is not validating has no
// description or commission anyone relies on, and it can edit them once back
// in the set.
var operatorExitMsgs = []string{
	sdk.MsgTypeURL(&slashingtypes.MsgUnjail{}),
	sdk.MsgTypeURL(&distrtypes.MsgWithdrawValidatorCommission{}),
	sdk.MsgTypeURL(&distrtypes.MsgWithdrawDelegatorReward{}),
}

func isOperatorExitMsg(msg sdk.Msg) bool {
	return slices.Contains(operatorExitMsgs, sdk.MsgTypeURL(msg))
}

// exitOnly is the refusal of msg signed or paid for by operator, the
// operator of a validator outside the active set.
func (d AdmissionDecorator) exitOnly(ctx sdk.Context, operator sdk.AccAddress, msg sdk.Msg) error {
	return errorsmod.Wrapf(ErrNotAdmitted, "%s: its operator may send only %s, not %s",
		d.outOfSet(ctx, operator), strings.Join(operatorExitMsgs, ", "), sdk.MsgTypeURL(msg))
}

// outOfSet describes the validator of operator, which is not in the active set.
func (d AdmissionDecorator) outOfSet(ctx sdk.Context, operator sdk.AccAddress) string {
	state := "not bonded"
	if v, err := d.Staking.GetValidator(ctx, sdk.ValAddress(operator)); err == nil {
		state = strings.ToLower(strings.TrimPrefix(v.GetStatus().String(), "BOND_STATUS_"))
		if v.IsJailed() {
			state = "jailed, " + state
		}
	}
	return fmt.Sprintf("%s operates validator %s, which is not in the active set (%s)", operator, sdk.ValAddress(operator), state)
}

// isGenesisTx reports whether ctx delivers a genesis transaction (a
// validator's gentx, run by InitChain at height 0). CheckTx, ReCheckTx and
// simulation before the first block also see height 0, but are not genesis:
// they run on the check state.
func isGenesisTx(ctx sdk.Context) bool {
	return ctx.BlockHeight() == 0 && !ctx.IsCheckTx()
}

// walkMsgs calls visit on every message of msgs and, inside each authz
// MsgExec, on every message it executes, at any depth up to maxExecDepth —
// every message a transaction will run, and so every account it acts for.
// (Messages an ICA host would execute arrive in packets, not transactions:
// AdmittedRouter covers them where they run.)
// visit also gets the message's depth: 0 for a message of the transaction
// itself, 1 for one inside a MsgExec of it, and so on.
func walkMsgs(msgs []sdk.Msg, visit func(msg sdk.Msg, depth int) error) error {
	return walkMsgsAt(msgs, 0, visit)
}

// maxExecDepth bounds how deep MsgExec may nest.
const maxExecDepth = 4

func walkMsgsAt(msgs []sdk.Msg, depth int, visit func(sdk.Msg, int) error) error {
	for _, msg := range msgs {
		if err := visit(msg, depth); err != nil {
			return err
		}
		exec, ok := msg.(*authz.MsgExec)
		if !ok {
			continue
		}
		if depth >= maxExecDepth {
			return errorsmod.Wrapf(ErrExecDepth, "authz MsgExec nested more than %d deep", maxExecDepth)
		}
		inner, err := exec.GetMessages()
		if err != nil {
			return errorsmod.Wrapf(sdkerrors.ErrTxDecode, "authz MsgExec: %v", err)
		}
		if err := walkMsgsAt(inner, depth+1, visit); err != nil {
			return err
		}
	}
	return nil
}

// AdmittedRouter is the message router of the modules that execute messages
// on behalf of an account that did not sign the transaction — x/authz's
// MsgExec dispatch, and an ICA host's if the zone ever wires one (give it
// this router): before a message's handler runs, every signer of the message
// must be admitted for it (AdmissionDecorator.AdmitMsg). The ante handler
// refuses such a transaction earlier, before any fee; this is where the rule
// holds whatever path the message took.
type AdmittedRouter struct {
	baseapp.MessageRouter
	Admission AdmissionDecorator
}

// Handler implements baseapp.MessageRouter.
func (r AdmittedRouter) Handler(msg sdk.Msg) baseapp.MsgServiceHandler {
	return r.guard(r.MessageRouter.Handler(msg))
}

// HandlerByTypeURL implements baseapp.MessageRouter.
func (r AdmittedRouter) HandlerByTypeURL(typeURL string) baseapp.MsgServiceHandler {
	return r.guard(r.MessageRouter.HandlerByTypeURL(typeURL))
}

func (r AdmittedRouter) guard(h baseapp.MsgServiceHandler) baseapp.MsgServiceHandler {
	if h == nil {
		return nil
	}
	return func(ctx sdk.Context, msg sdk.Msg) (*sdk.Result, error) {
		if err := r.Admission.AdmitMsg(ctx, msg); err != nil {
			return nil, err
		}
		return h(ctx, msg)
	}
}

// AdmittedFeegrants is the fee-grant keeper the fee decorator uses: an
// allowance pays only while its granter is admitted on the zone for any
// transaction — a party under a regulator's hold or deactivated, or the
// operator of a validator outside the active set, pays no one's fees. The
// refusal comes before the allowance is touched or any fee moves.
type AdmittedFeegrants struct {
	ante.FeegrantKeeper
	Admission AdmissionDecorator
}

// UseGrantedFees implements ante.FeegrantKeeper.
func (k AdmittedFeegrants) UseGrantedFees(ctx context.Context, granter, grantee sdk.AccAddress, fee sdk.Coins, msgs []sdk.Msg) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	st, err := k.Admission.standing(sdkCtx, granter)
	switch {
	case st == admitted:
		return k.FeegrantKeeper.UseGrantedFees(ctx, granter, grantee, fee, msgs)
	case st == exitingOperator:
		err = errors.New(k.Admission.outOfSet(sdkCtx, granter))
	}
	return errorsmod.Wrapf(ErrFeeGranterNotAdmitted, "the fee allowance of %s cannot pay for %s's transaction: %v; pay the fee yourself or use another granter's allowance",
		granter, grantee, err)
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
	if isGenesisTx(ctx) {
		return next(ctx, tx, simulate)
	}
	if err := refuseStakingMsgs(tx.GetMsgs()); err != nil {
		return ctx, err
	}
	return next(ctx, tx, simulate)
}

func refuseStakingMsgs(msgs []sdk.Msg) error {
	return walkMsgs(msgs, func(msg sdk.Msg, _ int) error {
		switch m := msg.(type) {
		case *stakingtypes.MsgUndelegate:
			return refuseSelfUnbond(m)
		case *stakingtypes.MsgCreateValidator, *stakingtypes.MsgDelegate,
			*stakingtypes.MsgBeginRedelegate, *stakingtypes.MsgCancelUnbondingDelegation:
			return errorsmod.Wrapf(ErrStakingClosed, "%s is closed on this zone: validators are admitted, re-weighted and removed by the zone authority "+
				"(tx cargo set-validator-power VALIDATOR-ADDRESS POWER, by governance or the cargo admin); "+
				"a delegator may only undelegate stake it delegated to another account's validator (tx staking unbond)", sdk.MsgTypeURL(msg))
		}
		return nil
	})
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
