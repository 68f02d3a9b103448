package pint_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/x/cargo/dcsa"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
)

// rsaKeys are generated once per test binary and handed out in turn (a
// 2048-bit key takes long to generate on a shared machine).
var (
	rsaMu   sync.Mutex
	rsaPool []*rsa.PrivateKey
	rsaNext int
)

func rsaKey(t testing.TB) *rsa.PrivateKey {
	rsaMu.Lock()
	defer rsaMu.Unlock()
	if len(rsaPool) < 3 {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		rsaPool = append(rsaPool, k)
		return k
	}
	rsaNext++
	return rsaPool[rsaNext%len(rsaPool)]
}

// platform is a test eBL platform with its own signing key.
type platform struct {
	code   string
	signer pint.Signer
	keys   *pint.KeySet
	jwks   []byte
}

func newPlatform(t testing.TB, code, alg string) *platform {
	t.Helper()
	var key crypto.Signer
	var err error
	switch alg {
	case pint.ES256:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case pint.ES384:
		key, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case pint.PS256, pint.RS256:
		key = rsaKey(t)
	case pint.EdDSA:
		_, key, err = ed25519.GenerateKey(rand.Reader)
	}
	require.NoError(t, err)
	kid := code + "-key-1"
	jwk, err := pint.PublicJWK(key.Public(), kid, alg)
	require.NoError(t, err)
	jwks, err := pint.MarshalJWKS(jwk)
	require.NoError(t, err)
	ks, err := pint.ParseJWKS(jwks)
	require.NoError(t, err)
	return &platform{code: code, signer: pint.Signer{Alg: alg, Kid: kid, Key: key}, keys: ks, jwks: jwks}
}

func (p *platform) sign(t testing.TB, v any) string {
	t.Helper()
	s, err := p.signer.SignJSON(v)
	require.NoError(t, err)
	return s
}

func document(t testing.TB) ([]byte, string) {
	t.Helper()
	doc, err := os.ReadFile("../../../../examples/ebl-shanghai-hongkong.json")
	require.NoError(t, err)
	h, err := dcsa.Hash(doc)
	require.NoError(t, err)
	return doc, h
}

func party(name, platform, code string) pint.Party {
	return pint.Party{PartyName: name, EblPlatform: platform, IdentifyingCodes: []pint.IdentifyingCode{{CodeListProvider: platform, PartyCode: code}}}
}

// scenario: the carrier's platform CARX issues to a shipper on CARX and
// transfers it to a consignee on WAVE; WAVE endorses it to a bank on TRDC.
type scenario struct {
	carx, wave *platform
	doc        []byte
	hash       string
	chain      []string
	manifest   string
	in         pint.EnvelopeInput
}

