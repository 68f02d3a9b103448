package app

import (
	"io"
	"sync"
	"sync/atomic"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/iavl/fastnode"

	"cosmossdk.io/store/cachekv"
	"cosmossdk.io/store/cachemulti"
	"cosmossdk.io/store/iavl"
	"cosmossdk.io/store/rootmulti"
	"cosmossdk.io/store/tracekv"
	storetypes "cosmossdk.io/store/types"
)

// queryStore is the multistore that gRPC, REST and ABCI queries read
// (BaseApp's query multistore): the root multistore, except that a query of
// the last committed height reads read-only IAVL trees loaded once for that
// height and shared by every query of it.
//
// For each query the SDK's CreateQueryContext learns the latest height by
// hashing the last commit info, then loads the root of every store's tree at
// that height — a goleveldb read for each of the zone's stores. Serving pages
// of bills at 300,000 bills that was 13 % of the node's CPU, 0.3 ms a query,
// about what a whole point query costs otherwise (docs/performance.md).
// The trees of a committed version never change; every query still gets
// its own cache branch over them, so what one query writes no other sees, as
// before. Any other height, a commit under way, tracing or a state listener:
// the SDK's path, unchanged.
//
// Point reads and iterators of such a tree take IAVL's fast index straight
// from the database (fastReads), unless the node runs with
// iavl-disable-fastnode.
type queryStore struct {
	*rootmulti.Store
	db        dbm.DB
	keys      map[string]storetypes.StoreKey
	fastReads bool // IAVL keeps its fast index (iavl-disable-fastnode is off)

	// latest is the last committed height, set by App.Commit; 0 before the
	// first commit of this process and while a commit is under way.
	latest atomic.Int64

	mu     sync.Mutex
	height int64
	trees  map[storetypes.StoreKey]storetypes.CacheWrapper
	loads  atomic.Uint64 // how many heights' trees were loaded, for tests
}

func newQueryStore(rs *rootmulti.Store, db dbm.DB, keys map[string]storetypes.StoreKey, fastReads bool) *queryStore {
	return &queryStore{Store: rs, db: db, keys: keys, fastReads: fastReads}
}

// LatestVersion implements storetypes.MultiStore.
func (q *queryStore) LatestVersion() int64 {
	if h := q.latest.Load(); h > 0 {
		return h
	}
	return q.Store.LatestVersion()
}

// CacheMultiStoreWithVersion implements storetypes.MultiStore: a cache branch
// over the stores at version.
func (q *queryStore) CacheMultiStoreWithVersion(version int64) (storetypes.CacheMultiStore, error) {
	if version > 0 && version == q.latest.Load() && !q.Store.TracingEnabled() {
		if trees, ok := q.treesAt(version); ok {
			return cachemulti.NewStore(q.db, trees, q.keys, nil, nil), nil
		}
	}
	return q.Store.CacheMultiStoreWithVersion(version)
}

// treesAt returns every store as a query at version reads it — the IAVL trees
// of that version, the transient and memory stores as they are — loading
// them if version is not the height they were last loaded for; false if one
// cannot be, and the caller takes the SDK's path.
func (q *queryStore) treesAt(version int64) (map[storetypes.StoreKey]storetypes.CacheWrapper, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.height == version {
		return q.trees, true
	}
	trees := make(map[storetypes.StoreKey]storetypes.CacheWrapper, len(q.keys))
	for _, key := range q.keys {
		store := q.Store.GetCommitKVStore(key)
		if store == nil || q.Store.ListeningEnabled(key) {
			return nil, false
		}
		if tree, ok := store.(*iavl.Store); ok {
			immutable, err := tree.GetImmutable(version)
			if err != nil {
				return nil, false
			}
			trees[key] = q.reads(key, immutable, version)
			continue
		}
		trees[key] = store
	}
	q.height, q.trees = version, trees
	q.loads.Add(1)
	return trees, true
}

// committing sends queries the SDK's way until committed is called.
func (q *queryStore) committing() { q.latest.Store(0) }

// committed records the height just committed.
func (q *queryStore) committed(height int64) { q.latest.Store(height) }

// The keys IAVL v1 keeps in a store's part of the database (rootmulti's
// "s/k:<store>/" prefix): its fast index, one entry per live key, and the
// version of its storage format, from which on it keeps that index.
const (
	iavlStorePrefix        = "s/k:"
	iavlFastIndex          = "f"
	iavlStorageVersionKey  = "mstorage_version"
	iavlFastStorageVersion = "1.1.0"
)

// reads is how queries read tree, store key's IAVL tree at version: with
// fastReads if IAVL keeps the store's fast index (its storage format has it,
// and the node does not run with iavl-disable-fastnode), else the tree itself.
func (q *queryStore) reads(key storetypes.StoreKey, tree *iavl.Store, version int64) storetypes.CacheWrapper {
	if !q.fastReads {
		return tree
	}
	prefix := iavlStorePrefix + key.Name() + "/"
	format, err := q.db.Get([]byte(prefix + iavlStorageVersionKey))
	if err != nil || string(format) < iavlFastStorageVersion {
		return tree
	}
	return fastReads{Store: tree, db: q.db, index: []byte(prefix + iavlFastIndex), version: version, latest: &q.latest}
}

