package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// Random lifecycle actions by random signers. After every step:
//   - I2 exclusive control: if a bill's holder changed, the step was signed by
//     the previous holder (transfer, endorse) or by the issuing carrier taking
//     back or reissuing a surrendered bill;
//   - I3 divestment: after a transfer the previous holder can do nothing with it;
//   - I6 integrity: a bill's document hash changes only by AMEND, with version+1;
//   - every registered invariant holds.
//
// Each action runs on a cache of the state and is written only if it
// succeeds, as a transaction would be.
func TestLifecycleStateMachine(t *testing.T) {
	f := newFixture(t)
	signers := []int{cargotestutil.Carrier, cargotestutil.Carrier2, cargotestutil.Exporter, cargotestutil.Importer,
		cargotestutil.Bank, cargotestutil.Terminal, cargotestutil.Customs, cargotestutil.Retired, cargotestutil.Stranger}
	base := f.ctx

	successes := map[string]int{}
	rapid.Check(t, func(rt *rapid.T) {
		ctx, _ := base.CacheContext() // every run starts from the fixture state
		var ids []string
		n := 0
		for step := 0; step < 60; step++ {
			signer := f.addr(rapid.SampledFrom(signers).Draw(rt, "signer"))
			other := f.addr(rapid.SampledFrom(signers).Draw(rt, "other"))
			action := rapid.IntRange(0, 14).Draw(rt, "action") // 12-14: reject an offer (it needs one just made)
			if action > 12 {
				action = 12
			}
			if len(ids) == 0 {
				action = 0
			}
			var id string
			if action != 0 {
				id = rapid.SampledFrom(ids).Draw(rt, "bill")
			}
			before, heldBefore := map[string]types.Bill{}, map[string]bool{}
			for _, b := range ids {
				bill, err := f.k.GetBill(ctx, b)
				require.NoError(rt, err)
				before[b] = bill
				_, heldBefore[b], err = f.k.GetHold(ctx, types.HOLD_SUBJECT_BILL, b)
				require.NoError(rt, err)
			}
			// Half the time the signer is the one party entitled to act, so
			// that long lifecycles happen; otherwise a random party tries.
			// Amend needs a bill four steps into its life: an entitled amend
			// goes to such a bill when there is one.
			entitled := action != 0 && rapid.Bool().Draw(rt, "entitled")
			if entitled && action == 12 {
				for _, b := range ids {
					if before[b].Offer != nil {
						id = b
						break
					}
				}
			}
			if entitled && action == 8 {
				for _, b := range ids {
					if before[b].Status == types.BILL_STATUS_SURRENDERED_FOR_AMENDMENT {
						id = b
						break
					}
				}
			}
			if entitled {
				if action == 10 || action == 11 {
					signer = f.addr(cargotestutil.Customs) // also the zone's regulator
				} else if action >= 6 {
					signer = before[id].Carrier
				} else {
					signer = before[id].Holder
				}
			}

			cctx, write := ctx.CacheContext()
			var err error
			var name string
			switch action {
			case 0:
				n++
				name = "issue"
				mode := rapid.SampledFrom([]types.BillMode{types.BILL_MODE_STRAIGHT, types.BILL_MODE_TO_ORDER, types.BILL_MODE_BLANK}).Draw(rt, "mode")
				m := &types.MsgIssueBill{Carrier: signer, TransportDocumentReference: fmt.Sprintf("R%d", n), Type: types.BILL_TYPE_BOL,
					Mode: mode, IssueTo: other, DocumentHash: fmt.Sprintf("%064x", 1000+n), PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG",
					IssueDate: "2026-05-03"}
				if mode == types.BILL_MODE_STRAIGHT {
					m.Consignee = f.addr(cargotestutil.Importer)
				}
				var res *types.MsgIssueBillResponse
				if res, err = f.srv.IssueBill(cctx, m); err == nil {
					id = res.BillId
				}
			case 1:
				name = "transfer"
				_, err = f.srv.TransferBill(cctx, &types.MsgTransferBill{Holder: signer, BillId: id, To: other})
			case 2:
				name = "endorse"
				_, err = f.srv.EndorseBill(cctx, &types.MsgEndorseBill{Holder: signer, BillId: id, Endorsee: other})
			case 3:
				name = "blank-endorse"
				_, err = f.srv.BlankEndorseBill(cctx, &types.MsgBlankEndorseBill{Holder: signer, BillId: id})
			case 4:
				name = "surrender-delivery"
				_, err = f.srv.RequestSurrender(cctx, &types.MsgRequestSurrender{Holder: signer, BillId: id, Purpose: types.SURRENDER_PURPOSE_DELIVERY})
			case 5:
				name = "surrender-amendment"
				_, err = f.srv.RequestSurrender(cctx, &types.MsgRequestSurrender{Holder: signer, BillId: id, Purpose: types.SURRENDER_PURPOSE_AMENDMENT, Reason: "COD"})
			case 6:
				name = "accept"
				_, err = f.srv.AcceptSurrender(cctx, &types.MsgAcceptSurrender{Carrier: signer, BillId: id})
			case 7:
				name = "reject"
				_, err = f.srv.RejectSurrender(cctx, &types.MsgRejectSurrender{Carrier: signer, BillId: id, Reason: "not complete"})
			case 8:
				name = "amend"
				n++
				_, err = f.srv.AmendBill(cctx, &types.MsgAmendBill{Carrier: signer, BillId: id, NewDocumentHash: fmt.Sprintf("%064x", 1000+n)})
			case 9:
				name = "void"
				_, err = f.srv.VoidBill(cctx, &types.MsgVoidBill{Carrier: signer, BillId: id, Reason: "SWTP"})
			case 10:
				name = "hold"
				_, err = f.srv.PlaceHold(cctx, &types.MsgPlaceHold{Regulator: signer, SubjectKind: types.HOLD_SUBJECT_BILL, Subject: id, Reason: "screening"})
			case 11:
				name = "lift"
				_, err = f.srv.LiftHold(cctx, &types.MsgLiftHold{Regulator: signer, SubjectKind: types.HOLD_SUBJECT_BILL, Subject: id, Reason: "cleared"})
			case 12:
				name = "reject-offer"
				endorsement := rapid.Bool().Draw(rt, "reject-endorsement")
				if entitled && before[id].Offer != nil {
					endorsement = before[id].Offer.Action == keeper.ActionEndorse
				}
				if endorsement {
					_, err = f.srv.RejectEndorsement(cctx, &types.MsgRejectEndorsement{Holder: signer, BillId: id, Remark: "in error"})
				} else {
					_, err = f.srv.RejectTransfer(cctx, &types.MsgRejectTransfer{Holder: signer, BillId: id, Remark: "in error"})
				}
			}
			if err != nil {
				continue
			}
			write()
			if name == "issue" {
				ids = append(ids, id)
			}
			successes[name]++
			rt.Logf("step %d: %s by %s on %s", step, name, signer, id)

			for _, b := range ids {
				old, existed := before[b]
				if !existed {
					continue // issued in this step
				}
				now, err := f.k.GetBill(ctx, b)
				require.NoError(rt, err)
				if heldBefore[b] && name != "hold" && name != "lift" {
					require.Equalf(rt, old, now, "%s changed bill %s under a regulator's hold", name, b)
				}
				if old.Holder != now.Holder {
					byHolder := (name == "transfer" || name == "endorse") && signer == old.Holder
					if name == "reject-offer" {
						// A rejection returns control to whoever made the offer, once.
						require.NotNil(rt, old.Offer, "rejected %s without an offer", b)
						require.Equal(rt, signer, old.Holder)
						require.Equal(rt, old.Offer.From, now.Holder)
						require.Nil(rt, now.Offer)
						byHolder = true
					}
					byCarrier := (name == "accept" || name == "amend") && signer == old.Carrier
					require.Truef(rt, byHolder || byCarrier, "I2: %s moved %s from %s to %s, signed by %s", name, b, old.Holder, now.Holder, signer)
					if byHolder {
						assertDivested(rt, f, ctx, b, old.Holder)
					}
				}
				if old.DocumentHash != now.DocumentHash {
					require.Equalf(rt, "amend", name, "I6: hash of %s changed by %s", b, name)
					require.Equal(rt, old.Version+1, now.Version, "I6: amendment bumps the version")
				} else {
					require.Equal(rt, old.Version, now.Version)
				}
			}
			msg, broken := keeper.AllInvariants(f.k)(ctx)
			require.False(rt, broken, msg)
		}
	})
	t.Logf("successful actions over all runs: %v", successes)
	for _, name := range []string{"issue", "transfer", "endorse", "blank-endorse", "surrender-delivery", "surrender-amendment", "accept", "reject", "amend", "hold", "lift", "reject-offer"} {
		require.Positivef(t, successes[name], "the random walk never succeeded at %s", name)
	}
}

// assertDivested checks I3: the previous holder can no longer move or surrender the bill.
func assertDivested(rt *rapid.T, f *fixture, ctx sdk.Context, id, prev string) {
	c, _ := ctx.CacheContext()
	_, err := f.srv.EndorseBill(c, &types.MsgEndorseBill{Holder: prev, BillId: id, Endorsee: f.addr(cargotestutil.Bank)})
	require.Error(rt, err, "I3: previous holder endorsed")
	_, err = f.srv.TransferBill(c, &types.MsgTransferBill{Holder: prev, BillId: id, To: f.addr(cargotestutil.Bank)})
	require.Error(rt, err, "I3: previous holder transferred")
	_, err = f.srv.RequestSurrender(c, &types.MsgRequestSurrender{Holder: prev, BillId: id, Purpose: types.SURRENDER_PURPOSE_DELIVERY})
	require.Error(rt, err, "I3: previous holder surrendered")
}
