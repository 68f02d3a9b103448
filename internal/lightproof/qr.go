package lightproof

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// QR payloads carry a bundle on paper: the bundle's JSON, gzip-compressed,
// base64url-encoded (no padding), cut into parts of at most QRPartChars
// characters, each part one QR code reading
//
//	TCPB1/<i>/<n>/<part>
//
// (i from 1 to n). A reader collects the n parts in any order, joins them in
// order, base64url-decodes, gunzips (the browser's DecompressionStream("gzip")
// does) and has the bundle JSON — then verifies it like any dropped bundle.
const (
	QRPrefix    = "TCPB1"
	QRPartChars = 1500
	// maxQRParts bounds a reader: MaxBundleSize would not fit on paper anyway.
	maxQRParts = 64
)

// QRParts cuts a bundle's JSON into QR payloads.
func QRParts(bundleJSON []byte) ([]string, error) {
	var gz bytes.Buffer
	w, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(bundleJSON); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	enc := base64.RawURLEncoding.EncodeToString(gz.Bytes())
	n := (len(enc) + QRPartChars - 1) / QRPartChars
	if n > maxQRParts {
		return nil, types.ErrProofBundle.Wrapf("the bundle needs %d QR codes; at most %d fit a printable proof", n, maxQRParts)
	}
	parts := make([]string, 0, n)
	for i := 0; i < n; i++ {
		end := min((i+1)*QRPartChars, len(enc))
		parts = append(parts, fmt.Sprintf("%s/%d/%d/%s", QRPrefix, i+1, n, enc[i*QRPartChars:end]))
	}
	return parts, nil
}

// JoinQRParts is QRParts' inverse: it returns the bundle JSON from all the
// parts, in any order, and refuses a missing, repeated or foreign part.
func JoinQRParts(parts []string) ([]byte, error) {
	if len(parts) == 0 || len(parts) > maxQRParts {
		return nil, types.ErrProofBundle.Wrapf("%d QR parts", len(parts))
	}
	type part struct {
		i    int
		data string
	}
	var got []part
	n := 0
	for _, p := range parts {
		f := strings.SplitN(strings.TrimSpace(p), "/", 4)
		if len(f) != 4 || f[0] != QRPrefix {
			return nil, types.ErrProofBundle.Wrapf("not a proof bundle QR code (want %s/i/n/...)", QRPrefix)
		}
		i, err1 := strconv.Atoi(f[1])
		m, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil || m < 1 || m > maxQRParts || i < 1 || i > m || (n != 0 && m != n) {
			return nil, types.ErrProofBundle.Wrapf("QR part %q/%q: bad numbering", f[1], f[2])
		}
		n = m
		got = append(got, part{i, f[3]})
	}
	if len(got) != n {
		return nil, types.ErrProofBundle.Wrapf("%d of %d QR codes: scan them all", len(got), n)
	}
	sort.Slice(got, func(a, b int) bool { return got[a].i < got[b].i })
	var sb strings.Builder
	for k, p := range got {
		if p.i != k+1 {
			return nil, types.ErrProofBundle.Wrapf("QR code %d of %d is missing or scanned twice", k+1, n)
		}
		sb.WriteString(p.data)
	}
	gz, err := base64.RawURLEncoding.DecodeString(sb.String())
	if err != nil {
		return nil, types.ErrProofBundle.Wrapf("QR payload: %v", err)
	}
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, types.ErrProofBundle.Wrapf("QR payload: %v", err)
	}
	bz, err := io.ReadAll(io.LimitReader(r, MaxBundleSize+1))
	if err != nil {
		return nil, types.ErrProofBundle.Wrapf("QR payload: %v", err)
	}
	if len(bz) > MaxBundleSize {
		return nil, types.ErrProofBundle.Wrap("QR payload too large")
	}
	return bz, nil
}
