package keeper_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

type fixture struct {
	t     *testing.T
	chain *tctestutil.Chain
	k     keeper.Keeper
	srv   types.MsgServer
	ctx   sdk.Context
}

func newFixture(t *testing.T) *fixture {
	c := cargotestutil.NewChain(t)
	return &fixture{t: t, chain: c, k: c.App.CargoKeeper, srv: keeper.NewMsgServerImpl(c.App.CargoKeeper), ctx: c.Context()}
}

func (f *fixture) addr(i int) string { return f.chain.Accounts[i].String() }

const docHash = "8f14e45fceea167a5a36dedd4bea2543b2c5d3f8e8a1b7c9d0e1f2a3b4c5d6e7"

func hashN(n int) string { return strings.Repeat("0", 63) + string(rune('a'+n%6)) }

func (f *fixture) issueMsg() *types.MsgIssueBill {
	return &types.MsgIssueBill{
		Carrier: f.addr(cargotestutil.Carrier), TransportDocumentReference: "COSU6385270140",
		Type: types.BILL_TYPE_BOL, Mode: types.BILL_MODE_TO_ORDER, IssueTo: f.addr(cargotestutil.Exporter),
		DocumentHash: docHash, PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG",
		IssueDate: "2026-05-03", ShippedOnBoardDate: "2026-05-03",
	}
}

// issue issues the default bill (optionally changed) on f.ctx and returns its id.
func (f *fixture) issue(mutate func(*types.MsgIssueBill)) string {
	m := f.issueMsg()
	if mutate != nil {
		mutate(m)
	}
	res, err := f.srv.IssueBill(f.ctx, m)
	require.NoError(f.t, err)
	return res.BillId
}

func (f *fixture) bill(id string) types.Bill {
	b, err := f.k.GetBill(f.ctx, id)
	require.NoError(f.t, err)
	return b
}

// expectFailure runs fn on a cached context, checks that it fails with want,
// that the message says something, and that no state changed.
func (f *fixture) expectFailure(fn func(ctx sdk.Context) error, want *errorsmod.Error) {
	f.t.Helper()
	ctx, _ := f.ctx.CacheContext()
	before, err := f.k.ExportGenesis(ctx)
	require.NoError(f.t, err)
	err = fn(ctx)
	require.Error(f.t, err)
	require.Truef(f.t, want.Is(err), "want %v, got %v", want, err)
	require.NotEmpty(f.t, err.Error())
	after, err := f.k.ExportGenesis(ctx)
	require.NoError(f.t, err)
	require.Equal(f.t, before, after, "a failed message changed state")
}

