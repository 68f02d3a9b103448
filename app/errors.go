package app

import errorsmod "cosmossdk.io/errors"

// Codespace of the errors the app's own ante handler returns.
const Codespace = "tradechain"

// App-level errors. Codes are part of the public contract: never renumber.
var (
	ErrFeeDenom = errorsmod.Register(Codespace, 2, "fees are paid only in the fee denom")
	// ErrNotAdmitted: a signer is not admitted to submit transactions on this zone.
	ErrNotAdmitted = errorsmod.Register(Codespace, 3, "signer is not admitted on this zone")
	// ErrStakingClosed: the validator set is the zone authority's; staking's
	// own validator and delegation messages are refused.
	ErrStakingClosed = errorsmod.Register(Codespace, 4, "the validator set is managed by the zone authority")
	// ErrFeeGranterNotAdmitted: a fee allowance whose granter is not admitted
	// (under a regulator's hold, deactivated, a validator outside the set) is
	// not used.
	ErrFeeGranterNotAdmitted = errorsmod.Register(Codespace, 5, "the fee granter is not admitted on this zone")
	// ErrExecDepth: authz MsgExec nested deeper than the zone reads.
	ErrExecDepth = errorsmod.Register(Codespace, 6, "authz MsgExec nested too deep")
)
