// Package loadgen signs transactions offline and sends them to a CometBFT
// node over RPC, then reads back from the blocks which of them committed, at
// what height and when. It depends on no app: SIGN_MODE_DIRECT is built from
// the raw protobuf messages, so the same code drives tradechaind and a plain
// SDK chain (simd) side by side. The load test and the fault tests use it.
package loadgen

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
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

// Client talks to one node's CometBFT RPC. The hot paths — broadcasting and
// reading blocks — use plain HTTP over kept-alive connections with
// pre-encoded request bodies and minimal response structs, so the generator
// costs the host little next to the node it loads; setup queries use
// CometBFT's RPC client.
type Client struct {
	*rpchttp.HTTP
	base string       // http://host:port
	hc   *http.Client // kept-alive connections for broadcasts and block reads
}

// Dial connects to a node's RPC address (tcp://127.0.0.1:26657).
func Dial(addr string) (*Client, error) {
	c, err := rpchttp.New(addr, "/websocket")
	if err != nil {
		return nil, err
	}
	base := "http://" + strings.TrimPrefix(strings.TrimPrefix(addr, "tcp://"), "http://")
	// CometBFT's RPC server closes a connection idle for its read timeout
	// (10 s); a POST on a connection it already closed fails with EOF and is
	// not retried, so the client lets idle connections go first.
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: 5 * time.Second, DisableCompression: true}
	return &Client{HTTP: c, base: base, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, nil
}

// EncodeBroadcast is the JSON-RPC request that submits tx to the mempool
// (broadcast_tx_sync): build it before the measured window and send it with
// BroadcastBody.
func EncodeBroadcast(tx []byte) []byte {
	b64 := base64.StdEncoding.EncodeToString(tx)
	body := make([]byte, 0, len(b64)+80)
	body = append(body, `{"jsonrpc":"2.0","id":1,"method":"broadcast_tx_sync","params":{"tx":"`...)
	body = append(body, b64...)
	return append(body, `"}}`...)
}

// rpcError is a JSON-RPC error answer.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data"`
}

func (e *rpcError) Error() string {
	return fmt.Sprintf("rpc error %d: %s %s", e.Code, e.Message, e.Data)
}

// BroadcastBody posts a pre-encoded broadcast_tx_sync request and returns
// the CheckTx code and log.
func (c *Client) BroadcastBody(ctx context.Context, body []byte) (uint32, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	var out struct {
		Result struct {
			Code uint32 `json:"code"`
			Log  string `json:"log"`
		} `json:"result"`
		Error *rpcError `json:"error"`
	}
	if err := c.do(req, &out); err != nil {
		return 0, "", err
	}
	if out.Error != nil {
		return 0, "", out.Error
	}
	return out.Result.Code, out.Result.Log, nil
}

// get reads a JSON-RPC GET endpoint (path with its query) into v.
func (c *Client) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return err
	}
	return c.do(req, v)
}

func (c *Client) do(req *http.Request, v any) error {
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body) // let the connection be reused
	return nil
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
	return c.BroadcastBody(ctx, EncodeBroadcast(tx))
}

// Simulate runs tx on the node without committing it (the SDK's
// "/app/simulate" query, what the CLI's --gas auto asks) and returns the gas
// it used.
func (c *Client) Simulate(ctx context.Context, tx []byte) (uint64, error) {
	res, err := c.ABCIQuery(ctx, "/app/simulate", tx)
	if err != nil {
		return 0, err
	}
	if res.Response.Code != 0 {
		return 0, fmt.Errorf("simulate: code %d: %s", res.Response.Code, res.Response.Log)
	}
	var sim struct {
		GasInfo struct {
			GasUsed string `json:"gas_used"`
		} `json:"gas_info"`
	}
	if err := json.Unmarshal(res.Response.Value, &sim); err != nil {
		return 0, fmt.Errorf("simulate: %w", err)
	}
	return strconv.ParseUint(sim.GasInfo.GasUsed, 10, 64)
}

// GasAdjustment is what the load test multiplies a simulation's gas by, as
// a client's --gas-adjustment does: the gas a transaction asks for.
const GasAdjustment = 1.3

