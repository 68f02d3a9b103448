package lightproof_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/internal/lightproof"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// TestQRRoundTripAndPDF: a bill's bundle goes onto paper as QR payloads and
// comes back byte for byte, in any scanning order; the PDF carries them.
func TestQRRoundTripAndPDF(t *testing.T) {
	f := newFixture(t)
	b := f.prove(lightproof.KindBill, lightproof.Subject{BillID: f.billID}, 0)
	bz, err := b.Encode()
	require.NoError(t, err)
	parts, err := lightproof.QRParts(bz)
	require.NoError(t, err)
	t.Logf("bundle %d bytes -> %d QR codes", len(bz), len(parts))
	for _, p := range parts {
		require.LessOrEqual(t, len(p), lightproof.QRPartChars+len("TCPB1/99/99/"))
	}
	reversed := make([]string, len(parts))
	for i, p := range parts {
		reversed[len(parts)-1-i] = p
	}
	back, err := lightproof.JoinQRParts(reversed)
	require.NoError(t, err)
	require.Equal(t, bz, back)
	if len(parts) > 1 {
		_, err = lightproof.JoinQRParts(parts[1:])
		require.ErrorIs(t, err, types.ErrProofBundle)
		_, err = lightproof.JoinQRParts(append([]string{parts[0]}, parts[:len(parts)-1]...))
		require.ErrorIs(t, err, types.ErrProofBundle)
	}

	res, err := lightproof.Verify(b, f.root(), f.opts())
	require.NoError(t, err)
	var pdf bytes.Buffer
	require.NoError(t, lightproof.WritePDF(&pdf, b, res, f.root()))
	require.True(t, bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")))
	require.Contains(t, pdf.String(), "/Subtype /Image")
	require.Equal(t, len(parts), bytes.Count(pdf.Bytes(), []byte("/Subtype /Image")))
	t.Logf("PDF %d bytes", pdf.Len())
}
