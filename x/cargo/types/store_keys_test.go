package types_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/x/cargo/types"
)

var updateVectors = flag.Bool("update", false, "rewrite testdata/store_keys.json (or set UPDATE_VECTORS=1)")

const storeKeyVectorsFile = "testdata/store_keys.json"

// StoreKeyVector is one entry of testdata/store_keys.json. The subject fields
// used depend on Kind; KeyHex and KeyBase64 are the full key in the cargo
// store, from the exported types.*StoreKey functions.
type StoreKeyVector struct {
	Kind     string `json:"kind"` // document | anchor | bill | registry | consent | history | milestone | access_record
	Hash     string `json:"hash,omitempty"`
	Anchorer string `json:"anchorer,omitempty"`
	BillID   string `json:"bill_id,omitempty"`
	// KeyKind is the registry key kind's enum name; KeyKindValue its number.
	KeyKind      string `json:"key_kind,omitempty"`
	KeyKindValue int32  `json:"key_kind_value,omitempty"`
	Key          string `json:"key,omitempty"`
	// Identity (KEY_KIND_BILL) is the text Key is the hash of, under which
	// the record is kept (types.BillIdentity): a verifier checks
	// sha256("tradechain-bill-v1|" + identity) = key, then keys by it.
	Identity string `json:"identity,omitempty"`
	// ConsentID is a decimal string (a uint64 does not fit a JSON number).
	ConsentID string `json:"consent_id,omitempty"`
	// Sequence (history, milestone) and RecordID (access_record): decimal strings.
	Sequence  string `json:"sequence,omitempty"`
	RecordID  string `json:"record_id,omitempty"`
	KeyHex    string `json:"key_hex"`
	KeyBase64 string `json:"key_base64"`
}

// StoreKeyVectors is the file's content.
type StoreKeyVectors struct {
	Comment string           `json:"comment"`
	Store   string           `json:"store"`
	Vectors []StoreKeyVector `json:"vectors"`
}

func storeKeyVectors() StoreKeyVectors {
	const (
		h1 = "8f14e45fceea167a5a36dedd4bea2543b2c5d3f8e8a1b7c9d0e1f2a3b4c5d6e7"
		h2 = "0000000000000000000000000000000000000000000000000000000000000000"
		a1 = "cosmos1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjnp7du"
		a2 = "tc1w3jhxapqwdjhxapqwdjhxapqwdjhxapqwdjhxapqwdjhxapqxyz"
	)
	var out []StoreKeyVector
	add := func(v StoreKeyVector, key []byte) {
		v.KeyHex, v.KeyBase64 = hex.EncodeToString(key), base64.StdEncoding.EncodeToString(key)
		out = append(out, v)
	}
	for _, h := range []string{h1, h2} {
		add(StoreKeyVector{Kind: "document", Hash: h}, types.DocumentStoreKey(h))
	}
	for _, p := range [][2]string{{h1, a1}, {h2, a2}} {
		add(StoreKeyVector{Kind: "anchor", Hash: p[0], Anchorer: p[1]}, types.AnchorStoreKey(p[0], p[1]))
	}
	for _, id := range []string{"COSU-6385270140", "MSC-D8931B95625E4B339F2A", "HLCU-A"} {
		add(StoreKeyVector{Kind: "bill", BillID: id}, types.BillStoreKey(id))
	}
	for _, r := range []struct {
		kind types.KeyKind
		key  string
	}{
		{types.KEY_KIND_TRANSPORT_DOCUMENT, h1}, // the document's record, Documents[hash]
		{types.KEY_KIND_INVOICE, h2},
	} {
		add(StoreKeyVector{Kind: "registry", KeyKind: r.kind.String(), KeyKindValue: int32(r.kind), Key: r.key}, types.RegistryStoreKey(r.kind, r.key))
	}
	// A bill's identity is kept under the text its key hashes (the folded
	// reference: case, separators and padding zeros do not count).
	for _, id := range []string{"COSU-6385270140", "COS-abc.001", "HLCU-A"} {
		identity := types.BillIdentityOf(id)
		add(StoreKeyVector{Kind: "registry", KeyKind: types.KEY_KIND_BILL.String(), KeyKindValue: int32(types.KEY_KIND_BILL), Key: types.BillKeyOf(id), Identity: identity},
			types.RegistryStoreKey(types.KEY_KIND_BILL, identity))
	}
	for _, id := range []uint64{0, 1, 255, 256, 1<<63 + 5, ^uint64(0)} {
		add(StoreKeyVector{Kind: "consent", ConsentID: strconv.FormatUint(id, 10)}, types.ConsentStoreKey(id))
	}
	for _, p := range []struct {
		bill string
		seq  uint64
	}{{"COSU-6385270140", 1}, {"HLCU-A", 256}, {"MSC-D8931B95625E4B339F2A", ^uint64(0)}} {
		seq := strconv.FormatUint(p.seq, 10)
		add(StoreKeyVector{Kind: "history", BillID: p.bill, Sequence: seq}, types.HistoryStoreKey(p.bill, p.seq))
		add(StoreKeyVector{Kind: "milestone", BillID: p.bill, Sequence: seq}, types.MilestoneStoreKey(p.bill, p.seq))
	}
	for _, id := range []uint64{1, 300, ^uint64(0)} {
		add(StoreKeyVector{Kind: "access_record", RecordID: strconv.FormatUint(id, 10)}, types.AccessRecordStoreKey(id))
	}
	return StoreKeyVectors{
		Comment: "Keys in x/cargo's KV store (substore \"cargo\" of the multistore) of the records a light client proves; " +
			"written by `UPDATE_VECTORS=1 go test ./x/cargo/types -run TestStoreKeyVectors` from types.*StoreKey. Do not edit by hand.",
		Store:   types.StoreKey,
		Vectors: out,
	}
}

