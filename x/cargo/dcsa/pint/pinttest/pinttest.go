// Package pinttest builds signed DCSA PINT envelopes for tests: platforms
// with their own generated keys, transfer chain entries linked and signed as
// PINT asks, manifests and signed answers. It is test support for the chain,
// the gateway and anyone checking them, never used by the state machine.
package pinttest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"

	"github.com/tradechain/tradechain/x/cargo/dcsa"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
)

// Platform is an eBL platform with one signing key.
type Platform struct {
	Code   string
	Signer pint.Signer
	// JWKS is its public key set as a platform publishes it.
	JWKS string
	Keys *pint.KeySet
}

// NewPlatform generates a key for alg (ES256, ES384, PS256, RS256, EdDSA)
// with kid "<code>-1".
func NewPlatform(code, alg string) (*Platform, error) {
	var key crypto.Signer
	var err error
	switch alg {
	case pint.ES256:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case pint.ES384:
		key, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case pint.PS256, pint.RS256:
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	case pint.EdDSA:
		_, key, err = ed25519.GenerateKey(rand.Reader)
	default:
		return nil, fmt.Errorf("pinttest: algorithm %q", alg)
	}
	if err != nil {
		return nil, err
	}
	return WithKey(code, alg, code+"-1", key)
}

// WithKey makes a platform of an existing key.
func WithKey(code, alg, kid string, key crypto.Signer) (*Platform, error) {
	jwk, err := pint.PublicJWK(key.Public(), kid, alg)
	if err != nil {
		return nil, err
	}
	jwks, err := pint.MarshalJWKS(jwk)
	if err != nil {
		return nil, err
	}
	ks, err := pint.ParseJWKS(jwks)
	if err != nil {
		return nil, err
	}
	return &Platform{Code: code, Signer: pint.Signer{Alg: alg, Kid: kid, Key: key}, JWKS: string(jwks), Keys: ks}, nil
}

// Sign signs v's JSON.
func (p *Platform) Sign(v any) (string, error) { return p.Signer.SignJSON(v) }

// Party is a PINT party on platform identified by one code of that platform.
func Party(name, platform, code string) pint.Party {
	return pint.Party{PartyName: name, EblPlatform: platform, IdentifyingCodes: []pint.IdentifyingCode{{CodeListProvider: platform, PartyCode: code}}}
}

// IssuanceManifest is the carrier's signed issuance manifest of document for issueTo.
func (p *Platform) IssuanceManifest(document []byte, issueTo pint.IssueToParty) (string, error) {
	docSum, err := dcsa.Hash(document)
	if err != nil {
		return "", err
	}
	raw, err := json.Marshal(issueTo)
	if err != nil {
		return "", err
	}
	itSum, err := dcsa.Hash(raw)
	if err != nil {
		return "", err
	}
	return p.Sign(pint.IssuanceManifest{DocumentChecksum: docSum, IssueToChecksum: itSum})
}

// Append signs a new transfer chain entry of this platform with txs, linked
// to the last entry of chain (the first entry carries issuanceManifest), and
// returns the longer chain.
func (p *Platform) Append(chain []string, document []byte, issuanceManifest string, txs ...pint.Transaction) ([]string, error) {
	docSum, err := dcsa.Hash(document)
	if err != nil {
		return nil, err
	}
	e := pint.EnvelopeTransferChainEntry{EblPlatform: p.Code, TransportDocumentChecksum: docSum, Transactions: txs}
	if len(chain) == 0 {
		e.IssuanceManifestSignedContent = issuanceManifest
	} else {
		e.PreviousEnvelopeTransferChainEntrySignedContentChecksum = pint.Checksum(chain[len(chain)-1])
	}
	s, err := p.Sign(e)
	if err != nil {
		return nil, err
	}
	return append(append([]string(nil), chain...), s), nil
}

// Manifest signs the envelope manifest of document and chain.
func (p *Platform) Manifest(document []byte, chain []string) (string, error) {
	docSum, err := dcsa.Hash(document)
	if err != nil {
		return "", err
	}
	return p.Sign(pint.EnvelopeManifest{TransportDocumentChecksum: docSum, LastEnvelopeTransferChainEntrySignedContentChecksum: pint.Checksum(chain[len(chain)-1])})
}

// Finished signs an EnvelopeTransferFinishedResponse for the envelope whose
// last entry checksum is last.
func (p *Platform) Finished(last string, code pint.ResponseCode, reason string) (string, error) {
	return p.Sign(pint.EnvelopeTransferFinishedResponse{LastEnvelopeTransferChainEntrySignedContentChecksum: last, ResponseCode: code, Reason: reason})
}

// Tx is a transaction of action from actor to recipient (nil: none) at a
// fixed time.
func Tx(action string, actor pint.Party, recipient *pint.Party) pint.Transaction {
	return pint.Transaction{ActionCode: action, Actor: actor, Recipient: recipient, ActionDateTime: "2026-12-01T10:00:00.000Z"}
}
