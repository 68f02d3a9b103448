package lightproof

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	"github.com/cometbft/cometbft/light"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// StoreQueryPath is the ABCI query path of a raw key of the cargo store:
// the SDK's multistore serves it, with an ICS-23 proof when asked.
var StoreQueryPath = "/store/" + types.StoreKey + "/key"

// Node is the part of a zone's CometBFT RPC a prover uses (the SDK's
// client.CometRPC and CometBFT's HTTP client satisfy it).
type Node interface {
	ABCIQueryWithOptions(ctx context.Context, path string, data cmtbytes.HexBytes, opts rpcclient.ABCIQueryOptions) (*coretypes.ResultABCIQuery, error)
	Commit(ctx context.Context, height *int64) (*coretypes.ResultCommit, error)
	Validators(ctx context.Context, height *int64, page, perPage *int) (*coretypes.ResultValidators, error)
	Status(ctx context.Context) (*coretypes.ResultStatus, error)
}

// ProveOptions are the prover's parameters.
type ProveOptions struct {
	// Height is the state height to prove (0: the latest whose app hash is
	// signed, i.e. the latest block - 1).
	Height int64
	// TrustRoot is the verifier's root, if known: a pinned header (its
	// header is fetched and checked) or a validator set. Nil: the node's
	// earliest block is the bundle's root header.
	TrustRoot *TrustRoot
	// Verify is used to choose intermediate headers (skipping verification
	// as the verifier will run it: bisect where the trusted set's overlap
	// is under the trust level).
	Verify Options
}

// Prove asks node for kind's record of subject with its proof and builds a
// bundle. The bundle is checked with Verify before it is returned when the
// root is a pinned header, so a prover never hands out a bundle that fails.
func Prove(ctx context.Context, node Node, kind string, subject Subject, opts ProveOptions) (*Bundle, error) {
	key, err := ExpectedKey(kind, subject)
	if err != nil {
		return nil, err
	}
	st, err := node.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("node status: %w", err)
	}
	chainID := st.NodeInfo.Network
	h := opts.Height
	if h == 0 {
		h = st.SyncInfo.LatestBlockHeight - 1
	}
	if h <= 0 {
		return nil, fmt.Errorf("the zone has no signed state yet (latest block %d)", st.SyncInfo.LatestBlockHeight)
	}
	if h+1 > st.SyncInfo.LatestBlockHeight {
		return nil, fmt.Errorf("height %d: its app hash is in the header at %d, which the zone has not made yet (latest %d)", h, h+1, st.SyncInfo.LatestBlockHeight)
	}
	res, err := node.ABCIQueryWithOptions(ctx, StoreQueryPath, key, rpcclient.ABCIQueryOptions{Height: h, Prove: true})
	if err != nil {
		return nil, fmt.Errorf("abci_query %s: %w", StoreQueryPath, err)
	}
	r := res.Response
	if r.Code != 0 {
		return nil, fmt.Errorf("abci_query %s at height %d: code %d: %s", StoreQueryPath, h, r.Code, r.Log)
	}
	if r.Height != h || !bytes.Equal(r.Key, key) || r.ProofOps == nil {
		return nil, fmt.Errorf("abci_query answered for height %d key %x with proof %v; asked height %d key %x with a proof", r.Height, r.Key, r.ProofOps != nil, h, key)
	}
	b := &Bundle{
		Version: Version, ChainID: chainID, Kind: kind, Subject: subject, Store: types.StoreKey,
		Key: key, Height: h, CreatedAt: time.Now().UTC().Truncate(time.Second), Intermediates: []LightBlock{},
	}
	if len(r.Value) > 0 {
		b.Record = r.Value
	}
	for _, op := range r.ProofOps.Ops {
		b.ProofOps = append(b.ProofOps, ProofOp{Type: op.Type, Key: op.Key, Data: op.Data})
	}

	p := &prover{node: node, chainID: chainID, opts: opts.Verify.withDefaults()}
	target, err := p.lightBlock(ctx, h+1)
	if err != nil {
		return nil, err
	}
	b.SignedHeader, b.ValidatorSet = target.json.SignedHeader, target.json.ValidatorSet

	rootHeight := st.SyncInfo.EarliestBlockHeight
	if rootHeight < 1 {
		rootHeight = 1
	}
	root := opts.TrustRoot
	if root != nil {
		if root.ChainID != chainID {
			return nil, types.ErrUntrustedRoot.Wrapf("the node serves chain %q, the trust root is for %q", chainID, root.ChainID)
		}
		rootHeight = root.Height
	}
	if rootHeight > h+1 {
		return nil, types.ErrUntrustedRoot.Wrapf("the trust root's height %d is above the proved header's %d", rootHeight, h+1)
	}
	rootLB, err := p.lightBlock(ctx, rootHeight)
	if err != nil {
		return nil, err
	}
	if root != nil && root.Hash != "" {
		want, _ := hex.DecodeString(root.Hash)
		if !bytes.Equal(rootLB.sh.Hash(), want) {
			return nil, types.ErrUntrustedRoot.Wrapf("the node's header at height %d is %X, not the trust root's %s: this node serves another chain", rootHeight, rootLB.sh.Hash(), root.Hash)
		}
	}
	b.TrustRoot = &rootLB.json
	if rootHeight < h+1 {
		mids, err := p.bisect(ctx, rootLB, target)
		if err != nil {
			return nil, err
		}
		for _, m := range mids {
			b.Intermediates = append(b.Intermediates, m.json)
		}
	}
	if root != nil {
		if _, err := Verify(b, root, opts.Verify); err != nil {
			return nil, fmt.Errorf("the bundle made from the node's answers does not verify: %w", err)
		}
	}
	return b, nil
}

