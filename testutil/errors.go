package testutil

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
)

// RequireCode asserts that err carries the registered error target: wrapped
// (a keeper call) or as a failed transaction reports it ("codespace/code:
// … message").
func RequireCode(t testing.TB, err error, target *errorsmod.Error) {
	t.Helper()
	require.Error(t, err)
	if errorsmod.IsOf(err, target) {
		return
	}
	require.ErrorContains(t, err, fmt.Sprintf("%s/%d", target.Codespace(), target.ABCICode()))
	require.ErrorContains(t, err, target.Error())
}
