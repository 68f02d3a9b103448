// Package ports picks free loopback TCP ports for the nodes that tests and
// the load test start.
package ports

import (
	"fmt"
	"math/rand/v2"
	"net"
)

// Below Linux's ephemeral range (32768–60999): a port the kernel hands to
// some outgoing connection between the pick and the node's bind would make
// the node fail with "address already in use". The kernel's own ":0" picks
// come from that range, so they are not used.
const (
	low  = 20000
	high = 32000
)

// Block returns the first of n consecutive ports of 127.0.0.1 that could all
// be bound just now (a node block of `tradechaind testnet init-files`).
func Block(n int) (int, error) {
	first := low + rand.IntN(high-low-n)
	for i := 0; i < (high-low)/n; i++ {
		start := low + (first-low+i*n)%(high-low-n)
		if bindable(start, n) {
			return start, nil
		}
	}
	return 0, fmt.Errorf("no %d consecutive free ports in %d-%d", n, low, high)
}

func bindable(start, n int) bool {
	for p := start; p < start+n; p++ {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			return false
		}
		l.Close()
	}
	return true
}

// Free returns k ports of 127.0.0.1 that could be bound just now (a block
// of consecutive ones, see Block).
func Free(k int) ([]int, error) {
	start, err := Block(k)
	if err != nil {
		return nil, err
	}
	out := make([]int, k)
	for i := range out {
		out[i] = start + i
	}
	return out, nil
}
