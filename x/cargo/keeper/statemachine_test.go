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
//   - a split or combination voids exactly the bills it replaces and issues
//     new bills (version 1, own documents) naming them, held by the party
//     who surrendered (I1: every document backs one bill — bill-records);
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
		for step := 0; step < 100; step++ {
			signer := f.addr(rapid.SampledFrom(signers).Draw(rt, "signer"))
			other := f.addr(rapid.SampledFrom(signers).Draw(rt, "other"))
			// 12-14: reject an offer (it needs one just made); 17-22: surrender
			// for amendment, accept it and combine more often (a combination
			// needs two bills of one holder in that state).
			action := rapid.IntRange(0, 22).Draw(rt, "action")
			switch action {
			case 13, 14:
				action = 12
			case 17, 18:
				action = 5
			case 19, 20:
				action = 6
			case 21, 22:
				action = 16
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
			entitled := rapid.Bool().Draw(rt, "entitled")
			if entitled && action == 12 {
				for _, b := range ids {
					if before[b].Offer != nil {
						id = b
						break
					}
				}
			}
			// Amend, split and combine need a bill surrendered for amendment,
			// a combination two that can join (same holder who surrendered,
			// parties and mode): entitled actions look for them, and an
			// entitled surrender or acceptance prefers a bill that would
			// make such a pair.
			joinable := func(a, b types.Bill) bool {
				ra, rb := a.Holder, b.Holder
				if a.Surrender != nil {
					ra = a.Surrender.RequestedBy
				}
				if b.Surrender != nil {
					rb = b.Surrender.RequestedBy
				}
				return a.Id != b.Id && ra == rb && a.Mode == b.Mode && a.Shipper == b.Shipper && a.Consignee == b.Consignee && a.Endorsee == b.Endorsee
			}
			pick := func(ok func(b types.Bill) bool) {
				for _, b := range ids {
					if ok(before[b]) && !heldBefore[b] {
						id = b
						return
					}
				}
			}
			amendable := func(b types.Bill) bool { return b.Status == types.BILL_STATUS_SURRENDERED_FOR_AMENDMENT }
			inAmendment := func(b types.Bill) bool {
				return amendable(b) || b.Status == types.BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT
			}
			hasPartner := func(b types.Bill, ok func(types.Bill) bool) bool {
				for _, o := range ids {
					if ok(before[o]) && !heldBefore[o] && joinable(b, before[o]) {
						return true
					}
				}
				return false
			}
			if entitled {
				switch action {
				case 5:
					issued := func(b types.Bill) bool { return b.Status == types.BILL_STATUS_ISSUED }
					pick(func(b types.Bill) bool { return issued(b) && hasPartner(b, issued) })
					pick(func(b types.Bill) bool { return issued(b) && hasPartner(b, inAmendment) })
				case 6:
					pick(func(b types.Bill) bool { return b.Status == types.BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT })
				case 8, 15: // leaving a pair that can combine to combine
					pick(amendable)
					pick(func(b types.Bill) bool { return amendable(b) && !hasPartner(b, amendable) })
				case 16:
					pick(func(b types.Bill) bool { return amendable(b) && hasPartner(b, amendable) })
				}
			}
			partner := ""
			if action == 16 {
				partner = rapid.SampledFrom(ids).Draw(rt, "partner")
				if entitled {
					for _, b := range ids {
						if amendable(before[b]) && !heldBefore[b] && joinable(before[id], before[b]) {
							partner = b
							break
						}
					}
				}
			}
			if entitled {
				if action == 0 {
					signer = f.addr(cargotestutil.Carrier)
				} else if action == 10 || action == 11 {
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
			var created []string // bills a split or combination issued
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
				// Carriers issue several bills to one shipper: half the time
				// the new bill has the parties of a bill its shipper still holds.
				if len(ids) > 0 && rapid.Bool().Draw(rt, "twin") {
					if x := before[rapid.SampledFrom(ids).Draw(rt, "twin-of")]; x.Holder == x.Shipper {
						m.IssueTo, m.Mode, m.Consignee, m.Endorsee = x.Shipper, x.Mode, x.Consignee, x.Endorsee
					}
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
			case 15:
				name = "split"
				m := &types.MsgSplitBill{Carrier: signer, BillId: id}
				for i := 0; i < rapid.IntRange(2, 3).Draw(rt, "parts"); i++ {
					n++
					m.Replacements = append(m.Replacements, types.BillReplacement{TransportDocumentReference: fmt.Sprintf("R%d", n), DocumentHash: fmt.Sprintf("%064x", 1000+n)})
				}
				var res *types.MsgSplitBillResponse
				if res, err = f.srv.SplitBill(cctx, m); err == nil {
					created = res.BillIds
				}
			case 16:
				name = "combine"
				n++
				var res *types.MsgCombineBillsResponse
				if res, err = f.srv.CombineBills(cctx, &types.MsgCombineBills{Carrier: signer, BillIds: []string{id, partner},
					Replacement: types.BillReplacement{TransportDocumentReference: fmt.Sprintf("R%d", n), DocumentHash: fmt.Sprintf("%064x", 1000+n)}}); err == nil {
					created = []string{res.BillId}
				}
			}
			if err != nil {
				continue
			}
			write()
			if name == "issue" {
				ids = append(ids, id)
			}
			replaced := map[string]bool{}
			if len(created) > 0 {
				replaced[id] = true
				if partner != "" {
					replaced[partner] = true
				}
				for _, nid := range created {
					nb, err := f.k.GetBill(ctx, nid)
					require.NoError(rt, err)
					require.Equal(rt, uint64(1), nb.Version, "a replacement is a new title")
					require.Equal(rt, before[id].Surrender.RequestedBy, nb.Holder, "a replacement goes to the holder who surrendered")
					require.Len(rt, nb.Replaces, len(replaced))
					for _, o := range nb.Replaces {
						require.True(rt, replaced[o], "%s names %s, which it did not replace", nid, o)
					}
				}
				ids = append(ids, created...)
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
				if replaced[b] {
					require.Equal(rt, types.BILL_STATUS_VOIDED, now.Status, "%s replaced %s without voiding it", name, b)
					require.Equal(rt, created, now.ReplacedBy)
				} else if len(now.ReplacedBy) != len(old.ReplacedBy) {
					rt.Fatalf("%s changed the replacements of %s, which it did not replace", name, b)
				}
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
	for _, name := range []string{"issue", "transfer", "endorse", "blank-endorse", "surrender-delivery", "surrender-amendment", "accept", "reject", "amend", "hold", "lift", "reject-offer", "split", "combine"} {
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
