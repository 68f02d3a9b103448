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
// other end of the registry channel (O). A record — a new bill, a bill's
// amendment, an invoice — reserves all its keys at once: a new bill its
// identity (BILL: carrier code and folded transport document reference) and
// its document hash (TRANSPORT_DOCUMENT), an amendment its new document
// hash, an invoice its identity (INVOICE: seller, buyer, folded number).
//
//  1. Z uses the keys. If Z's registry already knows any of them — held by
//     O, or used here — the transaction fails at once, naming where and by
//     what record. If no registry channel is configured every key is held
//     LOCAL and the record is active. Otherwise Z records every key PENDING
//     under one packet, the record stays inert, and Z sends {reference,
//     keys} to O in that one packet.
//  2. O receives it and answers for all its keys together. Any key held by
//     O (CONFIRMED or LOCAL), held for a third zone, or PENDING on O with O
//     the zone with the lower chain id (both zones reserved it at once): O
//     refuses the packet (error acknowledgement naming the key's zone and
//     record; nothing is written). Otherwise every key is free for Z: each
//     of O's own reservations of one of them that is still open (PENDING
//     and losing the tie-break, or TIMED_OUT, i.e. withdrawn) gives way —
//     its record becomes REJECTED_DUPLICATE and O lets go of that record's
//     other keys —, O records every key HELD_REMOTE by Z (with Z's record
//     id) and acks success.
//  3. Z gets the ack: success → every key CONFIRMED, the record becomes
//     active; a duplicate refusal → the record is REJECTED_DUPLICATE with O's
//     reason and Z lets go of its keys (O knows whose they are); any other
//     refusal (say O has no registry channel, or runs a release before v3)
//     → withdrawn like a timeout. A timeout proves O never received the
//     packet, so withdrawing on Z withdraws on both sides: every key
//     TIMED_OUT, and the record's owner may retry (one packet, all keys).
//
// Exactly one zone can win a key: O acks Z's reservation only when O has no
// live reservation of any of its keys, a record is active only when all its
// keys are confirmed, and a record that gave way never becomes active (an
// answer to a packet that is no longer its keys' pending packet changes
// nothing).

// registryOwners are the modules using keys, by kind.
type registryOwners struct {
	invoice types.RegistryOwner
}

// SetInvoiceRegistryOwner makes o (x/tradefinance) the owner of invoice keys.
func (k Keeper) SetInvoiceRegistryOwner(o types.RegistryOwner) { k.owners.invoice = o }

func (k Keeper) registryOwner(kind types.KeyKind) (types.RegistryOwner, error) {
	switch kind {
	case types.KEY_KIND_TRANSPORT_DOCUMENT, types.KEY_KIND_BILL:
		return billOwner{k}, nil
	case types.KEY_KIND_INVOICE:
		if k.owners.invoice != nil {
			return k.owners.invoice, nil
		}
	}
	return nil, errorsmod.Wrapf(types.ErrInvalidReservation, "no module of this zone uses %s keys", kind)
}

// GetRegistryKey returns this zone's record of a document hash's or an
// invoice's key, if any. A bill's identity (BILL) is kept under the bill's
// carrier code and reference, which its hash does not give back: it is
// looked up by its bill (GetBillIdentityKey, lookupKey).
func (k Keeper) GetRegistryKey(ctx context.Context, kind types.KeyKind, key string) (types.RegistryKey, bool, error) {
	if kind == types.KEY_KIND_BILL {
		return types.RegistryKey{}, false, errorsmod.Wrapf(types.ErrBillKeyLookup, "BILL key %s", key)
	}
	return k.registryAt(ctx, collections.Join(int32(kind), key))
}

// lookupKey returns this zone's record of a key that record reference
// reserves or holds (for a BILL key, the bill it is the identity of).
func (k Keeper) lookupKey(ctx context.Context, kind types.KeyKind, key, reference string) (types.RegistryKey, bool, error) {
	loc, err := registryLoc(kind, key, reference)
	if err != nil {
		return types.RegistryKey{}, false, err
	}
	return k.registryAt(ctx, loc)
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
	pk, err := locOf(r)
	if err != nil {
		return err
	}
	if err := k.reindexRegistryKey(ctx, pk, was, r.Status, r.Reference); err != nil {
		return err
	}
	return k.storeRegistryKey(ctx, pk, r)
}

