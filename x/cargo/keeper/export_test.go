package keeper

import "cosmossdk.io/collections"

// LegacyRegistryOpen is version 2's open-reservation index, for the
// migration tests to lay a store out as version 2 did.
func (k Keeper) LegacyRegistryOpen() collections.KeySet[collections.Pair[int32, collections.Pair[int32, string]]] {
	return k.legacyRegistryOpen
}

// SetHistoryMigrationBatch sets how many entries MigrateHistoryLayout moves
// per batch, for a test; the returned function restores it.
func SetHistoryMigrationBatch(n int) func() {
	old := historyMigrationBatch
	historyMigrationBatch = n
	return func() { historyMigrationBatch = old }
}

// LegacyStatus is version 2's status index, for the migration tests to lay
// a store out as version 2 did.
func (k Keeper) LegacyStatus() collections.KeySet[collections.Pair[int32, string]] {
	return k.legacyStatus
}
