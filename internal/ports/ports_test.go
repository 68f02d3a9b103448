package ports

import (
	"fmt"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFree(t *testing.T) {
	ps, err := Free(6)
	require.NoError(t, err)
	require.Len(t, ps, 6)
	seen := map[int]bool{}
	for _, p := range ps {
		require.False(t, seen[p], "port %d twice", p)
		seen[p] = true
		require.True(t, p >= low && p < high, "port %d outside %d-%d", p, low, high)
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		require.NoError(t, err, "port %d must be bindable", p)
		l.Close()
	}
}

func TestBlock(t *testing.T) {
	start, err := Block(20)
	require.NoError(t, err)
	require.True(t, start >= low && start+20 <= high, "block %d+20 outside %d-%d", start, low, high)
	for p := start; p < start+20; p++ {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		require.NoError(t, err, "port %d must be bindable", p)
		l.Close()
	}
}
