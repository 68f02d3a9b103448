// Package loadgen signs transactions offline and sends them to a CometBFT
// node over RPC, then reads back from the blocks which of them committed, at
// what height and when. It depends on no app: SIGN_MODE_DIRECT is built from
// the raw protobuf messages, so the same code drives tradechaind and a plain
// SDK chain (simd) side by side. The load test and the fault tests use it.
package loadgen

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/bech32"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
)

// Account is a signing key with its on-chain account number and the next
// sequence to sign with.
type Account struct {
	Priv     *secp256k1.PrivKey
	Number   uint64
	Sequence uint64
}

// FromMnemonic derives the SDK's default key (m/44'/118'/0'/0/0).
func FromMnemonic(mnemonic string) (*Account, error) {
	bz, err := hd.Secp256k1.Derive()(mnemonic, "", sdk.FullFundraiserPath)
	if err != nil {
		return nil, err
	}
	return &Account{Priv: &secp256k1.PrivKey{Key: bz}}, nil
}

// FromSecret makes a deterministic key from a secret (test accounts).
func FromSecret(secret string) *Account {
	return &Account{Priv: secp256k1.GenPrivKeyFromSecret([]byte(secret))}
}

// Address is the account's address bytes.
func (a *Account) Address() sdk.AccAddress { return sdk.AccAddress(a.Priv.PubKey().Address()) }

// Bech32 is the account's address with the chain's prefix.
func (a *Account) Bech32(prefix string) string {
	s, err := bech32.ConvertAndEncode(prefix, a.Address())
	if err != nil {
		panic(err)
	}
	return s
}

// Sign builds a SIGN_MODE_DIRECT transaction of msgs signed by a at its
// current sequence, and advances the sequence.
func Sign(chainID string, a *Account, gas uint64, fee sdk.Coins, msgs ...proto.Message) ([]byte, error) {
	anys := make([]*types.Any, len(msgs))
	for i, m := range msgs {
		any, err := types.NewAnyWithValue(m)
		if err != nil {
			return nil, err
		}
		anys[i] = any
	}
	body, err := proto.Marshal(&txtypes.TxBody{Messages: anys})
	if err != nil {
		return nil, err
	}
	pk, err := types.NewAnyWithValue(a.Priv.PubKey())
	if err != nil {
		return nil, err
	}
	authInfo, err := proto.Marshal(&txtypes.AuthInfo{
		SignerInfos: []*txtypes.SignerInfo{{
			PublicKey: pk,
			ModeInfo:  &txtypes.ModeInfo{Sum: &txtypes.ModeInfo_Single_{Single: &txtypes.ModeInfo_Single{Mode: signing.SignMode_SIGN_MODE_DIRECT}}},
			Sequence:  a.Sequence,
		}},
		Fee: &txtypes.Fee{Amount: fee, GasLimit: gas},
	})
	if err != nil {
		return nil, err
	}
	doc, err := proto.Marshal(&txtypes.SignDoc{BodyBytes: body, AuthInfoBytes: authInfo, ChainId: chainID, AccountNumber: a.Number})
	if err != nil {
		return nil, err
	}
	sig, err := a.Priv.Sign(doc)
	if err != nil {
		return nil, err
	}
	a.Sequence++
	return proto.Marshal(&txtypes.TxRaw{BodyBytes: body, AuthInfoBytes: authInfo, Signatures: [][]byte{sig}})
}

// Hash is the CometBFT hash of a transaction, as the upper-case hex that
// RPC and the CLI print.
func Hash(tx []byte) string { return strings.ToUpper(hex.EncodeToString(cmttypes.Tx(tx).Hash())) }

// Client talks to one node's CometBFT RPC.
type Client struct{ *rpchttp.HTTP }

// Dial connects to a node's RPC address (tcp://127.0.0.1:26657).
func Dial(addr string) (*Client, error) {
	c, err := rpchttp.New(addr, "/websocket")
	if err != nil {
		return nil, err
	}
	return &Client{c}, nil
}

// Height is the node's latest committed height, or 0 if it does not answer.
func (c *Client) Height(ctx context.Context) int64 {
	st, err := c.Status(ctx)
	if err != nil {
		return 0
	}
	return st.SyncInfo.LatestBlockHeight
}

