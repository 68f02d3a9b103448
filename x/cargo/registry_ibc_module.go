package cargo

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	capabilitytypes "github.com/cosmos/ibc-go/modules/capability/types"
	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	porttypes "github.com/cosmos/ibc-go/v8/modules/core/05-port/types"
	host "github.com/cosmos/ibc-go/v8/modules/core/24-host"
	ibcerrors "github.com/cosmos/ibc-go/v8/modules/core/errors"
	ibcexported "github.com/cosmos/ibc-go/v8/modules/core/exported"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

var _ porttypes.IBCModule = RegistryIBCModule{}

// RegistryIBCModule is the corridor registry's port: reservations of
// transport-document hashes and invoice fingerprints over UNORDERED channels
// of version tradechain-registry-1 to a zone on the corridor allowlist.
// UNORDERED because reservations of different keys are independent: one
// reservation that times out must not close the channel (an ORDERED channel
// closes on its first timeout and would stop every reservation until the
// zones open and configure a new one); concurrent reservations of one key are
// settled by the tie-break in keeper/registry.go, whatever the order.
type RegistryIBCModule struct {
	keeper keeper.Keeper
	scoped types.ScopedKeeper
}

// NewRegistryIBCModule returns the registry IBC application.
func NewRegistryIBCModule(k keeper.Keeper, scoped types.ScopedKeeper) RegistryIBCModule {
	return RegistryIBCModule{keeper: k, scoped: scoped}
}

func (im RegistryIBCModule) openChannel(ctx sdk.Context, order channeltypes.Order, hops []string, portID, version string) error {
	if order != channeltypes.UNORDERED {
		return errorsmod.Wrapf(channeltypes.ErrInvalidChannelOrdering, "the registry port accepts UNORDERED channels only, not %s", order)
	}
	if portID != types.RegistryPortID {
		return errorsmod.Wrapf(porttypes.ErrInvalidPort, "port %s is not %s", portID, types.RegistryPortID)
	}
	if version != types.RegistryVersion {
		return errorsmod.Wrapf(types.ErrRegistryChannel, "version %q: want %s", version, types.RegistryVersion)
	}
	_, err := im.keeper.TrustedHops(ctx, hops)
	return err
}

// OnChanOpenInit accepts an UNORDERED registry channel to a trusted zone.
func (im RegistryIBCModule) OnChanOpenInit(ctx sdk.Context, order channeltypes.Order, hops []string, portID, channelID string,
	chanCap *capabilitytypes.Capability, _ channeltypes.Counterparty, version string,
) (string, error) {
	if version == "" {
		version = types.RegistryVersion
	}
	if err := im.openChannel(ctx, order, hops, portID, version); err != nil {
		return "", err
	}
	return version, im.scoped.ClaimCapability(ctx, chanCap, host.ChannelCapabilityPath(portID, channelID))
}

// OnChanOpenTry accepts the counterparty's registry channel from a trusted zone.
func (im RegistryIBCModule) OnChanOpenTry(ctx sdk.Context, order channeltypes.Order, hops []string, portID, channelID string,
	chanCap *capabilitytypes.Capability, _ channeltypes.Counterparty, counterpartyVersion string,
) (string, error) {
	if err := im.openChannel(ctx, order, hops, portID, counterpartyVersion); err != nil {
		return "", err
	}
	if !im.scoped.AuthenticateCapability(ctx, chanCap, host.ChannelCapabilityPath(portID, channelID)) {
		if err := im.scoped.ClaimCapability(ctx, chanCap, host.ChannelCapabilityPath(portID, channelID)); err != nil {
			return "", err
		}
	}
	return types.RegistryVersion, nil
}

// OnChanOpenAck checks the version and the corridor link.
func (im RegistryIBCModule) OnChanOpenAck(ctx sdk.Context, portID, channelID, _, counterpartyVersion string) error {
	if counterpartyVersion != types.RegistryVersion {
		return errorsmod.Wrapf(types.ErrRegistryChannel, "counterparty version %q: want %s", counterpartyVersion, types.RegistryVersion)
	}
	_, err := im.keeper.TrustedChannel(ctx, portID, channelID)
	return err
}

// OnChanOpenConfirm checks the corridor link.
func (im RegistryIBCModule) OnChanOpenConfirm(ctx sdk.Context, portID, channelID string) error {
	_, err := im.keeper.TrustedChannel(ctx, portID, channelID)
	return err
}

// OnChanCloseInit refuses: closing the registry channel would strand
// reservations in flight.
func (RegistryIBCModule) OnChanCloseInit(sdk.Context, string, string) error {
	return errorsmod.Wrap(ibcerrors.ErrInvalidRequest, "registry channels cannot be closed by users")
}

// OnChanCloseConfirm has nothing to do.
func (RegistryIBCModule) OnChanCloseConfirm(sdk.Context, string, string) error { return nil }

// OnRecvPacket answers a reservation: success records the key as the
// sender's; a refusal is an error acknowledgement with its reason (and an
// event), and IBC core discards every write made here.
func (im RegistryIBCModule) OnRecvPacket(ctx sdk.Context, packet channeltypes.Packet, _ sdk.AccAddress) ibcexported.Acknowledgement {
	if err := im.keeper.OnRecvReservation(ctx, packet); err != nil {
		_ = typedevent.Emit(ctx.EventManager(), &types.EventRegistryPacketRefused{
			SourceChannel: packet.GetSourceChannel(), DestinationChannel: packet.GetDestChannel(),
			Sequence: packet.GetSequence(), Reason: err.Error(),
		})
		return keeper.RefusalAcknowledgement(err)
	}
	return channeltypes.NewResultAcknowledgement([]byte{1})
}

// OnAcknowledgementPacket settles this zone's reservation.
func (im RegistryIBCModule) OnAcknowledgementPacket(ctx sdk.Context, packet channeltypes.Packet, acknowledgement []byte, _ sdk.AccAddress) error {
	var ack channeltypes.Acknowledgement
	if err := channeltypes.SubModuleCdc.UnmarshalJSON(acknowledgement, &ack); err != nil {
		return errorsmod.Wrapf(ibcerrors.ErrUnknownRequest, "cannot decode the registry acknowledgement: %v", err)
	}
	return im.keeper.OnReservationAck(ctx, packet, ack)
}

// OnTimeoutPacket withdraws the reservation.
func (im RegistryIBCModule) OnTimeoutPacket(ctx sdk.Context, packet channeltypes.Packet, _ sdk.AccAddress) error {
	return im.keeper.OnReservationTimeout(ctx, packet)
}
