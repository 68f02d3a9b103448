package types

import (
	"fmt"

	"cosmossdk.io/collections"
	collcodec "cosmossdk.io/collections/codec"
)

// Store keys of the x/tradefinance records a light client proves (the web
// app's SME page: the credits, invoices and financings a track record
// counts). As in x/cargo/types/store_keys.go, a verifier computes the key of
// the record it asks about with these functions and never takes it from the
// server; each is the full key inside the multistore's "tradefinance"
// substore: the collection's prefix, then the key codec's encoding. The
// keeper test TestStoreKeysMatchKeeper checks them against the keeper's
// collections, and testdata/store_keys.json (TestStoreKeyVectors) carries
// vectors for the TypeScript mirror (web/src/lib/light/keys.ts).

// RecordIDKeyCodec encodes the keys of LCs, Invoices and Financings: the id.
var RecordIDKeyCodec collcodec.KeyCodec[uint64] = collections.Uint64Key

func storeKey(prefix collections.Prefix, id uint64) []byte {
	b, err := collections.EncodeKeyWithPrefix(prefix.Bytes(), RecordIDKeyCodec, id)
	if err != nil {
		panic(fmt.Sprintf("tradefinance store key: %v", err)) // a uint64 always encodes
	}
	return b
}

// LCStoreKey is the key of a letter of credit (LCs[id]).
func LCStoreKey(id uint64) []byte { return storeKey(LCsKey, id) }

// InvoiceStoreKey is the key of an invoice (Invoices[id]).
func InvoiceStoreKey(id uint64) []byte { return storeKey(InvoicesKey, id) }

// FinancingStoreKey is the key of a financing (Financings[id]).
func FinancingStoreKey(id uint64) []byte { return storeKey(FinancingsKey, id) }
