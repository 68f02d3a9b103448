package main_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/testutil"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
)

// I7 on real processes: a zone with an open LC (its escrow held by
// x/tradefinance), a pending presentation (its bill liened), an active
// financing (its bill liened) and another open LC is stopped and exported
// with `tradechaind export`; a new chain of the same validator starts from
// that unmodified export with x/crisis asserting every invariant at genesis
// and every block, and answers every query as before.
func TestExportImportOpenPositions(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real node")
	}
	n := testutil.StartNode(t, "hongkong-1", func(n *testutil.Node, g map[string]any) {
		cargo := g["app_state"].(map[string]any)["cargo"].(map[string]any)
		cargo["params"].(map[string]any)["admin"] = n.Address("validator")
		cargo["parties"] = []any{
			nodeParty(n.Address("validator"), "HKBK", "Harbour Kowloon Bank", "HK", "ROLE_BANK"),
			nodeParty(n.Address("alice"), "COS", "COSCO Shipping Lines", "CN", "ROLE_CARRIER"),
			nodeParty(n.Address("bob"), "SHPE", "Shanghai Pudong Precision Electronics", "CN", "ROLE_TRADER"),
			nodeParty(n.Address("carol"), "KBCT", "Kowloon Bay Components Trading", "HK", "ROLE_TRADER"),
		}
	})
	bank, exporter, importer := n.Address("validator"), n.Address("bob"), n.Address("carol")
	today := time.Now().UTC()
	day := func(d int) string { return today.AddDate(0, 0, d).Format("2006-01-02") }
	ok := func(from string, args ...string) {
		res := n.Tx(from, args...)
		require.EqualValuesf(t, 0, res["code"], "%v: %v", args, res["raw_log"])
	}

	// Two bills from the corridor's DCSA document (two references), shipped
	// two days ago so a presentation is in time.
	bz, err := os.ReadFile(filepath.Join("..", "..", "examples", "ebl-shanghai-hongkong.json"))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(bz, &doc))
	doc["shippedOnBoardDate"] = day(-2)
	doc["issueDate"] = day(-2)
	bills := map[string]string{}
	for _, ref := range []string{"COSU6385270140", "COSU6385270141"} {
		doc["transportDocumentReference"] = ref
		path := filepath.Join(t.TempDir(), ref+".json")
		bz, err := json.Marshal(doc)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, bz, 0o600))
		ok("alice", "cargo", "issue-bill", "--document", path, "--issue-to", exporter, "--endorsee", exporter)
		bills[ref] = "COS-" + ref
	}
	presented, financed := bills["COSU6385270140"], bills["COSU6385270141"]
	invoice := func(s string) string { sum := sha256.Sum256([]byte(s)); return hex.EncodeToString(sum[:]) }
	inv1, inv2 := invoice("invoice SHPE-2026-0418"), invoice("invoice SHPE-2026-0419")
	ok("bob", "cargo", "anchor-document", inv1, "COMMERCIAL_INVOICE")
	ok("bob", "cargo", "anchor-document", inv2, "COMMERCIAL_INVOICE")

	const hkd = "td-hkbk-hkd"
	ok("validator", "tradefinance", "mint-deposit", "5000000"+hkd)
	for i := 0; i < 2; i++ {
		ok("validator", "tradefinance", "issue-lc", importer, exporter, "1000000"+hkd, day(60), day(0), "CNSHA", "HKHKG",
			"--required-documents", "COMMERCIAL_INVOICE")
	}
	ok("bob", "tradefinance", "present-documents", "1", presented, inv1)
	ok("bob", "tradefinance", "register-invoice", importer, "SHPE-2026-0419", "400000"+hkd, day(90), inv2, "--bill-id", financed)
	ok("validator", "tradefinance", "offer-financing", "1", "350000"+hkd, "360000"+hkd, day(90))
	ok("bob", "tradefinance", "accept-financing", "1")

	paths := []string{
		"/tradechain/cargo/v1/bills", "/tradechain/cargo/v1/bills/" + presented, "/tradechain/cargo/v1/bills/" + financed,
		"/tradechain/cargo/v1/bills/" + presented + "/history", "/tradechain/cargo/v1/bills/" + financed + "/history",
		"/tradechain/cargo/v1/documents/" + inv1, "/tradechain/cargo/v1/parties",
		"/tradechain/tradefinance/v1/lcs", "/tradechain/tradefinance/v1/lcs/1/presentation",
		"/tradechain/tradefinance/v1/invoices/1", "/tradechain/tradefinance/v1/financings",
		"/cosmos/bank/v1beta1/balances/" + bank, "/cosmos/bank/v1beta1/balances/" + exporter,
		"/cosmos/bank/v1beta1/supply",
	}
	answers := func() map[string]string {
		out := map[string]string{}
		for _, p := range paths {
			var v any
			require.Equal(t, 200, n.REST(p, &v), p)
			bz, err := json.Marshal(v)
			require.NoError(t, err)
			out[p] = string(bz)
		}
		return out
	}
	before := answers()
	// The state is what the test means it to be.
	require.Contains(t, before["/tradechain/tradefinance/v1/lcs/1/presentation"], "PRESENTATION_STATUS_PENDING")
	require.Contains(t, before["/tradechain/tradefinance/v1/financings"], "FINANCING_STATUS_ACTIVE")
	require.Contains(t, before["/tradechain/cargo/v1/bills/"+presented], `"reference":"lc/1"`)
	require.Contains(t, before["/tradechain/cargo/v1/bills/"+financed], `"reference":"financing/1"`)
	require.Equal(t, 2, strings.Count(before["/tradechain/tradefinance/v1/lcs"], `"escrow":{"amount":"1000000"`), "two LCs with their escrow")

	exported := n.ExportAndReset()
	// Genesis invariants are asserted by default; --inv-check-period 1 asserts
	// them again every block.
	n.StartFromGenesis(exported, "--inv-check-period", "1")
	after := answers()
	for _, p := range paths {
		require.JSONEqf(t, before[p], after[p], "%s answers differently after export → import", p)
	}
	// The imported zone keeps working on that state: the bank examines.
	ok("validator", "tradefinance", "examine-documents", "1", "comply")
	var lc struct {
		LC struct{ Status string } `json:"letter_of_credit"`
	}
	require.Equal(t, 200, n.REST("/tradechain/tradefinance/v1/lcs/1", &lc))
	require.Equal(t, "LC_STATUS_SETTLED", lc.LC.Status)
}

func nodeParty(addr, code, name, jurisdiction, role string) map[string]any {
	return map[string]any{"address": addr, "code": code, "name": name, "lei": ct.LEI(code), "jurisdiction": jurisdiction, "roles": []string{role}, "active": true}
}
