package app

import (
	"context"
	"fmt"

	storetypes "cosmossdk.io/store/types"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	"github.com/cosmos/cosmos-sdk/types/module"
)

// Upgrade describes one software upgrade that governance can schedule by name.
// StoreUpgrades lists stores added, renamed or deleted at the upgrade height.
type Upgrade struct {
	Name          string
	StoreUpgrades storetypes.StoreUpgrades
	// Handler runs once at the upgrade height, before module migrations.
	// Nil means "only run the module migrations".
	Handler func(ctx context.Context, plan upgradetypes.Plan) error
}

// Upgrades is the list of upgrades this binary knows how to apply. A new release
// appends an entry here; nothing else in the app changes.
var Upgrades []Upgrade

// registerUpgradeHandlers installs a handler for every entry of Upgrades and,
// if this binary is starting at a scheduled upgrade height, the store loader
// that applies that upgrade's store changes.
func (app *App) registerUpgradeHandlers() {
	for _, u := range Upgrades {
		u := u
		app.UpgradeKeeper.SetUpgradeHandler(u.Name, func(ctx context.Context, plan upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
			if u.Handler != nil {
				if err := u.Handler(ctx, plan); err != nil {
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
