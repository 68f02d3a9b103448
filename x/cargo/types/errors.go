package types

import errorsmod "cosmossdk.io/errors"

// x/cargo errors. Codes are part of the public contract: never renumber.
var (
	ErrInvalidAddress     = errorsmod.Register(ModuleName, 2, "invalid address")
	ErrUnauthorized       = errorsmod.Register(ModuleName, 3, "signer is not allowed to do this")
	ErrPartyNotFound      = errorsmod.Register(ModuleName, 4, "party not registered")
	ErrPartyExists        = errorsmod.Register(ModuleName, 5, "party already registered")
	ErrPartyInactive      = errorsmod.Register(ModuleName, 6, "party is deactivated")
	ErrWrongRole          = errorsmod.Register(ModuleName, 7, "party lacks the required role")
	ErrBillNotFound       = errorsmod.Register(ModuleName, 8, "bill not found")
	ErrBillExists         = errorsmod.Register(ModuleName, 9, "bill id already exists")
	ErrNotHolder          = errorsmod.Register(ModuleName, 10, "signer is not the holder of the bill")
	ErrWrongStatus        = errorsmod.Register(ModuleName, 11, "bill is not in a state that allows this")
	ErrNotTransferable    = errorsmod.Register(ModuleName, 12, "bill cannot be transferred this way")
	ErrLiened             = errorsmod.Register(ModuleName, 13, "bill is under a lien")
	ErrInvalidField       = errorsmod.Register(ModuleName, 14, "invalid field")
	ErrInvalidHash        = errorsmod.Register(ModuleName, 15, "invalid hash: want 64 lower-case hex characters (SHA-256)")
	ErrInvalidLocode      = errorsmod.Register(ModuleName, 16, "invalid UN/LOCODE: want 2 letters country + 3 letters/digits 2-9, e.g. CNSHA")
	ErrInvalidDate        = errorsmod.Register(ModuleName, 17, "invalid date")
	ErrUnknownEventCode   = errorsmod.Register(ModuleName, 18, "unknown DCSA event code or classifier")
	ErrDocumentExists     = errorsmod.Register(ModuleName, 19, "document hash already anchored")
	ErrDocumentNotFound   = errorsmod.Register(ModuleName, 20, "document not anchored")
	ErrConsentNotFound    = errorsmod.Register(ModuleName, 21, "consent not found")
	ErrConsentExpired     = errorsmod.Register(ModuleName, 22, "consent expiry is not in the future")
	ErrTooManyMilestones  = errorsmod.Register(ModuleName, 23, "bill has reached the milestone limit")
	ErrNoLien             = errorsmod.Register(ModuleName, 24, "bill carries no such lien")
	ErrInvalidGenesis     = errorsmod.Register(ModuleName, 25, "invalid genesis state")
	ErrInvalidPacket      = errorsmod.Register(ModuleName, 26, "invalid cargo packet")
	ErrInvalidChannel     = errorsmod.Register(ModuleName, 27, "invalid cargo channel")
	ErrBillLive           = errorsmod.Register(ModuleName, 28, "bill is already live on this zone")
	ErrRecordTampered     = errorsmod.Register(ModuleName, 29, "bill record changed on the way")
	ErrUntrustedChannel   = errorsmod.Register(ModuleName, 30, "counterparty is not on the zone's corridor allowlist")
	ErrKeyTaken           = errorsmod.Register(ModuleName, 31, "held or reserved by another zone of the corridor")
	ErrInvalidReservation = errorsmod.Register(ModuleName, 32, "invalid registry packet")
	ErrRegistryChannel    = errorsmod.Register(ModuleName, 33, "not this zone's registry channel")
	ErrReservationState   = errorsmod.Register(ModuleName, 34, "reservation is not in a state that allows this")
	ErrKeyNotFound        = errorsmod.Register(ModuleName, 35, "key not in this zone's registry")
	ErrHeld               = errorsmod.Register(ModuleName, 36, "under a regulator's hold")
	ErrHoldNotFound       = errorsmod.Register(ModuleName, 37, "no such hold")
	ErrValidatorSet       = errorsmod.Register(ModuleName, 38, "validator set change refused")
	ErrPowerChangeCap     = errorsmod.Register(ModuleName, 39, "too much voting power would change in one block")
	ErrNoOffer            = errorsmod.Register(ModuleName, 40, "no transfer or endorsement to reject")
	ErrNotCombinable      = errorsmod.Register(ModuleName, 41, "bills differ and cannot be combined")
	ErrTransportDocument  = errorsmod.Register(ModuleName, 42, "a transport document is anchored by its carrier issuing the bill")
	ErrAnchorInUse        = errorsmod.Register(ModuleName, 43, "the anchor is relied on and cannot be withdrawn now")

	// DCSA PINT (issue 37): 44–59.
	ErrPlatformNotTrusted = errorsmod.Register(ModuleName, 44, "eBL platform not trusted by this zone: the zone authority adds it with set-ebl-platform (code, endpoint, JWKS)")
	ErrInvalidJWKS        = errorsmod.Register(ModuleName, 45, "invalid JWKS: publish a JSON Web Key Set of public signing keys (EC P-256/P-384, RSA 2048-8192 bits or Ed25519), each with its own kid")
	ErrPintSignature      = errorsmod.Register(ModuleName, 46, "PINT signature refused (BSIG): sign the manifest and every transfer chain entry with ES256/ES384/PS256/RS256/EdDSA and a key in the signing platform's on-chain JWKS, over exactly what is sent")
	ErrPintEnvelope       = errorsmod.Register(ModuleName, 47, "PINT envelope refused (BENV): send the transport document with the manifest and transfer chain that sign its checksum, linked entry to entry, ending with the sending platform's entry")
	ErrPintRecipient      = errorsmod.Register(ModuleName, 48, "the envelope's last transaction does not name this recipient: name the party on this corridor's platform code with an identifying code (codeListProvider = the platform code, partyCode = the party's address or party code)")
	ErrPintDispute        = errorsmod.Register(ModuleName, 49, "PINT envelope disputed (DISE): the transport document or bill is already live in the corridor, or the envelope does not continue the bill's own transfer chain")
	ErrPintDuplicate      = errorsmod.Register(ModuleName, 50, "PINT envelope already imported (DUPE): query pint-envelope with its last entry checksum for the bill it landed")
	ErrPintCarrier        = errorsmod.Register(ModuleName, 51, "the transport document's carrier is not a carrier party of this zone: the zone admin registers the carrier (its DCSA carrierCode as party code) first")
	ErrNotExporting       = errorsmod.Register(ModuleName, 52, "the bill has no PINT export in progress: the holder exports it with export-bill first")
	ErrExportConcluded    = errorsmod.Register(ModuleName, 53, "the PINT export was already concluded: an export is concluded exactly once")
	ErrPintResponse       = errorsmod.Register(ModuleName, 54, "signed PINT answer refused: conclude with the receiving platform's EnvelopeTransferFinishedResponse JWS, signed with a key of its on-chain JWKS, for the envelope's last entry checksum, with a final code (RECE, DUPE, BSIG, BENV or DISE)")
	ErrPintPlatformCode   = errorsmod.Register(ModuleName, 55, "invalid eBL platform code: 1-4 characters without spaces (DCSA eblPlatform); this corridor's own code is set in params (pint_platform_code)")
	// Consent-gated data sharing (codes 60–69).
	ErrConsentNotLive = errorsmod.Register(ModuleName, 60, "consent is revoked or expired: ask the owner for a new consent")
	ErrConsentGrantee = errorsmod.Register(ModuleName, 61, "the consent was granted to another party")
	ErrConsentScope   = errorsmod.Register(ModuleName, 62, "the document is outside the consent's scope: ask the owner for a consent naming it (doc:<hash>, its bill id, or *)")
	ErrNotOwnersData  = errorsmod.Register(ModuleName, 63, "the document is not the granter's data: anchor it first (anchor-document) or name a bill the granter is party to")
	ErrInvalidScope   = errorsmod.Register(ModuleName, 64, "invalid consent scope: want a bill id, doc:<64 lower-case hex SHA-256> or *")
)

