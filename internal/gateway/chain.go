package gateway

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/cosmos-sdk/client"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/query"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	"github.com/cosmos/cosmos-sdk/x/authz"
	"github.com/cosmos/gogoproto/proto"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// Chain is what the gateway needs from its zone: queries of the cargo
// module, and transactions signed with the gateway's own key (acting for a
// carrier only through the carrier's authz grant).
type Chain interface {
	// Address is the gateway's account (a ROLE_PLATFORM party).
	Address() string
	ChainID() string
	Bill(ctx context.Context, id string) (*cargotypes.Bill, error)
	// BillsByStatus lists the zone's bills in a status (all pages).
	BillsByStatus(ctx context.Context, status cargotypes.BillStatus) ([]cargotypes.Bill, error)
	Party(ctx context.Context, address string) (*cargotypes.Party, error)
	PartyByCode(ctx context.Context, code string) (*cargotypes.Party, error)
	PartyByLEI(ctx context.Context, lei string) (*cargotypes.Party, error)
	EndorsementChain(ctx context.Context, billID string) (*cargotypes.QueryEndorsementChainResponse, error)
	// BillHistory is the bill's hash-linked history on this zone, oldest
	// first (all pages): a bill that came over IBC carries its latest
	// entries, each bound to the head the packet proved.
	BillHistory(ctx context.Context, billID string) ([]cargotypes.HistoryEntry, error)
	RegistryKey(ctx context.Context, hash string) (*cargotypes.QueryRegistryKeyResponse, error)
	// Broadcast signs msgs with the gateway's key, broadcasts them and waits
	// for the block; a transaction the chain refused is a *TxError.
	Broadcast(ctx context.Context, memo string, msgs ...sdk.Msg) (*sdk.TxResponse, error)
	// LatestHeight and BlockEvents let the follower read every block's
	// events (transactions' and finalize-block's) in order.
	LatestHeight(ctx context.Context) (int64, error)
	BlockEvents(ctx context.Context, height int64) ([]abci.Event, error)
	// The zone's PINT registry (x/cargo): trusted platforms and the
	// envelopes bills were imported with.
	EblPlatform(ctx context.Context, code string) (*cargotypes.EblPlatform, error)
	OwnPlatformCode(ctx context.Context) (string, error)
	PintEnvelope(ctx context.Context, lastEntryChecksum string) (*cargotypes.QueryPintEnvelopeResponse, error)
	PintEnvelopes(ctx context.Context, billID string) ([]cargotypes.PintEnvelope, error)
}

// TxError is a transaction the chain refused (at CheckTx or in the block).
type TxError struct {
	Codespace string
	Code      uint32
	Log       string
	TxHash    string
}

func (e *TxError) Error() string {
	return fmt.Sprintf("transaction %s refused (%s/%d): %s", e.TxHash, e.Codespace, e.Code, e.Log)
}

// IsTxRefused reports whether err is a refusal by the chain's rules (as
// opposed to the chain being unreachable); the refusal's log is returned.
func IsTxRefused(err error) (*TxError, bool) {
	var te *TxError
	if errors.As(err, &te) {
		return te, true
	}
	return nil, false
}

// exec wraps msgs into an authz MsgExec by the gateway: the chain runs them
// with the granter's authority if, and only if, the granter's grant to the
// gateway allows them.
func exec(grantee string, msgs ...sdk.Msg) sdk.Msg {
	m := authz.NewMsgExec(sdk.MustAccAddressFromBech32(grantee), msgs)
	return &m
}

// CosmosChain is Chain over a node's CometBFT RPC with the SDK's client
// (queries through ABCI, transactions with the SDK's tx factory and the
// keyring key named in the configuration).
type CosmosChain struct {
	ctx     client.Context
	txf     clienttx.Factory
	keyName string
	addr    sdk.AccAddress
	q       cargotypes.QueryClient

	// mu serialises signing: one sequence, one transaction at a time.
	mu       sync.Mutex
	seqReady bool

	partyMu    sync.Mutex
	partyCache []cargotypes.Party
	partyAt    time.Time
}

