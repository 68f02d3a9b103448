package gateway

import (
	"context"
	"encoding/json"
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
	// hist is the bills' hash-linked history (what BillHistory answers).
	hist map[string][]cargotypes.HistoryEntry
	// autoConfirm: a bill issued or imported becomes ISSUED at once (the
	// registry answers within the block); else it stays PENDING.
	autoConfirm bool
	failNext    error
}

func newTestChain(chainID, gatewayAddr, ownCode string) *testChain {
	return &testChain{chainID: chainID, addr: gatewayAddr, ownCode: ownCode, bills: map[string]*cargotypes.Bill{},
		registry: map[string][]cargotypes.RegistryKey{}, platforms: map[string]cargotypes.EblPlatform{},
		envelopes: map[string]cargotypes.PintEnvelope{}, grants: map[string]bool{}, history: map[string][]cargotypes.EndorsementChainEntry{},
		hist: map[string][]cargotypes.HistoryEntry{}, autoConfirm: true}
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

func (c *testChain) BillHistory(_ context.Context, id string) ([]cargotypes.HistoryEntry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.bills[id]; !ok {
		return nil, ErrNotFound
	}
	return append([]cargotypes.HistoryEntry(nil), c.hist[id]...), nil
}

// record appends e to the bill's hash-linked history as the zone does (the
// next sequence, chained to the bill's head) and moves the bill's head.
// Call with c.mu held.
func (c *testChain) record(id string, e cargotypes.HistoryEntry) cargotypes.HistoryEntry {
	b := c.bills[id]
	prev := b.HistoryHead
	if prev == "" {
		prev = cargotypes.GenesisHead
	}
	e.BillId, e.Sequence, e.PrevHead, e.ChainId, e.Time = id, b.HistoryLen+1, prev, c.chainID, time.Now().UTC()
	e.Head = cargotypes.ChainHead(prev, e)
	c.hist[id] = append(c.hist[id], e)
	b.HistoryHead, b.HistoryLen = e.Head, e.Sequence
	c.history[id] = append(c.history[id], cargotypes.EndorsementChainEntry{Sequence: e.Sequence, ActionCode: map[string]string{"ISSUE": "ISSUE", "TRANSFER": "TRANSFER"}[e.Action],
		Action: e.Action, Actor: e.Actor, Recipient: e.To, Zone: c.chainID, DocumentHash: e.DocumentHash, Head: e.Head, ActionDateTime: e.Time})
	return e
}

// sendBillTo moves a bill to another test zone as IBC does: a SEND entry
// here, the bill and its latest history entries (with their PINT records)
// carried to the other zone, where a RECEIVE entry continues the chain.
func (c *testChain) sendBillTo(to *testChain, id, receiver string) {
	c.mu.Lock()
	b := c.bills[id]
	c.record(id, cargotypes.HistoryEntry{Action: "SEND", Actor: b.Holder, From: b.Holder, To: receiver, DocumentHash: b.DocumentHash})
	b.Status = cargotypes.BILL_STATUS_TRANSFERRED_OUT
	moved := *b
	carried := append([]cargotypes.HistoryEntry(nil), c.hist[id]...)
	chain := append([]cargotypes.EndorsementChainEntry(nil), c.history[id]...)
	c.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	moved.Status, moved.Holder = cargotypes.BILL_STATUS_ISSUED, receiver
	to.bills[id] = &moved
	to.hist[id], to.history[id] = carried, chain
	to.record(id, cargotypes.HistoryEntry{Action: "RECEIVE", Actor: receiver, To: receiver, DocumentHash: moved.DocumentHash})
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
		c.record(id, cargotypes.HistoryEntry{Action: "ISSUE", Actor: v.Carrier, To: v.IssueTo, DocumentHash: v.DocumentHash})
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
		prev := c.bills[id]
		var head struct {
			CarrierCode string `json:"carrierCode"`
		}
		_ = json.Unmarshal(v.TransportDocument, &head)
		var carrier string
		for _, p := range c.parties {
			if p.Code == head.CarrierCode {
				carrier = p.Address
			}
		}
		c.bills[id] = &cargotypes.Bill{Id: id, Carrier: carrier, Holder: v.Recipient, DocumentHash: hash, Version: 1, Status: status, HomeZone: c.chainID}
		if prev != nil {
			c.bills[id].Carrier, c.bills[id].HistoryHead, c.bills[id].HistoryLen = prev.Carrier, prev.HistoryHead, prev.HistoryLen
		}
		sums := make([]string, len(v.TransferChain))
		for i, e := range v.TransferChain {
			sums[i] = pint.Checksum(e)
		}
		e := c.record(id, cargotypes.HistoryEntry{Action: cargotypes.ActionImported, Actor: c.addr, To: v.Recipient, DocumentHash: hash,
			Pint: &cargotypes.PintRecord{Platform: v.SendingPlatform, TransportDocumentChecksum: hash, LastEntryChecksum: last, EntryChecksums: sums}})
		c.envelopes[last] = cargotypes.PintEnvelope{BillId: id, Sequence: e.Sequence, Platform: v.SendingPlatform, EnvelopeManifest: v.EnvelopeManifest,
			TransferChain: v.TransferChain, LastEntryChecksum: last, EntryChecksums: sums}
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
