package main

// A small, self-contained JWS (RFC 7515, compact serialization) and JWK
// (RFC 7517/7518, thumbprints per RFC 7638) implementation on the standard
// library, written for this stand-in platform only. It signs with ES256 or
// EdDSA (Ed25519) and verifies ES256, ES384, EdDSA, RS256 and PS256; "none"
// and every HMAC algorithm are refused.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

var b64 = base64.RawURLEncoding

// JWK is a public (or, with D, private) JSON Web Key.
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	D   string `json:"d,omitempty"`
	Kid string `json:"kid,omitempty"`
	Alg string `json:"alg,omitempty"`
	Use string `json:"use,omitempty"`
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// Public returns the key without its private part.
func (k JWK) Public() JWK {
	k.D = ""
	return k
}

// Thumbprint is the RFC 7638 SHA-256 thumbprint, base64url.
func (k JWK) Thumbprint() (string, error) {
	var members string
	switch k.Kty {
	case "EC":
		members = fmt.Sprintf(`{"crv":%q,"kty":"EC","x":%q,"y":%q}`, k.Crv, k.X, k.Y)
	case "OKP":
		members = fmt.Sprintf(`{"crv":%q,"kty":"OKP","x":%q}`, k.Crv, k.X)
	case "RSA":
		members = fmt.Sprintf(`{"e":%q,"kty":"RSA","n":%q}`, k.E, k.N)
	default:
		return "", fmt.Errorf("unsupported key type %q", k.Kty)
	}
	sum := sha256.Sum256([]byte(members))
	return b64.EncodeToString(sum[:]), nil
}

// Signer holds a private key and signs compact JWS.
type Signer struct {
	jwk  JWK
	alg  string
	ec   *ecdsa.PrivateKey
	ed   ed25519.PrivateKey
	kid  string
	pubs JWKS
}

// NewKey generates a fresh private JWK: "ES256" (P-256) or "EdDSA" (Ed25519).
func NewKey(alg string) (JWK, error) {
	switch alg {
	case "ES256", "":
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return JWK{}, err
		}
		k := JWK{Kty: "EC", Crv: "P-256", X: b64.EncodeToString(pad32(priv.X.Bytes())), Y: b64.EncodeToString(pad32(priv.Y.Bytes())),
			D: b64.EncodeToString(pad32(priv.D.Bytes())), Alg: "ES256", Use: "sig"}
		k.Kid, err = k.Thumbprint()
		return k, err
	case "EdDSA":
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return JWK{}, err
		}
		k := JWK{Kty: "OKP", Crv: "Ed25519", X: b64.EncodeToString(pub), D: b64.EncodeToString(priv.Seed()), Alg: "EdDSA", Use: "sig"}
		k.Kid, err = k.Thumbprint()
		return k, err
	}
	return JWK{}, fmt.Errorf("cannot generate a key for %q (ES256 or EdDSA)", alg)
}

func pad32(b []byte) []byte {
	if len(b) >= 32 {
		return b
	}
	out := make([]byte, 32)
	copy(out[32-len(b):], b)
	return out
}

// NewSigner loads a private JWK.
func NewSigner(k JWK) (*Signer, error) {
	if k.D == "" {
		return nil, errors.New("the key has no private part")
	}
	d, err := b64.DecodeString(k.D)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	s := &Signer{jwk: k, kid: k.Kid}
	switch {
	case k.Kty == "EC" && k.Crv == "P-256":
		pub, err := ecPublic(k)
		if err != nil {
			return nil, err
		}
		s.ec = &ecdsa.PrivateKey{PublicKey: *pub, D: new(big.Int).SetBytes(d)}
		s.alg = "ES256"
	case k.Kty == "OKP" && k.Crv == "Ed25519":
		if len(d) != ed25519.SeedSize {
			return nil, errors.New("Ed25519 seed must be 32 bytes")
		}
		s.ed = ed25519.NewKeyFromSeed(d)
		s.alg = "EdDSA"
	default:
		return nil, fmt.Errorf("unsupported signing key %s/%s", k.Kty, k.Crv)
	}
	if s.kid == "" {
		if s.kid, err = k.Thumbprint(); err != nil {
			return nil, err
		}
		s.jwk.Kid = s.kid
	}
	s.pubs = JWKS{Keys: []JWK{s.jwk.Public()}}
	return s, nil
}

// JWKS returns the public key set to publish.
func (s *Signer) JWKS() JWKS { return s.pubs }

// Sign returns the compact JWS of payload (the payload bytes are signed as given).
func (s *Signer) Sign(payload []byte) (string, error) {
	hdr, _ := json.Marshal(map[string]string{"alg": s.alg, "kid": s.kid, "typ": "JWT"})
	input := b64.EncodeToString(hdr) + "." + b64.EncodeToString(payload)
	var sig []byte
	switch s.alg {
	case "ES256":
		h := sha256.Sum256([]byte(input))
		r, ss, err := ecdsa.Sign(rand.Reader, s.ec, h[:])
		if err != nil {
			return "", err
		}
		sig = append(pad32(r.Bytes()), pad32(ss.Bytes())...)
	case "EdDSA":
		sig = ed25519.Sign(s.ed, []byte(input))
	}
	return input + "." + b64.EncodeToString(sig), nil
}

// SignJSON marshals v and signs it.
func (s *Signer) SignJSON(v any) (string, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return s.Sign(payload)
}

// allowedAlgs is the verification allow-list: no "none", no HMAC.
var allowedAlgs = map[string]bool{"ES256": true, "ES384": true, "EdDSA": true, "RS256": true, "PS256": true}

