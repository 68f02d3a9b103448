package keeper

import (
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Migrator runs x/tradefinance's store migrations (registered with the module
// configurator; the app's named upgrades run them).
type Migrator struct{ k Keeper }

// NewMigrator returns the migrator of k's store.
func NewMigrator(k Keeper) Migrator { return Migrator{k: k} }

// Migrate1to2 builds the index of presented documents (PresentedDocs, new in
// version 2) from the presentations in the store, so that an anchor a
// presentation made before the upgrade relies on is not withdrawn under it.
// Nothing else changes.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	it, err := m.k.Presentations.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	ps, err := it.Values()
	if err != nil {
		return err
	}
	for _, p := range ps {
		if err := m.k.indexPresentedDocs(ctx, p); err != nil {
			return err
		}
	}
	ctx.Logger().Info("x/tradefinance migration 1→2: presented documents indexed", "presentations", len(ps))
	return nil
}
