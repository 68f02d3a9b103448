package keeper

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// Migrator runs x/cargo's store migrations (registered with the module
// configurator; the app's named upgrades run them).
type Migrator struct{ k Keeper }

// NewMigrator returns the migrator of k's store.
func NewMigrator(k Keeper) Migrator { return Migrator{k: k} }

// Migrate1to2 rewrites version-1 TRANSFERRED_OUT tombstones into the shape
// version 2 writes: a tombstone's holder is empty — nobody controls the bill
// on this zone — its departed_holder is the holder who sent it away, and
// control_zone names the zone that holds the live record (from the light
// client behind the channel it left through). The holder index follows the
// record. Everything else in the store is unchanged.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	var old []types.Bill
	if err := m.k.Bills.Walk(ctx, nil, func(_ string, b types.Bill) (bool, error) {
		if b.Status == types.BILL_STATUS_TRANSFERRED_OUT && b.Holder != "" {
			old = append(old, b)
		}
		return false, nil
	}); err != nil {
		return err
	}
	for _, b := range old { // in id order: deterministic
		b.DepartedHolder, b.Holder = b.Holder, ""
		if b.ControlZone == "" {
			b.ControlZone = m.k.counterpartyChainID(ctx, types.PortID, b.TransferredVia)
		}
		if err := m.k.Bills.Set(ctx, b.Id, b); err != nil {
			return err
		}
	}
	ctx.Logger().Info("x/cargo migration 1→2: tombstones rewritten", "count", len(old))
	return nil
}
