package testutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/internal/ports"
)

// BuildBinary builds tradechaind once per test process and returns its path.
func BuildBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tradechaind-bin")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "tradechaind")
		cmd := exec.Command("go", "build", "-o", builtBin, "./cmd/tradechaind")
		cmd.Dir = repoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return builtBin
}

// Main runs a package's tests (call it from TestMain) and then removes the
// binary BuildBinary built for them and the home folder of its ibctesting
// chains, so test runs leave nothing per package in the temp folder.
func Main(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		_ = os.RemoveAll(filepath.Dir(builtBin))
	}
	if ibcHome != "" {
		_ = os.RemoveAll(ibcHome)
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// Node is a real single-validator tradechaind process on loopback.
type Node struct {
	t       testing.TB
	Bin     string
	Home    string
	ChainID string
	RPC     string // tcp://127.0.0.1:port
	API     string // http://127.0.0.1:port
	GRPC    string // 127.0.0.1:port
	// CometMetrics is CometBFT's Prometheus endpoint (the SDK's and the
	// trade metrics are at API + "/metrics?format=prometheus").
	CometMetrics string
	cmd          *exec.Cmd
	log          *bytes.Buffer
	// lastHeight is the height the node had committed when it last stopped.
	lastHeight int64
}

// NodeKeys are the keys created in every test node's keyring, each funded at genesis.
var NodeKeys = []string{"validator", "alice", "bob", "carol"}

// StartNode initialises a single-validator zone in a temp folder, lets
// genesisEdit (if any) change genesis.json, starts the node, and waits for it
// to produce blocks. The process is stopped by its PID when the test ends.
func StartNode(t testing.TB, chainID string, genesisEdit func(n *Node, genesis map[string]any)) *Node {
	t.Helper()
	bin := BuildBinary(t)
	n := &Node{t: t, Bin: bin, Home: t.TempDir(), ChainID: chainID, log: &bytes.Buffer{}}
	ports := freePorts(t, 6)
	n.RPC = fmt.Sprintf("tcp://127.0.0.1:%d", ports[0])
	n.API = fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	n.GRPC = fmt.Sprintf("127.0.0.1:%d", ports[2])
	n.CometMetrics = fmt.Sprintf("http://127.0.0.1:%d/metrics", ports[5])

	n.Run("init", "node", "--chain-id", chainID)
	for _, k := range NodeKeys {
		n.Run("keys", "add", k, "--keyring-backend", "test")
		n.Run("genesis", "add-genesis-account", n.Address(k), "1000000000000utrade", "--keyring-backend", "test")
	}
	n.Run("genesis", "gentx", "validator", "100000000utrade", "--chain-id", chainID, "--keyring-backend", "test")
	n.Run("genesis", "collect-gentxs")
	if genesisEdit != nil {
		path := filepath.Join(n.Home, "config", "genesis.json")
		bz, err := os.ReadFile(path)
		require.NoError(t, err)
		var g map[string]any
		require.NoError(t, json.Unmarshal(bz, &g))
		genesisEdit(n, g)
		bz, err = json.Marshal(g)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, bz, 0o600))
	}
	n.Run("genesis", "validate")

	replaceInFile(t, filepath.Join(n.Home, "config", "config.toml"), map[string]string{
		`laddr = "tcp://0.0.0.0:26656"`:              fmt.Sprintf(`laddr = "tcp://127.0.0.1:%d"`, ports[3]),
		`laddr = "tcp://127.0.0.1:26657"`:            fmt.Sprintf(`laddr = %q`, n.RPC),
		`proxy_app = "tcp://127.0.0.1:26658"`:        fmt.Sprintf(`proxy_app = "tcp://127.0.0.1:%d"`, ports[4]),
		`pprof_laddr = "localhost:6060"`:             `pprof_laddr = ""`,
		`timeout_commit = "2s"`:                      `timeout_commit = "500ms"`,
		`prometheus_listen_addr = "127.0.0.1:26660"`: fmt.Sprintf(`prometheus_listen_addr = "127.0.0.1:%d"`, ports[5]),
	})
	replaceInFile(t, filepath.Join(n.Home, "config", "app.toml"), map[string]string{
		`address = "tcp://127.0.0.1:1317"`: fmt.Sprintf(`address = "tcp://127.0.0.1:%d"`, ports[1]),
		`address = "127.0.0.1:9090"`:       fmt.Sprintf(`address = %q`, n.GRPC),
		`swagger = false`:                  `swagger = true`,
	})

	t.Cleanup(n.Stop)
	n.Start()
	return n
}

// Start starts the node's process (with extra start flags, if any) and waits
// for it to commit block 2 above the height it starts from.
func (n *Node) Start(flags ...string) {
	n.t.Helper()
	from := n.lastHeight
	n.cmd = exec.Command(n.Bin, append([]string{"start", "--home", n.Home}, flags...)...)
	n.cmd.Stdout, n.cmd.Stderr = n.log, n.log
	require.NoError(n.t, n.cmd.Start())
	n.WaitForHeight(from+2, 60*time.Second)
}

// ExportAndReset stops the node, exports its state with `tradechaind export`
// and deletes its chain data (keys and config stay): the genesis of a new
// chain of the same validator, which StartFromGenesis starts.
func (n *Node) ExportAndReset() []byte {
	n.t.Helper()
	n.Stop()
	out := filepath.Join(n.t.TempDir(), "export.json")
	n.Run("export", "--output-document", out)
	bz, err := os.ReadFile(out)
	require.NoError(n.t, err)
	n.Run("comet", "unsafe-reset-all")
	return bz
}

