package main_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/internal/ports"
	"github.com/tradechain/tradechain/testutil"
)

// `testnet init-files` writes a 2-validator zone whose nodes find each other
// and make blocks together.
func TestTestnetInitFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two real nodes")
	}
	bin := testutil.BuildBinary(t)
	out := t.TempDir()
	base := freeBlock(t, 20)
	cmd := exec.Command(bin, "testnet", "init-files", "--validators", "2", "--chain-id", "hongkong-1",
		"--output-dir", out, "--base-port", fmt.Sprint(base), "--commit-timeout", "500ms")
	bz, err := cmd.CombinedOutput()
	require.NoError(t, err, string(bz))

	// the nodes get the app.toml that `init` writes, with their own ports
	toml, err := os.ReadFile(filepath.Join(out, "node1", "config", "app.toml"))
	require.NoError(t, err)
	for _, want := range []string{
		`minimum-gas-prices = "0utrade"`, "iavl-cache-size = 50000", `"tx.acc_seq"`,
		"[app-db]", "write-buffer-mib = 64", "seek-compaction = false", "block-cache-mib = 128",
		fmt.Sprintf(`address = "127.0.0.1:%d"`, base+13), // node1 gRPC: base + 10 + 3
	} {
		require.Contains(t, string(toml), want)
	}

	// every node's genesis carries the zone's block gas limit (--block-max-gas)
	for i := 0; i < 2; i++ {
		var g struct {
			Consensus struct {
				Params consensusParams `json:"params"`
			} `json:"consensus"`
		}
		bz, err := os.ReadFile(filepath.Join(out, fmt.Sprintf("node%d", i), "config", "genesis.json"))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(bz, &g))
		require.Equal(t, "600000000", g.Consensus.Params.Block.MaxGas)
	}
	bz, err = exec.Command(bin, "testnet", "init-files", "--validators", "1", "--chain-id", "hongkong-1",
		"--output-dir", t.TempDir(), "--block-max-gas", "0").CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(bz), "--block-max-gas must be -1 (no limit) or a positive gas amount, got 0")

	for i := 0; i < 2; i++ {
		node := exec.Command(bin, "start", "--home", filepath.Join(out, fmt.Sprintf("node%d", i)))
		logf, err := os.Create(filepath.Join(out, fmt.Sprintf("node%d.log", i)))
		require.NoError(t, err)
		node.Stdout, node.Stderr = logf, logf
		require.NoError(t, node.Start())
		t.Cleanup(func() {
			_ = node.Process.Signal(os.Interrupt)
			done := make(chan struct{})
			go func() { _ = node.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				_ = node.Process.Kill()
			}
		})
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		h0, h1 := height(base+1), height(base+11)
		if h0 >= 3 && h1 >= 3 {
			var vals struct {
				Result struct {
					Total string `json:"total"`
				} `json:"result"`
			}
			resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/validators", base+1))
			require.NoError(t, err)
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&vals))
			resp.Body.Close()
			require.Equal(t, "2", vals.Result.Total)
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("the 2-validator zone did not reach height 3 (logs in %s)", out)
}

func height(rpcPort int) int64 {
	var st struct {
		Result struct {
			SyncInfo struct {
				H int64 `json:"latest_block_height,string"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/status", rpcPort))
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if json.NewDecoder(resp.Body).Decode(&st) != nil {
		return 0
	}
	return st.Result.SyncInfo.H
}

// freeBlock finds n consecutive free loopback ports and returns the first.
func freeBlock(t *testing.T, n int) int {
	start, err := ports.Block(n)
	require.NoError(t, err)
	return start
}
