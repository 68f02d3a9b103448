package keeper

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// HolderIndex indexes bills by (party, bill id) for every party that has
// been a bill's holder on this zone, and for its shipper. The entry's value
// says whether the party holds the bill now (one entry per bill: tombstones
// under the empty holder) or not (it held the bill before, or only shipped
// it). A party leaving a bill keeps its entry: the change of holder
// overwrites it as "not now" where the index used to delete it, so a
// transfer writes the same two index keys as before (the old holder's, the
// new holder's — TestTransferBillWriteSet) and the track record finds every
// bill a party shipped, received and passed on in one range. The empty
// holder (a tombstone) keeps no past.
//
// The shipper shares the holders' entries (issue 40): a bill is issued to
// its shipper, so an issuance writes one entry — the shipper's "holds now" —
// where a separate index of shippers wrote a second key at a place of its
// own in the tree. Only a bill that arrives (over IBC or PINT) in other
// hands than its shipper's gives the shipper an entry of its own.
//
// "Holds now" is stored as the empty value, the bytes of a version-2 entry
// (a key set), so the current-holder entries need no rewrite in the v3
// upgrade; only the past holders and the shippers are added
// (backfillHolders).
type HolderIndex struct {
	collections.Map[collections.Pair[string, string], bool]
}

// NewHolderIndex builds the index under types.BillsByHolderKey.
func NewHolderIndex(sb *collections.SchemaBuilder) *HolderIndex {
	return &HolderIndex{collections.NewMap(sb, types.BillsByHolderKey, "bills_by_holder",
		collections.PairKeyCodec(collections.StringKey, collections.StringKey), holdsNowValue{})}
}

// Reference implements collections.Index.
func (i *HolderIndex) Reference(ctx context.Context, id string, b types.Bill, lazyOld func() (types.Bill, error)) error {
	old, err := lazyOld()
	switch {
	case err == nil:
		if old.Shipper != b.Shipper {
			if err := i.shipped(ctx, id, b); err != nil {
				return err
			}
		}
		if old.Holder == b.Holder {
			return nil
		}
		if old.Holder == "" {
			err = i.Remove(ctx, collections.Join(old.Holder, id))
		} else {
			err = i.Set(ctx, collections.Join(old.Holder, id), false)
		}
		if err != nil {
			return err
		}
	case isNotFound(err):
		if err := i.shipped(ctx, id, b); err != nil {
			return err
		}
	default:
		return err
	}
	return i.Set(ctx, collections.Join(b.Holder, id), true)
}

// shipped gives bill b's shipper its entry when the shipper is not the
// holder (whose entry says "holds now"): "not now" — whatever else the entry
// said, it cannot have been "holds now", which only the holder's says.
func (i *HolderIndex) shipped(ctx context.Context, id string, b types.Bill) error {
	if b.Shipper == "" || b.Shipper == b.Holder {
		return nil
	}
	return i.Set(ctx, collections.Join(b.Shipper, id), false)
}

// Unreference implements collections.Index: the bill's current entry goes
// (its past holders are the caller's: forgetHolders).
func (i *HolderIndex) Unreference(ctx context.Context, id string, getValue func() (types.Bill, error)) error {
	b, err := getValue()
	if err != nil {
		return err
	}
	return i.Remove(ctx, collections.Join(b.Holder, id))
}

// HoldsNow says whether holder is bill id's holder by the index.
func (i *HolderIndex) HoldsNow(ctx context.Context, holder, id string) (bool, error) {
	now, err := i.Get(ctx, collections.Join(holder, id))
	if isNotFound(err) {
		return false, nil
	}
	return now, err
}

// holdsNowValue is the index's value codec: empty = holds now, {1} = held
// before or shipped only.
type holdsNowValue struct{}

var heldBefore = []byte{1}

func (holdsNowValue) Encode(now bool) ([]byte, error) {
	if now {
		return []byte{}, nil
	}
	return heldBefore, nil
}

