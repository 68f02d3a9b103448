package types

import (
	"crypto/sha256"
	"encoding/hex"
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
