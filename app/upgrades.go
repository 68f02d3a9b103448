package app

import (
	"context"
	"fmt"

	storetypes "cosmossdk.io/store/types"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	"github.com/cosmos/cosmos-sdk/types/module"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// Upgrade describes one software upgrade that governance can schedule by name.
// StoreUpgrades lists stores added, renamed or deleted at the upgrade height.
type Upgrade struct {
	Name          string
	StoreUpgrades storetypes.StoreUpgrades
	// Handler runs once at the upgrade height, before module migrations.
	// Nil means "only run the module migrations".
	Handler func(ctx context.Context, app *App, plan upgradetypes.Plan) error
}

// Upgrades is the list of upgrades this binary knows how to apply. A new release
// appends an entry here; nothing else in the app changes.
var Upgrades = []Upgrade{V2, V3}

// V2 upgrades a zone from release v1.0.0 (the corridor with the registry,
// holds and admission) to this release: the validator set under the zone
// authority, reject and recover, remarks, split and combine, refusals that
// say why, tombstones that name where control lives.
//
//   - x/cargo's store 1 → 2 (keeper.Migrator.Migrate1to2): TRANSFERRED_OUT
//     tombstones lose their holder and name departed_holder and control_zone.
//   - The x/cargo module account gains the Minter permission
//     MsgSetValidatorPower mints stake with: x/bank reads a module account's
//     permissions from the stored account, which v1 created without it.
//
// No store is added, renamed or deleted.
var V2 = Upgrade{
	Name: "v2",
	Handler: func(ctx context.Context, app *App, _ upgradetypes.Plan) error {
		acc := app.AccountKeeper.GetModuleAccount(ctx, cargotypes.ModuleName)
		macc, ok := acc.(*authtypes.ModuleAccount)
		if !ok {
			return fmt.Errorf("the %s module account is a %T", cargotypes.ModuleName, acc)
		}
		if !macc.HasPermission(authtypes.Minter) {
			macc.Permissions = append(macc.Permissions, authtypes.Minter)
			app.AccountKeeper.SetModuleAccount(ctx, macc)
		}
		return nil
	},
}

// V3 upgrades a zone from release v2 (main at commit 4545d6a) to this
// release.
//
//   - Delegations made while staking was open (release v1, frozen by v2) can
//     leave: a delegator undelegates from a validator it does not operate,
//     and the authority's removal of a validator (MsgSetValidatorPower 0)
//     unbonds every delegation to it. This is code, not state: nothing is
//     rewritten.
//   - Duplicates are caught by meaning, not by bytes (issue 36, point 7):
//     x/cargo's store 2 → 3 (keeper.Migrator.Migrate2to3): the corridor
//     registry gains every bill's identity key (carrier code and folded
//     transport document reference) and a key for every document hash a
//     bill was amended with; reservations in flight in the format before v3
//     are withdrawn (TIMED_OUT: the carrier or seller retries); the other
//     zone's pre-v3 invoice fingerprints are dropped. x/tradefinance's store
//     1 → 2 (keeper.Migrator.Migrate1to2): invoices are re-keyed by identity
//     (seller, buyer, folded number; no amount). Identities two records of
//     the zone shared are listed in x/cargo's Collisions (q cargo
//     registry-collisions), never deleted. Both zones of the corridor should
//     run v3 before reservations resume: a v3 zone refuses a pre-v3
//     reservation and a pre-v3 zone refuses a v3 one (each sender withdraws
//     it for a retry), so no record is confirmed across the two formats.
//
// No store is added, renamed or deleted.
var V3 = Upgrade{
	Name: "v3",
	// Nil: only the module migrations (RunMigrations runs each module whose
	// consensus version this release raises, listed above).
	Handler: nil,
}

// registerUpgradeHandlers installs a handler for every entry of Upgrades and,
// if this binary is starting at a scheduled upgrade height, the store loader
// that applies that upgrade's store changes.
func (app *App) registerUpgradeHandlers() {
	for _, u := range Upgrades {
		u := u
		app.UpgradeKeeper.SetUpgradeHandler(u.Name, func(ctx context.Context, plan upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
			if u.Handler != nil {
				if err := u.Handler(ctx, app, plan); err != nil {
					return nil, fmt.Errorf("upgrade %s: %w", u.Name, err)
				}
			}
			return app.ModuleManager.RunMigrations(ctx, app.configurator, fromVM)
		})
	}

	upgradeInfo, err := app.UpgradeKeeper.ReadUpgradeInfoFromDisk()
	if err != nil {
		panic(fmt.Errorf("failed to read upgrade info from disk: %w", err))
	}
	if app.UpgradeKeeper.IsSkipHeight(upgradeInfo.Height) {
		return
	}
	for _, u := range Upgrades {
		if u.Name == upgradeInfo.Name {
			su := u.StoreUpgrades
			app.SetStoreLoader(upgradetypes.UpgradeStoreLoader(upgradeInfo.Height, &su))
		}
	}
}
