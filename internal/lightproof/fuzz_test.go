package lightproof_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tradechain/tradechain/internal/lightproof"
)

// FuzzParseBundle: the bundle parser and the verifier never panic on any
// input, and a parsed bundle re-encodes to one that parses again.
func FuzzParseBundle(f *testing.F) {
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`{"version":1,"chain_id":"hongkong-1","kind":"bill","subject":{"bill_id":"COS-1"},"record":null,"store":"cargo","key":"A0NPUy0x","height":"5","proof_ops":[{"type":"ics23:iavl","key":"A0NPUy0x","data":""}],"signed_header":{},"validator_set":{},"intermediates":[]}`))
	if bz, err := os.ReadFile(filepath.Join(fixturesDir, "proof_bundles.json")); err == nil {
		f.Add(bz)
	}
	root := &lightproof.TrustRoot{ChainID: "hongkong-1", Height: 2, Hash: "00000000000000000000000000000000000000000000000000000000000000aa"}
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := lightproof.ParseBytes(data)
		if err != nil {
			return
		}
		if _, err := lightproof.Verify(b, root, lightproof.Options{Now: now}); err == nil {
			t.Fatalf("a fuzzed bundle verified against a made-up trust root")
		}
		bz, err := b.Encode()
		if err != nil {
			t.Fatalf("a parsed bundle does not encode: %v", err)
		}
		if _, err := lightproof.ParseBytes(bz); err != nil {
			t.Fatalf("a re-encoded bundle does not parse: %v", err)
		}
	})
}

// FuzzJoinQRParts: the QR reader never panics.
func FuzzJoinQRParts(f *testing.F) {
	f.Add("TCPB1/1/1/H4sIAAAAAAAA_6quBQQAAP__Q7-2ogIAAAA", "")
	f.Add("TCPB1/1/2/abc", "TCPB1/2/2/def")
	f.Fuzz(func(t *testing.T, a, b string) {
		parts := []string{a}
		if b != "" {
			parts = append(parts, b)
		}
		_, _ = lightproof.JoinQRParts(parts)
	})
}