// OpenReservation is an entry of the open-reservation index: (status,
// (reference of the record, location of the key: kind and key as kept)).
type OpenReservation = collections.Pair[int32, collections.Pair[string, collections.Pair[int32, string]]]

// openEntry is the open-reservation index entry of the key at pk, reserved
// for the record reference, with status s.
func openEntry(s types.ReservationStatus, reference string, pk collections.Pair[int32, string]) OpenReservation {
	return collections.Join(int32(s), collections.Join(reference, pk))
}

// OpenReservations is the range of the open-reservation index's entries of status s.
func OpenReservations(s types.ReservationStatus) collections.Ranger[OpenReservation] {
	return collections.NewPrefixedPairRange[int32, collections.Pair[string, collections.Pair[int32, string]]](int32(s))
}

// reindexRegistryKey moves the open-reservation entry of the key at pk from
// status was (the record still stored at pk, read for the reference its
// entry is under) to status is for the record reference (UNSPECIFIED: none).
func (k Keeper) reindexRegistryKey(ctx context.Context, pk collections.Pair[int32, string], was, is types.ReservationStatus, reference string) error {
	if !isOpen(was) && !isOpen(is) {
		return nil
	}
	if isOpen(was) {
		old, found, err := k.registryAt(ctx, pk)
		if err != nil {
			return err
		}
		wasRef := reference
		if found {
			wasRef = old.Reference
		}
		if was == is && wasRef == reference {
			return nil
		}
		if err := k.RegistryOpen.Remove(ctx, openEntry(was, wasRef, pk)); err != nil {
			return err
		}
	}
	if isOpen(is) {
		return k.RegistryOpen.Set(ctx, openEntry(is, reference, pk))
	}
	return nil
}

// takenError is the refusal of a key this zone's registry already knows.
func takenError(ctx sdk.Context, r types.RegistryKey) error {
	status, zone := r.Status, r.HolderZone
	if status == types.RESERVATION_STATUS_HELD_REMOTE {
		status = types.RESERVATION_STATUS_CONFIRMED
	} else {
		zone = ctx.ChainID()
	}
	return errorsmod.Wrapf(types.ErrKeyTaken, "%s (%s key %s)", types.TakenReason(r.Kind, status, zone, r.Reference), types.KeyKindName(r.Kind), r.Key)
}

// Reserve claims keys, all or none, for the local record reference. It
// returns LOCAL (no registry channel: held here, the record is active) or
// PENDING (one reservation packet with every key is on its way; the record
// stays inert until the answer).
func (k Keeper) Reserve(ctx context.Context, reference string, keys ...types.KeyRef) (types.ReservationStatus, error) {
	return k.reserve(ctx, reference, nil, keys...)
}

