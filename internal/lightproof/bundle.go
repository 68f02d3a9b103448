// Package lightproof makes and checks proof bundles: a record of x/cargo's
// store with its ICS-23 proof against the app hash of a height, the header
// and commit that carry that app hash, and the headers and validator sets
// that link it to a trust root, verified with CometBFT's light-client rules
// (its light package). docs/trust-model.md defines the format and what a
// verified bundle proves.
package lightproof

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// Version is the bundle format this package writes and reads.
const Version = 1

// MaxBundleSize bounds what Parse reads: a bundle for one record is a few
// KB; with intermediate headers of a large validator set, well under this.
const MaxBundleSize = 4 << 20

// Kinds of record a bundle proves.
const (
	KindDocument = "document"
	KindBill     = "bill"
	KindRegistry = "registry"
	KindConsent  = "consent"
)

// Subject is what a bundle is about; which fields apply depends on the kind
// (docs/trust-model.md). The verifier computes the store key from it.
type Subject struct {
	// document: Hash, and Anchorer for a party's own anchor (without it, the
	// bills' transport document record).
	Hash     string `json:"hash,omitempty"`
	Anchorer string `json:"anchorer,omitempty"`
	// bill
	BillID string `json:"bill_id,omitempty"`
	// registry: KeyKind is the enum name (KEY_KIND_BILL, ...), Key the
	// 64-hex key. For a bill's identity (KEY_KIND_BILL), Identity is the
	// text the key is the hash of — carrier code, "|", folded transport
	// document reference (types.BillIdentity) —, under which the zone keeps
	// the record: the verifier checks it hashes to Key.
	KeyKind  string `json:"key_kind,omitempty"`
	Key      string `json:"key,omitempty"`
	Identity string `json:"identity,omitempty"`
	// consent: a decimal uint64.
	ConsentID string `json:"consent_id,omitempty"`
}

// ProofOp is one operation of abci_query's proofOps.
type ProofOp struct {
	Type string `json:"type"`
	Key  []byte `json:"key"`
	Data []byte `json:"data"`
}

// LightBlock is a signed header and the validator set of its height, each in
// the JSON form CometBFT's RPC serves (/commit's signed_header, /validators).
type LightBlock struct {
	SignedHeader json.RawMessage `json:"signed_header"`
	ValidatorSet json.RawMessage `json:"validator_set"`
}

// Bundle is a proof bundle, version 1.
type Bundle struct {
	Version int     `json:"version"`
	ChainID string  `json:"chain_id"`
	Kind    string  `json:"kind"`
	Subject Subject `json:"subject"`
	// Record is the stored value; nil (JSON null) for a proof of absence.
	Record []byte `json:"record"`
	Store  string `json:"store"`
	Key    []byte `json:"key"`
	// Height is the state version proved (H); SignedHeader is at H+1.
	Height        int64           `json:"height,string"`
	ProofOps      []ProofOp       `json:"proof_ops"`
	SignedHeader  json.RawMessage `json:"signed_header"`
	ValidatorSet  json.RawMessage `json:"validator_set"`
	TrustRoot     *LightBlock     `json:"trust_root,omitempty"`
	Intermediates []LightBlock    `json:"intermediates"`
	CreatedAt     time.Time       `json:"created_at"`
}

// Parse reads a bundle strictly: one JSON object, known fields only, within
// MaxBundleSize. It checks the form, not the proof (Verify does).
func Parse(r io.Reader) (*Bundle, error) {
	bz, err := io.ReadAll(io.LimitReader(r, MaxBundleSize+1))
	if err != nil {
		return nil, err
	}
	return ParseBytes(bz)
}

