package gateway

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"

	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
)

// SigningKey is the gateway's PINT signing key: a private JWK on disk (EC
// P-256 for ES256 by default, or P-384 for ES384), its kid, and the public
// JWK other platforms verify with.
type SigningKey struct {
	Signer pint.Signer
	Public pint.JWK
}

var b64url = base64.RawURLEncoding

// GenerateSigningKey makes a new ES256 key; its kid is the RFC 7638
// thumbprint of the public key.
func GenerateSigningKey() (pint.JWK, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return pint.JWK{}, err
	}
	size := 32
	x, y := priv.PublicKey.X.FillBytes(make([]byte, size)), priv.PublicKey.Y.FillBytes(make([]byte, size))
	j := pint.JWK{Kty: "EC", Crv: "P-256", Alg: pint.ES256, Use: "sig", X: b64url.EncodeToString(x), Y: b64url.EncodeToString(y),
		D: b64url.EncodeToString(priv.D.FillBytes(make([]byte, size)))}
	j.Kid = thumbprint(j)
	return j, nil
}

// thumbprint is the RFC 7638 JWK thumbprint of an EC public key.
func thumbprint(j pint.JWK) string {
	canon := fmt.Sprintf(`{"crv":%q,"kty":%q,"x":%q,"y":%q}`, j.Crv, j.Kty, j.X, j.Y)
	sum := sha256.Sum256([]byte(canon))
	return b64url.EncodeToString(sum[:])
}

// LoadSigningKey reads a private EC JWK file.
func LoadSigningKey(path string) (*SigningKey, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w (create one with `tradechaind gateway init`)", err)
	}
	var j pint.JWK
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, fmt.Errorf("signing key %s: not a JWK: %w", path, err)
	}
	if j.Kty != "EC" || j.D == "" {
		return nil, errors.New("signing key: an EC private JWK (kty EC with d) is required")
	}
	var curve elliptic.Curve
	alg := j.Alg
	switch j.Crv {
	case "P-256":
		curve = elliptic.P256()
		if alg == "" {
			alg = pint.ES256
		}
	case "P-384":
		curve = elliptic.P384()
		if alg == "" {
			alg = pint.ES384
		}
	default:
		return nil, fmt.Errorf("signing key: curve %q not supported (P-256 or P-384)", j.Crv)
	}
	dec := func(s string) (*big.Int, error) {
		b, err := b64url.DecodeString(s)
		if err != nil {
			return nil, err
		}
		return new(big.Int).SetBytes(b), nil
	}
	x, err1 := dec(j.X)
	y, err2 := dec(j.Y)
	d, err3 := dec(j.D)
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	priv := &ecdsa.PrivateKey{PublicKey: ecdsa.PublicKey{Curve: curve, X: x, Y: y}, D: d}
	// The private scalar must give the public point written beside it.
	cx, cy := curve.ScalarBaseMult(d.Bytes())
	if cx.Cmp(x) != 0 || cy.Cmp(y) != 0 {
		return nil, errors.New("signing key: d does not match x and y")
	}
	if j.Kid == "" {
		j.Kid = thumbprint(j)
	}
	pub := pint.JWK{Kty: j.Kty, Crv: j.Crv, X: j.X, Y: j.Y, Kid: j.Kid, Alg: alg, Use: "sig"}
	return &SigningKey{Signer: pint.Signer{Alg: alg, Kid: j.Kid, Key: crypto.Signer(priv)}, Public: pub}, nil
}

// JWKS is the public key set the gateway serves and registers on chain.
func (k *SigningKey) JWKS() ([]byte, error) { return pint.MarshalJWKS(k.Public) }
