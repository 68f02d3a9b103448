// Package simulation drives x/cargo in the SDK's randomized app simulation:
// a random roster in genesis, and weighted operations for every message that
// act on the bills and parties the state holds at that moment.
package simulation

import (
	"encoding/base64"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"fmt"
	"math/rand"
	"strings"
	"time"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	"github.com/tradechain/tradechain/internal/simops"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// Ports the simulated bills sail between: the corridor and its neighbours.
var Ports = []string{"CNSHA", "HKHKG", "CNNGB", "CNSZX", "SGSIN", "CNYTN"}

// RoleOf is the role the simulation gives the i-th account: every fifth a
// carrier, then banks, traders (twice as many), and terminals or customs.
func RoleOf(i int) types.Role {
	switch i % 5 {
	case 0:
		return types.ROLE_CARRIER
	case 1:
		return types.ROLE_BANK
	case 2, 3:
		return types.ROLE_TRADER
	default:
		if i%2 == 0 {
			return types.ROLE_TERMINAL
		}
		return types.ROLE_CUSTOMS
	}
}

// PartyCode is the code of the i-th simulated party.
func PartyCode(i int) string { return fmt.Sprintf("P%03d", i) }

// rolesOf gives every tenth account (a terminal or customs) the REGULATOR
// role as well, so that holds are simulated.
func rolesOf(i int) []types.Role {
	if i%10 == 9 {
		return []types.Role{RoleOf(i), types.ROLE_REGULATOR}
	}
	return []types.Role{RoleOf(i)}
}

// RandomizedGenState registers every simulation account as an active party
// (so that any of them may receive deposit tokens from the bank module's own
// operations) and makes the first account the roster admin.
func RandomizedGenState(simState *module.SimulationState) {
	gs := types.DefaultGenesis()
	gs.Params.MaxTextLength = uint32(simtypes.RandIntBetween(simState.Rand, 64, types.MaxTextLength+1))
	gs.Params.MaxMilestonesPerBill = uint32(simtypes.RandIntBetween(simState.Rand, 20, 200))
	if len(simState.Accounts) > 0 {
		gs.Params.Admin = simState.Accounts[0].Address.String()
	}
	for i, acc := range simState.Accounts {
		gs.Parties = append(gs.Parties, types.Party{
			Address: acc.Address.String(), Code: PartyCode(i), Name: "Simulated party " + PartyCode(i), Lei: types.MakeLEI("SIM" + PartyCode(i)),
			Jurisdiction: []string{"HK", "CN"}[i%2], Roles: rolesOf(i), Active: true,
		})
	}
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(gs)
}

// ProposalMsgs are the governance proposals the simulation may submit.
func ProposalMsgs() []simtypes.WeightedProposalMsg {
	return []simtypes.WeightedProposalMsg{
		simulation.NewWeightedProposalMsg("cargo_update_params", 10, func(r *rand.Rand, _ sdk.Context, accs []simtypes.Account) sdk.Msg {
			p := types.DefaultParams()
			p.MaxMilestonesPerBill = uint32(simtypes.RandIntBetween(r, 20, 200))
			if acc, ok := simops.Pick(r, accs); ok && r.Intn(2) == 0 {
				p.Admin = acc.Address.String()
			}
			return &types.MsgUpdateParams{Authority: sdk.AccAddress(govAddress()).String(), Params: p}
		}),
	}
}

func govAddress() []byte { return authtypes.NewModuleAddress(govtypes.ModuleName) }

// state gives the operations their view of x/cargo.
type state struct{ k keeper.Keeper }

func (s state) bills(ctx sdk.Context, keep func(types.Bill) bool) []types.Bill {
	return Bills(ctx, s.k, keep)
}

func (s state) partyAccounts(ctx sdk.Context, accs []simtypes.Account, role types.Role) []simtypes.Account {
	return PartyAccounts(ctx, s.k, accs, role)
}

// Bills returns the bills that keep accepts.
func Bills(ctx sdk.Context, k keeper.Keeper, keep func(types.Bill) bool) []types.Bill {
	var out []types.Bill
	_ = k.Bills.Walk(ctx, nil, func(_ string, b types.Bill) (bool, error) {
		if keep(b) {
			out = append(out, b)
		}
		return false, nil
	})
	return out
}

// PartyAccounts returns the simulation accounts that are active parties with
// role (any role for ROLE_UNSPECIFIED).
func PartyAccounts(ctx sdk.Context, k keeper.Keeper, accs []simtypes.Account, role types.Role) []simtypes.Account {
	var out []simtypes.Account
	for _, a := range accs {
		p, err := k.Parties.Get(ctx, a.Address.String())
		if err == nil && p.Active && (role == types.ROLE_UNSPECIFIED || p.HasRole(role)) {
			out = append(out, a)
		}
	}
	return out
}

// billOp picks a bill matching keep, and the account that acts on it.
func (s state) billOp(keep func(types.Bill) bool, actor func(types.Bill) string, make func(*rand.Rand, sdk.Context, []simtypes.Account, types.Bill) sdk.Msg) simops.Builder {
	return func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
		b, ok := simops.Pick(r, s.bills(ctx, keep))
		if !ok {
			return nil, simtypes.Account{}, "no bill in a state to act on"
		}
		signer, ok := simops.Account(accs, actor(b))
		if !ok {
			return nil, simtypes.Account{}, "the acting party is not a simulation account"
		}
		return make(r, ctx, accs, b), signer, ""
	}
}

