// Package pint implements what the corridor needs of DCSA PINT 3.0 (the eBL
// Platform Interoperability API) and the JWS-signed manifests of the DCSA
// Issuance API: compact JWS (RFC 7515) parsing, signing and verification with
// an algorithm allow-list, JSON Web Key Sets (RFC 7517), the PINT payloads and
// the verification of a received envelope, with the PINT response code every
// refusal maps to.
//
// It is pure Go over the standard library's crypto, imports nothing of the
// chain, and is deterministic: the chain runs the same verification the
// gateway does, in its state machine, so a gateway is never trusted for a
// signature.
package pint

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
)

// The JWS algorithms this package accepts (RFC 7518 / RFC 8037 names).
// Everything else — "none", the HMAC family (HS256...), RS384/RS512,
// PS384/PS512, ES512 — is refused: an allow-list, never a deny-list.
const (
	ES256 = "ES256" // ECDSA P-256 with SHA-256
	ES384 = "ES384" // ECDSA P-384 with SHA-384
	PS256 = "PS256" // RSASSA-PSS with SHA-256, salt = 32 bytes
	RS256 = "RS256" // RSASSA-PKCS1-v1_5 with SHA-256
	EdDSA = "EdDSA" // Ed25519
)

// AllowedAlgorithms lists the accepted "alg" values, in a fixed order.
var AllowedAlgorithms = []string{ES256, ES384, PS256, RS256, EdDSA}

// Size limits: hostile input is bounded before anything is decoded.
const (
	// MaxJWSSize bounds one compact JWS (a transfer chain entry with a few
	// hundred transactions is well under it).
	MaxJWSSize = 256 << 10
	// MinRSABits and MaxRSABits bound RSA keys (the upper bound keeps a
	// verification's cost in a block predictable).
	MinRSABits = 2048
	MaxRSABits = 8192
	maxHeader  = 4 << 10
)

var (
	// ErrMalformed: the text is not a compact JWS this package reads.
	ErrMalformed = errors.New("pint: malformed JWS")
	// ErrAlgorithm: the "alg" is not on the allow-list or does not fit the key.
	ErrAlgorithm = errors.New("pint: JWS algorithm not allowed")
	// ErrSignature: the signature does not verify.
	ErrSignature = errors.New("pint: JWS signature does not verify")
	// ErrUnknownKey: no key of the signer's key set has the JWS's kid.
	ErrUnknownKey = errors.New("pint: no such key")
	// ErrKey: a key is of a type or size this package does not accept.
	ErrKey = errors.New("pint: key not allowed")
)

// Header is the protected header of a JWS.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid,omitempty"`
	Typ string `json:"typ,omitempty"`
	Cty string `json:"cty,omitempty"`
	// Crit is refused when present: no extension is understood.
	Crit []string `json:"crit,omitempty"`
}

// JWS is a parsed compact JWS. Its payload is NOT trusted until Verify
// returned nil.
type JWS struct {
	// Compact is the text as received; checksums are over it.
	Compact   string
	Header    Header
	Payload   []byte
	Signature []byte
	// signingInput is BASE64URL(header) "." BASE64URL(payload).
	signingInput string
}

var b64 = base64.RawURLEncoding.Strict()

func decodeSegment(name, s string) ([]byte, error) {
	// RFC 7515 §2: base64url without padding; Strict refuses non-zero
	// trailing bits, so one signature has one encoding.
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not unpadded base64url: %v", ErrMalformed, name, err)
	}
	return b, nil
}

// Parse reads a compact JWS and checks its protected header: an allowed
// algorithm, no "crit", no unprotected data. It does not verify.
func Parse(compact string) (*JWS, error) {
	if len(compact) > MaxJWSSize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrMalformed, len(compact), MaxJWSSize)
	}
	parts := strings.Split(compact, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: %d parts, a compact JWS has 3", ErrMalformed, len(parts))
	}
	if parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return nil, fmt.Errorf("%w: empty header, payload or signature (detached or unsigned JWS are not accepted)", ErrMalformed)
	}
	if len(parts[0]) > maxHeader {
		return nil, fmt.Errorf("%w: header longer than %d bytes", ErrMalformed, maxHeader)
	}
	hb, err := decodeSegment("header", parts[0])
	if err != nil {
		return nil, err
	}
	var h Header
	if err := decodeStrict(hb, &h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if !allowed(h.Alg) {
		return nil, fmt.Errorf("%w: %q (allowed: %s)", ErrAlgorithm, h.Alg, strings.Join(AllowedAlgorithms, ", "))
	}
	if h.Crit != nil {
		return nil, fmt.Errorf("%w: header has crit %v; no JWS extension is understood", ErrMalformed, h.Crit)
	}
	payload, err := decodeSegment("payload", parts[1])
	if err != nil {
		return nil, err
	}
	sig, err := decodeSegment("signature", parts[2])
	if err != nil {
		return nil, err
	}
	return &JWS{Compact: compact, Header: h, Payload: payload, Signature: sig, signingInput: parts[0] + "." + parts[1]}, nil
}

