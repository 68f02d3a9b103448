package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// The 2→3 migration on a store version 2 wrote, where every anchor sat in
// Documents under its hash: the bill's transport documents (the one it was
// issued with, amended away from and amended to) stay; an invoice, and a
// TRANSPORT_DOCUMENT a trader anchored ahead of the carrier, become their
// anchorers' own anchors — and the carrier can then issue the squatted
// document. Every invariant holds after it.
func TestMigrate2to3SplitsAnchors(t *testing.T) {
	f := newFixture(t)
	id := f.issue(nil)
	_, err := f.srv.RequestSurrender(f.ctx, &types.MsgRequestSurrender{Holder: f.addr(cargotestutil.Exporter), BillId: id, Purpose: types.SURRENDER_PURPOSE_AMENDMENT, Reason: "COD"})
	require.NoError(t, err)
	_, err = f.srv.AcceptSurrender(f.ctx, &types.MsgAcceptSurrender{Carrier: f.addr(cargotestutil.Carrier), BillId: id})
	require.NoError(t, err)
	amended := hashN(1)
	_, err = f.srv.AmendBill(f.ctx, &types.MsgAmendBill{Carrier: f.addr(cargotestutil.Carrier), BillId: id, NewDocumentHash: amended})
	require.NoError(t, err)

	// What version 2 had besides: an invoice and a squat, in Documents.
	at := f.ctx.BlockTime().UTC()
	invoice := types.Document{Hash: hashN(2), DocType: "COMMERCIAL_INVOICE", BillId: id, AnchoredBy: f.addr(cargotestutil.Exporter), Height: 3, AnchoredAt: at}
	squat := types.Document{Hash: hashN(3), DocType: "TRANSPORT_DOCUMENT", AnchoredBy: f.addr(cargotestutil.Importer), Height: 4, AnchoredAt: at}
	forged := types.Document{Hash: hashN(4), DocType: "TRANSPORT_DOCUMENT", BillId: id, AnchoredBy: f.addr(cargotestutil.Importer), Height: 5, AnchoredAt: at}
	for _, d := range []types.Document{invoice, squat, forged} {
		require.NoError(t, f.k.Documents.Set(f.ctx, d.Hash, d))
	}

	require.NoError(t, keeper.NewMigrator(f.k).Migrate2to3(f.ctx))
	for _, h := range []string{docHash, amended} {
		d, err := f.k.Documents.Get(f.ctx, h)
		require.NoError(t, err, "the bill's own document %s stays", h)
		require.Equal(t, id, d.BillId)
	}
	for _, d := range []types.Document{invoice, squat, forged} {
		has, err := f.k.Documents.Has(f.ctx, d.Hash)
		require.NoError(t, err)
		require.False(t, has, "%s left the bills' documents", d.Hash)
		moved, err := f.k.Anchors.Get(f.ctx, collections.Join(d.Hash, d.AnchoredBy))
		require.NoError(t, err)
		require.Equal(t, d.DocType, moved.DocType)
		require.Equal(t, d.Height, moved.Height)
		require.False(t, moved.Withdrawn)
		require.Equal(t, []types.AnchorEvent{{Action: types.AnchorActionAnchor, DocType: d.DocType, BillId: d.BillId, Height: d.Height, Time: at}}, moved.History)
	}
	f.invariants()

	// The squatter can withdraw its anchor; the carrier issues the squatted
	// document either way.
	require.NoError(t, f.withdraw(cargotestutil.Importer, squat.Hash, "anchored as a transport document by mistake"))
	f.issue(func(m *types.MsgIssueBill) { m.TransportDocumentReference, m.DocumentHash = "COSU2", squat.Hash })
	f.invariants()
}

