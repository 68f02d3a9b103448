package cargo

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	capabilitytypes "github.com/cosmos/ibc-go/modules/capability/types"
	clienttypes "github.com/cosmos/ibc-go/v8/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	porttypes "github.com/cosmos/ibc-go/v8/modules/core/05-port/types"
	ibcexported "github.com/cosmos/ibc-go/v8/modules/core/exported"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

var (
	_ porttypes.Middleware            = CorridorMiddleware{}
	_ porttypes.UpgradableModule      = CorridorMiddleware{}
	_ porttypes.PacketDataUnmarshaler = CorridorMiddleware{}
)

// CorridorMiddleware puts an IBC application that has no corridor trust of
// its own — ICS-20 transfer — behind the corridor allowlist the cargo and
// registry ports check themselves (keeper.TrustedHops, keeper.TrustedChannel):
//
//   - a channel handshake (open or upgrade) over a connection that is not on
//     the allowlist is refused with ErrUntrustedChannel;
//   - a packet received over a channel whose connection is not on the
//     allowlist now (a channel opened before its link was removed included)
//     gets an error acknowledgement, and the application never sees it;
//   - the application sends no packet over such a channel (SendPacket, the
//     ICS4Wrapper the application's keeper is given, refuses it).
//
// Acknowledgements and timeouts of packets already in flight pass through
// unchecked: they settle what this zone sent (ICS-20 refunds the sender on an
// error acknowledgement or a timeout), and a refund must never fail. The
// middleware marks their context (types.WithSentPacketSettlement) so that
// the zone's send restrictions tell such a refund from a received packet's
// delivery, which uses the same accounts (the channel's escrow, the
// transfer module's minted vouchers).
//
// Wire it as ibc-go's middlewares are wired: route the port to
// NewCorridorMiddleware(app, channelKeeper, cargoKeeper) and give the
// application's keeper the middleware as its ICS4Wrapper.
type CorridorMiddleware struct {
	app         porttypes.IBCModule
	ics4Wrapper porttypes.ICS4Wrapper
	keeper      keeper.Keeper
}

// NewCorridorMiddleware wraps app; ics4Wrapper is the next ICS4Wrapper down
// the stack (IBC core's channel keeper).
func NewCorridorMiddleware(app porttypes.IBCModule, ics4Wrapper porttypes.ICS4Wrapper, k keeper.Keeper) CorridorMiddleware {
	return CorridorMiddleware{app: app, ics4Wrapper: ics4Wrapper, keeper: k}
}

// OnChanOpenInit refuses a channel over a connection that is not on the
// allowlist, then lets the application check the rest.
func (im CorridorMiddleware) OnChanOpenInit(ctx sdk.Context, order channeltypes.Order, hops []string, portID, channelID string,
	chanCap *capabilitytypes.Capability, counterparty channeltypes.Counterparty, version string,
) (string, error) {
	if _, err := im.keeper.TrustedHops(ctx, hops); err != nil {
		return "", err
	}
	return im.app.OnChanOpenInit(ctx, order, hops, portID, channelID, chanCap, counterparty, version)
}

// OnChanOpenTry refuses the counterparty's channel over a connection that is
// not on the allowlist, then lets the application check the rest.
func (im CorridorMiddleware) OnChanOpenTry(ctx sdk.Context, order channeltypes.Order, hops []string, portID, channelID string,
	chanCap *capabilitytypes.Capability, counterparty channeltypes.Counterparty, counterpartyVersion string,
) (string, error) {
	if _, err := im.keeper.TrustedHops(ctx, hops); err != nil {
		return "", err
	}
	return im.app.OnChanOpenTry(ctx, order, hops, portID, channelID, chanCap, counterparty, counterpartyVersion)
}

