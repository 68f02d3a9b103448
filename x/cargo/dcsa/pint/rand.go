package pint

import "crypto/rand"

// cryptoRand is the default randomness of Signer (signing happens in the
// gateway, never in the state machine, which only verifies).
var cryptoRand = rand.Reader
