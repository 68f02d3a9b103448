package keeper

import (
	"context"
	"errors"
	"strings"

	"cosmossdk.io/collections"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// CarrierIndex lists each carrier's bills without an entry for most of them.
// A bill's id is its carrier's party code, "-", and the transport document
// reference (types.BillID), so the bills a carrier issued on this zone sit
// side by side in the bills' own key range, under "<code>-": listing them
// needs no index entry, and an issuance writes none (issue 40: one leaf of
// the IAVL tree fewer per issuance; version 2 kept (carrier, bill id) for
// every bill). The index keeps (carrier, bill id) for the others only: a bill
// whose id is not under its carrier's code here — one that arrived over IBC
// or PINT from a carrier registered here under another code, or not at all.
//
// A party's code is fixed once bills carry it (UpdateParty refuses to change
// it), so a bill listed by its range never leaves it. A carrier registered
// after its bills arrived may have entries for bills its range lists too;
// a list skips them there (CarrierBills) and the invariant allows them.
type CarrierIndex struct {
	collections.KeySet[collections.Pair[string, string]]
	parties *collections.IndexedMap[string, types.Party, PartyIndexes]
}

// NewCarrierIndex declares the carrier index; parties are the zone's.
func NewCarrierIndex(sb *collections.SchemaBuilder, parties *collections.IndexedMap[string, types.Party, PartyIndexes]) *CarrierIndex {
	return &CarrierIndex{
		KeySet:  collections.NewKeySet(sb, types.BillsByCarrierKey, "bills_by_carrier", collections.PairKeyCodec(collections.StringKey, collections.StringKey)),
		parties: parties,
	}
}

// ownRange is the start of carrier's range of bill ids ("<code>-"), or ""
// when carrier is not a party of this zone.
func (c *CarrierIndex) ownRange(ctx context.Context, carrier string) (string, error) {
	p, err := c.parties.Get(ctx, carrier)
	switch {
	case isNotFound(err):
		return "", nil
	case err != nil:
		return "", err
	}
	return types.BillID(p.Code, ""), nil
}

// Listed says whether bill id of carrier is listed by its carrier's range,
// so that it needs no entry.
func (c *CarrierIndex) Listed(ctx context.Context, carrier, id string) (bool, error) {
	own, err := c.ownRange(ctx, carrier)
	return own != "" && strings.HasPrefix(id, own), err
}

// Reference implements collections.Index: a new bill gets an entry unless its
// carrier's range lists it; a bill keeps its carrier, and its entry, for good.
func (c *CarrierIndex) Reference(ctx context.Context, id string, b types.Bill, lazyOld func() (types.Bill, error)) error {
	old, err := lazyOld()
	switch {
	case err == nil:
		if old.Carrier == b.Carrier {
			return nil
		}
		if err := c.Remove(ctx, collections.Join(old.Carrier, id)); err != nil {
			return err
		}
	case !isNotFound(err):
		return err
	}
	listed, err := c.Listed(ctx, b.Carrier, id)
	if err != nil || listed {
		return err
	}
	return c.Set(ctx, collections.Join(b.Carrier, id))
}

// Unreference implements collections.Index.
func (c *CarrierIndex) Unreference(ctx context.Context, id string, get func() (types.Bill, error)) error {
	b, err := get()
	if err != nil {
		return err
	}
	return c.Remove(ctx, collections.Join(b.Carrier, id))
}

// carriedCursor walks one part of a carrier's bills: its range of the bills
// (part 1: the bills under its code whose carrier it is) or the carrier
// index (part 2: the entries outside that range), from the id from on if it
// is not empty.
type carriedCursor struct {
	bills *collections.Iterator[string, types.Bill]
	index *collections.KeySetIterator[collections.Pair[string, string]]
	get   func(string) (types.Bill, error)
	keep  func(id string, b *types.Bill) bool
	id    string
	bill  types.Bill
	err   error
}

func (k Keeper) carriedCursor(ctx context.Context, carrier, own string, part byte, from string, reverse bool) (*carriedCursor, error) {
	c := &carriedCursor{}
	if part == 1 {
		if own == "" {
			return c, nil
		}
		rng := new(collections.Range[string]).StartInclusive(own).EndExclusive(string(storetypes.PrefixEndBytes([]byte(own))))
		if from != "" {
			if reverse {
				rng = rng.EndInclusive(from)
			} else {
				rng = rng.StartInclusive(from)
			}
		}
		if reverse {
			rng = rng.Descending()
		}
		it, err := k.Bills.Iterate(ctx, rng)
		if err != nil {
			return nil, err
		}
		c.bills, c.keep = &it, func(_ string, b *types.Bill) bool { return b.Carrier == carrier }
	} else {
		rng := collections.NewPrefixedPairRange[string, string](carrier)
		if from != "" {
			if reverse {
				rng = rng.EndInclusive(from)
			} else {
				rng = rng.StartInclusive(from)
			}
		}
		if reverse {
			rng = rng.Descending()
		}
		it, err := k.Bills.Indexes.Carrier.Iterate(ctx, rng)
		if err != nil {
			return nil, err
		}
		c.index = &it
		c.get = func(id string) (types.Bill, error) { return k.Bills.Get(ctx, id) }
		c.keep = func(id string, _ *types.Bill) bool { return own == "" || !strings.HasPrefix(id, own) }
	}
	c.settle()
	return c, nil
}

// settle moves to the first bill at or after the current position that the
// part lists, and loads it.
func (c *carriedCursor) settle() {
	for c.err == nil {
		switch {
		case c.bills != nil && c.bills.Valid():
			kv, err := c.bills.KeyValue()
			if err != nil {
				c.err = err
				return
			}
			if c.keep(kv.Key, &kv.Value) {
				c.id, c.bill = kv.Key, kv.Value
				return
			}
			c.bills.Next()
		case c.index != nil && c.index.Valid():
			key, err := c.index.Key()
			if err != nil {
				c.err = err
				return
			}
			if c.keep(key.K2(), nil) {
				c.id = key.K2()
				c.bill, c.err = c.get(c.id)
				return
			}
			c.index.Next()
		default:
			c.id = ""
			return
		}
	}
}

func (c *carriedCursor) valid() bool { return c.err == nil && c.id != "" }

func (c *carriedCursor) next() {
	if c.bills != nil {
		c.bills.Next()
	} else {
		c.index.Next()
	}
	c.settle()
}

func (c *carriedCursor) close() {
	if c.bills != nil {
		_ = c.bills.Close()
	}
	if c.index != nil {
		_ = c.index.Close()
	}
}

// CarrierBills pages carrier's bills as query.CollectionPaginate pages a
// collection — by key or offset, limit, count_total, reverse — over its two
// parts one after the other: its range of the bills, then the carrier index
// (CarrierIndex), each in id order. A page key is the part (1 or 2) and the
// bill id to start from.
func (k Keeper) CarrierBills(ctx context.Context, carrier string, req *query.PageRequest) ([]types.Bill, *query.PageResponse, error) {
	if req == nil {
		req = &query.PageRequest{}
	}
	if req.Offset > 0 && req.Key != nil {
		return nil, nil, errors.New("invalid request, either offset or key is expected, got both")
	}
	limit := req.Limit
	if limit == 0 {
		limit = query.DefaultLimit
	}
	parts := []byte{1, 2}
	if req.Reverse {
		parts = []byte{2, 1}
	}
	var from string
	if len(req.Key) > 0 {
		if req.Key[0] != 1 && req.Key[0] != 2 || len(req.Key) == 1 {
			return nil, nil, errors.New("invalid page key: use the next_key of the previous page")
		}
		if req.Key[0] != parts[0] {
			parts = parts[1:]
		}
		from = string(req.Key[1:])
	}
	own, err := k.Bills.Indexes.Carrier.ownRange(ctx, carrier)
	if err != nil {
		return nil, nil, err
	}
	countTotal := req.CountTotal && len(req.Key) == 0
	var (
		out   []types.Bill
		next  []byte
		total uint64
		skip  = req.Offset
	)
	for i, part := range parts {
		if i > 0 {
			from = ""
		}
		c, err := k.carriedCursor(ctx, carrier, own, part, from, req.Reverse)
		if err != nil {
			return nil, nil, err
		}
		for ; c.valid(); c.next() {
			total++
			switch {
			case skip > 0:
				skip--
			case uint64(len(out)) < limit:
				out = append(out, c.bill)
			case next == nil:
				next = append([]byte{part}, c.id...)
			}
			if next != nil && !countTotal {
				break
			}
		}
		c.close()
		if c.err != nil {
			return nil, nil, c.err
		}
		if next != nil && !countTotal {
			break
		}
	}
	page := &query.PageResponse{NextKey: next}
	if countTotal {
		page.Total = total
	}
	return out, page, nil
}

// CarriedIDs are the ids of every bill of carrier, its range's then the
// index's (the track record's "carried").
func (k Keeper) CarriedIDs(ctx context.Context, carrier string) ([]string, error) {
	own, err := k.Bills.Indexes.Carrier.ownRange(ctx, carrier)
	if err != nil {
		return nil, err
	}
	var ids []string
	for part := byte(1); part <= 2; part++ {
		c, err := k.carriedCursor(ctx, carrier, own, part, "", false)
		if err != nil {
			return nil, err
		}
		for ; c.valid(); c.next() {
			ids = append(ids, c.id)
		}
		c.close()
		if c.err != nil {
			return nil, c.err
		}
	}
	return ids, nil
}