// Broadcast submits a tx to the node's mempool (CheckTx) and returns the
// CheckTx code and log.
func (c *Client) Broadcast(ctx context.Context, tx []byte) (uint32, string, error) {
	res, err := c.BroadcastTxSync(ctx, tx)
	if err != nil {
		return 0, "", err
	}
	return res.Code, res.Log, nil
}

// Account reads an account's number and sequence over ABCI query, so that it
// works on any SDK chain whatever its REST settings.
func (c *Client) Account(ctx context.Context, bech32Addr string) (number, sequence uint64, err error) {
	req, err := proto.Marshal(&authtypes.QueryAccountRequest{Address: bech32Addr})
	if err != nil {
		return 0, 0, err
	}
	res, err := c.ABCIQuery(ctx, "/cosmos.auth.v1beta1.Query/Account", req)
	if err != nil {
		return 0, 0, err
	}
	if res.Response.Code != 0 {
		return 0, 0, fmt.Errorf("query account %s: %s", bech32Addr, res.Response.Log)
	}
	var out authtypes.QueryAccountResponse
	if err := proto.Unmarshal(res.Response.Value, &out); err != nil {
		return 0, 0, err
	}
	var acc authtypes.BaseAccount
	if err := proto.Unmarshal(out.Account.Value, &acc); err != nil {
		return 0, 0, err
	}
	return acc.AccountNumber, acc.Sequence, nil
}

// Committed is where and when a tx landed.
type Committed struct {
	Height int64
	Time   time.Time // block time (the proposer's clock)
	Seen   time.Time // when the tracker read the block (this host's clock)
	Code   uint32
	Log    string
}

// Tracker reads every new block and records its transactions by hash.
type Tracker struct {
	c    *Client
	mu   sync.Mutex
	txs  map[string]Committed
	next int64
	// Blocks counts blocks read, with their tx counts.
	Blocks []BlockInfo
}

// BlockInfo is a block's height, time and number of transactions.
type BlockInfo struct {
	Height int64
	Time   time.Time
	Txs    int
}

// NewTracker starts reading blocks after height from.
func NewTracker(c *Client, from int64) *Tracker {
	return &Tracker{c: c, txs: map[string]Committed{}, next: from + 1}
}

// Poll reads all blocks committed since the last call. A block whose results
// the node has not stored yet is read on the next call.
func (t *Tracker) Poll(ctx context.Context) error {
	h := t.c.Height(ctx)
	for t.next <= h {
		height := t.next
		b, err := t.c.Block(ctx, &height)
		if err != nil {
			return nil // not served yet: next time
		}
		r, err := t.c.BlockResults(ctx, &height)
		if err != nil {
			return nil
		}
		seen := time.Now()
		t.mu.Lock()
		for i, tx := range b.Block.Data.Txs {
			c := Committed{Height: height, Time: b.Block.Time, Seen: seen}
			if i < len(r.TxsResults) {
				c.Code, c.Log = r.TxsResults[i].Code, r.TxsResults[i].Log
			}
			t.txs[Hash(tx)] = c
		}
		t.Blocks = append(t.Blocks, BlockInfo{Height: height, Time: b.Block.Time, Txs: len(b.Block.Data.Txs)})
		t.mu.Unlock()
		t.next++
	}
	return nil
}

// Run polls every interval until ctx ends.
func (t *Tracker) Run(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		_ = t.Poll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Get returns where a tx committed.
func (t *Tracker) Get(hash string) (Committed, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.txs[hash]
	return c, ok
}

// WaitAll polls until every tx of hashes is in a block, and fails if one of
// them failed there or if some are still missing after timeout.
func (t *Tracker) WaitAll(ctx context.Context, hashes []string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if err := t.Poll(ctx); err != nil {
			return err
		}
		missing := 0
		for _, h := range hashes {
			c, ok := t.Get(h)
			if !ok {
				missing++
			} else if c.Code != 0 {
				return fmt.Errorf("tx %s failed in block %d: %s", h, c.Height, c.Log)
			}
		}
		if missing == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d transactions not committed within %s", missing, len(hashes), timeout)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// Count is the number of transactions seen in blocks.
func (t *Tracker) Count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.txs)
}
