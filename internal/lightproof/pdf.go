package lightproof

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// WritePDF writes a printable proof: a human summary of what was verified
// and the bundle as QR codes (QRParts), to be scanned into the web app's
// verify page or `tradechaind verify-bundle --qr`. res is the bundle's
// verification result, so the page never states what was not proved.
func WritePDF(w io.Writer, b *Bundle, res *Result, root *TrustRoot) error {
	bz, err := b.Encode()
	if err != nil {
		return err
	}
	parts, err := QRParts(bz)
	if err != nil {
		return err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(fmt.Sprintf("tradechain proof: %s %s on %s at height %d", b.Kind, describe(b.Subject), b.ChainID, b.Height), true)
	pdf.SetCreator("tradechaind", true)
	pdf.SetCreationDate(b.CreatedAt)
	pdf.SetModificationDate(b.CreatedAt)
	pdf.SetAutoPageBreak(true, 15)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: the core fonts' encoding
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 8, tr(fmt.Sprintf("Proof of a %s record on %s", b.Kind, b.ChainID)), "", "L", false)
	pdf.Ln(2)
	pdf.SetFont("Courier", "", 8.5)
	for _, line := range strings.Split(strings.TrimSpace(res.Summary()), "\n") {
		pdf.MultiCell(0, 4.2, tr(line), "", "L", false)
	}
	pdf.Ln(2)
	pdf.SetFont("Helvetica", "", 9)
	rootLine := fmt.Sprintf("Trust root used: %s at height %d", root.ChainID, root.Height)
	if root.Hash != "" {
		rootLine += ", header hash " + strings.ToUpper(root.Hash)
	} else {
		rootLine += " (a validator set)"
	}
	for _, p := range []string{
		rootLine + ".",
		fmt.Sprintf("Bundle made %s; %d bytes of JSON in %d QR code(s) below (%s/i/n/..., gzip, base64url).",
			b.CreatedAt.UTC().Format(time.RFC3339), len(bz), len(parts), QRPrefix),
		"To check this page, scan every code into the zone's web app (Verify) or run " +
			"`tradechaind verify-bundle --qr FILE --trust-root ROOT` with the scanned texts one per line. " +
			"Check it against a trust root you obtained yourself, not one printed here. " +
			"A verified proof shows the ledger's record at that height; it does not show that the goods exist " +
			"or that the record is still current (docs/trust-model.md).",
	} {
		pdf.MultiCell(0, 4.5, tr(p), "", "L", false)
		pdf.Ln(1)
	}
	const size, gap = 85.0, 8.0
	x0, y := 15.0, pdf.GetY()+4
	for i, p := range parts {
		png, err := qrcode.New(p, qrcode.Medium)
		if err != nil {
			return fmt.Errorf("QR code %d: %w", i+1, err)
		}
		img, err := png.PNG(-4)
		if err != nil {
			return err
		}
		if y+size+8 > 282 {
			pdf.AddPage()
			y = 15
		}
		x := x0 + float64(i%2)*(size+gap)
		name := fmt.Sprintf("qr%d", i+1)
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(img))
		pdf.ImageOptions(name, x, y, size, size, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		pdf.SetXY(x, y+size)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(size, 5, fmt.Sprintf("code %d of %d", i+1, len(parts)), "", 0, "C", false, 0, "")
		if i%2 == 1 {
			y += size + gap
		}
	}
	if err := pdf.Error(); err != nil {
		return err
	}
	return pdf.Output(w)
}
