package app

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestVerifiedSignaturesBound checks that the memory holds at most its size,
// dropping the oldest digest first, and that a repeated digest takes no slot.
func TestVerifiedSignaturesBound(t *testing.T) {
	v := NewVerifiedSignatures(2)
	k := func(b byte) [32]byte { return [32]byte{b} }
	v.add([][32]byte{k(1), k(2), k(2)})
	require.True(t, v.hasAll([][32]byte{k(1), k(2)}))
	v.add([][32]byte{k(3)})
	require.False(t, v.hasAll([][32]byte{k(1)}), "the oldest digest is dropped")
	require.True(t, v.hasAll([][32]byte{k(2), k(3)}))
	require.False(t, v.hasAll([][32]byte{k(2), k(4)}), "every signature of a tx must be known")
	v.add([][32]byte{k(4), k(5)})
	require.True(t, v.hasAll([][32]byte{k(4), k(5)}))
	require.Len(t, v.set, 2)
	require.Len(t, v.ring, 2)
}