// A handed-over bill coming back to the zone that exported it (issue 37):
// codes 80–86.
var (
	ErrHandedOverReturn = errorsmod.Register(ModuleName, 80, "this zone exported the bill and it continued on another zone: it comes back only with the history of that continuation — an IBC packet carrying the IMPORTED entry (recorded on the zone it continued on) whose transfer chain includes this zone's last exported entry, or a PINT envelope whose chain includes it")
	ErrExportWithdrawal = errorsmod.Register(ModuleName, 81, "the PINT export is not open: the zone authority withdraws (withdraw-export) only an EXPORTING bill that got no signed answer, and a withdrawn export takes no signed answer")
)

// Light-client proof refusals (tradechaind verify-bundle, internal/lightproof):
// codes 75–79.
var (
	ErrProofBundle   = errorsmod.Register(ModuleName, 75, "malformed proof bundle")
	ErrProofFailed   = errorsmod.Register(ModuleName, 76, "proof failed")
	ErrUntrustedRoot = errorsmod.Register(ModuleName, 77, "header not linked to the trust root")
	ErrStaleProof    = errorsmod.Register(ModuleName, 78, "proof is older than the freshness asked for")
	ErrNoTrustRoot   = errorsmod.Register(ModuleName, 79, "no usable trust root")
)

// Store layout of the registry's bill identities (issue 40): codes 93–96.
var (
	ErrBillKeyMismatch = errorsmod.Register(ModuleName, 93, "a BILL key must be the identity of the bill the reservation names (SHA-256 of its carrier code and folded transport document reference)")
	ErrBillKeyLookup   = errorsmod.Register(ModuleName, 94, "a bill's identity key is kept under its carrier code and folded transport document reference, not its hash: name the bill (its id) instead")
	// ErrPartyCodeFixed: a carrier's bill ids begin with its party code, and
	// its list of bills is the range under it (CarrierIndex).
	ErrPartyCodeFixed = errorsmod.Register(ModuleName, 95, "a carrier's party code is fixed once bills on this zone are numbered under it")
)