// EstimateGas is the gas a asks for to send msgs: it signs them with the
// ceiling at a's sequence (which it then restores), simulates that, and
// returns the gas used times GasAdjustment.
func (c *Client) EstimateGas(ctx context.Context, chainID string, a *Account, ceiling uint64, msgs ...proto.Message) (uint64, error) {
	seq := a.Sequence
	tx, err := Sign(chainID, a, ceiling, sdk.NewCoins(), msgs...)
	a.Sequence = seq
	if err != nil {
		return 0, err
	}
	used, err := c.Simulate(ctx, tx)
	if err != nil {
		return 0, err
	}
	return uint64(float64(used) * GasAdjustment), nil
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
	// DeferResults makes Poll read only /block: the tx codes are read by
	// FillResults later. CometBFT encodes /block_results, events and all, on
	// the node's CPU, so a measurement defers them past its window.
	DeferResults bool
}

// BlockInfo is a block's height, time and number of transactions.
type BlockInfo struct {
	Height int64
	Time   time.Time
	Txs    int
	hashes []string // of its txs, in block order (FillResults matches results to them)
}

// NewTracker starts reading blocks after height from.
func NewTracker(c *Client, from int64) *Tracker {
	return &Tracker{c: c, txs: map[string]Committed{}, next: from + 1}
}

// block is what the tracker reads of /block: the time and the raw txs (their
// hashes are computed here, not asked of the node).
type block struct {
	Result struct {
		Block struct {
			Header struct {
				Time time.Time `json:"time"`
			} `json:"header"`
			Data struct {
				Txs [][]byte `json:"txs"` // base64 in the JSON
			} `json:"data"`
		} `json:"block"`
	} `json:"result"`
	Error *rpcError `json:"error"`
}

// blockResults is what the tracker reads of /block_results: each tx's code
// and log (the events are skipped by the decoder, never built).
type blockResults struct {
	Result struct {
		TxsResults []struct {
			Code uint32 `json:"code"`
			Log  string `json:"log"`
		} `json:"txs_results"`
	} `json:"result"`
	Error *rpcError `json:"error"`
}

// Poll reads every block committed since the last call: it asks for the next
// height until the node says it has none yet. An empty block costs one
// request; a block's results are read only when it has transactions.
func (t *Tracker) Poll(ctx context.Context) error {
	for {
		height := t.next
		var b block
		if err := t.c.get(ctx, fmt.Sprintf("/block?height=%d", height), &b); err != nil || b.Error != nil {
			return nil // not committed (or not served) yet: next time
		}
		var r blockResults
		if txs := b.Result.Block.Data.Txs; len(txs) > 0 && !t.DeferResults {
			if err := t.c.get(ctx, fmt.Sprintf("/block_results?height=%d", height), &r); err != nil || r.Error != nil {
				return nil
			}
		}
		seen := time.Now()
		bt := b.Result.Block.Header.Time
		info := BlockInfo{Height: height, Time: bt, Txs: len(b.Result.Block.Data.Txs)}
		t.mu.Lock()
		for i, tx := range b.Result.Block.Data.Txs {
			c := Committed{Height: height, Time: bt, Seen: seen}
			if i < len(r.Result.TxsResults) {
				c.Code, c.Log = r.Result.TxsResults[i].Code, r.Result.TxsResults[i].Log
			}
			h := Hash(tx)
			t.txs[h] = c
			info.hashes = append(info.hashes, h)
		}
		t.Blocks = append(t.Blocks, info)
		t.mu.Unlock()
		t.next++
	}
}

// FillResults reads the codes and logs of the transactions in every block
// read so far (after a measurement that deferred them).
func (t *Tracker) FillResults(ctx context.Context) error {
	t.mu.Lock()
	blocks := append([]BlockInfo(nil), t.Blocks...)
	t.mu.Unlock()
	for _, bi := range blocks {
		if bi.Txs == 0 {
			continue
		}
		var r blockResults
		if err := t.c.get(ctx, fmt.Sprintf("/block_results?height=%d", bi.Height), &r); err != nil || r.Error != nil {
			return fmt.Errorf("block results %d: %v %v", bi.Height, err, r.Error)
		}
		t.mu.Lock()
		for i, h := range bi.hashes {
			if c, ok := t.txs[h]; ok && i < len(r.Result.TxsResults) {
				c.Code, c.Log = r.Result.TxsResults[i].Code, r.Result.TxsResults[i].Log
				t.txs[h] = c
			}
		}
		t.mu.Unlock()
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
