package tradefinance_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	clienttypes "github.com/cosmos/ibc-go/v8/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	host "github.com/cosmos/ibc-go/v8/modules/core/24-host"

	"github.com/tradechain/tradechain/app"
	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo"
	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// v1Fingerprint is an invoice fingerprint in the layout of releases before
// v3 (amount and currency included; its own number normalisation aside).
func v1Fingerprint(number string, amount int64) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("tradechain-invoice-v1|%s|%s|%s|%d|HKD", ct.LEI("SHPE"), ct.LEI("KBCT"), number, amount)))
	return hex.EncodeToString(sum[:])
}

// The v3 upgrade on hongkong-1 with a state v2 left, collisions included:
//   - bills SHPE-ABC1 and SHPE-abcI (one carrier and reference by meaning: case, and I reads as 1),
//     both live, issued while keys were document hashes only;
//   - SHPE-ABC1 amended (v2: on this zone only) with a document that backs
//     shanghai-1's bill SHPE-S1, and SHPE-abcI amended with a fresh one;
//   - invoices 1, 2 and 3: one invoice (INV-9, twice 800000 and once 900000,
//     one spelled with a Cyrillic І) under three v1 fingerprints;
//   - a v1 invoice fingerprint held by shanghai-1;
//   - a bill whose reservation is in flight in the pre-v3 format.
//
// Applying the plan re-keys everything by identity, lists the three
// collisions (never deleting a record or changing a status), withdraws the
// old-format reservation (a late answer to it changes nothing; the carrier's
// retry confirms the bill) and every invariant holds; afterwards the shared
// identities are refused on both zones.
func TestUpgradeV3ReKeysAndListsCollisions(t *testing.T) {
	c := newRegistryCorridor(t)
	hkChain, shChain := c.zones[0], c.zones[1]
	hk := tctestutil.App(hkChain)
	ck, tk := hk.CargoKeeper, hk.TradeFinanceKeeper
	self, other := hkChain.ChainID, shChain.ChainID
	carrier := hkChain.SenderAccount.GetAddress().String()
	key := func(kind cargotypes.KeyKind, k string) collections.Pair[int32, string] {
		return collections.Join(int32(kind), k)
	}
	// forget removes hongkong's record of a key, as v2 never wrote it: a
	// document hash's record from its Documents entry (the v3 layout; v2 kept
	// it in RegistryKeys, where the test puts back what v2 had), a bill's
	// identity (named by its bill) from under its identity.
	forget := func(kind cargotypes.KeyKind, k string) cargotypes.RegistryKey {
		ctx := hkChain.GetContext()
		var r cargotypes.RegistryKey
		loc := key(kind, k)
		switch kind {
		case cargotypes.KEY_KIND_TRANSPORT_DOCUMENT:
			d, err := ck.DocumentRecords.Get(ctx, k)
			require.NoError(t, err)
			require.NotNil(t, d.Registry, "no registry record of %s", k)
			r = *d.Registry
			r.Kind, r.Key = kind, k
			if d.Registry = nil; d.AnchoredBy == "" {
				require.NoError(t, ck.DocumentRecords.Remove(ctx, k))
			} else {
				require.NoError(t, ck.DocumentRecords.Set(ctx, k, d))
			}
		case cargotypes.KEY_KIND_BILL:
			loc = key(kind, cargotypes.BillIdentityOf(k))
			var err error
			r, err = ck.RegistryKeys.Get(ctx, loc)
			require.NoError(t, err)
			require.NoError(t, ck.RegistryKeys.Remove(ctx, loc))
		default:
			t.Fatalf("forget %s", kind)
		}
		if r.Status == cargotypes.RESERVATION_STATUS_PENDING || r.Status == cargotypes.RESERVATION_STATUS_TIMED_OUT {
			require.NoError(t, ck.RegistryOpen.Remove(ctx, collections.Join(int32(r.Status), collections.Join(r.Reference, loc))))
		}
		c.coord.CommitBlock(hkChain)
		return r
	}
	setChannel := func(ch string) {
		tctestutil.SetRegistryChannel(hkChain, ch)
		c.coord.CommitBlock(hkChain)
	}

	// Two bills, one identity.
	abc1, pkts, err := c.issue(0, "ABC1", "m-doc-a")
	require.NoError(t, err)
	c.relayAll(pkts)
	forget(cargotypes.KEY_KIND_BILL, abc1)
	abcI, pkts, err := c.issue(0, "abcI", "m-doc-b")
	require.NoError(t, err)
	c.relayAll(pkts)
	require.Equal(t, cargotypes.BillKeyOf(abc1), cargotypes.BillKeyOf(abcI))
	forget(cargotypes.KEY_KIND_BILL, abcI)

	// Amendments made the v2 way (anchored here, reserved nowhere): one with
	// shanghai's document.
	s1, pkts, err := c.issue(1, "S1", "m-doc-s")
	require.NoError(t, err)
	c.relayAll(pkts)
	heldBySH := forget(cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, docHash("m-doc-s"))
	require.Equal(t, cargotypes.RESERVATION_STATUS_HELD_REMOTE, heldBySH.Status)
	c.surrenderForAmendment(0, abc1)
	c.surrenderForAmendment(0, abcI)
	channel := c.reg.EndpointA.ChannelID
	setChannel("")
	for id, doc := range map[string]string{abc1: "m-doc-s", abcI: "m-doc-b2"} {
		_, err := hkChain.SendMsgs(&cargotypes.MsgAmendBill{Carrier: carrier, BillId: id, NewDocumentHash: docHash(doc)})
		require.NoError(t, err)
		forget(cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, docHash(doc))
	}
	setChannel(channel)
	ctx := hkChain.GetContext()
	require.NoError(t, ck.RegistryKeys.Set(ctx, key(cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, heldBySH.Key), heldBySH))
	c.coord.CommitBlock(hkChain)

	// One invoice three times, under v1 fingerprints.
	v1 := map[uint64]string{}
	for i, inv := range []struct {
		number string
		amount int64
	}{{"INV-9", 800_000}, {"INV-9", 900_000}, {"\u0406NV-9", 800_000}} {
		id, pkts, err := c.register(0, inv.number, inv.amount, fmt.Sprintf("m-inv-%d", i))
		require.NoError(t, err)
		c.relayAll(pkts)
		ctx := hkChain.GetContext()
		got, err := tk.GetInvoice(ctx, id)
		require.NoError(t, err)
		v1[id] = v1Fingerprint(inv.number, inv.amount)
		require.NoError(t, ck.RekeyRegistryKey(ctx, cargotypes.KEY_KIND_INVOICE, got.Fingerprint, v1[id]))
		got.Fingerprint = v1[id]
		require.NoError(t, tk.Invoices.Set(ctx, id, got))
		c.coord.CommitBlock(hkChain)
	}
	stale := docHash("shanghai's v1 invoice")
	ctx = hkChain.GetContext()
	require.NoError(t, ck.RegistryKeys.Set(ctx, key(cargotypes.KEY_KIND_INVOICE, stale),
		cargotypes.RegistryKey{Kind: cargotypes.KEY_KIND_INVOICE, Key: stale, Status: cargotypes.RESERVATION_STATUS_HELD_REMOTE, HolderZone: other}))

	// A bill whose reservation is in flight in the pre-v3 format.
	pend, _, err := c.issue(0, "PEND1", "m-doc-p")
	require.NoError(t, err)
	forget(cargotypes.KEY_KIND_BILL, pend)
	legacy := c.sendRaw(0, []byte(`{"kind":"TRANSPORT_DOCUMENT","key":"`+docHash("m-doc-p")+`"}`))
	ctx = hkChain.GetContext()
	// v2 kept the pending document hash's record in RegistryKeys (its open
	// index entry is keyed the same in both layouts).
	d, err := ck.DocumentRecords.Get(ctx, docHash("m-doc-p"))
	require.NoError(t, err)
	r := *d.Registry
	r.Kind, r.Key = cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, docHash("m-doc-p")
	d.Registry = nil
	require.NoError(t, ck.DocumentRecords.Set(ctx, r.Key, d))
	r.Sequence = legacy.p.Sequence
	require.NoError(t, ck.RegistryKeys.Set(ctx, key(cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, r.Key), r))

	// hongkong-1 as v2 left it.
	vm, err := hk.UpgradeKeeper.GetModuleVersionMap(ctx)
	require.NoError(t, err)
	vm[cargotypes.ModuleName], vm[types.ModuleName] = 2, 1
	require.NoError(t, hk.UpgradeKeeper.SetModuleVersionMap(ctx, vm))
	c.coord.CommitBlock(hkChain)
	statuses := func() map[string]string {
		out := map[string]string{}
		ctx := hkChain.GetContext()
		require.NoError(t, ck.Bills.Walk(ctx, nil, func(id string, b cargotypes.Bill) (bool, error) {
			out[id] = b.Status.String()
			return false, nil
		}))
		require.NoError(t, tk.Invoices.Walk(ctx, nil, func(id uint64, inv types.Invoice) (bool, error) {
			out[fmt.Sprint(id)] = inv.Status.String()
			return false, nil
		}))
		return out
	}
	before := statuses()

	ctx = hkChain.GetContext()
	require.NoError(t, hk.UpgradeKeeper.ApplyUpgrade(ctx, upgradetypes.Plan{Name: app.V3.Name, Height: ctx.BlockHeight()}))
	c.coord.CommitBlock(hkChain)
	ctx = hkChain.GetContext()
	vm, err = hk.UpgradeKeeper.GetModuleVersionMap(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 3, vm[cargotypes.ModuleName])
	require.EqualValues(t, cargo.ConsensusVersion, vm[cargotypes.ModuleName])
	require.EqualValues(t, 2, vm[types.ModuleName])
	require.EqualValues(t, tradefinance.ConsensusVersion, vm[types.ModuleName])
	require.Equal(t, before, statuses(), "no bill or invoice changes status")

	// The collisions, listed.
	res, err := cargokeeper.NewQueryServerImpl(ck).RegistryCollisions(ctx, &cargotypes.QueryRegistryCollisionsRequest{})
	require.NoError(t, err)
	type pair struct {
		kind                   cargotypes.KeyKind
		key, holder, otherBill string
	}
	var got []pair
	for _, col := range res.Collisions {
		require.Equal(t, self, col.OtherZone)
		require.NotEmpty(t, col.Detail)
		got = append(got, pair{col.Kind, col.Key, col.HolderZone + "/" + col.HolderReference, col.OtherReference})
	}
	fp := types.Fingerprint(ct.LEI("SHPE"), ct.LEI("KBCT"), "INV-9")
	require.ElementsMatch(t, []pair{
		{cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, docHash("m-doc-s"), other + "/" + s1, abc1},
		{cargotypes.KEY_KIND_INVOICE, fp, self + "/1", "2"},
		{cargotypes.KEY_KIND_INVOICE, fp, self + "/1", "3"},
		{cargotypes.KEY_KIND_BILL, cargotypes.BillKeyOf(abc1), self + "/" + abc1, abcI},
	}, got)

	// Re-keyed: the first record of each identity holds it; the others keep
	// what they had.
	held := func(kind cargotypes.KeyKind, k string) cargotypes.RegistryKey {
		get := ck.GetRegistryKey
		if kind == cargotypes.KEY_KIND_BILL { // named by its bill
			get = func(ctx context.Context, _ cargotypes.KeyKind, id string) (cargotypes.RegistryKey, bool, error) {
				return ck.GetBillIdentityKey(ctx, id)
			}
		}
		r, found, err := get(hkChain.GetContext(), kind, k)
		require.NoError(t, err)
		require.True(t, found, "%s %s", kind, k)
		return r
	}
	require.Equal(t, abc1, held(cargotypes.KEY_KIND_BILL, abc1).Reference)
	require.Equal(t, cargotypes.RESERVATION_STATUS_CONFIRMED, held(cargotypes.KEY_KIND_BILL, abc1).Status)
	require.Equal(t, abcI, held(cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, docHash("m-doc-b2")).Reference)
	require.Equal(t, cargotypes.RESERVATION_STATUS_HELD_REMOTE, held(cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, docHash("m-doc-s")).Status)
	require.Equal(t, "1", held(cargotypes.KEY_KIND_INVOICE, fp).Reference)
	for id, want := range map[uint64]string{1: fp, 2: v1[2], 3: v1[3]} {
		inv, err := tk.GetInvoice(hkChain.GetContext(), id)
		require.NoError(t, err)
		require.Equal(t, want, inv.Fingerprint, "invoice %d", id)
		require.Equal(t, fmt.Sprint(id), held(cargotypes.KEY_KIND_INVOICE, want).Reference)
	}
	_, found, err := ck.GetRegistryKey(hkChain.GetContext(), cargotypes.KEY_KIND_INVOICE, stale)
	require.NoError(t, err)
	require.False(t, found, "the other zone's v1 invoice fingerprint is dropped")
	_, found, err = ck.GetRegistryKey(hkChain.GetContext(), cargotypes.KEY_KIND_INVOICE, v1[1])
	require.NoError(t, err)
	require.False(t, found, "invoice 1's v1 key moved to its identity")

	// The old-format reservation was withdrawn; its late answer changes nothing.
	p := c.bill(0, pend)
	require.Equal(t, cargotypes.BILL_STATUS_PENDING, p.Status)
	require.Equal(t, cargotypes.RESERVATION_STATUS_TIMED_OUT, p.CorridorStatus)
	require.Contains(t, lastHistory(t, hkChain, pend).Detail, "withdrawn by the v3 upgrade")
	require.Equal(t, cargotypes.RESERVATION_STATUS_TIMED_OUT, held(cargotypes.KEY_KIND_BILL, pend).Status)
	c.checkInvariants()
	ack := c.deliver(legacy)
	require.Contains(t, string(ack), "registry protocol before v3", "a v3 zone refuses a pre-v3 reservation")
	c.acknowledge(legacy, ack)
	require.Equal(t, cargotypes.RESERVATION_STATUS_TIMED_OUT, c.bill(0, pend).CorridorStatus)
	require.NoError(t, c.txRelayed(0, &cargotypes.MsgRetryReservation{Signer: carrier, Kind: cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, Key: docHash("m-doc-p")}))
	require.Equal(t, cargotypes.BILL_STATUS_ISSUED, c.bill(0, pend).Status)
	c.checkInvariants()

	// After the upgrade the shared identities are refused on both zones.
	for z := range c.zones {
		_, _, err := c.issue(z, "ABC.001", fmt.Sprintf("m-doc-new-%d", z))
		tctestutil.RequireCode(t, err, cargotypes.ErrKeyTaken)
		_, _, err = c.register(z, "inv 9", 1, fmt.Sprintf("m-inv-new-%d", z))
		require.Error(t, err)
	}
	c.checkInvariants()

	// Export and import keep the collisions.
	gs, err := ck.ExportGenesis(hkChain.GetContext())
	require.NoError(t, err)
	require.Len(t, gs.Collisions, 4)
	require.NoError(t, gs.Validate())
}

// sendRaw sends data as a registry packet from zone z (as a zone that runs
// another release would) and returns it.
func (c *registryCorridor) sendRaw(z int, data []byte) sent {
	ep := c.endpoint(z)
	a := tctestutil.App(ep.Chain)
	ctx := ep.Chain.GetContext()
	capability, ok := a.ScopedRegistryKeeper.GetCapability(ctx, host.ChannelCapabilityPath(cargotypes.RegistryPortID, ep.ChannelID))
	require.True(c.t, ok)
	timeout := uint64(ctx.BlockTime().Add(time.Hour).UnixNano())
	seq, err := a.IBCKeeper.ChannelKeeper.SendPacket(ctx, capability, cargotypes.RegistryPortID, ep.ChannelID, clienttypes.ZeroHeight(), timeout, data)
	require.NoError(c.t, err)
	c.coord.CommitBlock(ep.Chain)
	return sent{z: z, p: channeltypes.NewPacket(data, seq, cargotypes.RegistryPortID, ep.ChannelID, cargotypes.RegistryPortID, ep.Counterparty.ChannelID, clienttypes.ZeroHeight(), timeout)}
}
