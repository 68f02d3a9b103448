package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// trackRecord is party's track record by figure name, each figure's count
// checked against the ids it lists.
func (f *fixture) trackRecord(party string) map[string][]string {
	f.t.Helper()
	res, err := keeper.NewQueryServerImpl(f.k).TrackRecord(f.ctx, &types.QueryTrackRecordRequest{Party: party})
	require.NoError(f.t, err)
	out := map[string][]string{}
	for _, fg := range res.Figures {
		require.Equal(f.t, uint64(len(fg.Ids)), fg.Count, fg.Name)
		out[fg.Name] = fg.Ids
	}
	return out
}

// passOn issues a to-order bill to the exporter (its shipper), who endorses
// it to the bank, which endorses it to the importer: the bank received it and
// passed it on without shipping it.
func (f *fixture) passOn(ref, hash string) string {
	f.t.Helper()
	exporter, bank, importer := f.addr(cargotestutil.Exporter), f.addr(cargotestutil.Bank), f.addr(cargotestutil.Importer)
	id := f.issue(func(m *types.MsgIssueBill) { m.TransportDocumentReference, m.DocumentHash = ref, hash })
	_, err := f.srv.EndorseBill(f.ctx, &types.MsgEndorseBill{Holder: exporter, BillId: id, Endorsee: bank})
	require.NoError(f.t, err)
	_, err = f.srv.EndorseBill(f.ctx, &types.MsgEndorseBill{Holder: bank, BillId: id, Endorsee: importer})
	require.NoError(f.t, err)
	return id
}

// A party that received a bill and passed it on has it in its track record
// (held, held before), with the ids; one that refused a bill on receipt did
// not hold it (the refusal is a dispute); the carrier holding a surrendered
// bill did not hold title. Every figure lists the bills it counts.
func TestTrackRecordReceivedAndPassedOn(t *testing.T) {
	f := newFixture(t)
	exporter, bank, importer, carrier := f.addr(cargotestutil.Exporter), f.addr(cargotestutil.Bank), f.addr(cargotestutil.Importer), f.addr(cargotestutil.Carrier)
	passed := f.passOn("COSU0000000011", hashN(1))

	// A second bill: the exporter endorses it to the bank, which refuses it.
	refused := f.issue(func(m *types.MsgIssueBill) { m.TransportDocumentReference, m.DocumentHash = "COSU0000000012", hashN(2) })
	_, err := f.srv.EndorseBill(f.ctx, &types.MsgEndorseBill{Holder: exporter, BillId: refused, Endorsee: bank})
	require.NoError(t, err)
	_, err = f.srv.RejectEndorsement(f.ctx, &types.MsgRejectEndorsement{Holder: bank, BillId: refused, Remark: "not ours"})
	require.NoError(t, err)

	// The importer, holding the first, surrenders it for delivery.
	_, err = f.srv.RequestSurrender(f.ctx, &types.MsgRequestSurrender{Holder: importer, BillId: passed, Purpose: types.SURRENDER_PURPOSE_DELIVERY})
	require.NoError(t, err)
	_, err = f.srv.AcceptSurrender(f.ctx, &types.MsgAcceptSurrender{Carrier: carrier, BillId: passed})
	require.NoError(t, err)
	f.invariants()

	bk := f.trackRecord(bank)
	require.Equal(t, []string{passed}, bk["bills_held"], "received from the exporter, passed on to the importer")
	require.Equal(t, []string{passed}, bk["bills_held_before"])
	require.Empty(t, bk["bills_holding_now"])
	require.Empty(t, bk["bills_shipped"])
	require.Empty(t, bk["bills_surrendered_for_delivery"], "the importer surrendered it, not the bank")
	require.Equal(t, []string{refused + "/3"}, bk["transfers_rejected_by_party"], "the refused bill is a dispute, not a bill held")

	ex := f.trackRecord(exporter)
	require.Equal(t, []string{passed, refused}, ex["bills_shipped"])
	require.Equal(t, []string{passed, refused}, ex["bills_held"])
	require.Equal(t, []string{refused}, ex["bills_holding_now"], "the refused endorsement came back to it")
	require.Equal(t, []string{passed}, ex["bills_held_before"])
	require.Equal(t, []string{refused + "/3"}, ex["transfers_of_party_rejected"])

	im := f.trackRecord(importer)
	require.Equal(t, []string{passed}, im["bills_held"])
	require.Equal(t, []string{passed}, im["bills_held_before"], "surrendered: control went back to the carrier")
	require.Equal(t, []string{passed}, im["bills_surrendered_for_delivery"])

	ca := f.trackRecord(carrier)
	require.Empty(t, ca["bills_held"], "control back to the carrier on surrender is not title held")
	require.Empty(t, ca["bills_holding_now"])
	require.Equal(t, []string{passed, refused}, ca["bills_issued_as_carrier"])

	// The holder index: the bank and the exporter held `passed` before, the
	// carrier holds it now; the bank held `refused` for a moment (the index
	// lists every holder; the track record classifies).
	for _, c := range []struct {
		party, id string
		now       bool
	}{{bank, passed, false}, {exporter, passed, false}, {importer, passed, false}, {carrier, passed, true}, {bank, refused, false}, {exporter, refused, true}} {
		now, err := f.k.Bills.Indexes.Holder.Get(f.ctx, collections.Join(c.party, c.id))
		require.NoError(t, err, "%s in the holder index for %s", c.party, c.id)
		require.Equal(t, c.now, now, "%s for %s", c.party, c.id)
	}
}

