package gateway

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/opt"
	"github.com/syndtr/goleveldb/leveldb/util"
)

// Store is the gateway's own state: envelopes in progress, additional
// documents by checksum, issuance and surrender requests, the outbox of
// callbacks and chain actions still to do, and the height the chain
// follower has read up to. It is a LevelDB database in the gateway's home;
// every write that precedes an HTTP acknowledgement is synced to disk
// (fsync) before the answer is sent, so nothing acknowledged is lost when the
// process or the machine stops.
type Store struct {
	db *leveldb.DB
	// mu serialises read-modify-write sequences (Update).
	mu sync.Mutex
}

// ErrNotFound is returned by Get for a missing key.
var ErrNotFound = errors.New("not found")

// Key spaces.
const (
	pIssuance   = "iss/"  // carrier code/TDR → issuanceRecord
	pEnvelope   = "env/"  // envelope reference → envelopeRecord
	pEnvByLast  = "envl/" // last transfer chain entry checksum → envelope reference
	pDocument   = "doc/"  // checksum → additional document bytes
	pSurrender  = "sur/"  // surrender request reference → surrenderRecord
	pSurByBill  = "surb/" // bill id → open surrender request reference
	pExport     = "exp/"  // bill id/export sequence → exportRecord
	pJob        = "job/"  // big-endian sequence → job
	pMeta       = "meta/" // cursor, sequence counters
	keyCursor   = pMeta + "cursor"
	keyJobSeq   = pMeta + "jobseq"
	keyRefSeq   = pMeta + "refseq"
	keyExportTx = pMeta + "export/"
)

// OpenStore opens (creating if needed) the store in dir.
func OpenStore(dir string) (*Store, error) {
	db, err := leveldb.OpenFile(dir, &opt.Options{})
	if err != nil {
		return nil, fmt.Errorf("open gateway store %s: %w", dir, err)
	}
	return &Store{db: db}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

var syncWrite = &opt.WriteOptions{Sync: true}

// Get decodes the JSON value at key into v.
func (s *Store) Get(key string, v any) error {
	b, err := s.db.Get([]byte(key), nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// Has reports whether key exists.
func (s *Store) Has(key string) (bool, error) { return s.db.Has([]byte(key), nil) }

// GetRaw returns the bytes at key.
func (s *Store) GetRaw(key string) ([]byte, error) {
	b, err := s.db.Get([]byte(key), nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return nil, ErrNotFound
	}
	return b, err
}

// Batch collects writes applied atomically and synced by Commit.
type Batch struct {
	b   leveldb.Batch
	err error
}

// Put stores v as JSON.
func (b *Batch) Put(key string, v any) {
	raw, err := json.Marshal(v)
	if err != nil && b.err == nil {
		b.err = err
	}
	b.b.Put([]byte(key), raw)
}

// PutRaw stores bytes.
func (b *Batch) PutRaw(key string, v []byte) { b.b.Put([]byte(key), v) }

// Delete removes key.
func (b *Batch) Delete(key string) { b.b.Delete([]byte(key)) }

// Update runs fn with exclusive access to the store and commits the batch it
// fills atomically, synced to disk before Update returns.
func (s *Store) Update(fn func(b *Batch) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b Batch
	if err := fn(&b); err != nil {
		return err
	}
	if b.err != nil {
		return b.err
	}
	if b.b.Len() == 0 {
		return nil
	}
	return s.db.Write(&b.b, syncWrite)
}

// nextSeq increments and returns the counter at key; call inside Update.
func (s *Store) nextSeq(b *Batch, key string) (uint64, error) {
	var n uint64
	raw, err := s.GetRaw(key)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return 0, err
	case len(raw) == 8:
		n = binary.BigEndian.Uint64(raw)
	}
	n++
	var out [8]byte
	binary.BigEndian.PutUint64(out[:], n)
	b.PutRaw(key, out[:])
	return n, nil
}

// Iterate calls fn for every key with prefix, in key order, until fn returns
// false or an error.
func (s *Store) Iterate(prefix string, fn func(key string, value []byte) (bool, error)) error {
	it := s.db.NewIterator(util.BytesPrefix([]byte(prefix)), nil)
	defer it.Release()
	for it.Next() {
		v := append([]byte(nil), it.Value()...)
		more, err := fn(string(it.Key()), v)
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	return it.Error()
}

// Cursor returns the last chain height the follower has fully handled.
func (s *Store) Cursor() (int64, error) {
	var h int64
	err := s.Get(keyCursor, &h)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	return h, err
}
