package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// CargoKeeper is what x/tradefinance needs from x/cargo: the roster, bills,
// anchored documents and the lien API.
type CargoKeeper interface {
	ActiveParty(ctx context.Context, addr string) (cargotypes.Party, error)
	ActivePartyWithRole(ctx context.Context, addr string, roles ...cargotypes.Role) (cargotypes.Party, error)
	GetParty(ctx context.Context, addr string) (cargotypes.Party, error)
	// RequireNotStopped refuses a party under a regulator's hold or
	// deactivated; accounts that are not parties pass.
	RequireNotStopped(ctx context.Context, addr string) error
	GetBill(ctx context.Context, id string) (cargotypes.Bill, error)
	// DocumentAnchors are the anchors of a document hash in force (the bill's
	// anchor of a transport document, the parties' own anchors).
	DocumentAnchors(ctx context.Context, hash string) ([]cargotypes.Document, error)
	// PartyAnchor is a party's own anchor of a document hash, if in force.
	PartyAnchor(ctx context.Context, hash, party string) (cargotypes.Document, error)
	PlaceLien(ctx context.Context, id, owner string, lien cargotypes.Lien) error
	ReleaseLien(ctx context.Context, id, module, reference string) error
	TransferUnderLien(ctx context.Context, id, module, reference, to string) error
	// Reserve claims keys in the corridor registry for a local record.
	Reserve(ctx context.Context, reference string, keys ...cargotypes.KeyRef) (cargotypes.ReservationStatus, error)
	GetRegistryKey(ctx context.Context, kind cargotypes.KeyKind, key string) (cargotypes.RegistryKey, bool, error)
	// RekeyRegistryKey and RecordCollision serve the v3 migration.
	RekeyRegistryKey(ctx context.Context, kind cargotypes.KeyKind, from, to string) error
	RecordCollision(ctx context.Context, c cargotypes.IdentityCollision) error
}

// BankKeeper is what x/tradefinance needs from x/bank.
type BankKeeper interface {
	SendCoins(ctx context.Context, from, to sdk.AccAddress, amt sdk.Coins) error
	SendCoinsFromAccountToModule(ctx context.Context, from sdk.AccAddress, module string, amt sdk.Coins) error
	SendCoinsFromModuleToAccount(ctx context.Context, module string, to sdk.AccAddress, amt sdk.Coins) error
	MintCoins(ctx context.Context, module string, amt sdk.Coins) error
	BurnCoins(ctx context.Context, module string, amt sdk.Coins) error
	GetBalance(ctx context.Context, addr sdk.AccAddress, denom string) sdk.Coin
	GetAllBalances(ctx context.Context, addr sdk.AccAddress) sdk.Coins
	HasDenomMetaData(ctx context.Context, denom string) bool
	SetDenomMetaData(ctx context.Context, md banktypes.Metadata)
}

// AccountKeeper is what x/tradefinance needs from x/auth.
type AccountKeeper interface {
	GetModuleAddress(name string) sdk.AccAddress
	GetAccount(ctx context.Context, addr sdk.AccAddress) sdk.AccountI
}