// NewCosmosChain builds the chain client. clientCtx must carry the codec,
// tx config, keyring, node client and chain id; keyName is the gateway's key.
func NewCosmosChain(clientCtx client.Context, keyName string, gasPrices string, gasAdjustment float64) (*CosmosChain, error) {
	rec, err := clientCtx.Keyring.Key(keyName)
	if err != nil {
		return nil, fmt.Errorf("gateway key %q: %w", keyName, err)
	}
	addr, err := rec.GetAddress()
	if err != nil {
		return nil, err
	}
	clientCtx = clientCtx.WithFromName(keyName).WithFromAddress(addr).WithFrom(keyName).
		WithBroadcastMode("sync").WithSkipConfirmation(true)
	txf := clienttx.Factory{}.
		WithChainID(clientCtx.ChainID).
		WithKeybase(clientCtx.Keyring).
		WithTxConfig(clientCtx.TxConfig).
		WithAccountRetriever(clientCtx.AccountRetriever).
		WithFromName(keyName).
		WithGasAdjustment(gasAdjustment).
		WithSimulateAndExecute(true).
		WithGasPrices(gasPrices)
	c := &CosmosChain{ctx: clientCtx, txf: txf, keyName: keyName, addr: addr, q: cargotypes.NewQueryClient(clientCtx)}
	return c, nil
}

func (c *CosmosChain) Address() string { return c.addr.String() }
func (c *CosmosChain) ChainID() string { return c.ctx.ChainID }

func notFound(err error) bool {
	if s, ok := status.FromError(err); ok && s.Code() == codes.NotFound {
		return true
	}
	return err != nil && strings.Contains(err.Error(), "not found")
}

func (c *CosmosChain) Bill(ctx context.Context, id string) (*cargotypes.Bill, error) {
	res, err := c.q.Bill(ctx, &cargotypes.QueryBillRequest{Id: id})
	if notFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &res.Bill, nil
}

func (c *CosmosChain) BillsByStatus(ctx context.Context, status cargotypes.BillStatus) ([]cargotypes.Bill, error) {
	var out []cargotypes.Bill
	var key []byte
	for {
		res, err := c.q.Bills(ctx, &cargotypes.QueryBillsRequest{Status: status, Pagination: &query.PageRequest{Key: key, Limit: 200}})
		if err != nil {
			return nil, err
		}
		out = append(out, res.Bills...)
		if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
			return out, nil
		}
		key = res.Pagination.NextKey
	}
}

func (c *CosmosChain) Party(ctx context.Context, address string) (*cargotypes.Party, error) {
	res, err := c.q.Party(ctx, &cargotypes.QueryPartyRequest{Address: address})
	if notFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &res.Party, nil
}

// roster reads the zone's parties (cached for 30 seconds: a zone's roster is
// small and changes by governance).
func (c *CosmosChain) roster(ctx context.Context) ([]cargotypes.Party, error) {
	c.partyMu.Lock()
	defer c.partyMu.Unlock()
	if c.partyCache != nil && time.Since(c.partyAt) < 30*time.Second {
		return c.partyCache, nil
	}
	var all []cargotypes.Party
	var key []byte
	for {
		res, err := c.q.Parties(ctx, &cargotypes.QueryPartiesRequest{Pagination: &query.PageRequest{Key: key, Limit: 200}})
		if err != nil {
			return nil, err
		}
		all = append(all, res.Parties...)
		if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
			break
		}
		key = res.Pagination.NextKey
	}
	c.partyCache, c.partyAt = all, time.Now()
	return all, nil
}

// PartyByCode returns the party with that code.
func (c *CosmosChain) PartyByCode(ctx context.Context, code string) (*cargotypes.Party, error) {
	return c.findParty(ctx, func(p cargotypes.Party) bool { return p.Code == code })
}

