package app_test

import (
	"bytes"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	transfertypes "github.com/cosmos/ibc-go/v8/modules/apps/transfer/types"
	clienttypes "github.com/cosmos/ibc-go/v8/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	"github.com/tradechain/tradechain/testutil"
	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	tftypes "github.com/tradechain/tradechain/x/tradefinance/types"
)

// The accounts of refundCorridor's chains (ibctesting's SenderAccounts).
const (
	zoneRelayer   = 0 // signs every IBC message (the chain's SenderAccount)
	zoneParty     = 1 // hongkong: the bank HKBK; shanghai: the trader SHPE
	zoneRegulator = 2
)

const hkDeposit = "td-hkbk-hkd"

// refundCorridor is hongkong (A) and shanghai (B) over a trusted transfer
// channel, with a bank on hongkong that minted 1,000 of its deposit token and
// sent 300 to a trader on shanghai, who holds them as vouchers; each zone has
// a regulator.
type refundCorridor struct {
	t       *testing.T
	coord   *ibctesting.Coordinator
	path    *ibctesting.Path
	voucher string // the deposit token's voucher on shanghai
}

func newRefundCorridor(t *testing.T) *refundCorridor {
	t.Helper()
	coord, path := newTransferPath(t)
	c := &refundCorridor{t: t, coord: coord, path: path,
		voucher: transfertypes.ParseDenomTrace(transfertypes.GetPrefixedDenom(path.EndpointB.ChannelConfig.PortID, path.EndpointB.ChannelID, hkDeposit)).IBCDenom()}
	for _, p := range []struct {
		chain *ibctesting.TestChain
		acc   int
		code  string
		role  cargotypes.Role
	}{
		{path.EndpointA.Chain, zoneParty, "HKBK", cargotypes.ROLE_BANK},
		{path.EndpointA.Chain, zoneRegulator, "HKMA", cargotypes.ROLE_REGULATOR},
		{path.EndpointB.Chain, zoneParty, "SHPE", cargotypes.ROLE_TRADER},
		{path.EndpointB.Chain, zoneRegulator, "PBOC", cargotypes.ROLE_REGULATOR},
	} {
		addr := c.addr(p.chain, p.acc).String()
		require.NoError(t, testutil.App(p.chain).CargoKeeper.Parties.Set(p.chain.GetContext(), addr, cargotypes.Party{
			Address: addr, Code: p.code, Name: p.code, Jurisdiction: "HK", Roles: []cargotypes.Role{p.role}, Active: true}))
	}
	coord.CommitBlock(path.EndpointA.Chain, path.EndpointB.Chain)
	bank := c.addr(path.EndpointA.Chain, zoneParty)
	_, err := c.signAs(path.EndpointA.Chain, zoneParty, &tftypes.MsgMintDeposit{Bank: bank.String(), Amount: sdk.NewInt64Coin(hkDeposit, 1_000)})
	require.NoError(t, err)
	require.NoError(t, path.RelayPacket(c.transfer(path.EndpointA, sdk.NewInt64Coin(hkDeposit, 300), c.addr(path.EndpointB.Chain, zoneParty).String(), c.far())))
	require.Equal(t, int64(300), balanceOf(path.EndpointB.Chain, c.addr(path.EndpointB.Chain, zoneParty), c.voucher).Int64())
	return c
}

func (c *refundCorridor) addr(chain *ibctesting.TestChain, acc int) sdk.AccAddress {
	return chain.SenderAccounts[acc].SenderAccount.GetAddress()
}

// signAs delivers msgs signed by account acc of chain.
func (c *refundCorridor) signAs(chain *ibctesting.TestChain, acc int, msgs ...sdk.Msg) (*abci.ExecTxResult, error) {
	relayer, key := chain.SenderAccount, chain.SenderPrivKey
	chain.SenderAccount, chain.SenderPrivKey = chain.SenderAccounts[acc].SenderAccount, chain.SenderAccounts[acc].SenderPrivKey
	defer func() { chain.SenderAccount, chain.SenderPrivKey = relayer, key }()
	return chain.SendMsgs(msgs...)
}

func (c *refundCorridor) far() clienttypes.Height { return clienttypes.NewHeight(1, 1_000) }

// soon is a timeout the counterparty of ep passes in a few blocks.
func (c *refundCorridor) soon(ep *ibctesting.Endpoint) clienttypes.Height {
	return clienttypes.NewHeight(1, uint64(ep.Counterparty.Chain.GetContext().BlockHeight())+3)
}

// transfer sends coin from ep's zone party to receiver on the other zone and
// returns the packet, not relayed.
func (c *refundCorridor) transfer(ep *ibctesting.Endpoint, coin sdk.Coin, receiver string, timeout clienttypes.Height) channeltypes.Packet {
	c.t.Helper()
	msg := transfertypes.NewMsgTransfer(ep.ChannelConfig.PortID, ep.ChannelID, coin, c.addr(ep.Chain, zoneParty).String(), receiver, timeout, 0, "")
	res, err := c.signAs(ep.Chain, zoneParty, msg)
	require.NoError(c.t, err)
	packet, err := ibctesting.ParsePacketFromEvents(res.Events)
	require.NoError(c.t, err)
	return packet
}