func TestIssueBill(t *testing.T) {
	f := newFixture(t)
	id := f.issue(nil)
	require.Equal(t, "COS-COSU6385270140", id)
	b := f.bill(id)
	require.Equal(t, f.addr(cargotestutil.Exporter), b.Holder)
	require.Equal(t, types.BILL_STATUS_ISSUED, b.Status)
	require.Equal(t, uint64(1), b.Version)
	require.Equal(t, uint64(1), b.HistoryLen)
	require.Equal(t, "ebl", b.Trace)
	require.Equal(t, tctestutil.DefaultChainID, b.HomeZone)
	d, err := f.k.Documents.Get(f.ctx, docHash)
	require.NoError(t, err)
	require.Equal(t, id, d.BillId)

	cases := []struct {
		name   string
		mutate func(m *types.MsgIssueBill)
		want   *errorsmod.Error
	}{
		{"malformed carrier address", func(m *types.MsgIssueBill) { m.Carrier = "trade1notanaddress" }, types.ErrInvalidAddress},
		{"unregistered carrier", func(m *types.MsgIssueBill) { m.Carrier = f.addr(cargotestutil.Stranger) }, types.ErrPartyNotFound},
		{"signer is not a carrier", func(m *types.MsgIssueBill) { m.Carrier = f.addr(cargotestutil.Bank) }, types.ErrWrongRole},
		{"deactivated holder", func(m *types.MsgIssueBill) { m.IssueTo = f.addr(cargotestutil.Retired) }, types.ErrPartyInactive},
		{"unregistered holder", func(m *types.MsgIssueBill) { m.IssueTo = f.addr(cargotestutil.Stranger) }, types.ErrPartyNotFound},
		{"duplicate bill id", func(m *types.MsgIssueBill) { m.DocumentHash = hashN(1) }, types.ErrBillExists},
		{"duplicate document hash", func(m *types.MsgIssueBill) { m.TransportDocumentReference = "OTHER1" }, types.ErrDocumentExists},
		{"malformed hash", func(m *types.MsgIssueBill) { m.DocumentHash = "ABC" }, types.ErrInvalidHash},
		{"upper-case hash", func(m *types.MsgIssueBill) { m.DocumentHash = strings.ToUpper(docHash) }, types.ErrInvalidHash},
		{"invalid UN/LOCODE", func(m *types.MsgIssueBill) { m.PortOfLoading = "Shanghai" }, types.ErrInvalidLocode},
		{"same ports", func(m *types.MsgIssueBill) { m.PortOfDischarge = "CNSHA" }, types.ErrInvalidField},
		{"shipped after issue", func(m *types.MsgIssueBill) { m.ShippedOnBoardDate = "2026-05-04" }, types.ErrInvalidDate},
		{"bad date", func(m *types.MsgIssueBill) { m.IssueDate = "03/05/2026" }, types.ErrInvalidDate},
		{"issue date in the future", func(m *types.MsgIssueBill) { m.IssueDate = "2027-01-01"; m.ShippedOnBoardDate = "" }, types.ErrInvalidDate},
		{"empty reference", func(m *types.MsgIssueBill) { m.TransportDocumentReference = "" }, types.ErrInvalidField},
		{"over-long reference", func(m *types.MsgIssueBill) { m.TransportDocumentReference = strings.Repeat("A", 21) }, types.ErrInvalidField},
		{"reference not URL-safe", func(m *types.MsgIssueBill) { m.TransportDocumentReference = "A/B" }, types.ErrInvalidField},
		{"SWB to order", func(m *types.MsgIssueBill) { m.Type = types.BILL_TYPE_SWB }, types.ErrInvalidField},
		{"straight without consignee", func(m *types.MsgIssueBill) { m.Mode = types.BILL_MODE_STRAIGHT }, types.ErrInvalidField},
		{"unknown mode", func(m *types.MsgIssueBill) { m.Mode = 9 }, types.ErrInvalidField},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := f.issueMsg()
			tc.mutate(m)
			f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.IssueBill(ctx, m); return err }, tc.want)
		})
	}
}

