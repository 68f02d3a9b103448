package app_test

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	transfertypes "github.com/cosmos/ibc-go/v8/modules/apps/transfer/types"
	clienttypes "github.com/cosmos/ibc-go/v8/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	porttypes "github.com/cosmos/ibc-go/v8/modules/core/05-port/types"
	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	"github.com/tradechain/tradechain/testutil"
	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	tftypes "github.com/tradechain/tradechain/x/tradefinance/types"
)

// transferCorridor is hongkong and shanghai linked over a trusted transfer
// channel, and a third, rogue chain (the same binary) that an admitted
// account linked to hongkong: clients and a connection, which hongkong's
// corridor allowlist does not name. The rogue trusts hongkong back.
type transferCorridor struct {
	coord         *ibctesting.Coordinator
	hk, sh, rogue *ibctesting.TestChain
	path          *ibctesting.Path // hongkong (A) – shanghai (B), transfer channel open
	roguePath     *ibctesting.Path // hongkong (A) – rogue (B), connection only
}

func newTransferCorridor(t *testing.T) *transferCorridor {
	t.Helper()
	testutil.UseTradechainForIBCTesting()
	coord := ibctesting.NewCoordinator(t, 2)
	hk, sh := coord.GetChain(ibctesting.GetChainID(1)), coord.GetChain(ibctesting.GetChainID(2))
	path := ibctesting.NewTransferPath(hk, sh)
	testutil.SetupCorridor(coord, path)

	rogue := ibctesting.NewTestChain(t, coord, "rogue-1")
	coord.Chains[rogue.ChainID] = rogue
	testutil.AdmitSenders(rogue)
	roguePath := ibctesting.NewTransferPath(hk, rogue)
	coord.SetupConnections(roguePath)
	testutil.TrustCounterparty(roguePath.EndpointB)
	coord.CommitBlock(rogue)
	return &transferCorridor{coord: coord, hk: hk, sh: sh, rogue: rogue, path: path, roguePath: roguePath}
}

// overRogueConnection is a new transfer path over roguePath's clients and
// connection, for one more channel handshake.
func (c *transferCorridor) overRogueConnection() *ibctesting.Path {
	p := ibctesting.NewTransferPath(c.hk, c.rogue)
	for i, ep := range []*ibctesting.Endpoint{p.EndpointA, p.EndpointB} {
		from := []*ibctesting.Endpoint{c.roguePath.EndpointA, c.roguePath.EndpointB}[i]
		ep.ClientID, ep.ConnectionID = from.ClientID, from.ConnectionID
		ep.ClientConfig, ep.ConnectionConfig = from.ClientConfig, from.ConnectionConfig
	}
	return p
}

// trustRogue and untrustRogue are hongkong's zone authority adding and
// removing the rogue's link.
func (c *transferCorridor) trustRogue() {
	testutil.TrustCounterparty(c.roguePath.EndpointA)
	c.coord.CommitBlock(c.hk)
}

func (c *transferCorridor) untrustRogue(t *testing.T) {
	t.Helper()
	k := testutil.App(c.hk).CargoKeeper
	_, err := cargokeeper.NewMsgServerImpl(k).RemoveCorridorLink(c.hk.GetContext(), &cargotypes.MsgRemoveCorridorLink{Authority: k.Authority(), ChainId: c.rogue.ChainID})
	require.NoError(t, err)
	c.coord.CommitBlock(c.hk)
}

// hkTransferChannels are hongkong's transfer channels over the rogue connection, any state.
func (c *transferCorridor) hkTransferChannels() []channeltypes.IdentifiedChannel {
	var out []channeltypes.IdentifiedChannel
	for _, ch := range testutil.App(c.hk).IBCKeeper.ChannelKeeper.GetAllChannelsWithPortPrefix(c.hk.GetContext(), transfertypes.PortID) {
		if ch.ConnectionHops[0] == c.roguePath.EndpointA.ConnectionID {
			out = append(out, ch)
		}
	}
	return out
}

