package tradefinance_test

import (
	"fmt"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/tradechain/tradechain/app"
	tctestutil "github.com/tradechain/tradechain/testutil"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

const benchSigners = 100

// bankDenom is signer i's deposit token (party code B%03d).
func bankDenom(i int) string { return types.DepositDenom(fmt.Sprintf("B%03d", i), "hkd") }

func lcMsg(s []*tctestutil.Account, i int) *types.MsgIssueLC {
	n := len(s)
	return &types.MsgIssueLC{IssuingBank: s[i].String(), Applicant: s[(i+2)%n].String(), Beneficiary: s[(i+1)%n].String(),
		Amount: sdk.NewInt64Coin(bankDenom(i), 1000), Expiry: "2026-12-31", LatestShipmentDate: "2026-05-10",
		PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", DeliverBillTo: types.DELIVER_BILL_TO_APPLICANT}
}

// benchChain: every signer is a bank holding its own deposit token.
func benchChain(b *testing.B) (*tctestutil.Chain, []*tctestutil.Account) {
	c, s := ct.NewChainWithSigners(b, benchSigners)
	ct.DeliverEach(b, c, s, func(i int) sdk.Msg {
		return &types.MsgMintDeposit{Bank: s[i].String(), Amount: sdk.NewInt64Coin(bankDenom(i), 1_000_000_000)}
	})
	return c, s
}

// BenchmarkFinanceBlock: bank MsgSend vs IssueLC vs the DvP settlement
// (ExamineDocuments COMPLY: payment from escrow and transfer of the bill in one
// tx), 100 pre-signed txs per block through FinalizeBlock+Commit.
func BenchmarkFinanceBlock(b *testing.B) {
	b.Run("MsgSend", func(b *testing.B) {
		c, s := benchChain(b)
		ct.BenchmarkBlocks(b, c, s, func(_, i int) sdk.Msg {
			return banktypes.NewMsgSend(s[i].Address, s[(i+1)%len(s)].Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1)))
		})
	})
	b.Run("IssueLC", func(b *testing.B) {
		c, s := benchChain(b)
		ct.BenchmarkBlocks(b, c, s, func(_, i int) sdk.Msg { return lcMsg(s, i) })
	})
	b.Run("DvPSettlement", func(b *testing.B) {
		c, s := benchChain(b)
		n := len(s)
		// Set up b.N presented credits per bank: bill issued to the
		// beneficiary, LC issued, documents presented.
		lcs := make([][]uint64, b.N)
		for j := 0; j < b.N; j++ {
			ct.DeliverEach(b, c, s, func(i int) sdk.Msg {
				return &cargotypes.MsgIssueBill{Carrier: s[i].String(), TransportDocumentReference: fmt.Sprintf("D%d", j),
					Type: cargotypes.BILL_TYPE_BOL, Mode: cargotypes.BILL_MODE_TO_ORDER, IssueTo: s[(i+1)%n].String(),
					DocumentHash: fmt.Sprintf("%064x", 7_000_000+j*n+i), PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG",
					IssueDate: "2026-05-03", ShippedOnBoardDate: "2026-05-03"}
			})
			first := uint64(j*n) + 1 // LC ids are sequential in delivery order
			ct.DeliverEach(b, c, s, func(i int) sdk.Msg { return lcMsg(s, i) })
			ct.DeliverEach(b, c, s, func(i int) sdk.Msg {
				bank := (i - 1 + n) % n // signer i is the beneficiary of bank i-1's credit
				return &types.MsgPresentDocuments{Beneficiary: s[i].String(), LcId: first + uint64(bank),
					BillId: fmt.Sprintf("B%03d-D%d", bank, j)}
			})
			lcs[j] = make([]uint64, n)
			for i := range lcs[j] {
				lcs[j][i] = first + uint64(i)
			}
		}
		ct.BenchmarkBlocks(b, c, s, func(block, i int) sdk.Msg {
			return &types.MsgExamineDocuments{IssuingBank: s[i].String(), LcId: lcs[block][i], Decision: types.DECISION_COMPLY}
		})
	})
}
