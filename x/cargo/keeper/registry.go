package keeper

import (
	"context"
	"fmt"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	clienttypes "github.com/cosmos/ibc-go/v8/modules/core/02-client/types"
	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	host "github.com/cosmos/ibc-go/v8/modules/core/24-host"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// The corridor registry protocol, between this zone (Z) and the zone at the
// other end of the registry channel (O):
//
//  1. Z uses a key (IssueBill: the transport document hash; RegisterInvoice:
//     the invoice's corridor fingerprint). If Z's registry already knows the
//     key — held by O, or used here — the transaction fails at once. If no
//     registry channel is configured the key is held LOCAL and the record is
//     active. Otherwise Z records the key PENDING, the record stays PENDING
//     (inert), and Z sends {kind, key} to O.
//  2. O receives it. Key unknown to O: O records it HELD_REMOTE by Z and acks
//     success. Key held by O (CONFIRMED or LOCAL): error ack. Key PENDING on
//     O too (both zones reserved concurrently): the zone with the lower chain
//     id wins — if O's is lower O refuses; otherwise O gives up its own
//     reservation (its record becomes REJECTED_DUPLICATE), records the key
//     HELD_REMOTE by Z and acks success. Key TIMED_OUT on O (withdrawn): O
//     gives it up the same way.
//  3. Z gets the ack: success → CONFIRMED, the record becomes active; a
//     duplicate refusal → the record is REJECTED_DUPLICATE with O's reason and
//     the key is HELD_REMOTE by O; any other refusal (say O has no registry
//     channel) → withdrawn like a timeout. A timeout proves O never received
//     the packet, so withdrawing on Z withdraws on both sides: TIMED_OUT, and
//     the record's owner may retry.
//
// Exactly one zone can win a key: O acks Z's reservation only when O has no
// live reservation of its own, and a record that gave the key up never
// becomes active (an answer to a packet that is no longer the key's pending
// packet changes nothing).

// registryOwners are the modules using keys, by kind.
type registryOwners struct {
	invoice types.RegistryOwner
}

// SetInvoiceRegistryOwner makes o (x/tradefinance) the owner of invoice keys.
func (k Keeper) SetInvoiceRegistryOwner(o types.RegistryOwner) { k.owners.invoice = o }

func (k Keeper) registryOwner(kind types.KeyKind) (types.RegistryOwner, error) {
	switch kind {
	case types.KEY_KIND_TRANSPORT_DOCUMENT:
		return billOwner{k}, nil
	case types.KEY_KIND_INVOICE:
		if k.owners.invoice != nil {
			return k.owners.invoice, nil
		}
	}
	return nil, errorsmod.Wrapf(types.ErrInvalidReservation, "no module of this zone uses %s keys", kind)
}

func registryPK(kind types.KeyKind, key string) collections.Pair[int32, string] {
	return collections.Join(int32(kind), key)
}

// GetRegistryKey returns this zone's record of a key, if any.
func (k Keeper) GetRegistryKey(ctx context.Context, kind types.KeyKind, key string) (types.RegistryKey, bool, error) {
	r, err := k.RegistryKeys.Get(ctx, registryPK(kind, key))
	if isNotFound(err) {
		return r, false, nil
	}
	return r, err == nil, err
}

// setRegistryKey records r as of this block; was is the status of the
// record it replaces (UNSPECIFIED for a new key), which every caller has
// just read.
func (k Keeper) setRegistryKey(ctx sdk.Context, was types.ReservationStatus, r types.RegistryKey) error {
	r.SinceHeight, r.Since = ctx.BlockHeight(), ctx.BlockTime().UTC()
	return k.putRegistryKey(ctx, was, r)
}

// isOpen: a reservation of this zone still waiting for an answer or a retry.
func isOpen(s types.ReservationStatus) bool {
	return s == types.RESERVATION_STATUS_PENDING || s == types.RESERVATION_STATUS_TIMED_OUT
}

// putRegistryKey writes r and keeps RegistryOpen in step with it.
func (k Keeper) putRegistryKey(ctx context.Context, was types.ReservationStatus, r types.RegistryKey) error {
	pk := registryPK(r.Kind, r.Key)
	if err := k.reindexRegistryKey(ctx, pk, was, r.Status); err != nil {
		return err
	}
	return k.RegistryKeys.Set(ctx, pk, r)
}

// reindexRegistryKey moves a key's open-reservation entry from status was to
// status is (UNSPECIFIED: none).
func (k Keeper) reindexRegistryKey(ctx context.Context, pk collections.Pair[int32, string], was, is types.ReservationStatus) error {
	if was == is {
		return nil
	}
	if isOpen(was) {
		if err := k.RegistryOpen.Remove(ctx, collections.Join(int32(was), pk)); err != nil {
			return err
		}
	}
	if isOpen(is) {
		return k.RegistryOpen.Set(ctx, collections.Join(int32(is), pk))
	}
	return nil
}

// takenError is the refusal of a key this zone's registry already knows.
func takenError(r types.RegistryKey) error {
	if r.Status == types.RESERVATION_STATUS_HELD_REMOTE {
		return errorsmod.Wrapf(types.ErrKeyTaken, "%s (key %s)", types.TakenReason(r.Kind, types.RESERVATION_STATUS_CONFIRMED, r.HolderZone), r.Key)
	}
	return errorsmod.Wrapf(types.ErrKeyTaken, "key %s is already used on this zone by %s (%s)", r.Key, r.Reference, r.Status)
}

// Reserve claims key for the local record reference. It returns LOCAL (no
// registry channel: held here, the record is active) or PENDING (the
// reservation is on its way; the record stays inert until the answer).
func (k Keeper) Reserve(ctx context.Context, kind types.KeyKind, key, reference string) (types.ReservationStatus, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := types.ValidateKeyKind(kind); err != nil {
		return 0, err
	}
	if err := types.ValidateHash("registry key", key); err != nil {
		return 0, err
	}
	switch r, found, err := k.GetRegistryKey(ctx, kind, key); {
	case err != nil:
		return 0, err
	case found:
		return 0, takenError(r)
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	r := types.RegistryKey{Kind: kind, Key: key, HolderZone: sdkCtx.ChainID(), Reference: reference}
	if p.RegistryChannel == "" {
		r.Status = types.RESERVATION_STATUS_LOCAL
		return r.Status, k.setRegistryKey(sdkCtx, types.RESERVATION_STATUS_UNSPECIFIED, r)
	}
	_, err = k.sendReservation(sdkCtx, p, r)
	return types.RESERVATION_STATUS_PENDING, err
}

// sendReservation sends r (a new key, or a TIMED_OUT one) over the registry
// channel, records it PENDING and returns the packet sequence.
func (k Keeper) sendReservation(ctx sdk.Context, p types.Params, r types.RegistryKey) (uint64, error) {
	if p.RegistryChannel == "" {
		return 0, errorsmod.Wrap(types.ErrRegistryChannel, "no registry channel is configured on this zone (set-registry-channel)")
	}
	if _, err := k.TrustedChannel(ctx, types.RegistryPortID, p.RegistryChannel); err != nil {
		return 0, err
	}
	chanCap, ok := k.registryScoped.GetCapability(ctx, host.ChannelCapabilityPath(types.RegistryPortID, p.RegistryChannel))
	if !ok {
		return 0, errorsmod.Wrapf(types.ErrRegistryChannel, "the registry port does not own channel %s", p.RegistryChannel)
	}
	timeout := uint64(ctx.BlockTime().UnixNano()) + p.RegistryTimeout()*1_000_000_000
	data := types.ReservationPacket{Kind: types.KeyKindName(r.Kind), Key: r.Key}
	seq, err := k.ics4.SendPacket(ctx, chanCap, types.RegistryPortID, p.RegistryChannel, clienttypes.ZeroHeight(), timeout, data.Bytes())
	if err != nil {
		return 0, err
	}
	was := r.Status
	r.Status, r.HolderZone, r.Channel, r.Sequence = types.RESERVATION_STATUS_PENDING, ctx.ChainID(), p.RegistryChannel, seq
	if err := k.setRegistryKey(ctx, was, r); err != nil {
		return 0, err
	}
	return seq, typedevent.Emit(ctx.EventManager(), &types.EventReservationSent{
		Kind: r.Kind, Key: r.Key, Reference: r.Reference, Channel: r.Channel, Sequence: seq,
	})
}

// OnRecvReservation answers the other zone's reservation: nil to acknowledge
// success, or the refusal.
func (k Keeper) OnRecvReservation(ctx sdk.Context, packet channeltypes.Packet) error {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if p.RegistryChannel == "" || packet.DestinationChannel != p.RegistryChannel {
		return errorsmod.Wrapf(types.ErrRegistryChannel, "channel %s is not this zone's registry channel (%q)", packet.DestinationChannel, p.RegistryChannel)
	}
	link, err := k.TrustedChannel(ctx, types.RegistryPortID, packet.DestinationChannel)
	if err != nil {
		return err
	}
	data, kind, err := types.DecodeReservationPacket(packet.Data)
	if err != nil {
		return err
	}
	from, self := link.ChainId, ctx.ChainID()
	r, found, err := k.GetRegistryKey(ctx, kind, data.Key)
	if err != nil {
		return err
	}
	if found {
		switch r.Status {
		case types.RESERVATION_STATUS_HELD_REMOTE:
			if r.HolderZone == from {
				return nil // already recorded as the sender's
			}
			return errorsmod.Wrap(types.ErrKeyTaken, types.TakenReason(kind, types.RESERVATION_STATUS_CONFIRMED, r.HolderZone))
		case types.RESERVATION_STATUS_CONFIRMED, types.RESERVATION_STATUS_LOCAL:
			return errorsmod.Wrap(types.ErrKeyTaken, types.TakenReason(kind, types.RESERVATION_STATUS_CONFIRMED, self))
		case types.RESERVATION_STATUS_PENDING:
			if self < from {
				return errorsmod.Wrapf(types.ErrKeyTaken, "%s (both zones reserved it at once: the zone with the lower chain id, %s, keeps it)",
					types.TakenReason(kind, types.RESERVATION_STATUS_PENDING, self), self)
			}
		}
		// This zone's reservation is pending and loses the tie-break, or was
		// withdrawn: it gives the key up.
		owner, err := k.registryOwner(kind)
		if err != nil {
			return err
		}
		reason := types.TakenReason(kind, types.RESERVATION_STATUS_CONFIRMED, from)
		if r.Status == types.RESERVATION_STATUS_PENDING {
			reason += fmt.Sprintf(" (both zones reserved it at once: the zone with the lower chain id, %s, keeps it)", from)
		}
		if err := owner.OnReservation(ctx, r.Reference, types.RESERVATION_STATUS_REJECTED_DUPLICATE, reason); err != nil {
			return err
		}
		if err := typedevent.Emit(ctx.EventManager(), &types.EventReservationRejected{Kind: kind, Key: data.Key, Reference: r.Reference, Reason: reason}); err != nil {
			return err
		}
	}
	if err := k.setRegistryKey(ctx, r.Status, types.RegistryKey{Kind: kind, Key: data.Key, Status: types.RESERVATION_STATUS_HELD_REMOTE, HolderZone: from}); err != nil {
		return err
	}
	return typedevent.Emit(ctx.EventManager(), &types.EventKeyRecorded{Kind: kind, Key: data.Key, HolderZone: from})
}

// duplicatePrefix starts the error acknowledgement of a key held or reserved
// on the other zone (see RefusalAcknowledgement).
var duplicatePrefix = refusalPrefix(types.ErrKeyTaken)

func refusalPrefix(err error) string {
	codespace, code, _ := errorsmod.ABCIInfo(err, false)
	return fmt.Sprintf("%s/%d: ", codespace, code)
}

// RefusalAcknowledgement is the error acknowledgement of a refused
// reservation or cargo packet. A refusal with a registered x/cargo error carries its code and
// message ("cargo/31: transport document already issued as a bill on
// shanghai-1: …") — those messages are built from state only, so every
// validator writes the same bytes; any other error gets IBC's standard
// deterministic acknowledgement (code only).
func RefusalAcknowledgement(err error) channeltypes.Acknowledgement {
	codespace, _, _ := errorsmod.ABCIInfo(err, false)
	if codespace != types.ModuleName {
		return channeltypes.NewErrorAcknowledgement(err)
	}
	return channeltypes.Acknowledgement{Response: &channeltypes.Acknowledgement_Error{Error: refusalPrefix(err) + err.Error()}}
}

// OnReservationAck settles this zone's reservation with the other zone's answer.
func (k Keeper) OnReservationAck(ctx sdk.Context, packet channeltypes.Packet, ack channeltypes.Acknowledgement) error {
	r, owner, ok, err := k.pendingFor(ctx, packet)
	if err != nil || !ok {
		return err
	}
	if ack.Success() {
		r.Status = types.RESERVATION_STATUS_CONFIRMED
		if err := k.setRegistryKey(ctx, types.RESERVATION_STATUS_PENDING, r); err != nil {
			return err
		}
		if err := owner.OnReservation(ctx, r.Reference, types.RESERVATION_STATUS_CONFIRMED, ""); err != nil {
			return err
		}
		return typedevent.Emit(ctx.EventManager(), &types.EventReservationConfirmed{Kind: r.Kind, Key: r.Key, Reference: r.Reference})
	}
	reason := ack.GetError()
	if dup, isDup := strings.CutPrefix(reason, duplicatePrefix); isDup {
		// The other zone holds or reserved the key: remember it as theirs.
		holder := ""
		if link, err := k.TrustedChannel(ctx, types.RegistryPortID, packet.SourceChannel); err == nil {
			holder = link.ChainId
		}
		if holder == "" {
			pk := registryPK(r.Kind, r.Key)
			if err = k.reindexRegistryKey(ctx, pk, r.Status, types.RESERVATION_STATUS_UNSPECIFIED); err == nil {
				err = k.RegistryKeys.Remove(ctx, pk)
			}
		} else {
			err = k.setRegistryKey(ctx, r.Status, types.RegistryKey{Kind: r.Kind, Key: r.Key, Status: types.RESERVATION_STATUS_HELD_REMOTE, HolderZone: holder})
		}
		if err != nil {
			return err
		}
		if err := owner.OnReservation(ctx, r.Reference, types.RESERVATION_STATUS_REJECTED_DUPLICATE, dup); err != nil {
			return err
		}
		return typedevent.Emit(ctx.EventManager(), &types.EventReservationRejected{Kind: r.Kind, Key: r.Key, Reference: r.Reference, Reason: dup})
	}
	// Refused for another reason (the other zone's registry is not set up,
	// its corridor link changed...): nothing was recorded there; withdraw.
	return k.withdraw(ctx, r, owner, "refused by the other zone: "+reason)
}

// OnReservationTimeout withdraws a reservation the other zone never received.
func (k Keeper) OnReservationTimeout(ctx sdk.Context, packet channeltypes.Packet) error {
	r, owner, ok, err := k.pendingFor(ctx, packet)
	if err != nil || !ok {
		return err
	}
	return k.withdraw(ctx, r, owner, "the reservation timed out before the other zone received it")
}

func (k Keeper) withdraw(ctx sdk.Context, r types.RegistryKey, owner types.RegistryOwner, reason string) error {
	r.Status, r.Channel, r.Sequence = types.RESERVATION_STATUS_TIMED_OUT, "", 0
	if err := k.setRegistryKey(ctx, types.RESERVATION_STATUS_PENDING, r); err != nil {
		return err
	}
	if err := owner.OnReservation(ctx, r.Reference, types.RESERVATION_STATUS_TIMED_OUT, reason); err != nil {
		return err
	}
	return typedevent.Emit(ctx.EventManager(), &types.EventReservationTimedOut{Kind: r.Kind, Key: r.Key, Reference: r.Reference, Reason: reason})
}

// pendingFor returns the pending reservation a packet this zone sent is
// the answer for; ok is false when the key has moved on (this zone gave it
// up to the other zone's reservation), and the answer then changes nothing.
func (k Keeper) pendingFor(ctx sdk.Context, packet channeltypes.Packet) (types.RegistryKey, types.RegistryOwner, bool, error) {
	data, kind, err := types.DecodeReservationPacket(packet.Data)
	if err != nil {
		return types.RegistryKey{}, nil, false, err // this zone sent it, so it decodes
	}
	r, found, err := k.GetRegistryKey(ctx, kind, data.Key)
	if err != nil || !found || r.Status != types.RESERVATION_STATUS_PENDING ||
		r.Channel != packet.SourceChannel || r.Sequence != packet.Sequence {
		return r, nil, false, err
	}
	owner, err := k.registryOwner(kind)
	return r, owner, err == nil, err
}

// RetryReservation sends a withdrawn reservation again.
func (s msgServer) RetryReservation(ctx context.Context, m *types.MsgRetryReservation) (*types.MsgRetryReservationResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	r, found, err := s.GetRegistryKey(ctx, m.Kind, m.Key)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errorsmod.Wrapf(types.ErrKeyNotFound, "no %s key %s on this zone", types.KeyKindName(m.Kind), m.Key)
	}
	if r.Status != types.RESERVATION_STATUS_TIMED_OUT {
		return nil, errorsmod.Wrapf(types.ErrReservationState, "key %s is %s; only a TIMED_OUT reservation is retried", m.Key, r.Status)
	}
	owner, err := s.registryOwner(m.Kind)
	if err != nil {
		return nil, err
	}
	if err := owner.AuthorizeRetry(ctx, m.Signer, r.Reference); err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	p, err := s.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	seq, err := s.sendReservation(sdkCtx, p, r)
	if err != nil {
		return nil, err
	}
	if err := owner.OnReservation(ctx, r.Reference, types.RESERVATION_STATUS_PENDING, ""); err != nil {
		return nil, err
	}
	return &types.MsgRetryReservationResponse{Sequence: seq}, nil
}

// SetRegistryChannel names the registry channel (zone authority): an open
// registry-port channel of this version over a corridor link, or empty.
func (s msgServer) SetRegistryChannel(ctx context.Context, m *types.MsgSetRegistryChannel) (*types.MsgSetRegistryChannelResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if err := s.requireZoneAuthority(ctx, m.Authority, "set the registry channel"); err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if m.Channel != "" {
		ch, ok := s.channels.GetChannel(sdkCtx, types.RegistryPortID, m.Channel)
		switch {
		case !ok:
			return nil, errorsmod.Wrapf(types.ErrRegistryChannel, "no %s channel %s on this zone", types.RegistryPortID, m.Channel)
		case ch.State != channeltypes.OPEN:
			return nil, errorsmod.Wrapf(types.ErrRegistryChannel, "registry channel %s is %s, not OPEN", m.Channel, ch.State)
		case ch.Version != types.RegistryVersion:
			return nil, errorsmod.Wrapf(types.ErrRegistryChannel, "channel %s has version %q, not %s", m.Channel, ch.Version, types.RegistryVersion)
		}
		if _, err := s.TrustedChannel(sdkCtx, types.RegistryPortID, m.Channel); err != nil {
			return nil, err
		}
	}
	p, err := s.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	p.RegistryChannel = m.Channel
	if err := s.Params.Set(ctx, p); err != nil {
		return nil, err
	}
	return &types.MsgSetRegistryChannelResponse{}, typedevent.Emit(sdkCtx.EventManager(), &types.EventRegistryChannelSet{Channel: m.Channel})
}

// billOwner applies the registry's answers to bills (key: the transport
// document hash; reference: the bill id).
type billOwner struct{ k Keeper }

// History actions of the corridor registry.
const (
	ActionCorridorConfirmed = "CORRIDOR_CONFIRMED"
	ActionCorridorRejected  = "REJECTED_DUPLICATE"
	ActionCorridorTimeout   = "CORRIDOR_TIMEOUT"
	ActionCorridorRetry     = "CORRIDOR_RETRY"
)

func (o billOwner) OnReservation(ctx context.Context, billID string, status types.ReservationStatus, reason string) error {
	b, err := o.k.GetBill(ctx, billID)
	if err != nil {
		return err
	}
	if b.Status != types.BILL_STATUS_PENDING {
		return errorsmod.Wrapf(types.ErrWrongStatus, "bill %s is %s, not PENDING: the registry's answer (%s) does not apply", billID, b.Status, status)
	}
	var action string
	switch status {
	case types.RESERVATION_STATUS_CONFIRMED:
		action, b.Status = ActionCorridorConfirmed, types.BILL_STATUS_ISSUED
	case types.RESERVATION_STATUS_REJECTED_DUPLICATE:
		// A rejected bill backs nothing: its document is the other zone's
		// bill's, and that bill may travel here.
		action, b.Status = ActionCorridorRejected, types.BILL_STATUS_REJECTED_DUPLICATE
		if d, err := o.k.Documents.Get(ctx, b.DocumentHash); err == nil && d.BillId == b.Id {
			if err := o.k.Documents.Remove(ctx, b.DocumentHash); err != nil {
				return err
			}
		}
	case types.RESERVATION_STATUS_TIMED_OUT:
		action = ActionCorridorTimeout
	case types.RESERVATION_STATUS_PENDING:
		action = ActionCorridorRetry
	default:
		return errorsmod.Wrapf(types.ErrReservationState, "no bill transition for %s", status)
	}
	b.CorridorStatus = status
	return o.k.record(ctx, &b, action, b.Carrier, b.Holder, b.Holder, reason)
}

func (o billOwner) AuthorizeRetry(ctx context.Context, signer, billID string) error {
	_, err := o.k.carrierBill(ctx, signer, billID, types.BILL_STATUS_PENDING)
	return err
}
