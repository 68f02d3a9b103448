package cargo_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	abci "github.com/cometbft/cometbft/abci/types"

	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	cargotestutil "github.com/tradechain/tradechain/x/cargo/testutil"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// Real signed transactions through FinalizeBlock: the eBL lifecycle, and bad
// input answered with the module's error code while the chain keeps going.
func TestSignedTxLifecycle(t *testing.T) {
	c := cargotestutil.NewChain(t)
	acc := func(i int) *tctestutil.Account { return c.Accounts[i] }
	carrier, exporter, importer := acc(cargotestutil.Carrier), acc(cargotestutil.Exporter), acc(cargotestutil.Importer)

	res := c.MustDeliver(carrier, &types.MsgIssueBill{
		Carrier: carrier.String(), TransportDocumentReference: "COSU6385270140", Type: types.BILL_TYPE_BOL,
		Mode: types.BILL_MODE_TO_ORDER, IssueTo: exporter.String(), Endorsee: exporter.String(),
		DocumentHash:  "9b74c9897bac770ffc029102a200c5de6b8a4d7c2a6d8f4e9f0a1b2c3d4e5f60",
		PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2026-05-03", ShippedOnBoardDate: "2026-05-03",
	})
	require.True(t, eventEmitted(res.Events, "tradechain.cargo.v1.EventBillIssued"))
	id := "COS-COSU6385270140"

	c.MustDeliver(carrier, &types.MsgRecordMilestone{Recorder: carrier.String(), BillId: id, EventCode: "LOAD", Classifier: "ACT", Location: "CNSHA", EventTime: c.Time.Add(-time.Hour)})
	c.MustDeliver(carrier, &types.MsgRecordMilestone{Recorder: carrier.String(), BillId: id, EventCode: "DEPA", Classifier: "ACT", Location: "CNSHA", EventTime: c.Time})

	// The importer is not the holder: refused with x/cargo's code, state unchanged.
	bad := c.Deliver(importer, &types.MsgEndorseBill{Holder: importer.String(), BillId: id, Endorsee: importer.String()})
	require.Equal(t, types.ModuleName, bad.Codespace)
	require.Equal(t, types.ErrInvalidField.ABCICode(), bad.Code) // endorsee == holder is caught statelessly
	bad = c.Deliver(importer, &types.MsgEndorseBill{Holder: importer.String(), BillId: id, Endorsee: exporter.String()})
	require.Equal(t, types.ErrNotHolder.ABCICode(), bad.Code)
	require.Contains(t, bad.Log, "held by")

	res = c.MustDeliver(exporter, &types.MsgEndorseBill{Holder: exporter.String(), BillId: id, Endorsee: importer.String()})
	require.True(t, eventEmitted(res.Events, "tradechain.cargo.v1.EventBillTransferred"))
	c.MustDeliver(importer, &types.MsgRequestSurrender{Holder: importer.String(), BillId: id, Purpose: types.SURRENDER_PURPOSE_DELIVERY})
	c.MustDeliver(carrier, &types.MsgAcceptSurrender{Carrier: carrier.String(), BillId: id})

	ctx := c.Context()
	b, err := c.App.CargoKeeper.GetBill(ctx, id)
	require.NoError(t, err)
	require.Equal(t, types.BILL_STATUS_SURRENDERED_FOR_DELIVERY, b.Status)
	require.Equal(t, uint64(4), b.HistoryLen)
	msg, broken := keeper.AllInvariants(c.App.CargoKeeper)(ctx)
	require.False(t, broken, msg)

	// The registered invariants are reachable by x/crisis on the running chain.
	for _, route := range []string{"bill-records", "bill-indexes", "past-holders", "bill-history"} {
		found := false
		for _, r := range c.App.CrisisKeeper.Routes() {
			if r.ModuleName == types.ModuleName && r.Route == route {
				_, broken := r.Invar(ctx)
				require.False(t, broken)
				found = true
			}
		}
		require.Truef(t, found, "invariant %s not registered", route)
	}
}

func eventEmitted(events []abci.Event, typ string) bool {
	for _, e := range events {
		if e.Type == typ {
			return true
		}
	}
	return false
}
