package keeper_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	collcodec "cosmossdk.io/collections/codec"

	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// storedUnder checks that the keeper stored value under exactly key in the
// cargo KV store (the raw bytes a light client's proof covers), and that
// the collection's own key codec, under its prefix, encodes subject to key.
func storedUnder[K, V any](t *testing.T, f *fixture, name string, prefix collections.Prefix, kc collcodec.KeyCodec[K], vc collcodec.ValueCodec[V], subject K, value V, key []byte) {
	t.Helper()
	want, err := collections.EncodeKeyWithPrefix(prefix.Bytes(), kc, subject)
	require.NoError(t, err)
	require.Equalf(t, want, key, "%s: the exported store key differs from the keeper's collection encoding", name)
	raw := f.ctx.KVStore(f.chain.App.GetKey(types.StoreKey)).Get(key)
	require.NotNilf(t, raw, "%s: nothing stored under %x", name, key)
	enc, err := vc.Encode(value)
	require.NoError(t, err)
	require.Equalf(t, enc, raw, "%s: the bytes under the exported key are not the record", name)
}

// TestStoreKeysMatchKeeper: each exported store key of a provable record is
// where the keeper writes that record.
func TestStoreKeysMatchKeeper(t *testing.T) {
	f := newFixture(t)
	id := f.issue(nil)
	k := f.k
	ctx := context.Context(f.ctx)

	bill := f.bill(id)
	storedUnder(t, f, "bill", types.BillsKey, k.Bills.KeyCodec(), k.Bills.ValueCodec(), id, bill, types.BillStoreKey(id))

	// One record under the document hash: the bill's anchor and the
	// registry's record of the hash (issue 40).
	doc, err := k.DocumentRecords.Get(ctx, docHash)
	require.NoError(t, err)
	require.Equal(t, id, doc.BillId)
	require.NotNil(t, doc.Registry, "the registry's record of the document is part of the document's record")
	require.Equal(t, types.DocumentsKey.Bytes(), k.DocumentRecords.GetPrefix())
	storedUnder(t, f, "document", types.DocumentsKey, k.DocumentRecords.KeyCodec(), k.DocumentRecords.ValueCodec(), docHash, doc, types.DocumentStoreKey(docHash))

	inv, exporter := hashN(2), f.addr(cargotestutil.Exporter)
	_, err = f.srv.AnchorDocument(f.ctx, &types.MsgAnchorDocument{Owner: exporter, Hash: inv, DocType: "COMMERCIAL_INVOICE", BillId: id})
	require.NoError(t, err)
	anchor, err := k.Anchors.Get(ctx, collections.Join(inv, exporter))
	require.NoError(t, err)
	require.Equal(t, types.AnchorsKey.Bytes(), k.Anchors.GetPrefix())
	storedUnder(t, f, "anchor", types.AnchorsKey, k.Anchors.KeyCodec(), k.Anchors.ValueCodec(), collections.Join(inv, exporter), anchor, types.AnchorStoreKey(inv, exporter))

	// Issuing the bill wrote its registry keys: the transport document's,
	// inside the document's record, and the bill's identity, under its
	// carrier code and folded reference.
	td, found, err := k.GetRegistryKey(ctx, types.KEY_KIND_TRANSPORT_DOCUMENT, docHash)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, types.DocumentStoreKey(docHash), types.RegistryStoreKey(types.KEY_KIND_TRANSPORT_DOCUMENT, docHash))
	part := td
	part.Kind, part.Key = types.KEY_KIND_UNSPECIFIED, ""
	require.Equal(t, &part, doc.Registry)

	require.Equal(t, types.RegistryKeysKey.Bytes(), k.RegistryKeys.GetPrefix())
	identity := types.BillIdentityOf(id)
	r, found, err := k.GetBillIdentityKey(ctx, id)
	require.NoError(t, err)
	require.True(t, found, "the bill's identity key")
	require.Equal(t, types.BillKeyOf(id), r.Key)
	require.Equal(t, r.Key, types.BillKeyOfIdentity(identity))
	storedUnder(t, f, "registry BILL", types.RegistryKeysKey, k.RegistryKeys.KeyCodec(), k.RegistryKeys.ValueCodec(),
		collections.Join(int32(types.KEY_KIND_BILL), identity), r, types.RegistryStoreKey(types.KEY_KIND_BILL, identity))
	_, _, err = k.GetRegistryKey(ctx, types.KEY_KIND_BILL, r.Key)
	require.ErrorIs(t, err, types.ErrBillKeyLookup, "a BILL key is not looked up by its hash")
	// The registry-key query finds the identity by the bill id, the
	// document's record by its hash.
	q := keeper.NewQueryServerImpl(k)
	byID, err := q.RegistryKey(ctx, &types.QueryRegistryKeyRequest{Hash: id})
	require.NoError(t, err)
	require.Equal(t, []types.RegistryKey{r}, byID.Keys)
	byHash, err := q.RegistryKey(ctx, &types.QueryRegistryKeyRequest{Hash: docHash})
	require.NoError(t, err)
	require.Equal(t, []types.RegistryKey{td}, byHash.Keys)
	// A reservation whose BILL key is not the identity of the bill it names
	// is refused as malformed.
	bad := types.NewReservationPacket(id, []types.KeyRef{{Kind: types.KEY_KIND_BILL, Key: types.BillKeyOf(id + "9")}})
	_, _, err = types.DecodeReservationPacket(bad.Bytes())
	require.ErrorIs(t, err, types.ErrBillKeyMismatch)
	good := types.NewReservationPacket(id, []types.KeyRef{{Kind: types.KEY_KIND_BILL, Key: types.BillKeyOf(id)}})
	_, _, err = types.DecodeReservationPacket(good.Bytes())
	require.NoError(t, err)

	res, err := f.srv.GrantConsent(f.ctx, &types.MsgGrantConsent{Granter: exporter, Grantee: f.addr(cargotestutil.Bank), Scope: id,
		Purpose: "LC document examination", ExpiresAt: cargotestutil.GenesisTime.Add(30 * 24 * time.Hour)})
	require.NoError(t, err)
	c, err := k.Consents.Get(ctx, res.ConsentId)
	require.NoError(t, err)
	storedUnder(t, f, "consent", types.ConsentsKey, k.Consents.KeyCodec(), k.Consents.ValueCodec(), res.ConsentId, c, types.ConsentStoreKey(res.ConsentId))

	// The track record's records: a history entry, a milestone, an access record.
	h, err := k.History.Get(ctx, collections.Join(id, uint64(1)))
	require.NoError(t, err)
	storedUnder(t, f, "history", types.HistoryKey, k.History.KeyCodec(), k.History.ValueCodec(), collections.Join(id, uint64(1)), h, types.HistoryStoreKey(id, 1))

	_, err = f.srv.RecordMilestone(f.ctx, &types.MsgRecordMilestone{Recorder: f.addr(cargotestutil.Carrier), BillId: id, EventCode: "LOAD", Classifier: "ACT", Location: "CNSHA", EventTime: cargotestutil.GenesisTime})
	require.NoError(t, err)
	it, err := k.Milestones.Iterate(ctx, collections.NewPrefixedPairRange[string, uint64](id))
	require.NoError(t, err)
	mkeys, err := it.Keys()
	require.NoError(t, err)
	require.NotEmpty(t, mkeys)
	mk := mkeys[len(mkeys)-1]
	m, err := k.Milestones.Get(ctx, mk)
	require.NoError(t, err)
	storedUnder(t, f, "milestone", types.MilestonesKey, k.Milestones.KeyCodec(), k.Milestones.ValueCodec(), mk, m, types.MilestoneStoreKey(id, mk.K2()))

	platform := f.registerPlatform()
	acc, err := f.srv.RecordAccess(f.ctx, &types.MsgRecordAccess{Platform: platform, ConsentId: res.ConsentId, Grantee: f.addr(cargotestutil.Bank), DocumentHash: docHash})
	require.NoError(t, err)
	rec, err := k.AccessRecords.Get(ctx, acc.Id)
	require.NoError(t, err)
	storedUnder(t, f, "access record", types.AccessRecordsKey, k.AccessRecords.KeyCodec(), k.AccessRecords.ValueCodec(), acc.Id, rec, types.AccessRecordStoreKey(acc.Id))
}
