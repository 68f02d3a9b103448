package app

import (
	"errors"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"

	ibcante "github.com/cosmos/ibc-go/v8/modules/core/ante"
	ibckeeper "github.com/cosmos/ibc-go/v8/modules/core/keeper"
)

// HandlerOptions extends the SDK's ante options with the IBC keeper, used to
// reject redundant relay messages before they cost a relayer fees.
type HandlerOptions struct {
	ante.HandlerOptions
	IBCKeeper *ibckeeper.Keeper
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

	return sdk.ChainAnteDecorators(
		ante.NewSetUpContextDecorator(), // must be first
		ante.NewExtensionOptionsDecorator(options.ExtensionOptionChecker),
		ante.NewValidateBasicDecorator(),
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
