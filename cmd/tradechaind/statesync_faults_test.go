//go:build faults

package main_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
)

// rpcGet decodes a CometBFT RPC response of node i.
func (z *zone) rpcGet(i int, path string, out any) {
	z.t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", z.rpcPort(i), path))
	require.NoError(z.t, err)
	defer resp.Body.Close()
	require.NoError(z.t, json.NewDecoder(resp.Body).Decode(out))
}

// A node joins a running zone by state sync: the zone's validator takes a
// snapshot every 10 blocks (testnet init-files --snapshot-interval); a new
// node configured with two RPC servers and a trusted height and hash
// restores the latest snapshot instead of replaying the chain — its earliest
// block is far above 1 — follows the zone from there, and answers the bill,
// history and document queries exactly as the validator does.
func TestFaultStateSyncJoin(t *testing.T) {
	z := newZone(t, 1, "shanghai-1", "--voting-period", "8s", "--snapshot-interval", "10")
	z.waitHeight(0, 3, 90*time.Second)
	gov, err := sdk.Bech32ifyAddressBytes("trade", authtypes.NewModuleAddress("gov"))
	require.NoError(t, err)
	op0 := strings.TrimSpace(z.cli("keys", "show", "node0", "-a", "--keyring-backend", "test", "--home", z.home(0)))

	// Some trade state: governance registers the carrier, which issues a bill.
	z.govPass(1, "Register COSCO", map[string]any{"@type": "/tradechain.cargo.v1.MsgRegisterParty", "authority": gov,
		"party": map[string]any{"address": op0, "code": "COS", "name": "COSCO Shipping Lines", "jurisdiction": "CN",
			"roles": []string{"ROLE_CARRIER", "ROLE_TRADER"}, "active": true}})
	docBz, err := os.ReadFile("../../examples/ebl-shanghai-hongkong.json")
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(docBz, &doc))
	today := time.Now().UTC().Format(time.DateOnly)
	doc["transportDocumentReference"], doc["shippedOnBoardDate"] = "SSYNC1", today
	if tr, ok := doc["transports"].(map[string]any); ok {
		tr["plannedDepartureDate"] = today
	}
	docBz, err = json.Marshal(doc)
	require.NoError(t, err)
	docFile := filepath.Join(z.dir, "ssync1.json")
	require.NoError(t, os.WriteFile(docFile, docBz, 0o600))
	z.txFrom(0, "tx", "cargo", "issue-bill", "--document", docFile, "--issue-to", op0, "--endorsee", op0, "--remark", "state-sync rehearsal")
	const bill = "COS-SSYNC1"
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := execQuery(z, 0, "cargo", "bill", bill); err == nil {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}

	// Two snapshots past the bill, then the trust anchor.
	h := z.height(0)
	z.waitHeight(0, (h/10+2)*10+2, 90*time.Second)
	trust := z.height(0) - 2
	var blk struct {
		Result struct {
			BlockID struct {
				Hash string `json:"hash"`
			} `json:"block_id"`
		} `json:"result"`
	}
	z.rpcGet(0, fmt.Sprintf("/block?height=%d", trust), &blk)
	require.NotEmpty(t, blk.Result.BlockID.Hash)

	// The new node: state sync on, node0 twice as its RPC servers.
	rpc := fmt.Sprintf("127.0.0.1:%d", z.rpcPort(0))
	z.addNode(1, map[string]string{
		"enable = false":         "enable = true", // [statesync] is the only section with this key
		`rpc_servers = ""`:       fmt.Sprintf(`rpc_servers = "%s,%s"`, rpc, rpc),
		"trust_height = 0":       fmt.Sprintf("trust_height = %d", trust),
		`trust_hash = ""`:        fmt.Sprintf("trust_hash = %q", blk.Result.BlockID.Hash),
		`discovery_time = "15s"`: `discovery_time = "5s"`,
	})
	z.waitHeight(1, z.height(0), 180*time.Second)
	var st struct {
		Result struct {
			SyncInfo struct {
				Earliest int64 `json:"earliest_block_height,string"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	z.rpcGet(1, "/status", &st)
	require.Greater(t, st.Result.SyncInfo.Earliest, int64(10), "node1 replayed from genesis instead of restoring a snapshot")
	t.Logf("node1 joined by state sync: earliest block %d, at height %d with node0", st.Result.SyncInfo.Earliest, z.height(1))

	// The same answers as the validator's.
	z.waitHeight(1, z.height(0)+1, 30*time.Second)
	for _, q := range [][]string{{"cargo", "bill", bill}, {"cargo", "history", bill}, {"cargo", "endorsement-chain", bill}} {
		want, err := execQuery(z, 0, q...)
		require.NoError(t, err)
		got, err := execQuery(z, 1, q...)
		require.NoError(t, err, "node1 cannot answer %v", q)
		require.JSONEq(t, want, got, "node1 answers %v differently", q)
	}
	var b struct {
		Bill struct {
			DocumentHash string `json:"document_hash"`
		} `json:"bill"`
	}
	out, err := execQuery(z, 1, "cargo", "bill", bill)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(out), &b))
	want, err := execQuery(z, 0, "cargo", "verify-document", docFile)
	require.NoError(t, err)
	got, err := execQuery(z, 1, "cargo", "verify-document", docFile)
	require.NoError(t, err)
	require.JSONEq(t, want, got)
	require.Contains(t, got, b.Bill.DocumentHash)
	require.Equal(t, z.appHash(0, z.height(1)-1), z.appHash(1, z.height(1)-1))
	t.Logf("node1 answers bill, history, endorsement chain and document verification as node0 does")
}

// execQuery is a query of node i that may fail (not found yet).
func execQuery(z *zone, i int, args ...string) (string, error) {
	out, err := exec.Command(z.bin, append(append([]string{"q"}, args...), "--node", z.rpc(i), "--output", "json")...).Output()
	return string(out), err
}
