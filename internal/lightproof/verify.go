package lightproof

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cometbft/cometbft/crypto/merkle"
	cmtmath "github.com/cometbft/cometbft/libs/math"
	"github.com/cometbft/cometbft/light"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/cosmos/gogoproto/proto"

	"cosmossdk.io/store/rootmulti"
	storetypes "cosmossdk.io/store/types"
	ics23 "github.com/cosmos/ics23/go"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// Defaults of the light-client rules.
var (
	// DefaultTrustLevel is CometBFT's: a skipped-to header needs signatures
	// of at least 1/3 of the trusted voting power.
	DefaultTrustLevel = light.DefaultTrustLevel
	// DefaultTrustingPeriod is two thirds of a 21-day unbonding period.
	DefaultTrustingPeriod = 336 * time.Hour
	// DefaultMaxClockDrift is how far in the future a header may be.
	DefaultMaxClockDrift = 10 * time.Second
)

// TrustRoot is what the verifier trusts: a header (height and hash) of the
// zone, or a validator set of it (docs/trust-model.md).
type TrustRoot struct {
	ChainID string `json:"chain_id"`
	Height  int64  `json:"height,string"`
	// Hash is the header hash, hex; set for a pinned header.
	Hash string `json:"hash,omitempty"`
	// Validators is a validator set in /validators JSON form (or an array of
	// validators); set for a validator-set root.
	Validators json.RawMessage `json:"validators,omitempty"`
}

// ParseTrustRoot reads a trust root file.
func ParseTrustRoot(r io.Reader) (*TrustRoot, error) {
	dec := json.NewDecoder(io.LimitReader(r, MaxBundleSize))
	dec.DisallowUnknownFields()
	var tr TrustRoot
	if err := dec.Decode(&tr); err != nil {
		return nil, types.ErrNoTrustRoot.Wrapf("not a trust root file: %v", err)
	}
	if tr.ChainID == "" || tr.Height <= 0 {
		return nil, types.ErrNoTrustRoot.Wrap("a trust root needs chain_id and a positive height")
	}
	if (tr.Hash == "") == (len(tr.Validators) == 0) {
		return nil, types.ErrNoTrustRoot.Wrap("a trust root is either a header hash or a validator set: give exactly one")
	}
	if tr.Hash != "" {
		if h, err := hex.DecodeString(tr.Hash); err != nil || len(h) != 32 {
			return nil, types.ErrNoTrustRoot.Wrapf("hash %q: want the 64-hex-digit header hash", tr.Hash)
		}
	}
	return &tr, nil
}

// Options are the verifier's parameters.
type Options struct {
	// Now is the verifier's clock (zero: time.Now()).
	Now            time.Time
	TrustingPeriod time.Duration
	TrustLevel     cmtmath.Fraction
	MaxClockDrift  time.Duration
	// MinHeight, if set, is the lowest state height accepted (freshness).
	MinHeight int64
	// MaxAge, if set, is how old the proved header may be at Now.
	MaxAge time.Duration
}

func (o Options) withDefaults() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.TrustingPeriod == 0 {
		o.TrustingPeriod = DefaultTrustingPeriod
	}
	if o.TrustLevel.Denominator == 0 {
		o.TrustLevel = DefaultTrustLevel
	}
	if o.MaxClockDrift == 0 {
		o.MaxClockDrift = DefaultMaxClockDrift
	}
	return o
}

// Result is what a verified bundle proves.
type Result struct {
	ChainID    string
	Kind       string
	Subject    Subject
	Height     int64     // the state height proved
	HeaderTime time.Time // time of the header at Height+1
	// Signed and Validators count the signatures of the proved header's
	// commit and its validator set's size; SignedPower / TotalPower the same in power.
	Signed, Validators      int
	SignedPower, TotalPower int64
	TrustRootHeight         int64
	// Steps is how many headers were verified from the trust root.
	Steps int
	// Record is the decoded record (*types.Bill, *types.Document,
	// *types.RegistryKey, *types.Consent), nil if proved absent.
	Record proto.Message
}

// Present says whether the record exists at Height.
func (r *Result) Present() bool { return r.Record != nil }