// OnChanOpenAck checks that the channel's connection is still on the
// allowlist (the authority may have removed it since Init).
func (im CorridorMiddleware) OnChanOpenAck(ctx sdk.Context, portID, channelID, counterpartyChannelID, counterpartyVersion string) error {
	if _, err := im.keeper.TrustedChannel(ctx, portID, channelID); err != nil {
		return err
	}
	return im.app.OnChanOpenAck(ctx, portID, channelID, counterpartyChannelID, counterpartyVersion)
}

// OnChanOpenConfirm checks that the channel's connection is still on the
// allowlist (the authority may have removed it since Try).
func (im CorridorMiddleware) OnChanOpenConfirm(ctx sdk.Context, portID, channelID string) error {
	if _, err := im.keeper.TrustedChannel(ctx, portID, channelID); err != nil {
		return err
	}
	return im.app.OnChanOpenConfirm(ctx, portID, channelID)
}

// OnChanCloseInit is the application's decision.
func (im CorridorMiddleware) OnChanCloseInit(ctx sdk.Context, portID, channelID string) error {
	return im.app.OnChanCloseInit(ctx, portID, channelID)
}

// OnChanCloseConfirm is the application's decision.
func (im CorridorMiddleware) OnChanCloseConfirm(ctx sdk.Context, portID, channelID string) error {
	return im.app.OnChanCloseConfirm(ctx, portID, channelID)
}

// OnRecvPacket answers a packet received over a channel whose connection is
// not on the allowlist now with an error acknowledgement (the sender's zone
// refunds its sender) and an event that says why; any other packet goes to
// the application.
func (im CorridorMiddleware) OnRecvPacket(ctx sdk.Context, packet channeltypes.Packet, relayer sdk.AccAddress) ibcexported.Acknowledgement {
	if _, err := im.keeper.TrustedChannel(ctx, packet.GetDestPort(), packet.GetDestChannel()); err != nil {
		_ = typedevent.Emit(ctx.EventManager(), &types.EventCorridorPacketRefused{
			Port: packet.GetDestPort(), SourceChannel: packet.GetSourceChannel(), DestinationChannel: packet.GetDestChannel(),
			Sequence: packet.GetSequence(), Reason: err.Error(),
		})
		return keeper.RefusalAcknowledgement(err)
	}
	return im.app.OnRecvPacket(ctx, packet, relayer)
}

// OnAcknowledgementPacket settles a packet this zone sent, trusted or not
// now, in a context marked as such: the application's refund on an error
// acknowledgement must not fail.
func (im CorridorMiddleware) OnAcknowledgementPacket(ctx sdk.Context, packet channeltypes.Packet, acknowledgement []byte, relayer sdk.AccAddress) error {
	return im.app.OnAcknowledgementPacket(types.WithSentPacketSettlement(ctx), packet, acknowledgement, relayer)
}

// OnTimeoutPacket settles a packet this zone sent, trusted or not now, in a
// context marked as such: the application's refund must not fail.
func (im CorridorMiddleware) OnTimeoutPacket(ctx sdk.Context, packet channeltypes.Packet, relayer sdk.AccAddress) error {
	return im.app.OnTimeoutPacket(types.WithSentPacketSettlement(ctx), packet, relayer)
}

// OnChanUpgradeInit refuses an upgrade that would move the channel onto a
// connection that is not on the allowlist.
func (im CorridorMiddleware) OnChanUpgradeInit(ctx sdk.Context, portID, channelID string, proposedOrder channeltypes.Order,
	proposedConnectionHops []string, proposedVersion string,
) (string, error) {
	cbs, err := im.upgradable()
	if err != nil {
		return "", err
	}
	if _, err := im.keeper.TrustedHops(ctx, proposedConnectionHops); err != nil {
		return "", err
	}
	return cbs.OnChanUpgradeInit(ctx, portID, channelID, proposedOrder, proposedConnectionHops, proposedVersion)
}

