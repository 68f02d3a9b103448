package types

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	errorsmod "cosmossdk.io/errors"
)

// The corridor registry: before a transport document backs a bill, or an
// invoice is registered for financing, the zone reserves the document's hash
// or the invoice's corridor fingerprint on the other zone over the registry
// channel. Only the kind and the 64-hex key cross; the answer is an
// acknowledgement. See keeper/registry.go for the protocol.

const (
	// DefaultRegistryTimeoutSeconds bounds a reservation's flight by default.
	DefaultRegistryTimeoutSeconds = 600
	// MaxRegistryTimeoutSeconds is the largest reservation timeout (7 days).
	MaxRegistryTimeoutSeconds = 7 * 24 * 3600
	// MaxReservationPacketSize bounds what the registry port decodes.
	MaxReservationPacketSize = 256
)

// ReservationPacket is the registry port's packet data: a key and its kind,
// nothing else. JSON: {"kind":"TRANSPORT_DOCUMENT","key":"<64 hex>"}.
type ReservationPacket struct {
	Kind string `json:"kind"`
	Key  string `json:"key"`
}

// KeyKindName is the packet name of a key kind ("TRANSPORT_DOCUMENT", "INVOICE").
func KeyKindName(k KeyKind) string { return strings.TrimPrefix(k.String(), "KEY_KIND_") }

// ParseKeyKind reads a key kind by its packet name or its enum name, any case.
func ParseKeyKind(s string) (KeyKind, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	switch u {
	case "DOCUMENT", "TRANSPORT_DOCUMENT", "KEY_KIND_TRANSPORT_DOCUMENT":
		return KEY_KIND_TRANSPORT_DOCUMENT, nil
	case "INVOICE", "KEY_KIND_INVOICE":
		return KEY_KIND_INVOICE, nil
	}
	return KEY_KIND_UNSPECIFIED, errorsmod.Wrapf(ErrInvalidReservation, "key kind %q: want TRANSPORT_DOCUMENT or INVOICE", truncate(s))
}

// ValidateKeyKind checks that k is a kind the registry knows.
func ValidateKeyKind(k KeyKind) error {
	if k != KEY_KIND_TRANSPORT_DOCUMENT && k != KEY_KIND_INVOICE {
		return errorsmod.Wrapf(ErrInvalidReservation, "key kind %s: want KEY_KIND_TRANSPORT_DOCUMENT or KEY_KIND_INVOICE", k)
	}
	return nil
}

// Validate checks a reservation packet.
func (p ReservationPacket) Validate() (KeyKind, error) {
	var kind KeyKind
	switch p.Kind {
	case KeyKindName(KEY_KIND_TRANSPORT_DOCUMENT):
		kind = KEY_KIND_TRANSPORT_DOCUMENT
	case KeyKindName(KEY_KIND_INVOICE):
		kind = KEY_KIND_INVOICE
	default:
		return kind, errorsmod.Wrapf(ErrInvalidReservation, "unknown key kind %q", truncate(p.Kind))
	}
	if err := ValidateHash("key", p.Key); err != nil {
		return kind, errorsmod.Wrap(ErrInvalidReservation, err.Error())
	}
	return kind, nil
}

// Bytes is the packet's wire form (fields in a fixed order).
func (p ReservationPacket) Bytes() []byte {
	bz, _ := json.Marshal(p) // two strings always marshal
	return bz
}

// DecodeReservationPacket reads a reservation strictly: bounded size, no
// unknown or missing field, nothing after the object, a known kind and a
// well-formed key.
func DecodeReservationPacket(bz []byte) (ReservationPacket, KeyKind, error) {
	var p ReservationPacket
	if len(bz) > MaxReservationPacketSize {
		return p, 0, errorsmod.Wrapf(ErrInvalidReservation, "%d bytes; the limit is %d", len(bz), MaxReservationPacketSize)
	}
	dec := json.NewDecoder(bytes.NewReader(bz))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, 0, errorsmod.Wrapf(ErrInvalidReservation, "not a reservation: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return p, 0, errorsmod.Wrap(ErrInvalidReservation, "data after the reservation object")
	}
	kind, err := p.Validate()
	return p, kind, err
}

// RegistryOwner is the module that uses keys of one kind (x/cargo for
// transport documents, x/tradefinance for invoices). The registry tells it
// the answer for the record it reserved a key for, under the record's
// reference (a bill id, an invoice id).
type RegistryOwner interface {
	// OnReservation applies the registry's answer to the record: CONFIRMED
	// (active), REJECTED_DUPLICATE (reason says where the key is held),
	// TIMED_OUT (withdrawn, retryable) or PENDING (retried).
	OnReservation(ctx context.Context, reference string, status ReservationStatus, reason string) error
	// AuthorizeRetry checks that signer may retry the record's reservation.
	AuthorizeRetry(ctx context.Context, signer, reference string) error
}

// TakenReason says, for a user, where a key is held or reserved.
func TakenReason(kind KeyKind, status ReservationStatus, zone string) string {
	what := map[KeyKind][2]string{
		KEY_KIND_TRANSPORT_DOCUMENT: {"transport document already issued as a bill on %s", "transport document reserved by a pending bill on %s"},
		KEY_KIND_INVOICE:            {"invoice already registered on %s", "invoice reserved by a pending registration on %s"},
	}[kind]
	if status == RESERVATION_STATUS_PENDING || status == RESERVATION_STATUS_TIMED_OUT {
		return fmt.Sprintf(what[1], zone)
	}
	return fmt.Sprintf(what[0], zone)
}

// Validate checks a registry key record (genesis).
func (r RegistryKey) Validate() error {
	if err := ValidateKeyKind(r.Kind); err != nil {
		return err
	}
	if err := ValidateHash("registry key", r.Key); err != nil {
		return err
	}
	if r.HolderZone == "" {
		return errorsmod.Wrapf(ErrInvalidGenesis, "registry key %s names no holder zone", r.Key)
	}
	switch r.Status {
	case RESERVATION_STATUS_HELD_REMOTE:
		if r.Reference != "" {
			return errorsmod.Wrapf(ErrInvalidGenesis, "registry key %s is held by %s but names a local record", r.Key, r.HolderZone)
		}
	case RESERVATION_STATUS_PENDING:
		if r.Channel == "" || r.Sequence == 0 || r.Reference == "" {
			return errorsmod.Wrapf(ErrInvalidGenesis, "pending registry key %s needs its record, channel and packet sequence", r.Key)
		}
	case RESERVATION_STATUS_CONFIRMED, RESERVATION_STATUS_LOCAL, RESERVATION_STATUS_TIMED_OUT:
		if r.Reference == "" {
			return errorsmod.Wrapf(ErrInvalidGenesis, "registry key %s held here names no record", r.Key)
		}
	default:
		return errorsmod.Wrapf(ErrInvalidGenesis, "registry key %s has status %s", r.Key, r.Status)
	}
	return nil
}

// ValidateBasic checks a retry.
func (m *MsgRetryReservation) ValidateBasic() error {
	if err := ValidateAddress("signer", m.Signer); err != nil {
		return err
	}
	if err := ValidateKeyKind(m.Kind); err != nil {
		return err
	}
	return ValidateHash("key", m.Key)
}

// ValidateBasic checks the registry channel setting.
func (m *MsgSetRegistryChannel) ValidateBasic() error {
	if err := ValidateAddress("authority", m.Authority); err != nil {
		return err
	}
	if m.Channel == "" {
		return nil
	}
	return ValidateChannelID("channel", m.Channel)
}
