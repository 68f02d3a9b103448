package keeper

// SetHistoryMigrationBatch sets how many entries MigrateHistoryLayout moves
// per batch, for a test; the returned function restores it.
func SetHistoryMigrationBatch(n int) func() {
	old := historyMigrationBatch
	historyMigrationBatch = n
	return func() { historyMigrationBatch = old }
}
