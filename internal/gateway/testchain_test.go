package gateway

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"

	"github.com/tradechain/tradechain/x/cargo/dcsa"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// testChain is the zone as the gateway's unit tests see it: the cargo
// records the gateway reads and the messages it broadcasts, applied with
// the zone's rules that matter to the gateway (authz grant, registry
// answer, one envelope per last entry checksum). The end-to-end script
// (scripts/e2e-dcsa.sh) runs the gateway against the real zones.
type testChain struct {
	mu        sync.Mutex
	chainID   string
	addr      string
	ownCode   string
	parties   []cargotypes.Party
	bills     map[string]*cargotypes.Bill
	registry  map[string][]cargotypes.RegistryKey
	platforms map[string]cargotypes.EblPlatform
	envelopes map[string]cargotypes.PintEnvelope
	grants    map[string]bool // carrier address → granted to the gateway
	sent      []sdk.Msg       // every message broadcast (MsgExec unwrapped)
	blocks    [][]abci.Event
	history   map[string][]cargotypes.EndorsementChainEntry
	// autoConfirm: a bill issued or imported becomes ISSUED at once (the
	// registry answers within the block); else it stays PENDING.
	autoConfirm bool
	failNext    error
}

func newTestChain(chainID, gatewayAddr, ownCode string) *testChain {
	return &testChain{chainID: chainID, addr: gatewayAddr, ownCode: ownCode, bills: map[string]*cargotypes.Bill{},
		registry: map[string][]cargotypes.RegistryKey{}, platforms: map[string]cargotypes.EblPlatform{},
		envelopes: map[string]cargotypes.PintEnvelope{}, grants: map[string]bool{}, history: map[string][]cargotypes.EndorsementChainEntry{},
		autoConfirm: true}
}

func (c *testChain) Address() string { return c.addr }
func (c *testChain) ChainID() string { return c.chainID }

func (c *testChain) Bill(_ context.Context, id string) (*cargotypes.Bill, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.bills[id]
	if !ok {
		return nil, ErrNotFound
	}
	cp := *b
	return &cp, nil
}

func (c *testChain) BillsByStatus(_ context.Context, st cargotypes.BillStatus) ([]cargotypes.Bill, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []cargotypes.Bill
	for _, b := range c.bills {
		if b.Status == st {
			out = append(out, *b)
		}
	}
	return out, nil
}

func (c *testChain) find(match func(cargotypes.Party) bool) (*cargotypes.Party, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.parties {
		if match(p) {
			p := p
			return &p, nil
		}
	}
	return nil, ErrNotFound
}

func (c *testChain) Party(_ context.Context, a string) (*cargotypes.Party, error) {
	return c.find(func(p cargotypes.Party) bool { return p.Address == a })
}
func (c *testChain) PartyByCode(_ context.Context, code string) (*cargotypes.Party, error) {
	return c.find(func(p cargotypes.Party) bool { return p.Code == code })
}
func (c *testChain) PartyByLEI(_ context.Context, lei string) (*cargotypes.Party, error) {
	return c.find(func(p cargotypes.Party) bool { return lei != "" && p.Lei == lei })
}

func (c *testChain) EndorsementChain(_ context.Context, id string) (*cargotypes.QueryEndorsementChainResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.bills[id]; !ok {
		return nil, ErrNotFound
	}
	return &cargotypes.QueryEndorsementChainResponse{BillId: id, Entries: c.history[id], Complete: true}, nil
}

func (c *testChain) RegistryKey(_ context.Context, hash string) (*cargotypes.QueryRegistryKeyResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return &cargotypes.QueryRegistryKeyResponse{Keys: c.registry[hash]}, nil
}

func (c *testChain) EblPlatform(_ context.Context, code string) (*cargotypes.EblPlatform, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.platforms[code]
	if !ok {
		return nil, ErrNotFound
	}
	return &p, nil
}

func (c *testChain) OwnPlatformCode(context.Context) (string, error) { return c.ownCode, nil }

func (c *testChain) PintEnvelope(_ context.Context, sum string) (*cargotypes.QueryPintEnvelopeResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.envelopes[sum]
	if !ok {
		return nil, ErrNotFound
	}
	return &cargotypes.QueryPintEnvelopeResponse{Envelope: e, Bill: *c.bills[e.BillId]}, nil
}

func (c *testChain) PintEnvelopes(_ context.Context, billID string) ([]cargotypes.PintEnvelope, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []cargotypes.PintEnvelope
	for _, e := range c.envelopes {
		if e.BillId == billID {
			out = append(out, e)
		}
	}
	return out, nil
}

func (c *testChain) LatestHeight(context.Context) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return int64(len(c.blocks)), nil
}

func (c *testChain) BlockEvents(_ context.Context, h int64) ([]abci.Event, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h < 1 || h > int64(len(c.blocks)) {
		return nil, fmt.Errorf("no block %d", h)
	}
	return c.blocks[h-1], nil
}

// emit appends a block holding the typed events.
func (c *testChain) emit(evs ...interface{ ProtoMessage() }) {
	var block []abci.Event
	for _, e := range evs {
		ev, err := sdk.TypedEventToEvent(e.(sdk.Msg))
		if err != nil {
			panic(err)
		}
		block = append(block, abci.Event(ev))
	}
	c.mu.Lock()
	c.blocks = append(c.blocks, block)
	c.mu.Unlock()
}

func (c *testChain) messages() []sdk.Msg {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]sdk.Msg(nil), c.sent...)
}

