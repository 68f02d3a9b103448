package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tradechain/tradechain/internal/loadgen"
	"github.com/tradechain/tradechain/internal/ports"
)

// chain describes a binary under test.
type chain struct {
	name   string // tradechaind | simd
	bin    string
	prefix string // bech32 account prefix
	denom  string
	cargo  bool        // has x/cargo
	appSet [][2]string // app.toml overrides
	// startArgs are added to the start command (simd-appdb's database
	// options).
	startArgs []string
}

// node is a single-validator zone of a chain, on loopback ports.
type node struct {
	chain
	home    string
	chainID string
	ports   map[string]int
	cmd     *exec.Cmd
	log     *os.File
	client  *loadgen.Client
}

func (n *node) rpc() string  { return fmt.Sprintf("tcp://127.0.0.1:%d", n.ports["rpc"]) }
func (n *node) api() string  { return fmt.Sprintf("http://127.0.0.1:%d", n.ports["api"]) }
func (n *node) grpc() string { return fmt.Sprintf("127.0.0.1:%d", n.ports["grpc"]) }

func (n *node) run(args ...string) string {
	args = append(args, "--home", n.home)
	out, err := exec.Command(n.bin, args...).CombinedOutput()
	if err != nil {
		fatalf("%s %s: %v\n%s", n.name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// setupNode initialises a zone whose genesis funds accounts (numbers 1..N,
// the validator is 0) and, on tradechaind, registers them as parties with the
// carrier, trader and terminal roles.
func setupNode(c chain, dir string, accounts []*loadgen.Account, timeoutCommit time.Duration) *node {
	n := &node{chain: c, home: filepath.Join(dir, c.name), chainID: "loadtest-1", ports: map[string]int{}}
	names := []string{"p2p", "rpc", "abci", "grpc", "api", "pprof"}
	ps, err := ports.Free(len(names))
	check(err)
	for i, p := range names {
		n.ports[p] = ps[i]
	}
	_ = os.RemoveAll(n.home)
	n.run("init", "loadtest", "--chain-id", n.chainID)
	n.run("keys", "add", "validator", "--keyring-backend", "test")
	n.run("genesis", "add-genesis-account", "validator", "1000000000000000"+c.denom, "--keyring-backend", "test")
	n.run("genesis", "gentx", "validator", "100000000"+c.denom, "--chain-id", n.chainID, "--keyring-backend", "test")
	n.run("genesis", "collect-gentxs")

	path := filepath.Join(n.home, "config", "genesis.json")
	var g map[string]any
	mustJSON(path, &g)
	state := g["app_state"].(map[string]any)
	auth := state["auth"].(map[string]any)
	bank := state["bank"].(map[string]any)
	accs := auth["accounts"].([]any)
	bals := bank["balances"].([]any)
	const each = 1_000_000_000_000
	for i, a := range accounts {
		a.Number, a.Sequence = uint64(i+1), 0
		addr := a.Bech32(c.prefix)
		accs = append(accs, map[string]any{"@type": "/cosmos.auth.v1beta1.BaseAccount", "address": addr, "pub_key": nil,
			"account_number": strconv.Itoa(i + 1), "sequence": "0"})
		bals = append(bals, map[string]any{"address": addr, "coins": []any{map[string]any{"denom": c.denom, "amount": strconv.Itoa(each)}}})
	}
	auth["accounts"], bank["balances"] = accs, bals
	supply := bank["supply"].([]any)
	for _, s := range supply {
		s := s.(map[string]any)
		if s["denom"] == c.denom {
			cur, _ := strconv.ParseInt(s["amount"].(string), 10, 64)
			s["amount"] = strconv.FormatInt(cur+int64(len(accounts))*each, 10)
		}
	}
	if c.cargo {
		cargo := state["cargo"].(map[string]any)
		params := cargo["params"].(map[string]any)
		params["max_milestones_per_bill"] = 10000
		var parties []any
		for i, a := range accounts {
			parties = append(parties, map[string]any{"address": a.Bech32(c.prefix), "code": partyCode(i), "name": "Load party " + partyCode(i),
				"jurisdiction": "HK", "roles": []string{"ROLE_CARRIER", "ROLE_TRADER", "ROLE_TERMINAL"}, "active": true})
		}
		cargo["parties"] = parties
	}
	writeJSON(path, g)
	n.run("genesis", "validate")

	edit(filepath.Join(n.home, "config", "config.toml"), map[string]string{
		`laddr = "tcp://0.0.0.0:26656"`:       fmt.Sprintf(`laddr = "tcp://127.0.0.1:%d"`, n.ports["p2p"]),
		`laddr = "tcp://127.0.0.1:26657"`:     fmt.Sprintf(`laddr = %q`, n.rpc()),
		`proxy_app = "tcp://127.0.0.1:26658"`: fmt.Sprintf(`proxy_app = "tcp://127.0.0.1:%d"`, n.ports["abci"]),
		`pprof_laddr = "localhost:6060"`:      fmt.Sprintf(`pprof_laddr = "127.0.0.1:%d"`, n.ports["pprof"]),
	})
	// the same consensus timing on both chains
	setTOML(filepath.Join(n.home, "config", "config.toml"), "timeout_commit", fmt.Sprintf("%q", timeoutCommit.String()))
	app := filepath.Join(n.home, "config", "app.toml")
	setTOML(app, "minimum-gas-prices", fmt.Sprintf(`"0%s"`, c.denom))
	for _, kv := range c.appSet {
		setTOML(app, kv[0], kv[1])
	}
	edit(app, map[string]string{
		`address = "tcp://localhost:1317"`: fmt.Sprintf(`address = "tcp://127.0.0.1:%d"`, n.ports["api"]),
		`address = "tcp://127.0.0.1:1317"`: fmt.Sprintf(`address = "tcp://127.0.0.1:%d"`, n.ports["api"]),
		`address = "localhost:9090"`:       fmt.Sprintf(`address = %q`, n.grpc()),
		`address = "127.0.0.1:9090"`:       fmt.Sprintf(`address = %q`, n.grpc()),
		`address = "0.0.0.0:9090"`:         fmt.Sprintf(`address = %q`, n.grpc()),
	})
	return n
}

func partyCode(i int) string { return fmt.Sprintf("L%05d", i) }

func (n *node) start() {
	f, err := os.OpenFile(filepath.Join(n.home, "node.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644) // a restart appends
	check(err)
	n.log = f
	n.cmd = exec.Command(n.bin, append([]string{"start", "--home", n.home, "--api.enable"}, n.startArgs...)...)
	n.cmd.Stdout, n.cmd.Stderr = f, f
	check(n.cmd.Start())
	cleanups = append(cleanups, n.stop)
	logf("%s started (pid %d, rpc %s)", n.name, n.cmd.Process.Pid, n.rpc())
	n.client, err = loadgen.Dial(n.rpc())
	check(err)
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if n.client.Height(context.Background()) >= 2 {
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	fatalf("%s did not start; see %s", n.name, f.Name())
}

// stop stops the node by its PID.
func (n *node) stop() {
	if n.cmd == nil || n.cmd.ProcessState != nil {
		return
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = n.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = n.cmd.Process.Kill()
		<-done
	}
	logf("%s stopped", n.name)
}

// resync reads every account's sequence from the chain.
func (n *node) resync(accounts []*loadgen.Account) {
	for _, a := range accounts {
		_, seq, err := n.client.Account(context.Background(), a.Bech32(n.prefix))
		check(err)
		a.Sequence = seq
	}
}

// drain waits until the mempool is empty.
func (n *node) drain(timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		res, err := n.client.NumUnconfirmedTxs(context.Background())
		if err == nil && res.Total == 0 {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// settle waits until the node is idle — under 10 % of a core for two
// consecutive seconds — so that a step does not pay for the compaction and
// garbage of the preload or the step before it. It returns the time waited.
func (n *node) settle(timeout time.Duration) time.Duration {
	start := time.Now()
	quiet := 0
	for time.Since(start) < timeout && quiet < 2 {
		c0, _, _ := procStat(n.cmd.Process.Pid)
		time.Sleep(time.Second)
		c1, _, _ := procStat(n.cmd.Process.Pid)
		if c1-c0 < 100*time.Millisecond {
			quiet++
		} else {
			quiet = 0
		}
	}
	return time.Since(start)
}

// dataBytes is the size of the node's data folder.
func (n *node) dataBytes() int64 { return dirBytes(filepath.Join(n.home, "data")) }

// appDBBytes is the size of the node's state database.
func (n *node) appDBBytes() int64 {
	return dirBytes(filepath.Join(n.home, "data", "application.db"))
}

// procStat reads the node's CPU time (user+system) and RSS from /proc.
func procStat(pid int) (cpu time.Duration, rss, hwm int64) {
	bz, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err == nil {
		fields := strings.Fields(string(bz[strings.LastIndexByte(string(bz), ')')+2:]))
		ut, _ := strconv.ParseInt(fields[11], 10, 64)
		st, _ := strconv.ParseInt(fields[12], 10, 64)
		cpu = time.Duration(ut+st) * time.Second / 100 // USER_HZ = 100
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			f := strings.Fields(line)
			if len(f) >= 2 && (f[0] == "VmRSS:" || f[0] == "VmHWM:") {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				if f[0] == "VmRSS:" {
					rss = kb << 10
				} else {
					hwm = kb << 10
				}
			}
		}
	}
	return cpu, rss, hwm
}

func edit(path string, repl map[string]string) {
	bz, err := os.ReadFile(path)
	check(err)
	s := string(bz)
	for from, to := range repl {
		s = strings.ReplaceAll(s, from, to)
	}
	check(os.WriteFile(path, []byte(s), 0o600))
}

// setTOML sets every `key = ...` line of a TOML file, or adds the key at the
// top level when the file has none.
func setTOML(path, key, value string) {
	bz, err := os.ReadFile(path)
	check(err)
	lines := strings.Split(string(bz), "\n")
	found := false
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), key+" =") {
			lines[i] = key + " = " + value
			found = true
		}
	}
	if !found { // a top-level key the template does not write: before every table
		lines = append([]string{key + " = " + value}, lines...)
	}
	check(os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600))
}

func mustJSON(path string, v any) {
	bz, err := os.ReadFile(path)
	check(err)
	check(json.Unmarshal(bz, v))
}

func writeJSON(path string, v any) {
	bz, err := json.Marshal(v)
	check(err)
	check(os.WriteFile(path, bz, 0o600))
}

func check(err error) {
	if err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadtest: "+format+"\n", args...)
	for _, stop := range cleanups {
		stop()
	}
	os.Exit(1)
}

var cleanups []func()

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}