func TestTransferEndorseBlank(t *testing.T) {
	f := newFixture(t)
	exp, imp, bank := f.addr(cargotestutil.Exporter), f.addr(cargotestutil.Importer), f.addr(cargotestutil.Bank)
	toOrder := f.issue(nil)
	straight := f.issue(func(m *types.MsgIssueBill) {
		m.TransportDocumentReference, m.DocumentHash, m.Mode, m.Consignee = "STRAIGHT1", hashN(1), types.BILL_MODE_STRAIGHT, imp
	})
	swb := f.issue(func(m *types.MsgIssueBill) {
		m.TransportDocumentReference, m.DocumentHash, m.Type, m.Mode, m.Consignee = "SWB1", hashN(2), types.BILL_TYPE_SWB, types.BILL_MODE_STRAIGHT, imp
	})

	cases := []struct {
		name string
		run  func(ctx sdk.Context) error
		want *errorsmod.Error
	}{
		{"transfer of a SWB", func(ctx sdk.Context) error {
			_, err := f.srv.TransferBill(ctx, &types.MsgTransferBill{Holder: exp, BillId: swb, To: imp})
			return err
		}, types.ErrNotTransferable},
		{"straight bill to other than consignee", func(ctx sdk.Context) error {
			_, err := f.srv.TransferBill(ctx, &types.MsgTransferBill{Holder: exp, BillId: straight, To: bank})
			return err
		}, types.ErrNotTransferable},
		{"transfer of a to-order bill", func(ctx sdk.Context) error {
			_, err := f.srv.TransferBill(ctx, &types.MsgTransferBill{Holder: exp, BillId: toOrder, To: imp})
			return err
		}, types.ErrNotTransferable},
		{"non-holder transfers", func(ctx sdk.Context) error {
			_, err := f.srv.TransferBill(ctx, &types.MsgTransferBill{Holder: imp, BillId: straight, To: bank})
			return err
		}, types.ErrNotHolder},
		{"non-holder endorses", func(ctx sdk.Context) error {
			_, err := f.srv.EndorseBill(ctx, &types.MsgEndorseBill{Holder: imp, BillId: toOrder, Endorsee: bank})
			return err
		}, types.ErrNotHolder},
		{"endorse to unregistered", func(ctx sdk.Context) error {
			_, err := f.srv.EndorseBill(ctx, &types.MsgEndorseBill{Holder: exp, BillId: toOrder, Endorsee: f.addr(cargotestutil.Stranger)})
			return err
		}, types.ErrPartyNotFound},
		{"endorse to deactivated", func(ctx sdk.Context) error {
			_, err := f.srv.EndorseBill(ctx, &types.MsgEndorseBill{Holder: exp, BillId: toOrder, Endorsee: f.addr(cargotestutil.Retired)})
			return err
		}, types.ErrPartyInactive},
		{"endorse a straight bill", func(ctx sdk.Context) error {
			_, err := f.srv.EndorseBill(ctx, &types.MsgEndorseBill{Holder: exp, BillId: straight, Endorsee: imp})
			return err
		}, types.ErrNotTransferable},
		{"unknown bill", func(ctx sdk.Context) error {
			_, err := f.srv.EndorseBill(ctx, &types.MsgEndorseBill{Holder: exp, BillId: "COS-NOPE", Endorsee: imp})
			return err
		}, types.ErrBillNotFound},
		{"endorse to self", func(ctx sdk.Context) error {
			_, err := f.srv.EndorseBill(ctx, &types.MsgEndorseBill{Holder: exp, BillId: toOrder, Endorsee: exp})
			return err
		}, types.ErrInvalidField},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { f.expectFailure(tc.run, tc.want) })
	}

	// Valid paths: straight to consignee; endorse; blank-endorse then transfer by possession.
	_, err := f.srv.TransferBill(f.ctx, &types.MsgTransferBill{Holder: exp, BillId: straight, To: imp})
	require.NoError(t, err)
	require.Equal(t, imp, f.bill(straight).Holder)

	_, err = f.srv.EndorseBill(f.ctx, &types.MsgEndorseBill{Holder: exp, BillId: toOrder, Endorsee: imp})
	require.NoError(t, err)
	require.Equal(t, imp, f.bill(toOrder).Holder)
	// I3: the previous holder can do nothing with it now.
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.EndorseBill(ctx, &types.MsgEndorseBill{Holder: exp, BillId: toOrder, Endorsee: bank})
		return err
	}, types.ErrNotHolder)

	_, err = f.srv.BlankEndorseBill(f.ctx, &types.MsgBlankEndorseBill{Holder: imp, BillId: toOrder})
	require.NoError(t, err)
	require.Equal(t, types.BILL_MODE_BLANK, f.bill(toOrder).Mode)
	_, err = f.srv.TransferBill(f.ctx, &types.MsgTransferBill{Holder: imp, BillId: toOrder, To: bank})
	require.NoError(t, err)
	b := f.bill(toOrder)
	require.Equal(t, bank, b.Holder)
	require.Equal(t, uint64(4), b.HistoryLen) // ISSUE, ENDORSE, BLANK_ENDORSE, TRANSFER

	// Deactivated holders can start nothing.
	retired := f.issue(func(m *types.MsgIssueBill) {
		m.TransportDocumentReference, m.DocumentHash = "R1", hashN(3)
	})
	_, err = f.srv.EndorseBill(f.ctx, &types.MsgEndorseBill{Holder: exp, BillId: retired, Endorsee: imp})
	require.NoError(t, err)
	p, _ := f.k.GetParty(f.ctx, imp)
	p.Active = false
	_, err = f.srv.UpdateParty(f.ctx, &types.MsgUpdateParty{Authority: f.addr(cargotestutil.Admin), Party: p})
	require.NoError(t, err)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.BlankEndorseBill(ctx, &types.MsgBlankEndorseBill{Holder: imp, BillId: retired})
		return err
	}, types.ErrPartyInactive)
}

