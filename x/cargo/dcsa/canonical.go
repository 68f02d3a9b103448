// Package dcsa reads DCSA eBL 3.0 transport documents and hashes them the way
// the chain binds them: SHA-256 over the RFC 8785 (JCS) canonical JSON.
package dcsa

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDocumentSize bounds the JSON this package reads (a real eBL is a few tens of KiB).
const MaxDocumentSize = 4 << 20

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 64

// Canonicalize returns the RFC 8785 canonical form of a JSON text: no
// insignificant whitespace, object members sorted by the UTF-16 code units
// of their names, numbers in ECMAScript shortest form, minimal string escapes.
func Canonicalize(data []byte) ([]byte, error) {
	if len(data) > MaxDocumentSize {
		return nil, fmt.Errorf("document is %d bytes; the limit is %d", len(data), MaxDocumentSize)
	}
	if !utf8.Valid(data) {
		return nil, errors.New("document is not valid UTF-8")
	}
	if err := rejectLoneSurrogates(data); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: trailing data after the document")
	}
	if err := rejectDuplicateKeys(data); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := writeCanonical(&buf, v, 0); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Hash returns the lower-case hex SHA-256 of the canonical form of data.
func Hash(data []byte) (string, error) {
	c, err := Canonicalize(data)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:]), nil
}

func writeCanonical(buf *bytes.Buffer, v any, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("document nests deeper than %d levels", maxDepth)
	}
	switch x := v.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		if x {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	case json.Number:
		s, err := canonicalNumber(string(x))
		if err != nil {
			return err
		}
		buf.WriteString(s)
	case string:
		writeString(buf, x)
	case []any:
		buf.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeCanonical(buf, e, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return lessUTF16(keys[i], keys[j]) })
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeString(buf, k)
			buf.WriteByte(':')
			if err := writeCanonical(buf, x[k], depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	default:
		return fmt.Errorf("unexpected JSON value %T", v)
	}
	return nil
}

func lessUTF16(a, b string) bool {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}

// writeString escapes as RFC 8785 §3.2.2.2: only '"', '\\' and control
// characters, with the short forms where JSON has them.
func writeString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			buf.WriteString(`\"`)
		case '\\':
			buf.WriteString(`\\`)
		case '\b':
			buf.WriteString(`\b`)
		case '\f':
			buf.WriteString(`\f`)
		case '\n':
			buf.WriteString(`\n`)
		case '\r':
			buf.WriteString(`\r`)
		case '\t':
			buf.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(buf, `\u%04x`, r)
			} else {
				buf.WriteRune(r)
			}
		}
	}
	buf.WriteByte('"')
}

// canonicalNumber formats a JSON number as ECMAScript's Number.prototype.toString
// does for the IEEE-754 double it denotes (RFC 8785 §3.2.2.3).
func canonicalNumber(lit string) (string, error) {
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", fmt.Errorf("number %s is not representable as an IEEE-754 double", lit)
	}
	if f == 0 {
		return "0", nil
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	// Shortest round-trip digits and decimal exponent: f = 0.d1d2...dk × 10^n.
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddddde±xx
	mant, expStr, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expStr)
	k, n := len(digits), exp+1
	var out string
	switch {
	case k <= n && n <= 21:
		out = digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		out = digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		out = "0." + strings.Repeat("0", -n) + digits
	default:
		es := "+"
		if n-1 < 0 {
			es = "-"
		}
		ev := n - 1
		if ev < 0 {
			ev = -ev
		}
		if k == 1 {
			out = digits + "e" + es + strconv.Itoa(ev)
		} else {
			out = digits[:1] + "." + digits[1:] + "e" + es + strconv.Itoa(ev)
		}
	}
	return sign + out, nil
}

// rejectDuplicateKeys refuses objects that name a member twice (RFC 8785
// requires I-JSON input; a duplicate makes the hash ambiguous).
func rejectDuplicateKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("invalid JSON: %w", err)
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.isObject && top.wantKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				markValueDone(stack)
				continue
			}
			key := tok.(string)
			if top.keys[key] {
				return fmt.Errorf("invalid JSON: member %q appears twice in one object", key)
			}
			top.keys[key] = true
			top.wantKey = false
			continue
		}
		switch d := tok.(type) {
		case json.Delim:
			switch d {
			case '{':
				stack = append(stack, &frame{keys: map[string]bool{}, isObject: true, wantKey: true})
			case '[':
				stack = append(stack, &frame{})
			case ']':
				stack = stack[:len(stack)-1]
				markValueDone(stack)
			}
		default:
			markValueDone(stack)
		}
	}
}

// rejectLoneSurrogates refuses a \uXXXX escape of a UTF-16 surrogate that is
// not half of a high-low pair. RFC 8785 takes I-JSON input (RFC 7493 §2.1),
// which forbids them; a decoder turns each into U+FFFD, so documents that
// differ only there would canonicalise, and hash, alike. Raw surrogates
// cannot occur: the text is valid UTF-8 (checked before).
func rejectLoneSurrogates(data []byte) error {
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !inString {
			inString = c == '"'
			continue
		}
		switch c {
		case '"':
			inString = false
		case '\\':
			if i+1 < len(data) && data[i+1] == 'u' {
				u, ok := hex4(data, i+2)
				if !ok {
					return nil // malformed escape: the JSON decoder reports it
				}
				if utf16.IsSurrogate(rune(u)) {
					// Only a high half followed by an escaped low half is a pair.
					lo, ok := hex4(data, i+8)
					if u >= 0xDC00 || !ok || data[i+6] != '\\' || data[i+7] != 'u' || lo < 0xDC00 || lo > 0xDFFF {
						return fmt.Errorf("invalid JSON: string escape \\u%04X at byte %d is a lone UTF-16 surrogate (I-JSON, RFC 7493, forbids it)", u, i)
					}
					i += 6 // the low half's escape
				}
				i += 5
				continue
			}
			i++ // the escaped character
		}
	}
	return nil
}

// hex4 reads 4 hex digits at data[at:], if there are.
func hex4(data []byte, at int) (uint16, bool) {
	if at < 0 || at+4 > len(data) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(data[at:at+4]), 16, 16)
	return uint16(v), err == nil
}

// frame is one open object or array while scanning tokens.
type frame struct {
	keys     map[string]bool
	isObject bool
	wantKey  bool
}

// markValueDone records that a member value ended: the enclosing object now
// expects a key again.
func markValueDone(stack []*frame) {
	if n := len(stack); n > 0 && stack[n-1].isObject {
		stack[n-1].wantKey = true
	}
}

// RawHash returns the lower-case hex SHA-256 of data as it is (for non-JSON
// documents such as PDF invoices).
func RawHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