func build(t testing.TB, mutate func(entries []*pint.EnvelopeTransferChainEntry, m *pint.EnvelopeManifest)) *scenario {
	t.Helper()
	s := &scenario{carx: newPlatform(t, "CARX", pint.ES256), wave: newPlatform(t, "WAVE", pint.PS256)}
	s.doc, s.hash = document(t)
	issueTo, _ := json.Marshal(pint.IssueToParty{PartyName: "Shipper Co", SendToPlatform: "CARX", IdentifyingCodes: []pint.IdentifyingCode{{CodeListProvider: "CARX", PartyCode: "shipper"}}})
	issueToSum, err := dcsa.Hash(issueTo)
	require.NoError(t, err)
	im := s.carx.sign(t, pint.IssuanceManifest{DocumentChecksum: s.hash, IssueToChecksum: issueToSum})
	shipper, consignee, bank := party("Shipper Co", "CARX", "shipper"), party("Consignee Ltd", "WAVE", "consignee"), party("HK Bank", "TRDC", "trade1bank")
	carrier := party("COSCO", "CARX", "COS")
	e1 := &pint.EnvelopeTransferChainEntry{EblPlatform: "CARX", TransportDocumentChecksum: s.hash, IssuanceManifestSignedContent: im,
		Transactions: []pint.Transaction{
			{ActionCode: pint.ActionIssue, Actor: carrier, Recipient: &shipper, ActionDateTime: "2026-12-01T10:00:00.000Z"},
			{ActionCode: pint.ActionTransfer, Actor: shipper, Recipient: &consignee, ActionDateTime: "2026-12-01T11:00:00.000Z"},
		}}
	e2 := &pint.EnvelopeTransferChainEntry{EblPlatform: "WAVE", TransportDocumentChecksum: s.hash,
		Transactions: []pint.Transaction{{ActionCode: pint.ActionEndorse, Actor: consignee, Recipient: &bank, ActionDateTime: "2026-12-02T09:00:00.000Z"}}}
	m := &pint.EnvelopeManifest{TransportDocumentChecksum: s.hash}
	entries := []*pint.EnvelopeTransferChainEntry{e1, e2}
	if mutate != nil {
		mutate(entries, m)
	}
	// Sign in order, linking each entry to the previous one unless the
	// mutation set a link of its own.
	signers := map[string]*platform{"CARX": s.carx, "WAVE": s.wave}
	for i, e := range entries {
		if i > 0 && e.PreviousEnvelopeTransferChainEntrySignedContentChecksum == "" {
			e.PreviousEnvelopeTransferChainEntrySignedContentChecksum = pint.Checksum(s.chain[i-1])
		}
		p := signers[e.EblPlatform]
		if p == nil {
			p = s.wave
		}
		s.chain = append(s.chain, p.sign(t, e))
	}
	if m.LastEnvelopeTransferChainEntrySignedContentChecksum == "" {
		m.LastEnvelopeTransferChainEntrySignedContentChecksum = pint.Checksum(s.chain[len(s.chain)-1])
	}
	s.manifest = s.wave.sign(t, m)
	s.in = pint.EnvelopeInput{
		TransportDocument: s.doc, EnvelopeManifest: s.manifest, TransferChain: s.chain,
		SendingPlatform: "WAVE", ReceivingPlatform: "TRDC",
		Keys: func(code string) (*pint.KeySet, error) {
			if p := signers[code]; p != nil {
				return p.keys, nil
			}
			return nil, fmt.Errorf("platform %s not trusted", code)
		},
		IssuanceKeys: func(kid string) []*pint.KeySet {
			if _, err := s.carx.keys.Lookup(kid, ""); err == nil {
				return []*pint.KeySet{s.carx.keys}
			}
			return nil
		},
	}
	return s
}

func TestVerifyEnvelope(t *testing.T) {
	s := build(t, nil)
	env, err := pint.VerifyEnvelope(s.in)
	require.NoError(t, err)
	require.Equal(t, s.hash, env.TransportDocumentChecksum)
	require.Equal(t, []string{pint.Checksum(s.chain[0]), pint.Checksum(s.chain[1])}, env.EntryChecksums)
	require.Equal(t, env.EntryChecksums[1], env.LastEntryChecksum)
	require.True(t, env.IssuanceManifestVerified)
	require.Equal(t, pint.ActionEndorse, env.LastTransaction.ActionCode)
	require.Equal(t, "TRDC", env.Recipient.EblPlatform)
	require.Equal(t, "trade1bank", env.Recipient.IdentifyingCodes[0].PartyCode)
	require.Equal(t, "COSU6385270140", env.Document.Reference)

	// Without issuance keys the manifest is read (its checksum checked) but
	// not counted as verified.
	s.in.IssuanceKeys = nil
	env, err = pint.VerifyEnvelope(s.in)
	require.NoError(t, err)
	require.False(t, env.IssuanceManifestVerified)
}

func requireCode(t *testing.T, want pint.ResponseCode, err error, msg string) {
	t.Helper()
	require.Error(t, err, msg)
	require.Equal(t, want, pint.CodeOf(err), "%s: %v", msg, err)
	var pe *pint.Error
	require.True(t, errors.As(err, &pe))
	require.LessOrEqual(t, len(pe.Reason), 255)
}

