package keeper_test

import (
	"fmt"
	"testing"
	"time"

	errorsmod "cosmossdk.io/errors"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// registerPlatform registers the Stranger account as the zone's gateway.
func (f *fixture) registerPlatform() string {
	p := f.addr(cargotestutil.Stranger)
	_, err := f.srv.RegisterParty(f.ctx, &types.MsgRegisterParty{Authority: f.addr(cargotestutil.Admin), Party: types.Party{
		Address: p, Code: "GWHK", Name: "Hong Kong zone gateway", Jurisdiction: "HK", Roles: []types.Role{types.ROLE_PLATFORM}, Active: true,
	}})
	require.NoError(f.t, err)
	return p
}

func TestConsentGateAndAccessRecords(t *testing.T) {
	f := newFixture(t)
	bill := f.issue(nil) // exporter holds it; docHash is its transport document
	exporter, bank, bank2 := f.addr(cargotestutil.Exporter), f.addr(cargotestutil.Bank), f.addr(cargotestutil.Bank2)
	platform := f.registerPlatform()
	inv, pl, other := hashN(2), hashN(3), hashN(4)
	require.NoError(t, f.anchor(cargotestutil.Exporter, inv, "COMMERCIAL_INVOICE"))
	_, err := f.srv.AnchorDocument(f.ctx, &types.MsgAnchorDocument{Owner: exporter, Hash: pl, DocType: "PACKING_LIST", BillId: bill})
	require.NoError(t, err)
	require.NoError(t, f.anchor(cargotestutil.Importer, other, "COMMERCIAL_INVOICE"))
	at := cargotestutil.GenesisTime
	grant := func(scope string, grantee string) uint64 {
		res, err := f.srv.GrantConsent(f.ctx, &types.MsgGrantConsent{Granter: exporter, Grantee: grantee, Scope: scope,
			Purpose: "invoice financing", ExpiresAt: at.Add(24 * time.Hour)})
		require.NoError(t, err)
		return res.ConsentId
	}

	// Grant-time checks of the scope and the purpose.
	for _, tc := range []struct {
		name, scope, purpose string
		want                 *errorsmod.Error
	}{
		{"doc scope not the granter's", "doc:" + other, "x", types.ErrNotOwnersData},
		{"malformed doc scope", "doc:XYZ", "x", types.ErrInvalidScope},
		{"unknown bill", "COS-NOPE", "x", types.ErrBillNotFound},
		{"no purpose", "*", "  ", types.ErrInvalidField},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.expectFailure(func(ctx sdk.Context) error {
				_, err := f.srv.GrantConsent(ctx, &types.MsgGrantConsent{Granter: exporter, Grantee: bank, Scope: tc.scope, Purpose: tc.purpose, ExpiresAt: at.Add(time.Hour)})
				return err
			}, tc.want)
		})
	}

	all := grant("*", bank)
	onlyInv := grant("doc:"+inv, bank)
	byBill := grant(bill, bank)
	toBank2 := grant("*", bank2)
	revoked := grant("*", bank)
	_, err = f.srv.RevokeConsent(f.ctx, &types.MsgRevokeConsent{Granter: exporter, ConsentId: revoked})
	require.NoError(t, err)
	short, err := f.srv.GrantConsent(f.ctx, &types.MsgGrantConsent{Granter: exporter, Grantee: bank, Scope: "*", Purpose: "x", ExpiresAt: at.Add(time.Minute)})
	require.NoError(t, err)

	ok := []struct {
		consent uint64
		hash    string
	}{{all, inv}, {all, pl}, {all, docHash}, {onlyInv, inv}, {byBill, docHash}, {byBill, pl}}
	for i, c := range ok {
		res, err := f.srv.RecordAccess(f.ctx, &types.MsgRecordAccess{Platform: platform, ConsentId: c.consent, Grantee: bank, DocumentHash: c.hash})
		require.NoError(t, err, "case %d", i)
		require.Equal(t, uint64(i+1), res.Id)
	}
	later := f.ctx.WithBlockTime(at.Add(2 * time.Minute))
	for _, tc := range []struct {
		name string
		ctx  sdk.Context
		m    types.MsgRecordAccess
		want *errorsmod.Error
	}{
		{"revoked", f.ctx, types.MsgRecordAccess{Platform: platform, ConsentId: revoked, Grantee: bank, DocumentHash: inv}, types.ErrConsentNotLive},
		{"expired", later, types.MsgRecordAccess{Platform: platform, ConsentId: short.ConsentId, Grantee: bank, DocumentHash: inv}, types.ErrConsentNotLive},
		{"other grantee", f.ctx, types.MsgRecordAccess{Platform: platform, ConsentId: toBank2, Grantee: bank, DocumentHash: inv}, types.ErrConsentGrantee},
		{"other document", f.ctx, types.MsgRecordAccess{Platform: platform, ConsentId: onlyInv, Grantee: bank, DocumentHash: pl}, types.ErrConsentScope},
		{"document of another bill scope", f.ctx, types.MsgRecordAccess{Platform: platform, ConsentId: byBill, Grantee: bank, DocumentHash: inv}, types.ErrConsentScope},
		{"someone else's document", f.ctx, types.MsgRecordAccess{Platform: platform, ConsentId: all, Grantee: bank, DocumentHash: other}, types.ErrNotOwnersData},
		{"no such consent", f.ctx, types.MsgRecordAccess{Platform: platform, ConsentId: 99, Grantee: bank, DocumentHash: inv}, types.ErrConsentNotFound},
		{"signer not a platform", f.ctx, types.MsgRecordAccess{Platform: bank, ConsentId: all, Grantee: bank, DocumentHash: inv}, types.ErrWrongRole},
		{"grantee not a party", f.ctx, types.MsgRecordAccess{Platform: platform, ConsentId: all, Grantee: f.addr(cargotestutil.Retired), DocumentHash: inv}, types.ErrPartyInactive},
		{"malformed hash", f.ctx, types.MsgRecordAccess{Platform: platform, ConsentId: all, Grantee: bank, DocumentHash: "zz"}, types.ErrInvalidHash},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := f.ctx
			f.ctx = tc.ctx
			defer func() { f.ctx = old }()
			f.expectFailure(func(ctx sdk.Context) error { _, err := f.srv.RecordAccess(ctx, &tc.m); return err }, tc.want)
		})
	}

	// The owner lists every release; the query explains a refusal.
	q := keeper.NewQueryServerImpl(f.k)
	list, err := q.AccessRecords(f.ctx, &types.QueryAccessRecordsRequest{Owner: exporter})
	require.NoError(t, err)
	require.Len(t, list.Records, len(ok))
	for i, r := range list.Records {
		require.Equal(t, ok[i].hash, r.DocumentHash)
		require.Equal(t, ok[i].consent, r.ConsentId)
		require.Equal(t, bank, r.Grantee)
		require.Equal(t, platform, r.Platform)
		require.Equal(t, "invoice financing", r.Purpose)
		require.Equal(t, f.ctx.BlockTime().UTC(), r.AccessedAt)
	}
	cov, err := q.ConsentCovers(f.ctx, &types.QueryConsentCoversRequest{Id: revoked, Hash: inv, Grantee: bank})
	require.NoError(t, err)
	require.False(t, cov.Covered)
	require.Contains(t, cov.Reason, "revoked")
	cov, err = q.ConsentCovers(f.ctx, &types.QueryConsentCoversRequest{Id: onlyInv, Hash: inv, Grantee: bank})
	require.NoError(t, err)
	require.True(t, cov.Covered, cov.Reason)
	require.Equal(t, "COMMERCIAL_INVOICE", cov.OwnerAnchor.DocType)

	// Export and import keep the records and the sequence.
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Len(t, gs.AccessRecords, len(ok))
	require.Equal(t, uint64(len(ok)), gs.AccessSeq)
}