// PartyByLEI returns the party with that LEI.
func (c *CosmosChain) PartyByLEI(ctx context.Context, lei string) (*cargotypes.Party, error) {
	return c.findParty(ctx, func(p cargotypes.Party) bool { return lei != "" && p.Lei == lei })
}

func (c *CosmosChain) findParty(ctx context.Context, match func(cargotypes.Party) bool) (*cargotypes.Party, error) {
	all, err := c.roster(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range all {
		if match(p) {
			p := p
			return &p, nil
		}
	}
	return nil, ErrNotFound
}

func (c *CosmosChain) EndorsementChain(ctx context.Context, billID string) (*cargotypes.QueryEndorsementChainResponse, error) {
	res, err := c.q.EndorsementChain(ctx, &cargotypes.QueryEndorsementChainRequest{Id: billID})
	if notFound(err) {
		return nil, ErrNotFound
	}
	return res, err
}

func (c *CosmosChain) BillHistory(ctx context.Context, billID string) ([]cargotypes.HistoryEntry, error) {
	var out []cargotypes.HistoryEntry
	var key []byte
	for {
		res, err := c.q.BillHistory(ctx, &cargotypes.QueryBillHistoryRequest{Id: billID, Pagination: &query.PageRequest{Key: key, Limit: 200}})
		if notFound(err) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		out = append(out, res.Entries...)
		if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
			return out, nil
		}
		key = res.Pagination.NextKey
	}
}

func (c *CosmosChain) RegistryKey(ctx context.Context, hash string) (*cargotypes.QueryRegistryKeyResponse, error) {
	res, err := c.q.RegistryKey(ctx, &cargotypes.QueryRegistryKeyRequest{Hash: hash})
	if notFound(err) {
		return &cargotypes.QueryRegistryKeyResponse{}, nil
	}
	return res, err
}

// Broadcast signs and broadcasts one transaction and waits until it is in a
// block. The account sequence is kept in memory and re-read from the chain
// after any sequence mismatch, so a long-running gateway never needs a
// restart when someone else used its key or a transaction was dropped.
func (c *CosmosChain) Broadcast(ctx context.Context, memo string, msgs ...sdk.Msg) (*sdk.TxResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var res *sdk.TxResponse
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if !c.seqReady {
			txf, perr := c.txf.Prepare(c.ctx)
			if perr != nil {
				return nil, fmt.Errorf("read the gateway account %s: %w (is it funded and registered?)", c.addr, perr)
			}
			c.txf, c.seqReady = txf, true
		}
		res, err = c.signAndSend(ctx, memo, msgs)
		if te, ok := IsTxRefused(err); ok && te.Codespace == sdkerrors.RootCodespace && te.Code == sdkerrors.ErrWrongSequence.ABCICode() {
			c.seqReady = false
			continue
		}
		break
	}
	if err != nil {
		return nil, err
	}
	return c.waitTx(ctx, res.TxHash)
}

func (c *CosmosChain) signAndSend(ctx context.Context, memo string, msgs []sdk.Msg) (*sdk.TxResponse, error) {
	txf := c.txf.WithMemo(memo)
	_, gas, err := clienttx.CalculateGas(c.ctx, txf, msgs...)
	if err != nil {
		// The simulation runs the messages: a refusal by the chain's rules
		// shows here first, with its registered error ("failed to execute
		// message; message index: N: ..."), as does a refusal by the ante
		// handler. Anything else (the node unreachable, the keyring) is not
		// a refusal and is retried.
		msg := err.Error()
		if strings.Contains(msg, "account sequence mismatch") {
			return nil, &TxError{Codespace: sdkerrors.RootCodespace, Code: sdkerrors.ErrWrongSequence.ABCICode(), Log: msg}
		}
		if s, ok := status.FromError(err); ok && (strings.Contains(msg, "message index") || strings.Contains(msg, "unauthorized") ||
			s.Code() == codes.InvalidArgument || s.Code() == codes.PermissionDenied || s.Code() == codes.Unauthenticated) {
			return nil, &TxError{Codespace: "simulate", Code: uint32(s.Code()), Log: s.Message()}
		}
		return nil, fmt.Errorf("simulate the transaction: %w", err)
	}
	txf = txf.WithGas(gas)
	b, err := txf.BuildUnsignedTx(msgs...)
	if err != nil {
		return nil, err
	}
	if err := clienttx.Sign(ctx, txf, c.keyName, b, true); err != nil {
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
		return nil, &TxError{Codespace: res.Codespace, Code: res.Code, Log: res.RawLog, TxHash: res.TxHash}
	}
	c.txf = c.txf.WithSequence(c.txf.Sequence() + 1)
	return res, nil
}