func TestVerifyEnvelopeRefusals(t *testing.T) {
	other := newPlatform(t, "WAVE", pint.ES256) // same code, another key: a forger
	cases := []struct {
		name string
		code pint.ResponseCode
		edit func(s *scenario)
	}{
		{"manifest signed by a forged key", pint.BSIG, func(s *scenario) {
			var m pint.EnvelopeManifest
			j, _ := pint.Parse(s.in.EnvelopeManifest)
			require.NoError(t, json.Unmarshal(j.Payload, &m))
			s.in.EnvelopeManifest = other.sign(t, m)
		}},
		{"chain entry re-signed by a forged key", pint.BSIG, func(s *scenario) {
			j, _ := pint.Parse(s.chain[1])
			forged, err := pint.Signer{Alg: pint.ES256, Kid: s.wave.signer.Kid, Key: other.signer.Key}.Sign(j.Payload)
			require.NoError(t, err)
			s.in.TransferChain = []string{s.chain[0], forged}
		}},
		{"payload swapped under a valid signature", pint.BSIG, func(s *scenario) {
			parts := strings.Split(s.chain[1], ".")
			parts[1] = base64.RawURLEncoding.EncodeToString([]byte(`{"eblPlatform":"WAVE"}`))
			s.in.TransferChain = []string{s.chain[0], strings.Join(parts, ".")}
		}},
		{"untrusted sending platform", pint.BSIG, func(s *scenario) { s.in.SendingPlatform = "BOLE" }},
		{"alg none", pint.BSIG, func(s *scenario) {
			hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`))
			parts := strings.Split(s.manifest, ".")
			s.in.EnvelopeManifest = hdr + "." + parts[1] + ".x"
		}},
		{"HMAC", pint.BSIG, func(s *scenario) {
			hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","kid":"WAVE-key-1"}`))
			parts := strings.Split(s.manifest, ".")
			s.in.EnvelopeManifest = hdr + "." + parts[1] + "." + parts[2]
		}},
		{"manifest names another last entry", pint.BSIG, func(s *scenario) { s.in.TransferChain = s.chain[:1] }},
		{"document differs from the signed checksum", pint.BENV, func(s *scenario) {
			s.in.TransportDocument = []byte(strings.Replace(string(s.doc), "COSU6385270140", "COSU6385270141", 1))
		}},
		{"empty chain", pint.BENV, func(s *scenario) { s.in.TransferChain = nil }},
		{"recipient on another platform", pint.BENV, func(s *scenario) { s.in.ReceivingPlatform = "BOLE" }},
		{"sender is not the last entry's platform", pint.BSIG, func(s *scenario) { s.in.SendingPlatform = "CARX" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := build(t, nil)
			c.edit(s)
			_, err := pint.VerifyEnvelope(s.in)
			requireCode(t, c.code, err, c.name)
		})
	}
}

