package pint_test

import (
	"testing"

	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
)

// FuzzParse: no input makes the JWS parser, the strict payload decoder or a
// verification panic, and what parses has an allowed algorithm.
func FuzzParse(f *testing.F) {
	p := newPlatform(f, "WAVE", pint.ES256)
	f.Add(p.sign(f, pint.EnvelopeTransferFinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: "ab", ResponseCode: pint.RECE}))
	f.Add(p.sign(f, pint.EnvelopeManifest{TransportDocumentChecksum: "x"}))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Add("...")
	f.Fuzz(func(t *testing.T, s string) {
		j, err := pint.Parse(s)
		if err != nil {
			return
		}
		allowed := false
		for _, a := range pint.AllowedAlgorithms {
			allowed = allowed || a == j.Header.Alg
		}
		if !allowed {
			t.Fatalf("parsed a JWS with alg %q", j.Header.Alg)
		}
		_ = j.VerifyWith(p.keys)
		var e pint.EnvelopeTransferChainEntry
		_ = pint.Decode(j.Payload, &e)
		var r pint.EnvelopeTransferFinishedResponse
		_ = pint.Decode(j.Payload, &r)
		_, _ = pint.VerifyFinishedResponse(s, p.keys, "ab")
	})
}

// FuzzParseJWKS: no key set makes the JWKS parser panic, and every key it
// accepts is one CheckKey allows.
func FuzzParseJWKS(f *testing.F) {
	f.Add(newPlatform(f, "A", pint.ES256).jwks)
	f.Add(newPlatform(f, "B", pint.EdDSA).jwks)
	f.Add(newPlatform(f, "C", pint.RS256).jwks)
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"AA"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ks, err := pint.ParseJWKS(data)
		if err != nil {
			return
		}
		for _, k := range ks.Keys {
			if err := pint.CheckKey(k.Public); err != nil {
				t.Fatalf("accepted a key CheckKey refuses: %v", err)
			}
		}
	})
}

// FuzzVerifyEnvelope: a real envelope with one chain entry or the manifest
// replaced by fuzz never panics and is never accepted unless unchanged.
func FuzzVerifyEnvelope(f *testing.F) {
	s := build(f, nil)
	f.Add(s.chain[1], false)
	f.Add(s.manifest, true)
	f.Add("eyJhbGciOiJFUzI1NiJ9.e30.AAAA", false)
	f.Fuzz(func(t *testing.T, text string, manifest bool) {
		in := s.in
		if manifest {
			in.EnvelopeManifest = text
		} else {
			in.TransferChain = []string{s.chain[0], text}
		}
		_, err := pint.VerifyEnvelope(in)
		if err == nil && text != s.chain[1] && text != s.manifest {
			t.Fatalf("accepted an altered envelope: %q", text)
		}
		if err != nil && pint.CodeOf(err) == "" {
			t.Fatalf("refusal without a PINT response code: %v", err)
		}
	})
}
