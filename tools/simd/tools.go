//go:build tools

// Package simd pins ibc-go v8.8.0's simd — a plain Cosmos SDK v0.50 chain —
// which `make loadtest` runs beside tradechaind as the baseline. Build it
// with `make simd` (bin/simd).
package simd

import _ "github.com/cosmos/ibc-go/v8/testing/simapp/simd"
