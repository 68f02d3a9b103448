// Package identity folds a human-typed identifier — an invoice number, a
// carrier's transport document reference — to the one form the corridor
// compares, so that two spellings a person would read as the same identifier
// are one identifier: the corridor registry keys bills and invoices by what
// they mean, not by their bytes.
//
// Fold is deterministic and pinned: it uses only
//   - Unicode normalisation (NFKC, NFD) from golang.org/x/text/unicode/norm at
//     the version go.mod pins, and Go's unicode tables (letter, digit, upper
//     case, default-ignorable), and
//   - the UTS #39 confusables data (confusables.txt, Unicode 13.0.0,
//     2020-02-13) as compiled into github.com/mtibben/confusables at the
//     version go.mod pins (BSD-3-Clause; the data under the Unicode licence).
//     That module implements the UTS #39 skeleton (NFD, map each character
//     to its prototype, NFD again); Fold adds the step UTS #39 gained in
//     Unicode 15.1 — default-ignorable characters are removed first.
//
// Changing any of these versions can change Fold's output for some inputs,
// and with it identities already stored on chain: such a change is a state
// migration (re-key, as the v3 upgrade does), never a silent dependency bump.
// TestFoldGolden pins known outputs.
package identity

import (
	"strings"
	"unicode"

	"github.com/mtibben/confusables"
	"golang.org/x/text/unicode/norm"
)

// Fold returns the identity form of an identifier. Two identifiers are one
// when their folds are equal. The fold is for comparing (and hashing) only:
// it is not meant to be shown — "INVOICE-7" folds to "1NV1CE7".
//
// Steps, in order:
//
//  1. NFKC: compatibility forms become plain ones (full-width "ＩＮＶ",
//     ligatures, circled or super-script digits, Roman numerals "Ⅳ" → "IV").
//  2. Upper case (Unicode simple case mapping), keeping only letters and
//     decimal digits that are not default-ignorable: spaces, dashes, dots,
//     slashes, '#', '|', and every other separator or symbol do not
//     identify an invoice, nor do invisible fillers (U+3164 HANGUL FILLER).
//  3. The UTS #39 skeleton: each character becomes the prototype of its
//     confusable class (Cyrillic "А" U+0410 and Greek "Α" U+0391 → Latin "A";
//     Greek "Ο" U+039F, Cyrillic "О" U+041E and the digit "0" → "O"; "1",
//     "I", "|" and Greek "Ι" → "l"; ...).
//  4. The prototypes are folded once more: "l" (the class of 1, I, l) is
//     written "1", every other letter is upper-cased (prototypes that are
//     lower case, such as "o" for U+2134 SCRIPT SMALL O, join their upper
//     case class), "O" (the class of O and 0) is written "0", and what is
//     not a letter or a digit — combining marks from the decomposition,
//     accents included, and prototypes that are punctuation (the
//     Arabic-Indic zero looks like ".") — is dropped.
//  5. Zeros that pad a number are dropped: in every run of digits the
//     leading 0s go ("0042" → "42"; a run of zeros only is one "0").
//
// Consequences worth knowing: case never matters; the letter O is the digit
// 0 and I, l and 1 are one character (a lower-case "l" is first read as
// "L" in step 2, so "l" and "1" differ: case folding comes before the
// look-alikes, otherwise "L" and "I" would become one); an O that only pads
// a number is dropped like a zero ("PO-42" and "P-42" are one identifier).
func Fold(s string) string {
	var letters strings.Builder
	for _, r := range norm.NFKC.String(s) {
		if identifying(r) {
			letters.WriteRune(unicode.ToUpper(r))
		}
	}
	skeleton := confusables.Skeleton(letters.String())
	folded := make([]rune, 0, len(skeleton))
	for _, r := range skeleton {
		if r == 'l' {
			r = '1'
		} else if r = unicode.ToUpper(r); r == 'O' {
			r = '0'
		}
		if identifying(r) {
			folded = append(folded, r)
		}
	}
	return dropPaddingZeros(folded)
}

// identifying: a letter or decimal digit that is not default-ignorable.
func identifying(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}

// dropPaddingZeros removes the leading zeros of every run of ASCII digits; a
// run of zeros only becomes one "0".
func dropPaddingZeros(rs []rune) string {
	var b strings.Builder
	inRun, leading := false, false
	for _, r := range rs {
		if r >= '0' && r <= '9' {
			if !inRun {
				inRun, leading = true, true
			}
			if leading && r == '0' {
				continue
			}
			leading = false
			b.WriteRune(r)
			continue
		}
		if inRun && leading {
			b.WriteByte('0')
		}
		inRun = false
		b.WriteRune(r)
	}
	if inRun && leading {
		b.WriteByte('0')
	}
	return b.String()
}