func (holdsNowValue) Decode(b []byte) (bool, error) {
	switch {
	case len(b) == 0:
		return true, nil
	case len(b) == 1 && b[0] == heldBefore[0]:
		return false, nil
	}
	return false, fmt.Errorf("holder index entry %x: want empty (holds now) or 01 (held before)", b)
}

func (holdsNowValue) EncodeJSON(now bool) ([]byte, error) {
	return []byte(strconv.FormatBool(now)), nil
}

func (holdsNowValue) DecodeJSON(b []byte) (bool, error) { return strconv.ParseBool(string(b)) }

func (holdsNowValue) Stringify(now bool) string {
	if now {
		return "holds now"
	}
	return "held before"
}

func (holdsNowValue) ValueType() string { return "tradechain/cargo/holds_now" }

// controlActions are the history actions that make their entry's `to` the
// bill's holder on the zone that records them: issuance (a new bill, a
// split's or combination's replacement, a PINT import), the moves between
// holders, an arrival over IBC and a return to its sender, control back to
// the carrier on surrender, and an amended bill back to its holder.
var controlActions = map[string]bool{
	ActionIssue: true, types.ActionImported: true, ActionReceive: true, ActionReturn: true, ActionReturnRefused: true, ActionReturnTimeout: true,
	ActionTransfer: true, ActionEndorse: true, ActionRejectTransfer: true, ActionRejectEndorsement: true, ActionLienTransfer: true,
	ActionSurrenderAccepted: true, ActionAmend: true,
}

// recordedHere says whether history entry e was recorded on this zone (an
// entry carried over IBC keeps the zone that recorded it; the oldest entries
// name none).
func recordedHere(ctx context.Context, e types.HistoryEntry) bool {
	return e.ChainId == "" || e.ChainId == sdk.UnwrapSDKContext(ctx).ChainID()
}

// holdersOf are the parties the holder index lists for bill b: those that
// have been its holder on this zone, by its history (the entries recorded
// here that gave it a holder), its holder now, the holder who sent it away,
// and its shipper. Sorted, without the empty holder.
func holdersOf(ctx context.Context, b types.Bill, history []types.HistoryEntry) []string {
	var out []string
	for _, e := range history {
		if controlActions[e.Action] && e.To != "" && recordedHere(ctx, e) {
			out = append(out, e.To)
		}
	}
	for _, p := range []string{b.Holder, b.DepartedHolder, b.Shipper} {
		if p != "" {
			out = append(out, p)
		}
	}
	return dedupSorted(out)
}

// billHistory is everything this zone recorded of bill id, in order: the
// history of each tombstone of it archived when the bill came back after
// continuing on the other zone (handback.go), then its live history. The
// holder index and the track record read it: the parties that held the bill
// here before it left still held it.
func (k Keeper) billHistory(ctx context.Context, id string) ([]types.HistoryEntry, error) {
	archived, err := k.handedOverHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	live, err := k.liveHistory(ctx, id)
	if err != nil || len(archived) == 0 {
		return live, err
	}
	out := make([]types.HistoryEntry, 0, len(archived)+len(live))
	for _, a := range archived {
		out = append(out, a.Entry)
	}
	return append(out, live...), nil
}

// liveHistory is bill id's stored history (the live record's), in order.
func (k Keeper) liveHistory(ctx context.Context, id string) ([]types.HistoryEntry, error) {
	it, err := k.History.Iterate(ctx, collections.NewPrefixedPairRange[string, uint64](id))
	if err != nil {
		return nil, err
	}
	return it.Values()
}

