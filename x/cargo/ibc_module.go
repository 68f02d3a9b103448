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

var _ porttypes.IBCModule = IBCModule{}

// IBCModule is the cargo port's IBC application: eBL control records over
// UNORDERED channels of version ics721-1.
type IBCModule struct {
	keeper keeper.Keeper
	scoped types.ScopedKeeper
}

// NewIBCModule returns the cargo IBC application.
func NewIBCModule(k keeper.Keeper, scoped types.ScopedKeeper) IBCModule {
	return IBCModule{keeper: k, scoped: scoped}
}

func validateChannel(order channeltypes.Order, portID string) error {
	if order != channeltypes.UNORDERED {
		return errorsmod.Wrapf(channeltypes.ErrInvalidChannelOrdering, "the cargo port accepts UNORDERED channels only, not %s (an ORDERED channel closes on its first timeout)", order)
	}
	if portID != types.PortID {
		return errorsmod.Wrapf(porttypes.ErrInvalidPort, "port %s is not %s", portID, types.PortID)
	}
	return nil
}

// OnChanOpenInit accepts an UNORDERED ics721-1 channel on the cargo port over
// a connection to a zone on the corridor allowlist.
func (im IBCModule) OnChanOpenInit(ctx sdk.Context, order channeltypes.Order, hops []string, portID, channelID string,
	chanCap *capabilitytypes.Capability, _ channeltypes.Counterparty, version string,
) (string, error) {
	if err := validateChannel(order, portID); err != nil {
		return "", err
	}
	if _, err := im.keeper.TrustedHops(ctx, hops); err != nil {
		return "", err
	}
	if version == "" {
		version = types.Version
	}
	if version != types.Version {
		return "", errorsmod.Wrapf(types.ErrInvalidChannel, "version %q: want %s", version, types.Version)
	}
	return version, im.scoped.ClaimCapability(ctx, chanCap, host.ChannelCapabilityPath(portID, channelID))
}

// OnChanOpenTry accepts the counterparty's ics721-1 channel over a
// connection to a zone on the corridor allowlist.
func (im IBCModule) OnChanOpenTry(ctx sdk.Context, order channeltypes.Order, hops []string, portID, channelID string,
	chanCap *capabilitytypes.Capability, _ channeltypes.Counterparty, counterpartyVersion string,
) (string, error) {
	if err := validateChannel(order, portID); err != nil {
		return "", err
	}
	if _, err := im.keeper.TrustedHops(ctx, hops); err != nil {
		return "", err
	}
	if counterpartyVersion != types.Version {
		return "", errorsmod.Wrapf(types.ErrInvalidChannel, "counterparty version %q: want %s", counterpartyVersion, types.Version)
	}
	if !im.scoped.AuthenticateCapability(ctx, chanCap, host.ChannelCapabilityPath(portID, channelID)) {
		if err := im.scoped.ClaimCapability(ctx, chanCap, host.ChannelCapabilityPath(portID, channelID)); err != nil {
			return "", err
		}
	}
	return types.Version, nil
}

// OnChanOpenAck checks the counterparty's version and that the channel's
// connection is still on the allowlist.
func (im IBCModule) OnChanOpenAck(ctx sdk.Context, portID, channelID, _, counterpartyVersion string) error {
	if counterpartyVersion != types.Version {
		return errorsmod.Wrapf(types.ErrInvalidChannel, "counterparty version %q: want %s", counterpartyVersion, types.Version)
	}
	_, err := im.keeper.TrustedChannel(ctx, portID, channelID)
	return err
}

// OnChanOpenConfirm checks that the channel's connection is still on the allowlist.
func (im IBCModule) OnChanOpenConfirm(ctx sdk.Context, portID, channelID string) error {
	_, err := im.keeper.TrustedChannel(ctx, portID, channelID)
	return err
}

// OnChanCloseInit refuses: closing a cargo channel would strand bills in transit.
func (IBCModule) OnChanCloseInit(sdk.Context, string, string) error {
	return errorsmod.Wrap(ibcerrors.ErrInvalidRequest, "cargo channels cannot be closed by users")
}

// OnChanCloseConfirm has nothing to do.
func (IBCModule) OnChanCloseConfirm(sdk.Context, string, string) error { return nil }

// OnRecvPacket receives a bill over a channel whose connection is on the
// corridor allowlist now (a channel opened before the allowlist changed is
// refused too); any failure is an error acknowledgement, with an event that
// says why.
func (im IBCModule) OnRecvPacket(ctx sdk.Context, packet channeltypes.Packet, _ sdk.AccAddress) ibcexported.Acknowledgement {
	_, err := im.keeper.TrustedChannel(ctx, packet.GetDestPort(), packet.GetDestChannel())
	var data types.NonFungibleTokenPacketData
	if err == nil {
		data, err = types.DecodePacketData(packet.GetData())
	}
	if err == nil {
		err = im.keeper.OnRecvPacket(ctx, packet, data)
	}
	if err != nil {
		// ibc-go keeps this event (prefixed ibccallbackerror-) while it
		// discards the refused packet's state changes; the acknowledgement
		// carries "cargo/NN: reason" back to the sender.
		codespace, code, _ := errorsmod.ABCIInfo(err, false)
		_ = typedevent.Emit(ctx.EventManager(), &types.EventCargoPacketRefused{
			SourceChannel: packet.GetSourceChannel(), DestinationChannel: packet.GetDestChannel(),
			Sequence: packet.GetSequence(), TokenIds: data.TokenIds, Reason: err.Error(), Codespace: codespace, Code: code,
		})
		return keeper.RefusalAcknowledgement(err)
	}
	return channeltypes.NewResultAcknowledgement([]byte{1})
}

// OnAcknowledgementPacket settles the sender's side: tombstone or refund.
func (im IBCModule) OnAcknowledgementPacket(ctx sdk.Context, packet channeltypes.Packet, acknowledgement []byte, _ sdk.AccAddress) error {
	var ack channeltypes.Acknowledgement
	if err := channeltypes.SubModuleCdc.UnmarshalJSON(acknowledgement, &ack); err != nil {
		return errorsmod.Wrapf(ibcerrors.ErrUnknownRequest, "cannot decode the cargo acknowledgement: %v", err)
	}
	data, err := types.DecodePacketData(packet.GetData())
	if err != nil {
		return err // we sent it, so it decodes; refusing keeps state intact
	}
	im.keeper.OnAcknowledgementPacket(ctx, packet, data, ack)
	return nil
}

// OnTimeoutPacket refunds the sender.
func (im IBCModule) OnTimeoutPacket(ctx sdk.Context, packet channeltypes.Packet, _ sdk.AccAddress) error {
	data, err := types.DecodePacketData(packet.GetData())
	if err != nil {
		return err
	}
	im.keeper.OnTimeoutPacket(ctx, packet, data)
	return nil
}