// ParseBytes is Parse of a byte slice.
func ParseBytes(bz []byte) (*Bundle, error) {
	if len(bz) > MaxBundleSize {
		return nil, types.ErrProofBundle.Wrapf("larger than %d bytes", MaxBundleSize)
	}
	dec := json.NewDecoder(bytes.NewReader(bz))
	dec.DisallowUnknownFields()
	var b Bundle
	if err := dec.Decode(&b); err != nil {
		return nil, types.ErrProofBundle.Wrapf("not a proof bundle: %v", err)
	}
	if dec.More() {
		return nil, types.ErrProofBundle.Wrap("data after the bundle object")
	}
	if b.Version != Version {
		return nil, types.ErrProofBundle.Wrapf("version %d: this verifier reads version %d", b.Version, Version)
	}
	if b.Store != types.StoreKey {
		return nil, types.ErrProofBundle.Wrapf("store %q: bundles prove records of the %q store", b.Store, types.StoreKey)
	}
	if b.ChainID == "" || len(b.ChainID) > cmttypes.MaxChainIDLen {
		return nil, types.ErrProofBundle.Wrap("chain_id missing or too long")
	}
	if b.Height <= 0 {
		return nil, types.ErrProofBundle.Wrapf("height %d: want a positive height", b.Height)
	}
	if b.Record != nil && len(b.Record) == 0 {
		return nil, types.ErrProofBundle.Wrap(`record is "": want the stored value, or null for a proof of absence`)
	}
	if len(b.ProofOps) == 0 || len(b.ProofOps) > 4 {
		return nil, types.ErrProofBundle.Wrapf("%d proof ops: want the store's and the multistore's", len(b.ProofOps))
	}
	if len(b.SignedHeader) == 0 || len(b.ValidatorSet) == 0 {
		return nil, types.ErrProofBundle.Wrap("signed_header and validator_set are required")
	}
	if _, err := ExpectedKey(b.Kind, b.Subject); err != nil {
		return nil, err
	}
	return &b, nil
}

// Encode writes the bundle as indented JSON.
func (b *Bundle) Encode() ([]byte, error) {
	bz, err := json.MarshalIndent(b, "", " ")
	if err != nil {
		return nil, err
	}
	return append(bz, '\n'), nil
}

// ExpectedKey is the key in the cargo store of kind's record for subject,
// from the exported store key functions of x/cargo/types.
func ExpectedKey(kind string, s Subject) ([]byte, error) {
	bad := func(format string, args ...any) ([]byte, error) {
		return nil, types.ErrProofBundle.Wrapf(kind+" subject: "+format, args...)
	}
	switch kind {
	case KindDocument:
		if err := types.ValidateHash("hash", s.Hash); err != nil {
			return bad("%v", err)
		}
		if s.BillID != "" || s.KeyKind != "" || s.Key != "" || s.Identity != "" || s.ConsentID != "" {
			return bad("only hash and anchorer apply")
		}
		if s.Anchorer == "" {
			return types.DocumentStoreKey(s.Hash), nil
		}
		if len(s.Anchorer) > 128 {
			return bad("anchorer too long")
		}
		return types.AnchorStoreKey(s.Hash, s.Anchorer), nil
	case KindBill:
		if err := types.ValidateBillID(s.BillID); err != nil {
			return bad("%v", err)
		}
		if s.Hash != "" || s.Anchorer != "" || s.KeyKind != "" || s.Key != "" || s.Identity != "" || s.ConsentID != "" {
			return bad("only bill_id applies")
		}
		return types.BillStoreKey(s.BillID), nil
	case KindRegistry:
		v, ok := types.KeyKind_value[s.KeyKind]
		if !ok || types.ValidateKeyKind(types.KeyKind(v)) != nil {
			return bad("key_kind %q: want KEY_KIND_TRANSPORT_DOCUMENT, KEY_KIND_INVOICE or KEY_KIND_BILL", s.KeyKind)
		}
		if s.Key == "" || len(s.Key) > 256 {
			return bad("key missing or too long")
		}
		if s.Hash != "" || s.Anchorer != "" || s.BillID != "" || s.ConsentID != "" {
			return bad("only key_kind, key and identity apply")
		}
		if types.KeyKind(v) != types.KEY_KIND_BILL {
			if s.Identity != "" {
				return bad("identity applies to KEY_KIND_BILL only")
			}
			return types.RegistryStoreKey(types.KeyKind(v), s.Key), nil
		}
		// A bill's identity is kept under the text its key hashes.
		if s.Identity == "" || len(s.Identity) > 256 || types.BillKeyOfIdentity(s.Identity) != s.Key {
			return bad("identity %q is not the text BILL key %s is the hash of", s.Identity, s.Key)
		}
		return types.RegistryStoreKey(types.KEY_KIND_BILL, s.Identity), nil
	case KindConsent:
		id, err := strconv.ParseUint(s.ConsentID, 10, 64)
		if err != nil || strconv.FormatUint(id, 10) != s.ConsentID {
			return bad("consent_id %q: want a decimal number", s.ConsentID)
		}
		if s.Hash != "" || s.Anchorer != "" || s.BillID != "" || s.KeyKind != "" || s.Key != "" || s.Identity != "" {
			return bad("only consent_id applies")
		}
		return types.ConsentStoreKey(id), nil
	}
	return nil, types.ErrProofBundle.Wrapf("kind %q: want document, bill, registry or consent", kind)
}