// StartFromGenesis writes genesis as the node's genesis.json and starts it.
func (n *Node) StartFromGenesis(genesis []byte, flags ...string) {
	n.t.Helper()
	require.NoError(n.t, os.WriteFile(filepath.Join(n.Home, "config", "genesis.json"), genesis, 0o600))
	n.lastHeight = 0
	var g struct {
		InitialHeight json.Number `json:"initial_height"`
	}
	require.NoError(n.t, json.Unmarshal(genesis, &g))
	if h, err := g.InitialHeight.Int64(); err == nil && h > 1 {
		n.lastHeight = h - 1
	}
	n.Start(flags...)
}

// Stop stops the node's process (by its PID) and waits for it to exit.
func (n *Node) Stop() {
	if n.cmd == nil || n.cmd.Process == nil || n.cmd.ProcessState != nil {
		return
	}
	n.lastHeight = n.Height()
	_ = n.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = n.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = n.cmd.Process.Kill()
		<-done
	}
}

// Run runs a tradechaind command against this node's home and returns stdout;
// it fails the test if the command fails.
func (n *Node) Run(args ...string) string {
	n.t.Helper()
	out, err := n.TryRun(args...)
	require.NoErrorf(n.t, err, "tradechaind %s: %s", strings.Join(args, " "), out)
	return out
}

// TryRun runs a tradechaind command and returns its combined output and error.
func (n *Node) TryRun(args ...string) (string, error) {
	args = append(args, "--home", n.Home)
	cmd := exec.Command(n.Bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		return stdout.String() + stderr.String(), err
	}
	return stdout.String(), nil
}

// Address returns the bech32 address of a key in the node's keyring.
func (n *Node) Address(key string) string {
	n.t.Helper()
	return strings.TrimSpace(n.Run("keys", "show", key, "-a", "--keyring-backend", "test"))
}

// Tx broadcasts a tx with the CLI as key `from`, waits until it is in a block
// and returns the committed tx result (code, raw_log, events) as JSON.
func (n *Node) Tx(from string, args ...string) map[string]any {
	n.t.Helper()
	args = append([]string{"tx"}, args...)
	args = append(args, "--from", from, "--chain-id", n.ChainID, "--keyring-backend", "test",
		"--node", n.RPC, "--gas", "auto", "--gas-adjustment", "1.5", "-y", "--output", "json")
	out := n.Run(args...)
	var res map[string]any
	require.NoErrorf(n.t, json.Unmarshal([]byte(out), &res), "tx output: %s", out)
	require.EqualValuesf(n.t, 0, res["code"], "tx rejected at check: %v", res["raw_log"])
	return n.WaitTx(res["txhash"].(string))
}

// WaitTx waits until a tx is committed and returns its result.
func (n *Node) WaitTx(hash string) map[string]any {
	n.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out, err := n.TryRun("q", "tx", hash, "--node", n.RPC, "--output", "json")
		if err == nil {
			var res map[string]any
			require.NoError(n.t, json.Unmarshal([]byte(out), &res))
			return res
		}
		time.Sleep(200 * time.Millisecond)
	}
	n.t.Fatalf("tx %s not committed within 30s; node log:\n%s", hash, n.tail())
	return nil
}

// REST GETs path from the node's REST server and decodes the JSON answer.
func (n *Node) REST(path string, out any) int {
	n.t.Helper()
	resp, err := http.Get(n.API + path)
	require.NoError(n.t, err)
	defer resp.Body.Close()
	bz, err := io.ReadAll(resp.Body)
	require.NoError(n.t, err)
	if out != nil {
		require.NoErrorf(n.t, json.Unmarshal(bz, out), "REST %s: %s", path, bz)
	}
	return resp.StatusCode
}

// Height returns the node's latest block height (0 if it does not answer).
func (n *Node) Height() int64 {
	var st struct {
		Result struct {
			SyncInfo struct {
				LatestBlockHeight int64 `json:"latest_block_height,string"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	resp, err := http.Get(strings.Replace(n.RPC, "tcp://", "http://", 1) + "/status")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if json.NewDecoder(resp.Body).Decode(&st) != nil {
		return 0
	}
	return st.Result.SyncInfo.LatestBlockHeight
}

// WaitForHeight waits until the node has committed block h.
func (n *Node) WaitForHeight(h int64, timeout time.Duration) {
	n.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if n.Height() >= h {
			return
		}
		if n.cmd.ProcessState != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	n.t.Fatalf("node did not reach height %d; log:\n%s", h, n.tail())
}

func (n *Node) tail() string {
	s := n.log.String()
	if len(s) > 4000 {
		s = s[len(s)-4000:]
	}
	return s
}

func freePorts(t testing.TB, k int) []int {
	t.Helper()
	ps, err := ports.Free(k)
	require.NoError(t, err)
	return ps
}

func replaceInFile(t testing.TB, path string, repl map[string]string) {
	t.Helper()
	bz, err := os.ReadFile(path)
	require.NoError(t, err)
	s := string(bz)
	for from, to := range repl {
		require.Containsf(t, s, from, "%s: expected %q", path, from)
		s = strings.ReplaceAll(s, from, to)
	}
	require.NoError(t, os.WriteFile(path, []byte(s), 0o600))
}

// HTTPGet returns the body of a GET on url (a metrics page, say).
func (n *Node) HTTPGet(url string) string {
	n.t.Helper()
	resp, err := http.Get(url)
	require.NoError(n.t, err)
	defer resp.Body.Close()
	bz, err := io.ReadAll(resp.Body)
	require.NoError(n.t, err)
	require.Equal(n.t, 200, resp.StatusCode, "%s: %s", url, bz)
	return string(bz)
}