func TestVerifyEnvelopeChainRules(t *testing.T) {
	cases := []struct {
		name   string
		code   pint.ResponseCode
		mutate func(e []*pint.EnvelopeTransferChainEntry, m *pint.EnvelopeManifest)
	}{
		{"broken link", pint.BENV, func(e []*pint.EnvelopeTransferChainEntry, _ *pint.EnvelopeManifest) {
			e[1].PreviousEnvelopeTransferChainEntrySignedContentChecksum = strings.Repeat("a", 64)
		}},
		{"first entry with a previous checksum", pint.BENV, func(e []*pint.EnvelopeTransferChainEntry, _ *pint.EnvelopeManifest) {
			e[0].PreviousEnvelopeTransferChainEntrySignedContentChecksum = strings.Repeat("b", 64)
		}},
		{"no issuance manifest", pint.BENV, func(e []*pint.EnvelopeTransferChainEntry, _ *pint.EnvelopeManifest) {
			e[0].IssuanceManifestSignedContent = ""
		}},
		{"first transaction not ISSUE", pint.BENV, func(e []*pint.EnvelopeTransferChainEntry, _ *pint.EnvelopeManifest) {
			e[0].Transactions[0].ActionCode = pint.ActionTransfer
		}},
		{"unknown action", pint.BENV, func(e []*pint.EnvelopeTransferChainEntry, _ *pint.EnvelopeManifest) {
			e[1].Transactions[0].ActionCode = "STEAL"
		}},
		{"transaction after SACC", pint.BENV, func(e []*pint.EnvelopeTransferChainEntry, _ *pint.EnvelopeManifest) {
			r := e[0].Transactions[1].Actor
			e[0].Transactions = append(e[0].Transactions, pint.Transaction{ActionCode: pint.ActionSACC, Actor: r, Recipient: &r, ActionDateTime: "2026-12-01T12:00:00.000Z"})
		}},
		{"entry for another document", pint.BENV, func(e []*pint.EnvelopeTransferChainEntry, _ *pint.EnvelopeManifest) {
			e[1].TransportDocumentChecksum = strings.Repeat("c", 64)
		}},
		{"manifest for another document", pint.BENV, func(_ []*pint.EnvelopeTransferChainEntry, m *pint.EnvelopeManifest) {
			m.TransportDocumentChecksum = strings.Repeat("d", 64)
		}},
		{"entry names an untrusted platform", pint.BSIG, func(e []*pint.EnvelopeTransferChainEntry, _ *pint.EnvelopeManifest) {
			e[0].EblPlatform = "BOLE"
		}},
		{"last transaction without recipient", pint.BENV, func(e []*pint.EnvelopeTransferChainEntry, _ *pint.EnvelopeManifest) {
			e[1].Transactions[0].Recipient = nil
			e[1].Transactions[0].ActionCode = pint.ActionSign
		}},
		{"additional document without checksum", pint.BENV, func(_ []*pint.EnvelopeTransferChainEntry, m *pint.EnvelopeManifest) {
			m.SupportingDocuments = []pint.DocumentMetadata{{Name: "invoice.pdf", Size: 10, MediaType: "application/pdf"}}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := build(t, c.mutate)
			_, err := pint.VerifyEnvelope(s.in)
			requireCode(t, c.code, err, c.name)
		})
	}

	// An issuance manifest signed with the carrier platform's kid but
	// another key is a bad signature; one for another document a bad envelope.
	t.Run("forged issuance manifest", func(t *testing.T) {
		forger := newPlatform(t, "CARX", pint.ES256)
		s := build(t, func(e []*pint.EnvelopeTransferChainEntry, _ *pint.EnvelopeManifest) {
			doc, hash := document(t)
			_ = doc
			e[0].IssuanceManifestSignedContent = forger.sign(t, pint.IssuanceManifest{DocumentChecksum: hash, IssueToChecksum: strings.Repeat("e", 64)})
		})
		_, err := pint.VerifyEnvelope(s.in)
		requireCode(t, pint.BSIG, err, "forged issuance manifest")
	})
	t.Run("issuance manifest for another document", func(t *testing.T) {
		var carx *platform
		s := build(t, func(e []*pint.EnvelopeTransferChainEntry, _ *pint.EnvelopeManifest) {
			carx = newPlatform(t, "XXXX", pint.ES256)
			e[0].IssuanceManifestSignedContent = carx.sign(t, pint.IssuanceManifest{DocumentChecksum: strings.Repeat("f", 64), IssueToChecksum: strings.Repeat("e", 64)})
		})
		_, err := pint.VerifyEnvelope(s.in)
		requireCode(t, pint.BENV, err, "issuance manifest for another document")
	})
}