// reserve is Reserve for a record that may continue a PINT transfer chain
// (continues: its entry checksums; see handover.go): a key the other zone
// holds for a record of the same id is asked for again, to be handed over.
func (k Keeper) reserve(ctx context.Context, reference string, continues []string, keys ...types.KeyRef) (types.ReservationStatus, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := types.ValidateKeyRefs(keys); err != nil {
		return 0, err
	}
	if err := types.ValidateReservationReference(reference); err != nil {
		return 0, err
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	records := make([]types.RegistryKey, 0, len(keys))
	for _, key := range keys {
		r, found, err := k.lookupKey(ctx, key.Kind, key.Key, reference)
		if err != nil {
			return 0, err
		}
		if !found {
			records = append(records, types.RegistryKey{Kind: key.Kind, Key: key.Key, HolderZone: sdkCtx.ChainID(), Reference: reference})
			continue
		}
		from, err := k.handoverFrom(sdkCtx, p, r, reference, continues)
		if err != nil {
			return 0, err
		}
		if from == "" {
			return 0, takenError(sdkCtx, r)
		}
		r.HandoverFrom = from
		records = append(records, r)
	}
	if p.RegistryChannel == "" {
		for _, r := range records {
			r.Status = types.RESERVATION_STATUS_LOCAL
			if err := k.setRegistryKey(sdkCtx, types.RESERVATION_STATUS_UNSPECIFIED, r); err != nil {
				return 0, err
			}
		}
		return types.RESERVATION_STATUS_LOCAL, nil
	}
	_, err = k.sendReservation(sdkCtx, p, reference, continues, records)
	return types.RESERVATION_STATUS_PENDING, err
}

// sendReservation sends records — every key of one record, new or TIMED_OUT
// — in one packet over the registry channel (with the transfer chain it
// continues, if any), records them PENDING under it and returns the packet
// sequence.
func (k Keeper) sendReservation(ctx sdk.Context, p types.Params, reference string, continues []string, records []types.RegistryKey) (uint64, error) {
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
	data := types.NewReservationPacket(reference, keyRefs(records))
	data.Continues = continues
	seq, err := k.ics4.SendPacket(ctx, chanCap, types.RegistryPortID, p.RegistryChannel, clienttypes.ZeroHeight(), timeout, data.Bytes())
	if err != nil {
		return 0, err
	}
	for _, r := range records {
		was := r.Status
		r.Status, r.HolderZone, r.Channel, r.Sequence = types.RESERVATION_STATUS_PENDING, ctx.ChainID(), p.RegistryChannel, seq
		if err := k.setRegistryKey(ctx, was, r); err != nil {
			return 0, err
		}
		if err := typedevent.Emit(ctx.EventManager(), &types.EventReservationSent{
			Kind: r.Kind, Key: r.Key, Reference: r.Reference, Channel: r.Channel, Sequence: seq,
		}); err != nil {
			return 0, err
		}
	}
	return seq, nil
}

func keyRefs(records []types.RegistryKey) []types.KeyRef {
	out := make([]types.KeyRef, len(records))
	for i, r := range records {
		out[i] = types.KeyRef{Kind: r.Kind, Key: r.Key}
	}
	return out
}

// releaseKey forgets this zone's record of a key (its record no longer
// reserves it).
func (k Keeper) releaseKey(ctx context.Context, r types.RegistryKey) error {
	pk, err := locOf(r)
	if err != nil {
		return err
	}
	if err := k.reindexRegistryKey(ctx, pk, r.Status, types.RESERVATION_STATUS_UNSPECIFIED, r.Reference); err != nil {
		return err
	}
	return k.deleteRegistryKey(ctx, pk)
}

// OnRecvReservation answers the other zone's reservation, for all its keys
// together: nil to acknowledge success, or the refusal.
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
	data, keys, err := types.DecodeReservationPacket(packet.Data)
	if err != nil {
		return err
	}
	if data.Legacy {
		// A reservation of the protocol before v3 reserves one key without
		// the record's other identities (and invoices under their old
		// fingerprint): nothing is recorded; the sender withdraws it and
		// retries once it runs v3 too.
		return errorsmod.Wrap(types.ErrInvalidReservation, "a reservation of the registry protocol before v3 (one key, no record id): upgrade that zone to v3, then retry the reservation there")
	}
	from, self := link.ChainId, ctx.ChainID()
	// Every key must be free for the sender before anything is written.
	var givingWay []types.RegistryKey
	handingOver := ""
	for _, key := range keys {
		r, found, err := k.lookupKey(ctx, key.Kind, key.Key, data.Reference)
		if err != nil {
			return err
		}
		if !found {
			continue
		}
		switch r.Status {
		case types.RESERVATION_STATUS_HELD_REMOTE:
			if r.HolderZone == from {
				continue // already recorded as the sender's
			}
			return errorsmod.Wrap(types.ErrKeyTaken, types.TakenReason(key.Kind, types.RESERVATION_STATUS_CONFIRMED, r.HolderZone, r.Reference))
		case types.RESERVATION_STATUS_CONFIRMED, types.RESERVATION_STATUS_LOCAL:
			taken := types.TakenReason(key.Kind, types.RESERVATION_STATUS_CONFIRMED, self, r.Reference)
			if data.Continues == nil {
				return errorsmod.Wrap(types.ErrKeyTaken, taken)
			}
			// A PINT import on the sender: this zone hands the keys of a
			// bill it exported over when the import continues it.
			over, why, err := k.continuesExport(ctx, r, data)
			if err != nil {
				return err
			}
			if !over {
				return errorsmod.Wrapf(types.ErrKeyTaken, "%s; not handed over: %s", taken, why)
			}
			handingOver = r.Reference
			continue
		case types.RESERVATION_STATUS_PENDING:
			if self < from {
				return errorsmod.Wrapf(types.ErrKeyTaken, "%s (both zones reserved it at once: the zone with the lower chain id, %s, keeps it)",
					types.TakenReason(key.Kind, types.RESERVATION_STATUS_PENDING, self, r.Reference), self)
			}
		}
		// This zone's reservation is pending and loses the tie-break, or was
		// withdrawn: it gives way.
		givingWay = append(givingWay, r)
	}
	incoming := make(map[types.KeyRef]bool, len(keys))
	for _, key := range keys {
		incoming[key] = true
	}
	if handingOver != "" {
		if err := k.handOver(ctx, handingOver, from, data.Continues); err != nil {
			return err
		}
	}
	gaveWay := map[string]bool{}
	for _, r := range givingWay {
		record := types.KeyKindName(types.KeyOwnerGroup(r.Kind)) + "/" + r.Reference
		if gaveWay[record] {
			continue
		}
		gaveWay[record] = true
		if err := k.giveWay(ctx, r, from, data.Reference, incoming); err != nil {
			return err
		}
	}
	for _, key := range keys {
		was := types.RESERVATION_STATUS_UNSPECIFIED
		if r, found, err := k.lookupKey(ctx, key.Kind, key.Key, data.Reference); err != nil {
			return err
		} else if found {
			was = r.Status
		}
		if err := k.setRegistryKey(ctx, was, types.RegistryKey{Kind: key.Kind, Key: key.Key, Status: types.RESERVATION_STATUS_HELD_REMOTE, HolderZone: from, Reference: data.Reference}); err != nil {
			return err
		}
		if err := typedevent.Emit(ctx.EventManager(), &types.EventKeyRecorded{Kind: key.Kind, Key: key.Key, HolderZone: from}); err != nil {
			return err
		}
	}
	return nil
}