func TestSurrenderAmendVoid(t *testing.T) {
	f := newFixture(t)
	exp, carrier, carrier2 := f.addr(cargotestutil.Exporter), f.addr(cargotestutil.Carrier), f.addr(cargotestutil.Carrier2)
	id := f.issue(nil)

	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.AcceptSurrender(ctx, &types.MsgAcceptSurrender{Carrier: carrier, BillId: id})
		return err
	}, types.ErrWrongStatus)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.RequestSurrender(ctx, &types.MsgRequestSurrender{Holder: exp, BillId: id, Purpose: types.SURRENDER_PURPOSE_AMENDMENT, Reason: "BECAUSE"})
		return err
	}, types.ErrInvalidField)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.AmendBill(ctx, &types.MsgAmendBill{Carrier: carrier, BillId: id, NewDocumentHash: hashN(4)})
		return err
	}, types.ErrWrongStatus)

	// Request for amendment, reject, request again, accept, amend.
	_, err := f.srv.RequestSurrender(f.ctx, &types.MsgRequestSurrender{Holder: exp, BillId: id, Purpose: types.SURRENDER_PURPOSE_AMENDMENT, Reason: "COD"})
	require.NoError(t, err)
	require.Equal(t, types.BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT, f.bill(id).Status)
	f.expectFailure(func(ctx sdk.Context) error { // frozen while pending
		_, err := f.srv.EndorseBill(ctx, &types.MsgEndorseBill{Holder: exp, BillId: id, Endorsee: carrier})
		return err
	}, types.ErrWrongStatus)
	f.expectFailure(func(ctx sdk.Context) error { // only the issuing carrier
		_, err := f.srv.AcceptSurrender(ctx, &types.MsgAcceptSurrender{Carrier: carrier2, BillId: id})
		return err
	}, types.ErrUnauthorized)
	_, err = f.srv.RejectSurrender(f.ctx, &types.MsgRejectSurrender{Carrier: carrier, BillId: id, Reason: "missing signature"})
	require.NoError(t, err)
	require.Equal(t, types.BILL_STATUS_ISSUED, f.bill(id).Status)

	_, err = f.srv.RequestSurrender(f.ctx, &types.MsgRequestSurrender{Holder: exp, BillId: id, Purpose: types.SURRENDER_PURPOSE_AMENDMENT, Reason: "COD"})
	require.NoError(t, err)
	_, err = f.srv.AcceptSurrender(f.ctx, &types.MsgAcceptSurrender{Carrier: carrier, BillId: id})
	require.NoError(t, err)
	require.Equal(t, types.BILL_STATUS_SURRENDERED_FOR_AMENDMENT, f.bill(id).Status)
	f.expectFailure(func(ctx sdk.Context) error { // I6: same hash is not an amendment
		_, err := f.srv.AmendBill(ctx, &types.MsgAmendBill{Carrier: carrier, BillId: id, NewDocumentHash: docHash})
		return err
	}, types.ErrInvalidField)
	res, err := f.srv.AmendBill(f.ctx, &types.MsgAmendBill{Carrier: carrier, BillId: id, NewDocumentHash: hashN(4), PortOfDischarge: "HKKWN"})
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.Version)
	b := f.bill(id)
	require.Equal(t, hashN(4), b.DocumentHash)
	require.Equal(t, "HKKWN", b.PortOfDischarge)
	require.Equal(t, exp, b.Holder)
	require.Equal(t, types.BILL_STATUS_ISSUED, b.Status)

	// Switch to paper: surrender for amendment, accept, void.
	_, err = f.srv.RequestSurrender(f.ctx, &types.MsgRequestSurrender{Holder: exp, BillId: id, Purpose: types.SURRENDER_PURPOSE_AMENDMENT, Reason: "SWTP"})
	require.NoError(t, err)
	_, err = f.srv.AcceptSurrender(f.ctx, &types.MsgAcceptSurrender{Carrier: carrier, BillId: id})
	require.NoError(t, err)
	_, err = f.srv.VoidBill(f.ctx, &types.MsgVoidBill{Carrier: carrier, BillId: id, Reason: "SWTP", Remark: "switched to paper at the shipper's request"})
	require.NoError(t, err)
	require.Equal(t, types.BILL_STATUS_VOIDED, f.bill(id).Status)

	// Surrender for delivery is terminal.
	id2 := f.issue(func(m *types.MsgIssueBill) { m.TransportDocumentReference, m.DocumentHash = "D2", hashN(5) })
	_, err = f.srv.RequestSurrender(f.ctx, &types.MsgRequestSurrender{Holder: exp, BillId: id2, Purpose: types.SURRENDER_PURPOSE_DELIVERY})
	require.NoError(t, err)
	_, err = f.srv.AcceptSurrender(f.ctx, &types.MsgAcceptSurrender{Carrier: carrier, BillId: id2})
	require.NoError(t, err)
	require.Equal(t, types.BILL_STATUS_SURRENDERED_FOR_DELIVERY, f.bill(id2).Status)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.VoidBill(ctx, &types.MsgVoidBill{Carrier: carrier, BillId: id2, Reason: "SWI"})
		return err
	}, types.ErrWrongStatus)
}