// Every allowed algorithm signs and verifies; a key of another kind or size
// is refused.
func TestAlgorithms(t *testing.T) {
	payload := []byte(`{"responseCode":"RECE"}`)
	for _, alg := range pint.AllowedAlgorithms {
		p := newPlatform(t, "P"+alg[:2], alg)
		jws, err := p.signer.Sign(payload)
		require.NoError(t, err, alg)
		j, err := pint.Parse(jws)
		require.NoError(t, err, alg)
		require.Equal(t, alg, j.Header.Alg)
		require.NoError(t, j.VerifyWith(p.keys), alg)
		// A flipped signature bit fails.
		j.Signature[len(j.Signature)-1] ^= 1
		require.ErrorIs(t, j.Verify(p.keys.Keys[0].Public), pint.ErrSignature, alg)
	}
	// ES256 header with an RSA key, EdDSA with an EC key.
	rsaP, ecP := newPlatform(t, "RSA", pint.RS256), newPlatform(t, "EC", pint.ES256)
	jws, _ := ecP.signer.Sign(payload)
	j, _ := pint.Parse(jws)
	require.ErrorIs(t, j.Verify(rsaP.keys.Keys[0].Public), pint.ErrAlgorithm)
	// A 1024-bit RSA key is refused for signing and in a JWKS.
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	_, err = pint.Signer{Alg: pint.RS256, Key: small}.Sign(payload)
	require.ErrorIs(t, err, pint.ErrKey)
	jwk := pint.JWK{Kty: "RSA", Kid: "small", N: base64.RawURLEncoding.EncodeToString(small.N.Bytes()), E: "AQAB"}
	set, _ := pint.MarshalJWKS(jwk)
	_, err = pint.ParseJWKS(set)
	require.ErrorIs(t, err, pint.ErrKey)
	// P-521 is not on the list.
	k521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	require.ErrorIs(t, pint.CheckKey(&k521.PublicKey), pint.ErrKey)
}

func TestParseRefusals(t *testing.T) {
	p := newPlatform(t, "WAVE", pint.ES256)
	good, err := p.signer.Sign([]byte(`{"a":1}`))
	require.NoError(t, err)
	parts := strings.Split(good, ".")
	enc := base64.RawURLEncoding.EncodeToString
	for name, jws := range map[string]string{
		"two parts":        parts[0] + "." + parts[1],
		"detached payload": parts[0] + ".." + parts[2],
		"unsigned":         parts[0] + "." + parts[1] + ".",
		"padding":          parts[0] + "=." + parts[1] + "." + parts[2],
		"none":             enc([]byte(`{"alg":"none"}`)) + "." + parts[1] + "." + parts[2],
		"HS256":            enc([]byte(`{"alg":"HS256"}`)) + "." + parts[1] + "." + parts[2],
		"RS512":            enc([]byte(`{"alg":"RS512"}`)) + "." + parts[1] + "." + parts[2],
		"crit":             enc([]byte(`{"alg":"ES256","crit":["b64"],"b64":false}`)) + "." + parts[1] + "." + parts[2],
		"alg twice":        enc([]byte(`{"alg":"ES256","ALG":"none"}`)) + "." + parts[1] + "." + parts[2],
		"header not JSON":  enc([]byte(`alg`)) + "." + parts[1] + "." + parts[2],
		"too large":        strings.Repeat("a", pint.MaxJWSSize+1),
	} {
		_, err := pint.Parse(jws)
		require.Error(t, err, name)
	}
}

