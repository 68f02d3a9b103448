package app

import (
	"bytes"
	"sync"
	"sync/atomic"

	abci "github.com/cometbft/cometbft/abci/types"

	storetypes "cosmossdk.io/store/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
)

// PreverifyTx verifies the signatures of a transaction on its way to CheckTx
// before CometBFT's ABCI lock is taken, and remembers the valid ones in
// VerifiedSignatures; CheckTx, under the lock, then finds them there and skips
// the elliptic-curve check (the SDK decorator still checks signer count, key,
// sequence and gas as before), and so does the block.
//
// CometBFT calls CheckTx, FinalizeBlock and Commit under one mutex, so every
// microsecond CheckTx spends is one the block waits for and the other way
// round; signature verification was 40 % of CheckTx. PreverifyTx reads the
// last committed state the way a gRPC query does — never the state the block
// is writing — and runs concurrently on the RPC and peer goroutines that
// deliver transactions. What it remembers is the digest of (public key, sign
// bytes, signature) after a successful verification, exactly what CheckTx
// would remember, so it can only save work, never change an answer: if the
// account's key, number or sequence differ by the time CheckTx runs, the
// digest CheckTx computes is another one and it verifies in full.
//
// It verifies nothing for a signer the zone would refuse anyway (not an
// admitted party, validator operator or admin), for multisig signatures, for
// accounts the committed state does not know, or when the memory is off
// (--sig-verify-cache-size 0); CheckTx decides those alone.
func (app *App) PreverifyTx(txBytes []byte) {
	if app.VerifiedSignatures == nil {
		return
	}
	// a read of a version pruned meanwhile panics in the store: then CheckTx
	// verifies, as it would have anyway
	defer func() { _ = recover() }()
	tx, err := app.txConfig.TxDecoder()(txBytes)
	if err != nil {
		return
	}
	signers, sigs, ok := singleSignatures(tx)
	if !ok {
		return
	}
	ctx, ok := app.preverifyContext()
	if !ok {
		return
	}
	ctx = ctx.WithGasMeter(storetypes.NewInfiniteGasMeter()) // each call its own
	keys := make([][32]byte, len(sigs))
	for i, sig := range sigs {
		key, ok := app.preverify(ctx, tx, signers[i], sig)
		if !ok {
			return
		}
		keys[i] = key
	}
	app.VerifiedSignatures.add(keys)
	app.VerifiedSignatures.preverified.Add(1)
	app.prefetch(ctx, tx)
}

// prefetch reads from the last committed state the bill each message of a
// verified transaction names (every bill message has a bill_id), so that the
// block, which reads it again under the ABCI lock, finds it in IAVL's
// fast-node cache rather than in goleveldb: with 120,000 bills a transfer's
// bill was a goleveldb read, 40 % of the handler's time. It only reads — a
// bill the block has changed meanwhile is read again there at its newer
// version — and costs an admitted signer's transaction one read more, off the
// lock.
func (app *App) prefetch(ctx sdk.Context, tx sdk.Tx) {
	for _, msg := range tx.GetMsgs() {
		m, ok := msg.(interface{ GetBillId() string })
		if !ok || m.GetBillId() == "" {
			continue
		}
		if _, err := app.CargoKeeper.Bills.Get(ctx, m.GetBillId()); err == nil {
			app.preverified.prefetched.Add(1)
		}
	}
}

// Prefetched returns how many bills PreverifyTx read ahead of their blocks.
func (app *App) Prefetched() uint64 { return app.preverified.prefetched.Load() }

// preverify verifies one signature against the committed account of signer
// and returns its digest. The sequence is the one the signature claims (a
// sender's later transactions arrive before its earlier ones commit); the key
// is the account's, or for an account's first transaction the one it carries
// for that address.
func (app *App) preverify(ctx sdk.Context, tx sdk.Tx, signer []byte, sig signing.SignatureV2) ([32]byte, bool) {
	if st, _ := app.admission.standing(ctx, signer); st == notAdmitted {
		return [32]byte{}, false
	}
	acc := app.AccountKeeper.GetAccount(ctx, signer)
	if acc == nil || sig.Sequence < acc.GetSequence() {
		return [32]byte{}, false
	}
	pubKey := acc.GetPubKey()
	if pubKey == nil {
		if sig.PubKey == nil || !bytes.Equal(sig.PubKey.Address(), signer) {
			return [32]byte{}, false
		}
		pubKey = sig.PubKey
	}
	signBytes, key, err := signBytesAndDigest(ctx, app.txConfig.SignModeHandler(), tx, sig, authsigning.SignerData{
		Address: acc.GetAddress().String(), ChainID: app.ChainID(), AccountNumber: acc.GetAccountNumber(),
		Sequence: sig.Sequence, PubKey: pubKey,
	})
	if err != nil || !pubKey.VerifySignature(signBytes, sig.Data.(*signing.SingleSignatureData).Signature) {
		return [32]byte{}, false
	}
	return key, true
}

// preverifyState is the read-only view of the last committed state that
// PreverifyTx reads, built once per committed height (a query context costs a
// root read per store) and shared by the goroutines that deliver
// transactions: its cache stores lock their reads, the versions below them
// are immutable.
type preverifyState struct {
	committed  atomic.Int64 // set by Commit
	prefetched atomic.Uint64

	mu     sync.Mutex
	height int64
	ctx    sdk.Context
}

func (app *App) preverifyContext() (sdk.Context, bool) {
	s := &app.preverified
	h := s.committed.Load()
	if h == 0 {
		h = app.LastBlockHeight() // before this process's first Commit
		s.committed.CompareAndSwap(0, h)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.height != h {
		ctx, err := app.CreateQueryContext(h, false)
		if err != nil {
			return sdk.Context{}, false
		}
		s.height, s.ctx = h, ctx
	}
	return s.ctx, true
}

// Commit is BaseApp's; it also tells PreverifyTx and the query store which
// state is now the last committed one.
func (app *App) Commit() (*abci.ResponseCommit, error) {
	if app.queries != nil {
		app.queries.committing()
	}
	res, err := app.BaseApp.Commit()
	if err == nil {
		h := app.LastBlockHeight()
		app.preverified.committed.Store(h)
		if app.queries != nil {
			app.queries.committed(h)
		}
	}
	return res, err
}
