package lightproof_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/crypto/tmhash"
	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	"github.com/cometbft/cometbft/p2p"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtversion "github.com/cometbft/cometbft/proto/tendermint/version"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/cometbft/cometbft/version"

	tctestutil "github.com/tradechain/tradechain/testutil"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
)

// zone is a real tradechain app (in process, its real multistore answering
// abci_query with ICS-23 proofs) whose blocks are sealed by headers that a
// validator set of ed25519 keys signs with CometBFT's own vote and commit
// code, served through the same RPC calls a node answers. The validator
// set is the light client's view of the zone and may change over time.
type zone struct {
	t       testing.TB
	chain   *tctestutil.Chain
	chainID string
	keys    map[string]cmttypes.PrivValidator // by address
	next    *cmttypes.ValidatorSet            // validators of the next header
	pending *cmttypes.ValidatorSet            // a change taking effect after the next header
	headers map[int64]*cmttypes.SignedHeader
	valsAt  map[int64]*cmttypes.ValidatorSet
	lastID  cmttypes.BlockID
	first   int64
}

// pvs makes n deterministic validator keys named seed-0 .. seed-(n-1).
func pvs(seed string, n int) []cmttypes.PrivValidator {
	out := make([]cmttypes.PrivValidator, n)
	for i := range out {
		out[i] = cmttypes.NewMockPVWithParams(ed25519.GenPrivKeyFromSecret([]byte(fmt.Sprintf("%s-%d", seed, i))), false, false)
	}
	return out
}

func valSet(t testing.TB, keys []cmttypes.PrivValidator, power int64) *cmttypes.ValidatorSet {
	var vals []*cmttypes.Validator
	for _, k := range keys {
		pk, err := k.GetPubKey()
		require.NoError(t, err)
		vals = append(vals, cmttypes.NewValidator(pk, power))
	}
	return cmttypes.NewValidatorSet(vals)
}

func newZone(t testing.TB, validators []cmttypes.PrivValidator) *zone {
	c := cargotestutil.NewChain(t)
	z := &zone{t: t, chain: c, chainID: c.ChainID, keys: map[string]cmttypes.PrivValidator{},
		headers: map[int64]*cmttypes.SignedHeader{}, valsAt: map[int64]*cmttypes.ValidatorSet{}}
	z.addKeys(validators)
	z.next = valSet(t, validators, 10)
	z.seal()
	return z
}

func (z *zone) addKeys(keys []cmttypes.PrivValidator) {
	for _, k := range keys {
		pk, err := k.GetPubKey()
		require.NoError(z.t, err)
		z.keys[pk.Address().String()] = k
	}
}

// changeValidators makes vals the zone's validators from the header after
// the next one (the next header announces them in next_validators_hash).
func (z *zone) changeValidators(keys []cmttypes.PrivValidator, power int64) {
	z.addKeys(keys)
	z.pending = valSet(z.t, keys, power)
}

// seal signs the header at the app's next height, carrying the app hash of
// the last committed block; the app's next block runs at that header's time.
func (z *zone) seal() int64 {
	h := z.chain.App.LastBlockHeight() + 1
	if _, done := z.headers[h]; done {
		return h
	}
	vals := z.next
	next := vals
	if z.pending != nil {
		next, z.pending = z.pending, nil
	}
	header := &cmttypes.Header{
		Version:            cmtversion.Consensus{Block: version.BlockProtocol},
		ChainID:            z.chainID,
		Height:             h,
		Time:               z.chain.Time.Add(5 * time.Second),
		LastBlockID:        z.lastID,
		ValidatorsHash:     vals.Hash(),
		NextValidatorsHash: next.Hash(),
		ConsensusHash:      tmhash.Sum([]byte("consensus params")),
		AppHash:            z.chain.App.LastCommitID().Hash,
		LastResultsHash:    tmhash.Sum(nil),
		EvidenceHash:       cmttypes.EvidenceList{}.Hash(),
		DataHash:           cmttypes.Txs{}.Hash(),
		LastCommitHash:     tmhash.Sum([]byte(fmt.Sprint("last commit", h))),
		ProposerAddress:    vals.GetProposer().Address,
	}
	z.headers[h] = signHeader(z.t, header, vals, z.keys, vals.Size())
	z.valsAt[h] = vals
	z.lastID = z.headers[h].Commit.BlockID
	z.next = next
	if z.first == 0 {
		z.first = h
	}
	return h
}