// JWSHeader is the protected header of a compact JWS.
type JWSHeader struct {
	Alg  string   `json:"alg"`
	Kid  string   `json:"kid,omitempty"`
	Typ  string   `json:"typ,omitempty"`
	Crit []string `json:"crit,omitempty"`
}

// ErrSignature marks every failure that is the signature's fault (unknown
// key, bad algorithm, wrong signature, malformed JWS): PINT answers BSIG.
var ErrSignature = errors.New("signature")

// Verify checks a compact JWS against a key set and returns the payload and
// the key that verified it.
func Verify(compact string, keys JWKS) ([]byte, JWK, error) {
	parts := strings.Split(compact, ".")
	if len(parts) != 3 {
		return nil, JWK{}, fmt.Errorf("%w: not a compact JWS (want 3 parts, got %d)", ErrSignature, len(parts))
	}
	hdrRaw, err := b64.DecodeString(parts[0])
	if err != nil {
		return nil, JWK{}, fmt.Errorf("%w: header is not base64url: %v", ErrSignature, err)
	}
	var hdr JWSHeader
	if err := json.Unmarshal(hdrRaw, &hdr); err != nil {
		return nil, JWK{}, fmt.Errorf("%w: header is not JSON: %v", ErrSignature, err)
	}
	if !allowedAlgs[hdr.Alg] {
		return nil, JWK{}, fmt.Errorf("%w: algorithm %q is not allowed (ES256, ES384, EdDSA, RS256, PS256)", ErrSignature, hdr.Alg)
	}
	if len(hdr.Crit) > 0 {
		return nil, JWK{}, fmt.Errorf("%w: critical header parameters %v are not understood", ErrSignature, hdr.Crit)
	}
	payload, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, JWK{}, fmt.Errorf("%w: payload is not base64url: %v", ErrSignature, err)
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, JWK{}, fmt.Errorf("%w: signature is not base64url: %v", ErrSignature, err)
	}
	input := []byte(parts[0] + "." + parts[1])
	tried := 0
	for _, k := range keys.Keys {
		if hdr.Kid != "" && k.Kid != "" && k.Kid != hdr.Kid {
			continue
		}
		if k.Alg != "" && k.Alg != hdr.Alg {
			continue
		}
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		tried++
		if verifyWith(hdr.Alg, k, input, sig) == nil {
			return payload, k, nil
		}
	}
	if tried == 0 {
		return nil, JWK{}, fmt.Errorf("%w: no known key (kid %q, alg %s) of the signer", ErrSignature, hdr.Kid, hdr.Alg)
	}
	return nil, JWK{}, fmt.Errorf("%w: the signature does not verify with the signer's key (kid %q)", ErrSignature, hdr.Kid)
}

func ecPublic(k JWK) (*ecdsa.PublicKey, error) {
	var c elliptic.Curve
	switch k.Crv {
	case "P-256":
		c = elliptic.P256()
	case "P-384":
		c = elliptic.P384()
	default:
		return nil, fmt.Errorf("unsupported curve %q", k.Crv)
	}
	x, err1 := b64.DecodeString(k.X)
	y, err2 := b64.DecodeString(k.Y)
	if err1 != nil || err2 != nil {
		return nil, errors.New("bad EC coordinates")
	}
	pub := &ecdsa.PublicKey{Curve: c, X: new(big.Int).SetBytes(x), Y: new(big.Int).SetBytes(y)}
	if !c.IsOnCurve(pub.X, pub.Y) {
		return nil, errors.New("EC point is not on the curve")
	}
	return pub, nil
}

func verifyWith(alg string, k JWK, input, sig []byte) error {
	switch alg {
	case "ES256", "ES384":
		want, size := "P-256", 32
		var h []byte
		if alg == "ES384" {
			want, size = "P-384", 48
			s := sha512.Sum384(input)
			h = s[:]
		} else {
			s := sha256.Sum256(input)
			h = s[:]
		}
		if k.Kty != "EC" || k.Crv != want {
			return errors.New("key/alg mismatch")
		}
		pub, err := ecPublic(k)
		if err != nil {
			return err
		}
		if len(sig) != 2*size {
			return errors.New("bad ECDSA signature length")
		}
		r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		if !ecdsa.Verify(pub, h, r, s) {
			return errors.New("bad signature")
		}
		return nil
	case "EdDSA":
		if k.Kty != "OKP" || k.Crv != "Ed25519" {
			return errors.New("key/alg mismatch")
		}
		x, err := b64.DecodeString(k.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			return errors.New("bad Ed25519 key")
		}
		if !ed25519.Verify(ed25519.PublicKey(x), input, sig) {
			return errors.New("bad signature")
		}
		return nil
	case "RS256", "PS256":
		if k.Kty != "RSA" {
			return errors.New("key/alg mismatch")
		}
		n, err1 := b64.DecodeString(k.N)
		e, err2 := b64.DecodeString(k.E)
		if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
			return errors.New("bad RSA key")
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if pub.N.BitLen() < 2048 {
			return errors.New("RSA keys under 2048 bits are refused")
		}
		h := sha256.Sum256(input)
		if alg == "RS256" {
			return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig)
		}
		return rsa.VerifyPSS(pub, crypto.SHA256, h[:], sig, nil)
	}
	return fmt.Errorf("unsupported algorithm %q", alg)
}

// sha256Hex is the lower-case hex SHA-256 of b.
func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
