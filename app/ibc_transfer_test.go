package app_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"

	transfertypes "github.com/cosmos/ibc-go/v8/modules/apps/transfer/types"
	clienttypes "github.com/cosmos/ibc-go/v8/modules/core/02-client/types"
	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	"github.com/tradechain/tradechain/app"
	"github.com/tradechain/tradechain/testutil"
	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	tftypes "github.com/tradechain/tradechain/x/tradefinance/types"
)

func newTransferPath(t *testing.T) (*ibctesting.Coordinator, *ibctesting.Path) {
	t.Helper()
	testutil.UseTradechainForIBCTesting()
	coord := ibctesting.NewCoordinator(t, 2)
	path := ibctesting.NewTransferPath(coord.GetChain(ibctesting.GetChainID(1)), coord.GetChain(ibctesting.GetChainID(2)))
	// ICS-20 runs only over connections on each zone's corridor allowlist.
	testutil.SetupCorridor(coord, path)
	return coord, path
}

func balanceOf(chain *ibctesting.TestChain, addr sdk.AccAddress, denom string) sdkmath.Int {
	return testutil.App(chain).BankKeeper.GetBalance(chain.GetContext(), addr, denom).Amount
}

// utrade goes A→B as a voucher, comes back B→A, and the original balance is restored.
func TestICS20RoundTrip(t *testing.T) {
	_, path := newTransferPath(t)
	a, b := path.EndpointA.Chain, path.EndpointB.Chain
	sender, receiver := a.SenderAccount.GetAddress(), b.SenderAccount.GetAddress()
	amount := sdkmath.NewInt(777_000)
	startA := balanceOf(a, sender, sdk.DefaultBondDenom)

	msg := transfertypes.NewMsgTransfer(path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID,
		sdk.NewCoin(sdk.DefaultBondDenom, amount), sender.String(), receiver.String(), clienttypes.NewHeight(1, 1000), 0, "")
	res, err := a.SendMsgs(msg)
	require.NoError(t, err)
	packet, err := ibctesting.ParsePacketFromEvents(res.Events)
	require.NoError(t, err)
	require.NoError(t, path.RelayPacket(packet))

	trace := transfertypes.ParseDenomTrace(transfertypes.GetPrefixedDenom(path.EndpointB.ChannelConfig.PortID, path.EndpointB.ChannelID, sdk.DefaultBondDenom))
	voucher := trace.IBCDenom()
	require.Equal(t, amount, balanceOf(b, receiver, voucher), "voucher minted on B")
	escrow := transfertypes.GetEscrowAddress(path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID)
	require.Equal(t, amount, balanceOf(a, escrow, sdk.DefaultBondDenom), "original escrowed on A")
	gotTrace, ok := testutil.App(b).TransferKeeper.GetDenomTrace(b.GetContext(), trace.Hash())
	require.True(t, ok)
	require.Equal(t, "transfer/"+path.EndpointB.ChannelID, gotTrace.Path)

	back := transfertypes.NewMsgTransfer(path.EndpointB.ChannelConfig.PortID, path.EndpointB.ChannelID,
		sdk.NewCoin(voucher, amount), receiver.String(), sender.String(), clienttypes.NewHeight(1, 1000), 0, "")
	res, err = b.SendMsgs(back)
	require.NoError(t, err)
	packet, err = ibctesting.ParsePacketFromEvents(res.Events)
	require.NoError(t, err)
	require.NoError(t, path.RelayPacket(packet))

	require.True(t, balanceOf(b, receiver, voucher).IsZero(), "voucher burned on B")
	require.True(t, balanceOf(a, escrow, sdk.DefaultBondDenom).IsZero(), "escrow released on A")
	require.Equal(t, startA, balanceOf(a, sender, sdk.DefaultBondDenom), "original balance restored on A")
}

// A transfer that is never relayed before its timeout is refunded to the sender.
func TestICS20TimeoutRefund(t *testing.T) {
	coord, path := newTransferPath(t)
	a := path.EndpointA.Chain
	sender := a.SenderAccount.GetAddress()
	startA := balanceOf(a, sender, sdk.DefaultBondDenom)
	amount := sdkmath.NewInt(5_000)

	timeoutHeight := clienttypes.NewHeight(1, uint64(path.EndpointB.Chain.GetContext().BlockHeight())+3)
	msg := transfertypes.NewMsgTransfer(path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID,
		sdk.NewCoin(sdk.DefaultBondDenom, amount), sender.String(), path.EndpointB.Chain.SenderAccount.GetAddress().String(), timeoutHeight, 0, "")
	res, err := a.SendMsgs(msg)
	require.NoError(t, err)
	packet, err := ibctesting.ParsePacketFromEvents(res.Events)
	require.NoError(t, err)
	require.Equal(t, startA.Sub(amount), balanceOf(a, sender, sdk.DefaultBondDenom), "escrowed while in flight")

	coord.CommitNBlocks(path.EndpointB.Chain, 5) // B passes the timeout height without receiving
	require.NoError(t, path.EndpointA.UpdateClient())
	require.NoError(t, path.EndpointA.TimeoutPacket(packet))

	require.Equal(t, startA, balanceOf(a, sender, sdk.DefaultBondDenom), "refunded after timeout")
	// A second timeout of the same packet is a no-op (ibc-go answers NOOP
	// because the commitment is gone): the refund happens once.
	_ = path.EndpointA.TimeoutPacket(packet)
	commitment := testutil.App(a).IBCKeeper.ChannelKeeper.GetPacketCommitment(a.GetContext(), packet.SourcePort, packet.SourceChannel, packet.Sequence)
	require.Nil(t, commitment)
	require.Equal(t, startA, balanceOf(a, sender, sdk.DefaultBondDenom))
}

