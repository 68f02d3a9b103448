package keeper

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/hashicorp/go-metrics"

	"github.com/cosmos/cosmos-sdk/telemetry"
	sdk "github.com/cosmos/cosmos-sdk/types"

	clienttypes "github.com/cosmos/ibc-go/v8/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	host "github.com/cosmos/ibc-go/v8/modules/core/24-host"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// History actions of the IBC transfer.
const (
	ActionSend    = "SEND"
	ActionReceive = "RECEIVE"
	// ActionReturnRefused: the destination refused the bill (error
	// acknowledgement); the entry's detail carries its reason ("cargo/NN: …").
	ActionReturnRefused = "RETURN_REFUSED"
	// ActionReturnTimeout: no acknowledgement before the packet's timeout.
	ActionReturnTimeout = "RETURN_TIMEOUT"
	// ActionReturn is what both were recorded as before they were told apart.
	ActionReturn = "RETURN"
)

// IsReturn reports whether a history action brought a bill back to its sender.
func IsReturn(action string) bool {
	return action == ActionReturnRefused || action == ActionReturnTimeout || action == ActionReturn
}

// DefaultSendTimeout applies when MsgSendBill gives no timeout.
const DefaultSendTimeout = 10 * time.Minute

// SendBill freezes the bill (IN_TRANSIT) and sends its control record over
// the cargo channel. The SEND entry is recorded first, so the history head
// in the packet includes it and the chain continues on the other zone.
func (s msgServer) SendBill(ctx context.Context, m *types.MsgSendBill) (*types.MsgSendBillResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	b, err := s.holderBill(ctx, m.Holder, m.BillId)
	if err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	// A title goes only to a zone on the corridor allowlist.
	if _, err := s.TrustedChannel(sdkCtx, types.PortID, m.Channel); err != nil {
		return nil, err
	}
	chanCap, ok := s.scoped.GetCapability(sdkCtx, host.ChannelCapabilityPath(types.PortID, m.Channel))
	if !ok {
		return nil, errorsmod.Wrapf(types.ErrInvalidChannel, "the cargo module does not own channel %s", m.Channel)
	}
	timeout := m.TimeoutTimestamp
	if timeout == 0 {
		timeout = uint64(sdkCtx.BlockTime().Add(DefaultSendTimeout).UnixNano())
	} else if timeout <= uint64(sdkCtx.BlockTime().UnixNano()) {
		return nil, errorsmod.Wrap(types.ErrInvalidField, "timeout_timestamp is not after the block time")
	}
	b.Status, b.TransferredVia = types.BILL_STATUS_IN_TRANSIT, m.Channel
	if err := s.recordRemark(ctx, &b, ActionSend, m.Holder, m.Holder, m.Receiver, types.PortID+"/"+m.Channel, m.Remark); err != nil {
		return nil, err
	}
	carried, err := s.latestHistory(ctx, b.Id, types.MaxCarriedHistory)
	if err != nil {
		return nil, err
	}
	data := types.NewPacketDataWithHistory(b, carried, m.Receiver, m.Memo)
	seq, err := s.ics4.SendPacket(sdkCtx, chanCap, types.PortID, m.Channel, clienttypes.ZeroHeight(), timeout, data.GetBytes())
	if err != nil {
		return nil, err
	}
	countPacket(sdkCtx, "sent", m.Channel)
	return &types.MsgSendBillResponse{Sequence: seq}, typedevent.Emit(sdkCtx.EventManager(), &types.EventBillTransferred{
		BillId: b.Id, From: m.Holder, To: m.Receiver, Action: ActionSend,
	})
}

