package types

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	errorsmod "cosmossdk.io/errors"

	"github.com/tradechain/tradechain/internal/identity"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
)

// The corridor registry: before a bill or an invoice becomes active, the zone
// reserves its identity in the whole corridor over the registry channel: a
// bill's carrier code and folded transport document reference (BILL) and the
// hash of its transport document (TRANSPORT_DOCUMENT) — and, later, every
// hash it is amended with —, an invoice's seller, buyer and folded number
// (INVOICE). One packet carries every key of one record, and the other zone
// accepts or refuses them together; the answer is an acknowledgement. Only
// the kinds, the 64-hex keys and the id of the reserving record (a bill id or
// an invoice id, so a refusal can name it) cross. See keeper/registry.go for
// the protocol.

const (
	// DefaultRegistryTimeoutSeconds bounds a reservation's flight by default.
	DefaultRegistryTimeoutSeconds = 600
	// MaxRegistryTimeoutSeconds is the largest reservation timeout (7 days).
	MaxRegistryTimeoutSeconds = 7 * 24 * 3600
	// MaxReservationKeys bounds the keys of one reservation (a new bill has two).
	MaxReservationKeys = 4
	// MaxReservationPacketSize bounds what the registry port decodes: the
	// keys and, for a PINT import, the checksums of its transfer chain
	// (MaxContinuedEntries of 64 hex characters).
	MaxReservationPacketSize = 20 << 10
	// MaxContinuedEntries bounds the transfer chain checksums a reservation
	// carries (a PINT envelope's chain is as long at most).
	MaxContinuedEntries = pint.MaxChainEntries
	// maxReservationReference bounds the record id a reservation names.
	maxReservationReference = 64
)