func TestParseJWKS(t *testing.T) {
	ec := newPlatform(t, "A", pint.ES256)
	ed := newPlatform(t, "B", pint.EdDSA)
	var a, b map[string]any
	require.NoError(t, json.Unmarshal(ec.jwks, &a))
	require.NoError(t, json.Unmarshal(ed.jwks, &b))
	both, _ := json.Marshal(map[string]any{"keys": []any{a["keys"].([]any)[0], b["keys"].([]any)[0]}})
	ks, err := pint.ParseJWKS(both)
	require.NoError(t, err)
	require.Equal(t, []string{"A-key-1", "B-key-1"}, ks.KeyIDs())
	_, err = ks.Lookup("B-key-1", pint.EdDSA)
	require.NoError(t, err)
	_, err = ks.Lookup("", pint.EdDSA) // two keys: the kid is required
	require.ErrorIs(t, err, pint.ErrUnknownKey)
	_, err = ks.Lookup("C", pint.EdDSA)
	require.ErrorIs(t, err, pint.ErrUnknownKey)
	_, err = ks.Lookup("B-key-1", pint.ES256) // the JWK's alg binds the key
	require.ErrorIs(t, err, pint.ErrAlgorithm)

	for name, set := range map[string]string{
		"empty":           `{"keys":[]}`,
		"not a set":       `[]`,
		"oct":             `{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`,
		"private EC":      `{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA"}]}`,
		"unknown curve":   `{"keys":[{"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"}]}`,
		"point off curve": `{"keys":[{"kty":"EC","crv":"P-256","x":"` + strings.Repeat("A", 43) + `","y":"` + strings.Repeat("A", 42) + `E"}]}`,
		"X25519":          `{"keys":[{"kty":"OKP","crv":"X25519","x":"` + strings.Repeat("A", 43) + `"}]}`,
		"enc key":         `{"keys":[{"kty":"OKP","crv":"Ed25519","use":"enc","x":"` + strings.Repeat("A", 43) + `"}]}`,
		"duplicate kid":   `{"keys":[` + string(mustKey(t, ed)) + `,` + string(mustKey(t, ed)) + `]}`,
		"keys twice":      `{"keys":[],"Keys":[` + string(mustKey(t, ed)) + `]}`,
	} {
		_, err := pint.ParseJWKS([]byte(set))
		require.Error(t, err, name)
	}
}

func mustKey(t *testing.T, p *platform) json.RawMessage {
	var s struct{ Keys []json.RawMessage }
	require.NoError(t, json.Unmarshal(p.jwks, &s))
	return s.Keys[0]
}

func TestFinishedResponse(t *testing.T) {
	wave := newPlatform(t, "WAVE", pint.ES384)
	last := strings.Repeat("1", 64)
	rece := wave.sign(t, pint.EnvelopeTransferFinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: last, ResponseCode: pint.RECE})
	r, err := pint.VerifyFinishedResponse(rece, wave.keys, last)
	require.NoError(t, err)
	require.True(t, r.ResponseCode.Accepted())

	_, err = pint.VerifyFinishedResponse(rece, wave.keys, strings.Repeat("2", 64))
	require.ErrorIs(t, err, pint.ErrMalformed, "an answer for another envelope")
	other := newPlatform(t, "WAVE", pint.ES384)
	_, err = pint.VerifyFinishedResponse(rece, other.keys, last)
	require.Error(t, err, "another platform's keys")
	bogus := wave.sign(t, map[string]string{"lastEnvelopeTransferChainEntrySignedContentChecksum": last, "responseCode": "OKAY"})
	_, err = pint.VerifyFinishedResponse(bogus, wave.keys, last)
	require.ErrorIs(t, err, pint.ErrMalformed)
	// A case-folded duplicate member cannot smuggle a second code in.
	dup, err := wave.signer.Sign([]byte(`{"lastEnvelopeTransferChainEntrySignedContentChecksum":"` + last + `","responseCode":"BENV","ResponseCode":"RECE"}`))
	require.NoError(t, err)
	_, err = pint.VerifyFinishedResponse(dup, wave.keys, last)
	require.ErrorIs(t, err, pint.ErrMalformed)

	for _, c := range []pint.ResponseCode{pint.RECE, pint.DUPE} {
		require.True(t, c.Accepted())
	}
	for _, c := range []pint.ResponseCode{pint.BSIG, pint.BENV, pint.DISE} {
		require.True(t, c.Rejected())
	}
	for _, c := range []pint.ResponseCode{pint.INCD, pint.MDOC} {
		require.False(t, c.Accepted() || c.Rejected())
		require.True(t, c.Valid())
	}
}