// OnRecvPacket creates (or, for a bill coming home, revives) the live record
// for a registered receiver. Any error becomes an error acknowledgement, which
// discards every write made here.
func (k Keeper) OnRecvPacket(ctx sdk.Context, packet channeltypes.Packet, data types.NonFungibleTokenPacketData) error {
	rec, err := data.Record()
	if err != nil {
		return err
	}
	if _, err := k.ActiveParty(ctx, data.Receiver); err != nil {
		return errorsmod.Wrap(err, "receiver")
	}
	// ICS-721 class trace: a class that left this zone through the packet's
	// source end comes home (unwind); anything else gains our end as prefix.
	var trace string
	if back := packet.SourcePort + "/" + packet.SourceChannel + "/"; strings.HasPrefix(data.ClassId, back) {
		trace = strings.TrimPrefix(data.ClassId, back)
	} else {
		trace = packet.DestinationPort + "/" + packet.DestinationChannel + "/" + data.ClassId
	}

	b := rec.Bill()
	// A bill this zone exported over PINT, which continued on the other zone
	// (its keys handed over there), comes back: its tombstone here is
	// archived, history and all, and the bill continues under its id with
	// the history it carries (handback.go).
	if tomb, err := k.handedOverReturnIBC(ctx, rec); err != nil {
		return err
	} else if tomb != nil {
		if err := k.archiveHandedOver(ctx, *tomb, "ibc:"+packet.DestinationPort+"/"+packet.DestinationChannel); err != nil {
			return err
		}
	}
	// A rejected record under this id never blocks the bill that won its
	// document: it is archived first, history and all.
	if err := k.archiveRejected(ctx, rec.ID); err != nil {
		return err
	}
	// The history the other zone carried: stored where this zone lacks it,
	// equal where it has it (a bill coming home).
	for _, e := range rec.History {
		had, err := k.History.Get(ctx, collections.Join(e.BillId, e.Sequence))
		switch {
		case err == nil:
			if had.Head != e.Head { // each head hashes its whole entry
				return errorsmod.Wrapf(types.ErrRecordTampered, "bill %s history entry %d differs from the one this zone recorded", rec.ID, e.Sequence)
			}
		case isNotFound(err):
			if err := k.History.Set(ctx, collections.Join(e.BillId, e.Sequence), e); err != nil {
				return err
			}
		default:
			return err
		}
	}
	existing, err := k.Bills.Get(ctx, rec.ID)
	switch {
	case err == nil:
		if existing.Status != types.BILL_STATUS_TRANSFERRED_OUT || existing.Trace != trace {
			return errorsmod.Wrapf(types.ErrBillLive, "bill %s is %s here", rec.ID, existing.Status)
		}
		if existing.DocumentHash != rec.DocumentHash || existing.Version != rec.Version || rec.HistoryLen < existing.HistoryLen ||
			existing.Carrier != rec.Carrier || existing.HomeZone != rec.HomeZone {
			return errorsmod.Wrapf(types.ErrRecordTampered, "bill %s comes back with a different document, version or a shorter history", rec.ID)
		}
	case isNotFound(err):
		if err := k.anchorFor(ctx, rec.DocumentHash, rec.ID, rec.Carrier); err != nil {
			return err
		}
	default:
		return err
	}
	if err == nil {
		// The home zone's registry answer and replacement references stay.
		b.CorridorStatus, b.Replaces, b.ReplacedBy = existing.CorridorStatus, existing.Replaces, existing.ReplacedBy
	}
	b.Holder, b.Trace, b.Status, b.TransferredVia = data.Receiver, trace, types.BILL_STATUS_ISSUED, ""
	if err := k.record(ctx, &b, ActionReceive, data.Sender, data.Sender, data.Receiver, packet.DestinationPort+"/"+packet.DestinationChannel); err != nil {
		return err
	}
	if err := k.ClassTraces.Set(ctx, trace); err != nil {
		return err
	}
	countPacket(ctx, "received", packet.DestinationChannel)
	return typedevent.Emit(ctx.EventManager(), &types.EventBillTransferred{BillId: b.Id, From: data.Sender, To: data.Receiver, Action: ActionReceive})
}