// A split gives the holder who surrendered the bill the new bills (held,
// holding now); the old bill is counted as replaced for its shipper and
// holder, not voided.
func TestTrackRecordThroughSplit(t *testing.T) {
	f := newFixture(t)
	exporter, bank, carrier := f.addr(cargotestutil.Exporter), f.addr(cargotestutil.Bank), f.addr(cargotestutil.Carrier)
	id := f.issue(nil)
	_, err := f.srv.EndorseBill(f.ctx, &types.MsgEndorseBill{Holder: exporter, BillId: id, Endorsee: bank})
	require.NoError(t, err)
	_, err = f.srv.RequestSurrender(f.ctx, &types.MsgRequestSurrender{Holder: bank, BillId: id, Purpose: types.SURRENDER_PURPOSE_AMENDMENT, Reason: "SWI"})
	require.NoError(t, err)
	_, err = f.srv.AcceptSurrender(f.ctx, &types.MsgAcceptSurrender{Carrier: carrier, BillId: id})
	require.NoError(t, err)
	res, err := f.srv.SplitBill(f.ctx, &types.MsgSplitBill{Carrier: carrier, BillId: id, Replacements: []types.BillReplacement{
		{TransportDocumentReference: "COSU0000000021", DocumentHash: hashN(1)},
		{TransportDocumentReference: "COSU0000000022", DocumentHash: hashN(2)},
	}})
	require.NoError(t, err)
	require.Len(t, res.BillIds, 2)
	f.invariants()

	bk := f.trackRecord(bank)
	require.Equal(t, []string{res.BillIds[0], res.BillIds[1], id}, bk["bills_held"])
	require.Equal(t, res.BillIds, bk["bills_holding_now"], "the new bills went to the holder who surrendered")
	require.Equal(t, []string{id}, bk["bills_held_before"])
	require.Equal(t, []string{id}, bk["bills_replaced"])
	require.Empty(t, bk["bills_voided"], "a split is not a void")

	ex := f.trackRecord(exporter)
	require.Equal(t, []string{id}, ex["bills_held"], "the exporter never held the new bills")
	require.Equal(t, []string{id}, ex["bills_replaced"])
	// The new bills keep the old one's shipper.
	require.Equal(t, []string{res.BillIds[0], res.BillIds[1], id}, ex["bills_shipped"])
}

// `bills --holder` pages only the bills the party holds now, though its
// range of the holder index also lists those it held before.
func TestBillsByHolderSkipsPastHolders(t *testing.T) {
	f := newFixture(t)
	bank := f.addr(cargotestutil.Bank)
	var passed, kept []string
	for i := 0; i < 3; i++ {
		passed = append(passed, f.passOn(fmt.Sprintf("COSU00000001%02d", i), hashN(i)))
	}
	exporter := f.addr(cargotestutil.Exporter)
	for i := 3; i < 5; i++ {
		id := f.issue(func(m *types.MsgIssueBill) {
			m.TransportDocumentReference, m.DocumentHash = fmt.Sprintf("COSU00000001%02d", i), fmt.Sprintf("%064x", 100+i)
		})
		_, err := f.srv.EndorseBill(f.ctx, &types.MsgEndorseBill{Holder: exporter, BillId: id, Endorsee: bank})
		require.NoError(t, err)
		kept = append(kept, id)
	}
	q := keeper.NewQueryServerImpl(f.k)
	var got []string
	var next []byte
	for pages := 0; ; pages++ {
		require.Less(t, pages, 5)
		res, err := q.Bills(f.ctx, &types.QueryBillsRequest{Holder: bank, Pagination: &query.PageRequest{Key: next, Limit: 1}})
		require.NoError(t, err)
		require.LessOrEqual(t, len(res.Bills), 1)
		for _, b := range res.Bills {
			require.Equal(t, bank, b.Holder)
			got = append(got, b.Id)
		}
		if next = res.Pagination.NextKey; next == nil {
			break
		}
	}
	require.ElementsMatch(t, kept, got)
	res, err := q.Bills(f.ctx, &types.QueryBillsRequest{Holder: bank, Pagination: &query.PageRequest{CountTotal: true, Limit: 10}})
	require.NoError(t, err)
	require.Len(t, res.Bills, 2)
	require.EqualValues(t, 2, res.Pagination.Total)
	require.ElementsMatch(t, append(append([]string{}, passed...), kept...), f.trackRecord(bank)["bills_held"])
}