// Deposit tokens may go to the ICS-20 escrow of an open transfer channel, and
// not to an arbitrary unregistered address.
func TestDepositRestrictionAllowsTransferEscrow(t *testing.T) {
	_, path := newTransferPath(t)
	a := path.EndpointA.Chain
	k := testutil.App(a).TradeFinanceKeeper
	coins := sdk.NewCoins(sdk.NewInt64Coin("td-hkbk-hkd", 1))
	escrow := transfertypes.GetEscrowAddress(path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID)
	to, err := k.SendRestriction(a.GetContext(), a.SenderAccount.GetAddress(), escrow, coins)
	require.NoError(t, err)
	require.Equal(t, escrow, to)
	_, err = k.SendRestriction(a.GetContext(), a.SenderAccount.GetAddress(), sdk.AccAddress(make([]byte, 20)), coins)
	require.ErrorIs(t, err, tftypes.ErrRecipientNotParty)
	// Other denoms pass untouched.
	_, err = k.SendRestriction(a.GetContext(), a.SenderAccount.GetAddress(), sdk.AccAddress(make([]byte, 20)), sdk.NewCoins(sdk.NewInt64Coin(sdk.DefaultBondDenom, 1)))
	require.NoError(t, err)
}

// Deposit tokens over ICS-20: a registered receiver gets the voucher; an
// unregistered one causes an error acknowledgement and the sender is refunded.
func TestDepositTokensOverICS20(t *testing.T) {
	_, path := newTransferPath(t)
	a, b := path.EndpointA.Chain, path.EndpointB.Chain
	register := func(c *ibctesting.TestChain, code string, role cargotypes.Role) {
		addr := c.SenderAccount.GetAddress().String()
		require.NoError(t, testutil.App(c).CargoKeeper.Parties.Set(c.GetContext(), addr, cargotypes.Party{
			Address: addr, Code: code, Name: code, Jurisdiction: "HK", Roles: []cargotypes.Role{role}, Active: true}))
	}
	register(a, "HKBK", cargotypes.ROLE_BANK)
	register(b, "SHPE", cargotypes.ROLE_TRADER)
	path.EndpointA.Chain.Coordinator.CommitBlock(a, b)
	sender := a.SenderAccount.GetAddress()
	_, err := a.SendMsgs(&tftypes.MsgMintDeposit{Bank: sender.String(), Amount: sdk.NewInt64Coin("td-hkbk-hkd", 1_000)})
	require.NoError(t, err)

	send := func(to string, amount int64) {
		msg := transfertypes.NewMsgTransfer(path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID,
			sdk.NewInt64Coin("td-hkbk-hkd", amount), sender.String(), to, clienttypes.NewHeight(1, 1000), 0, "")
		res, err := a.SendMsgs(msg)
		require.NoError(t, err)
		packet, err := ibctesting.ParsePacketFromEvents(res.Events)
		require.NoError(t, err)
		require.NoError(t, path.RelayPacket(packet))
	}
	voucher := transfertypes.ParseDenomTrace(transfertypes.GetPrefixedDenom(path.EndpointB.ChannelConfig.PortID, path.EndpointB.ChannelID, "td-hkbk-hkd")).IBCDenom()

	send(b.SenderAccount.GetAddress().String(), 400)
	require.Equal(t, int64(400), balanceOf(b, b.SenderAccount.GetAddress(), voucher).Int64())
	require.Equal(t, int64(600), balanceOf(a, sender, "td-hkbk-hkd").Int64())

	stranger := sdk.AccAddress(make([]byte, 20))
	send(stranger.String(), 100)
	require.True(t, balanceOf(b, stranger, voucher).IsZero(), "no voucher for an unregistered receiver")
	require.Equal(t, int64(600), balanceOf(a, sender, "td-hkbk-hkd").Int64(), "the sender is refunded after the error ack")
}

