package app_test

import (
	"fmt"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/tradechain/tradechain/x/cargo/keeper"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// Reject and recover, and remarks, through real signed transactions: a
// receiver refuses a transfer or an endorsement made to it by mistake as its
// first action, and control (and the endorsee named before) goes back; any
// other action of the receiver accepts; a regulator's hold in between does
// not; each action's remark is in its history entry and in an event.
func TestRejectTransferAndEndorsement(t *testing.T) {
	c := ct.NewChain(t)
	carrier, exporter, importer, customs := c.Accounts[ct.Carrier], c.Accounts[ct.Exporter], c.Accounts[ct.Importer], c.Accounts[ct.Customs]
	n := 0
	issue := func(mode cargotypes.BillMode, endorsee string) string {
		n++
		ref := fmt.Sprintf("REJ%d", n)
		c.MustDeliver(carrier, &cargotypes.MsgIssueBill{Carrier: carrier.String(), TransportDocumentReference: ref, Type: cargotypes.BILL_TYPE_BOL,
			Mode: mode, IssueTo: exporter.String(), Endorsee: endorsee, DocumentHash: fmt.Sprintf("%064x", 0xe00+n), PortOfLoading: "CNSHA",
			PortOfDischarge: "HKHKG", IssueDate: "2026-05-03", Remark: "issued against shipper's letter of instruction 4471"})
		return "COS-" + ref
	}
	bill := func(id string) cargotypes.Bill {
		b, err := c.App.CargoKeeper.GetBill(c.Context(), id)
		require.NoError(t, err)
		return b
	}
	last := func(id string) cargotypes.HistoryEntry {
		b := bill(id)
		e, err := c.App.CargoKeeper.History.Get(c.Context(), collections.Join(id, b.HistoryLen))
		require.NoError(t, err)
		return e
	}
	remarkEvent := func(res *abci.ExecTxResult, want string) {
		for _, ev := range res.Events {
			if ev.Type == "tradechain.cargo.v1.EventBillRemark" {
				for _, a := range ev.Attributes {
					if a.Key == "remark" && a.Value == fmt.Sprintf("%q", want) {
						return
					}
				}
			}
		}
		t.Fatalf("no EventBillRemark with %q in %v", want, res.Events)
	}

	// A BLANK bill transferred to the wrong party: it refuses, control returns.
	blank := issue(cargotypes.BILL_MODE_BLANK, "")
	require.Equal(t, "issued against shipper's letter of instruction 4471", last(blank).Remark)
	c.MustDeliver(exporter, &cargotypes.MsgTransferBill{Holder: exporter.String(), BillId: blank, To: importer.String(), Remark: "per sale contract SC-88"})
	require.Equal(t, &cargotypes.Offer{Action: keeper.ActionTransfer, From: exporter.String()}, bill(blank).Offer)
	// A regulator's hold and its lifting are not the receiver's action.
	c.MustDeliver(customs, &cargotypes.MsgPlaceHold{Regulator: customs.String(), SubjectKind: cargotypes.HOLD_SUBJECT_BILL, Subject: blank, Reason: "screening"})
	c.MustDeliver(customs, &cargotypes.MsgLiftHold{Regulator: customs.String(), SubjectKind: cargotypes.HOLD_SUBJECT_BILL, Subject: blank, Reason: "cleared"})
	// Only the receiver may reject.
	requireRegistered(t, c.Deliver(exporter, &cargotypes.MsgRejectTransfer{Holder: exporter.String(), BillId: blank}), cargotypes.ErrNotHolder)
	res := c.MustDeliver(importer, &cargotypes.MsgRejectTransfer{Holder: importer.String(), BillId: blank, Remark: "not our cargo: wrong consignment"})
	remarkEvent(res, "not our cargo: wrong consignment")
	b := bill(blank)
	require.Equal(t, exporter.String(), b.Holder, "control went back to the sender")
	require.Nil(t, b.Offer)
	e := last(blank)
	require.Equal(t, keeper.ActionRejectTransfer, e.Action)
	require.Equal(t, importer.String(), e.From)
	require.Equal(t, exporter.String(), e.To)
	require.Equal(t, "not our cargo: wrong consignment", e.Remark)
	// Rejected once, nothing left to reject.
	requireRegistered(t, c.Deliver(exporter, &cargotypes.MsgRejectTransfer{Holder: exporter.String(), BillId: blank}), cargotypes.ErrNoOffer)

	// Any other action of the receiver first accepts: here it sends the
	// bill on, and the next receiver's rejection returns it to the first.
	c.MustDeliver(exporter, &cargotypes.MsgTransferBill{Holder: exporter.String(), BillId: blank, To: importer.String()})
	c.MustDeliver(importer, &cargotypes.MsgRequestSurrender{Holder: importer.String(), BillId: blank, Purpose: cargotypes.SURRENDER_PURPOSE_DELIVERY,
		Remark: "goods collected at HIT terminal 6"})
	require.Nil(t, bill(blank).Offer)
	c.MustDeliver(carrier, &cargotypes.MsgRejectSurrender{Carrier: carrier.String(), BillId: blank, Reason: "freight unpaid"})
	requireRegistered(t, c.Deliver(importer, &cargotypes.MsgRejectTransfer{Holder: importer.String(), BillId: blank}), cargotypes.ErrNoOffer)

	// A TO_ORDER bill endorsed to the wrong endorsee: control and the
	// endorsee named before go back to the endorser.
	order := issue(cargotypes.BILL_MODE_TO_ORDER, exporter.String())
	c.MustDeliver(exporter, &cargotypes.MsgEndorseBill{Holder: exporter.String(), BillId: order, Endorsee: importer.String()})
	requireRegistered(t, c.Deliver(importer, &cargotypes.MsgRejectTransfer{Holder: importer.String(), BillId: order}), cargotypes.ErrNoOffer)
	c.MustDeliver(importer, &cargotypes.MsgRejectEndorsement{Holder: importer.String(), BillId: order, Remark: "endorsed to us in error"})
	b = bill(order)
	require.Equal(t, exporter.String(), b.Holder)
	require.Equal(t, exporter.String(), b.Endorsee)
	require.Equal(t, keeper.ActionRejectEndorsement, last(order).Action)
	// Endorsed again, blank-endorsed by the endorsee: accepted, no rejection.
	c.MustDeliver(exporter, &cargotypes.MsgEndorseBill{Holder: exporter.String(), BillId: order, Endorsee: importer.String()})
	c.MustDeliver(importer, &cargotypes.MsgBlankEndorseBill{Holder: importer.String(), BillId: order})
	requireRegistered(t, c.Deliver(importer, &cargotypes.MsgRejectEndorsement{Holder: importer.String(), BillId: order}), cargotypes.ErrNoOffer)

	// Remarks are short single lines of text.
	before := bill(order)
	requireRegistered(t, c.Deliver(importer, &cargotypes.MsgTransferBill{Holder: importer.String(), BillId: order, To: exporter.String(),
		Remark: strings.Repeat("x", cargotypes.MaxRemarkLength+1)}), cargotypes.ErrInvalidField)
	requireRegistered(t, c.Deliver(importer, &cargotypes.MsgTransferBill{Holder: importer.String(), BillId: order, To: exporter.String(),
		Remark: "two\nlines"}), cargotypes.ErrInvalidField)
	require.Equal(t, before, bill(order))
	c.MustDeliver(importer, &cargotypes.MsgTransferBill{Holder: importer.String(), BillId: order, To: exporter.String(),
		Remark: strings.Repeat("é", cargotypes.MaxRemarkLength/2)})
}