func TestAdditionalDocuments(t *testing.T) {
	content := []byte("%PDF-1.7 carrier visualisation")
	sum := pint.ChecksumBytes(content)
	m := pint.EnvelopeManifest{EBLVisualisationByCarrier: &pint.DocumentMetadata{Name: "bl.pdf", Size: int64(len(content)), MediaType: "application/pdf", DocumentChecksum: sum},
		SupportingDocuments: []pint.DocumentMetadata{{Name: "inv.pdf", Size: 3, MediaType: "application/pdf", DocumentChecksum: pint.ChecksumBytes([]byte("inv"))}}}
	require.NoError(t, pint.CheckAdditionalDocument(m, sum, content))
	require.Equal(t, pint.INCD, pint.CodeOf(pint.CheckAdditionalDocument(m, sum, []byte("other"))))
	require.Equal(t, pint.INCD, pint.CodeOf(pint.CheckAdditionalDocument(m, pint.ChecksumBytes([]byte("x")), []byte("x"))))
	m.EBLVisualisationByCarrier.Size++
	require.Equal(t, pint.INCD, pint.CodeOf(pint.CheckAdditionalDocument(m, sum, content)))
	missing := pint.MissingDocuments(m, func(c string) bool { return c == sum })
	require.Equal(t, []string{pint.ChecksumBytes([]byte("inv"))}, missing)
}

func TestIssuanceManifest(t *testing.T) {
	carrier := newPlatform(t, "COS", pint.RS256)
	doc, hash := document(t)
	issueTo := []byte(`{"partyName":"Shipper Co","sendToPlatform":"TRDC","identifyingCodes":[{"codeListProvider":"TRDC","partyCode":"shipper"}]}`)
	itSum, err := dcsa.Hash(issueTo)
	require.NoError(t, err)
	im := carrier.sign(t, pint.IssuanceManifest{DocumentChecksum: hash, IssueToChecksum: itSum})
	td, got, err := pint.VerifyIssuanceManifest(im, doc, issueTo, carrier.keys)
	require.NoError(t, err)
	require.Equal(t, hash, got.DocumentChecksum)
	require.Equal(t, "COSU6385270140", td.Reference)
	_, _, err = pint.VerifyIssuanceManifest(im, doc, []byte(`{"partyName":"Mallory"}`), carrier.keys)
	require.Error(t, err, "issueTo differs from the signed checksum")
	_, _, err = pint.VerifyIssuanceManifest(im, doc, issueTo, newPlatform(t, "COS", pint.RS256).keys)
	require.Error(t, err, "another carrier key")
}

// The JWS examples of DCSA's PINT specification parse, use an allowed
// algorithm, and their payloads read strictly into this package's types.
func TestSpecExamples(t *testing.T) {
	spec, err := os.ReadFile("../../../../third_party/dcsa/EBL_PINT_v3.0.0.yaml")
	require.NoError(t, err)
	re := regexp.MustCompile(`(?m)^ {4}(\w+SignedContent):\n(?:.*\n)*? {6}example: (\S+)`)
	found := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(string(spec), -1) {
		schema, example := m[1], m[2]
		j, err := pint.Parse(example)
		require.NoError(t, err, schema)
		require.Contains(t, pint.AllowedAlgorithms, j.Header.Alg, schema)
		var v any
		switch schema {
		case "EnvelopeManifestSignedContent":
			v = &pint.EnvelopeManifest{}
		case "EnvelopeTransferChainEntrySignedContent":
			v = &pint.EnvelopeTransferChainEntry{}
		case "EnvelopeTransferFinishedResponseSignedContent":
			v = &pint.EnvelopeTransferFinishedResponse{}
		default:
			continue
		}
		require.NoError(t, pint.Decode(j.Payload, v), schema)
		found[schema] = true
	}
	require.Len(t, found, 3, "the three signed-content examples of the spec")
}