type lightBlock struct {
	sh   *cmttypes.SignedHeader
	vals *cmttypes.ValidatorSet
	json LightBlock
}

type prover struct {
	node    Node
	chainID string
	opts    Options
}

// lightBlock fetches the signed header and the whole validator set of height.
func (p *prover) lightBlock(ctx context.Context, height int64) (lightBlock, error) {
	c, err := p.node.Commit(ctx, &height)
	if err != nil {
		return lightBlock{}, fmt.Errorf("commit at height %d: %w", height, err)
	}
	if c.SignedHeader.Header == nil || c.SignedHeader.Commit == nil || c.SignedHeader.Height != height {
		return lightBlock{}, fmt.Errorf("commit at height %d: the node answered without a signed header of that height", height)
	}
	all := &coretypes.ResultValidators{BlockHeight: height}
	perPage := 100
	for page := 1; ; page++ {
		pg := page
		v, err := p.node.Validators(ctx, &height, &pg, &perPage)
		if err != nil {
			return lightBlock{}, fmt.Errorf("validators at height %d: %w", height, err)
		}
		all.Validators = append(all.Validators, v.Validators...)
		all.Total = v.Total
		if len(v.Validators) == 0 || len(all.Validators) >= v.Total {
			break
		}
	}
	all.Count = len(all.Validators)
	lb := LightBlock{SignedHeader: mustJSON(c.SignedHeader), ValidatorSet: mustJSON(all)}
	sh, vals, err := decodeLightBlock(p.chainID, lb.SignedHeader, lb.ValidatorSet)
	if err != nil {
		return lightBlock{}, fmt.Errorf("the node's header at height %d: %w", height, err)
	}
	return lightBlock{sh: sh, vals: vals, json: lb}, nil
}

// bisect returns the headers strictly between trusted and target that
// skipping verification needs, as CometBFT's light client bisects.
func (p *prover) bisect(ctx context.Context, trusted, target lightBlock) ([]lightBlock, error) {
	err := light.Verify(trusted.sh, trusted.vals, target.sh, target.vals, p.opts.TrustingPeriod, p.opts.Now, p.opts.MaxClockDrift, p.opts.TrustLevel)
	var notTrusted light.ErrNewValSetCantBeTrusted
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &notTrusted) && target.sh.Height-trusted.sh.Height > 1:
		mid, err := p.lightBlock(ctx, trusted.sh.Height+(target.sh.Height-trusted.sh.Height)/2)
		if err != nil {
			return nil, err
		}
		before, err := p.bisect(ctx, trusted, mid)
		if err != nil {
			return nil, err
		}
		after, err := p.bisect(ctx, mid, target)
		if err != nil {
			return nil, err
		}
		return append(append(before, mid), after...), nil
	default:
		return nil, types.ErrUntrustedRoot.Wrapf("header at height %d from height %d: %v", target.sh.Height, trusted.sh.Height, err)
	}
}