// Verify checks a bundle against a trust root; it returns what was proved,
// or an error saying which check failed (never a partial result).
func Verify(b *Bundle, root *TrustRoot, opts Options) (*Result, error) {
	opts = opts.withDefaults()
	if root == nil {
		return nil, types.ErrNoTrustRoot.Wrap("pass a trust root you obtained yourself: the bundle's own root would let its maker choose the chain")
	}
	if err := light.ValidateTrustLevel(opts.TrustLevel); err != nil {
		return nil, types.ErrNoTrustRoot.Wrapf("trust level: %v", err)
	}
	if b.ChainID != root.ChainID {
		return nil, types.ErrUntrustedRoot.Wrapf("bundle is for chain %q, the trust root for %q", b.ChainID, root.ChainID)
	}
	// 1. The key is the verifier's, from the subject.
	key, err := ExpectedKey(b.Kind, b.Subject)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(key, b.Key) {
		return nil, types.ErrProofFailed.Wrapf("the bundle proves key %x, not the key of %s %s (%x)", b.Key, b.Kind, describe(b.Subject), key)
	}

	// 2–3. The header chain from the trust root to the proved header.
	target, targetVals, err := decodeLightBlock(b.ChainID, b.SignedHeader, b.ValidatorSet)
	if err != nil {
		return nil, err
	}
	if target.Height != b.Height+1 {
		return nil, types.ErrProofBundle.Wrapf("signed header is at height %d: the app hash of state %d is in the header at %d", target.Height, b.Height, b.Height+1)
	}
	steps, err := verifyChain(b, root, target, targetVals, opts)
	if err != nil {
		return nil, err
	}

	// 5. The ICS-23 proofs: key -> record in the cargo store, store root -> app hash.
	if err := verifyProof(b, key, target.AppHash); err != nil {
		return nil, err
	}

	// 6. Freshness.
	if opts.MinHeight > 0 && b.Height < opts.MinHeight {
		return nil, types.ErrStaleProof.Wrapf("the bundle proves the state at height %d; you asked for height %d or later (a replayed older answer?)", b.Height, opts.MinHeight)
	}
	if opts.MaxAge > 0 && opts.Now.Sub(target.Time) > opts.MaxAge {
		return nil, types.ErrStaleProof.Wrapf("the proved header is from %s, %s before now; you asked for at most %s", target.Time.UTC().Format(time.RFC3339), opts.Now.Sub(target.Time).Round(time.Second), opts.MaxAge)
	}

	// 7. The record decodes and is the subject's.
	rec, err := decodeRecord(b.Kind, b.Subject, b.Record)
	if err != nil {
		return nil, err
	}
	signed, power := commitTally(target, targetVals)
	return &Result{
		ChainID: b.ChainID, Kind: b.Kind, Subject: b.Subject, Height: b.Height, HeaderTime: target.Time,
		Signed: signed, Validators: targetVals.Size(), SignedPower: power, TotalPower: targetVals.TotalVotingPower(),
		TrustRootHeight: root.Height, Steps: steps, Record: rec,
	}, nil
}