// backfillHolders adds to the holder index every party that held a bill
// before and holds it no more, from the bills' histories, and every bill's
// shipper: the v3 upgrade (Migrate2to3, a version-2 index kept only the
// holders now) and genesis import (the index is not exported). It returns
// how many entries it added.
func (k Keeper) backfillHolders(ctx context.Context) (int, error) {
	type entry struct{ party, id string }
	var add []entry
	// Read everything first, write after: no write under an open iterator.
	err := k.Bills.Walk(ctx, nil, func(id string, b types.Bill) (bool, error) {
		hs, err := k.billHistory(ctx, id)
		if err != nil {
			return true, err
		}
		for _, p := range holdersOf(ctx, b, hs) {
			if p != b.Holder {
				add = append(add, entry{p, id})
			}
		}
		return false, nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range add {
		if has, err := k.Bills.Indexes.Holder.Has(ctx, collections.Join(e.party, e.id)); err != nil {
			return n, err
		} else if has {
			continue
		}
		if err := k.Bills.Indexes.Holder.Set(ctx, collections.Join(e.party, e.id), false); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// forgetHolders removes the past holders of bill b (history: its entries)
// from the holder index, before the bill itself is removed (a
// REJECTED_DUPLICATE record archived for a bill arriving under its id: the
// arriving bill's past is not the rejected one's).
func (k Keeper) forgetHolders(ctx context.Context, b types.Bill, history []types.HistoryEntry) error {
	for _, p := range holdersOf(ctx, b, history) {
		if p == b.Holder {
			continue // Unreference removes it with the bill
		}
		if err := k.Bills.Indexes.Holder.Remove(ctx, collections.Join(p, b.Id)); err != nil && !errors.Is(err, collections.ErrNotFound) {
			return err
		}
	}
	return nil
}

// countHoldersNow counts the index's "holds now" entries.
func countHoldersNow(ctx context.Context, i *HolderIndex) (uint64, error) {
	var n uint64
	err := i.Walk(ctx, nil, func(_ collections.Pair[string, string], now bool) (bool, error) {
		if now {
			n++
		}
		return false, nil
	})
	return n, err
}

// PastHoldersInvariant: the holder index lists, for every bill, exactly the
// parties its history shows held it on this zone and its shipper
// (holdersOf): its holder as "holds now" (BillIndexesInvariant checks that
// entry) and every other one as "not now" — nothing missing, nothing else.
func PastHoldersInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		var problems []string
		var want uint64
		err := k.Bills.Walk(ctx, nil, func(id string, b types.Bill) (bool, error) {
			hs, err := k.billHistory(ctx, id)
			if err != nil {
				return true, err
			}
			want++ // the holder now (the empty holder for a tombstone)
			for _, p := range holdersOf(ctx, b, hs) {
				if p == b.Holder {
					continue
				}
				want++
				now, err := k.Bills.Indexes.Holder.Get(ctx, collections.Join(p, id))
				switch {
				case isNotFound(err):
					problems = append(problems, fmt.Sprintf("bill %s: %s (a past holder or its shipper) missing from the holder index", id, p))
				case err != nil:
					return true, err
				case now:
					problems = append(problems, fmt.Sprintf("bill %s: %s is indexed as its holder now; the bill's holder is %q", id, p, b.Holder))
				}
			}
			return false, nil
		})
		if err == nil {
			var n uint64
			err = k.Bills.Indexes.Holder.Walk(ctx, nil, func(pk collections.Pair[string, string], now bool) (bool, error) {
				n++
				if now {
					return false, nil
				}
				b, err := k.Bills.Get(ctx, pk.K2())
				if err != nil {
					problems = append(problems, fmt.Sprintf("the holder index lists %s as a past holder or shipper of %s, which is not stored", pk.K1(), pk.K2()))
					return false, nil
				}
				hs, err := k.billHistory(ctx, pk.K2())
				if err != nil {
					return true, err
				}
				if !slices.Contains(holdersOf(ctx, b, hs), pk.K1()) {
					problems = append(problems, fmt.Sprintf("the holder index lists %s as a past holder or shipper of %s; neither its history nor its shipper says so", pk.K1(), pk.K2()))
				}
				return false, nil
			})
			if err == nil && n != want {
				problems = append(problems, fmt.Sprintf("the holder index has %d entries; the bills and their histories account for %d", n, want))
			}
		}
		return report("past-holders", problems, err)
	}
}