// A chain that is not on hongkong's corridor allowlist gets no transfer
// channel, whichever side starts the handshake, nor by an upgrade of a
// trusted channel onto its connection; a link removed during a handshake
// stops it at Ack or Confirm.
func TestICS20RogueChannelRefused(t *testing.T) {
	c := newTransferCorridor(t)

	err := c.roguePath.EndpointA.ChanOpenInit()
	testutil.RequireCode(t, err, cargotypes.ErrUntrustedChannel)
	require.ErrorContains(t, err, "see `q cargo corridor`")

	require.NoError(t, c.roguePath.EndpointB.ChanOpenInit()) // the rogue trusts hongkong
	testutil.RequireCode(t, c.roguePath.EndpointA.ChanOpenTry(), cargotypes.ErrUntrustedChannel)
	require.Empty(t, c.hkTransferChannels())

	// Ack: hongkong opened while it trusted the rogue; the authority removed
	// the link before the handshake finished.
	c.trustRogue()
	p := c.overRogueConnection()
	require.NoError(t, p.EndpointA.ChanOpenInit())
	require.NoError(t, p.EndpointB.ChanOpenTry())
	c.untrustRogue(t)
	testutil.RequireCode(t, p.EndpointA.ChanOpenAck(), cargotypes.ErrUntrustedChannel)

	// Confirm: the rogue opened, hongkong tried while it trusted the rogue,
	// then the authority removed the link.
	c.trustRogue()
	p = c.overRogueConnection()
	require.NoError(t, p.EndpointB.ChanOpenInit())
	require.NoError(t, p.EndpointA.ChanOpenTry())
	require.NoError(t, p.EndpointB.ChanOpenAck())
	c.untrustRogue(t)
	testutil.RequireCode(t, p.EndpointA.ChanOpenConfirm(), cargotypes.ErrUntrustedChannel)
	for _, ch := range c.hkTransferChannels() {
		require.NotEqual(t, channeltypes.OPEN, ch.State, "hongkong has an open transfer channel to the rogue: %v", ch)
	}

	// A channel upgrade cannot move the trusted channel onto the rogue
	// connection (nor may the counterparty propose it).
	cbs, ok := testutil.App(c.hk).IBCKeeper.Router.GetRoute(transfertypes.ModuleName)
	require.True(t, ok)
	up, ok := cbs.(porttypes.UpgradableModule)
	require.True(t, ok)
	rogueHops := []string{c.roguePath.EndpointA.ConnectionID}
	_, err = up.OnChanUpgradeInit(c.hk.GetContext(), transfertypes.PortID, c.path.EndpointA.ChannelID, channeltypes.UNORDERED, rogueHops, transfertypes.Version)
	testutil.RequireCode(t, err, cargotypes.ErrUntrustedChannel)
	_, err = up.OnChanUpgradeTry(c.hk.GetContext(), transfertypes.PortID, c.path.EndpointA.ChannelID, channeltypes.UNORDERED, rogueHops, transfertypes.Version)
	testutil.RequireCode(t, err, cargotypes.ErrUntrustedChannel)
	_, err = up.OnChanUpgradeInit(c.hk.GetContext(), transfertypes.PortID, c.path.EndpointA.ChannelID, channeltypes.UNORDERED, c.path.EndpointA.GetChannel().ConnectionHops, transfertypes.Version)
	require.NoError(t, err, "an upgrade over the trusted connection is the transfer app's decision")
}

