package types_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// A reservation without transfer chain checksums has the wire form it had
// before the field (releases before it decode it and answer as before); a
// PINT import's carries them, bounded and checked.
func TestReservationPacketContinues(t *testing.T) {
	key, sum := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	billKey := types.BillKeyOfIdentity(types.BillIdentityOf("COS-X1")) // the packet's BILL key must be its bill's identity
	keys := []types.KeyRef{{Kind: types.KEY_KIND_TRANSPORT_DOCUMENT, Key: key}, {Kind: types.KEY_KIND_BILL, Key: billKey}}
	plain := types.NewReservationPacket("COS-X1", keys)
	require.Equal(t, `{"reference":"COS-X1","keys":[{"kind":"TRANSPORT_DOCUMENT","key":"`+key+`"},{"kind":"BILL","key":"`+billKey+`"}]}`, string(plain.Bytes()))

	withChain := plain
	withChain.Continues = []string{sum, strings.Repeat("ef", 32)}
	p, got, err := types.DecodeReservationPacket(withChain.Bytes())
	require.NoError(t, err)
	require.Equal(t, keys, got)
	require.Equal(t, withChain.Continues, p.Continues)

	// The longest chain fits the packet limit.
	long := plain
	for i := 0; i < types.MaxContinuedEntries; i++ {
		long.Continues = append(long.Continues, strings.Repeat("0", 60)+string("0123456789abcdef"[i/16%16])+string("0123456789abcdef"[i%16])+"00")
	}
	_, _, err = types.DecodeReservationPacket(long.Bytes())
	require.NoError(t, err)
	long.Continues = append(long.Continues, sum)
	_, _, err = types.DecodeReservationPacket(long.Bytes())
	require.ErrorIs(t, err, types.ErrInvalidReservation)

	for name, bz := range map[string]string{
		"empty list":     `{"reference":"COS-X1","keys":[{"kind":"BILL","key":"` + key + `"}],"continues":[]}`,
		"not a checksum": `{"reference":"COS-X1","keys":[{"kind":"BILL","key":"` + key + `"}],"continues":["` + strings.ToUpper(sum) + `"]}`,
		"listed twice":   `{"reference":"COS-X1","keys":[{"kind":"BILL","key":"` + key + `"}],"continues":["` + sum + `","` + sum + `"]}`,
		"an invoice's":   `{"reference":"7","keys":[{"kind":"INVOICE","key":"` + key + `"}],"continues":["` + sum + `"]}`,
		"not a list":     `{"reference":"COS-X1","keys":[{"kind":"BILL","key":"` + key + `"}],"continues":"` + sum + `"}`,
	} {
		_, _, err := types.DecodeReservationPacket([]byte(bz))
		require.ErrorIs(t, err, types.ErrInvalidReservation, name)
	}
}