func offered(b types.Bill) bool { return held(b) && b.Offer != nil }
func held(b types.Bill) bool    { return b.Status == types.BILL_STATUS_ISSUED && b.Lien == nil }
func pending(b types.Bill) bool {
	return b.Status == types.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY || b.Status == types.BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT
}
func live(b types.Bill) bool        { return b.IsLive() }
func holderOf(b types.Bill) string  { return b.Holder }
func carrierOf(b types.Bill) string { return b.Carrier }

func randomParty(r *rand.Rand, ctx sdk.Context, s state, accs []simtypes.Account, role types.Role) string {
	a, ok := simops.Pick(r, s.partyAccounts(ctx, accs, role))
	if !ok {
		return ""
	}
	return a.Address.String()
}

// Operation weights (per 100 of the module's operations).
const (
	WeightIssueBill         = 30
	WeightTransferBill      = 25
	WeightEndorseBill       = 15
	WeightBlankEndorseBill  = 5
	WeightRequestSurrender  = 10
	WeightAcceptSurrender   = 8
	WeightRejectSurrender   = 4
	WeightAmendBill         = 4
	WeightVoidBill          = 2
	WeightRecordMilestone   = 25
	WeightAnchorDocument    = 15
	WeightGrantConsent      = 6
	WeightRevokeConsent     = 3
	WeightRegisterParty     = 2
	WeightUpdateParty       = 2
	WeightPlaceHold         = 2
	WeightLiftHold          = 2
	WeightSetValidatorPower = 2
	WeightRejectOffer       = 6
	WeightSplitBill         = 2
	WeightCombineBills      = 2
	WeightWithdrawAnchor    = 3
)

