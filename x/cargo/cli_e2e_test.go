package cargo_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	tctestutil "github.com/tradechain/tradechain/testutil"
)

// A real node: issue the corridor example through `issue-bill --document`,
// endorse it, surrender it, and read the results over REST; verify-document
// recognises the file and refuses an altered copy.
func TestCLIEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real node")
	}
	n := tctestutil.StartNode(t, "shanghai-1", func(n *tctestutil.Node, g map[string]any) {
		cargo := g["app_state"].(map[string]any)["cargo"].(map[string]any)
		cargo["params"].(map[string]any)["admin"] = n.Address("validator")
		cargo["parties"] = []any{
			party(n.Address("alice"), "COS", "COSCO Shipping Lines", "CN", "ROLE_CARRIER"),
			party(n.Address("bob"), "SHPE", "Shanghai Pudong Precision Electronics", "CN", "ROLE_TRADER"),
			party(n.Address("carol"), "KBCT", "Kowloon Bay Components Trading", "HK", "ROLE_TRADER"),
		}
	})
	carrier, exporter, importer := n.Address("alice"), n.Address("bob"), n.Address("carol")
	doc := filepath.Join("..", "..", "examples", "ebl-shanghai-hongkong.json")

	res := n.Tx("alice", "cargo", "issue-bill", "--document", doc, "--issue-to", exporter, "--endorsee", exporter, "--issue-date", "2026-05-03")
	require.EqualValues(t, 0, res["code"], res["raw_log"])
	id := "COS-COSU6385270140"

	var bill struct {
		Bill map[string]any `json:"bill"`
	}
	require.Equal(t, 200, n.REST("/tradechain/cargo/v1/bills/"+id, &bill))
	require.Equal(t, exporter, bill.Bill["holder"])
	require.Equal(t, "BILL_MODE_TO_ORDER", bill.Bill["mode"])
	require.Equal(t, "CNSHA", bill.Bill["port_of_loading"])

	out := n.Run("q", "cargo", "verify-document", doc, "--node", n.RPC, "--output", "json")
	require.Contains(t, out, id)
	require.Contains(t, out, carrier)
	altered := filepath.Join(t.TempDir(), "altered.json")
	bz, err := os.ReadFile(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(altered, []byte(strings.Replace(string(bz), "8450", "9450", 1)), 0o600))
	out, err = n.TryRun("q", "cargo", "verify-document", altered, "--node", n.RPC)
	require.Error(t, err)
	require.Contains(t, out, "NOT ANCHORED")
	// Without a client config (no chain id known), the zone is named from the node.
	cmd := exec.Command(n.Bin, "q", "cargo", "verify-document", altered, "--node", n.RPC, "--home", t.TempDir())
	bz, err = cmd.CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(bz), "is not anchored on shanghai-1")
	// A CLI error is printed alone, not after the command's usage text.
	out, err = n.TryRun("q", "cargo", "bill", "COS-MISSING", "--node", n.RPC)
	require.Error(t, err)
	require.Contains(t, out, "not found")
	require.NotContains(t, out, "Usage:")
	require.Less(t, strings.Count(out, "\n"), 3, out)

	// Another party's anchor of the bill's document is its own: anchored
	// beside the carrier's issuance, withdrawn by it with a reason, and both
	// shown by the document query (REST too) and verify-document.
	res = n.Tx("carol", "cargo", "anchor-document", billDocumentHash(t, n, id), "OTHER")
	require.EqualValues(t, 0, res["code"], res["raw_log"])
	res = n.Tx("carol", "cargo", "withdraw-anchor", billDocumentHash(t, n, id), "anchored the wrong file")
	require.EqualValues(t, 0, res["code"], res["raw_log"])
	var docRes struct {
		Document map[string]any   `json:"document"`
		Anchors  []map[string]any `json:"anchors"`
	}
	require.Equal(t, 200, n.REST("/tradechain/cargo/v1/documents/"+billDocumentHash(t, n, id), &docRes))
	require.Equal(t, carrier, docRes.Document["anchored_by"])
	require.Len(t, docRes.Anchors, 1)
	require.Equal(t, true, docRes.Anchors[0]["withdrawn"])
	require.Contains(t, n.Run("q", "cargo", "verify-document", doc, "--node", n.RPC, "--output", "json"), "anchored the wrong file")

	res = n.Tx("alice", "cargo", "record-milestone", id, "LOAD", "ACT", "CNSHA", "2026-05-03T06:00:00Z")
	require.EqualValues(t, 0, res["code"], res["raw_log"])
	res = n.Tx("bob", "cargo", "endorse-bill", id, importer)
	require.EqualValues(t, 0, res["code"], res["raw_log"])
	res = n.Tx("carol", "cargo", "request-surrender", id, "delivery")
	require.EqualValues(t, 0, res["code"], res["raw_log"])
	res = n.Tx("alice", "cargo", "accept-surrender", id)
	require.EqualValues(t, 0, res["code"], res["raw_log"])

	require.Equal(t, 200, n.REST("/tradechain/cargo/v1/bills/"+id, &bill))
	require.Equal(t, "BILL_STATUS_SURRENDERED_FOR_DELIVERY", bill.Bill["status"])
	var hist struct {
		Entries []map[string]any `json:"entries"`
	}
	require.Equal(t, 200, n.REST("/tradechain/cargo/v1/bills/"+id+"/history", &hist))
	var actions []string
	for _, e := range hist.Entries {
		actions = append(actions, e["action"].(string))
	}
	require.Equal(t, []string{"ISSUE", "ENDORSE", "SURRENDER_FOR_DELIVERY", "SACC"}, actions)
	var ms struct {
		Milestones []map[string]any `json:"milestones"`
	}
	require.Equal(t, 200, n.REST("/tradechain/cargo/v1/bills/"+id+"/milestones", &ms))
	require.Len(t, ms.Milestones, 1)
	var list struct {
		Bills []map[string]any `json:"bills"`
	}
	require.Equal(t, 200, n.REST("/tradechain/cargo/v1/bills?carrier="+carrier, &list))
	require.Len(t, list.Bills, 1)
	require.Equal(t, 404, n.REST("/tradechain/cargo/v1/bills/COS-UNKNOWN", nil))

	// No registry channel on a one-zone network: the bill is active at once
	// and its document's key is held LOCAL, over REST and the CLI.
	require.Equal(t, "RESERVATION_STATUS_LOCAL", bill.Bill["corridor_status"])
	var key struct {
		Keys []map[string]any `json:"keys"`
	}
	hash, _ := bill.Bill["document_hash"].(string)
	require.Equal(t, 200, n.REST("/tradechain/cargo/v1/registry/keys/"+hash, &key))
	require.Len(t, key.Keys, 1)
	require.Equal(t, "RESERVATION_STATUS_LOCAL", key.Keys[0]["status"])
	require.Equal(t, id, key.Keys[0]["reference"])
	require.Contains(t, n.Run("q", "cargo", "registry-key", hash, "--node", n.RPC, "--output", "json"), "KEY_KIND_TRANSPORT_DOCUMENT")
	var pending struct {
		Keys []map[string]any `json:"keys"`
	}
	require.Equal(t, 200, n.REST("/tradechain/cargo/v1/registry/pending", &pending))
	require.Empty(t, pending.Keys)
	require.Equal(t, 404, n.REST("/tradechain/cargo/v1/holds/"+id, nil))

	// A deliberately bad tx gets x/cargo's clear error and the node keeps going.
	out, err = n.TryRun("tx", "cargo", "endorse-bill", id, exporter, "--from", "carol", "--chain-id", n.ChainID,
		"--keyring-backend", "test", "--node", n.RPC, "--gas", "300000", "-y", "--output", "json")
	require.NoError(t, err, out)
	var bres map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &bres))
	committed := n.WaitTx(bres["txhash"].(string))
	require.Equal(t, "cargo", committed["codespace"])
	require.Contains(t, committed["raw_log"], "is held by "+carrier)

	// Metrics, on by default: the SDK's telemetry with the zone's trade
	// metrics at the REST server, CometBFT's at its own loopback port.
	metrics := n.HTTPGet(n.API + "/metrics?format=prometheus")
	for _, want := range []string{
		`(?m)^tradechain_trade_metrics_up 1$`,
		`(?m)^tradechain_bills\{status="BILL_STATUS_[A-Z_]+"\} 1$`,
		`(?m)^tradechain_bills\{status="BILL_STATUS_TRANSFERRED_OUT"\} 0$`,
		`(?m)^tradechain_packets_in_flight\{port="cargo"\} 0$`,
		`(?m)^tradechain_packets_in_flight\{port="registry"\} 0$`,
		`(?m)^tradechain_financings_active 0$`,
		`(?m)^tradechain_settlements_due 0$`,
		`(?m)^tradechain_bill_actions\{action="ISSUE"\} 1$`,
		`(?m)^tradechain_bill_actions\{action="ENDORSE"\} [1-9]`,
		// start runs CometBFT with the preverifying ABCI client: the CLI's
		// transactions were verified before CheckTx, which then skipped it
		`(?m)^tradechain_signature_checks_total\{path="ahead"\} [1-9]`,
		`(?m)^tradechain_signature_checks_total\{path="remembered"\} [1-9]`,
	} {
		require.Regexp(t, want, metrics)
	}
	require.Contains(t, n.HTTPGet(n.CometMetrics), "cometbft_consensus_height")
	// The example Grafana dashboard charts metrics the node exports (the
	// per-channel packet counter appears with the first cargo packet, the
	// escrow per deposit token with the first letter of credit).
	dash, err := os.ReadFile(filepath.Join("..", "..", "docs", "grafana", "tradechain-zone.json"))
	require.NoError(t, err)
	for _, name := range regexp.MustCompile(`tradechain_[a-z_]+`).FindAllString(string(dash), -1) {
		if name != "tradechain_cargo_packets" && name != "tradechain_lc_escrow_outstanding" {
			require.Contains(t, metrics, "\n"+name, "the dashboard charts %s, which the node does not export", name)
		}
	}

	// api.swagger = true: the Swagger UI with tradechain's OpenAPI document,
	// whose every route without a path parameter the node serves (200, or 400
	// where a query parameter such as consents' granter is required).
	require.Contains(t, n.HTTPGet(n.API+"/swagger/"), "tradechain.swagger.json")
	var openapi struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	require.NoError(t, json.Unmarshal([]byte(n.HTTPGet(n.API+"/swagger/tradechain.swagger.json")), &openapi))
	require.Contains(t, openapi.Paths, "/tradechain/cargo/v1/bills/{id}/endorsement-chain")
	require.Contains(t, openapi.Paths, "/tradechain/tradefinance/v1/lcs/{id}")
	for path := range openapi.Paths {
		if !strings.Contains(path, "{") {
			require.Contains(t, []int{200, 400}, n.REST(path, nil), "the OpenAPI document lists %s", path)
		}
	}

	// Split after a surrender for amendment, from new DCSA documents: the
	// old bill is VOIDED and names the new ones; each new bill names it.
	variant := func(ref string) string {
		path := filepath.Join(t.TempDir(), ref+".json")
		require.NoError(t, os.WriteFile(path, []byte(strings.ReplaceAll(string(bz), "COSU6385270140", ref)), 0o600))
		return path
	}
	bz, err = os.ReadFile(doc)
	require.NoError(t, err)
	res = n.Tx("alice", "cargo", "issue-bill", "--document", variant("COSU6385270150"), "--issue-to", exporter, "--endorsee", exporter, "--issue-date", "2026-05-03")
	require.EqualValues(t, 0, res["code"], res["raw_log"])
	res = n.Tx("bob", "cargo", "request-surrender", "COS-COSU6385270150", "amendment", "COD", "--remark", "buyer resold half the cargo")
	require.EqualValues(t, 0, res["code"], res["raw_log"])
	res = n.Tx("alice", "cargo", "accept-surrender", "COS-COSU6385270150")
	require.EqualValues(t, 0, res["code"], res["raw_log"])
	res = n.Tx("alice", "cargo", "split-bill", "COS-COSU6385270150", variant("COSU6385270151"), variant("COSU6385270152"), "--remark", "one bill per buyer")
	require.EqualValues(t, 0, res["code"], res["raw_log"])
	require.Equal(t, 200, n.REST("/tradechain/cargo/v1/bills/COS-COSU6385270150", &bill))
	require.Equal(t, "BILL_STATUS_VOIDED", bill.Bill["status"])
	require.Equal(t, []any{"COS-COSU6385270151", "COS-COSU6385270152"}, bill.Bill["replaced_by"])
	require.Equal(t, 200, n.REST("/tradechain/cargo/v1/bills/COS-COSU6385270152", &bill))
	require.Equal(t, exporter, bill.Bill["holder"])
	require.Equal(t, []any{"COS-COSU6385270150"}, bill.Bill["replaces"])
	// The old document still verifies, as the voided bill's.
	require.Contains(t, n.Run("q", "cargo", "verify-document", variant("COSU6385270150"), "--node", n.RPC, "--output", "json"), "COS-COSU6385270150")
}

func party(addr, code, name, jurisdiction, role string) map[string]any {
	return map[string]any{"address": addr, "code": code, "name": name, "jurisdiction": jurisdiction, "roles": []string{role}, "active": true}
}

// billDocumentHash is the document hash of bill id, read over REST.
func billDocumentHash(t *testing.T, n *tctestutil.Node, id string) string {
	t.Helper()
	var b struct {
		Bill map[string]any `json:"bill"`
	}
	require.Equal(t, 200, n.REST("/tradechain/cargo/v1/bills/"+id, &b))
	h, _ := b.Bill["document_hash"].(string)
	require.Len(t, h, 64)
	return h
}
