package docstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"

	_ "github.com/tradechain/tradechain/app" // trade1 address prefixes
)

func rawHash(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// The Go verifier accepts a signature CosmJS made exactly as Keplr's
// signArbitrary does, and the sign bytes are byte-for-byte CosmJS's.
func TestADR036MatchesCosmJS(t *testing.T) {
	var v struct {
		Signer, Data string
		SignBytes    string `json:"sign_bytes"`
		PubKey       string `json:"pub_key"`
		Signature    string
	}
	bz, err := os.ReadFile("testdata/adr036_cosmjs.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(bz, &v))
	require.Equal(t, v.SignBytes, string(ADR036SignBytes(v.Signer, []byte(v.Data))))
	pub, _ := base64.StdEncoding.DecodeString(v.PubKey)
	sig, _ := base64.StdEncoding.DecodeString(v.Signature)
	require.NoError(t, VerifyADR036(v.Signer, pub, sig, []byte(v.Data)))

	require.Error(t, VerifyADR036(v.Signer, pub, sig, []byte(v.Data+" ")), "other data")
	bad := append([]byte(nil), sig...)
	bad[10] ^= 1
	require.Error(t, VerifyADR036(v.Signer, pub, bad, []byte(v.Data)), "tampered signature")
	other := sdk.AccAddress(secp256k1.GenPrivKey().PubKey().Address()).String()
	require.ErrorContains(t, VerifyADR036(other, pub, sig, []byte(v.Data)), "not the signer's")
}

func TestChallengesSingleUseAndExpiry(t *testing.T) {
	c := NewChallenges("hongkong-1", "trade1gw", time.Minute, 3)
	ch, err := c.Issue()
	require.NoError(t, err)
	require.Contains(t, ch.Text, "chain_id: hongkong-1")
	require.Contains(t, ch.Text, "gateway: trade1gw")
	_, err = c.Redeem(ch.Nonce)
	require.NoError(t, err)
	_, err = c.Redeem(ch.Nonce)
	require.ErrorContains(t, err, "already used", "replay")

	now := time.Now()
	c.now = func() time.Time { return now }
	ch, err = c.Issue()
	require.NoError(t, err)
	c.now = func() time.Time { return now.Add(2 * time.Minute) }
	_, err = c.Redeem(ch.Nonce)
	require.ErrorContains(t, err, "expired")

	c.now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		_, err = c.Issue()
		require.NoError(t, err)
	}
	_, err = c.Issue()
	require.ErrorIs(t, err, ErrTooManyChallenges)
}

func TestSealOpenRotate(t *testing.T) {
	dir := t.TempDir()
	kr, err := OpenKeyring(dir)
	require.NoError(t, err)
	doc := []byte("%PDF-1.7 packing list")
	h := rawHash(doc)
	s1, err := kr.Seal(h, doc)
	require.NoError(t, err)
	require.False(t, bytes.Contains(s1, doc), "plaintext at rest")
	s1b, err := kr.Seal(h, doc)
	require.NoError(t, err)
	require.NotEqual(t, s1, s1b, "a fresh nonce per object")
	pt, err := kr.Open(h, s1)
	require.NoError(t, err)
	require.Equal(t, doc, pt)
	_, err = kr.Open(rawHash([]byte("other")), s1)
	require.Error(t, err, "moved under another hash")

	old := kr.Current()
	id, err := kr.RotateKey()
	require.NoError(t, err)
	require.NotEqual(t, old, id)
	kr2, err := OpenKeyring(dir) // reload from disk
	require.NoError(t, err)
	require.Equal(t, id, kr2.Current())
	pt, err = kr2.Open(h, s1) // sealed under the old key
	require.NoError(t, err)
	require.Equal(t, doc, pt)
	fi, err := os.Stat(filepath.Join(dir, id+".key"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	// Rekey re-seals old objects under the current key.
	b, err := OpenBolt(filepath.Join(t.TempDir(), "s.db"))
	require.NoError(t, err)
	defer b.Close()
	require.NoError(t, b.Put(context.Background(), Object{Hash: h, Owner: "o", Sealed: s1, Stored: time.Now()}))
	srv := &Server{Backend: b, Keys: kr2}
	n, err := srv.Rekey(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	o, err := b.Get(context.Background(), h)
	require.NoError(t, err)
	k, _ := KeyOf(o.Sealed)
	require.Equal(t, id, k)
}