// signHeader has the first n validators of vals (in set order) that have a
// key sign header's precommits, and assembles the commit from the votes as
// CometBFT does (Vote.CommitSig; absent validators NewCommitSigAbsent).
func signHeader(t testing.TB, header *cmttypes.Header, vals *cmttypes.ValidatorSet, keys map[string]cmttypes.PrivValidator, n int) *cmttypes.SignedHeader {
	blockID := cmttypes.BlockID{Hash: header.Hash(), PartSetHeader: cmttypes.PartSetHeader{Total: 1, Hash: tmhash.Sum([]byte(fmt.Sprint("parts", header.Height)))}}
	commit := &cmttypes.Commit{Height: header.Height, Round: 0, BlockID: blockID}
	signed := 0
	for i, v := range vals.Validators {
		k, ok := keys[v.Address.String()]
		if !ok || signed >= n {
			commit.Signatures = append(commit.Signatures, cmttypes.NewCommitSigAbsent())
			continue
		}
		vote := &cmttypes.Vote{Type: cmtproto.PrecommitType, Height: header.Height, Round: 0, BlockID: blockID,
			Timestamp: header.Time.Add(time.Second), ValidatorAddress: v.Address, ValidatorIndex: int32(i)}
		_, err := cmttypes.SignAndCheckVote(vote, k, header.ChainID, false)
		require.NoError(t, err)
		commit.Signatures = append(commit.Signatures, vote.CommitSig())
		signed++
	}
	return &cmttypes.SignedHeader{Header: header, Commit: commit}
}

// block commits an app block (with the txs of fn, delivered through the
// test chain) and seals the header after it.
func (z *zone) block(fn func()) int64 {
	z.seal()
	if fn != nil {
		fn()
	} else {
		z.chain.NextBlock()
	}
	return z.seal()
}

func (z *zone) latest() int64 {
	var hs []int64
	for h := range z.headers {
		hs = append(hs, h)
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i] < hs[j] })
	return hs[len(hs)-1]
}

// node is the zone's RPC as lightproof.Node.
type node struct{ z *zone }

func (n node) Status(context.Context) (*coretypes.ResultStatus, error) {
	return &coretypes.ResultStatus{
		NodeInfo: p2p.DefaultNodeInfo{Network: n.z.chainID},
		SyncInfo: coretypes.SyncInfo{LatestBlockHeight: n.z.latest(), EarliestBlockHeight: n.z.first},
	}, nil
}

func (n node) ABCIQueryWithOptions(ctx context.Context, path string, data cmtbytes.HexBytes, opts rpcclient.ABCIQueryOptions) (*coretypes.ResultABCIQuery, error) {
	res, err := n.z.chain.App.Query(ctx, &abci.RequestQuery{Path: path, Data: data, Height: opts.Height, Prove: opts.Prove})
	if err != nil {
		return nil, err
	}
	return &coretypes.ResultABCIQuery{Response: *res}, nil
}

func (n node) Commit(_ context.Context, height *int64) (*coretypes.ResultCommit, error) {
	sh, ok := n.z.headers[*height]
	if !ok {
		return nil, fmt.Errorf("height %d is not available", *height)
	}
	return coretypes.NewResultCommit(sh.Header, sh.Commit, true), nil
}

func (n node) Validators(_ context.Context, height *int64, page, perPage *int) (*coretypes.ResultValidators, error) {
	vals, ok := n.z.valsAt[*height]
	if !ok {
		return nil, fmt.Errorf("height %d is not available", *height)
	}
	start := (*page - 1) * *perPage
	end := start + *perPage
	if end > vals.Size() {
		end = vals.Size()
	}
	return &coretypes.ResultValidators{BlockHeight: *height, Validators: vals.Copy().Validators[start:end], Count: end - start, Total: vals.Size()}, nil
}
