package dcsa_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/x/cargo/dcsa"
)

// Examples from RFC 8785 (§3.2.2.3 numbers, §3.2.3 sorting, Appendix B).
func TestCanonicalizeRFC8785(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"b":1,"a":2}`, `{"a":2,"b":1}`},
		{` [ 1 , true , null , "x" ] `, `[1,true,null,"x"]`},
		{`{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001]}`,
			`{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}`},
		{`{"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/"}`, `{"string":"€$\u000f\nA'B\"\\\\\"/"}`},
		{`{"\u20ac":1,"\r":2,"1":3,"\ud83d\ude00":4,"\u0080":5,"\u00f6":6,"\ufb33":7}`,
			"{\"\\r\":2,\"1\":3,\"\u0080\":5,\"\u00f6\":6,\"\u20ac\":1,\"\U0001F600\":4,\"\ufb33\":7}"},
		{`[-0, 1e21, 1e20, 123e-20, 0.1, -1.5, 9007199254740993]`, `[0,1e+21,100000000000000000000,1.23e-18,0.1,-1.5,9007199254740992]`},
		{`"<>&"`, `"<>&"`},
	}
	for _, c := range cases {
		got, err := dcsa.Canonicalize([]byte(c.in))
		require.NoError(t, err, c.in)
		require.Equal(t, c.want, string(got), c.in)
	}
}

func TestCanonicalizeRejects(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a":1}{}`, `{"a":1,"a":2}`, `[1e400]`, "\"\xff\"", strings.Repeat("[", 100) + strings.Repeat("]", 100)} {
		_, err := dcsa.Canonicalize([]byte(in))
		require.Error(t, err, "%q", in)
	}
}

// I-JSON forbids lone UTF-16 surrogates: a decoder would turn each into
// U+FFFD, so "A\ud800B", "A\udfffB" and "A\uFFFDB" would hash alike. They are
// refused; a real pair and U+FFFD itself are not.
func TestCanonicalizeLoneSurrogates(t *testing.T) {
	for _, in := range []string{`"A\ud800B"`, `"A\udfffB"`, `{"k":"\uD83D"}`, `{"\udc00":1}`, `"\ud83d\u0041"`, `"\ud83d\ud83d"`, `"x\ud800"`, `["\\", "\ud800"]`} {
		_, err := dcsa.Canonicalize([]byte(in))
		require.ErrorContainsf(t, err, "lone UTF-16 surrogate", "%s", in)
	}
	for in, want := range map[string]string{
		`"A\uFFFDB"`:         "\"A\uFFFDB\"",
		`"\ud83d\ude00"`:     "\"\U0001F600\"",
		`"\\ud800"`:          `"\\ud800"`, // an escaped backslash, then text: no escape at all
		`{"a":"\\\"\ud800"}`: "",          // the string ends after \\ and \"; then a lone surrogate
	} {
		got, err := dcsa.Canonicalize([]byte(in))
		if want == "" {
			require.Error(t, err, in)
			continue
		}
		require.NoError(t, err, in)
		require.Equal(t, want, string(got), in)
	}
	issued := readShared(t, "ebl-shanghai-hongkong.json")
	a, err := dcsa.Hash([]byte(strings.Replace(string(issued), `"COSU6385270140"`, `"COSU638527\uFFFD"`, 1)))
	require.NoError(t, err)
	_, err = dcsa.Hash([]byte(strings.Replace(string(issued), `"COSU6385270140"`, `"COSU638527\ud800"`, 1)))
	require.Error(t, err)
	require.Len(t, a, 64)
}

// Member names are case-sensitive: a member spelled like a DCSA field in
// another case neither overrides the real one nor stands in for it.
func TestParseCaseVariantMembers(t *testing.T) {
	approved := string(readShared(t, "reeferExample.json"))
	draft := string(readShared(t, "regularSTDExample.json"))
	for name, doc := range map[string]string{
		"a DRAFT that also says ISSUED": strings.Replace(draft, `{`, `{"TransportDocumentStatus":"ISSUED","TransportDocumentReference":"XCASE1",`, 1),
		"a variant beside the real one": strings.Replace(approved, `{`, `{"transportdocumentreference":"XCASE2",`, 1),
		"a nested variant":              strings.Replace(approved, `"UNLocationCode": "DKAAR"`, `"UNLocationCode": "DKAAR", "unLocationCode": "CNSHA"`, 1),
		"a party variant":               strings.Replace(approved, `"documentParties": {`, `"documentParties": {"Endorsee": {},`, 1),
	} {
		require.NotEqual(t, approved, doc, name)
		_, err := dcsa.Parse([]byte(doc))
		require.ErrorContainsf(t, err, "member names are case-sensitive", name)
	}
	// Only the exact name counts: a document whose status is spelled in
	// another case lacks the field.
	_, err := dcsa.Parse([]byte(strings.Replace(approved, `"transportDocumentStatus"`, `"TransportDocumentStatus"`, 1)))
	require.ErrorContains(t, err, "case-sensitive")
	doc, err := dcsa.Parse([]byte(approved))
	require.NoError(t, err)
	require.Equal(t, "D8931B95625E4B339F2A", doc.Reference)
}