// waitTx polls for the transaction's result (one block is about a second).
func (c *CosmosChain) waitTx(ctx context.Context, hash string) (*sdk.TxResponse, error) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := authtx.QueryTx(c.ctx, hash)
		if err == nil {
			if res.Code != 0 {
				return res, &TxError{Codespace: res.Codespace, Code: res.Code, Log: res.RawLog, TxHash: hash}
			}
			return res, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	// Not in a block within a minute: the next attempt re-reads the
	// sequence (the transaction may still land; every caller is idempotent).
	c.seqReady = false
	return nil, fmt.Errorf("transaction %s not in a block after 60s", hash)
}

func (c *CosmosChain) LatestHeight(ctx context.Context) (int64, error) {
	node, err := c.ctx.GetNode()
	if err != nil {
		return 0, err
	}
	st, err := node.Status(ctx)
	if err != nil {
		return 0, err
	}
	return st.SyncInfo.LatestBlockHeight, nil
}

func (c *CosmosChain) BlockEvents(ctx context.Context, height int64) ([]abci.Event, error) {
	node, err := c.ctx.GetNode()
	if err != nil {
		return nil, err
	}
	res, err := node.BlockResults(ctx, &height)
	if err != nil {
		return nil, err
	}
	var out []abci.Event
	for _, tr := range res.TxsResults {
		if tr.Code == 0 {
			out = append(out, tr.Events...)
		}
	}
	out = append(out, res.FinalizeBlockEvents...)
	return out, nil
}

// typedEvents returns the typed events of the given proto type among evs.
func typedEvents[T proto.Message](evs []abci.Event) []T {
	var zero T
	name := proto.MessageName(zero)
	var out []T
	for _, e := range evs {
		if e.Type != name {
			continue
		}
		m, err := sdk.ParseTypedEvent(e)
		if err != nil {
			continue
		}
		if t, ok := m.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

func (c *CosmosChain) EblPlatform(ctx context.Context, code string) (*cargotypes.EblPlatform, error) {
	res, err := c.q.EblPlatform(ctx, &cargotypes.QueryEblPlatformRequest{Code: code})
	if notFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &res.Platform, nil
}

func (c *CosmosChain) OwnPlatformCode(ctx context.Context) (string, error) {
	res, err := c.q.EblPlatforms(ctx, &cargotypes.QueryEblPlatformsRequest{Pagination: &query.PageRequest{Limit: 1}})
	if err != nil {
		return "", err
	}
	return res.OwnCode, nil
}

func (c *CosmosChain) PintEnvelope(ctx context.Context, lastEntryChecksum string) (*cargotypes.QueryPintEnvelopeResponse, error) {
	res, err := c.q.PintEnvelope(ctx, &cargotypes.QueryPintEnvelopeRequest{LastEntryChecksum: lastEntryChecksum})
	if notFound(err) {
		return nil, ErrNotFound
	}
	return res, err
}

func (c *CosmosChain) PintEnvelopes(ctx context.Context, billID string) ([]cargotypes.PintEnvelope, error) {
	res, err := c.q.PintEnvelopes(ctx, &cargotypes.QueryPintEnvelopesRequest{BillId: billID})
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return res.Envelopes, nil
}