// giveWay rejects this zone's open reservation r (PENDING and losing the
// tie-break, or withdrawn) in favour of the other zone's record theirs on
// zone from: the local record becomes REJECTED_DUPLICATE and its keys that
// the other zone does not take (incoming) are let go.
func (k Keeper) giveWay(ctx sdk.Context, r types.RegistryKey, from, theirs string, incoming map[types.KeyRef]bool) error {
	owner, err := k.registryOwner(r.Kind)
	if err != nil {
		return err
	}
	siblings, err := owner.ReservedKeys(ctx, r.Reference)
	if err != nil {
		return err
	}
	for _, s := range siblings {
		if incoming[s] {
			continue // recorded as the other zone's next
		}
		sr, found, err := k.lookupKey(ctx, s.Kind, s.Key, r.Reference)
		if err != nil {
			return err
		}
		if found && isOpen(sr.Status) && sr.Reference == r.Reference {
			if err := k.letGo(ctx, sr); err != nil {
				return err
			}
		}
	}
	reason := types.TakenReason(r.Kind, types.RESERVATION_STATUS_CONFIRMED, from, theirs)
	if r.Status == types.RESERVATION_STATUS_PENDING {
		reason += fmt.Sprintf(" (both zones reserved it at once: the zone with the lower chain id, %s, keeps it)", from)
	}
	if err := owner.OnReservation(ctx, r.Reference, types.RESERVATION_STATUS_REJECTED_DUPLICATE, reason); err != nil {
		return err
	}
	return typedevent.Emit(ctx.EventManager(), &types.EventReservationRejected{Kind: r.Kind, Key: r.Key, Reference: r.Reference, Reason: reason})
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
// shanghai-1 (bill COS-…): …") — those messages are built from state only, so
// every validator writes the same bytes; any other error gets IBC's standard
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
	records, owner, ok, err := k.pendingFor(ctx, packet)
	if err != nil || !ok {
		return err
	}
	reference := records[0].Reference
	if ack.Success() {
		for _, r := range records {
			r.Status, r.HandoverFrom = types.RESERVATION_STATUS_CONFIRMED, ""
			if err := k.setRegistryKey(ctx, types.RESERVATION_STATUS_PENDING, r); err != nil {
				return err
			}
		}
		if err := owner.OnReservation(ctx, reference, types.RESERVATION_STATUS_CONFIRMED, ""); err != nil {
			return err
		}
		for _, r := range records {
			if err := typedevent.Emit(ctx.EventManager(), &types.EventReservationConfirmed{Kind: r.Kind, Key: r.Key, Reference: r.Reference}); err != nil {
				return err
			}
		}
		return nil
	}
	reason := ack.GetError()
	if dup, isDup := strings.CutPrefix(reason, duplicatePrefix); isDup {
		// The other zone holds or reserved one of the keys: the record is
		// refused and lets go of them all (the other zone knows whose the
		// taken ones are, and refuses them again if asked; a key it was asked
		// to hand over is recorded as its again).
		for _, r := range records {
			if err := k.letGo(ctx, r); err != nil {
				return err
			}
		}
		if err := owner.OnReservation(ctx, reference, types.RESERVATION_STATUS_REJECTED_DUPLICATE, dup); err != nil {
			return err
		}
		for _, r := range records {
			if err := typedevent.Emit(ctx.EventManager(), &types.EventReservationRejected{Kind: r.Kind, Key: r.Key, Reference: r.Reference, Reason: dup}); err != nil {
				return err
			}
		}
		return nil
	}
	// Refused for another reason (the other zone's registry is not set up,
	// its corridor link changed, it runs a release before v3...): nothing
	// was recorded there; withdraw.
	return k.withdraw(ctx, records, owner, "refused by the other zone: "+reason)
}