// Whitespace and member order do not change the hash; content does.
func TestHashStableUnderFormatting(t *testing.T) {
	a, err := dcsa.Hash([]byte(`{"x": [1, 2], "y": "z"}`))
	require.NoError(t, err)
	b, err := dcsa.Hash([]byte("{\n  \"y\":\"z\",\n  \"x\":[1,2.0]\n}"))
	require.NoError(t, err)
	require.Equal(t, a, b)
	sum := sha256.Sum256([]byte(`{"x":[1,2],"y":"z"}`))
	require.Equal(t, hex.EncodeToString(sum[:]), a)
	c, err := dcsa.Hash([]byte(`{"x": [1, 3], "y": "z"}`))
	require.NoError(t, err)
	require.NotEqual(t, a, c)
}

func readShared(t *testing.T, name string) []byte {
	t.Helper()
	for _, dir := range []string{"../../../examples", "../../../../shared/data/dcsa"} {
		if bz, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			return bz
		}
	}
	t.Skipf("%s not found", name)
	return nil
}

// The official DCSA examples: the APPROVED one is accepted as it is, the DRAFT
// one is refused with a clear error.
func TestOfficialExamples(t *testing.T) {
	doc, err := dcsa.Parse(readShared(t, "reeferExample.json"))
	require.NoError(t, err)
	require.Equal(t, "D8931B95625E4B339F2A", doc.Reference)
	require.Equal(t, "MSC", doc.CarrierCode)
	require.Equal(t, "DKAAR", doc.PortOfLoading)
	require.Equal(t, "DEBRV", doc.PortOfDischarge)
	require.Equal(t, "2023-12-20", doc.ShippedOnBoardDate)
	require.Equal(t, "BLANK", doc.Mode())
	require.Len(t, doc.Hash, 64)

	_, err = dcsa.Parse(readShared(t, "regularSTDExample.json"))
	require.ErrorContains(t, err, "DRAFT")
}

func TestCorridorExample(t *testing.T) {
	doc, err := dcsa.Parse(readShared(t, "ebl-shanghai-hongkong.json"))
	require.NoError(t, err)
	require.Equal(t, "CNSHA", doc.PortOfLoading)
	require.Equal(t, "HKHKG", doc.PortOfDischarge)
	require.Equal(t, "TO_ORDER", doc.Mode())
}

func TestParseMissingFields(t *testing.T) {
	_, err := dcsa.Parse([]byte(`{"transportDocumentReference":"X1"}`))
	require.ErrorContains(t, err, "required DCSA fields missing")
	require.ErrorContains(t, err, "carrierCode")
}

func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":[1.5,"x",null,true]}`, `[1e21,-0,0.000001]`, `"\u0000"`, `{"a":{"a":{}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := dcsa.Canonicalize(data)
		if err != nil {
			return
		}
		// Canonical form is a fixed point.
		c2, err := dcsa.Canonicalize(c)
		if err != nil {
			t.Fatalf("canonical output does not parse: %q: %v", c, err)
		}
		if string(c) != string(c2) {
			t.Fatalf("not idempotent: %q -> %q", c, c2)
		}
		// Lossless: every U+FFFD in the canonical form was in the input,
		// literally or as an escape (no lone surrogate was replaced).
		in := strings.Count(string(data), "\uFFFD") + strings.Count(strings.ToLower(string(data)), `\ufffd`)
		if out := strings.Count(string(c), "\uFFFD"); out > in {
			t.Fatalf("canonical form has %d U+FFFD, the input %d: %q", out, in, data)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"transportDocumentReference":"X"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := dcsa.Parse(data)
		if err == nil && len(doc.Hash) != 64 {
			t.Fatalf("accepted document without a hash")
		}
	})
}