// verifyChain links target to the trust root through the bundle's
// intermediates with light.Verify, and returns the number of steps.
func verifyChain(b *Bundle, root *TrustRoot, target *cmttypes.SignedHeader, targetVals *cmttypes.ValidatorSet, opts Options) (int, error) {
	type lb struct {
		sh   *cmttypes.SignedHeader
		vals *cmttypes.ValidatorSet
	}
	var chain []lb
	for i, ib := range b.Intermediates {
		sh, vals, err := decodeLightBlock(b.ChainID, ib.SignedHeader, ib.ValidatorSet)
		if err != nil {
			return 0, types.ErrProofBundle.Wrapf("intermediate %d: %v", i+1, err)
		}
		chain = append(chain, lb{sh, vals})
	}
	chain = append(chain, lb{target, targetVals})

	var (
		trusted     *cmttypes.SignedHeader
		trustedVals *cmttypes.ValidatorSet
		steps       int
	)
	if root.Hash != "" {
		if b.TrustRoot == nil {
			return 0, types.ErrUntrustedRoot.Wrapf("the bundle carries no header at the trust root's height %d: make it with --trust-root", root.Height)
		}
		sh, vals, err := decodeLightBlock(b.ChainID, b.TrustRoot.SignedHeader, b.TrustRoot.ValidatorSet)
		if err != nil {
			return 0, types.ErrProofBundle.Wrapf("trust root: %v", err)
		}
		want, _ := hex.DecodeString(root.Hash)
		if sh.Height != root.Height || !bytes.Equal(sh.Hash(), want) {
			return 0, types.ErrUntrustedRoot.Wrapf("the bundle's root header (height %d, hash %X) is not your trust root (height %d, hash %s)", sh.Height, sh.Hash(), root.Height, strings.ToUpper(root.Hash))
		}
		if light.HeaderExpired(sh, opts.TrustingPeriod, opts.Now) {
			return 0, types.ErrUntrustedRoot.Wrapf("the trust root (height %d, %s) is older than the trusting period %s: get a newer trust root", sh.Height, sh.Time.UTC().Format(time.RFC3339), opts.TrustingPeriod)
		}
		if target.Height == sh.Height {
			if !bytes.Equal(target.Hash(), sh.Hash()) {
				return 0, types.ErrUntrustedRoot.Wrapf("the proved header at height %d is not the trust root's header", target.Height)
			}
			return 0, nil
		}
		if target.Height < sh.Height {
			return 0, types.ErrUntrustedRoot.Wrapf("the proof is at height %d, below the trust root's height %d: use an older trust root or a newer proof", target.Height, sh.Height)
		}
		trusted, trustedVals = sh, vals
		steps = 0
	} else {
		vals, err := decodeValidatorSet(root.Validators)
		if err != nil {
			return 0, types.ErrNoTrustRoot.Wrapf("trust root validators: %v", err)
		}
		// No trusted header: the first header must be signed by at least the
		// trust level of the trusted set and more than 2/3 of its own.
		first := chain[0]
		if first.sh.Height < root.Height {
			return 0, types.ErrUntrustedRoot.Wrapf("the first header is at height %d, below the trust root's height %d", first.sh.Height, root.Height)
		}
		if !first.sh.Time.Before(opts.Now.Add(opts.MaxClockDrift)) {
			return 0, types.ErrUntrustedRoot.Wrapf("the header at height %d is from the future (%s)", first.sh.Height, first.sh.Time)
		}
		if err := vals.VerifyCommitLightTrusting(b.ChainID, first.sh.Commit, opts.TrustLevel); err != nil {
			return 0, types.ErrUntrustedRoot.Wrapf("header at height %d: not signed by %s of the trusted validators: %v", first.sh.Height, opts.TrustLevel, err)
		}
		if err := first.vals.VerifyCommitLight(b.ChainID, first.sh.Commit.BlockID, first.sh.Height, first.sh.Commit); err != nil {
			return 0, types.ErrUntrustedRoot.Wrapf("header at height %d: %v", first.sh.Height, err)
		}
		trusted, trustedVals, chain = first.sh, first.vals, chain[1:]
		steps = 1
	}
	for _, next := range chain {
		if err := light.Verify(trusted, trustedVals, next.sh, next.vals, opts.TrustingPeriod, opts.Now, opts.MaxClockDrift, opts.TrustLevel); err != nil {
			return 0, types.ErrUntrustedRoot.Wrapf("header at height %d from trusted height %d: %v", next.sh.Height, trusted.Height, err)
		}
		trusted, trustedVals = next.sh, next.vals
		steps++
	}
	if trusted != target {
		return 0, types.ErrUntrustedRoot.Wrap("the header chain does not end at the proved header")
	}
	return steps, nil
}

// verifyProof runs the bundle's proof ops as the SDK's multistore does.
func verifyProof(b *Bundle, key, appHash []byte) error {
	if len(b.ProofOps) != 2 {
		return types.ErrProofFailed.Wrapf("%d proof ops: want 2 (the cargo store's, then the multistore's)", len(b.ProofOps))
	}
	kp := merkle.KeyPath{}.AppendKey([]byte(types.StoreKey), merkle.KeyEncodingURL).AppendKey(key, merkle.KeyEncodingURL)
	prt := rootmulti.DefaultProofRuntime()
	var err error
	if b.Record == nil {
		err = verifyAbsence(b.proofOps(), appHash, kp.String())
	} else {
		err = prt.VerifyValue(b.proofOps(), appHash, kp.String(), b.Record)
	}
	if err != nil {
		what := "the record"
		if b.Record == nil {
			what = "the absence of the record"
		}
		return types.ErrProofFailed.Wrapf("the Merkle proof of %s does not lead to the app hash of the signed header: %v", what, err)
	}
	return nil
}