// archiveRejected moves the REJECTED_DUPLICATE record of bill id, if this
// zone has one, and its history out of the way of a bill arriving under that
// id. Such a record lost its transport document to the other zone's bill in
// the corridor registry (both zones issued it at once): it backs nothing — its
// document anchor and registry key are gone — and the arriving bill may well
// be the one that won. It stays queryable (RejectedBill) and the invariants
// check it. The write is part of the arrival: an error acknowledgement
// discards it with the rest.
func (k Keeper) archiveRejected(ctx sdk.Context, id string) error {
	old, err := k.Bills.Get(ctx, id)
	if isNotFound(err) || (err == nil && old.Status != types.BILL_STATUS_REJECTED_DUPLICATE) {
		return nil
	} else if err != nil {
		return err
	}
	if has, err := k.RejectedBills.Has(ctx, id); err != nil {
		return err
	} else if has { // an id is issued once per zone, so rejected once
		return errorsmod.Wrapf(types.ErrBillLive, "bill %s is REJECTED_DUPLICATE here and a rejected record of it is already archived", id)
	}
	it, err := k.History.Iterate(ctx, collections.NewPrefixedPairRange[string, uint64](id))
	if err != nil {
		return err
	}
	entries, err := it.Values()
	if err != nil {
		return err
	}
	if err := k.forgetHolders(ctx, old, entries); err != nil {
		return err
	}
	for _, e := range entries {
		pk := collections.Join(e.BillId, e.Sequence)
		if err := k.RejectedHistory.Set(ctx, pk, e); err != nil {
			return err
		}
		if err := k.History.Remove(ctx, pk); err != nil {
			return err
		}
	}
	if err := k.Bills.Remove(ctx, id); err != nil {
		return err
	}
	if err := k.RejectedBills.Set(ctx, id, old); err != nil {
		return err
	}
	return typedevent.Emit(ctx.EventManager(), &types.EventRejectedBillArchived{BillId: id, DocumentHash: old.DocumentHash, HistoryLen: old.HistoryLen})
}

// anchorFor anchors the transport document of a bill arriving here, unless
// it is already anchored for that same bill. Only another bill's transport
// document refuses it: parties' own anchors of the hash do not.
func (k Keeper) anchorFor(ctx context.Context, hash, billID, carrier string) error {
	d, err := k.Documents.Get(ctx, hash)
	if err == nil {
		if d.BillId != billID {
			return errorsmod.Wrapf(types.ErrDocumentExists, "%s backs bill %s on this zone", hash, d.BillId)
		}
		return nil
	}
	return k.anchorTransport(ctx, hash, billID, carrier)
}

// OnAcknowledgementPacket: success leaves a TRANSFERRED_OUT tombstone naming
// the channel; an error acknowledgement refunds.
func (k Keeper) OnAcknowledgementPacket(ctx sdk.Context, packet channeltypes.Packet, data types.NonFungibleTokenPacketData, ack channeltypes.Acknowledgement) {
	if !ack.Success() {
		k.refund(ctx, packet, data, ActionReturnRefused, "refused by the destination: "+ack.GetError())
		return
	}
	b, err := k.Bills.Get(ctx, data.TokenIds[0])
	if err != nil || b.Status != types.BILL_STATUS_IN_TRANSIT || b.TransferredVia != packet.SourceChannel {
		k.Logger(ctx).Error("acknowledged bill is not in transit here", "bill", data.TokenIds[0], "err", err)
		return
	}
	// Nobody controls the bill here any more: the tombstone names where
	// control went and who sent it, not a holder a reader could take for the
	// controller.
	b.Status = types.BILL_STATUS_TRANSFERRED_OUT
	b.DepartedHolder, b.Holder = b.Holder, ""
	b.ControlZone = k.counterpartyChainID(ctx, packet.SourcePort, packet.SourceChannel)
	if err := k.Bills.Set(ctx, b.Id, b); err != nil {
		k.Logger(ctx).Error("cannot store the tombstone", "bill", b.Id, "err", err)
	}
}