func allowed(alg string) bool {
	for _, a := range AllowedAlgorithms {
		if a == alg {
			return true
		}
	}
	return false
}

// Verify checks the signature with key, which must fit the algorithm:
// ES256 an ECDSA P-256 key, ES384 P-384, PS256/RS256 RSA of 2048..8192
// bits, EdDSA an Ed25519 key.
func (j *JWS) Verify(key crypto.PublicKey) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	in := []byte(j.signingInput)
	switch j.Header.Alg {
	case ES256, ES384:
		pub, ok := key.(*ecdsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: %s needs an EC key, got %T", ErrAlgorithm, j.Header.Alg, key)
		}
		size, digest := 32, sha256Sum(in)
		if j.Header.Alg == ES384 {
			size, digest = 48, sha384Sum(in)
		}
		if pub.Curve.Params().BitSize != size*8 {
			return fmt.Errorf("%w: %s needs a P-%d key, got P-%d", ErrAlgorithm, j.Header.Alg, size*8, pub.Curve.Params().BitSize)
		}
		if len(j.Signature) != 2*size {
			return fmt.Errorf("%w: %s signature is %d bytes, want %d (R‖S)", ErrSignature, j.Header.Alg, len(j.Signature), 2*size)
		}
		r := new(big.Int).SetBytes(j.Signature[:size])
		s := new(big.Int).SetBytes(j.Signature[size:])
		if !ecdsa.Verify(pub, digest, r, s) {
			return ErrSignature
		}
		return nil
	case PS256, RS256:
		pub, ok := key.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: %s needs an RSA key, got %T", ErrAlgorithm, j.Header.Alg, key)
		}
		digest := sha256Sum(in)
		var err error
		if j.Header.Alg == PS256 {
			err = rsa.VerifyPSS(pub, crypto.SHA256, digest, j.Signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256})
		} else {
			err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest, j.Signature)
		}
		if err != nil {
			return ErrSignature
		}
		return nil
	case EdDSA:
		pub, ok := key.(ed25519.PublicKey)
		if !ok {
			return fmt.Errorf("%w: EdDSA needs an Ed25519 key, got %T", ErrAlgorithm, key)
		}
		if !ed25519.Verify(pub, in, j.Signature) {
			return ErrSignature
		}
		return nil
	}
	return fmt.Errorf("%w: %q", ErrAlgorithm, j.Header.Alg)
}

// VerifyWith selects the key of ks by the JWS's kid (see KeySet.Lookup) and
// verifies with it.
func (j *JWS) VerifyWith(ks *KeySet) error {
	if ks == nil {
		return ErrUnknownKey
	}
	k, err := ks.Lookup(j.Header.Kid, j.Header.Alg)
	if err != nil {
		return err
	}
	return j.Verify(k.Public)
}

// CheckKey refuses a public key of a type or size not allowed.
func CheckKey(key crypto.PublicKey) error {
	switch k := key.(type) {
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil {
			return fmt.Errorf("%w: empty EC key", ErrKey)
		}
		switch k.Curve.Params().BitSize {
		case 256, 384:
			return nil
		}
		return fmt.Errorf("%w: EC curve %s (P-256 and P-384 only)", ErrKey, k.Curve.Params().Name)
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return fmt.Errorf("%w: empty RSA key", ErrKey)
		}
		if n := k.N.BitLen(); n < MinRSABits || n > MaxRSABits {
			return fmt.Errorf("%w: RSA key of %d bits (%d..%d)", ErrKey, n, MinRSABits, MaxRSABits)
		}
		if k.E < 3 || k.E%2 == 0 {
			return fmt.Errorf("%w: RSA exponent %d", ErrKey, k.E)
		}
		return nil
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: Ed25519 key of %d bytes", ErrKey, len(k))
		}
		return nil
	}
	return fmt.Errorf("%w: %T", ErrKey, key)
}

// Signer signs JWS with one private key.
type Signer struct {
	// Alg is one of AllowedAlgorithms and must fit Key.
	Alg string
	// Kid goes into the protected header (the receiver selects the key by it).
	Kid string
	Key crypto.Signer
	// Rand is the randomness for ECDSA and PSS (nil: crypto/rand).
	Rand io.Reader
}