func TestMilestonesDocumentsConsents(t *testing.T) {
	f := newFixture(t)
	id := f.issue(nil)
	at := cargotestutil.GenesisTime
	rec := func(who int, code, cls, loc string, when time.Time) *types.MsgRecordMilestone {
		return &types.MsgRecordMilestone{Recorder: f.addr(who), BillId: id, EventCode: code, Classifier: cls, Location: loc, EventTime: when}
	}
	for _, m := range []*types.MsgRecordMilestone{
		rec(cargotestutil.Carrier, "LOAD", "ACT", "CNSHA", at.Add(-time.Hour)),
		rec(cargotestutil.Terminal, "DEPA", "ACT", "CNSHA", at),
		rec(cargotestutil.Carrier, "ARRI", "EST", "HKHKG", at.Add(72*time.Hour)),
	} {
		_, err := f.srv.RecordMilestone(f.ctx, m)
		require.NoError(t, err)
	}
	for _, tc := range []struct {
		name string
		m    *types.MsgRecordMilestone
		want *errorsmod.Error
	}{
		{"unknown event code", rec(cargotestutil.Carrier, "SAIL", "ACT", "CNSHA", at), types.ErrUnknownEventCode},
		{"unknown classifier", rec(cargotestutil.Carrier, "LOAD", "GUESS", "CNSHA", at), types.ErrUnknownEventCode},
		{"bad location", rec(cargotestutil.Carrier, "LOAD", "ACT", "cnsha", at), types.ErrInvalidLocode},
		{"trader records", rec(cargotestutil.Exporter, "LOAD", "ACT", "CNSHA", at), types.ErrWrongRole},
		{"other carrier", rec(cargotestutil.Carrier2, "LOAD", "ACT", "CNSHA", at), types.ErrUnauthorized},
		{"actual event in the future", rec(cargotestutil.Customs, "CUSR", "ACT", "HKHKG", at.Add(48*time.Hour)), types.ErrInvalidDate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.RecordMilestone(ctx, tc.m); return err }, tc.want)
		})
	}
	n, err := f.k.MilestoneCount.Get(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, uint64(3), n)

	inv := hashN(2)
	_, err = f.srv.AnchorDocument(f.ctx, &types.MsgAnchorDocument{Owner: f.addr(cargotestutil.Exporter), Hash: inv, DocType: "COMMERCIAL_INVOICE", BillId: id})
	require.NoError(t, err)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.AnchorDocument(ctx, &types.MsgAnchorDocument{Owner: f.addr(cargotestutil.Exporter), Hash: inv, DocType: "PACKING_LIST"})
		return err
	}, types.ErrDocumentExists)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.AnchorDocument(ctx, &types.MsgAnchorDocument{Owner: f.addr(cargotestutil.Stranger), Hash: hashN(3), DocType: "PACKING_LIST"})
		return err
	}, types.ErrPartyNotFound)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.AnchorDocument(ctx, &types.MsgAnchorDocument{Owner: f.addr(cargotestutil.Exporter), Hash: hashN(3), DocType: "SELFIE"})
		return err
	}, types.ErrInvalidField)

	grant := &types.MsgGrantConsent{Granter: f.addr(cargotestutil.Exporter), Grantee: f.addr(cargotestutil.Bank), Scope: id,
		Purpose: "LC document examination", ExpiresAt: at.Add(30 * 24 * time.Hour)}
	res, err := f.srv.GrantConsent(f.ctx, grant)
	require.NoError(t, err)
	require.Equal(t, uint64(1), res.ConsentId)
	past := *grant
	past.ExpiresAt = at.Add(-time.Minute)
	f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.GrantConsent(ctx, &past); return err }, types.ErrConsentExpired)
	long := *grant
	long.Purpose = strings.Repeat("p", types.DefaultMaxTextLength+1)
	f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.GrantConsent(ctx, &long); return err }, types.ErrInvalidField)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.RevokeConsent(ctx, &types.MsgRevokeConsent{Granter: f.addr(cargotestutil.Bank), ConsentId: 1})
		return err
	}, types.ErrUnauthorized)
	_, err = f.srv.RevokeConsent(f.ctx, &types.MsgRevokeConsent{Granter: f.addr(cargotestutil.Exporter), ConsentId: 1})
	require.NoError(t, err)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.RevokeConsent(ctx, &types.MsgRevokeConsent{Granter: f.addr(cargotestutil.Exporter), ConsentId: 1})
		return err
	}, types.ErrConsentNotFound)
}

