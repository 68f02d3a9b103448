package keeper

import (
	"cosmossdk.io/collections"

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
// record. The holds in force are counted per subject kind (HoldCount) and the
// bills per status (the status index's counts), both new in version 2 —
// before the rewrite, which changes no status. Everything else in the store
// is unchanged.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	if err := m.k.countHolds(ctx); err != nil {
		return err
	}
	if err := m.k.Bills.Indexes.Status.recount(ctx); err != nil {
		return err
	}
	// Only the tombstones are read, through the status index (in id order).
	it, err := m.k.Bills.Indexes.Status.Iterate(ctx, collections.NewPrefixedPairRange[int32, string](int32(types.BILL_STATUS_TRANSFERRED_OUT)))
	if err != nil {
		return err
	}
	ids, err := it.Keys()
	if err != nil {
		return err
	}
	var old []types.Bill
	for _, k := range ids {
		b, err := m.k.Bills.Get(ctx, k.K2())
		if err != nil {
			return err
		}
		if b.Holder != "" {
			old = append(old, b)
		}
	}
	for _, b := range old {
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
