package app

import (
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"sync/atomic"

	txsigning "cosmossdk.io/x/tx/signing"

	storetypes "cosmossdk.io/store/types"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
)

// FlagSigVerifyCacheSize is the start flag (and app option) that bounds the
// verified-signature memory; 0 turns it off.
const FlagSigVerifyCacheSize = "sig-verify-cache-size"

// DefaultVerifiedSignatures is how many verified signatures a node remembers:
// well above the mempool's default 5,000 transactions.
const DefaultVerifiedSignatures = 50_000

// VerifiedSignatures remembers the signatures this node has verified, as
// digests of (public key, sign bytes, signature). Signature verification is a
// pure function of those three: when a transaction reaches a block with exactly
// the inputs this node already verified in CheckTx, verifying again can only
// give the same answer, so the block skips the elliptic-curve work. Anything
// else — a transaction first seen in a proposal, a changed sequence, account
// number, chain id, body, fee or key — has different sign bytes, misses, and is
// verified in full. Only successes are stored; the set is bounded (oldest out
// first) and never part of state, so it cannot make two nodes disagree.
type VerifiedSignatures struct {
	mu   sync.Mutex
	set  map[[32]byte]struct{}
	ring [][32]byte
	next int

	hits, misses, preverified atomic.Uint64
}

// NewVerifiedSignatures returns an empty set bounded to size digests.
func NewVerifiedSignatures(size int) *VerifiedSignatures {
	return &VerifiedSignatures{set: make(map[[32]byte]struct{}, size), ring: make([][32]byte, 0, size)}
}

// Stats returns how many transactions skipped verification (hits) and how
// many were verified in full (misses).
func (v *VerifiedSignatures) Stats() (hits, misses uint64) { return v.hits.Load(), v.misses.Load() }

// Preverified returns how many transactions PreverifyTx verified ahead of
// CheckTx.
func (v *VerifiedSignatures) Preverified() uint64 { return v.preverified.Load() }

func (v *VerifiedSignatures) hasAll(keys [][32]byte) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, k := range keys {
		if _, ok := v.set[k]; !ok {
			return false
		}
	}
	return true
}

func (v *VerifiedSignatures) add(keys [][32]byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, k := range keys {
		if _, ok := v.set[k]; ok {
			continue
		}
		if len(v.ring) < cap(v.ring) {
			v.ring = append(v.ring, k)
		} else {
			delete(v.set, v.ring[v.next])
			v.ring[v.next] = k
			v.next = (v.next + 1) % len(v.ring)
		}
		v.set[k] = struct{}{}
	}
}

// CachedSigVerificationDecorator runs the SDK's SigVerificationDecorator —
// signer count, public key set, sequence, and the signature check — and skips
// only the signature check itself when every signature of the transaction is
// one this node already verified over the same sign bytes. Gas is unchanged:
// the SDK charges signatures in SigGasConsumeDecorator, and the digests are
// computed with a gas meter of their own, hit or miss.
type CachedSigVerificationDecorator struct {
	inner    ante.SigVerificationDecorator
	ak       ante.AccountKeeper
	handler  *txsigning.HandlerMap
	verified *VerifiedSignatures
}

// NewCachedSigVerificationDecorator wraps the SDK decorator with verified.
func NewCachedSigVerificationDecorator(ak ante.AccountKeeper, handler *txsigning.HandlerMap, verified *VerifiedSignatures) CachedSigVerificationDecorator {
	return CachedSigVerificationDecorator{inner: ante.NewSigVerificationDecorator(ak, handler), ak: ak, handler: handler, verified: verified}
}

