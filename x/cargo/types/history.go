package types

import (
	"crypto/sha256"
	"encoding/hex"

	errorsmod "cosmossdk.io/errors"
)

// GenesisHead is the history head of a bill before its first transition.
const GenesisHead = "0000000000000000000000000000000000000000000000000000000000000000"

// ChainHead returns head' = sha256(head ‖ action), where action is the
// deterministic protobuf encoding of the entry with its own head left empty.
// Anyone holding the history can recompute and check every link.
func ChainHead(prevHead string, e HistoryEntry) string {
	e.Head = ""
	action, err := e.Marshal()
	if err != nil {
		panic(err) // a plain proto message without maps or Any never fails to marshal
	}
	prev, err := hex.DecodeString(prevHead)
	if err != nil || len(prev) != sha256.Size {
		panic("history head is not a hex SHA-256: " + prevHead)
	}
	sum := sha256.Sum256(append(prev, action...))
	return hex.EncodeToString(sum[:])
}

// HistoryVerifier checks the locally stored history of one bill, entry by
// entry in sequence order: every entry hashes to its head from its prev_head;
// consecutive entries link; a history that starts at sequence 1 starts at
// GenesisHead (a bill received over IBC starts later, at the packet's head).
type HistoryVerifier struct {
	last *HistoryEntry
}

// Next checks the next entry.
func (v *HistoryVerifier) Next(e HistoryEntry) error {
	if ValidateHash("prev_head", e.PrevHead) != nil || ChainHead(e.PrevHead, e) != e.Head {
		return errorsmod.Wrapf(ErrInvalidField, "bill %s history entry %d does not hash to its head", e.BillId, e.Sequence)
	}
	switch {
	case v.last == nil && e.Sequence == 1 && e.PrevHead != GenesisHead:
		return errorsmod.Wrapf(ErrInvalidField, "bill %s history does not start at the genesis head", e.BillId)
	case v.last != nil && e.Sequence <= v.last.Sequence:
		return errorsmod.Wrapf(ErrInvalidField, "bill %s history out of order at %d", e.BillId, e.Sequence)
	case v.last != nil && e.Sequence == v.last.Sequence+1 && e.PrevHead != v.last.Head:
		return errorsmod.Wrapf(ErrInvalidField, "bill %s history entry %d does not chain to entry %d", e.BillId, e.Sequence, v.last.Sequence)
	}
	v.last = &e
	return nil
}

// Finish checks that the history ends where the bill says it does.
func (v *HistoryVerifier) Finish(b Bill) error {
	if v.last == nil || v.last.Sequence != b.HistoryLen || v.last.Head != b.HistoryHead {
		return errorsmod.Wrapf(ErrInvalidField, "bill %s: its stored history does not end at history_len %d / head %s", b.Id, b.HistoryLen, b.HistoryHead)
	}
	return nil
}