// Sign returns the compact JWS of payload with header {"alg","kid"}.
func (s Signer) Sign(payload []byte) (string, error) {
	if !allowed(s.Alg) {
		return "", fmt.Errorf("%w: %q", ErrAlgorithm, s.Alg)
	}
	if s.Key == nil {
		return "", fmt.Errorf("%w: no signing key", ErrKey)
	}
	if err := CheckKey(s.Key.Public()); err != nil {
		return "", err
	}
	hdr, err := json.Marshal(Header{Alg: s.Alg, Kid: s.Kid})
	if err != nil {
		return "", err
	}
	input := b64.EncodeToString(hdr) + "." + b64.EncodeToString(payload)
	rnd := s.Rand
	if rnd == nil {
		rnd = cryptoRand
	}
	var sig []byte
	switch s.Alg {
	case ES256, ES384:
		priv, ok := s.Key.(*ecdsa.PrivateKey)
		if !ok {
			return "", fmt.Errorf("%w: %s needs an ECDSA key", ErrAlgorithm, s.Alg)
		}
		size, digest := 32, sha256Sum([]byte(input))
		if s.Alg == ES384 {
			size, digest = 48, sha384Sum([]byte(input))
		}
		if priv.Curve.Params().BitSize != size*8 {
			return "", fmt.Errorf("%w: %s needs a P-%d key", ErrAlgorithm, s.Alg, size*8)
		}
		r, ss, err := ecdsa.Sign(rnd, priv, digest)
		if err != nil {
			return "", err
		}
		sig = make([]byte, 2*size)
		r.FillBytes(sig[:size])
		ss.FillBytes(sig[size:])
	case PS256, RS256:
		priv, ok := s.Key.(*rsa.PrivateKey)
		if !ok {
			return "", fmt.Errorf("%w: %s needs an RSA key", ErrAlgorithm, s.Alg)
		}
		digest := sha256Sum([]byte(input))
		if s.Alg == PS256 {
			sig, err = rsa.SignPSS(rnd, priv, crypto.SHA256, digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256})
		} else {
			sig, err = rsa.SignPKCS1v15(nil, priv, crypto.SHA256, digest)
		}
		if err != nil {
			return "", err
		}
	case EdDSA:
		priv, ok := s.Key.(ed25519.PrivateKey)
		if !ok {
			return "", fmt.Errorf("%w: EdDSA needs an Ed25519 key", ErrAlgorithm)
		}
		sig = ed25519.Sign(priv, []byte(input))
	}
	return input + "." + b64.EncodeToString(sig), nil
}

// SignJSON marshals v and signs it.
func (s Signer) SignJSON(v any) (string, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return s.Sign(payload)
}

// Checksum is the PINT checksum of a text: lower-case hex SHA-256 of its
// bytes (for a JWS: of the compact serialization as sent).
func Checksum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// ChecksumBytes is Checksum of raw bytes (additional documents, decoded).
func ChecksumBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// IsChecksum reports whether s is 64 lower-case hex characters.
func IsChecksum(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func sha256Sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }
func sha384Sum(b []byte) []byte { s := sha512.Sum384(b); return s[:] }

// decodeStrict decodes a JSON object into v, refusing what encoding/json
// would silently accept: two members whose names are equal ignoring case at
// any depth (encoding/json matches struct fields case-insensitively, so
// {"responseCode":"BENV","ResponseCode":"RECE"} would be read as RECE),
// trailing data, and a top level that is not an object.
func decodeStrict(data []byte, v any) error {
	if err := checkMembers(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// checkMembers walks the JSON text and refuses case-insensitively duplicate
// member names in any object, and nesting deeper than 32.
func checkMembers(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("not a JSON object")
	}
	return walkObject(dec, 1)
}

func walkObject(dec *json.Decoder, depth int) error {
	if depth > 32 {
		return errors.New("JSON nested too deep")
	}
	seen := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, ok := tok.(string)
		if !ok {
			return errors.New("object member name is not a string")
		}
		folded := strings.ToLower(name)
		if prev, dup := seen[folded]; dup {
			return fmt.Errorf("member %q repeats %q", name, prev)
		}
		seen[folded] = name
		if err := walkValue(dec, depth); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return err
}

func walkValue(dec *json.Decoder, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{':
		return walkObject(dec, depth+1)
	case '[':
		if depth+1 > 32 {
			return errors.New("JSON nested too deep")
		}
		for dec.More() {
			if err := walkValue(dec, depth+1); err != nil {
				return err
			}
		}
		_, err := dec.Token() // ']'
		return err
	}
	return fmt.Errorf("unexpected %v", d)
}
