package keeper_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	sdk "github.com/cosmos/cosmos-sdk/types"

	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/tradefinance/keeper"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// Random LC, financing and bill actions by random signers, with time moving
// forward. After every step: I4 (one registration per fingerprint, one lien
// per bill, one active financing per invoice, LC paid ≤ amount) and every
// x/tradefinance invariant (escrow = sum of open LC escrows) hold.
func TestFinanceStateMachine(t *testing.T) {
	f := newFixture(t)
	bills := []string{
		f.bill("B1", h1, "CNSHA", "HKHKG", "2026-05-03"),
		f.bill("B2", h2, "CNSHA", "HKHKG", "2026-05-03"),
	}
	// Three invoice documents, and invoice numbers drawn in several spellings
	// of two real numbers: a respelling must never register (and so finance)
	// one invoice twice, and no document may back two invoices.
	docs := []string{inv, h4, h5}
	for _, d := range docs {
		f.anchor(d, "COMMERCIAL_INVOICE")
	}
	spellings := []string{"INV-%d", "inv %d", "Inv.%04d", "ＩＮＶ／%d", "INV%03d", "inv/0%d", " i-n-v %d"}
	require.NoError(t, f.chain.App.BankKeeper.SendCoins(f.ctx, f.chain.Accounts[ct.Bank].Address, f.chain.Accounts[ct.Importer].Address, sdk.NewCoins(f.coin(3_000_000))))
	signers := []int{ct.Bank, ct.Bank2, ct.Exporter, ct.Importer, ct.Stranger}
	base := f.ctx
	successes := map[string]int{}

	rapid.Check(t, func(rt *rapid.T) {
		ctx, _ := base.CacheContext()
		fingerprints := map[string]uint64{}
		invoiceOf := map[uint64]string{}  // invoice id → its real number (normalised)
		registered := map[string]bool{}   // real numbers registered
		documentUsed := map[string]bool{} // invoice documents that back an invoice
		for step := 0; step < 50; step++ {
			who := f.addr(rapid.SampledFrom(signers).Draw(rt, "signer"))
			id := rapid.Uint64Range(1, 3).Draw(rt, "id")
			bill := rapid.SampledFrom(bills).Draw(rt, "bill")
			amt := f.coin(rapid.Int64Range(1, 2_000_000).Draw(rt, "amount"))
			if rapid.IntRange(0, 5).Draw(rt, "tick") == 0 {
				ctx = ctx.WithBlockTime(ctx.BlockTime().Add(time.Duration(rapid.IntRange(1, 10).Draw(rt, "days")) * 24 * time.Hour))
			}
			cctx, write := ctx.CacheContext()
			var err error
			var name string
			action := rapid.IntRange(0, 10).Draw(rt, "action")
			// Half the time the entitled party acts, so long lifecycles happen.
			if rapid.Bool().Draw(rt, "entitled") {
				who = f.addr(ct.Bank)
				if action == 2 || action == 6 {
					who = f.addr(ct.Exporter)
				}
				if action >= 7 && action <= 9 { // examine an LC that is under presentation
					_ = f.k.LCs.Walk(ctx, nil, func(lcID uint64, lc types.LetterOfCredit) (bool, error) {
						if lc.Status == types.LC_STATUS_PRESENTED {
							id = lcID
							return true, nil
						}
						return false, nil
					})
				}
			}
			switch action {
			case 0:
				name = "register-invoice"
				var r *types.MsgRegisterInvoiceResponse
				n := rapid.IntRange(1, 2).Draw(rt, "number")
				number := fmt.Sprintf(rapid.SampledFrom(spellings).Draw(rt, "spelling"), n)
				doc := rapid.SampledFrom(docs).Draw(rt, "document")
				r, err = f.srv.RegisterInvoice(cctx, &types.MsgRegisterInvoice{Seller: f.addr(ct.Exporter), Buyer: f.addr(ct.Importer),
					Number: number, Amount: f.coin(1_000_000), DueDate: "2026-08-01", DocumentHash: doc, BillId: bill})
				real := types.NormalizeInvoiceNumber(fmt.Sprintf("INV-%d", n))
				require.Equal(rt, real, types.NormalizeInvoiceNumber(number))
				if err == nil {
					_, dup := fingerprints[r.Fingerprint]
					require.False(rt, dup, "I4: a fingerprint was registered twice")
					require.Falsef(rt, registered[real], "I4: invoice %s registered again as %q", real, number)
					require.Falsef(rt, documentUsed[doc], "I4: document %s backs a second invoice", doc)
					fingerprints[r.Fingerprint] = r.InvoiceId
					invoiceOf[r.InvoiceId], registered[real], documentUsed[doc] = real, true, true
				} else {
					require.Truef(rt, registered[real] || documentUsed[doc], "a fresh invoice on a fresh document was refused: %v", err)
				}
			case 1:
				name = "offer"
				_, err = f.srv.OfferFinancing(cctx, &types.MsgOfferFinancing{Bank: who, InvoiceId: id, Advance: f.coin(500_000), Repayment: f.coin(520_000), Maturity: "2026-06-15"})
			case 2:
				name = "accept"
				_, err = f.srv.AcceptFinancing(cctx, &types.MsgAcceptFinancing{Seller: who, FinancingId: id})
			case 3:
				name = "repay"
				_, err = f.srv.Repay(cctx, &types.MsgRepay{Payer: f.addr(ct.Importer), FinancingId: id, Amount: sdk.NewInt64Coin(hkd, amt.Amount.Int64()%600_000+1)})
			case 4:
				name = "default"
				_, err = f.srv.DeclareDefault(cctx, &types.MsgDeclareDefault{Bank: who, FinancingId: id})
			case 5:
				name = "issue-lc"
				m := f.lcMsg()
				m.IssuingBank, m.Amount = who, amt
				_, err = f.srv.IssueLC(cctx, m)
			case 6:
				name = "present"
				_, err = f.srv.PresentDocuments(cctx, &types.MsgPresentDocuments{Beneficiary: who, LcId: id, BillId: bill, DocumentHashes: []string{inv}})
			case 7:
				name = "comply"
				_, err = f.srv.ExamineDocuments(cctx, &types.MsgExamineDocuments{IssuingBank: who, LcId: id, Decision: types.DECISION_COMPLY})
			case 8:
				name = "refuse"
				_, err = f.srv.ExamineDocuments(cctx, &types.MsgExamineDocuments{IssuingBank: who, LcId: id, Decision: types.DECISION_REFUSE, Discrepancies: []string{"x"}})
			case 9:
				name = "settle/endblock"
				if err = f.k.EndBlocker(cctx); err == nil {
					_, err = f.srv.SettlePresentation(cctx, &types.MsgSettlePresentation{Signer: who, LcId: id})
				}
			case 10:
				name = "close"
				_, err = f.srv.CloseLC(cctx, &types.MsgCloseLC{IssuingBank: who, LcId: id})
			}
			if err != nil {
				continue
			}
			write()
			successes[name]++
			msg, broken := keeper.AllInvariants(f.k)(ctx)
			require.False(rt, broken, msg)
			// I4 over real invoices: at most one active financing per real
			// invoice number, however it was spelled when registered.
			activeFor := map[string]uint64{}
			require.NoError(rt, f.k.Financings.Walk(ctx, nil, func(fid uint64, fin types.Financing) (bool, error) {
				if fin.Status == types.FINANCING_STATUS_ACTIVE {
					real := invoiceOf[fin.InvoiceId]
					other, dup := activeFor[real]
					require.Falsef(rt, dup, "I4: invoice %s financed by %d and %d", real, other, fid)
					activeFor[real] = fid
				}
				return false, nil
			}))
		}
	})
	t.Logf("successful actions: %v", successes)
	for _, n := range []string{"register-invoice", "offer", "accept", "repay", "issue-lc", "present", "close"} {
		require.Positivef(t, successes[n], "the random walk never succeeded at %s", n)
	}
	// Presentations are rare in a random walk (a bill on the credit's route,
	// in time, unliened), so which decision the bank happens to take on the
	// few there are varies from run to run; the walk must reach examination.
	require.Positivef(t, successes["comply"]+successes["refuse"], "the random walk never examined a presentation")
}
