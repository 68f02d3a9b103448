package docstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/tradechain/tradechain/x/cargo/client/cli"
)

// ErrNotFound: no object under that hash.
var ErrNotFound = errors.New("docstore: no such document")

// DocumentHash is the hash the chain anchors a document by (the same function
// as the CLI's anchor-document and issue-bill): SHA-256 of the RFC 8785
// canonical JSON for JSON documents (x/cargo/dcsa.Hash), of the raw bytes
// otherwise.
func DocumentHash(bz []byte) (string, error) { return cli.DocumentHash(bz) }

// Object is a stored, sealed document.
type Object struct {
	Hash   string
	Owner  string // the party that uploaded it (an anchorer of the hash)
	Sealed []byte
	Stored time.Time
}

// Backend keeps sealed objects by hash. Put is atomic and durable before it
// returns (an acknowledged upload survives a crash; a crash mid-Put leaves
// no object visible) and idempotent (content-addressed: a second Put of a
// hash keeps the first object).
type Backend interface {
	Put(ctx context.Context, o Object) error
	Get(ctx context.Context, hash string) (Object, error)
	Has(ctx context.Context, hash string) (bool, error)
	// Each calls fn for every object's hash (for re-keying).
	Each(ctx context.Context, fn func(hash string) error) error
	// Replace overwrites an existing object's sealed bytes (re-keying only).
	Replace(ctx context.Context, o Object) error
	Close() error
}

// BoltBackend is the embedded default: one bbolt file, each Put one
// fsync'ed transaction.
type BoltBackend struct{ db *bolt.DB }

var (
	boltObjects = []byte("objects")
	boltOwners  = []byte("owners")
	boltTimes   = []byte("stored")
)

// OpenBolt opens (creating) the embedded store at path.
func OpenBolt(path string) (*BoltBackend, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{boltObjects, boltOwners, boltTimes} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &BoltBackend{db: db}, nil
}

func (b *BoltBackend) put(o Object, replace bool) error {
	return b.db.Update(func(tx *bolt.Tx) error {
		objs := tx.Bucket(boltObjects)
		exists := objs.Get([]byte(o.Hash)) != nil
		if exists != replace {
			return nil
		}
		if err := objs.Put([]byte(o.Hash), o.Sealed); err != nil {
			return err
		}
		if replace {
			return nil
		}
		if err := tx.Bucket(boltOwners).Put([]byte(o.Hash), []byte(o.Owner)); err != nil {
			return err
		}
		t, _ := o.Stored.UTC().MarshalBinary()
		return tx.Bucket(boltTimes).Put([]byte(o.Hash), t)
	})
}

// Put implements Backend.
func (b *BoltBackend) Put(_ context.Context, o Object) error { return b.put(o, false) }

// Replace implements Backend.
func (b *BoltBackend) Replace(_ context.Context, o Object) error { return b.put(o, true) }

// Get implements Backend.
func (b *BoltBackend) Get(_ context.Context, hash string) (Object, error) {
	o := Object{Hash: hash}
	err := b.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(boltObjects).Get([]byte(hash))
		if v == nil {
			return ErrNotFound
		}
		o.Sealed = append([]byte(nil), v...)
		o.Owner = string(tx.Bucket(boltOwners).Get([]byte(hash)))
		return o.Stored.UnmarshalBinary(tx.Bucket(boltTimes).Get([]byte(hash)))
	})
	return o, err
}

// Has implements Backend.
func (b *BoltBackend) Has(_ context.Context, hash string) (bool, error) {
	var has bool
	err := b.db.View(func(tx *bolt.Tx) error {
		has = tx.Bucket(boltObjects).Get([]byte(hash)) != nil
		return nil
	})
	return has, err
}

// Each implements Backend.
func (b *BoltBackend) Each(_ context.Context, fn func(string) error) error {
	var hashes []string
	if err := b.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(boltObjects).ForEach(func(k, _ []byte) error { hashes = append(hashes, string(k)); return nil })
	}); err != nil {
		return err
	}
	for _, h := range hashes {
		if err := fn(h); err != nil {
			return err
		}
	}
	return nil
}

// Close implements Backend.
func (b *BoltBackend) Close() error { return b.db.Close() }