// OnChanUpgradeTry refuses the counterparty's upgrade that would move the
// channel onto a connection that is not on the allowlist.
func (im CorridorMiddleware) OnChanUpgradeTry(ctx sdk.Context, portID, channelID string, proposedOrder channeltypes.Order,
	proposedConnectionHops []string, counterpartyVersion string,
) (string, error) {
	cbs, err := im.upgradable()
	if err != nil {
		return "", err
	}
	if _, err := im.keeper.TrustedHops(ctx, proposedConnectionHops); err != nil {
		return "", err
	}
	return cbs.OnChanUpgradeTry(ctx, portID, channelID, proposedOrder, proposedConnectionHops, counterpartyVersion)
}

// OnChanUpgradeAck is the application's decision (the hops were checked at
// Init; every packet is checked against the channel's connection anyway).
func (im CorridorMiddleware) OnChanUpgradeAck(ctx sdk.Context, portID, channelID, counterpartyVersion string) error {
	cbs, err := im.upgradable()
	if err != nil {
		return err
	}
	return cbs.OnChanUpgradeAck(ctx, portID, channelID, counterpartyVersion)
}

// OnChanUpgradeOpen is the application's.
func (im CorridorMiddleware) OnChanUpgradeOpen(ctx sdk.Context, portID, channelID string, proposedOrder channeltypes.Order,
	proposedConnectionHops []string, proposedVersion string,
) {
	if cbs, err := im.upgradable(); err == nil {
		cbs.OnChanUpgradeOpen(ctx, portID, channelID, proposedOrder, proposedConnectionHops, proposedVersion)
	}
}

func (im CorridorMiddleware) upgradable() (porttypes.UpgradableModule, error) {
	cbs, ok := im.app.(porttypes.UpgradableModule)
	if !ok {
		return nil, errorsmod.Wrap(porttypes.ErrInvalidRoute, "upgrade route not found to module in application callstack")
	}
	return cbs, nil
}

// SendPacket sends the application's packet only over a channel whose
// connection is on the allowlist now. A refusal fails the application's
// whole message (ICS-20: nothing is escrowed or burned).
func (im CorridorMiddleware) SendPacket(ctx sdk.Context, chanCap *capabilitytypes.Capability, sourcePort, sourceChannel string,
	timeoutHeight clienttypes.Height, timeoutTimestamp uint64, data []byte,
) (uint64, error) {
	if _, err := im.keeper.TrustedChannel(ctx, sourcePort, sourceChannel); err != nil {
		return 0, errorsmod.Wrapf(err, "%s channel %s", sourcePort, sourceChannel)
	}
	return im.ics4Wrapper.SendPacket(ctx, chanCap, sourcePort, sourceChannel, timeoutHeight, timeoutTimestamp, data)
}

// WriteAcknowledgement passes an asynchronous acknowledgement through: the
// packet it answers was admitted by OnRecvPacket.
func (im CorridorMiddleware) WriteAcknowledgement(ctx sdk.Context, chanCap *capabilitytypes.Capability, packet ibcexported.PacketI, ack ibcexported.Acknowledgement) error {
	return im.ics4Wrapper.WriteAcknowledgement(ctx, chanCap, packet, ack)
}

// GetAppVersion returns the application's version of the channel.
func (im CorridorMiddleware) GetAppVersion(ctx sdk.Context, portID, channelID string) (string, bool) {
	return im.ics4Wrapper.GetAppVersion(ctx, portID, channelID)
}

// UnmarshalPacketData lets the application decode its packet data (ADR 008).
func (im CorridorMiddleware) UnmarshalPacketData(bz []byte) (interface{}, error) {
	u, ok := im.app.(porttypes.PacketDataUnmarshaler)
	if !ok {
		return nil, errorsmod.Wrapf(porttypes.ErrInvalidRoute, "the application under the corridor middleware does not implement %T", (*porttypes.PacketDataUnmarshaler)(nil))
	}
	return u.UnmarshalPacketData(bz)
}