// TestStoreKeyVectors checks testdata/store_keys.json is what the store key
// functions compute today (the web app's TypeScript mirror tests against the
// file), and rewrites it with -update or UPDATE_VECTORS=1.
func TestStoreKeyVectors(t *testing.T) {
	want, err := json.MarshalIndent(storeKeyVectors(), "", "  ")
	require.NoError(t, err)
	want = append(want, '\n')
	if *updateVectors || os.Getenv("UPDATE_VECTORS") == "1" {
		require.NoError(t, os.WriteFile(storeKeyVectorsFile, want, 0o644))
	}
	got, err := os.ReadFile(storeKeyVectorsFile)
	require.NoError(t, err, "run UPDATE_VECTORS=1 go test ./x/cargo/types -run TestStoreKeyVectors")
	require.True(t, bytes.Equal(want, got), "%s is stale: run UPDATE_VECTORS=1 go test ./x/cargo/types -run TestStoreKeyVectors and commit it", storeKeyVectorsFile)
}

// TestStoreKeyLayout pins the encoding itself, independent of the codecs: a
// one-byte collection prefix; a string key last in the key is its raw bytes,
// a string first in a pair is followed by a 0x00 terminator; integers are
// big-endian (int32 with its sign bit flipped).
func TestStoreKeyLayout(t *testing.T) {
	require.Equal(t, append([]byte{3}, "COSU-1"...), types.BillStoreKey("COSU-1"))
	require.Equal(t, append([]byte{9}, "ab"...), types.DocumentStoreKey("ab"))
	require.Equal(t, append(append([]byte{21}, "ab\x00"...), "tc1x"...), types.AnchorStoreKey("ab", "tc1x"))
	require.Equal(t, append([]byte{16, 0x80, 0, 0, 3}, "COS|ABC1"...), types.RegistryStoreKey(types.KEY_KIND_BILL, types.BillIdentityOf("COS-abc.001")))
	require.Equal(t, append([]byte{16, 0x80, 0, 0, 2}, "k"...), types.RegistryStoreKey(types.KEY_KIND_INVOICE, "k"))
	require.Equal(t, types.DocumentStoreKey("ab"), types.RegistryStoreKey(types.KEY_KIND_TRANSPORT_DOCUMENT, "ab"))
	require.Equal(t, types.BillKey("COS", "ABC1"), types.BillKeyOfIdentity(types.BillIdentityOf("COS-abc.001")))
	require.Equal(t, []byte{10, 0, 0, 0, 0, 0, 0, 1, 2}, types.ConsentStoreKey(258))
}