// TestMigrateRegistryLayout: the v3 step that moves the registry's records to
// where version 3 keeps them (issue 40). On a store laid out as before — a
// document hash's record in RegistryKeys under (TRANSPORT_DOCUMENT, hash),
// a bill's identity under its hash — it moves a document hash's record into
// Documents[hash] beside the bill's anchor (or alone, for a hash held by the
// other zone) and a bill's identity under its carrier code and folded
// reference, with the open-reservation index following; the exported
// genesis (documents and registry keys) says the same before and after.
func TestMigrateRegistryLayout(t *testing.T) {
	f := newFixture(t)
	id := f.issue(nil)
	ctx := f.ctx
	at := ctx.BlockTime().UTC()

	// Lay the store out as before: the issued bill's document key and
	// identity key, a document held by the other zone, and a reservation of
	// a third hash PENDING (in the open-reservation index).
	td, found, err := f.k.GetRegistryKey(ctx, types.KEY_KIND_TRANSPORT_DOCUMENT, docHash)
	require.NoError(t, err)
	require.True(t, found)
	identity, found, err := f.k.GetBillIdentityKey(ctx, id)
	require.NoError(t, err)
	require.True(t, found)
	anchor, err := f.k.Documents.Get(ctx, docHash)
	require.NoError(t, err)
	require.NoError(t, f.k.DocumentRecords.Set(ctx, docHash, anchor)) // without its registry part
	require.NoError(t, f.k.RegistryKeys.Remove(ctx, collections.Join(int32(types.KEY_KIND_BILL), types.BillIdentityOf(id))))
	remote := types.RegistryKey{Kind: types.KEY_KIND_TRANSPORT_DOCUMENT, Key: hashN(1), Status: types.RESERVATION_STATUS_HELD_REMOTE, HolderZone: "hongkong-1", Reference: "MSK-9", SinceHeight: 2, Since: at}
	pending := types.RegistryKey{Kind: types.KEY_KIND_TRANSPORT_DOCUMENT, Key: hashN(2), Status: types.RESERVATION_STATUS_PENDING, HolderZone: ctx.ChainID(), Reference: id, Channel: "channel-1", Sequence: 4, SinceHeight: 2, Since: at}
	for _, r := range []types.RegistryKey{td, identity, remote, pending} {
		require.NoError(t, f.k.RegistryKeys.Set(ctx, collections.Join(int32(r.Kind), r.Key), r))
	}
	require.NoError(t, f.k.LegacyRegistryOpen().Set(ctx, collections.Join(int32(types.RESERVATION_STATUS_PENDING), collections.Join(int32(pending.Kind), pending.Key))))
	identityOpen := identity
	identityOpen.Status = types.RESERVATION_STATUS_TIMED_OUT
	require.NoError(t, f.k.RegistryKeys.Set(ctx, collections.Join(int32(types.KEY_KIND_BILL), identity.Key), identityOpen))
	require.NoError(t, f.k.LegacyRegistryOpen().Set(ctx, collections.Join(int32(types.RESERVATION_STATUS_TIMED_OUT), collections.Join(int32(types.KEY_KIND_BILL), identity.Key))))
	before, err := f.k.ExportGenesis(ctx)
	require.NoError(t, err)

	require.NoError(t, keeper.NewMigrator(f.k).MigrateRegistryLayout(ctx))

	// RegistryKeys keeps only the bill's identity, under its identity.
	var left []collections.Pair[int32, string]
	require.NoError(t, f.k.RegistryKeys.Walk(ctx, nil, func(pk collections.Pair[int32, string], _ types.RegistryKey) (bool, error) {
		left = append(left, pk)
		return false, nil
	}))
	require.Equal(t, []collections.Pair[int32, string]{collections.Join(int32(types.KEY_KIND_BILL), types.BillIdentityOf(id))}, left)
	got, found, err := f.k.GetBillIdentityKey(ctx, id)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, identityOpen, got)
	// The documents' records: anchor and registry part together; a hash
	// held by the other zone is a record with no anchor.
	rec, err := f.k.DocumentRecords.Get(ctx, docHash)
	require.NoError(t, err)
	require.Equal(t, id, rec.BillId)
	require.NotNil(t, rec.Registry)
	for _, r := range []types.RegistryKey{td, remote, pending} {
		got, found, err := f.k.GetRegistryKey(ctx, r.Kind, r.Key)
		require.NoError(t, err)
		require.True(t, found, r.Key)
		require.Equal(t, r, got)
	}
	has, err := f.k.Documents.Has(ctx, remote.Key)
	require.NoError(t, err)
	require.False(t, has, "a hash held by the other zone is not anchored here")
	// The open-reservation index follows the records.
	for _, e := range []collections.Pair[int32, collections.Pair[int32, string]]{
		collections.Join(int32(types.RESERVATION_STATUS_PENDING), collections.Join(int32(types.KEY_KIND_TRANSPORT_DOCUMENT), pending.Key)),
		collections.Join(int32(types.RESERVATION_STATUS_TIMED_OUT), collections.Join(int32(types.KEY_KIND_BILL), types.BillIdentityOf(id))),
	} {
		has, err := f.k.LegacyRegistryOpen().Has(ctx, e)
		require.NoError(t, err)
		require.True(t, has, "%v", e)
	}
	has, err = f.k.LegacyRegistryOpen().Has(ctx, collections.Join(int32(types.RESERVATION_STATUS_TIMED_OUT), collections.Join(int32(types.KEY_KIND_BILL), identity.Key)))
	require.NoError(t, err)
	require.False(t, has, "the identity's old index entry is gone")

	after, err := f.k.ExportGenesis(ctx)
	require.NoError(t, err)
	require.Equal(t, before.Documents, after.Documents)
	require.Equal(t, before.RegistryKeys, after.RegistryKeys)
	require.Len(t, after.RegistryKeys, 4)

	// Run again, it changes nothing.
	require.NoError(t, keeper.NewMigrator(f.k).MigrateRegistryLayout(ctx))
	again, err := f.k.ExportGenesis(ctx)
	require.NoError(t, err)
	require.Equal(t, after.RegistryKeys, again.RegistryKeys)

	// The next step moves the open-reservation index to version 3's key,
	// by record: (status, (reference, (kind, key as kept))). An entry whose
	// record is gone is dropped.
	stale := collections.Join(int32(types.RESERVATION_STATUS_PENDING), collections.Join(int32(types.KEY_KIND_TRANSPORT_DOCUMENT), hashN(5)))
	require.NoError(t, f.k.LegacyRegistryOpen().Set(ctx, stale))
	require.NoError(t, keeper.NewMigrator(f.k).MigrateRegistryOpenLayout(ctx))
	legacy, err := f.k.LegacyRegistryOpen().Iterate(ctx, nil)
	require.NoError(t, err)
	require.False(t, legacy.Valid(), "version 2's index is empty")
	require.NoError(t, legacy.Close())
	it, err := f.k.RegistryOpen.Iterate(ctx, nil)
	require.NoError(t, err)
	entries, err := it.Keys()
	require.NoError(t, err)
	require.Equal(t, []keeper.OpenReservation{
		collections.Join(int32(types.RESERVATION_STATUS_PENDING), collections.Join(id, collections.Join(int32(types.KEY_KIND_TRANSPORT_DOCUMENT), pending.Key))),
		collections.Join(int32(types.RESERVATION_STATUS_TIMED_OUT), collections.Join(id, collections.Join(int32(types.KEY_KIND_BILL), types.BillIdentityOf(id)))),
	}, entries)
	q := keeper.NewQueryServerImpl(f.k)
	for st, want := range map[types.ReservationStatus]types.RegistryKey{types.RESERVATION_STATUS_PENDING: pending, types.RESERVATION_STATUS_TIMED_OUT: identityOpen} {
		res, err := q.RegistryPending(ctx, &types.QueryRegistryPendingRequest{Status: st})
		require.NoError(t, err)
		require.Equal(t, []types.RegistryKey{want}, res.Keys, st.String())
	}
	require.NoError(t, keeper.NewMigrator(f.k).MigrateRegistryOpenLayout(ctx))
	it, err = f.k.RegistryOpen.Iterate(ctx, nil)
	require.NoError(t, err)
	again2, err := it.Keys()
	require.NoError(t, err)
	require.Equal(t, entries, again2, "a second run changes nothing")
}