func TestTrackRecord(t *testing.T) {
	f := newFixture(t)
	exporter, importer := f.addr(cargotestutil.Exporter), f.addr(cargotestutil.Importer)
	b1 := f.issue(nil)
	b2 := f.issue(func(m *types.MsgIssueBill) {
		m.TransportDocumentReference = "COSU0000000002"
		m.DocumentHash = hashN(1)
	})
	_, err := f.srv.EndorseBill(f.ctx, &types.MsgEndorseBill{Holder: exporter, BillId: b1, Endorsee: importer})
	require.NoError(t, err)
	carrier := f.addr(cargotestutil.Carrier)
	_, err = f.srv.RequestSurrender(f.ctx, &types.MsgRequestSurrender{Holder: exporter, BillId: b2, Purpose: types.SURRENDER_PURPOSE_AMENDMENT, Reason: "SWTP"})
	require.NoError(t, err)
	_, err = f.srv.AcceptSurrender(f.ctx, &types.MsgAcceptSurrender{Carrier: carrier, BillId: b2})
	require.NoError(t, err)
	_, err = f.srv.VoidBill(f.ctx, &types.MsgVoidBill{Carrier: carrier, BillId: b2, Reason: "SWI"})
	require.NoError(t, err)
	b3 := f.issue(func(m *types.MsgIssueBill) {
		m.TransportDocumentReference = "COSU0000000003"
		m.DocumentHash = hashN(5)
	})
	_, err = f.srv.RequestSurrender(f.ctx, &types.MsgRequestSurrender{Holder: exporter, BillId: b3, Purpose: types.SURRENDER_PURPOSE_DELIVERY})
	require.NoError(t, err)
	_, err = f.srv.AcceptSurrender(f.ctx, &types.MsgAcceptSurrender{Carrier: carrier, BillId: b3})
	require.NoError(t, err)
	at := cargotestutil.GenesisTime
	for _, m := range []*types.MsgRecordMilestone{
		{Recorder: f.addr(cargotestutil.Carrier), BillId: b1, EventCode: "DEPA", Classifier: "PLN", Location: "CNSHA", EventTime: at.Add(-2 * time.Hour)},
		{Recorder: f.addr(cargotestutil.Carrier), BillId: b1, EventCode: "DEPA", Classifier: "ACT", Location: "CNSHA", EventTime: at.Add(-3 * time.Hour)},
		{Recorder: f.addr(cargotestutil.Carrier), BillId: b1, EventCode: "LOAD", Classifier: "PLN", Location: "CNSHA", EventTime: at.Add(-5 * time.Hour)},
		{Recorder: f.addr(cargotestutil.Carrier), BillId: b1, EventCode: "LOAD", Classifier: "ACT", Location: "CNSHA", EventTime: at.Add(-4 * time.Hour)},
	} {
		_, err := f.srv.RecordMilestone(f.ctx, m)
		require.NoError(t, err)
	}
	figs := func(party string) map[string][]string {
		res, err := keeper.NewQueryServerImpl(f.k).TrackRecord(f.ctx, &types.QueryTrackRecordRequest{Party: party})
		require.NoError(t, err)
		out := map[string][]string{}
		for _, fg := range res.Figures {
			require.Equal(t, uint64(len(fg.Ids)), fg.Count, fg.Name)
			out[fg.Name] = fg.Ids
		}
		return out
	}
	ex := figs(exporter)
	require.Equal(t, []string{b2, b3, b1}, ex["bills_shipped"])
	require.Equal(t, []string{b2, b3, b1}, ex["bills_held"], "the exporter held b1 before endorsing it")
	require.Empty(t, ex["bills_holding_now"])
	require.Equal(t, []string{b2}, ex["bills_voided"])
	require.Equal(t, []string{b3}, ex["bills_surrendered_for_delivery"])
	require.Equal(t, []string{fmt.Sprintf("%s/2", b1)}, ex["milestones_on_time"])
	require.Equal(t, []string{fmt.Sprintf("%s/4", b1)}, ex["milestones_late"])
	im := figs(importer)
	require.Equal(t, []string{b1}, im["bills_holding_now"])
	require.Empty(t, im["bills_shipped"])
	require.Equal(t, []string{b2, b3, b1}, figs(carrier)["bills_issued_as_carrier"])
}
