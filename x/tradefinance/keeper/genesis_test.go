package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// Export LCs, a pending presentation, invoices and financings; import them
// into a fresh chain: identical export, and the deadline queue is rebuilt.
func TestGenesisRoundTrip(t *testing.T) {
	f := newFixture(t)
	bill := f.bill("B1", h1, "CNSHA", "HKHKG", "2026-05-03")
	f.anchor(inv, "COMMERCIAL_INVOICE")
	id := f.issueLC()
	_, err := f.srv.PresentDocuments(f.ctx, &types.MsgPresentDocuments{Beneficiary: f.addr(ct.Exporter), LcId: id, BillId: bill, DocumentHashes: []string{inv}})
	require.NoError(t, err)
	_, err = f.srv.RegisterInvoice(f.ctx, &types.MsgRegisterInvoice{Seller: f.addr(ct.Exporter), Buyer: f.addr(ct.Importer), Number: "INV-1",
		Amount: f.coin(10), DueDate: "2026-07-01", DocumentHash: inv})
	require.NoError(t, err)
	_, err = f.srv.OfferFinancing(f.ctx, &types.MsgOfferFinancing{Bank: f.addr(ct.Bank), InvoiceId: 1, Advance: f.coin(8), Repayment: f.coin(9), Maturity: "2026-06-30"})
	require.NoError(t, err)

	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	require.Equal(t, uint64(2), exported.NextLcId)

	g := newFixture(t)
	require.NoError(t, g.k.InitGenesis(g.ctx, *exported))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)
	p := exported.Presentations[0]
	has, err := g.k.Deadlines.Has(g.ctx, collectionsJoin(p.Deadline.Unix(), id))
	require.NoError(t, err)
	require.True(t, has, "the pending presentation is back in the deadline queue")
}