// AnteHandle implements sdk.AnteDecorator.
func (d CachedSigVerificationDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	// the SDK verifies nothing in these cases; let it do exactly that
	if d.verified == nil || simulate || ctx.IsReCheckTx() || !ctx.IsSigverifyTx() {
		return d.inner.AnteHandle(ctx, tx, simulate, next)
	}
	keys, ok := d.digests(ctx, tx)
	if ok && d.verified.hasAll(keys) {
		d.verified.hits.Add(1)
		return d.inner.AnteHandle(ctx.WithIsSigverifyTx(false), tx, simulate, func(c sdk.Context, tx sdk.Tx, simulate bool) (sdk.Context, error) {
			return next(c.WithIsSigverifyTx(true), tx, simulate)
		})
	}
	d.verified.misses.Add(1)
	return d.inner.AnteHandle(ctx, tx, simulate, func(c sdk.Context, tx sdk.Tx, simulate bool) (sdk.Context, error) {
		// the SDK decorator verified every signature of tx: remember them
		if ok {
			d.verified.add(keys)
		}
		return next(c, tx, simulate)
	})
}

// digests computes, for each signature of tx, the digest of the inputs the
// SDK decorator verifies: the signer's public key, the sign bytes built from
// the same signer data (address, chain id, account number — 0 at genesis —,
// sequence, public key) and the signature. ok is false when a digest cannot
// stand for the check (multisig, unknown account, no key, wrong sequence, an
// error): the SDK decorator then decides alone.
func (d CachedSigVerificationDecorator) digests(ctx sdk.Context, tx sdk.Tx) ([][32]byte, bool) {
	signers, sigs, ok := singleSignatures(tx)
	if !ok {
		return nil, false
	}
	// reads here must not change the transaction's gas
	rctx := ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	keys := make([][32]byte, len(sigs))
	for i, sig := range sigs {
		acc := d.ak.GetAccount(rctx, signers[i])
		if acc == nil || acc.GetPubKey() == nil || sig.Sequence != acc.GetSequence() {
			return nil, false
		}
		var accNum uint64
		if ctx.BlockHeight() != 0 {
			accNum = acc.GetAccountNumber()
		}
		_, key, err := signBytesAndDigest(rctx, d.handler, tx, sig, authsigning.SignerData{
			Address: acc.GetAddress().String(), ChainID: ctx.ChainID(), AccountNumber: accNum,
			Sequence: acc.GetSequence(), PubKey: acc.GetPubKey(),
		})
		if err != nil {
			return nil, false
		}
		keys[i] = key
	}
	return keys, true
}

// singleSignatures returns the signers of tx and their signatures, in the
// same order; ok is false unless every signer has one single (not multisig)
// signature.
func singleSignatures(tx sdk.Tx) (signers [][]byte, sigs []signing.SignatureV2, ok bool) {
	sigTx, ok := tx.(authsigning.Tx)
	if !ok {
		return nil, nil, false
	}
	sigs, err := sigTx.GetSignaturesV2()
	if err != nil {
		return nil, nil, false
	}
	signers, err = sigTx.GetSigners()
	if err != nil || len(signers) != len(sigs) {
		return nil, nil, false
	}
	for _, sig := range sigs {
		if _, single := sig.Data.(*signing.SingleSignatureData); !single {
			return nil, nil, false
		}
	}
	return signers, sigs, true
}

// signBytesAndDigest returns the sign bytes of sig (a single signature) by
// the signer described by data, and the digest VerifiedSignatures holds for
// it: of the signer's public key, those sign bytes and the signature, each
// length-prefixed.
func signBytesAndDigest(ctx sdk.Context, handler *txsigning.HandlerMap, tx sdk.Tx, sig signing.SignatureV2, data authsigning.SignerData) ([]byte, [32]byte, error) {
	single := sig.Data.(*signing.SingleSignatureData)
	signBytes, err := authsigning.GetSignBytesAdapter(ctx, handler, single.SignMode, data, tx)
	if err != nil {
		return nil, [32]byte{}, err
	}
	key, err := digestOf(data.PubKey, signBytes, single.Signature)
	return signBytes, key, err
}

func digestOf(pubKey cryptotypes.PubKey, signBytes, signature []byte) ([32]byte, error) {
	var key [32]byte
	anyPk, err := codectypes.NewAnyWithValue(pubKey)
	if err != nil {
		return key, err
	}
	h := sha256.New()
	for _, part := range [][]byte{[]byte(anyPk.TypeUrl), anyPk.Value, signBytes, signature} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
	copy(key[:], h.Sum(nil))
	return key, nil
}