// decodeRecord decodes the record as its kind's type and checks it is the
// subject's record.
func decodeRecord(kind string, s Subject, rec []byte) (proto.Message, error) {
	if rec == nil {
		return nil, nil
	}
	mismatch := func(format string, args ...any) (proto.Message, error) {
		return nil, types.ErrProofFailed.Wrapf("the proved record is not the subject's: "+format, args...)
	}
	switch kind {
	case KindDocument:
		var d types.Document
		if err := d.Unmarshal(rec); err != nil {
			return nil, types.ErrProofFailed.Wrapf("record: %v", err)
		}
		if s.Anchorer == "" && d.BillId == "" && d.Hash == "" && d.AnchoredBy == "" {
			// Documents[hash] with only the registry's record of the hash:
			// no bill on the zone is anchored on the document.
			return nil, nil
		}
		d.Registry = nil
		if d.Hash != s.Hash || (s.Anchorer != "" && d.AnchoredBy != s.Anchorer) {
			return mismatch("document %s anchored by %s", d.Hash, d.AnchoredBy)
		}
		return &d, nil
	case KindBill:
		var bill types.Bill
		if err := bill.Unmarshal(rec); err != nil {
			return nil, types.ErrProofFailed.Wrapf("record: %v", err)
		}
		if bill.Id != s.BillID {
			return mismatch("bill %s", bill.Id)
		}
		return &bill, nil
	case KindRegistry:
		var r types.RegistryKey
		if s.KeyKind == types.KEY_KIND_TRANSPORT_DOCUMENT.String() {
			// A document hash's record is the registry part of the
			// document's record (Documents[hash]).
			var d types.Document
			if err := d.Unmarshal(rec); err != nil {
				return nil, types.ErrProofFailed.Wrapf("record: %v", err)
			}
			if d.Registry == nil {
				return nil, nil
			}
			if d.Hash != "" && d.Hash != s.Key {
				return mismatch("document %s", d.Hash)
			}
			r = *d.Registry
			r.Kind, r.Key = types.KEY_KIND_TRANSPORT_DOCUMENT, s.Key
			return &r, nil
		}
		if err := r.Unmarshal(rec); err != nil {
			return nil, types.ErrProofFailed.Wrapf("record: %v", err)
		}
		if r.Kind.String() != s.KeyKind || r.Key != s.Key {
			return mismatch("registry key %s %s", r.Kind, r.Key)
		}
		return &r, nil
	case KindConsent:
		var c types.Consent
		if err := c.Unmarshal(rec); err != nil {
			return nil, types.ErrProofFailed.Wrapf("record: %v", err)
		}
		if strconv.FormatUint(c.Id, 10) != s.ConsentID {
			return mismatch("consent %d", c.Id)
		}
		return &c, nil
	}
	return nil, types.ErrProofBundle.Wrapf("kind %q", kind)
}

// commitTally counts the commit's signatures for the block and their power.
func commitTally(sh *cmttypes.SignedHeader, vals *cmttypes.ValidatorSet) (int, int64) {
	n, power := 0, int64(0)
	for i, cs := range sh.Commit.Signatures {
		if cs.BlockIDFlag != cmttypes.BlockIDFlagCommit || i >= vals.Size() {
			continue
		}
		n++
		power += vals.Validators[i].VotingPower
	}
	return n, power
}

func describe(s Subject) string {
	switch {
	case s.BillID != "":
		return s.BillID
	case s.Anchorer != "":
		return s.Hash + " anchored by " + s.Anchorer
	case s.Hash != "":
		return s.Hash
	case s.KeyKind != "":
		return s.KeyKind + " " + s.Key
	}
	return s.ConsentID
}

// Summary is the human statement of a verified result.
func (r *Result) Summary() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "proved against %s's validators at height %d: %d of %d signatures (%d of %d voting power), trust root height %d, %d header(s) verified\n",
		r.ChainID, r.Height, r.Signed, r.Validators, r.SignedPower, r.TotalPower, r.TrustRootHeight, r.Steps)
	fmt.Fprintf(&sb, "state as of height %d (header time %s)\n", r.Height, r.HeaderTime.UTC().Format(time.RFC3339))
	switch rec := r.Record.(type) {
	case nil:
		switch r.Kind {
		case KindDocument:
			fmt.Fprintf(&sb, "NOT ANCHORED: %s has no record on %s (proof of absence)\n", describe(r.Subject), r.ChainID)
		default:
			fmt.Fprintf(&sb, "ABSENT: no %s %s on %s (proof of absence)\n", r.Kind, describe(r.Subject), r.ChainID)
		}
	case *types.Bill:
		fmt.Fprintf(&sb, "bill %s: holder %s, status %s, version %d, history %d entries (head %s), control zone %s\n",
			rec.Id, rec.Holder, rec.Status, rec.Version, rec.HistoryLen, rec.HistoryHead, orDash(rec.ControlZone))
	case *types.Document:
		state := "ANCHORED"
		if rec.Withdrawn {
			state = "WITHDRAWN (not anchored)"
		}
		fmt.Fprintf(&sb, "%s: document %s as %s by %s at height %d", state, rec.Hash, rec.DocType, rec.AnchoredBy, rec.Height)
		if rec.BillId != "" {
			fmt.Fprintf(&sb, " for bill %s", rec.BillId)
		}
		sb.WriteString("\n")
	case *types.RegistryKey:
		fmt.Fprintf(&sb, "registry key %s %s: %s, held by zone %s (reference %s)\n", rec.Kind, rec.Key, rec.Status, orDash(rec.HolderZone), orDash(rec.Reference))
	case *types.Consent:
		fmt.Fprintf(&sb, "consent %d: %s grants %s access to %s for %q until %s, revoked: %v\n",
			rec.Id, rec.Granter, rec.Grantee, rec.Scope, rec.Purpose, rec.ExpiresAt.UTC().Format(time.RFC3339), rec.Revoked)
	}
	return sb.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// verifyAbsence runs a proof of absence as the SDK's proof runtime does, with
