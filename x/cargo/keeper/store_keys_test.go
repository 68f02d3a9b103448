package keeper_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	collcodec "cosmossdk.io/collections/codec"

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

	doc, err := k.Documents.Get(ctx, docHash)
	require.NoError(t, err)
	require.Equal(t, types.DocumentsKey.Bytes(), k.Documents.GetPrefix())
	storedUnder(t, f, "document", types.DocumentsKey, k.Documents.KeyCodec(), k.Documents.ValueCodec(), docHash, doc, types.DocumentStoreKey(docHash))

	inv, exporter := hashN(2), f.addr(cargotestutil.Exporter)
	_, err = f.srv.AnchorDocument(f.ctx, &types.MsgAnchorDocument{Owner: exporter, Hash: inv, DocType: "COMMERCIAL_INVOICE", BillId: id})
	require.NoError(t, err)
	anchor, err := k.Anchors.Get(ctx, collections.Join(inv, exporter))
	require.NoError(t, err)
	require.Equal(t, types.AnchorsKey.Bytes(), k.Anchors.GetPrefix())
	storedUnder(t, f, "anchor", types.AnchorsKey, k.Anchors.KeyCodec(), k.Anchors.ValueCodec(), collections.Join(inv, exporter), anchor, types.AnchorStoreKey(inv, exporter))

	// Issuing the bill wrote its registry keys (the transport document and the bill's identity).
	require.Equal(t, types.RegistryKeysKey.Bytes(), k.RegistryKeys.GetPrefix())
	for _, rk := range []struct {
		kind types.KeyKind
		key  string
	}{{types.KEY_KIND_TRANSPORT_DOCUMENT, docHash}, {types.KEY_KIND_BILL, types.BillKeyOf(id)}} {
		r, found, err := k.GetRegistryKey(ctx, rk.kind, rk.key)
		require.NoError(t, err)
		require.Truef(t, found, "registry key %s %s", rk.kind, rk.key)
		storedUnder(t, f, "registry "+rk.kind.String(), types.RegistryKeysKey, k.RegistryKeys.KeyCodec(), k.RegistryKeys.ValueCodec(),
			collections.Join(int32(rk.kind), rk.key), r, types.RegistryStoreKey(rk.kind, rk.key))
	}

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
