package keeper

import (
	"bytes"
	"context"

	"cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/types/kv"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// A bill's key range. A bill is stored under types.BillsKey | id and its
// history entries right after it, under types.HistoryKey (the same prefix)
// | id | 0x00 | sequence (big-endian): the keys of one bill and of its
// history sort side by side in the cargo store's IAVL tree, so the writes of
// one transaction on a bill — the bill rewritten, a history entry added —
// share their path from the root down to the last few nodes, instead of
// copying and rehashing two paths that part near the root (issue 40: before
// version 3 the history was a collection of its own, prefix 7).
//
// Two collections under one prefix: a bill id never holds a 0x00 byte
// (types.ValidateBillID; collections' non-terminal string encoding, which
// every history key uses, refuses one too), so a key of the range is a
// history entry exactly when it holds a 0x00 after the prefix. Each
// collection iterates the range through a view that skips the other's keys
// (billsOnly, historyOnly); a point read or write needs none, its key being
// its own.

// isHistoryKey says whether key, a key of the cargo store, is a history
// entry in its bill's key range.
func isHistoryKey(key []byte) bool {
	return len(key) > 1 && key[0] == types.HistoryKey[0] && bytes.IndexByte(key[1:], 0) >= 0
}

// isBillKey says whether key, a key of the cargo store, is a bill.
func isBillKey(key []byte) bool {
	return len(key) > 1 && key[0] == types.BillsKey[0] && bytes.IndexByte(key[1:], 0) < 0
}

// billsOnly is the cargo store as the bills collection iterates it: the
// history entries in the bills' key range are left out.
func billsOnly(open func(context.Context) store.KVStore) func(context.Context) store.KVStore {
	return func(ctx context.Context) store.KVStore {
		return rangeView{KVStore: open(ctx), skip: isHistoryKey}
	}
}

// historyOnly is the cargo store as the history collection iterates it: the
// bills in the key range are left out.
func historyOnly(open func(context.Context) store.KVStore) func(context.Context) store.KVStore {
	return func(ctx context.Context) store.KVStore {
		return rangeView{KVStore: open(ctx), skip: isBillKey}
	}
}

// rangeView is a KVStore whose iterators skip the keys skip names; reads and
// writes by key go to the store unchanged.
type rangeView struct {
	store.KVStore
	skip func([]byte) bool
}

func (v rangeView) Iterator(start, end []byte) (store.Iterator, error) {
	it, err := v.KVStore.Iterator(start, end)
	if err != nil {
		return nil, err
	}
	return newSkipIterator(it, v.skip), nil
}

func (v rangeView) ReverseIterator(start, end []byte) (store.Iterator, error) {
	it, err := v.KVStore.ReverseIterator(start, end)
	if err != nil {
		return nil, err
	}
	return newSkipIterator(it, v.skip), nil
}

// skipIterator is an iterator that passes over the keys skip names.
type skipIterator struct {
	store.Iterator
	skip func([]byte) bool
}

func newSkipIterator(it store.Iterator, skip func([]byte) bool) *skipIterator {
	s := &skipIterator{Iterator: it, skip: skip}
	s.settle()
	return s
}

// settle moves to the first key at or after the current one that is not
// skipped.
func (s *skipIterator) settle() {
	for s.Iterator.Valid() && s.skip(s.Iterator.Key()) {
		s.Iterator.Next()
	}
}

func (s *skipIterator) Next() {
	s.Iterator.Next()
	s.settle()
}

// StoreDecoder decodes the cargo store's key-value pairs for the
// simulation's import/export diff: the module's collections schema, and the
// history's own (HistorySchema) for the history entries among the bills.
func (k Keeper) StoreDecoder() func(kvA, kvB kv.Pair) string {
	bills := simtypes.NewStoreDecoderFuncFromCollectionsSchema(k.Schema)
	history := simtypes.NewStoreDecoderFuncFromCollectionsSchema(k.HistorySchema)
	return func(kvA, kvB kv.Pair) string {
		if isHistoryKey(kvA.Key) {
			return history(kvA, kvB)
		}
		return bills(kvA, kvB)
	}
}