// OnReservationTimeout withdraws a reservation the other zone never received.
func (k Keeper) OnReservationTimeout(ctx sdk.Context, packet channeltypes.Packet) error {
	records, owner, ok, err := k.pendingFor(ctx, packet)
	if err != nil || !ok {
		return err
	}
	return k.withdraw(ctx, records, owner, "the reservation timed out before the other zone received it")
}

// withdraw marks a reservation's keys TIMED_OUT (retryable) and tells their record.
func (k Keeper) withdraw(ctx sdk.Context, records []types.RegistryKey, owner types.RegistryOwner, reason string) error {
	for _, r := range records {
		was := r.Status
		r.Status, r.Channel, r.Sequence = types.RESERVATION_STATUS_TIMED_OUT, "", 0
		if err := k.setRegistryKey(ctx, was, r); err != nil {
			return err
		}
	}
	if err := owner.OnReservation(ctx, records[0].Reference, types.RESERVATION_STATUS_TIMED_OUT, reason); err != nil {
		return err
	}
	for _, r := range records {
		if err := typedevent.Emit(ctx.EventManager(), &types.EventReservationTimedOut{Kind: r.Kind, Key: r.Key, Reference: r.Reference, Reason: reason}); err != nil {
			return err
		}
	}
	return nil
}

