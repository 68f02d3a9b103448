package cmd

import (
	"crypto/sha256"
	"encoding/binary"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/spf13/viper"
	"github.com/stretchr/testify/require"
)

// level0Files writes 8 MiB of state-like entries (random keys, as IAVL's
// fast nodes are) and returns how many tables goleveldb flushed to level 0.
func level0Files(t *testing.T, v *viper.Viper) string {
	t.Helper()
	home := t.TempDir()
	db, err := openAppDB(home, dbm.GoLevelDBBackend, v)
	require.NoError(t, err)
	defer db.Close()
	value := make([]byte, 400)
	for i := 0; i < 8<<20/len(value); i++ {
		k := sha256.Sum256(binary.BigEndian.AppendUint64(nil, uint64(i)))
		require.NoError(t, db.Set(k[:], value))
	}
	n, err := db.(*dbm.GoLevelDB).DB().GetProperty("leveldb.num-files-at-level0")
	require.NoError(t, err)
	// a reopened database holds every entry, whatever its options were
	require.NoError(t, db.Close())
	plain, err := dbm.NewDB("application", dbm.GoLevelDBBackend, home+"/data")
	require.NoError(t, err)
	defer plain.Close()
	last := sha256.Sum256(binary.BigEndian.AppendUint64(nil, uint64(8<<20/len(value)-1)))
	got, err := plain.Get(last[:])
	require.NoError(t, err)
	require.Equal(t, value, got)
	return n
}

func TestAppDBOptions(t *testing.T) {
	// default: 64 MiB memtable, no read-triggered compactions
	o, err := appDBOptions(viper.New())
	require.NoError(t, err)
	require.Equal(t, 64<<20, o.WriteBuffer)
	require.Equal(t, 128<<20, o.BlockCacheCapacity)
	require.True(t, o.DisableSeeksCompaction)
	require.NotNil(t, o.Filter)
	require.Equal(t, "0", level0Files(t, viper.New()), "8 MiB fit in the default memtable: nothing flushed yet")

	// goleveldb's own defaults, as an operator can choose them
	v := viper.New()
	v.Set(FlagAppDBWriteBuffer, 4)
	v.Set(FlagAppDBSeekCompaction, true)
	o, err = appDBOptions(v)
	require.NoError(t, err)
	require.Equal(t, 4<<20, o.WriteBuffer)
	require.False(t, o.DisableSeeksCompaction)
	require.NotEqual(t, "0", level0Files(t, v), "a 4 MiB memtable flushes during 8 MiB of writes")

	v = viper.New()
	v.Set(FlagAppDBBlockCache, 1024)
	o, err = appDBOptions(v)
	require.NoError(t, err)
	require.Equal(t, 1024<<20, o.BlockCacheCapacity)
	for _, bad := range []int{0, 7, 9000} {
		v := viper.New()
		v.Set(FlagAppDBBlockCache, bad)
		_, err := appDBOptions(v)
		require.ErrorContains(t, err, "app-db.block-cache-mib must be between 8 and 8192 MiB")
	}

	for _, bad := range []int{0, -1, 2048} {
		v := viper.New()
		v.Set(FlagAppDBWriteBuffer, bad)
		_, err := appDBOptions(v)
		require.ErrorContains(t, err, FlagAppDBWriteBuffer)
		_, err = openAppDB(t.TempDir(), dbm.GoLevelDBBackend, v)
		require.ErrorContains(t, err, "between 1 and 1024 MiB")
	}

	// other backends are opened as the SDK opens them
	db, err := openAppDB(t.TempDir(), dbm.MemDBBackend, viper.New())
	require.NoError(t, err)
	require.IsType(t, &dbm.MemDB{}, db)
}
