package docstore

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// Broadcaster signs msgs with the gateway's key (a ROLE_PLATFORM party),
// broadcasts them as one transaction and returns once it is in a block; a
// transaction the chain refused is an error. The gateway's CosmosChain
// (internal/gateway) is the one both the gateway and the standalone store use.
type Broadcaster interface {
	Broadcast(ctx context.Context, memo string, msgs ...sdk.Msg) (*sdk.TxResponse, error)
}

// NodeChain is Chain over a node's gRPC query service and a Broadcaster.
// Access records are batched: requests arriving while a transaction is on
// its way go together into the next one, so 1,000 parallel downloads cost a
// few blocks, not 1,000.
type NodeChain struct {
	chainID, gateway string
	q                cargotypes.QueryClient
	b                Broadcaster
	maxBatch         int

	mu      sync.Mutex
	pending []*accessReq
	wake    chan struct{}
}

type accessReq struct {
	msg  *cargotypes.MsgRecordAccess
	done chan accessResult
}

type accessResult struct {
	r   AccessReceipt
	err error
}

// NewNodeChain starts the access-record batcher; it stops with ctx.
func NewNodeChain(ctx context.Context, chainID, gateway string, q cargotypes.QueryClient, b Broadcaster) *NodeChain {
	c := &NodeChain{chainID: chainID, gateway: gateway, q: q, b: b, maxBatch: 200, wake: make(chan struct{}, 1)}
	go c.run(ctx)
	return c
}

func (c *NodeChain) ChainID() string { return c.chainID }
func (c *NodeChain) Gateway() string { return c.gateway }

func (c *NodeChain) Party(ctx context.Context, addr string) (cargotypes.Party, error) {
	res, err := c.q.Party(ctx, &cargotypes.QueryPartyRequest{Address: addr})
	if err != nil {
		return cargotypes.Party{}, err
	}
	return res.Party, nil
}

func (c *NodeChain) Document(ctx context.Context, hash string) (*cargotypes.QueryDocumentResponse, error) {
	return c.q.Document(ctx, &cargotypes.QueryDocumentRequest{Hash: hash})
}

func (c *NodeChain) Bill(ctx context.Context, id string) (cargotypes.Bill, error) {
	res, err := c.q.Bill(ctx, &cargotypes.QueryBillRequest{Id: id})
	if err != nil {
		return cargotypes.Bill{}, err
	}
	return res.Bill, nil
}

func (c *NodeChain) ConsentCovers(ctx context.Context, id uint64, grantee, hash string) (*cargotypes.QueryConsentCoversResponse, error) {
	return c.q.ConsentCovers(ctx, &cargotypes.QueryConsentCoversRequest{Id: id, Grantee: grantee, Hash: hash})
}

// RecordAccess queues the record for the next transaction and waits for it.
func (c *NodeChain) RecordAccess(ctx context.Context, consentID uint64, grantee, hash string) (AccessReceipt, error) {
	req := &accessReq{
		msg:  &cargotypes.MsgRecordAccess{Platform: c.gateway, ConsentId: consentID, Grantee: grantee, DocumentHash: hash},
		done: make(chan accessResult, 1),
	}
	c.mu.Lock()
	c.pending = append(c.pending, req)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	select {
	case res := <-req.done:
		return res.r, res.err
	case <-ctx.Done():
		// The record may still land; the document is not released.
		return AccessReceipt{}, ctx.Err()
	}
}

func (c *NodeChain) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			c.mu.Lock()
			for _, r := range c.pending {
				r.done <- accessResult{err: errors.New("docstore shutting down")}
			}
			c.pending = nil
			c.mu.Unlock()
			return
		case <-c.wake:
		}
		for {
			c.mu.Lock()
			n := min(len(c.pending), c.maxBatch)
			batch := append([]*accessReq(nil), c.pending[:n]...)
			c.pending = c.pending[n:]
			c.mu.Unlock()
			if len(batch) == 0 {
				break
			}
			c.send(ctx, batch)
		}
	}
}

// send records a batch in one transaction; if the chain refuses it (one
// consent revoked meanwhile refuses the whole transaction), each record is
// sent alone so the others still go through and the refused one is refused.
func (c *NodeChain) send(ctx context.Context, batch []*accessReq) {
	msgs := make([]sdk.Msg, len(batch))
	for i, r := range batch {
		msgs[i] = r.msg
	}
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	res, err := c.b.Broadcast(tctx, "docstore access", msgs...)
	if err != nil && len(batch) > 1 {
		for _, r := range batch {
			c.send(ctx, []*accessReq{r})
		}
		return
	}
	if err != nil {
		batch[0].done <- accessResult{err: err}
		return
	}
	ids, derr := recordIDs(res, len(batch))
	for i, r := range batch {
		rec := AccessReceipt{Height: res.Height, TxHash: res.TxHash}
		if derr == nil {
			rec.RecordID = ids[i]
		}
		r.done <- accessResult{r: rec, err: derr}
	}
}

// recordIDs reads the MsgRecordAccessResponse ids from a transaction result.
func recordIDs(res *sdk.TxResponse, n int) ([]uint64, error) {
	bz, err := hex.DecodeString(res.Data)
	if err != nil {
		return nil, fmt.Errorf("tx %s data: %w", res.TxHash, err)
	}
	var data sdk.TxMsgData
	if err := data.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("tx %s data: %w", res.TxHash, err)
	}
	if len(data.MsgResponses) != n {
		return nil, fmt.Errorf("tx %s has %d message responses, want %d", res.TxHash, len(data.MsgResponses), n)
	}
	ids := make([]uint64, n)
	for i, a := range data.MsgResponses {
		var r cargotypes.MsgRecordAccessResponse
		if err := r.Unmarshal(a.Value); err != nil {
			return nil, err
		}
		ids[i] = r.Id
	}
	return ids, nil
}