// hold places (or lifts) the zone regulator's hold on ep's zone party.
func (c *refundCorridor) hold(ep *ibctesting.Endpoint, place bool) {
	c.t.Helper()
	k := testutil.App(ep.Chain).CargoKeeper
	srv := cargokeeper.NewMsgServerImpl(k)
	regulator, subject := c.addr(ep.Chain, zoneRegulator).String(), c.addr(ep.Chain, zoneParty).String()
	var err error
	if place {
		_, err = srv.PlaceHold(ep.Chain.GetContext(), &cargotypes.MsgPlaceHold{Regulator: regulator, SubjectKind: cargotypes.HOLD_SUBJECT_PARTY,
			Subject: subject, Reason: "sanctions screening hit"})
	} else {
		_, err = srv.LiftHold(ep.Chain.GetContext(), &cargotypes.MsgLiftHold{Regulator: regulator, SubjectKind: cargotypes.HOLD_SUBJECT_PARTY,
			Subject: subject, Reason: "cleared"})
	}
	require.NoError(c.t, err)
	c.coord.CommitBlock(ep.Chain)
}

// setActive (de)activates ep's zone party, as its zone authority would.
func (c *refundCorridor) setActive(ep *ibctesting.Endpoint, active bool) {
	c.t.Helper()
	k := testutil.App(ep.Chain).CargoKeeper
	p, err := k.GetParty(ep.Chain.GetContext(), c.addr(ep.Chain, zoneParty).String())
	require.NoError(c.t, err)
	p.Active = active
	require.NoError(c.t, k.Parties.Set(ep.Chain.GetContext(), p.Address, p))
	c.coord.CommitBlock(ep.Chain)
}

// cleared asserts that the packet's commitment on its source zone is gone.
func (c *refundCorridor) cleared(ep *ibctesting.Endpoint, packet channeltypes.Packet) {
	c.t.Helper()
	commitment := testutil.App(ep.Chain).IBCKeeper.ChannelKeeper.GetPacketCommitment(ep.Chain.GetContext(), packet.SourcePort, packet.SourceChannel, packet.Sequence)
	require.Nil(c.t, commitment, "the packet did not clear")
}

// frozen asserts that ep's zone party cannot send amount of denom (the bank
// refuses any send from it, with want); free, that it can.
func (c *refundCorridor) frozen(ep *ibctesting.Endpoint, denom string, amount int64, want *errorsmod.Error) {
	c.t.Helper()
	ctx, _ := ep.Chain.GetContext().CacheContext()
	err := testutil.App(ep.Chain).BankKeeper.SendCoins(ctx, c.addr(ep.Chain, zoneParty), c.addr(ep.Chain, zoneRelayer), sdk.NewCoins(sdk.NewInt64Coin(denom, amount)))
	if want == nil {
		require.NoError(c.t, err)
		return
	}
	testutil.RequireCode(c.t, err, want)
	require.ErrorContains(c.t, err, "cannot move")
}

func requireErrorAck(t *testing.T, ack []byte) {
	t.Helper()
	var a channeltypes.Acknowledgement
	require.NoError(t, transfertypes.ModuleCdc.UnmarshalJSON(ack, &a))
	require.False(t, a.Success(), "the receiving zone accepted the packet")
}

