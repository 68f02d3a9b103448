package types

import errorsmod "cosmossdk.io/errors"

// x/tradefinance errors. Codes are part of the public contract: never renumber.
var (
	ErrInvalidAmount      = errorsmod.Register(ModuleName, 2, "invalid amount")
	ErrNotDepositDenom    = errorsmod.Register(ModuleName, 3, "not a deposit-token denom")
	ErrUnauthorized       = errorsmod.Register(ModuleName, 4, "signer is not allowed to do this")
	ErrInsufficientFunds  = errorsmod.Register(ModuleName, 5, "insufficient deposit balance")
	ErrInvalidDate        = errorsmod.Register(ModuleName, 6, "invalid date")
	ErrLCNotFound         = errorsmod.Register(ModuleName, 7, "letter of credit not found")
	ErrWrongLCStatus      = errorsmod.Register(ModuleName, 8, "letter of credit is not in a state that allows this")
	ErrExpired            = errorsmod.Register(ModuleName, 9, "letter of credit has expired")
	ErrPresentationPeriod = errorsmod.Register(ModuleName, 10, "presentation is outside the presentation period")
	ErrDocumentsMismatch  = errorsmod.Register(ModuleName, 11, "presented bill does not match the credit")
	ErrMissingDocument    = errorsmod.Register(ModuleName, 12, "a required document is missing")
	ErrDeadlinePassed     = errorsmod.Register(ModuleName, 13, "examination deadline has passed")
	ErrDeadlineNotPassed  = errorsmod.Register(ModuleName, 14, "examination deadline has not passed yet")
	ErrNoPresentation     = errorsmod.Register(ModuleName, 15, "no presentation in that state")
	ErrInvoiceExists      = errorsmod.Register(ModuleName, 16, "invoice already registered")
	ErrInvoiceNotFound    = errorsmod.Register(ModuleName, 17, "invoice not found")
	ErrFinancingNotFound  = errorsmod.Register(ModuleName, 18, "financing not found")
	ErrAlreadyFinanced    = errorsmod.Register(ModuleName, 19, "invoice or bill is already financed")
	ErrWrongFinancing     = errorsmod.Register(ModuleName, 20, "financing is not in a state that allows this")
	ErrNotMature          = errorsmod.Register(ModuleName, 21, "financing has not reached maturity")
	ErrRecipientNotParty  = errorsmod.Register(ModuleName, 22, "deposit tokens may be held only by registered active parties and module accounts")
	ErrInvalidField       = errorsmod.Register(ModuleName, 23, "invalid field")
	ErrNoAmendment        = errorsmod.Register(ModuleName, 24, "no pending amendment")
	ErrInvalidGenesis     = errorsmod.Register(ModuleName, 25, "invalid genesis state")
	ErrNoLEI              = errorsmod.Register(ModuleName, 26, "party has no LEI: invoices are identified across the corridor by the LEIs of seller and buyer")
	ErrInvoiceNotActive   = errorsmod.Register(ModuleName, 27, "invoice is not active: the corridor registry has not confirmed it")
)