// An ICS-20 TransferAuthorization granted before a regulator's hold moves
// nothing after it: the grantee's MsgExec{MsgTransfer from the held party}
// is refused (tradechain/3, saying the party is held), no packet is sent and
// the held party's balance is unchanged. Lifted, the grant works again.
func TestICS20TransferAuthorizationOfHeldParty(t *testing.T) {
	coord, path := newTransferPath(t)
	a := path.EndpointA.Chain
	granter, grantee, regulator := a.SenderAccounts[0], a.SenderAccounts[1], a.SenderAccounts[2]
	k := testutil.App(a).CargoKeeper
	regAddr := regulator.SenderAccount.GetAddress().String()
	require.NoError(t, k.Parties.Set(a.GetContext(), regAddr, cargotypes.Party{Address: regAddr, Code: "HKMA", Name: "Regulator",
		Jurisdiction: "HK", Roles: []cargotypes.Role{cargotypes.ROLE_REGULATOR}, Active: true}))
	coord.CommitBlock(a)
	from := granter.SenderAccount.GetAddress()
	to := path.EndpointB.Chain.SenderAccount.GetAddress().String()

	limit := sdk.NewCoins(sdk.NewInt64Coin(sdk.DefaultBondDenom, 1_000_000))
	auth := transfertypes.NewTransferAuthorization(transfertypes.Allocation{
		SourcePort: path.EndpointA.ChannelConfig.PortID, SourceChannel: path.EndpointA.ChannelID, SpendLimit: limit, AllowList: []string{to},
	})
	exp := a.GetContext().BlockTime().Add(time.Hour)
	grant, err := authz.NewMsgGrant(from, grantee.SenderAccount.GetAddress(), auth, &exp)
	require.NoError(t, err)
	_, err = a.SendMsgs(grant)
	require.NoError(t, err)

	// The grantee signs from here on.
	a.SenderPrivKey, a.SenderAccount = grantee.SenderPrivKey, grantee.SenderAccount
	transferBy := func(timeout clienttypes.Height) sdk.Msg {
		msg := transfertypes.NewMsgTransfer(path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID,
			sdk.NewInt64Coin(sdk.DefaultBondDenom, 1_000), from.String(), to, timeout, 0, "")
		exec := authz.NewMsgExec(grantee.SenderAccount.GetAddress(), []sdk.Msg{msg})
		return &exec
	}
	transfer := func() sdk.Msg { return transferBy(clienttypes.NewHeight(1, 1000)) }
	start := balanceOf(a, from, sdk.DefaultBondDenom)
	// Before the hold the grant works; this packet will time out.
	res, err := a.SendMsgs(transferBy(clienttypes.NewHeight(1, uint64(path.EndpointB.Chain.GetContext().BlockHeight())+3)))
	require.NoError(t, err, "the grant works before the hold")
	require.Equal(t, start.SubRaw(1_000), balanceOf(a, from, sdk.DefaultBondDenom))
	inFlight, err := ibctesting.ParsePacketFromEvents(res.Events)
	require.NoError(t, err)

	srv := cargokeeper.NewMsgServerImpl(k)
	_, err = srv.PlaceHold(a.GetContext(), &cargotypes.MsgPlaceHold{Regulator: regAddr, SubjectKind: cargotypes.HOLD_SUBJECT_PARTY,
		Subject: from.String(), Reason: "sanctions screening hit"})
	require.NoError(t, err)
	coord.CommitBlock(a)
	held := balanceOf(a, from, sdk.DefaultBondDenom)
	seq := testutil.App(a).IBCKeeper.ChannelKeeper.GetNextSequenceSend
	next, _ := seq(a.GetContext(), path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID)
	res, err = a.SendMsgs(transfer())
	testutil.RequireCode(t, err, app.ErrNotAdmitted)
	require.ErrorContains(t, err, cargotypes.ErrHeld.Error())
	require.NotNil(t, res)
	require.Equal(t, held, balanceOf(a, from, sdk.DefaultBondDenom), "the held party's funds left over ICS-20")
	after, _ := seq(a.GetContext(), path.EndpointA.ChannelConfig.PortID, path.EndpointA.ChannelID)
	require.Equal(t, next, after, "a packet was sent")
	// The refused tx never reached the sequence increment.
	require.NoError(t, a.SenderAccount.SetSequence(a.SenderAccount.GetSequence()-1))

	// The packet sent before the hold times out: its refund reaches the
	// held party (and stays there, frozen).
	coord.CommitNBlocks(path.EndpointB.Chain, 5)
	require.NoError(t, path.EndpointA.UpdateClient())
	require.NoError(t, path.EndpointA.TimeoutPacket(inFlight))
	require.Equal(t, held.AddRaw(1_000), balanceOf(a, from, sdk.DefaultBondDenom), "the refund did not arrive")
	held = held.AddRaw(1_000)

	_, err = srv.LiftHold(a.GetContext(), &cargotypes.MsgLiftHold{Regulator: regAddr, SubjectKind: cargotypes.HOLD_SUBJECT_PARTY,
		Subject: from.String(), Reason: "cleared"})
	require.NoError(t, err)
	coord.CommitBlock(a)
	_, err = a.SendMsgs(transfer())
	require.NoError(t, err, "the grant works again once the hold is lifted")
	require.Equal(t, held.SubRaw(1_000), balanceOf(a, from, sdk.DefaultBondDenom))
}
