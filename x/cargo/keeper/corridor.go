package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	ibcexported "github.com/cosmos/ibc-go/v8/modules/core/exported"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// The corridor allowlist: the cargo port talks only to the counterparty
// zones the zone authority named, over the light client and connection it
// named for each. A channel handshake over any other connection is refused,
// and a channel whose connection is not (or no longer) on the list neither
// receives nor sends bills. The counterparty's chain id is read from this
// zone's light client of it, which follows that chain's validator set —
// never from a packet or from the relayer.

// TrustedConnection returns the corridor link of a connection, or
// ErrUntrustedChannel saying why it is not trusted now.
func (k Keeper) TrustedConnection(ctx sdk.Context, connectionID string) (types.CorridorLink, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return types.CorridorLink{}, err
	}
	for _, link := range p.Corridor {
		if link.ConnectionId == connectionID {
			return link, k.checkLink(ctx, link)
		}
	}
	return types.CorridorLink{}, errorsmod.Wrapf(types.ErrUntrustedChannel,
		"connection %s does not lead to a zone on this zone's corridor allowlist (see `q cargo corridor`); the zone authority adds a trusted zone with set-corridor-link", connectionID)
}

// TrustedHops returns the corridor link of a channel's connection hops: one
// direct connection on the allowlist.
func (k Keeper) TrustedHops(ctx sdk.Context, hops []string) (types.CorridorLink, error) {
	if len(hops) != 1 {
		return types.CorridorLink{}, errorsmod.Wrapf(types.ErrUntrustedChannel, "%d connection hops: the corridor trusts direct connections only", len(hops))
	}
	return k.TrustedConnection(ctx, hops[0])
}

// TrustedChannel returns the corridor link of a cargo channel's connection.
func (k Keeper) TrustedChannel(ctx sdk.Context, portID, channelID string) (types.CorridorLink, error) {
	ch, ok := k.channels.GetChannel(ctx, portID, channelID)
	if !ok {
		return types.CorridorLink{}, errorsmod.Wrapf(types.ErrInvalidChannel, "no %s channel %s on this zone", portID, channelID)
	}
	return k.TrustedHops(ctx, ch.ConnectionHops)
}

// checkLink verifies a link against this zone's IBC state: the light client
// exists, is a 07-tendermint client of the link's chain id, and the
// connection exists over that client.
func (k Keeper) checkLink(ctx sdk.Context, link types.CorridorLink) error {
	cs, ok := k.clients.GetClientState(ctx, link.ClientId)
	if !ok {
		return errorsmod.Wrapf(types.ErrUntrustedChannel, "light client %s of %s does not exist on this zone", link.ClientId, link.ChainId)
	}
	if cs.ClientType() != ibcexported.Tendermint {
		return errorsmod.Wrapf(types.ErrUntrustedChannel, "light client %s is a %s client; the corridor trusts %s clients only", link.ClientId, cs.ClientType(), ibcexported.Tendermint)
	}
	withChainID, ok := cs.(interface{ GetChainID() string })
	if !ok || withChainID.GetChainID() != link.ChainId {
		got := ""
		if ok {
			got = withChainID.GetChainID()
		}
		return errorsmod.Wrapf(types.ErrUntrustedChannel, "light client %s follows chain %q, not the trusted %s", link.ClientId, got, link.ChainId)
	}
	conn, ok := k.connections.GetConnection(ctx, link.ConnectionId)
	if !ok {
		return errorsmod.Wrapf(types.ErrUntrustedChannel, "connection %s to %s does not exist on this zone", link.ConnectionId, link.ChainId)
	}
	if conn.ClientId != link.ClientId {
		return errorsmod.Wrapf(types.ErrUntrustedChannel, "connection %s is over client %s, not the trusted client %s of %s", link.ConnectionId, conn.ClientId, link.ClientId, link.ChainId)
	}
	return nil
}

// CorridorStatus is every link with whether it holds now and its cargo channels.
func (k Keeper) CorridorStatus(ctx sdk.Context) ([]types.CorridorLinkStatus, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	channels := k.channels.GetAllChannelsWithPortPrefix(ctx, types.PortID)
	out := make([]types.CorridorLinkStatus, 0, len(p.Corridor))
	for _, link := range p.Corridor {
		st := types.CorridorLinkStatus{Link: link, Trusted: true}
		if err := k.checkLink(ctx, link); err != nil {
			st.Trusted, st.Problem = false, err.Error()
		}
		for _, ch := range channels {
			if ch.PortId == types.PortID && len(ch.ConnectionHops) == 1 && ch.ConnectionHops[0] == link.ConnectionId {
				st.CargoChannels = append(st.CargoChannels, ch.ChannelId)
			}
		}
		out = append(out, st)
	}
	return out, nil
}

func (s msgServer) SetCorridorLink(ctx context.Context, m *types.MsgSetCorridorLink) (*types.MsgSetCorridorLinkResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if err := s.requireZoneAuthority(ctx, m.Authority, "manage the corridor allowlist"); err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := s.checkLink(sdkCtx, m.Link); err != nil {
		return nil, err
	}
	p, err := s.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	links := make([]types.CorridorLink, 0, len(p.Corridor)+1)
	for _, l := range p.Corridor {
		if l.ChainId != m.Link.ChainId {
			links = append(links, l)
		}
	}
	p.Corridor = append(links, m.Link)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := s.Params.Set(ctx, p); err != nil {
		return nil, err
	}
	return &types.MsgSetCorridorLinkResponse{}, typedevent.Emit(sdkCtx.EventManager(), &types.EventCorridorLinkSet{Link: m.Link})
}

func (s msgServer) RemoveCorridorLink(ctx context.Context, m *types.MsgRemoveCorridorLink) (*types.MsgRemoveCorridorLinkResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if err := s.requireZoneAuthority(ctx, m.Authority, "manage the corridor allowlist"); err != nil {
		return nil, err
	}
	p, err := s.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	links := make([]types.CorridorLink, 0, len(p.Corridor))
	for _, l := range p.Corridor {
		if l.ChainId != m.ChainId {
			links = append(links, l)
		}
	}
	if len(links) == len(p.Corridor) {
		return nil, errorsmod.Wrapf(types.ErrUntrustedChannel, "%s is not on the corridor allowlist", m.ChainId)
	}
	p.Corridor = links
	if err := s.Params.Set(ctx, p); err != nil {
		return nil, err
	}
	return &types.MsgRemoveCorridorLinkResponse{}, typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventCorridorLinkRemoved{ChainId: m.ChainId})
}
