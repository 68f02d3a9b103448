package cli_test

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"

	"github.com/tradechain/tradechain/x/cargo/client/cli"
	"github.com/tradechain/tradechain/x/cargo/types"
)

var updateWeb = flag.Bool("update-web", false, "rewrite web/test/vectors.json from the Go implementation")

const webVectors = "../../../../web/test/vectors.json"

// webDocVector is one document and what `q cargo verify-document` computes
// for it: the hash, or the refusal.
type webDocVector struct {
	Name   string `json:"name"`
	Base64 string `json:"base64,omitempty"`
	File   string `json:"file,omitempty"` // relative to the repository root
	Hash   string `json:"hash,omitempty"`
	Error  bool   `json:"error,omitempty"`
}

type webVectorFile struct {
	Comment   string            `json:"comment"`
	Documents []webDocVector    `json:"documents"`
	History   []json.RawMessage `json:"history"`
}

// TestWebVectors pins the web app's hashing to the chain's: the browser's
// RFC 8785 canonicalisation and document hash, and its re-computation of the
// history hash chain, are tested (web/test, vitest) against these vectors,
// which this test computes with the Go code the chain and CLI run. A stale
// file fails here; -update-web rewrites it.
func TestWebVectors(t *testing.T) {
	docs := []webDocVector{
		{Name: "the demo's DCSA eBL 3.0 transport document", File: "examples/ebl-shanghai-hongkong.json"},
		{Name: "member order by UTF-16 code units", Base64: b64(`{"\u20ac":1,"\r":2,"1":3,"\u00f6":4,"\ud83d\ude00":5,"\ufb33":6,"a":{"b":[],"a":{}}}`)},
		{Name: "numbers in ECMAScript form", Base64: b64(`[1e21, 1E-7, 0.000001, -0, 123456789012345678901, 5e-324, 1.7976931348623157e308, 10.50, 1e+2, -1.5e-9, 100000000000000000000]`)},
		{Name: "string escapes", Base64: b64("{\"s\":\"tab\\t nl\\n \\u0001 \\u00e9 \\/ \\\" \\\\ \u2028 \\ud83d\\ude00 \u007f\"}")},
		{Name: "whitespace and literals", Base64: b64("\n  { \"t\" : true , \"f\":false,\"n\" :null }\r\n")},
		{Name: "a PDF is hashed raw", Base64: base64.StdEncoding.EncodeToString([]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\nnot json at all"))},
		{Name: "duplicate member name", Base64: b64(`{"a":1,"a":2}`), Error: true},
		{Name: "lone surrogate", Base64: b64(`{"a":"\udc00x"}`), Error: true},
		{Name: "trailing data", Base64: b64(`{"a":1} {}`), Error: true},
		{Name: "number out of double range", Base64: b64(`[1e400]`), Error: true},
		{Name: "invalid UTF-8", Base64: base64.StdEncoding.EncodeToString([]byte("{\"a\":\"\xff\"}")), Error: true},
	}
	for i, d := range docs {
		var bz []byte
		var err error
		if d.File != "" {
			bz, err = os.ReadFile("../../../../" + d.File)
			require.NoError(t, err)
		} else {
			bz, err = base64.StdEncoding.DecodeString(d.Base64)
			require.NoError(t, err)
		}
		h, err := cli.DocumentHash(bz)
		require.Equal(t, d.Error, err != nil, "%s: %v", d.Name, err)
		docs[i].Hash = h
	}

	// A history as the REST API returns it (the codec's JSON, snake_case,
	// RFC 3339 with nanoseconds), chained by types.ChainHead.
	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry())
	t0 := time.Date(2026, 11, 27, 8, 30, 15, 123456789, time.UTC)
	entries := []types.HistoryEntry{
		{BillId: "COS-WEB1", Sequence: 1, Action: "ISSUE", Actor: "trade1hcn2mh55gmmh38rj6smp7n8ufuyf8dr9s68jdn", To: "trade1x5gjt2w78pewkch6v4572749u5al52r3fs7phx",
			DocumentHash: "acf2198c3077672aea4baa114d513957b86c0379f70395ffaeaadfe8a8f5dc9d", Height: 12, Time: t0, ChainId: "shanghai-1"},
		{BillId: "COS-WEB1", Sequence: 2, Action: "SEND", Actor: "trade1x5gjt2w78pewkch6v4572749u5al52r3fs7phx", Detail: "to hongkong-1 over channel-1",
			Height: 20, Time: t0.Add(41 * time.Second), ChainId: "shanghai-1", Remark: "via the corridor — 经香港"},
		{BillId: "COS-WEB1", Sequence: 3, Action: "ENDORSE", Actor: "trade1x5gjt2w78pewkch6v4572749u5al52r3fs7phx", From: "trade1x5gjt2w78pewkch6v4572749u5al52r3fs7phx",
			To: "trade1hcn2mh55gmmh38rj6smp7n8ufuyf8dr9s68jdn", Height: 7, Time: t0.Add(90*time.Second + 5), ChainId: "hongkong-1"},
		// A DCSA PINT export and the bill's return: entries with a pint record.
		{BillId: "COS-WEB1", Sequence: 4, Action: types.ActionExport, Actor: "trade1hcn2mh55gmmh38rj6smp7n8ufuyf8dr9s68jdn", From: "trade1hcn2mh55gmmh38rj6smp7n8ufuyf8dr9s68jdn",
			Detail: "to Globeteam on WAVE", Height: 9, Time: t0.Add(120 * time.Second), ChainId: "hongkong-1", Pint: &types.PintRecord{Platform: "WAVE"}},
		{BillId: "COS-WEB1", Sequence: 5, Action: types.ActionExportAccepted, Actor: "trade1x5gjt2w78pewkch6v4572749u5al52r3fs7phx", From: "trade1hcn2mh55gmmh38rj6smp7n8ufuyf8dr9s68jdn",
			Detail: "accepted by WAVE", Height: 11, Time: t0.Add(130 * time.Second), ChainId: "hongkong-1",
			Pint: &types.PintRecord{Platform: "WAVE", LastEntryChecksum: "20a0257b313ae08417e07f6555c4ec829a512c083f3ead16b41158018a22abe9", ResponseCode: "RECE"}},
		{BillId: "COS-WEB1", Sequence: 6, Action: types.ActionImported, Actor: "trade1x5gjt2w78pewkch6v4572749u5al52r3fs7phx", To: "trade1hcn2mh55gmmh38rj6smp7n8ufuyf8dr9s68jdn",
			Detail: "PINT envelope from WAVE: 3 transfer chain entries, last TRANSFER by Globeteam", Height: 15, Time: t0.Add(200 * time.Second), ChainId: "hongkong-1",
			Pint: &types.PintRecord{Platform: "WAVE", TransportDocumentChecksum: "acf2198c3077672aea4baa114d513957b86c0379f70395ffaeaadfe8a8f5dc9d",
				LastEntryChecksum: "d56a93a7e9f86a2d895df818e0440bdca6ffe03246e2fee14131f2e66c84c75a",
				EntryChecksums:    []string{"583c29ab3e47f2d80899993200d3fbadb9f8a367f3a39f715935c46d7a283006", "20a0257b313ae08417e07f6555c4ec829a512c083f3ead16b41158018a22abe9", "d56a93a7e9f86a2d895df818e0440bdca6ffe03246e2fee14131f2e66c84c75a"}}},
	}
	head := types.GenesisHead
	var history []json.RawMessage
	for _, e := range entries {
		e.PrevHead = head
		e.Head = types.ChainHead(head, e)
		head = e.Head
		bz, err := cdc.MarshalJSON(&e)
		require.NoError(t, err)
		history = append(history, bz)
	}

	want := webVectorFile{
		Comment:   "Generated by go test ./x/cargo/client/cli -run TestWebVectors -update-web: the chain's own document hashes and history heads, which the web app must reproduce.",
		Documents: docs,
		History:   history,
	}
	out, err := json.MarshalIndent(want, "", "  ")
	require.NoError(t, err)
	out = append(out, '\n')
	if *updateWeb {
		require.NoError(t, os.WriteFile(webVectors, out, 0o644))
	}
	have, err := os.ReadFile(webVectors)
	require.NoError(t, err, "run: go test ./x/cargo/client/cli -run TestWebVectors -update-web")
	require.JSONEq(t, string(out), string(have), "web/test/vectors.json is stale: go test ./x/cargo/client/cli -run TestWebVectors -update-web")
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
