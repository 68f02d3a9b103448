package cargo_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// A regulator's hold on a bill stops its endorsement (transfer) and its send
// to the other zone, with the registered error and nothing changed; lifting
// it restores both. A hold on a party stops its new actions. Holds are in
// the bill's history and in the holds queries.
func TestRegulatorHold(t *testing.T) {
	c := newCorridor(t)
	hk := c.hk
	a := tctestutil.App(hk)
	srv, qs := keeper.NewMsgServerImpl(a.CargoKeeper), keeper.NewQueryServerImpl(a.CargoKeeper)
	sender := hk.SenderAccount.GetAddress().String()
	regulator := hk.SenderAccounts[1].SenderAccount.GetAddress().String()
	require.NoError(t, a.CargoKeeper.Parties.Set(hk.GetContext(), regulator, types.Party{Address: regulator, Code: "HKMA",
		Name: "Regulator", Jurisdiction: "HK", Roles: []types.Role{types.ROLE_REGULATOR}, Active: true}))
	id := c.issue("H1")
	endorse := &types.MsgEndorseBill{Holder: sender, BillId: id, Endorsee: regulator}
	send := &types.MsgSendBill{Holder: sender, BillId: id, Channel: c.path.EndpointA.ChannelID, Receiver: c.sh.SenderAccount.GetAddress().String()}
	state := func() string {
		gs, err := a.CargoKeeper.ExportGenesis(hk.GetContext())
		require.NoError(t, err)
		return gs.String()
	}
	heldErr := func(err error) {
		t.Helper()
		tctestutil.RequireCode(t, err, types.ErrHeld)
		require.ErrorContains(t, err, "sanctions screening")
	}

	// Only a regulator places a hold, with a reason, on something that exists.
	_, err := srv.PlaceHold(hk.GetContext(), &types.MsgPlaceHold{Regulator: sender, SubjectKind: types.HOLD_SUBJECT_BILL, Subject: id, Reason: "x"})
	require.ErrorIs(t, err, types.ErrWrongRole)
	_, err = srv.PlaceHold(hk.GetContext(), &types.MsgPlaceHold{Regulator: regulator, SubjectKind: types.HOLD_SUBJECT_BILL, Subject: "COS-NOPE", Reason: "x"})
	require.ErrorIs(t, err, types.ErrBillNotFound)
	_, err = srv.PlaceHold(hk.GetContext(), &types.MsgPlaceHold{Regulator: regulator, SubjectKind: types.HOLD_SUBJECT_BILL, Subject: id})
	require.ErrorIs(t, err, types.ErrInvalidField)

	_, err = srv.PlaceHold(hk.GetContext(), &types.MsgPlaceHold{Regulator: regulator, SubjectKind: types.HOLD_SUBJECT_BILL, Subject: id, Reason: "sanctions screening hit"})
	require.NoError(t, err)
	c.coord.CommitBlock(hk)
	_, err = srv.PlaceHold(hk.GetContext(), &types.MsgPlaceHold{Regulator: regulator, SubjectKind: types.HOLD_SUBJECT_BILL, Subject: id, Reason: "again"})
	heldErr(err)
	before := state()
	_, err = hk.SendMsgs(endorse)
	heldErr(err)
	_, err = hk.SendMsgs(send)
	heldErr(err)
	require.Equal(t, before, state(), "a refused move changes nothing")
	require.Equal(t, types.BILL_STATUS_ISSUED, c.bill(hk, id).Status)
	res, err := qs.Hold(hk.GetContext(), &types.QueryHoldRequest{Subject: id})
	require.NoError(t, err)
	require.Len(t, res.Holds, 1)
	require.Equal(t, regulator, res.Holds[0].PlacedBy)
	require.Equal(t, keeper.ActionHold, lastAction(t, hk, id))
	require.Equal(t, [2]uint64{1, 0}, holdCounts(t, hk), "one bill held, no party")

	// Lifting restores the moves.
	_, err = srv.LiftHold(hk.GetContext(), &types.MsgLiftHold{Regulator: regulator, SubjectKind: types.HOLD_SUBJECT_BILL, Subject: id, Reason: "cleared"})
	require.NoError(t, err)
	c.coord.CommitBlock(hk)
	require.Equal(t, keeper.ActionHoldLifted, lastAction(t, hk, id))
	require.Equal(t, [2]uint64{0, 0}, holdCounts(t, hk))
	_, err = srv.LiftHold(hk.GetContext(), &types.MsgLiftHold{Regulator: regulator, SubjectKind: types.HOLD_SUBJECT_BILL, Subject: id, Reason: "again"})
	require.ErrorIs(t, err, types.ErrHoldNotFound)
	_, err = hk.SendMsgs(&types.MsgBlankEndorseBill{Holder: sender, BillId: id})
	require.NoError(t, err)
	p := c.send(c.path.EndpointA, id, send.Receiver, 0)
	require.NoError(t, c.path.RelayPacket(p))
	require.Equal(t, types.BILL_STATUS_TRANSFERRED_OUT, c.bill(hk, id).Status)

	// A held party starts nothing new.
	_, err = srv.PlaceHold(hk.GetContext(), &types.MsgPlaceHold{Regulator: regulator, SubjectKind: types.HOLD_SUBJECT_PARTY, Subject: sender, Reason: "sanctions screening hit"})
	require.NoError(t, err)
	c.coord.CommitBlock(hk)
	all, err := qs.Holds(hk.GetContext(), &types.QueryHoldsRequest{})
	require.NoError(t, err)
	require.Len(t, all.Holds, 1)
	require.Equal(t, [2]uint64{0, 1}, holdCounts(t, hk), "one party held")
	// Refused at the zone's door (the admission ante, app/3), saying why;
	// the refused tx never reached the sequence increment.
	seq := hk.SenderAccount.GetSequence()
	_, err = hk.SendMsgs(&types.MsgAnchorDocument{Owner: sender, Hash: hashOf("held"), DocType: "OTHER"})
	require.NoError(t, hk.SenderAccount.SetSequence(seq))
	require.ErrorContains(t, err, "sanctions screening")
	require.ErrorContains(t, err, types.ErrHeld.Error())
	require.ErrorContains(t, err, "not admitted on this zone")
	_, err = srv.LiftHold(hk.GetContext(), &types.MsgLiftHold{Regulator: regulator, SubjectKind: types.HOLD_SUBJECT_PARTY, Subject: sender, Reason: "cleared"})
	require.NoError(t, err)
	c.coord.CommitBlock(hk)
	_, err = hk.SendMsgs(&types.MsgAnchorDocument{Owner: sender, Hash: hashOf("held"), DocType: "OTHER"})
	require.NoError(t, err)
	require.Equal(t, [2]uint64{0, 0}, holdCounts(t, hk))
	c.invariants()

	// The hold-count invariant catches a count that disagrees with the holds.
	k := tctestutil.App(hk).CargoKeeper
	ctx := hk.GetContext()
	require.NoError(t, k.HoldCount.Set(ctx, int32(types.HOLD_SUBJECT_PARTY), 1))
	msg, broken := keeper.HoldCountInvariant(k)(ctx)
	require.True(t, broken)
	require.Contains(t, msg, "hold count of HOLD_SUBJECT_PARTY is 1, 0 holds in force")
}

// holdCounts reads the counts of bill and party holds in force.
func holdCounts(t *testing.T, chain *ibctesting.TestChain) (n [2]uint64) {
	k := tctestutil.App(chain).CargoKeeper
	for i, kind := range []types.HoldSubject{types.HOLD_SUBJECT_BILL, types.HOLD_SUBJECT_PARTY} {
		var err error
		n[i], err = k.HoldCount.Get(chain.GetContext(), int32(kind))
		require.NoError(t, err)
	}
	return n
}

func lastAction(t *testing.T, chain *ibctesting.TestChain, id string) string {
	k := tctestutil.App(chain).CargoKeeper
	res, err := keeper.NewQueryServerImpl(k).BillHistory(chain.GetContext(), &types.QueryBillHistoryRequest{Id: id})
	require.NoError(t, err)
	return res.Entries[len(res.Entries)-1].Action
}