// WeightedOperations returns an operation for every x/cargo message a
// simulation can play inside one zone (SendBill needs a counterparty zone: it
// is exercised by the two-zone tests instead; UpdateParams goes through gov
// via ProposalMsgs).
func WeightedOperations(simState module.SimulationState, k keeper.Keeper, keepers simops.Keepers) simulation.WeightedOperations {
	s := state{k: k}
	op := func(name string, weight int, b simops.Builder) simulation.WeightedOperation {
		return simulation.NewWeightedOperation(simops.Weight(simState.AppParams, "op_weight_cargo_"+name, weight*simops.WeightScale), simops.Operation(types.ModuleName, keepers, b))
	}
	n := 0
	return simulation.WeightedOperations{
		op("issue_bill", WeightIssueBill, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			carrier, ok := simops.Pick(r, s.partyAccounts(ctx, accs, types.ROLE_CARRIER))
			if !ok {
				return nil, carrier, "no active carrier"
			}
			n++
			pol := Ports[r.Intn(len(Ports))]
			pod := Ports[(1+r.Intn(len(Ports)-1)+indexOf(pol))%len(Ports)]
			m := &types.MsgIssueBill{
				Carrier: carrier.Address.String(), TransportDocumentReference: fmt.Sprintf("SIM%d%06d", ctx.BlockHeight(), n),
				Type: types.BILL_TYPE_BOL, Mode: types.BillMode(1 + r.Intn(3)), IssueTo: randomParty(r, ctx, s, accs, types.ROLE_TRADER),
				DocumentHash: simops.Hash(r), PortOfLoading: pol, PortOfDischarge: pod,
				IssueDate: simops.Date(ctx, 0), ShippedOnBoardDate: simops.Date(ctx, 0),
			}
			if r.Intn(8) == 0 {
				m.Type = types.BILL_TYPE_SWB
				m.Mode = types.BILL_MODE_STRAIGHT
			}
			if m.Mode == types.BILL_MODE_STRAIGHT {
				m.Consignee = randomParty(r, ctx, s, accs, types.ROLE_TRADER)
			}
			if m.Mode == types.BILL_MODE_TO_ORDER && r.Intn(2) == 0 {
				m.Endorsee = randomParty(r, ctx, s, accs, types.ROLE_UNSPECIFIED)
			}
			return m, carrier, ""
		}),
		op("transfer_bill", WeightTransferBill, s.billOp(transferable, holderOf, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account, b types.Bill) sdk.Msg {
			to := randomParty(r, ctx, s, accs, types.ROLE_UNSPECIFIED)
			if b.Mode == types.BILL_MODE_STRAIGHT {
				to = b.Consignee // a straight bill goes only to its consignee
			}
			return &types.MsgTransferBill{Holder: b.Holder, BillId: b.Id, To: to}
		})),
		// The receiver of a transfer or endorsement refuses it, with a remark.
		op("reject_offer", WeightRejectOffer, s.billOp(offered, holderOf, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account, b types.Bill) sdk.Msg {
			if b.Offer.Action == keeper.ActionEndorse {
				return &types.MsgRejectEndorsement{Holder: b.Holder, BillId: b.Id, Remark: "endorsed to us in error"}
			}
			return &types.MsgRejectTransfer{Holder: b.Holder, BillId: b.Id, Remark: "not our consignment"}
		})),
		op("endorse_bill", WeightEndorseBill, s.billOp(toOrder, holderOf, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account, b types.Bill) sdk.Msg {
			return &types.MsgEndorseBill{Holder: b.Holder, BillId: b.Id, Endorsee: randomParty(r, ctx, s, accs, types.ROLE_UNSPECIFIED)}
		})),
		op("blank_endorse_bill", WeightBlankEndorseBill, s.billOp(toOrder, holderOf, func(_ *rand.Rand, _ sdk.Context, _ []simtypes.Account, b types.Bill) sdk.Msg {
			return &types.MsgBlankEndorseBill{Holder: b.Holder, BillId: b.Id}
		})),
		op("request_surrender", WeightRequestSurrender, s.billOp(held, holderOf, func(r *rand.Rand, _ sdk.Context, _ []simtypes.Account, b types.Bill) sdk.Msg {
			if r.Intn(4) == 0 {
				return &types.MsgRequestSurrender{Holder: b.Holder, BillId: b.Id, Purpose: types.SURRENDER_PURPOSE_AMENDMENT, Reason: types.AmendmentReasons[r.Intn(len(types.AmendmentReasons))]}
			}
			return &types.MsgRequestSurrender{Holder: b.Holder, BillId: b.Id, Purpose: types.SURRENDER_PURPOSE_DELIVERY}
		})),
		op("accept_surrender", WeightAcceptSurrender, s.billOp(pending, carrierOf, func(_ *rand.Rand, _ sdk.Context, _ []simtypes.Account, b types.Bill) sdk.Msg {
			return &types.MsgAcceptSurrender{Carrier: b.Carrier, BillId: b.Id}
		})),
		op("reject_surrender", WeightRejectSurrender, s.billOp(pending, carrierOf, func(_ *rand.Rand, _ sdk.Context, _ []simtypes.Account, b types.Bill) sdk.Msg {
			return &types.MsgRejectSurrender{Carrier: b.Carrier, BillId: b.Id, Reason: "documents incomplete"}
		})),
		op("amend_bill", WeightAmendBill, s.billOp(amendable, carrierOf,
			func(r *rand.Rand, _ sdk.Context, _ []simtypes.Account, b types.Bill) sdk.Msg {
				return &types.MsgAmendBill{Carrier: b.Carrier, BillId: b.Id, NewDocumentHash: simops.Hash(r)}
			})),
		op("void_bill", WeightVoidBill, s.billOp(amendable, carrierOf, func(r *rand.Rand, _ sdk.Context, _ []simtypes.Account, b types.Bill) sdk.Msg {
			return &types.MsgVoidBill{Carrier: b.Carrier, BillId: b.Id, Reason: types.AmendmentReasons[r.Intn(len(types.AmendmentReasons))]}
		})),
		// A bill surrendered for amendment replaced by two or three.
		op("split_bill", WeightSplitBill, s.billOp(amendable, carrierOf, func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account, b types.Bill) sdk.Msg {
			m := &types.MsgSplitBill{Carrier: b.Carrier, BillId: b.Id, Remark: "split for partial shipments"}
			for i := 0; i < 2+r.Intn(2); i++ {
				n++
				m.Replacements = append(m.Replacements, types.BillReplacement{
					TransportDocumentReference: fmt.Sprintf("SPL%d%06d", ctx.BlockHeight(), n), DocumentHash: simops.Hash(r)})
			}
			return m
		})),
		// Two bills surrendered for amendment by one holder, with the same
		// parties and route, replaced by one.
		op("combine_bills", WeightCombineBills, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			groups := map[string][]string{}
			var keys []string
			for _, b := range s.bills(ctx, amendable) {
				key := strings.Join([]string{b.Carrier, b.Surrender.RequestedBy, b.Type.String(), b.Mode.String(), b.Shipper, b.Consignee, b.Endorsee,
					b.PortOfLoading, b.PortOfDischarge}, "|")
				if len(groups[key]) == 0 {
					keys = append(keys, key) // in store order: deterministic
				}
				groups[key] = append(groups[key], b.Id)
			}
			var pairs [][]string
			for _, key := range keys {
				if len(groups[key]) >= 2 {
					pairs = append(pairs, groups[key][:2])
				}
			}
			ids, ok := simops.Pick(r, pairs)
			if !ok {
				return nil, simtypes.Account{}, "no two bills that combine"
			}
			b, _ := k.GetBill(ctx, ids[0])
			carrier, _ := simops.Account(accs, b.Carrier)
			n++
			return &types.MsgCombineBills{Carrier: b.Carrier, BillIds: ids, Replacement: types.BillReplacement{
				TransportDocumentReference: fmt.Sprintf("CMB%d%06d", ctx.BlockHeight(), n), DocumentHash: simops.Hash(r)}}, carrier, ""
		}),
		op("record_milestone", WeightRecordMilestone, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			b, ok := simops.Pick(r, s.bills(ctx, live))
			if !ok {
				return nil, simtypes.Account{}, "no live bill"
			}
			// The carrier of the bill, or any terminal or customs office.
			recorder, _ := simops.Account(accs, b.Carrier)
			if r.Intn(2) == 0 {
				role := types.ROLE_TERMINAL
				if r.Intn(2) == 0 {
					role = types.ROLE_CUSTOMS
				}
				if a, ok := simops.Pick(r, s.partyAccounts(ctx, accs, role)); ok {
					recorder = a
				}
			}
			return &types.MsgRecordMilestone{
				Recorder: recorder.Address.String(), BillId: b.Id, EventCode: types.EventCodes[r.Intn(len(types.EventCodes))],
				Classifier: types.Classifiers[r.Intn(len(types.Classifiers))], Location: b.PortOfLoading,
				EventTime: ctx.BlockTime().Add(-time.Duration(r.Intn(3600)) * time.Second).UTC(),
			}, recorder, ""
		}),
		op("anchor_document", WeightAnchorDocument, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			owner, ok := simops.Pick(r, s.partyAccounts(ctx, accs, types.ROLE_UNSPECIFIED))
			if !ok {
				return nil, owner, "no active party"
			}
			partyTypes := types.PartyDocTypes()
			docType := partyTypes[r.Intn(len(partyTypes))]
			if r.Intn(2) == 0 {
				docType = "COMMERCIAL_INVOICE" // what LCs and financings need
			}
			m := &types.MsgAnchorDocument{Owner: owner.Address.String(), Hash: simops.Hash(r), DocType: docType}
			// Half the documents belong to a bill, anchored by its holder (an
			// exporter's invoice for its shipment: the invoice can then be
			// financed against the bill, which liens it).
			if b, ok := simops.Pick(r, s.bills(ctx, live)); ok && r.Intn(2) == 0 {
				if holder, ok := simops.Account(accs, b.Holder); ok {
					owner, m.Owner, m.BillId = holder, b.Holder, b.Id
				}
			}
			return m, owner, ""
		}),
		// A party withdraws one of its anchors (refused while an invoice or a
		// presentation relies on it).
		op("withdraw_anchor", WeightWithdrawAnchor, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			var standing []types.Document
			_ = k.Anchors.Walk(ctx, nil, func(_ collections.Pair[string, string], d types.Document) (bool, error) {
				if !d.Withdrawn {
					standing = append(standing, d)
				}
				return false, nil
			})
			d, ok := simops.Pick(r, standing)
			if !ok {
				return nil, simtypes.Account{}, "no anchor in force"
			}
			anchorer, ok := simops.Account(accs, d.AnchoredBy)
			if !ok {
				return nil, anchorer, "the anchorer is not a simulation account"
			}
			return &types.MsgWithdrawAnchor{Anchorer: d.AnchoredBy, Hash: d.Hash, Reason: "anchored in error"}, anchorer, ""
		}),
		op("grant_consent", WeightGrantConsent, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			parties := s.partyAccounts(ctx, accs, types.ROLE_UNSPECIFIED)
			granter, ok1 := simops.Pick(r, parties)
			grantee, ok2 := simops.Pick(r, parties)
			if !ok1 || !ok2 || granter.Address.Equals(grantee.Address) {
				return nil, granter, "no two distinct parties drawn"
			}
			scope := "*"
			if b, ok := simops.Pick(r, s.bills(ctx, live)); ok && r.Intn(2) == 0 {
				scope = b.Id
			}
			return &types.MsgGrantConsent{Granter: granter.Address.String(), Grantee: grantee.Address.String(), Scope: scope,
				Purpose: "trade finance due diligence", ExpiresAt: ctx.BlockTime().Add(time.Duration(1+r.Intn(90)) * 24 * time.Hour).UTC()}, granter, ""
		}),
		op("revoke_consent", WeightRevokeConsent, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			var open []types.Consent
			_ = k.Consents.Walk(ctx, nil, func(_ uint64, c types.Consent) (bool, error) {
				if !c.Revoked {
					open = append(open, c)
				}
				return false, nil
			})
			c, ok := simops.Pick(r, open)
			if !ok {
				return nil, simtypes.Account{}, "no open consent"
			}
			granter, ok := simops.Account(accs, c.Granter)
			if !ok {
				return nil, granter, "granter is not a simulation account"
			}
			return &types.MsgRevokeConsent{Granter: c.Granter, ConsentId: c.Id}, granter, ""
		}),
		op("register_party", WeightRegisterParty, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			params, _ := k.Params.Get(ctx)
			admin, ok := simops.Account(accs, params.Admin)
			if !ok {
				return nil, admin, "the roster admin is not a simulation account"
			}
			// A newcomer outside the simulation's accounts: it never signs,
			// but it can hold bills and receive consents.
			fresh := simtypes.RandomAccounts(r, 1)[0]
			n++
			return &types.MsgRegisterParty{Authority: params.Admin, Party: types.Party{
				Address: fresh.Address.String(), Code: fmt.Sprintf("N%d%04d", ctx.BlockHeight()%1000, n%10000), Name: "Newcomer",
				Lei:          types.MakeLEI(fmt.Sprintf("SIMN%d%04d", ctx.BlockHeight()%1000, n%10000)),
				Jurisdiction: "HK", Roles: []types.Role{types.ROLE_TRADER}, Active: true,
			}}, admin, ""
		}),
		// The zone authority re-weights a validator by up to a twentieth of
		// the last total power, or admits a new one (a node outside the
		// simulation's accounts). A second change in one block may pass the
		// 30 % bound: the handler refuses it (a no-op in the report).
		op("set_validator_power", WeightSetValidatorPower, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			params, _ := k.Params.Get(ctx)
			admin, ok := simops.Account(accs, params.Admin)
			if !ok {
				return nil, admin, "the roster admin is not a simulation account"
			}
			sk := k.StakingReader()
			total, err := sk.GetLastTotalPower(ctx)
			if err != nil || !total.IsInt64() || total.Int64() < 20 {
				return nil, admin, "too little voting power to change a twentieth of it"
			}
			step := min(total.Int64()/20, types.MaxValidatorPower/2)
			pr := sk.PowerReduction(ctx)
			if r.Intn(4) == 0 {
				fresh := simtypes.RandomAccounts(r, 1)[0]
				return &types.MsgSetValidatorPower{Authority: params.Admin, ValidatorAddress: sdk.ValAddress(fresh.Address).String(),
					Power: uint64(1 + r.Int63n(step)), ConsensusPubkey: base64.StdEncoding.EncodeToString(fresh.ConsKey.PubKey().Bytes()),
					Moniker: fmt.Sprintf("sim-%d", ctx.BlockHeight())}, admin, ""
			}
			vals, err := sk.GetAllValidators(ctx)
			if err != nil {
				return nil, admin, "no validators"
			}
			var bonded []stakingtypes.Validator
			for _, v := range vals {
				if v.IsBonded() && !v.IsJailed() {
					bonded = append(bonded, v)
				}
			}
			v, ok := simops.Pick(r, bonded)
			if !ok {
				return nil, admin, "no bonded validator"
			}
			power := min(max(v.ConsensusPower(pr)+r.Int63n(2*step+1)-step, 1), types.MaxValidatorPower)
			return &types.MsgSetValidatorPower{Authority: params.Admin, ValidatorAddress: v.OperatorAddress, Power: uint64(power)}, admin, ""
		}),
		// Holds on bills only: a held party could not receive the deposit
		// tokens the bank module's own operations send to any account.
		op("place_hold", WeightPlaceHold, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			regulator, ok := simops.Pick(r, s.partyAccounts(ctx, accs, types.ROLE_REGULATOR))
			if !ok {
				return nil, regulator, "no regulator"
			}
			b, ok := simops.Pick(r, s.bills(ctx, live))
			if !ok {
				return nil, regulator, "no live bill"
			}
			return &types.MsgPlaceHold{Regulator: regulator.Address.String(), SubjectKind: types.HOLD_SUBJECT_BILL, Subject: b.Id,
				Reason: fmt.Sprintf("screening at height %d", ctx.BlockHeight())}, regulator, ""
		}),
		op("lift_hold", WeightLiftHold, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			regulator, ok := simops.Pick(r, s.partyAccounts(ctx, accs, types.ROLE_REGULATOR))
			if !ok {
				return nil, regulator, "no regulator"
			}
			var holds []types.Hold
			if err := k.Holds.Walk(ctx, nil, func(_ collections.Pair[int32, string], h types.Hold) (bool, error) {
				holds = append(holds, h)
				return false, nil
			}); err != nil {
				return nil, regulator, err.Error()
			}
			h, ok := simops.Pick(r, holds)
			if !ok {
				return nil, regulator, "no hold"
			}
			return &types.MsgLiftHold{Regulator: regulator.Address.String(), SubjectKind: h.SubjectKind, Subject: h.Subject, Reason: "cleared"}, regulator, ""
		}),
		op("update_party", WeightUpdateParty, func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (sdk.Msg, simtypes.Account, string) {
			params, _ := k.Params.Get(ctx)
			admin, ok := simops.Account(accs, params.Admin)
			if !ok {
				return nil, admin, "the roster admin is not a simulation account"
			}
			target, ok := simops.Pick(r, s.partyAccounts(ctx, accs, types.ROLE_UNSPECIFIED))
			if !ok {
				return nil, admin, "no party"
			}
			p, _ := k.Parties.Get(ctx, target.Address.String())
			// Parties stay active: the bank module's own operations may send
			// deposit tokens to any account, and only active parties may
			// receive them (deactivation is covered by the keeper tests).
			p.Name = fmt.Sprintf("Renamed at %d", ctx.BlockHeight())
			p.Jurisdiction = []string{"HK", "CN", "SG"}[r.Intn(3)]
			return &types.MsgUpdateParty{Authority: params.Admin, Party: p}, admin, ""
		}),
	}
}

func indexOf(port string) int {
	for i, p := range Ports {
		if p == port {
			return i
		}
	}
	return 0
}

func amendable(b types.Bill) bool { return b.Status == types.BILL_STATUS_SURRENDERED_FOR_AMENDMENT }

func toOrder(b types.Bill) bool { return held(b) && b.Mode == types.BILL_MODE_TO_ORDER }

func transferable(b types.Bill) bool {
	return held(b) && b.Type == types.BILL_TYPE_BOL &&
		(b.Mode == types.BILL_MODE_BLANK || (b.Mode == types.BILL_MODE_STRAIGHT && b.Holder != b.Consignee))
}
