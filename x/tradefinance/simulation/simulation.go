// Package simulation drives x/tradefinance in the SDK's randomized app
// simulation: banks mint deposit tokens and issue letters of credit on the
// bills x/cargo's operations create; beneficiaries present, banks examine,
// sellers finance invoices and repay.
package simulation

import (
	"fmt"
	"math/rand"
	"strings"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	"github.com/tradechain/tradechain/internal/simops"
	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
	cargosim "github.com/tradechain/tradechain/x/cargo/simulation"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance/keeper"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// Currencies of the simulated deposit tokens.
var Currencies = []string{"HKD", "CNY"}

// RandomizedGenState draws the banking calendar.
func RandomizedGenState(simState *module.SimulationState) {
	gs := types.DefaultGenesis()
	gs.Params.ExaminationDays = uint32(simtypes.RandIntBetween(simState.Rand, 1, 8))
	gs.Params.MaxSettlementsPerBlock = uint32(simtypes.RandIntBetween(simState.Rand, 1, 100))
	if simState.Rand.Intn(3) == 0 {
		gs.Params.WeekendDays = []uint32{5, 6}
	}
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(gs)
}

// ProposalMsgs are the governance proposals the simulation may submit.
func ProposalMsgs() []simtypes.WeightedProposalMsg {
	return []simtypes.WeightedProposalMsg{
		simulation.NewWeightedProposalMsg("tradefinance_update_params", 10, func(r *rand.Rand, _ sdk.Context, _ []simtypes.Account) sdk.Msg {
			p := types.DefaultParams()
			p.ExaminationDays = uint32(simtypes.RandIntBetween(r, 1, 8))
			return &types.MsgUpdateParams{Authority: authtypes.NewModuleAddress(govtypes.ModuleName).String(), Params: p}
		}),
	}
}

type state struct {
	k     keeper.Keeper
	cargo cargokeeper.Keeper
	bank  simulation.BankKeeper
}

func (s state) accounts(ctx sdk.Context, accs []simtypes.Account, role cargotypes.Role) []simtypes.Account {
	return cargosim.PartyAccounts(ctx, s.cargo, accs, role)
}

func (s state) lcs(ctx sdk.Context, keep func(types.LetterOfCredit) bool) []types.LetterOfCredit {
	var out []types.LetterOfCredit
	_ = s.k.LCs.Walk(ctx, nil, func(_ uint64, lc types.LetterOfCredit) (bool, error) {
		if keep(lc) {
			out = append(out, lc)
		}
		return false, nil
	})
	return out
}

func (s state) financings(ctx sdk.Context, status types.FinancingStatus) []types.Financing {
	var out []types.Financing
	_ = s.k.Financings.Walk(ctx, nil, func(_ uint64, f types.Financing) (bool, error) {
		if f.Status == status {
			out = append(out, f)
		}
		return false, nil
	})
	return out
}

// funded are the banks that hold some of their own deposit token.
func (s state) funded(ctx sdk.Context, accs []simtypes.Account) []simtypes.Account {
	var out []simtypes.Account
	for _, a := range s.accounts(ctx, accs, cargotypes.ROLE_BANK) {
		if _, ok := s.deposit(ctx, a); ok {
			out = append(out, a)
		}
	}
	return out
}

// deposit is a bank's own deposit token and the part of it the bank holds.
func (s state) deposit(ctx sdk.Context, bank simtypes.Account) (sdk.Coin, bool) {
	p, err := s.cargo.Parties.Get(ctx, bank.Address.String())
	if err != nil {
		return sdk.Coin{}, false
	}
	for _, c := range s.bank.SpendableCoins(ctx, bank.Address) {
		if code, _, err := types.ParseDepositDenom(c.Denom); err == nil && strings.EqualFold(code, p.Code) && c.Amount.IsPositive() {
			return c, true
		}
	}
	return sdk.Coin{}, false
}

func fraction(r *rand.Rand, c sdk.Coin) sdk.Coin {
	if !c.Amount.IsInt64() || c.Amount.Int64() < 2 {
		return c
	}
	return sdk.NewCoin(c.Denom, sdkmath.NewInt(1+r.Int63n(c.Amount.Int64()/2)))
}

func none(reason string) (sdk.Msg, simtypes.Account, string) { return nil, simtypes.Account{}, reason }

// Operation weights.
const (
	WeightMintDeposit        = 30
	WeightBurnDeposit        = 3
	WeightIssueLC            = 20
	WeightAmendLC            = 5
	WeightRespondAmendment   = 5
	WeightPresentDocuments   = 20
	WeightExamineDocuments   = 15
	WeightWaive              = 4
	WeightSettlePresentation = 3
	WeightCloseLC            = 4
	WeightRegisterInvoice    = 15
	WeightOfferFinancing     = 10
	WeightAcceptFinancing    = 10
	WeightRepay              = 8
	WeightDeclareDefault     = 3
)

// WeightedOperations returns an operation for every x/tradefinance message
// (UpdateParams goes through gov via ProposalMsgs).
func WeightedOperations(simState module.SimulationState, k keeper.Keeper, cargo cargokeeper.Keeper, keepers simops.Keepers) simulation.WeightedOperations {
	s := state{k: k, cargo: cargo, bank: keepers.Bank}
	op := func(name string, weight int, b simops.Builder) simulation.WeightedOperation {
		return simulation.NewWeightedOperation(simops.Weight(simState.AppParams, "op_weight_tradefinance_"+name, weight*simops.WeightScale), simops.Operation(types.ModuleName, keepers, b))
	}
	lcOp := func(keep func(types.LetterOfCredit) bool, actor func(types.LetterOfCredit) string, make func(*rand.Rand, sdk.Context, types.LetterOfCredit) (sdk.Msg, string)) simops.Builder {
		return func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			lc, ok := simops.Pick(r, s.lcs(ctx, keep))
			if !ok {
				return none("no letter of credit in a state to act on")
			}
			signer, ok := simops.Account(accs, actor(lc))
			if !ok {
				return none("the acting party is not a simulation account")
			}
			msg, skip := make(r, ctx, lc)
			return msg, signer, skip
		}
	}
	status := func(st types.LCStatus) func(types.LetterOfCredit) bool {
		return func(lc types.LetterOfCredit) bool { return lc.Status == st }
	}
	bankOf := func(lc types.LetterOfCredit) string { return lc.IssuingBank }
	n := 0
	return simulation.WeightedOperations{
		op("mint_deposit", WeightMintDeposit, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			bank, ok := simops.Pick(r, s.accounts(ctx, accs, cargotypes.ROLE_BANK))
			if !ok {
				return none("no bank")
			}
			p, _ := s.cargo.Parties.Get(ctx, bank.Address.String())
			amt := sdk.NewInt64Coin(types.DepositDenom(p.Code, Currencies[r.Intn(len(Currencies))]), 1_000_000+r.Int63n(1_000_000_000))
			if c, ok := s.deposit(ctx, bank); ok { // one currency per bank keeps its LCs fundable
				amt.Denom = c.Denom
			}
			return &types.MsgMintDeposit{Bank: bank.Address.String(), Amount: amt}, bank, ""
		}),
		op("burn_deposit", WeightBurnDeposit, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			bank, ok := simops.Pick(r, s.funded(ctx, accs))
			if !ok {
				return none("no bank")
			}
			c, ok := s.deposit(ctx, bank)
			if !ok {
				return none("the bank holds none of its deposit token")
			}
			return &types.MsgBurnDeposit{Bank: bank.Address.String(), Amount: fraction(r, c)}, bank, ""
		}),
		op("issue_lc", WeightIssueLC, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			bank, ok := simops.Pick(r, s.funded(ctx, accs))
			if !ok {
				return none("no bank")
			}
			c, ok := s.deposit(ctx, bank)
			if !ok {
				return none("the bank holds none of its deposit token")
			}
			applicant, ok := simops.Pick(r, s.accounts(ctx, accs, cargotypes.ROLE_TRADER))
			if !ok {
				return none("no trader")
			}
			// The beneficiary is the holder of a bill afloat, so that a
			// presentation can follow.
			afloat := cargosim.Bills(ctx, s.cargo, func(b cargotypes.Bill) bool {
				return b.Status == cargotypes.BILL_STATUS_ISSUED && b.Lien == nil && b.Holder != applicant.Address.String()
			})
			bill, ok := simops.Pick(r, afloat)
			if !ok {
				return none("no bill afloat")
			}
			m := &types.MsgIssueLC{
				IssuingBank: bank.Address.String(), Applicant: applicant.Address.String(), Beneficiary: bill.Holder,
				Amount: fraction(r, c), Expiry: simops.Date(ctx, 6+r.Intn(25)), LatestShipmentDate: simops.Date(ctx, 2+r.Intn(4)),
				PortOfLoading: bill.PortOfLoading, PortOfDischarge: bill.PortOfDischarge,
				DeliverBillTo: types.DeliverBillTo(1 + r.Intn(2)), PresentationDays: uint32(5 + r.Intn(20)),
			}
			if r.Intn(3) == 0 {
				m.RequiredDocuments = []string{"COMMERCIAL_INVOICE"}
			}
			return m, bank, ""
		}),
		op("amend_lc", WeightAmendLC, lcOp(func(lc types.LetterOfCredit) bool {
			return lc.Status == types.LC_STATUS_OPEN && lc.PendingAmendment == nil
		}, bankOf,
			func(r *rand.Rand, ctx sdk.Context, lc types.LetterOfCredit) (sdk.Msg, string) {
				amt := lc.Amount.Amount.MulRaw(int64(80 + r.Intn(40))).QuoRaw(100)
				if !amt.IsPositive() {
					amt = lc.Amount.Amount
				}
				return &types.MsgAmendLC{IssuingBank: lc.IssuingBank, LcId: lc.Id, Amendment: types.Amendment{
					Amount: sdk.NewCoin(lc.Amount.Denom, amt), Expiry: simops.Date(ctx, 6+r.Intn(25)), LatestShipmentDate: simops.Date(ctx, 2+r.Intn(4)),
				}}, ""
			})),
		op("respond_amendment", WeightRespondAmendment, lcOp(func(lc types.LetterOfCredit) bool {
			return lc.Status == types.LC_STATUS_OPEN && lc.PendingAmendment != nil
		},
			func(lc types.LetterOfCredit) string { return lc.Beneficiary },
			func(r *rand.Rand, _ sdk.Context, lc types.LetterOfCredit) (sdk.Msg, string) {
				return &types.MsgRespondAmendment{Beneficiary: lc.Beneficiary, LcId: lc.Id, Accept: r.Intn(3) != 0}, ""
			})),
		op("present_documents", WeightPresentDocuments, lcOp(status(types.LC_STATUS_OPEN), func(lc types.LetterOfCredit) string { return lc.Beneficiary },
			func(r *rand.Rand, ctx sdk.Context, lc types.LetterOfCredit) (sdk.Msg, string) {
				mine := cargosim.Bills(ctx, s.cargo, func(b cargotypes.Bill) bool {
					return b.Holder == lc.Beneficiary && b.PortOfLoading == lc.PortOfLoading && b.PortOfDischarge == lc.PortOfDischarge
				})
				bill, ok := simops.Pick(r, mine)
				if !ok {
					return nil, "the beneficiary holds no bill on the credit's route"
				}
				m := &types.MsgPresentDocuments{Beneficiary: lc.Beneficiary, LcId: lc.Id, BillId: bill.Id}
				_ = s.cargo.Anchors.Walk(ctx, nil, func(_ collections.Pair[string, string], d cargotypes.Document) (bool, error) {
					if !d.Withdrawn && d.DocType == "COMMERCIAL_INVOICE" && (d.BillId == "" || d.BillId == bill.Id) {
						m.DocumentHashes = append(m.DocumentHashes, d.Hash)
						return true, nil
					}
					return false, nil
				})
				return m, ""
			})),
		op("examine_documents", WeightExamineDocuments, lcOp(status(types.LC_STATUS_PRESENTED), bankOf,
			func(r *rand.Rand, _ sdk.Context, lc types.LetterOfCredit) (sdk.Msg, string) {
				if r.Intn(3) == 0 {
					return &types.MsgExamineDocuments{IssuingBank: lc.IssuingBank, LcId: lc.Id, Decision: types.DECISION_REFUSE,
						Discrepancies: []string{"late shipment", "invoice amount exceeds the credit"}[:1+r.Intn(2)]}, ""
				}
				return &types.MsgExamineDocuments{IssuingBank: lc.IssuingBank, LcId: lc.Id, Decision: types.DECISION_COMPLY}, ""
			})),
		op("waive_discrepancies", WeightWaive, lcOp(status(types.LC_STATUS_OPEN), func(lc types.LetterOfCredit) string { return lc.Applicant },
			func(_ *rand.Rand, ctx sdk.Context, lc types.LetterOfCredit) (sdk.Msg, string) {
				p, err := s.k.Presentations.Get(ctx, lc.Id)
				if err != nil || p.Status != types.PRESENTATION_STATUS_REFUSED {
					return nil, "no refused presentation"
				}
				return &types.MsgWaiveDiscrepancies{Applicant: lc.Applicant, LcId: lc.Id}, ""
			})),
		op("settle_presentation", WeightSettlePresentation, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			lc, ok := simops.Pick(r, s.lcs(ctx, status(types.LC_STATUS_PRESENTED)))
			if !ok {
				return none("no presentation under examination")
			}
			anyone, _ := simops.Pick(r, accs)
			return &types.MsgSettlePresentation{Signer: anyone.Address.String(), LcId: lc.Id}, anyone, ""
		}),
		op("close_lc", WeightCloseLC, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			// Expired a few days ago (the last day may roll to the next banking day).
			expired := s.lcs(ctx, func(lc types.LetterOfCredit) bool {
				return lc.Status == types.LC_STATUS_OPEN && lc.Expiry < simops.Date(ctx, -4)
			})
			lc, ok := simops.Pick(r, expired)
			if !ok {
				return none("no expired letter of credit")
			}
			bank, ok := simops.Account(accs, lc.IssuingBank)
			if !ok {
				return none("the bank is not a simulation account")
			}
			return &types.MsgCloseLC{IssuingBank: lc.IssuingBank, LcId: lc.Id}, bank, ""
		}),
		op("register_invoice", WeightRegisterInvoice, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			var docs []cargotypes.Document
			_ = s.cargo.Anchors.Walk(ctx, nil, func(_ collections.Pair[string, string], d cargotypes.Document) (bool, error) {
				if !d.Withdrawn && d.DocType == "COMMERCIAL_INVOICE" {
					docs = append(docs, d)
				}
				return false, nil
			})
			d, ok := simops.Pick(r, docs)
			if !ok {
				return none("no anchored commercial invoice")
			}
			seller, ok := simops.Account(accs, d.AnchoredBy)
			if !ok {
				return none("the invoice's owner is not a simulation account")
			}
			buyer, ok := simops.Pick(r, s.accounts(ctx, accs, cargotypes.ROLE_TRADER))
			if !ok || buyer.Address.Equals(seller.Address) {
				return none("no distinct buyer")
			}
			n++
			return &types.MsgRegisterInvoice{Seller: seller.Address.String(), Buyer: buyer.Address.String(), Number: fmt.Sprintf("INV-%d-%d", ctx.BlockHeight(), n),
				Amount: sdk.NewInt64Coin(types.DepositDenom("P001", "HKD"), 100_000+r.Int63n(10_000_000)), DueDate: simops.Date(ctx, 30+r.Intn(60)),
				DocumentHash: d.Hash, BillId: d.BillId}, seller, ""
		}),
		op("offer_financing", WeightOfferFinancing, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			var open []types.Invoice
			_ = s.k.Invoices.Walk(ctx, nil, func(_ uint64, inv types.Invoice) (bool, error) {
				if inv.Status == types.INVOICE_STATUS_OPEN {
					open = append(open, inv)
				}
				return false, nil
			})
			inv, ok := simops.Pick(r, open)
			if !ok {
				return none("no open invoice")
			}
			bank, ok := simops.Pick(r, s.funded(ctx, accs))
			if !ok {
				return none("no bank")
			}
			c, ok := s.deposit(ctx, bank)
			if !ok {
				return none("the bank holds none of its deposit token")
			}
			adv := fraction(r, c)
			return &types.MsgOfferFinancing{Bank: bank.Address.String(), InvoiceId: inv.Id, Advance: adv,
				Repayment: sdk.NewCoin(adv.Denom, adv.Amount.MulRaw(105).QuoRaw(100).AddRaw(1)), Maturity: simops.Date(ctx, 1+r.Intn(10))}, bank, ""
		}),
		op("accept_financing", WeightAcceptFinancing, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			f, ok := simops.Pick(r, s.financings(ctx, types.FINANCING_STATUS_OFFERED))
			if !ok {
				return none("no offer")
			}
			seller, ok := simops.Account(accs, f.Seller)
			if !ok {
				return none("the seller is not a simulation account")
			}
			return &types.MsgAcceptFinancing{Seller: f.Seller, FinancingId: f.Id}, seller, ""
		}),
		op("repay", WeightRepay, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			f, ok := simops.Pick(r, s.financings(ctx, types.FINANCING_STATUS_ACTIVE))
			if !ok {
				return none("no active financing")
			}
			payer, ok := simops.Account(accs, f.Seller)
			if !ok {
				return none("the seller is not a simulation account")
			}
			owed := f.Repayment.Amount.Sub(f.Repaid.Amount)
			amt := sdk.NewCoin(f.Repayment.Denom, owed)
			if r.Intn(2) == 0 {
				amt = fraction(r, amt)
			}
			return &types.MsgRepay{Payer: f.Seller, FinancingId: f.Id, Amount: amt}, payer, ""
		}),
		op("declare_default", WeightDeclareDefault, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			var overdue []types.Financing
			for _, f := range s.financings(ctx, types.FINANCING_STATUS_ACTIVE) {
				if f.Maturity < simops.Date(ctx, 0) {
					overdue = append(overdue, f)
				}
			}
			f, ok := simops.Pick(r, overdue)
			if !ok {
				return none("no financing past maturity")
			}
			bank, ok := simops.Account(accs, f.Bank)
			if !ok {
				return none("the bank is not a simulation account")
			}
			return &types.MsgDeclareDefault{Bank: f.Bank, FinancingId: f.Id}, bank, ""
		}),
	}
}
