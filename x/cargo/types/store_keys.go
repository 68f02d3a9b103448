package types

import (
	"fmt"

	"cosmossdk.io/collections"
	collcodec "cosmossdk.io/collections/codec"
)

// Store keys of the records a verifier proves. A light client (the CLI's
// verify-bundle, the web app) never takes the key of a proof from the server:
// it computes the key of the subject it asked about with these functions and
// checks the proof is for that key. Each returns the full key inside the
// cargo KV store (the multistore's "cargo" substore) exactly as the keeper's
// collections encode it: the collection's prefix, then the key codec's
// encoding. keeper_test's TestStoreKeysMatchKeeper checks each against the
// keeper's own collections, and testdata/store_keys.json (written by
// TestStoreKeyVectors) carries vectors for the web app's TypeScript mirror.
//
// The track record's records (bills, history entries, milestones, consents,
// access records) are proved with the same functions; x/tradefinance's
// credits, invoices and financings with its types.*StoreKey.
//
// Whoever changes one of these collections' prefix or key codec changes the
// codec below in the same commit; the keeper test fails otherwise.

// Key codecs of the provable collections, as the keeper declares them.
var (
	// DocumentsKeyCodec encodes Documents keys: the document's lower-case hex
	// SHA-256 (the bill's anchor and the registry's record of the hash).
	DocumentsKeyCodec collcodec.KeyCodec[string] = collections.StringKey
	// AnchorsKeyCodec encodes Anchors keys: (hash, anchorer bech32).
	AnchorsKeyCodec = collections.PairKeyCodec(collections.StringKey, collections.StringKey)
	// BillsKeyCodec encodes Bills keys: the bill id.
	BillsKeyCodec collcodec.KeyCodec[string] = collections.StringKey
	// RegistryKeysKeyCodec encodes RegistryKeys keys: (key kind, key), the
	// key of a BILL being its identity (BillIdentity).
	RegistryKeysKeyCodec = collections.PairKeyCodec(collections.Int32Key, collections.StringKey)
	// ConsentsKeyCodec encodes Consents keys: the consent id.
	ConsentsKeyCodec collcodec.KeyCodec[uint64] = collections.Uint64Key
	// HistoryKeyCodec encodes History and Milestones keys: (bill id, sequence).
	HistoryKeyCodec = collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)
	// AccessRecordsKeyCodec encodes AccessRecords keys: the record id.
	AccessRecordsKeyCodec collcodec.KeyCodec[uint64] = collections.Uint64Key
)

func storeKey[K any](prefix collections.Prefix, kc collcodec.KeyCodec[K], key K) []byte {
	b, err := collections.EncodeKeyWithPrefix(prefix.Bytes(), kc, key)
	if err != nil {
		// The codecs above encode any string or integer: an error here is a
		// programming error (a codec changed), not bad input.
		panic(fmt.Sprintf("cargo store key: %v", err))
	}
	return b
}

// DocumentStoreKey is the key of a document's record (Documents[hash]):
// the bill's transport document anchor (a bill on this zone was issued,
// amended or received on the document: bill_id set) and the corridor
// registry's record of the hash (its registry part), in one record so that
// an issuance places one key by the document hash. Absent, or present with
// no bill_id, when no bill on this zone is anchored on the document.
func DocumentStoreKey(hash string) []byte {
	return storeKey(DocumentsKey, DocumentsKeyCodec, hash)
}

// AnchorStoreKey is the key of a party's own anchor of a document
// (Anchors[(hash, anchorer)]).
func AnchorStoreKey(hash, anchorer string) []byte {
	return storeKey(AnchorsKey, AnchorsKeyCodec, collections.Join(hash, anchorer))
}

// BillStoreKey is the key of a bill (Bills[id]).
func BillStoreKey(id string) []byte {
	return storeKey(BillsKey, BillsKeyCodec, id)
}

// RegistryStoreKey is the key of this zone's record of a corridor registry
// key, by the key as the zone stores it:
//   - TRANSPORT_DOCUMENT (key: the 64-hex hash): the document's record,
//     Documents[hash] (DocumentStoreKey), whose registry part it is;
//   - INVOICE (key: the 64-hex key): RegistryKeys[(INVOICE, key)];
//   - BILL (key: the bill's identity, BillIdentity — carrier code and folded
//     transport document reference, which the 64-hex BILL key is the hash
//     of): RegistryKeys[(BILL, identity)]. Keyed by the identity, a
//     carrier's bills sit side by side; a verifier given an identity checks
//     it against the BILL key it asked about (BillKeyOfIdentity).
func RegistryStoreKey(kind KeyKind, key string) []byte {
	if kind == KEY_KIND_TRANSPORT_DOCUMENT {
		return DocumentStoreKey(key)
	}
	return storeKey(RegistryKeysKey, RegistryKeysKeyCodec, collections.Join(int32(kind), key))
}

// ConsentStoreKey is the key of a consent (Consents[id]).
func ConsentStoreKey(id uint64) []byte {
	return storeKey(ConsentsKey, ConsentsKeyCodec, id)
}

// HistoryStoreKey is the key of a bill's history entry (History[(id,
// sequence)]): in the bill's own key range, the bills' prefix then the bill
// id, 0x00 and the sequence (big-endian), right after BillStoreKey(id).
func HistoryStoreKey(billID string, sequence uint64) []byte {
	return storeKey(HistoryKey, HistoryKeyCodec, collections.Join(billID, sequence))
}

// MilestoneStoreKey is the key of a bill's track-and-trace milestone
// (Milestones[(id, sequence)]).
func MilestoneStoreKey(billID string, sequence uint64) []byte {
	return storeKey(MilestonesKey, HistoryKeyCodec, collections.Join(billID, sequence))
}

// AccessRecordStoreKey is the key of an access record (AccessRecords[id]):
// the on-chain log entry of one release of a document by a store.
func AccessRecordStoreKey(id uint64) []byte {
	return storeKey(AccessRecordsKey, AccessRecordsKeyCodec, id)
}
