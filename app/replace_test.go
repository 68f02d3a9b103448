package app_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/tradechain/tradechain/x/cargo/keeper"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// Split and combine after a surrender for amendment, through real signed
// transactions: one bill replaced by two, then those two by one. At every
// point each transport document backs exactly one bill (I1), a bill's hash
// never changes (I6: the replacements are new bills at version 1), the
// old→new references are in the records and the histories, and refused
// attempts change nothing.
func TestSplitAndCombineBills(t *testing.T) {
	c := ct.NewChain(t)
	carrier, carrier2, exporter, importer := c.Accounts[ct.Carrier], c.Accounts[ct.Carrier2], c.Accounts[ct.Exporter], c.Accounts[ct.Importer]
	hash := func(n int) string { return fmt.Sprintf("%064x", 0x5a00+n) }
	issue := func(ref string, n int, discharge string) string {
		c.MustDeliver(carrier, &cargotypes.MsgIssueBill{Carrier: carrier.String(), TransportDocumentReference: ref, Type: cargotypes.BILL_TYPE_BOL,
			Mode: cargotypes.BILL_MODE_TO_ORDER, IssueTo: exporter.String(), Endorsee: exporter.String(), DocumentHash: hash(n),
			PortOfLoading: "CNSHA", PortOfDischarge: discharge, IssueDate: "2026-05-03", ShippedOnBoardDate: "2026-05-02"})
		return "COS-" + ref
	}
	bill := func(id string) cargotypes.Bill {
		b, err := c.App.CargoKeeper.GetBill(c.Context(), id)
		require.NoError(t, err)
		return b
	}
	entry := func(id string, seq uint64) cargotypes.HistoryEntry {
		e, err := c.App.CargoKeeper.History.Get(c.Context(), collections.Join(id, seq))
		require.NoError(t, err)
		return e
	}
	surrender := func(id, reason string) {
		c.MustDeliver(exporter, &cargotypes.MsgRequestSurrender{Holder: exporter.String(), BillId: id, Purpose: cargotypes.SURRENDER_PURPOSE_AMENDMENT, Reason: reason})
		c.MustDeliver(carrier, &cargotypes.MsgAcceptSurrender{Carrier: carrier.String(), BillId: id})
	}
	// I1 on this zone: each transport document is anchored for exactly the
	// bill that carries it, and the registered invariants hold.
	documentsBackOneBill := func(ids ...string) {
		for _, id := range ids {
			d, err := c.App.CargoKeeper.Documents.Get(c.Context(), bill(id).DocumentHash)
			require.NoError(t, err)
			require.Equal(t, id, d.BillId)
		}
		msg, broken := keeper.AllInvariants(c.App.CargoKeeper)(c.Context())
		require.False(t, broken, msg)
	}
	split := func(id string, reps ...cargotypes.BillReplacement) *cargotypes.MsgSplitBill {
		return &cargotypes.MsgSplitBill{Carrier: carrier.String(), BillId: id, Replacements: reps, Remark: "split for two buyers"}
	}
	rep := func(ref string, n int) cargotypes.BillReplacement {
		return cargotypes.BillReplacement{TransportDocumentReference: ref, DocumentHash: hash(n)}
	}

	whole := issue("WHOLE", 1, "HKHKG")
	// Only a bill surrendered for amendment is split.
	requireRegistered(t, c.Deliver(carrier, split(whole, rep("PART1", 2), rep("PART2", 3))), cargotypes.ErrWrongStatus)
	surrender(whole, "COD")
	before := bill(whole)
	for _, tc := range []struct {
		name   string
		signer int
		msg    *cargotypes.MsgSplitBill
		want   *errorsmod.Error
	}{
		{"another carrier", ct.Carrier2, &cargotypes.MsgSplitBill{Carrier: carrier2.String(), BillId: whole, Replacements: []cargotypes.BillReplacement{rep("PART1", 2), rep("PART2", 3)}}, cargotypes.ErrUnauthorized},
		{"one replacement", ct.Carrier, split(whole, rep("PART1", 2)), cargotypes.ErrInvalidField},
		{"the same document twice", ct.Carrier, split(whole, rep("PART1", 2), rep("PART2", 2)), cargotypes.ErrInvalidField},
		{"the old document again", ct.Carrier, split(whole, rep("PART1", 2), rep("PART2", 1)), cargotypes.ErrDocumentExists},
		{"an existing bill id", ct.Carrier, split(whole, rep("PART1", 2), rep("WHOLE", 3)), cargotypes.ErrBillExists},
		{"a bad hash", ct.Carrier, split(whole, rep("PART1", 2), cargotypes.BillReplacement{TransportDocumentReference: "PART2", DocumentHash: "abc"}), cargotypes.ErrInvalidHash},
	} {
		res := c.Deliver(c.Accounts[tc.signer], tc.msg)
		requireRegistered(t, res, tc.want)
		require.Equal(t, before, bill(whole), tc.name)
		_, err := c.App.CargoKeeper.GetBill(c.Context(), "COS-PART1")
		require.ErrorIs(t, err, cargotypes.ErrBillNotFound, "%s: a refused split left a new bill", tc.name)
	}

	// The split: the old bill is VOIDED and names both; each new bill is a
	// new title (version 1, its own document) for the holder who surrendered.
	res := c.MustDeliver(carrier, split(whole, rep("PART1", 2), rep("PART2", 3)))
	replaced := false
	for _, ev := range res.Events {
		if ev.Type == "tradechain.cargo.v1.EventBillsReplaced" {
			for _, a := range ev.Attributes {
				replaced = replaced || (a.Key == "new_bill_ids" && a.Value == `["COS-PART1","COS-PART2"]`)
			}
		}
	}
	require.True(t, replaced, "no EventBillsReplaced naming the new bills in %v", res.Events)
	old := bill(whole)
	require.Equal(t, cargotypes.BILL_STATUS_VOIDED, old.Status)
	require.Equal(t, []string{"COS-PART1", "COS-PART2"}, old.ReplacedBy)
	require.Equal(t, hash(1), old.DocumentHash, "I6: the old bill keeps its document")
	last := entry(whole, old.HistoryLen)
	require.Equal(t, keeper.ActionSplit, last.Action)
	require.Equal(t, "replaced by COS-PART1, COS-PART2", last.Detail)
	require.Equal(t, "split for two buyers", last.Remark)
	for i, id := range []string{"COS-PART1", "COS-PART2"} {
		b := bill(id)
		require.Equal(t, cargotypes.BILL_STATUS_ISSUED, b.Status)
		require.Equal(t, exporter.String(), b.Holder)
		require.Equal(t, exporter.String(), b.Endorsee)
		require.Equal(t, cargotypes.BILL_MODE_TO_ORDER, b.Mode)
		require.Equal(t, uint64(1), b.Version)
		require.Equal(t, hash(2+i), b.DocumentHash)
		require.Equal(t, []string{whole}, b.Replaces)
		require.Equal(t, "2026-05-02", b.ShippedOnBoardDate)
		first := entry(id, 1)
		require.Equal(t, keeper.ActionIssue, first.Action)
		require.Equal(t, "split from "+whole, first.Detail)
	}
	documentsBackOneBill(whole, "COS-PART1", "COS-PART2")
	// The old bill is dead: nobody moves it, nobody splits it again.
	requireRegistered(t, c.Deliver(carrier, split(whole, rep("PART3", 4), rep("PART4", 5))), cargotypes.ErrWrongStatus)
	// A new bill is a live title: its holder endorses it.
	c.MustDeliver(exporter, &cargotypes.MsgEndorseBill{Holder: exporter.String(), BillId: "COS-PART1", Endorsee: importer.String()})
	c.MustDeliver(importer, &cargotypes.MsgRejectEndorsement{Holder: importer.String(), BillId: "COS-PART1"})

	// Combine: both parts surrendered again by the same holder become one.
	surrender("COS-PART1", "SWI")
	surrender("COS-PART2", "SWI")
	other := issue("OTHER", 6, "HKKWN") // another route
	surrender(other, "COD")
	combine := func(ref string, n int, ids ...string) *cargotypes.MsgCombineBills {
		return &cargotypes.MsgCombineBills{Carrier: carrier.String(), BillIds: ids, Replacement: rep(ref, n)}
	}
	requireRegistered(t, c.Deliver(carrier, combine("JOINED", 7, "COS-PART1", other)), cargotypes.ErrNotCombinable)
	requireRegistered(t, c.Deliver(carrier, combine("JOINED", 7, "COS-PART1", "COS-PART1")), cargotypes.ErrInvalidField)
	requireRegistered(t, c.Deliver(carrier, combine("JOINED", 7, "COS-PART1", whole)), cargotypes.ErrWrongStatus)
	require.Equal(t, cargotypes.BILL_STATUS_SURRENDERED_FOR_AMENDMENT, bill("COS-PART1").Status)
	c.MustDeliver(carrier, combine("JOINED", 7, "COS-PART1", "COS-PART2"))
	joined := bill("COS-JOINED")
	require.Equal(t, cargotypes.BILL_STATUS_ISSUED, joined.Status)
	require.Equal(t, exporter.String(), joined.Holder)
	require.Equal(t, []string{"COS-PART1", "COS-PART2"}, joined.Replaces)
	require.Equal(t, "combined from COS-PART1, COS-PART2", entry("COS-JOINED", 1).Detail)
	for _, id := range []string{"COS-PART1", "COS-PART2"} {
		b := bill(id)
		require.Equal(t, cargotypes.BILL_STATUS_VOIDED, b.Status)
		require.Equal(t, []string{"COS-JOINED"}, b.ReplacedBy)
		require.Equal(t, keeper.ActionCombine, entry(id, b.HistoryLen).Action)
	}
	documentsBackOneBill(whole, "COS-PART1", "COS-PART2", "COS-JOINED", other)

	// Void takes the DCSA reason code; the explanation goes in the remark.
	requireRegistered(t, c.Deliver(carrier, &cargotypes.MsgVoidBill{Carrier: carrier.String(), BillId: other, Reason: "switched to paper"}), cargotypes.ErrInvalidField)
	c.MustDeliver(carrier, &cargotypes.MsgVoidBill{Carrier: carrier.String(), BillId: other, Reason: "SWTP", Remark: "paper B/L 0042 issued in Hong Kong"})
	require.Equal(t, cargotypes.BILL_STATUS_VOIDED, bill(other).Status)

	// The chain of title of the combined bill starts with its ISSUE, whose
	// detail names the bills it replaces; the old bills' chains end with
	// the split and the combination.
	chain, err := keeper.NewQueryServerImpl(c.App.CargoKeeper).EndorsementChain(c.Context(), &cargotypes.QueryEndorsementChainRequest{Id: "COS-PART1"})
	require.NoError(t, err)
	actions := []string{}
	for _, e := range chain.Entries {
		actions = append(actions, e.Action)
	}
	require.Equal(t, []string{"ISSUE", "ENDORSE", "REJECT_ENDORSEMENT", "SURRENDER_FOR_AMENDMENT", "SACC", "COMBINE"}, actions)
}