var reReservationReference = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,64}$`)

// KeyRef names one registry key.
type KeyRef struct {
	Kind KeyKind
	Key  string
}

func (r KeyRef) String() string { return KeyKindName(r.Kind) + "/" + r.Key }

// ReservationPacket is the registry port's packet data: the id of the record
// that reserves, and its keys. JSON, fields in this order:
//
//	{"reference":"COS-COSU6385270140","keys":[{"kind":"BILL","key":"<64 hex>"},{"kind":"TRANSPORT_DOCUMENT","key":"<64 hex>"}]}
//
// A bill arriving over PINT adds "continues": the SHA-256 checksums of its
// envelope's transfer chain entries, oldest first. The zone holding the keys
// for a bill it EXPORTED hands them over when the checksum of the last entry
// it sent is among them (the import continues that bill's own history).
// Packets without it (every other record, and releases before the field)
// decode and are answered as before.
type ReservationPacket struct {
	Reference string           `json:"reference"`
	Keys      []ReservationKey `json:"keys"`
	Continues []string         `json:"continues,omitempty"`
	// Legacy is set on a packet decoded from the format before v3 (one key,
	// no reference): {"kind":"…","key":"…"}. Never encoded.
	Legacy bool `json:"-"`
}

// ReservationKey is one key of a reservation packet.
type ReservationKey struct {
	Kind string `json:"kind"`
	Key  string `json:"key"`
}

// legacyReservationPacket is the registry packet of releases before v3.
type legacyReservationPacket struct {
	Kind string `json:"kind"`
	Key  string `json:"key"`
}

// NewReservationPacket is the packet reserving keys for reference.
func NewReservationPacket(reference string, keys []KeyRef) ReservationPacket {
	p := ReservationPacket{Reference: reference}
	for _, k := range keys {
		p.Keys = append(p.Keys, ReservationKey{Kind: KeyKindName(k.Kind), Key: k.Key})
	}
	return p
}

// KeyKindName is the packet name of a key kind ("TRANSPORT_DOCUMENT", "INVOICE", "BILL").
func KeyKindName(k KeyKind) string { return strings.TrimPrefix(k.String(), "KEY_KIND_") }

// ParseKeyKind reads a key kind by its packet name or its enum name, any case.
func ParseKeyKind(s string) (KeyKind, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	switch u {
	case "DOCUMENT", "TRANSPORT_DOCUMENT", "KEY_KIND_TRANSPORT_DOCUMENT":
		return KEY_KIND_TRANSPORT_DOCUMENT, nil
	case "INVOICE", "KEY_KIND_INVOICE":
		return KEY_KIND_INVOICE, nil
	case "BILL", "KEY_KIND_BILL":
		return KEY_KIND_BILL, nil
	}
	return KEY_KIND_UNSPECIFIED, errorsmod.Wrapf(ErrInvalidReservation, "key kind %q: want BILL, TRANSPORT_DOCUMENT or INVOICE", truncate(s))
}

// ValidateKeyKind checks that k is a kind the registry knows.
func ValidateKeyKind(k KeyKind) error {
	if k != KEY_KIND_TRANSPORT_DOCUMENT && k != KEY_KIND_INVOICE && k != KEY_KIND_BILL {
		return errorsmod.Wrapf(ErrInvalidReservation, "key kind %s: want KEY_KIND_BILL, KEY_KIND_TRANSPORT_DOCUMENT or KEY_KIND_INVOICE", k)
	}
	return nil
}

// KeyOwnerGroup is which module's records use keys of kind k: bills (BILL,
// TRANSPORT_DOCUMENT) or invoices (INVOICE). One reservation's keys are of
// one group.
func KeyOwnerGroup(k KeyKind) KeyKind {
	if k == KEY_KIND_BILL {
		return KEY_KIND_TRANSPORT_DOCUMENT
	}
	return k
}

// ValidateReservationReference checks the record id a reservation names.
func ValidateReservationReference(ref string) error {
	if !reReservationReference.MatchString(ref) {
		return errorsmod.Wrapf(ErrInvalidReservation, "reference %q: want 1-%d characters from A-Z a-z 0-9 . _ ~ -", truncate(ref), maxReservationReference)
	}
	return nil
}

// ValidateKeyRefs checks the keys of one reservation: 1 to
// MaxReservationKeys well-formed keys of known kinds, of one owner group,
// none twice.
func ValidateKeyRefs(keys []KeyRef) error {
	if len(keys) == 0 || len(keys) > MaxReservationKeys {
		return errorsmod.Wrapf(ErrInvalidReservation, "%d keys; a reservation has 1 to %d", len(keys), MaxReservationKeys)
	}
	for i, k := range keys {
		if err := ValidateKeyKind(k.Kind); err != nil {
			return err
		}
		if err := ValidateHash("key", k.Key); err != nil {
			return errorsmod.Wrap(ErrInvalidReservation, err.Error())
		}
		if KeyOwnerGroup(k.Kind) != KeyOwnerGroup(keys[0].Kind) {
			return errorsmod.Wrapf(ErrInvalidReservation, "keys %s and %s belong to records of different modules", keys[0], k)
		}
		for _, o := range keys[:i] {
			if o == k {
				return errorsmod.Wrapf(ErrInvalidReservation, "key %s listed twice", k)
			}
		}
	}
	return nil
}

func parsePacketKind(s string) (KeyKind, error) {
	for _, k := range []KeyKind{KEY_KIND_TRANSPORT_DOCUMENT, KEY_KIND_INVOICE, KEY_KIND_BILL} {
		if s == KeyKindName(k) {
			return k, nil
		}
	}
	return 0, errorsmod.Wrapf(ErrInvalidReservation, "unknown key kind %q", truncate(s))
}

// Validate checks a reservation packet and returns its keys.
func (p ReservationPacket) Validate() ([]KeyRef, error) {
	if !p.Legacy {
		if err := ValidateReservationReference(p.Reference); err != nil {
			return nil, err
		}
	}
	keys := make([]KeyRef, 0, len(p.Keys))
	for _, k := range p.Keys {
		kind, err := parsePacketKind(k.Kind)
		if err != nil {
			return nil, err
		}
		keys = append(keys, KeyRef{Kind: kind, Key: k.Key})
	}
	if err := ValidateKeyRefs(keys); err != nil {
		return nil, err
	}
	if p.Continues != nil {
		if KeyOwnerGroup(keys[0].Kind) != KEY_KIND_TRANSPORT_DOCUMENT {
			return nil, errorsmod.Wrap(ErrInvalidReservation, "only a bill's reservation continues a transfer chain")
		}
		if err := ValidateContinues(p.Continues); err != nil {
			return nil, err
		}
	}
	for _, k := range keys {
		if k.Kind == KEY_KIND_BILL {
			if _, err := CheckBillKey(k.Key, p.Reference); err != nil {
				return nil, err
			}
		}
	}
	return keys, nil
}

// ValidateContinues checks the transfer chain checksums a reservation
// carries: 1 to MaxContinuedEntries checksums (64 lower-case hex), none twice.
func ValidateContinues(sums []string) error {
	if len(sums) == 0 || len(sums) > MaxContinuedEntries {
		return errorsmod.Wrapf(ErrInvalidReservation, "continues lists %d transfer chain checksums; 1 to %d", len(sums), MaxContinuedEntries)
	}
	seen := make(map[string]bool, len(sums))
	for _, s := range sums {
		if !pint.IsChecksum(s) {
			return errorsmod.Wrapf(ErrInvalidReservation, "continues: %q is not a checksum (64 lower-case hex)", truncate(s))
		}
		if seen[s] {
			return errorsmod.Wrapf(ErrInvalidReservation, "continues lists checksum %s twice", s)
		}
		seen[s] = true
	}
	return nil
}

// Bytes is the packet's wire form (fields in a fixed order).
func (p ReservationPacket) Bytes() []byte {
	bz, _ := json.Marshal(p) // strings only: always marshals
	return bz
}

// DecodeReservationPacket reads a reservation strictly: bounded size, no
// unknown or missing field, nothing after the object, known kinds,
// well-formed keys. A packet in the format before v3 decodes with Legacy
// set (the zone still answers its own packets of that format).
func DecodeReservationPacket(bz []byte) (ReservationPacket, []KeyRef, error) {
	var p ReservationPacket
	if len(bz) > MaxReservationPacketSize {
		return p, nil, errorsmod.Wrapf(ErrInvalidReservation, "%d bytes; the limit is %d", len(bz), MaxReservationPacketSize)
	}
	if err := decodeStrict(bz, &p); err != nil {
		var old legacyReservationPacket
		if decodeStrict(bz, &old) != nil || old.Kind == "" {
			return p, nil, errorsmod.Wrapf(ErrInvalidReservation, "not a reservation: %v", err)
		}
		p = ReservationPacket{Keys: []ReservationKey{{Kind: old.Kind, Key: old.Key}}, Legacy: true}
	}
	keys, err := p.Validate()
	return p, keys, err
}

func decodeStrict(bz []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(bz))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the reservation object")
	}
	return nil
}

// BillKey is a bill's corridor identity (KEY_KIND_BILL): the hex SHA-256 of
//
//	"tradechain-bill-v1|" + carrier code + "|" + identity.Fold(transport document reference)
//
// The carrier code is the carrier's party code, the SCAC/SMDG code both zones
// register it under and the bill id starts with; the reference is folded as
// invoice numbers are (case, separators, look-alike characters and padding
// zeros do not matter), so "COS-ABC.001" and "COS-abc1" are one bill.
func BillKey(carrierCode, reference string) string {
	return BillKeyOfIdentity(BillIdentity(carrierCode, reference))
}

// BillKeyOf is the BillKey of a bill id (<carrier code>-<reference>; the
// code has no dash).
func BillKeyOf(billID string) string {
	return BillKeyOfIdentity(BillIdentityOf(billID))
}

// BillIdentity is where a zone keeps its registry record of a bill's
// identity: the carrier code, "|" and the folded transport document
// reference — the text BillKey hashes. Keyed by it rather than by its hash,
// a carrier's bills sit side by side in the store (its references run in
// sequence), so recording one writes where the previous one wrote.
func BillIdentity(carrierCode, reference string) string {
	return carrierCode + "|" + identity.Fold(reference)
}

// BillIdentityOf is the BillIdentity of a bill id.
func BillIdentityOf(billID string) string {
	code, ref, _ := strings.Cut(billID, "-")
	return BillIdentity(code, ref)
}

// BillKeyOfIdentity is the BILL key (64 hex) of a BillIdentity: a verifier
// given an identity checks it against the key it asked about with this.
func BillKeyOfIdentity(identity string) string {
	sum := sha256.Sum256([]byte("tradechain-bill-v1|" + identity))
	return hex.EncodeToString(sum[:])
}

// CheckBillKey checks that key is the identity of bill billID (a BILL key
// reserved for that bill), and returns where that identity is kept.
func CheckBillKey(key, billID string) (string, error) {
	identity := BillIdentityOf(billID)
	if BillKeyOfIdentity(identity) != key {
		return "", errorsmod.Wrapf(ErrBillKeyMismatch, "BILL key %s is not the identity of bill %q", truncate(key), truncate(billID))
	}
	return identity, nil
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
	// ReservedKeys are the keys the record waits for while its reservation
	// is open (PENDING or TIMED_OUT): what a retry sends again, and what the
	// zone lets go when the record gives way to the other zone's.
	ReservedKeys(ctx context.Context, reference string) ([]KeyRef, error)
}

// TakenReason says, for a user, where a key is held or reserved and by what
// record there (reference, when known).
func TakenReason(kind KeyKind, status ReservationStatus, zone, reference string) string {
	what := map[KeyKind][2]string{
		KEY_KIND_TRANSPORT_DOCUMENT: {"transport document already issued as a bill on %s", "transport document reserved by a pending bill on %s"},
		KEY_KIND_BILL:               {"transport document reference already issued as a bill on %s", "transport document reference reserved by a pending bill on %s"},
		KEY_KIND_INVOICE:            {"invoice already registered on %s", "invoice reserved by a pending registration on %s"},
	}[kind]
	i := 0
	if status == RESERVATION_STATUS_PENDING || status == RESERVATION_STATUS_TIMED_OUT {
		i = 1
	}
	msg := fmt.Sprintf(what[i], zone)
	switch {
	case reference == "":
	case kind == KEY_KIND_INVOICE:
		msg += " (invoice " + reference + ")"
	default:
		msg += " (bill " + reference + ")"
	}
	return msg
}

// Validate checks a collision record (genesis).
func (c IdentityCollision) Validate() error {
	if err := ValidateKeyKind(c.Kind); err != nil {
		return err
	}
	if err := ValidateHash("collision key", c.Key); err != nil {
		return err
	}
	if c.HolderZone == "" || c.OtherZone == "" || c.OtherReference == "" {
		return errorsmod.Wrapf(ErrInvalidGenesis, "collision on %s names no zone or record", c.Key)
	}
	return nil
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
			if err := ValidateReservationReference(r.Reference); err != nil {
				return errorsmod.Wrapf(ErrInvalidGenesis, "registry key %s held by %s: %v", r.Key, r.HolderZone, err)
			}
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
	if r.HandoverFrom != "" && r.Status != RESERVATION_STATUS_PENDING && r.Status != RESERVATION_STATUS_TIMED_OUT {
		return errorsmod.Wrapf(ErrInvalidGenesis, "registry key %s is %s and names a zone handing it over (%s): only an open reservation does", r.Key, r.Status, r.HandoverFrom)
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