// proofOps converts the bundle's ops to CometBFT's.
func (b *Bundle) proofOps() *cmtcrypto.ProofOps {
	ops := &cmtcrypto.ProofOps{}
	for _, op := range b.ProofOps {
		ops.Ops = append(ops.Ops, cmtcrypto.ProofOp{Type: op.Type, Key: op.Key, Data: op.Data})
	}
	return ops
}

// decodeLightBlock reads a signed header and its validator set from their
// RPC JSON forms and checks they are well formed and match each other.
func decodeLightBlock(chainID string, shJSON, vsJSON json.RawMessage) (*cmttypes.SignedHeader, *cmttypes.ValidatorSet, error) {
	var sh cmttypes.SignedHeader
	if err := cmtjson.Unmarshal(shJSON, &sh); err != nil {
		return nil, nil, types.ErrProofBundle.Wrapf("signed header: %v", err)
	}
	if sh.Header == nil || sh.Commit == nil {
		return nil, nil, types.ErrProofBundle.Wrap("signed header without header or commit")
	}
	if err := sh.ValidateBasic(chainID); err != nil {
		return nil, nil, types.ErrProofBundle.Wrapf("signed header at height %d: %v", sh.Height, err)
	}
	vals, err := decodeValidatorSet(vsJSON)
	if err != nil {
		return nil, nil, err
	}
	if !bytes.Equal(vals.Hash(), sh.ValidatorsHash) {
		return nil, nil, types.ErrProofBundle.Wrapf("validator set does not hash to the validators_hash of the header at height %d", sh.Height)
	}
	return &sh, vals, nil
}

// decodeValidatorSet reads /validators JSON (or a bare array of validators).
func decodeValidatorSet(bz json.RawMessage) (*cmttypes.ValidatorSet, error) {
	var rv coretypes.ResultValidators
	if err := cmtjson.Unmarshal(bz, &rv); err != nil {
		var list []*cmttypes.Validator
		if err2 := cmtjson.Unmarshal(bz, &list); err2 != nil {
			return nil, types.ErrProofBundle.Wrapf("validator set: %v", err)
		}
		rv.Validators = list
	}
	if len(rv.Validators) == 0 || len(rv.Validators) > 10000 {
		return nil, types.ErrProofBundle.Wrapf("validator set of %d validators", len(rv.Validators))
	}
	if rv.Total != 0 && rv.Total != len(rv.Validators) {
		return nil, types.ErrProofBundle.Wrapf("validator set has %d of %d validators: the bundle must carry every page", len(rv.Validators), rv.Total)
	}
	for _, v := range rv.Validators {
		if v == nil || v.PubKey == nil {
			return nil, types.ErrProofBundle.Wrap("validator without a public key")
		}
		if !bytes.Equal(v.Address, v.PubKey.Address()) {
			return nil, types.ErrProofBundle.Wrapf("validator %X: address is not its public key's", []byte(v.Address))
		}
	}
	vals, err := cmttypes.ValidatorSetFromExistingValidators(rv.Validators)
	if err != nil {
		return nil, types.ErrProofBundle.Wrapf("validator set: %v", err)
	}
	if err := vals.ValidateBasic(); err != nil {
		return nil, types.ErrProofBundle.Wrapf("validator set: %v", err)
	}
	return vals, nil
}

func mustJSON(v any) json.RawMessage {
	bz, err := cmtjson.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("lightproof: encoding %T: %v", v, err))
	}
	return bz
}

// HeaderHash is the hash of a signed header in RPC JSON form.
func HeaderHash(signedHeaderJSON json.RawMessage) ([]byte, error) {
	var sh cmttypes.SignedHeader
	if err := cmtjson.Unmarshal(signedHeaderJSON, &sh); err != nil || sh.Header == nil {
		return nil, types.ErrProofBundle.Wrapf("signed header: %v", err)
	}
	return sh.Hash(), nil
}
