package app_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"

	"github.com/tradechain/tradechain/app"
	"github.com/tradechain/tradechain/testutil"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// A zone's DCSA gateway (a PLATFORM party) issues and answers surrenders in
// the carrier's name only through the carrier's authz grants: its MsgExec of
// MsgIssueBill and MsgAcceptSurrender is admitted (the inner signer is the
// carrier, an active party) and the bill is the carrier's; a surrender
// request tells the gateway what it forwards to the carrier's DCSA
// Surrender API. Without a grant, or for an outsider, nothing happens.
func TestGatewayActsByCarrierGrants(t *testing.T) {
	c := ct.NewChain(t)
	admin, carrier, exporter := c.Accounts[ct.Admin], c.Accounts[ct.Carrier], c.Accounts[ct.Exporter]
	gateway, outsider := c.Accounts[ct.Stranger], c.Accounts[ct.Retired]
	c.MustDeliver(admin, &cargotypes.MsgRegisterParty{Authority: admin.String(), Party: cargotypes.Party{
		Address: gateway.String(), Code: "GWSH", Name: "Shanghai gateway", Jurisdiction: "CN", Roles: []cargotypes.Role{cargotypes.ROLE_PLATFORM}, Active: true}})

	issue := &cargotypes.MsgIssueBill{Carrier: carrier.String(), TransportDocumentReference: "GW0001", Type: cargotypes.BILL_TYPE_BOL,
		Mode: cargotypes.BILL_MODE_BLANK, IssueTo: exporter.String(), DocumentHash: "1f14e45fceea167a5a36dedd4bea2543b2c5d3f8e8a1b7c9d0e1f2a3b4c5d6e7",
		PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2026-05-03"}
	exec := func(grantee *testutil.Account, msgs ...sdk.Msg) *authz.MsgExec {
		m := authz.NewMsgExec(grantee.Address, msgs)
		return &m
	}
	// No grant yet: authz refuses.
	res := c.Deliver(gateway, exec(gateway, issue))
	require.NotZero(t, res.Code, "an exec without a grant went through")

	exp := c.Time.Add(365 * 24 * time.Hour)
	for _, m := range []sdk.Msg{&cargotypes.MsgIssueBill{}, &cargotypes.MsgAcceptSurrender{}, &cargotypes.MsgRejectSurrender{}} {
		g, err := authz.NewMsgGrant(carrier.Address, gateway.Address, authz.NewGenericAuthorization(sdk.MsgTypeURL(m)), &exp)
		require.NoError(t, err)
		c.MustDeliver(carrier, g)
	}
	c.MustDeliver(gateway, exec(gateway, issue))
	b, err := c.App.CargoKeeper.GetBill(c.Context(), "COS-GW0001")
	require.NoError(t, err)
	require.Equal(t, carrier.String(), b.Carrier)
	require.Equal(t, exporter.String(), b.Holder)

	// The holder surrenders; the event carries what the gateway sends on.
	res = c.MustDeliver(exporter, &cargotypes.MsgRequestSurrender{Holder: exporter.String(), BillId: b.Id, Purpose: cargotypes.SURRENDER_PURPOSE_DELIVERY})
	attrs := map[string]string{}
	for _, ev := range res.Events {
		if ev.Type == "tradechain.cargo.v1.EventSurrenderRequested" {
			for _, a := range ev.Attributes {
				attrs[a.Key] = a.Value
			}
		}
	}
	require.Equal(t, `"`+b.Id+`"`, attrs["bill_id"])
	require.Equal(t, `"`+carrier.String()+`"`, attrs["carrier"])
	require.Equal(t, `"`+b.DocumentHash+`"`, attrs["document_hash"])
	require.Equal(t, `"2"`, attrs["history_len"])
	require.NotEmpty(t, attrs["history_head"])

	// An outsider (a deactivated party) with no standing cannot carry the
	// carrier's answer; the gateway can.
	res = c.Deliver(outsider, exec(outsider, &cargotypes.MsgAcceptSurrender{Carrier: carrier.String(), BillId: b.Id}))
	require.Equal(t, app.ErrNotAdmitted.ABCICode(), res.Code, res.Log)
	c.MustDeliver(gateway, exec(gateway, &cargotypes.MsgAcceptSurrender{Carrier: carrier.String(), BillId: b.Id}))
	b, err = c.App.CargoKeeper.GetBill(c.Context(), b.Id)
	require.NoError(t, err)
	require.Equal(t, cargotypes.BILL_STATUS_SURRENDERED_FOR_DELIVERY, b.Status)
	require.Equal(t, carrier.String(), b.Holder)
}
