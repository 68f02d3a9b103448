package cargo_test

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	storetypes "cosmossdk.io/store/types"

	"github.com/tradechain/tradechain/x/cargo/types"

	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
)

// cargoCollections names x/cargo's store prefixes; hashPlaced marks those
// whose keys sit where a hash puts them (a document hash, an invoice's
// registry key), so that every new one lands at a random place in the IAVL
// tree — a path no other insert shares — where the others cluster by bill
// id, sequence or a carrier's references (see hashPlacedKey).
var cargoCollections = map[byte]struct {
	name       string
	hashPlaced bool
}{
	types.ParamsKey[0]: {"params", false}, types.PartiesKey[0]: {"parties", false}, types.PartiesByCodeKey[0]: {"parties_by_code", false},
	types.BillsKey[0]: {"bills", false}, types.BillsByHolderKey[0]: {"bills_by_holder", false}, types.BillsByCarrierKey[0]: {"bills_by_carrier", false},
	types.BillsByStatusKey[0]: {"bills_by_status", false}, types.BillsByStatusCountKey[0]: {"bills_by_status_count", false},
	types.DocumentsKey[0]: {"documents", true}, types.RegistryKeysKey[0]: {"registry_keys", true},
	types.RegistryOpenKey[0]: {"registry_open", false}, types.AnchorsKey[0]: {"anchors", true}, types.HoldCountKey[0]: {"hold_count", false},
}

// collectionOf names the collection a key of the cargo store belongs to: by
// its prefix, except that a bill's history entries share the bill's key
// range (the bills' prefix, bill id, 0x00, sequence) and are told apart by
// the 0x00 a bill id never holds.
func collectionOf(key []byte) (string, bool) {
	if key[0] == types.HistoryKey[0] && bytes.IndexByte(key[1:], 0) >= 0 {
		return "history", true
	}
	coll, ok := cargoCollections[key[0]]
	return coll.name, ok
}

// hashPlacedKey says whether a key of the cargo store sits where a hash puts
// it: a key of a hash-placed collection, except a bill's identity in the
// registry (RegistryKeys keeps it under the carrier code and folded
// reference, not its hash). The open-reservation index is placed by status
// and record (bill id, invoice reference), never by a hash.
func hashPlacedKey(key []byte) bool {
	billKind := []byte{0x80, 0, 0, byte(types.KEY_KIND_BILL)}
	if key[0] == types.RegistryKeysKey[0] {
		return !bytes.HasPrefix(key[1:], billKind)
	}
	return cargoCollections[key[0]].hashPlaced
}

// writeSet is what one block wrote to the cargo store, by collection.
type writeSet struct {
	keys, bytes map[string]int
	hashPlaced  int
}

func (w writeSet) String() string {
	var names []string
	for n := range w.keys {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "  %-22s %d keys, %d bytes (key+value)\n", n, w.keys[n], w.bytes[n])
	}
	fmt.Fprintf(&b, "  hash-placed keys: %d", w.hashPlaced)
	return b.String()
}