// pendingFor returns the keys still pending under a packet this zone sent
// (all keys of one record); ok is false when they have moved on (the record
// gave way to the other zone's, or the v3 upgrade withdrew it), and the
// answer then changes nothing.
func (k Keeper) pendingFor(ctx sdk.Context, packet channeltypes.Packet) ([]types.RegistryKey, types.RegistryOwner, bool, error) {
	data, keys, err := types.DecodeReservationPacket(packet.Data)
	if err != nil {
		// This zone sent it, so it decodes; if not, there is nothing to settle.
		k.Logger(ctx).Error("cannot decode a reservation this zone sent", "sequence", packet.Sequence, "err", err)
		return nil, nil, false, nil
	}
	var records []types.RegistryKey
	for _, key := range keys {
		r, found, err := k.lookupKey(ctx, key.Kind, key.Key, data.Reference)
		if err != nil {
			return nil, nil, false, err
		}
		if found && r.Status == types.RESERVATION_STATUS_PENDING && r.Channel == packet.SourceChannel && r.Sequence == packet.Sequence {
			records = append(records, r)
		}
	}
	if len(records) == 0 {
		return nil, nil, false, nil
	}
	owner, err := k.registryOwner(records[0].Kind)
	return records, owner, err == nil, err
}

// RetryReservation sends a withdrawn reservation again: every key its
// record waits for, in one packet.
func (s msgServer) RetryReservation(ctx context.Context, m *types.MsgRetryReservation) (*types.MsgRetryReservationResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if m.Kind == types.KEY_KIND_BILL {
		return nil, errorsmod.Wrapf(types.ErrBillKeyLookup, "retry the bill's reservation by its document hash (KEY_KIND_TRANSPORT_DOCUMENT): every key of the bill is sent again")
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
	keys, err := owner.ReservedKeys(ctx, r.Reference)
	if err != nil {
		return nil, err
	}
	records := make([]types.RegistryKey, 0, len(keys))
	for _, key := range keys {
		kr, found, err := s.lookupKey(ctx, key.Kind, key.Key, r.Reference)
		if err != nil {
			return nil, err
		}
		if !found || kr.Status != types.RESERVATION_STATUS_TIMED_OUT || kr.Reference != r.Reference {
			if !found {
				kr.Status = types.RESERVATION_STATUS_UNSPECIFIED
			}
			return nil, errorsmod.Wrapf(types.ErrReservationState, "%s reserves %s too, which is %s here (reference %q), not its TIMED_OUT key: see `q cargo registry-collisions`",
				r.Reference, key, kr.Status, kr.Reference)
		}
		records = append(records, kr)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	p, err := s.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	continues, err := s.importContinues(ctx, m.Kind, r.Reference)
	if err != nil {
		return nil, err
	}
	seq, err := s.sendReservation(sdkCtx, p, r.Reference, continues, records)
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

// billOwner applies the registry's answers to bills (keys: a new bill's
// identity and document hash, an amendment's new document hash; reference:
// the bill id).
type billOwner struct{ k Keeper }

// History actions of the corridor registry.
const (
	ActionCorridorConfirmed = "CORRIDOR_CONFIRMED"
	ActionCorridorRejected  = "REJECTED_DUPLICATE"
	ActionCorridorTimeout   = "CORRIDOR_TIMEOUT"
	ActionCorridorRetry     = "CORRIDOR_RETRY"
	// ActionAmendPending: an amendment waits for the registry to reserve its
	// new document hash (detail: the new hash).
	ActionAmendPending = "AMEND_PENDING"
	// ActionAmendRejected: the registry refused an amendment's new document
	// hash (detail: why); the bill stays surrendered for amendment.
	ActionAmendRejected = "AMEND_REJECTED"
)

// issueKeys are the keys a new bill reserves: its document and its identity
// (in this order, so a refusal names the document when both are taken).
func issueKeys(b types.Bill) []types.KeyRef {
	return []types.KeyRef{
		{Kind: types.KEY_KIND_TRANSPORT_DOCUMENT, Key: b.DocumentHash},
		{Kind: types.KEY_KIND_BILL, Key: types.BillKeyOf(b.Id)},
	}
}

func (o billOwner) ReservedKeys(ctx context.Context, billID string) ([]types.KeyRef, error) {
	b, err := o.k.GetBill(ctx, billID)
	if err != nil {
		return nil, err
	}
	switch {
	case b.PendingAmendment != nil:
		return []types.KeyRef{{Kind: types.KEY_KIND_TRANSPORT_DOCUMENT, Key: b.PendingAmendment.NewDocumentHash}}, nil
	case b.Status == types.BILL_STATUS_PENDING:
		return issueKeys(b), nil
	}
	return nil, errorsmod.Wrapf(types.ErrReservationState, "bill %s is %s and waits for no reservation", billID, b.Status)
}

func (o billOwner) OnReservation(ctx context.Context, billID string, status types.ReservationStatus, reason string) error {
	b, err := o.k.GetBill(ctx, billID)
	if err != nil {
		return err
	}
	if b.PendingAmendment != nil {
		return o.onAmendmentReservation(ctx, b, status, reason)
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
		if err := o.unanchor(ctx, b.DocumentHash, b.Id); err != nil {
			return err
		}
	case types.RESERVATION_STATUS_TIMED_OUT:
		action = ActionCorridorTimeout
	case types.RESERVATION_STATUS_PENDING:
		action = ActionCorridorRetry
	default:
		return errorsmod.Wrapf(types.ErrReservationState, "no bill transition for %s", status)
	}
	b.CorridorStatus = status
	if err := o.k.record(ctx, &b, action, b.Carrier, b.Holder, b.Holder, reason); err != nil {
		return err
	}
	if b.Status == types.BILL_STATUS_PENDING {
		return nil
	}
	return o.k.emitImportSettled(ctx, b, reason)
}

// unanchor removes the anchor of hash if it was made for bill id.
func (o billOwner) unanchor(ctx context.Context, hash, id string) error {
	if d, err := o.k.Documents.Get(ctx, hash); err == nil && d.BillId == id {
		return o.k.Documents.Remove(ctx, hash)
	}
	return nil
}

// onAmendmentReservation applies the registry's answer to b's pending
// amendment: confirmed, it takes effect; refused, it is dropped and the bill
// stays surrendered for amendment (the carrier amends with another document
// or voids); withdrawn or retried, it waits.
func (o billOwner) onAmendmentReservation(ctx context.Context, b types.Bill, status types.ReservationStatus, reason string) error {
	pa := *b.PendingAmendment
	switch status {
	case types.RESERVATION_STATUS_CONFIRMED:
		return o.k.applyAmendment(ctx, b, pa)
	case types.RESERVATION_STATUS_REJECTED_DUPLICATE:
		if err := o.unanchor(ctx, pa.NewDocumentHash, b.Id); err != nil {
			return err
		}
		b.PendingAmendment = nil
		return o.k.record(ctx, &b, ActionAmendRejected, b.Carrier, b.Carrier, b.Carrier, reason)
	case types.RESERVATION_STATUS_TIMED_OUT, types.RESERVATION_STATUS_PENDING:
		action := ActionCorridorTimeout
		if status == types.RESERVATION_STATUS_PENDING {
			action = ActionCorridorRetry
		}
		b.PendingAmendment.CorridorStatus = status
		return o.k.record(ctx, &b, action, b.Carrier, b.Carrier, b.Carrier, reason)
	}
	return errorsmod.Wrapf(types.ErrReservationState, "no amendment transition for %s", status)
}

func (o billOwner) AuthorizeRetry(ctx context.Context, signer, billID string) error {
	b, err := o.k.GetBill(ctx, billID)
	if err != nil {
		return err
	}
	if b.PendingAmendment != nil {
		_, err = o.k.carrierBill(ctx, signer, billID, types.BILL_STATUS_SURRENDERED_FOR_AMENDMENT)
		return err
	}
	if b.ImportedFrom != "" && b.Status == types.BILL_STATUS_PENDING {
		// A bill imported over PINT waits for the registry on behalf of the
		// envelope: the zone's gateway (a PLATFORM party) may retry it too.
		if _, perr := o.k.ActivePartyWithRole(ctx, signer, types.ROLE_PLATFORM); perr == nil {
			return o.k.requireNotHeld(ctx, types.HOLD_SUBJECT_BILL, billID)
		}
	}
	_, err = o.k.carrierBill(ctx, signer, billID, types.BILL_STATUS_PENDING)
	return err
}
