//go:build tools

// Package relayer pins the Go relayer (rly) used between hongkong-1 and
// shanghai-1. Build it with `make rly` (bin/rly).
package relayer

import _ "github.com/cosmos/relayer/v2"