// The v3 upgrade's step MigratePastHolders: on a store version 2 wrote —
// the holder index keeping only the holders now — it adds every party that
// held a bill before from the bills' histories (the invariant finds them
// missing before, and nothing wrong after); the holders now are untouched,
// and running it twice adds nothing. A genesis export and import keeps them.
func TestMigratePastHolders(t *testing.T) {
	f := newFixture(t)
	bank, exporter := f.addr(cargotestutil.Bank), f.addr(cargotestutil.Exporter)
	passed := f.passOn("COSU0000000031", hashN(1))
	want := f.trackRecord(bank)
	require.Equal(t, []string{passed}, want["bills_held"])

	// Version 2: a holder's entry was deleted when the bill left it.
	var past []collections.Pair[string, string]
	require.NoError(t, f.k.Bills.Indexes.Holder.Walk(f.ctx, nil, func(k collections.Pair[string, string], now bool) (bool, error) {
		if !now {
			past = append(past, k)
		}
		return false, nil
	}))
	require.ElementsMatch(t, []collections.Pair[string, string]{collections.Join(bank, passed), collections.Join(exporter, passed)}, past)
	for _, k := range past {
		require.NoError(t, f.k.Bills.Indexes.Holder.Remove(f.ctx, k))
	}
	msg, broken := keeper.PastHoldersInvariant(f.k)(f.ctx)
	require.True(t, broken, "the invariant finds the past holders missing")
	require.Contains(t, msg, bank+" (a past holder or its shipper) missing")
	require.Empty(t, f.trackRecord(bank)["bills_held"], "version 2 could not see it")

	require.NoError(t, keeper.NewMigrator(f.k).MigratePastHolders(f.ctx))
	f.invariants()
	require.Equal(t, want, f.trackRecord(bank))
	require.NoError(t, keeper.NewMigrator(f.k).MigratePastHolders(f.ctx), "idempotent")
	f.invariants()

	// Genesis does not carry the index: import rebuilds the past holders.
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	g := newFixture(t)
	require.NoError(t, g.k.InitGenesis(g.ctx, *gs))
	g.invariants()
	require.Equal(t, want, g.trackRecord(bank))
}

// BenchmarkBillsByHolderPastHeavy: the cost the holder index's past puts on
// `bills --holder`: a page of the bills a party holds now walks past the
// entries of the bills it held before (in id order: here all of them sort
// before the one it holds).
//
//	go test ./x/cargo/keeper -run xxx -bench BillsByHolderPastHeavy -benchtime 20x
func BenchmarkBillsByHolderPastHeavy(b *testing.B) {
	for _, past := range []int{0, 10_000, 100_000} {
		b.Run(fmt.Sprintf("past=%d", past), func(b *testing.B) {
			c := cargotestutil.NewChain(b)
			k, ctx := c.App.CargoKeeper, c.Context()
			srv := keeper.NewMsgServerImpl(k)
			bank, exporter := c.Accounts[cargotestutil.Bank].String(), c.Accounts[cargotestutil.Exporter].String()
			for i := 0; i < past; i++ {
				require.NoError(b, k.Bills.Indexes.Holder.Set(ctx, collections.Join(bank, fmt.Sprintf("A%07d", i)), false))
			}
			res, err := srv.IssueBill(ctx, &types.MsgIssueBill{
				Carrier: c.Accounts[cargotestutil.Carrier].String(), TransportDocumentReference: "COSU6385270140",
				Type: types.BILL_TYPE_BOL, Mode: types.BILL_MODE_TO_ORDER, IssueTo: exporter,
				DocumentHash: docHash, PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2026-05-03",
			})
			require.NoError(b, err)
			_, err = srv.EndorseBill(ctx, &types.MsgEndorseBill{Holder: exporter, BillId: res.BillId, Endorsee: bank})
			require.NoError(b, err)
			c.NextBlock() // committed: the query reads the stored tree, as a node's would
			ctx = c.Context()
			q := keeper.NewQueryServerImpl(k)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				page, err := q.Bills(ctx, &types.QueryBillsRequest{Holder: bank, Pagination: &query.PageRequest{Limit: 50}})
				require.NoError(b, err)
				require.Len(b, page.Bills, 1)
			}
		})
	}
}