// I5 for a sender stopped while its transfer is in flight: a bank on
// hongkong sends its deposit tokens to shanghai (and a trader on shanghai
// sends them home, as vouchers), a regulator's hold or a deactivation stops
// the sender before the packet is relayed, and the packet times out or
// comes back with an error acknowledgement (the receiver is not a party
// there). The refund reaches the stopped sender — from the channel's escrow
// (a token native to the zone: bank SendCoins) or as the voucher ICS-20
// mints back (SendCoinsFromModuleToAccount) — the acknowledgement or
// timeout succeeds and the packet clears; the tokens then sit frozen with
// the sender (cargo/36 or cargo/6 on any send) until the hold is lifted or
// the party reactivated.
func TestICS20RefundReachesStoppedSender(t *testing.T) {
	c := newRefundCorridor(t)
	A, B := c.path.EndpointA, c.path.EndpointB
	stranger := sdk.AccAddress(bytes.Repeat([]byte{7}, 20)).String() // a party on neither zone
	held := func(ep *ibctesting.Endpoint) func(bool) { return func(on bool) { c.hold(ep, on) } }
	deactivated := func(ep *ibctesting.Endpoint) func(bool) { return func(on bool) { c.setActive(ep, !on) } }
	for _, tc := range []struct {
		name     string
		from     *ibctesting.Endpoint
		denom    string
		stop     func(on bool)
		want     *errorsmod.Error
		errorAck bool // else a timeout
	}{
		{"deposit token from its escrow, timeout, held bank", A, hkDeposit, held(A), cargotypes.ErrHeld, false},
		{"deposit token from its escrow, error ack, held bank", A, hkDeposit, held(A), cargotypes.ErrHeld, true},
		{"deposit token from its escrow, timeout, deactivated bank", A, hkDeposit, deactivated(A), cargotypes.ErrPartyInactive, false},
		{"voucher minted back, timeout, held trader", B, c.voucher, held(B), cargotypes.ErrHeld, false},
		{"voucher minted back, error ack, held trader", B, c.voucher, held(B), cargotypes.ErrHeld, true},
		{"voucher minted back, error ack, deactivated trader", B, c.voucher, deactivated(B), cargotypes.ErrPartyInactive, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			chain, sender := tc.from.Chain, c.addr(tc.from.Chain, zoneParty)
			start := balanceOf(chain, sender, tc.denom)
			receiver, timeout := c.addr(tc.from.Counterparty.Chain, zoneParty).String(), c.soon(tc.from)
			if tc.errorAck {
				receiver, timeout = stranger, c.far()
			}
			packet := c.transfer(tc.from, sdk.NewInt64Coin(tc.denom, 100), receiver, timeout)
			require.Equal(t, start.SubRaw(100), balanceOf(chain, sender, tc.denom))

			tc.stop(true)
			if tc.errorAck {
				require.NoError(t, c.path.RelayPacket(packet), "the error acknowledgement failed: its refund to the stopped sender was refused")
			} else {
				c.coord.CommitNBlocks(tc.from.Counterparty.Chain, 5) // past the timeout, unreceived
				require.NoError(t, tc.from.UpdateClient())
				require.NoError(t, tc.from.TimeoutPacket(packet), "the timeout failed: its refund to the stopped sender was refused")
			}
			c.cleared(tc.from, packet)
			require.Equal(t, start, balanceOf(chain, sender, tc.denom), "the refund did not arrive")
			c.frozen(tc.from, tc.denom, start.Int64(), tc.want)

			tc.stop(false)
			c.frozen(tc.from, tc.denom, start.Int64(), nil)
		})
	}
	c.t = t
	// Refunded once: the escrow on hongkong holds exactly what shanghai's
	// vouchers stand for.
	escrow := transfertypes.GetEscrowAddress(A.ChannelConfig.PortID, A.ChannelID)
	require.Equal(t, int64(300), balanceOf(A.Chain, escrow, hkDeposit).Int64())
	require.Equal(t, int64(300), testutil.App(B.Chain).BankKeeper.GetSupply(B.Chain.GetContext(), c.voucher).Amount.Int64())
	require.Equal(t, int64(700), balanceOf(A.Chain, c.addr(A.Chain, zoneParty), hkDeposit).Int64())
	// The bank, no longer held, moves its money.
	_, err := c.signAs(A.Chain, zoneParty, banktypes.NewMsgSend(c.addr(A.Chain, zoneParty), c.addr(A.Chain, zoneRelayer), sdk.NewCoins(sdk.NewInt64Coin(hkDeposit, 700))))
	require.NoError(t, err)
}

// A delivery is not a refund: deposit tokens another zone's account sends to
// a party that is held (or deactivated) on the receiving zone are refused
// there — the voucher ICS-20 would mint to it, or the tokens it would release
// from the escrow — with an error acknowledgement, and the sender is
// refunded. Only what the zone owes a stopped party reaches it.
func TestICS20DeliveryToStoppedPartyRefused(t *testing.T) {
	c := newRefundCorridor(t)
	A, B := c.path.EndpointA, c.path.EndpointB
	bank, trader := c.addr(A.Chain, zoneParty), c.addr(B.Chain, zoneParty)
	escrow := transfertypes.GetEscrowAddress(A.ChannelConfig.PortID, A.ChannelID)

	for _, tc := range []struct {
		name string
		from *ibctesting.Endpoint
		stop func(on bool)
	}{
		{"a voucher to a held trader", A, func(on bool) { c.hold(B, on) }},
		{"a voucher to a deactivated trader", A, func(on bool) { c.setActive(B, !on) }},
		{"the escrow's tokens to a held bank", B, func(on bool) { c.hold(A, on) }},
		{"the escrow's tokens to a deactivated bank", B, func(on bool) { c.setActive(A, !on) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			tc.stop(true)
			defer tc.stop(false)
			coin, receiver := sdk.NewInt64Coin(hkDeposit, 100), trader
			if tc.from == B {
				coin, receiver = sdk.NewInt64Coin(c.voucher, 100), bank
			}
			packet := c.transfer(tc.from, coin, receiver.String(), c.far())
			_, ack, err := c.path.RelayPacketWithResults(packet)
			require.NoError(t, err)
			requireErrorAck(t, ack)
			c.cleared(tc.from, packet)
			require.Equal(t, int64(700), balanceOf(A.Chain, bank, hkDeposit).Int64())
			require.Equal(t, int64(300), balanceOf(B.Chain, trader, c.voucher).Int64())
			require.Equal(t, int64(300), balanceOf(A.Chain, escrow, hkDeposit).Int64())
		})
	}
}