func (c *testChain) Broadcast(_ context.Context, _ string, msgs ...sdk.Msg) (*sdk.TxResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.failNext; err != nil {
		c.failNext = nil
		return nil, err
	}
	for _, m := range msgs {
		if ex, ok := m.(*authz.MsgExec); ok {
			inner, err := ex.GetMessages()
			if err != nil {
				return nil, err
			}
			for _, im := range inner {
				signer := signerOf(im)
				if !c.grants[signer] {
					return nil, &TxError{Codespace: "authz", Code: 2, Log: "authorization not found: " + signer + " gave the gateway no grant"}
				}
				if err := c.apply(im); err != nil {
					return nil, err
				}
			}
			continue
		}
		if err := c.apply(m); err != nil {
			return nil, err
		}
	}
	return &sdk.TxResponse{TxHash: fmt.Sprintf("TX%d", len(c.sent))}, nil
}

func signerOf(m sdk.Msg) string {
	switch v := m.(type) {
	case *cargotypes.MsgIssueBill:
		return v.Carrier
	case *cargotypes.MsgAcceptSurrender:
		return v.Carrier
	case *cargotypes.MsgRejectSurrender:
		return v.Carrier
	}
	return ""
}

func (c *testChain) apply(m sdk.Msg) error {
	refuse := func(format string, args ...any) error {
		return &TxError{Codespace: "cargo", Code: 99, Log: fmt.Sprintf(format, args...)}
	}
	status := cargotypes.BILL_STATUS_PENDING
	if c.autoConfirm {
		status = cargotypes.BILL_STATUS_ISSUED
	}
	switch v := m.(type) {
	case *cargotypes.MsgIssueBill:
		if err := v.ValidateBasic(); err != nil {
			return refuse("%v", err)
		}
		var code string
		for _, p := range c.parties {
			if p.Address == v.Carrier {
				code = p.Code
			}
		}
		id := cargotypes.BillID(code, v.TransportDocumentReference)
		if _, ok := c.bills[id]; ok {
			return refuse("bill %s already exists", id)
		}
		c.bills[id] = &cargotypes.Bill{Id: id, Carrier: v.Carrier, Holder: v.IssueTo, Type: v.Type, Mode: v.Mode, DocumentHash: v.DocumentHash, Version: 1, Status: status, HomeZone: c.chainID}
		c.history[id] = append(c.history[id], cargotypes.EndorsementChainEntry{Sequence: 1, ActionCode: "ISSUE", Action: "ISSUE", Actor: v.Carrier, Recipient: v.IssueTo, Zone: c.chainID, DocumentHash: v.DocumentHash, Head: "h1", ActionDateTime: time.Now().UTC()})
		c.registry[v.DocumentHash] = []cargotypes.RegistryKey{{Kind: cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, Key: v.DocumentHash, Status: cargotypes.RESERVATION_STATUS_CONFIRMED, HolderZone: c.chainID, Reference: id}}
	case *cargotypes.MsgImportBill:
		if v.Platform != c.addr {
			return refuse("signer is not the platform")
		}
		if _, ok := c.platforms[v.SendingPlatform]; !ok {
			return refuse("platform %s not trusted", v.SendingPlatform)
		}
		last := pint.Checksum(v.TransferChain[len(v.TransferChain)-1])
		if _, ok := c.envelopes[last]; ok {
			return refuse("envelope already imported")
		}
		hash, _ := documentHash(v.TransportDocument)
		id := "IMP-" + last[:8]
		for _, k := range c.registry[hash] {
			if k.HolderZone == c.chainID && k.Reference != "" {
				id = k.Reference
			}
		}
		c.bills[id] = &cargotypes.Bill{Id: id, Holder: v.Recipient, DocumentHash: hash, Version: 1, Status: status, HomeZone: c.chainID}
		seq := uint64(len(c.history[id]) + 1)
		c.envelopes[last] = cargotypes.PintEnvelope{BillId: id, Sequence: seq, Platform: v.SendingPlatform, EnvelopeManifest: v.EnvelopeManifest, TransferChain: v.TransferChain, LastEntryChecksum: last}
		c.history[id] = append(c.history[id], cargotypes.EndorsementChainEntry{Sequence: seq, Action: "IMPORTED", Actor: c.addr, Recipient: v.Recipient, Zone: c.chainID})
	case *cargotypes.MsgConcludeExport:
		b, ok := c.bills[v.BillId]
		if !ok || b.Status != cargotypes.BILL_STATUS_EXPORTING {
			return refuse("bill %s is not exporting", v.BillId)
		}
		j, err := pint.Parse(v.SignedResponse)
		if err != nil {
			return refuse("%v", err)
		}
		var r pint.EnvelopeTransferFinishedResponse
		if err := pint.Decode(j.Payload, &r); err != nil {
			return refuse("%v", err)
		}
		if r.ResponseCode.Accepted() {
			b.Status = cargotypes.BILL_STATUS_EXPORTED
		} else {
			b.Status = cargotypes.BILL_STATUS_ISSUED
		}
		b.Export = &cargotypes.BillExport{ResponseCode: string(r.ResponseCode), SignedResponse: v.SignedResponse, LastEntryChecksum: v.LastEntryChecksum}
	case *cargotypes.MsgAcceptSurrender:
		b := c.bills[v.BillId]
		if b == nil || b.Status != cargotypes.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY {
			return refuse("bill not pending surrender")
		}
		b.Status = cargotypes.BILL_STATUS_SURRENDERED_FOR_DELIVERY
	case *cargotypes.MsgRejectSurrender:
		b := c.bills[v.BillId]
		if b == nil || b.Status != cargotypes.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY {
			return refuse("bill not pending surrender")
		}
		b.Status = cargotypes.BILL_STATUS_ISSUED
	default:
		return refuse("unexpected message %T", m)
	}
	c.sent = append(c.sent, m)
	return nil
}

func documentHash(doc []byte) (string, error) {
	h, err := dcsa.Hash(doc)
	return strings.ToLower(h), err
}
