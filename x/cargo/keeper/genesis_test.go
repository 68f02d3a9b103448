package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// Export every kind of x/cargo state, validate it, import it into a fresh
// chain and export again: identical. A tampered history is refused.
func TestGenesisRoundTrip(t *testing.T) {
	f := newFixture(t)
	id := f.issue(nil)
	_, err := f.srv.EndorseBill(f.ctx, &types.MsgEndorseBill{Holder: f.addr(cargotestutil.Exporter), BillId: id, Endorsee: f.addr(cargotestutil.Importer)})
	require.NoError(t, err)
	_, err = f.srv.RecordMilestone(f.ctx, &types.MsgRecordMilestone{Recorder: f.addr(cargotestutil.Carrier), BillId: id, EventCode: "LOAD", Classifier: "ACT", Location: "CNSHA", EventTime: cargotestutil.GenesisTime})
	require.NoError(t, err)
	_, err = f.srv.AnchorDocument(f.ctx, &types.MsgAnchorDocument{Owner: f.addr(cargotestutil.Exporter), Hash: hashN(1), DocType: "PACKING_LIST", BillId: id})
	require.NoError(t, err)
	_, err = f.srv.GrantConsent(f.ctx, &types.MsgGrantConsent{Granter: f.addr(cargotestutil.Importer), Grantee: f.addr(cargotestutil.Bank), Scope: "*", Purpose: "credit line", ExpiresAt: cargotestutil.GenesisTime.Add(time.Hour)})
	require.NoError(t, err)
	require.NoError(t, f.k.PlaceLien(f.ctx, id, f.addr(cargotestutil.Importer), types.Lien{Module: "tradefinance", Reference: "financing/1", Creditor: f.addr(cargotestutil.Bank)}))

	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	require.Len(t, exported.History, 3)
	require.Equal(t, uint64(2), exported.NextConsentId)

	g := newFixture(t)
	require.NoError(t, g.k.InitGenesis(g.ctx, *exported))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)
	res, err := g.srv.GrantConsent(g.ctx, &types.MsgGrantConsent{Granter: g.addr(cargotestutil.Exporter), Grantee: g.addr(cargotestutil.Bank), Scope: "*", Purpose: "x", ExpiresAt: cargotestutil.GenesisTime.Add(time.Hour)})
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.ConsentId, "the consent sequence continues after import")

	tampered := *exported
	tampered.History = append([]types.HistoryEntry(nil), exported.History...)
	tampered.History[1].To = g.addr(cargotestutil.Stranger)
	require.ErrorIs(t, tampered.Validate(), types.ErrInvalidGenesis)
}