// A transfer channel that exists to a chain not on the allowlist (opened
// before the authority removed its link) carries nothing: hongkong sends
// nothing over it, deposit tokens cannot be escrowed for it (nor sent to its
// escrow by a plain bank send), and what the rogue sends gets an error
// acknowledgement. Packets that were in flight when the link was removed
// still settle: acknowledgements and timeouts refund the sender. The trusted
// channel to shanghai keeps working.
func TestICS20UntrustedChannelCarriesNothing(t *testing.T) {
	c := newTransferCorridor(t)
	hkApp := testutil.App(c.hk)
	const td = "td-hkbk-hkd"
	bank := c.hk.SenderAccount.GetAddress()
	require.NoError(t, hkApp.CargoKeeper.Parties.Set(c.hk.GetContext(), bank.String(), cargotypes.Party{
		Address: bank.String(), Code: "HKBK", Name: "HK Bank", Jurisdiction: "HK", Roles: []cargotypes.Role{cargotypes.ROLE_BANK}, Active: true}))
	c.coord.CommitBlock(c.hk)
	_, err := c.hk.SendMsgs(&tftypes.MsgMintDeposit{Bank: bank.String(), Amount: sdk.NewInt64Coin(td, 1_000)})
	require.NoError(t, err)

	c.trustRogue()
	c.coord.CreateChannels(c.roguePath)
	hkEnd, rogueEnd := c.roguePath.EndpointA, c.roguePath.EndpointB
	rogueEscrow := transfertypes.GetEscrowAddress(transfertypes.PortID, hkEnd.ChannelID)

	// In flight when the link goes: deposit tokens that will time out,
	// deposit tokens the rogue will refuse (its receiver is no party there),
	// and utrade the rogue will accept.
	transfer := func(from *ibctesting.Endpoint, coin sdk.Coin, sender, receiver string, timeout clienttypes.Height) (channeltypes.Packet, error) {
		res, err := from.Chain.SendMsgs(transfertypes.NewMsgTransfer(transfertypes.PortID, from.ChannelID, coin, sender, receiver, timeout, 0, ""))
		if err != nil {
			return channeltypes.Packet{}, err
		}
		return ibctesting.ParsePacketFromEvents(res.Events)
	}
	far := clienttypes.NewHeight(1, 10_000)
	soon := clienttypes.NewHeight(1, uint64(c.rogue.GetContext().BlockHeight())+3)
	rogueParty := c.rogue.SenderAccount.GetAddress().String()
	stranger := sdk.AccAddress(make([]byte, 20)).String()
	timesOut, err := transfer(hkEnd, sdk.NewInt64Coin(td, 100), bank.String(), rogueParty, soon)
	require.NoError(t, err)
	refused, err := transfer(hkEnd, sdk.NewInt64Coin(td, 200), bank.String(), stranger, far)
	require.NoError(t, err)
	accepted, err := transfer(hkEnd, sdk.NewInt64Coin(sdk.DefaultBondDenom, 10), bank.String(), rogueParty, far)
	require.NoError(t, err)
	require.Equal(t, int64(700), balanceOf(c.hk, bank, td).Int64())
	require.Equal(t, int64(300), balanceOf(c.hk, rogueEscrow, td).Int64())

	c.untrustRogue(t)

	// Hongkong sends nothing over the channel, deposit tokens or not.
	startStake := balanceOf(c.hk, bank, sdk.DefaultBondDenom)
	_, err = transfer(hkEnd, sdk.NewInt64Coin(sdk.DefaultBondDenom, 5), bank.String(), rogueParty, far)
	testutil.RequireCode(t, err, cargotypes.ErrUntrustedChannel)
	require.ErrorContains(t, err, "transfer channel "+hkEnd.ChannelID)
	_, err = transfer(hkEnd, sdk.NewInt64Coin(td, 50), bank.String(), rogueParty, far)
	testutil.RequireCode(t, err, cargotypes.ErrUntrustedChannel)
	require.ErrorContains(t, err, "deposit tokens leave the zone only over transfer channels to the corridor's zones")
	// Nor can deposit tokens reach the channel's escrow by a bank send.
	_, err = c.hk.SendMsgs(banktypes.NewMsgSend(bank, rogueEscrow, sdk.NewCoins(sdk.NewInt64Coin(td, 50))))
	testutil.RequireCode(t, err, cargotypes.ErrUntrustedChannel)
	tf := hkApp.TradeFinanceKeeper
	_, err = tf.SendRestriction(c.hk.GetContext(), bank, rogueEscrow, sdk.NewCoins(sdk.NewInt64Coin(td, 1)))
	require.ErrorIs(t, err, cargotypes.ErrUntrustedChannel)
	trustedEscrow := transfertypes.GetEscrowAddress(transfertypes.PortID, c.path.EndpointA.ChannelID)
	to, err := tf.SendRestriction(c.hk.GetContext(), bank, trustedEscrow, sdk.NewCoins(sdk.NewInt64Coin(td, 1)))
	require.NoError(t, err)
	require.Equal(t, trustedEscrow, to)
	require.Equal(t, int64(700), balanceOf(c.hk, bank, td).Int64())
	require.Equal(t, int64(300), balanceOf(c.hk, rogueEscrow, td).Int64())
	require.Equal(t, startStake.String(), balanceOf(c.hk, bank, sdk.DefaultBondDenom).String(), "no utrade escrowed")

	// What the rogue sends is refused with an error acknowledgement, and the
	// rogue's sender is refunded.
	rogueSender := c.rogue.SenderAccount.GetAddress()
	rogueStart := balanceOf(c.rogue, rogueSender, sdk.DefaultBondDenom)
	hkReceiver := c.hk.SenderAccounts[1].SenderAccount.GetAddress()
	packet, err := transfer(rogueEnd, sdk.NewInt64Coin(sdk.DefaultBondDenom, 5_000), rogueSender.String(), hkReceiver.String(), far)
	require.NoError(t, err)
	require.NoError(t, hkEnd.UpdateClient())
	res, err := hkEnd.RecvPacketWithResult(packet)
	require.NoError(t, err)
	ack, err := ibctesting.ParseAckFromEvents(res.Events)
	require.NoError(t, err)
	require.Contains(t, string(ack), "corridor allowlist")
	requireRefusalEvent(t, res.Events)
	voucher := transfertypes.ParseDenomTrace(transfertypes.GetPrefixedDenom(transfertypes.PortID, hkEnd.ChannelID, sdk.DefaultBondDenom)).IBCDenom()
	require.True(t, balanceOf(c.hk, hkReceiver, voucher).IsZero(), "no voucher minted on hongkong")
	require.True(t, hkApp.BankKeeper.GetSupply(c.hk.GetContext(), voucher).IsZero())
	require.NoError(t, rogueEnd.AcknowledgePacket(packet, ack))
	require.Equal(t, rogueStart.String(), balanceOf(c.rogue, rogueSender, sdk.DefaultBondDenom).String(), "the rogue's sender is refunded")

	// The packets in flight settle on hongkong: the rogue's acknowledgements
	// (error, then success) and the timeout; each refund happens.
	for _, p := range []channeltypes.Packet{refused, accepted} {
		require.NoError(t, rogueEnd.UpdateClient())
		res, err := rogueEnd.RecvPacketWithResult(p)
		require.NoError(t, err)
		ack, err := ibctesting.ParseAckFromEvents(res.Events)
		require.NoError(t, err)
		require.NoError(t, hkEnd.AcknowledgePacket(p, ack))
	}
	require.Equal(t, int64(900), balanceOf(c.hk, bank, td).Int64(), "the refused deposit tokens are back with the bank")
	c.coord.CommitNBlocks(c.rogue, 5)
	require.NoError(t, hkEnd.UpdateClient())
	require.NoError(t, hkEnd.TimeoutPacket(timesOut))
	require.Equal(t, int64(1_000), balanceOf(c.hk, bank, td).Int64(), "the timed-out deposit tokens are back with the bank")
	require.True(t, balanceOf(c.hk, rogueEscrow, td).IsZero(), "no deposit token left in the rogue channel's escrow")
	require.Equal(t, startStake.String(), balanceOf(c.hk, bank, sdk.DefaultBondDenom).String(), "the accepted utrade stays sent")

	// The trusted channel to shanghai still carries deposit tokens.
	shParty := c.sh.SenderAccount.GetAddress()
	packet, err = transfer(c.path.EndpointA, sdk.NewInt64Coin(td, 400), bank.String(), shParty.String(), far)
	require.NoError(t, err)
	require.NoError(t, c.path.RelayPacket(packet))
	shVoucher := transfertypes.ParseDenomTrace(transfertypes.GetPrefixedDenom(transfertypes.PortID, c.path.EndpointB.ChannelID, td)).IBCDenom()
	require.Equal(t, int64(400), balanceOf(c.sh, shParty, shVoucher).Int64())
	require.Equal(t, int64(600), balanceOf(c.hk, bank, td).Int64())
}

// requireRefusalEvent: the corridor middleware says why it refused the
// packet (IBC core keeps the event of a refused packet, type prefixed).
func requireRefusalEvent(t *testing.T, events []abci.Event) {
	t.Helper()
	for _, ev := range events {
		if ev.Type != "ibccallbackerror-tradechain.cargo.v1.EventCorridorPacketRefused" {
			continue
		}
		for _, a := range ev.Attributes {
			if a.Key == "ibccallbackerror-reason" {
				require.Contains(t, a.Value, "corridor allowlist")
				return
			}
		}
	}
	t.Fatalf("no EventCorridorPacketRefused among %v", events)
}