// fastReads is a store's IAVL tree at a committed version whose point reads
// and iterators take IAVL's fast index from the database themselves, not
// through IAVL's node database.
//
// IAVL v1 reads a fast-index entry under its node database's one mutex, held
// across the database read of a cache miss, and takes it again to learn the
// latest version before each iterator; so every read of a store runs one at
// a time. A page of 50 bills is 51 such reads, and at a million bills
// the pages' p99 was queries waiting for each other there (docs/performance.md).
// The database reads concurrently.
//
// An entry is what IAVL itself answers from the index: the key's value as of
// the version written in the entry, live until a later version changes it.
// So an entry written at or before version is the value at version, and no
// entry while version is still the latest committed height means no key. An
// entry from a later version, or no entry once a block has begun to commit
// since (the key may have been deleted after version), sends the read to the
// tree, which answers as IAVL does.
type fastReads struct {
	*iavl.Store
	db      dbm.DB
	index   []byte // the prefix of the store's fast index in db
	version int64
	latest  *atomic.Int64 // the query store's last committed height
}

// Get implements storetypes.KVStore.
func (s fastReads) Get(key []byte) []byte {
	storetypes.AssertValidKey(key)
	bz, err := s.db.Get(s.indexKey(key))
	switch {
	case err != nil:
	case bz != nil:
		if node, err := fastnode.DeserializeNode(key, bz); err == nil && node.GetVersionLastUpdatedAt() <= s.version {
			return node.GetValue()
		}
	case s.stillLatest():
		// No block has begun to commit since version (App.Commit calls
		// committing before it writes), so the index read was of version's
		// state, which has no such key.
		return nil
	}
	return s.Store.Get(key)
}

// stillLatest reports whether version is still the last committed height and
// no block has begun to commit since: App.Commit calls committing before it
// writes, so a database read made before this returns true read version's
// state.
func (s fastReads) stillLatest() bool { return s.latest.Load() == s.version }

// indexKey is where key's fast-index entry is in the database.
func (s fastReads) indexKey(key []byte) []byte {
	k := make([]byte, len(s.index)+len(key))
	copy(k, s.index)
	copy(k[len(s.index):], key)
	return k
}

// Iterator implements storetypes.KVStore.
func (s fastReads) Iterator(start, end []byte) storetypes.Iterator {
	if it := s.indexIterator(start, end, true); it != nil {
		return it
	}
	return s.Store.Iterator(start, end)
}

// ReverseIterator implements storetypes.KVStore.
func (s fastReads) ReverseIterator(start, end []byte) storetypes.Iterator {
	if it := s.indexIterator(start, end, false); it != nil {
		return it
	}
	return s.Store.ReverseIterator(start, end)
}

// indexIterator iterates the fast index from the database, as IAVL does for
// an iterator of its latest version, but without asking its node database for
// that version under its mutex. The database iterator reads a snapshot taken
// when it is made; if no block has begun to commit since version by the time
// it exists (App.Commit calls committing before it writes), that snapshot
// is the state at version. Otherwise nil, and the tree iterates.
func (s fastReads) indexIterator(start, end []byte, ascending bool) storetypes.Iterator {
	if !s.stillLatest() {
		return nil
	}
	lo, hi := s.index, storetypes.PrefixEndBytes(s.index)
	if start != nil {
		lo = s.indexKey(start)
	}
	if end != nil {
		hi = s.indexKey(end)
	}
	var (
		it  dbm.Iterator
		err error
	)
	if ascending {
		it, err = s.db.Iterator(lo, hi)
	} else {
		it, err = s.db.ReverseIterator(lo, hi)
	}
	if err != nil {
		return nil
	}
	if !s.stillLatest() {
		_ = it.Close()
		return nil
	}
	fi := &fastIndexIterator{Iterator: it, prefix: len(s.index), start: start, end: end}
	fi.decode()
	return fi
}

// fastIndexIterator is a database iterator over a store's fast index, giving
// each entry as the store's key and value.
type fastIndexIterator struct {
	dbm.Iterator
	prefix     int
	start, end []byte
	key, value []byte
	err        error
}

func (it *fastIndexIterator) decode() {
	if it.err != nil || !it.Iterator.Valid() {
		return
	}
	it.key = it.Iterator.Key()[it.prefix:]
	node, err := fastnode.DeserializeNode(it.key, it.Iterator.Value())
	if err != nil {
		it.err = err
		return
	}
	it.value = node.GetValue()
}

func (it *fastIndexIterator) Domain() ([]byte, []byte) { return it.start, it.end }
func (it *fastIndexIterator) Valid() bool              { return it.err == nil && it.Iterator.Valid() }
func (it *fastIndexIterator) Key() []byte {
	it.assertValid()
	return it.key
}

func (it *fastIndexIterator) Value() []byte {
	it.assertValid()
	return it.value
}

func (it *fastIndexIterator) Next() {
	it.assertValid()
	it.Iterator.Next()
	it.decode()
}

func (it *fastIndexIterator) Error() error {
	if it.err != nil {
		return it.err
	}
	return it.Iterator.Error()
}

func (it *fastIndexIterator) assertValid() {
	if !it.Valid() {
		panic("iterator is invalid")
	}
}

// Has implements storetypes.KVStore.
func (s fastReads) Has(key []byte) bool { return s.Get(key) != nil }

// CacheWrap implements storetypes.CacheWrapper.
func (s fastReads) CacheWrap() storetypes.CacheWrap { return cachekv.NewStore(s) }

// CacheWrapWithTrace implements storetypes.CacheWrapper.
func (s fastReads) CacheWrapWithTrace(w io.Writer, tc storetypes.TraceContext) storetypes.CacheWrap {
	return cachekv.NewStore(tracekv.NewStore(s, w, tc))
}
