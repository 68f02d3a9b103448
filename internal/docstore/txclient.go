package docstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cosmos/cosmos-sdk/client"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
)

// TxClient is the standalone store's Broadcaster: it signs with a key of the
// operator's keyring (the zone's ROLE_PLATFORM account) and waits for the
// block. Mounted in the gateway, the gateway's own CosmosChain is used
// instead (same interface).
type TxClient struct {
	mu      sync.Mutex
	ctx     client.Context
	txf     clienttx.Factory
	keyName string
	addr    sdk.AccAddress
	ready   bool
}

// NewTxClient prepares signing with keyName from clientCtx's keyring.
func NewTxClient(clientCtx client.Context, keyName, gasPrices string) (*TxClient, error) {
	rec, err := clientCtx.Keyring.Key(keyName)
	if err != nil {
		return nil, fmt.Errorf("docstore key %q: %w", keyName, err)
	}
	addr, err := rec.GetAddress()
	if err != nil {
		return nil, err
	}
	clientCtx = clientCtx.WithFromName(keyName).WithFromAddress(addr).WithFrom(keyName).WithBroadcastMode("sync").WithSkipConfirmation(true)
	txf := clienttx.Factory{}.WithChainID(clientCtx.ChainID).WithKeybase(clientCtx.Keyring).WithFromName(keyName).WithTxConfig(clientCtx.TxConfig).
		WithAccountRetriever(clientCtx.AccountRetriever).WithGasAdjustment(1.5).WithSimulateAndExecute(true).WithGasPrices(gasPrices)
	return &TxClient{ctx: clientCtx, txf: txf, keyName: keyName, addr: addr}, nil
}

// Address is the signing account.
func (c *TxClient) Address() string { return c.addr.String() }

// Broadcast implements Broadcaster.
func (c *TxClient) Broadcast(ctx context.Context, memo string, msgs ...sdk.Msg) (*sdk.TxResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var res *sdk.TxResponse
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if !c.ready {
			if c.txf, err = c.txf.Prepare(c.ctx); err != nil {
				return nil, fmt.Errorf("docstore account %s: %w (registered as ROLE_PLATFORM and funded?)", c.addr, err)
			}
			c.ready = true
		}
		res, err = c.send(ctx, memo, msgs)
		if err != nil && strings.Contains(err.Error(), "account sequence mismatch") {
			c.ready = false
			continue
		}
		break
	}
	if err != nil {
		return nil, err
	}
	return c.wait(ctx, res.TxHash)
}

func (c *TxClient) send(ctx context.Context, memo string, msgs []sdk.Msg) (*sdk.TxResponse, error) {
	txf := c.txf.WithMemo(memo)
	_, gas, err := clienttx.CalculateGas(c.ctx, txf, msgs...)
	if err != nil {
		return nil, err // the simulation runs the messages: a refusal shows here
	}
	b, err := txf.WithGas(gas).BuildUnsignedTx(msgs...)
	if err != nil {
		return nil, err
	}
	if err := clienttx.Sign(ctx, txf.WithGas(gas), c.keyName, b, true); err != nil {
		return nil, err
	}
	raw, err := c.ctx.TxConfig.TxEncoder()(b.GetTx())
	if err != nil {
		return nil, err
	}
	res, err := c.ctx.BroadcastTxSync(raw)
	if err != nil {
		return nil, err
	}
	if res.Code != 0 {
		return nil, fmt.Errorf("tx %s refused (%s/%d): %s", res.TxHash, res.Codespace, res.Code, res.RawLog)
	}
	c.txf = c.txf.WithSequence(c.txf.Sequence() + 1)
	return res, nil
}

func (c *TxClient) wait(ctx context.Context, hash string) (*sdk.TxResponse, error) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := authtx.QueryTx(c.ctx, hash); err == nil {
			if res.Code != 0 {
				return nil, fmt.Errorf("tx %s failed in block %d (%s/%d): %s", hash, res.Height, res.Codespace, res.Code, res.RawLog)
			}
			return res, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
	c.ready = false
	return nil, fmt.Errorf("tx %s not in a block after 60s", hash)
}