// TestIssueBillWriteSet pins what one IssueBill writes to the cargo store
// (on a zone without a registry channel, as the load test runs it): a new
// write per issuance, and above all a new hash-placed one, shows up here.
// An issuance places one key by hash — its document's record, which is both
// the bill's anchor and the registry's record of the document — and
// everything else by bill id or by the carrier code and folded reference
// (the registry's record of the bill's identity). Before issue 40 it placed
// three by hash: the anchor, the registry's record of the document and the
// registry's record of the identity's hash. The shipper — the party the bill
// is issued to — is found by the track record in the holder index, under
// the one entry that makes it the holder: a separate index of shippers
// (party_bills, prefix 33, while v3 was developed) wrote an eighth key.
// The carrier's list of its bills is the bills' own range under its code
// (CarrierIndex): no carrier index entry for a bill it issued here. The
// status index entry is placed by the height the bill took its status, at
// the end of that status's range (StatusIndex).
func TestIssueBillWriteSet(t *testing.T) {
	c, signers := cargotestutil.NewChainWithSigners(t, 2)
	key := c.App.GetKey(types.StoreKey)
	c.App.CommitMultiStore().AddListeners([]storetypes.StoreKey{key})
	c.App.CommitMultiStore().PopStateCache() // nothing before this block counts

	res := c.DeliverBlock(c.SignTx(signers[0], issueMsg(signers[0], signers[1], "WS1", 7, types.BILL_MODE_BLANK)))
	require.Equal(t, uint32(0), res.TxResults[0].Code, res.TxResults[0].Log)

	w := writeSet{keys: map[string]int{}, bytes: map[string]int{}}
	for _, kv := range c.App.CommitMultiStore().PopStateCache() {
		if kv.StoreKey != types.StoreKey || kv.Delete {
			continue
		}
		name, ok := collectionOf(kv.Key)
		require.True(t, ok, "an issuance wrote under an unnamed prefix %d", kv.Key[0])
		w.keys[name]++
		w.bytes[name] += len(kv.Key) + len(kv.Value)
		if hashPlacedKey(kv.Key) {
			w.hashPlaced++
		}
	}
	t.Logf("one IssueBill writes to the cargo store:\n%s", w)
	require.Equal(t, map[string]int{
		"bills": 1, "bills_by_holder": 1, "bills_by_status": 1, "bills_by_status_count": 1,
		"history": 1, "documents": 1, "registry_keys": 1,
	}, w.keys)
	require.Equal(t, 1, w.hashPlaced)
}

// TestTransferBillWriteSet pins what one TransferBill writes to the cargo
// store: the bill, its history entry, and the holder index's two entries —
// the old holder's rewritten as "held before" (it used to be deleted: the
// track record keeps the bills a party received and passed on, issue 39) and
// the new holder's in — nothing else (the carrier and status indexes and the
// status counts stay as they were). Four keys, as when the old entry was
// deleted.
func TestTransferBillWriteSet(t *testing.T) {
	c, signers := cargotestutil.NewChainWithSigners(t, 2)
	res := c.DeliverBlock(c.SignTx(signers[0], issueMsg(signers[0], signers[0], "WS2", 8, types.BILL_MODE_BLANK)))
	require.Equal(t, uint32(0), res.TxResults[0].Code, res.TxResults[0].Log)
	key := c.App.GetKey(types.StoreKey)
	c.App.CommitMultiStore().AddListeners([]storetypes.StoreKey{key})
	c.App.CommitMultiStore().PopStateCache()

	res = c.DeliverBlock(c.SignTx(signers[0], &types.MsgTransferBill{Holder: signers[0].String(), BillId: "B000-WS2", To: signers[1].String()}))
	require.Equal(t, uint32(0), res.TxResults[0].Code, res.TxResults[0].Log)

	sets, deletes := map[string]int{}, map[string]int{}
	var billKey, historyKey []byte
	for _, kv := range c.App.CommitMultiStore().PopStateCache() {
		if kv.StoreKey != types.StoreKey {
			continue
		}
		name, _ := collectionOf(kv.Key)
		switch name {
		case "bills":
			billKey = kv.Key
		case "history":
			historyKey = kv.Key
		}
		if kv.Delete {
			deletes[name]++
		} else {
			sets[name]++
		}
	}
	t.Logf("one TransferBill writes to the cargo store: sets %v, deletes %v", sets, deletes)
	require.Equal(t, map[string]int{"bills": 1, "history": 1, "bills_by_holder": 2}, sets)
	require.Empty(t, deletes)
	// The history entry sits in the bill's own key range — the bill's key,
	// then 0x00 and the sequence — so that the two writes share their IAVL
	// path down to the last few nodes (issue 40; version 2 kept the history
	// under a prefix of its own).
	require.Equal(t, types.BillStoreKey("B000-WS2"), billKey)
	require.Equal(t, types.HistoryStoreKey("B000-WS2", 2), historyKey)
	require.True(t, bytes.HasPrefix(historyKey, append(billKey, 0)), "history key %x is not in bill key %x's range", historyKey, billKey)
	ctx := c.Context()
	for holder, wantNow := range map[string]bool{signers[0].String(): false, signers[1].String(): true} {
		now, err := c.App.CargoKeeper.Bills.Indexes.Holder.Get(ctx, collections.Join(holder, "B000-WS2"))
		require.NoError(t, err)
		require.Equal(t, wantNow, now, "holder index entry of %s", holder)
	}
}
