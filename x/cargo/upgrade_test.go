package cargo_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/tradechain/tradechain/app"
	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// The v2 upgrade on a zone whose state v1 wrote: a bill sent to the other
// zone left a v1 tombstone (holder kept, no control_zone or
// departed_holder) and the x/cargo module account has no Minter permission.
// Applying the plan rewrites the tombstone — holder index included — grants
// the permission, records x/cargo at this binary's consensus version (2, then 3: the plan runs every later migration), leaves every other
// bill as it was, and the invariants hold; the bill then comes home over the
// channel and the zone admits a validator (which mints stake).
func TestUpgradeV2(t *testing.T) {
	c := newCorridor(t)
	hk := tctestutil.App(c.hk)
	hkAddr, shAddr := c.hk.SenderAccount.GetAddress().String(), c.sh.SenderAccount.GetAddress().String()
	away, stays := c.issue("UPG1"), c.issue("UPG2")
	require.NoError(t, c.path.RelayPacket(c.send(c.path.EndpointA, away, shAddr, 0)))

	// Put the zone back as v1 left it.
	ctx := c.hk.GetContext()
	tomb := c.bill(c.hk, away)
	tomb.Holder, tomb.DepartedHolder, tomb.ControlZone = tomb.DepartedHolder, "", ""
	require.NoError(t, hk.CargoKeeper.Bills.Set(ctx, away, tomb))
	// v1 kept holds but no count of them
	require.NoError(t, hk.CargoKeeper.Holds.Set(ctx, collections.Join(int32(types.HOLD_SUBJECT_BILL), stays),
		types.Hold{SubjectKind: types.HOLD_SUBJECT_BILL, Subject: stays, Reason: "held before the upgrade", PlacedBy: hkAddr}))
	require.NoError(t, hk.CargoKeeper.HoldCount.Clear(ctx, nil))
	require.NoError(t, hk.CargoKeeper.Bills.Indexes.Status.Counts.Clear(ctx, nil)) // nor counts of bills per status
	macc := hk.AccountKeeper.GetModuleAccount(ctx, types.ModuleName).(*authtypes.ModuleAccount)
	macc.Permissions = nil
	hk.AccountKeeper.SetModuleAccount(ctx, macc)
	vm, err := hk.UpgradeKeeper.GetModuleVersionMap(ctx)
	require.NoError(t, err)
	vm[types.ModuleName] = 1
	require.NoError(t, hk.UpgradeKeeper.SetModuleVersionMap(ctx, vm))
	c.coord.CommitBlock(c.hk)
	before := c.bill(c.hk, stays)
	indexed := func(holder, id string) bool { // as the holder now
		now, err := hk.CargoKeeper.Bills.Indexes.Holder.HoldsNow(c.hk.GetContext(), holder, id)
		require.NoError(t, err)
		return now
	}
	require.True(t, indexed(hkAddr, away), "a v1 tombstone is indexed under its old holder")

	ctx = c.hk.GetContext()
	require.NoError(t, hk.UpgradeKeeper.ApplyUpgrade(ctx, upgradetypes.Plan{Name: app.V2.Name, Height: ctx.BlockHeight()}))
	c.coord.CommitBlock(c.hk)

	tomb = c.bill(c.hk, away)
	require.Equal(t, types.BILL_STATUS_TRANSFERRED_OUT, tomb.Status)
	require.Empty(t, tomb.Holder)
	require.Equal(t, hkAddr, tomb.DepartedHolder)
	require.Equal(t, c.sh.ChainID, tomb.ControlZone)
	require.Equal(t, before, c.bill(c.hk, stays), "a live bill is not touched")
	for kind, want := range map[types.HoldSubject]uint64{types.HOLD_SUBJECT_BILL: 1, types.HOLD_SUBJECT_PARTY: 0} {
		n, err := hk.CargoKeeper.HoldCount.Get(c.hk.GetContext(), int32(kind))
		require.NoError(t, err, "the migration counts the holds of each kind, zero included")
		require.Equal(t, want, n, kind.String())
	}
	_, held, err := hk.CargoKeeper.GetHold(c.hk.GetContext(), types.HOLD_SUBJECT_BILL, stays)
	require.NoError(t, err)
	require.True(t, held)
	for status, want := range map[types.BillStatus]uint64{types.BILL_STATUS_ISSUED: 1, types.BILL_STATUS_TRANSFERRED_OUT: 1} {
		n, err := hk.CargoKeeper.Bills.Indexes.Status.Count(c.hk.GetContext(), int32(status))
		require.NoError(t, err)
		require.Equal(t, want, n, "the migration counts the bills of each status: %s", status)
	}
	msg, broken := keeper.AllInvariants(hk.CargoKeeper)(c.hk.GetContext())
	require.False(t, broken, msg)
	require.False(t, indexed(hkAddr, away))
	require.True(t, indexed("", away))
	now, err := hk.CargoKeeper.Bills.Indexes.Holder.Get(c.hk.GetContext(), collections.Join(hkAddr, away))
	require.NoError(t, err, "the holder who sent the bill away stays in the index, as a past holder (v3)")
	require.False(t, now)
	require.True(t, hk.AccountKeeper.GetModuleAccount(c.hk.GetContext(), types.ModuleName).HasPermission(authtypes.Minter))
	vm, err = hk.UpgradeKeeper.GetModuleVersionMap(c.hk.GetContext())
	require.NoError(t, err)
	// This binary's version: the v2 plan runs every later migration too.
	require.EqualValues(t, cargo.ConsensusVersion, vm[types.ModuleName])
	require.EqualValues(t, 3, cargo.ConsensusVersion, "1→2, then 2→3 (the document anchors split, the registry by identity)")
	c.invariants()

	// The upgraded zone takes its bill back and can mint stake.
	require.NoError(t, c.path.RelayPacket(c.send(c.path.EndpointB, away, hkAddr, 0)))
	require.Equal(t, types.BILL_STATUS_ISSUED, c.bill(c.hk, away).Status)
	require.Equal(t, hkAddr, c.bill(c.hk, away).Holder)
	require.NoError(t, hk.BankKeeper.MintCoins(c.hk.GetContext(), types.ModuleName, nil))
	c.invariants()
}
