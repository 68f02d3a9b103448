package pint

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
)

// MaxJWKSSize and MaxKeys bound a key set.
const (
	MaxJWKSSize = 64 << 10
	MaxKeys     = 16
)

// JWK is the JSON form of one public key (RFC 7517 / 7518 / 8037).
type JWK struct {
	Kty string `json:"kty"`
	Kid string `json:"kid,omitempty"`
	Use string `json:"use,omitempty"`
	Alg string `json:"alg,omitempty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	// D and the other private members are read only to refuse them: a key
	// set published on chain must never carry a private key.
	D  string `json:"d,omitempty"`
	P  string `json:"p,omitempty"`
	Q  string `json:"q,omitempty"`
	DP string `json:"dp,omitempty"`
	DQ string `json:"dq,omitempty"`
	QI string `json:"qi,omitempty"`
	K  string `json:"k,omitempty"`
}

// Key is one verified public key of a KeySet.
type Key struct {
	Kid string
	// Alg, when the JWK names one, is the only algorithm the key verifies.
	Alg    string
	Public crypto.PublicKey
}

// KeySet is a parsed JSON Web Key Set.
type KeySet struct {
	Keys []Key
}

// ParseJWKS reads a JSON Web Key Set {"keys":[...]} of public keys: EC
// P-256/P-384 (the point is checked to be on the curve), RSA of 2048..8192
// bits and OKP Ed25519. Every key needs a distinct kid unless the set has a
// single key. Symmetric keys ("oct"), private members, keys with use other
// than "sig" and alg values off the allow-list are refused.
func ParseJWKS(data []byte) (*KeySet, error) {
	if len(data) > MaxJWKSSize {
		return nil, fmt.Errorf("%w: JWKS of %d bytes, more than %d", ErrKey, len(data), MaxJWKSSize)
	}
	var raw struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := decodeStrict(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: JWKS is not a JSON key set: %v", ErrKey, err)
	}
	if len(raw.Keys) == 0 {
		return nil, fmt.Errorf("%w: JWKS has no keys", ErrKey)
	}
	if len(raw.Keys) > MaxKeys {
		return nil, fmt.Errorf("%w: JWKS has %d keys, at most %d", ErrKey, len(raw.Keys), MaxKeys)
	}
	ks := &KeySet{}
	kids := map[string]bool{}
	for i, r := range raw.Keys {
		var j JWK
		if err := decodeStrict(r, &j); err != nil {
			return nil, fmt.Errorf("%w: key %d: %v", ErrKey, i, err)
		}
		k, err := j.Key()
		if err != nil {
			return nil, fmt.Errorf("key %d (kid %q): %w", i, j.Kid, err)
		}
		if len(raw.Keys) > 1 && k.Kid == "" {
			return nil, fmt.Errorf("%w: key %d has no kid; a set of several keys needs one on each", ErrKey, i)
		}
		if kids[k.Kid] {
			return nil, fmt.Errorf("%w: kid %q appears twice", ErrKey, k.Kid)
		}
		kids[k.Kid] = true
		ks.Keys = append(ks.Keys, k)
	}
	return ks, nil
}

// Key converts the JWK into a checked public key.
func (j JWK) Key() (Key, error) {
	if j.D != "" || j.P != "" || j.Q != "" || j.DP != "" || j.DQ != "" || j.QI != "" || j.K != "" {
		return Key{}, fmt.Errorf("%w: the JWK carries private or symmetric key material", ErrKey)
	}
	if j.Use != "" && j.Use != "sig" {
		return Key{}, fmt.Errorf("%w: use %q (only sig)", ErrKey, j.Use)
	}
	if j.Alg != "" && !allowed(j.Alg) {
		return Key{}, fmt.Errorf("%w: alg %q", ErrAlgorithm, j.Alg)
	}
	if len(j.Kid) > 256 {
		return Key{}, fmt.Errorf("%w: kid longer than 256 bytes", ErrKey)
	}
	var pub crypto.PublicKey
	switch j.Kty {
	case "EC":
		var curve elliptic.Curve
		var ec ecdh.Curve
		var size int
		switch j.Crv {
		case "P-256":
			curve, ec, size = elliptic.P256(), ecdh.P256(), 32
		case "P-384":
			curve, ec, size = elliptic.P384(), ecdh.P384(), 48
		default:
			return Key{}, fmt.Errorf("%w: EC curve %q (P-256 and P-384 only)", ErrKey, j.Crv)
		}
		x, err := decodeSegment("x", j.X)
		if err != nil {
			return Key{}, err
		}
		y, err := decodeSegment("y", j.Y)
		if err != nil {
			return Key{}, err
		}
		if len(x) != size || len(y) != size {
			return Key{}, fmt.Errorf("%w: EC coordinates must be %d bytes each", ErrKey, size)
		}
		// crypto/ecdh checks the point is on the curve and not infinity.
		point := append(append([]byte{4}, x...), y...)
		if _, err := ec.NewPublicKey(point); err != nil {
			return Key{}, fmt.Errorf("%w: EC point: %v", ErrKey, err)
		}
		pub = &ecdsa.PublicKey{Curve: curve, X: new(big.Int).SetBytes(x), Y: new(big.Int).SetBytes(y)}
		if j.Alg != "" && j.Alg != map[int]string{32: ES256, 48: ES384}[size] {
			return Key{}, fmt.Errorf("%w: alg %s does not fit curve %s", ErrAlgorithm, j.Alg, j.Crv)
		}
	case "RSA":
		n, err := decodeSegment("n", j.N)
		if err != nil {
			return Key{}, err
		}
		e, err := decodeSegment("e", j.E)
		if err != nil {
			return Key{}, err
		}
		if len(n) == 0 || n[0] == 0 || len(e) == 0 || len(e) > 4 || e[0] == 0 {
			return Key{}, fmt.Errorf("%w: RSA modulus or exponent not minimally encoded", ErrKey)
		}
		var exp int
		for _, b := range e {
			exp = exp<<8 | int(b)
		}
		pub = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}
		if j.Alg != "" && j.Alg != PS256 && j.Alg != RS256 {
			return Key{}, fmt.Errorf("%w: alg %s does not fit an RSA key", ErrAlgorithm, j.Alg)
		}
	case "OKP":
		if j.Crv != "Ed25519" {
			return Key{}, fmt.Errorf("%w: OKP curve %q (Ed25519 only)", ErrKey, j.Crv)
		}
		x, err := decodeSegment("x", j.X)
		if err != nil {
			return Key{}, err
		}
		if len(x) != ed25519.PublicKeySize {
			return Key{}, fmt.Errorf("%w: Ed25519 key of %d bytes", ErrKey, len(x))
		}
		pub = ed25519.PublicKey(x)
		if j.Alg != "" && j.Alg != EdDSA {
			return Key{}, fmt.Errorf("%w: alg %s does not fit an Ed25519 key", ErrAlgorithm, j.Alg)
		}
	default:
		return Key{}, fmt.Errorf("%w: key type %q (EC, RSA and OKP only; never oct)", ErrKey, j.Kty)
	}
	if err := CheckKey(pub); err != nil {
		return Key{}, err
	}
	return Key{Kid: j.Kid, Alg: j.Alg, Public: pub}, nil
}

// Lookup returns the key with kid. An empty kid selects the only key of a
// one-key set. A key whose JWK names an alg verifies only that alg.
func (ks *KeySet) Lookup(kid, alg string) (Key, error) {
	if ks == nil || len(ks.Keys) == 0 {
		return Key{}, fmt.Errorf("%w: empty key set", ErrUnknownKey)
	}
	if kid == "" {
		if len(ks.Keys) != 1 {
			return Key{}, fmt.Errorf("%w: the JWS has no kid and the signer has %d keys", ErrUnknownKey, len(ks.Keys))
		}
		return checkAlg(ks.Keys[0], alg)
	}
	for _, k := range ks.Keys {
		if k.Kid == kid {
			return checkAlg(k, alg)
		}
	}
	return Key{}, fmt.Errorf("%w: kid %q", ErrUnknownKey, kid)
}

func checkAlg(k Key, alg string) (Key, error) {
	if k.Alg != "" && alg != "" && k.Alg != alg {
		return Key{}, fmt.Errorf("%w: key %q is for %s, the JWS uses %s", ErrAlgorithm, k.Kid, k.Alg, alg)
	}
	return k, nil
}

// KeyIDs returns the kids of the set, sorted.
func (ks *KeySet) KeyIDs() []string {
	ids := make([]string, 0, len(ks.Keys))
	for _, k := range ks.Keys {
		ids = append(ids, k.Kid)
	}
	sort.Strings(ids)
	return ids
}

// PublicJWK returns the JWK of a public key (EC P-256/P-384, RSA, Ed25519).
func PublicJWK(pub crypto.PublicKey, kid, alg string) (JWK, error) {
	if err := CheckKey(pub); err != nil {
		return JWK{}, err
	}
	j := JWK{Kid: kid, Alg: alg, Use: "sig"}
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		size := (k.Curve.Params().BitSize + 7) / 8
		j.Kty, j.Crv = "EC", k.Curve.Params().Name
		x, y := make([]byte, size), make([]byte, size)
		k.X.FillBytes(x)
		k.Y.FillBytes(y)
		j.X, j.Y = b64.EncodeToString(x), b64.EncodeToString(y)
	case *rsa.PublicKey:
		j.Kty = "RSA"
		j.N = b64.EncodeToString(k.N.Bytes())
		j.E = b64.EncodeToString(big.NewInt(int64(k.E)).Bytes())
	case ed25519.PublicKey:
		j.Kty, j.Crv, j.X = "OKP", "Ed25519", b64.EncodeToString(k)
	}
	return j, nil
}

// MarshalJWKS returns {"keys":[...]} of the JWKs.
func MarshalJWKS(keys ...JWK) ([]byte, error) {
	return json.Marshal(struct {
		Keys []JWK `json:"keys"`
	}{keys})
}