// the IAVL op's neighbours carrying their value's hash in place of the value
// (valueHashed): a neighbour stored with an empty value (an index entry, a
// KeySet's key) is refused by ics23 ("leaf op needs value") although the tree
// commits to it.
func verifyAbsence(ops *cmtcrypto.ProofOps, appHash []byte, keyPath string) error {
	if len(ops.Ops) != 2 {
		return fmt.Errorf("%d proof ops: want 2", len(ops.Ops))
	}
	iavlOp, err := storetypes.CommitmentOpDecoder(ops.Ops[0])
	if err != nil {
		return err
	}
	storeOp, err := storetypes.CommitmentOpDecoder(ops.Ops[1])
	if err != nil {
		return err
	}
	co, ok := iavlOp.(storetypes.CommitmentOp)
	if !ok || co.Type != storetypes.ProofOpIAVLCommitment {
		return fmt.Errorf("the first proof op is %s, not %s", ops.Ops[0].Type, storetypes.ProofOpIAVLCommitment)
	}
	if _, ok := storeOp.(storetypes.CommitmentOp); !ok || ops.Ops[1].Type != storetypes.ProofOpSimpleMerkleCommitment {
		return fmt.Errorf("the second proof op is %s, not %s", ops.Ops[1].Type, storetypes.ProofOpSimpleMerkleCommitment)
	}
	ne := co.Proof.GetNonexist()
	if ne == nil {
		return fmt.Errorf("the proof is not a proof of absence")
	}
	hashed, spec, err := valueHashed(ne)
	if err != nil {
		return err
	}
	co.Proof, co.Spec = &ics23.CommitmentProof{Proof: &ics23.CommitmentProof_Nonexist{Nonexist: hashed}}, spec
	return merkle.ProofOperators{co, storeOp}.Verify(appHash, keyPath, nil)
}

// valueHashed: an IAVL leaf hashes SHA-256(value) after the key, so a
// neighbour may carry its value's hash with the leaf's value pre-hash off —
// the same bytes are hashed, the same root results. The neighbours' values
// are only hashed, never read; each neighbour's leaf must still say SHA-256
// for its value (the IAVL spec), and the spec checked against moves that
// pre-hash, nothing else. The browser's light client does the same
// (web/src/lib/light/proof.ts).
func valueHashed(p *ics23.NonExistenceProof) (*ics23.NonExistenceProof, *ics23.ProofSpec, error) {
	hashed := func(e *ics23.ExistenceProof) (*ics23.ExistenceProof, error) {
		if e == nil {
			return nil, nil
		}
		if e.Leaf == nil || e.Leaf.PrehashValue != ics23.IavlSpec.LeafSpec.PrehashValue {
			return nil, fmt.Errorf("a neighbour's leaf does not hash its value as IAVL does")
		}
		leaf := *e.Leaf
		leaf.PrehashValue = ics23.HashOp_NO_HASH
		h := sha256.Sum256(e.Value)
		return &ics23.ExistenceProof{Key: e.Key, Value: h[:], Leaf: &leaf, Path: e.Path}, nil
	}
	left, err := hashed(p.Left)
	if err != nil {
		return nil, nil, err
	}
	right, err := hashed(p.Right)
	if err != nil {
		return nil, nil, err
	}
	spec := *ics23.IavlSpec
	leafSpec := *spec.LeafSpec
	leafSpec.PrehashValue = ics23.HashOp_NO_HASH
	spec.LeafSpec = &leafSpec
	return &ics23.NonExistenceProof{Key: p.Key, Left: left, Right: right}, &spec, nil
}
