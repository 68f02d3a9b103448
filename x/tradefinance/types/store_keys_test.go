package types_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/x/tradefinance/types"
)

const storeKeyVectorsFile = "testdata/store_keys.json"

type storeKeyVector struct {
	Kind      string `json:"kind"` // lc | invoice | financing
	ID        string `json:"id"`   // decimal (a uint64 does not fit a JSON number)
	KeyHex    string `json:"key_hex"`
	KeyBase64 string `json:"key_base64"`
}

// TestStoreKeyVectors checks testdata/store_keys.json is what the store key
// functions compute (the web app's TypeScript mirror tests against the file);
// UPDATE_VECTORS=1 rewrites it.
func TestStoreKeyVectors(t *testing.T) {
	var vs []storeKeyVector
	for _, id := range []uint64{1, 255, 256, 1<<63 + 5, ^uint64(0)} {
		for _, k := range []struct {
			kind string
			key  []byte
		}{{"lc", types.LCStoreKey(id)}, {"invoice", types.InvoiceStoreKey(id)}, {"financing", types.FinancingStoreKey(id)}} {
			vs = append(vs, storeKeyVector{Kind: k.kind, ID: strconv.FormatUint(id, 10), KeyHex: hex.EncodeToString(k.key), KeyBase64: base64.StdEncoding.EncodeToString(k.key)})
		}
	}
	want, err := json.MarshalIndent(map[string]any{
		"comment": "Keys in x/tradefinance's KV store (substore \"tradefinance\") of the records a light client proves; written by " +
			"`UPDATE_VECTORS=1 go test ./x/tradefinance/types -run TestStoreKeyVectors` from types.*StoreKey. Do not edit by hand.",
		"store":   types.StoreKey,
		"vectors": vs,
	}, "", "  ")
	require.NoError(t, err)
	want = append(want, '\n')
	if os.Getenv("UPDATE_VECTORS") == "1" {
		require.NoError(t, os.WriteFile(storeKeyVectorsFile, want, 0o644))
	}
	got, err := os.ReadFile(storeKeyVectorsFile)
	require.NoError(t, err, "run UPDATE_VECTORS=1 go test ./x/tradefinance/types -run TestStoreKeyVectors")
	require.True(t, bytes.Equal(want, got), "%s is stale: run UPDATE_VECTORS=1 go test ./x/tradefinance/types -run TestStoreKeyVectors and commit it", storeKeyVectorsFile)
	// The layout itself: the one-byte prefix, then the id big-endian.
	require.Equal(t, []byte{1, 0, 0, 0, 0, 0, 0, 1, 0}, types.LCStoreKey(256))
	require.Equal(t, []byte{5, 0, 0, 0, 0, 0, 0, 0, 1}, types.InvoiceStoreKey(1))
	require.Equal(t, []byte{8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, types.FinancingStoreKey(^uint64(0)))
}
