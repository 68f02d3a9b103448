package identity_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/internal/identity"
)

// What UTS #39 (confusables.txt 13.0.0) really maps, as Fold uses it: one
// identifier per pair.
func TestFoldConfusables(t *testing.T) {
	for _, tc := range []struct{ name, a, b string }{
		{"Latin A and Cyrillic А (U+0410)", "INV-A1", "INV-\u0410" + "1"},
		{"Latin O and Greek Ο (U+039F)", "PO-7", "P\u039f-7"},
		{"Latin O and Cyrillic О (U+041E)", "INV-O7", "INV-\u041e" + "7"},
		{"the digit 0 and the letter O (confusables.txt: 0030 → 004F)", "INV-2026-001", "INV-2O26-OO1"},
		{"the digit 1, I and | (all → l)", "INV-10", "INV-I0"},
		{"Cyrillic І (U+0406) and Latin I", "INV-7", "\u0406NV-7"},
		{"Greek Ι (U+0399) and the digit 1", "INV-21", "INV-2\u0399"},
		{"Cyrillic lower-case а (U+0430) and a", "inv-a", "inv-\u0430"},
		{"Greek lower-case ο (U+03BF) and o", "po-1", "p\u03bf-1"},
		{"Cyrillic Е Н К Р С Т Х and Latin", "EHKPCTX-1", "\u0415\u041d\u041a\u0420\u0421\u0422\u0425-1"},
		{"Greek Β Ε Ζ Η Κ Μ Ν Ρ Τ Υ Χ and Latin", "BEZHKMNPTYX-1", "\u0392\u0395\u0396\u0397\u039a\u039c\u039d\u03a1\u03a4\u03a5\u03a7-1"},
		{"Cyrillic З (U+0417) and the digit 3", "INV-3", "INV-\u0417"},
		{"mixed scripts throughout", "INV-2026-0418", "\u0406NV-2\u041e26-\u039f418"},
		{"case", "inv-2026-001", "INV-2026-001"},
		{"separators", "INV 2026/001", "inv.2026_001"},
		{"full width (NFKC)", "INV.2026.001", "ＩＮＶ．２０２６．００１"},
		{"padding zeros", "INV-0042", "inv 42"},
		{"an O that pads like a zero", "INV-OO42", "INV-42"},
		{"accents", "FACTURE-É1", "FACTURE-E1"},
		{"an invisible filler (default-ignorable)", "INV-42", "INV\u3164-42"},
		{"Roman numeral Ⅳ (NFKC)", "LOT-IV", "LOT-Ⅳ"},
		{"the demo's look-alike (Cyrillic Р, Е, О)", "SHPE-2026-0418", "SH\u0420\u0415-2026-\u041e418"},
	} {
		require.Equal(t, identity.Fold(tc.a), identity.Fold(tc.b), "%s: %q and %q", tc.name, tc.a, tc.b)
		require.NotEmpty(t, identity.Fold(tc.a), tc.name)
	}
}

// Identifiers that read differently stay apart.
func TestFoldKeepsDifferent(t *testing.T) {
	for _, tc := range []struct{ name, a, b string }{
		{"another number", "INV-42", "INV-43"},
		{"a significant zero", "INV-42", "INV-420"},
		{"digits in another order", "INV-2026-001", "INV-2026-010"},
		{"L is not I (case folding comes first)", "INV-L", "INV-I"},
		{"a lower-case l is read as L, not 1", "inv-l", "inv-1"},
		{"m is M, not rn (case folding comes first; UTS #39 maps m → rn)", "INV-m", "INV-rn"},
		{"B is not 8", "INV-B", "INV-8"},
		{"S is not 5", "INV-S", "INV-5"},
		{"Z is not 2", "INV-Z", "INV-2"},
		{"another prefix", "INV-42", "CRN-42"},
	} {
		require.NotEqual(t, identity.Fold(tc.a), identity.Fold(tc.b), "%s: %q and %q", tc.name, tc.a, tc.b)
	}
}

// Known outputs, pinned: a change here changes identities stored on chain and
// needs a state migration.
func TestFoldGolden(t *testing.T) {
	for in, want := range map[string]string{
		"INV-2026-0418":  "1NV20260418",
		"INVOICE-7":      "1NV1CE7", // the O of INVOICE is a zero that pads the 1 (I)
		"inv 0042":       "1NV42",
		"COSU6385270140": "C0SU6385270140",
		"PO-000":         "P0",
		"---":            "",
		"٠":              "", // ARABIC-INDIC DIGIT ZERO looks like a full stop
		"":               "",
	} {
		require.Equal(t, want, identity.Fold(in), "Fold(%q)", in)
	}
}

// Fold is idempotent on its own output, so a folded identifier is a fixed
// point and comparing folds is an equivalence.
func TestFoldIdempotent(t *testing.T) {
	for _, s := range []string{"INV-2026-0418", "ІNV-2О26-ОО1", "PO-42", "ＩＮＶ．２０２６．００１", "FACTURE-É1", "a|b|c", "INVOICE-7"} {
		f := identity.Fold(s)
		require.Equal(t, f, identity.Fold(f), s)
	}
}