func TestRosterAndParams(t *testing.T) {
	f := newFixture(t)
	admin, stranger := f.addr(cargotestutil.Admin), f.addr(cargotestutil.Stranger)
	party := types.Party{Address: stranger, Code: "NEWCO", Name: "New Co", Jurisdiction: "CN", Roles: []types.Role{types.ROLE_TRADER}}

	for _, tc := range []struct {
		name string
		msg  *types.MsgRegisterParty
		want *errorsmod.Error
	}{
		{"not the authority", &types.MsgRegisterParty{Authority: f.addr(cargotestutil.Bank), Party: party}, types.ErrUnauthorized},
		{"code taken", &types.MsgRegisterParty{Authority: admin, Party: func() types.Party { p := party; p.Code = "COS"; return p }()}, types.ErrPartyExists},
		{"already registered", &types.MsgRegisterParty{Authority: admin, Party: func() types.Party { p := party; p.Address = f.addr(cargotestutil.Bank); return p }()}, types.ErrPartyExists},
		{"no roles", &types.MsgRegisterParty{Authority: admin, Party: func() types.Party { p := party; p.Roles = nil; return p }()}, types.ErrInvalidField},
		{"bad jurisdiction", &types.MsgRegisterParty{Authority: admin, Party: func() types.Party { p := party; p.Jurisdiction = "China"; return p }()}, types.ErrInvalidField},
		{"bad LEI", &types.MsgRegisterParty{Authority: admin, Party: func() types.Party { p := party; p.Lei = "123"; return p }()}, types.ErrInvalidField},
		{"lower-case code", &types.MsgRegisterParty{Authority: admin, Party: func() types.Party { p := party; p.Code = "newco"; return p }()}, types.ErrInvalidField},
		{"empty name", &types.MsgRegisterParty{Authority: admin, Party: func() types.Party { p := party; p.Name = ""; return p }()}, types.ErrInvalidField},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.RegisterParty(ctx, tc.msg); return err }, tc.want)
		})
	}
	_, err := f.srv.RegisterParty(f.ctx, &types.MsgRegisterParty{Authority: admin, Party: party})
	require.NoError(t, err)
	p, err := f.k.GetParty(f.ctx, stranger)
	require.NoError(t, err)
	require.True(t, p.Active)

	// Governance authority also manages the roster; only it updates params.
	gov := f.k.Authority()
	p.Roles = append(p.Roles, types.ROLE_INSURER)
	_, err = f.srv.UpdateParty(f.ctx, &types.MsgUpdateParty{Authority: gov, Party: p})
	require.NoError(t, err)
	newParams := types.DefaultParams()
	newParams.MaxMilestonesPerBill = 2
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.UpdateParams(ctx, &types.MsgUpdateParams{Authority: admin, Params: newParams})
		return err
	}, types.ErrUnauthorized)
	_, err = f.srv.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: gov, Params: newParams})
	require.NoError(t, err)
	id := f.issue(nil)
	for i := 0; i < 2; i++ {
		_, err := f.srv.RecordMilestone(f.ctx, &types.MsgRecordMilestone{Recorder: f.addr(cargotestutil.Carrier), BillId: id, EventCode: "LOAD", Classifier: "PLN", Location: "CNSHA", EventTime: cargotestutil.GenesisTime})
		require.NoError(t, err)
	}
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.RecordMilestone(ctx, &types.MsgRecordMilestone{Recorder: f.addr(cargotestutil.Carrier), BillId: id, EventCode: "LOAD", Classifier: "PLN", Location: "CNSHA", EventTime: cargotestutil.GenesisTime})
		return err
	}, types.ErrTooManyMilestones)
}