// OnTimeoutPacket refunds.
func (k Keeper) OnTimeoutPacket(ctx sdk.Context, packet channeltypes.Packet, data types.NonFungibleTokenPacketData) {
	reason := "timed out: not received before the packet's timeout"
	if packet.TimeoutTimestamp > 0 {
		reason += " " + time.Unix(0, int64(packet.TimeoutTimestamp)).UTC().Format(time.RFC3339)
	}
	if !packet.TimeoutHeight.IsZero() {
		reason += " (height " + packet.TimeoutHeight.String() + ")"
	}
	k.refund(ctx, packet, data, ActionReturnTimeout, reason)
}

// refund restores an IN_TRANSIT bill to its sender, exactly once. It never
// returns an error: a failing refund would block the relayer's transaction
// and the packet would never clear. A bill not in transit through this
// packet's channel (already refunded) is left as it is.
func (k Keeper) refund(ctx sdk.Context, packet channeltypes.Packet, data types.NonFungibleTokenPacketData, action, reason string) {
	b, err := k.Bills.Get(ctx, data.TokenIds[0])
	if err != nil || b.Status != types.BILL_STATUS_IN_TRANSIT || b.TransferredVia != packet.SourceChannel || b.Holder != data.Sender {
		k.Logger(ctx).Error("nothing to refund", "bill", data.TokenIds[0], "err", err)
		return
	}
	b.Status, b.TransferredVia = types.BILL_STATUS_ISSUED, ""
	detail := fmt.Sprintf("%s/%s sequence %d: %s", packet.SourcePort, packet.SourceChannel, packet.Sequence, reason)
	if err := k.record(ctx, &b, action, b.Holder, data.Receiver, b.Holder, detail); err != nil {
		k.Logger(ctx).Error("cannot record the refund", "bill", b.Id, "err", err)
		return
	}
	_ = typedevent.Emit(ctx.EventManager(), &types.EventBillTransferred{BillId: b.Id, From: data.Receiver, To: b.Holder, Action: action})
	_ = typedevent.Emit(ctx.EventManager(), &types.EventBillReturned{BillId: b.Id, Holder: b.Holder, Action: action,
		Channel: packet.SourceChannel, Sequence: packet.Sequence, Reason: reason})
}

// counterpartyChainID is the chain id of the zone at the other end of a
// channel, read from its connection's light client ("" if any is missing).
func (k Keeper) counterpartyChainID(ctx sdk.Context, portID, channelID string) string {
	ch, ok := k.channels.GetChannel(ctx, portID, channelID)
	if !ok || len(ch.ConnectionHops) == 0 {
		return ""
	}
	conn, ok := k.connections.GetConnection(ctx, ch.ConnectionHops[0])
	if !ok {
		return ""
	}
	cs, ok := k.clients.GetClientState(ctx, conn.ClientId)
	if !ok {
		return ""
	}
	if c, ok := cs.(interface{ GetChainID() string }); ok {
		return c.GetChainID()
	}
	return ""
}

// latestHistory returns up to n of a bill's latest history entries, oldest first.
func (k Keeper) latestHistory(ctx context.Context, id string, n int) ([]types.HistoryEntry, error) {
	it, err := k.History.Iterate(ctx, collections.NewPrefixedPairRange[string, uint64](id).Descending())
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []types.HistoryEntry
	for ; it.Valid() && len(out) < n; it.Next() {
		e, err := it.Value()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	slices.Reverse(out)
	return out, nil
}

// countPacket counts cargo packets sent and received per channel (telemetry:
// tradechain_cargo_packets{direction, channel}).
func countPacket(ctx sdk.Context, direction, channel string) {
	if ctx.ExecMode() != sdk.ExecModeFinalize { // not a simulation or a re-check
		return
	}
	telemetry.IncrCounterWithLabels([]string{"tradechain", "cargo", "packets"}, 1,
		[]metrics.Label{telemetry.NewLabel("direction", direction), telemetry.NewLabel("channel", channel)})
}