func TestLienAPI(t *testing.T) {
	f := newFixture(t)
	exp, imp, bank := f.addr(cargotestutil.Exporter), f.addr(cargotestutil.Importer), f.addr(cargotestutil.Bank)
	id := f.issue(nil)
	lien := types.Lien{Module: "tradefinance", Reference: "lc/1", Creditor: bank}

	require.ErrorIs(t, f.k.PlaceLien(f.ctx, id, imp, lien), types.ErrNotHolder)
	require.NoError(t, f.k.PlaceLien(f.ctx, id, exp, lien))
	require.ErrorIs(t, f.k.PlaceLien(f.ctx, id, exp, types.Lien{Module: "tradefinance", Reference: "financing/9", Creditor: bank}), types.ErrLiened)
	// I2: a liened bill moves only by the lien's release.
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.EndorseBill(ctx, &types.MsgEndorseBill{Holder: exp, BillId: id, Endorsee: imp})
		return err
	}, types.ErrLiened)
	f.expectFailure(func(ctx sdk.Context) error {
		_, err := f.srv.RequestSurrender(ctx, &types.MsgRequestSurrender{Holder: exp, BillId: id, Purpose: types.SURRENDER_PURPOSE_DELIVERY})
		return err
	}, types.ErrLiened)
	require.ErrorIs(t, f.k.ReleaseLien(f.ctx, id, "tradefinance", "lc/2"), types.ErrNoLien)
	require.ErrorIs(t, f.k.TransferUnderLien(f.ctx, id, "tradefinance", "lc/1", f.addr(cargotestutil.Stranger)), types.ErrPartyNotFound)

	require.NoError(t, f.k.TransferUnderLien(f.ctx, id, "tradefinance", "lc/1", imp))
	b := f.bill(id)
	require.Equal(t, imp, b.Holder)
	require.Nil(t, b.Lien)

	require.NoError(t, f.k.PlaceLien(f.ctx, id, imp, lien))
	require.NoError(t, f.k.ReleaseLien(f.ctx, id, "tradefinance", "lc/1"))
	require.Nil(t, f.bill(id).Lien)
	require.Equal(t, imp, f.bill(id).Holder)

	msg, broken := keeper.AllInvariants(f.k)(f.ctx)
	require.False(t, broken, msg)
}
