//go:build faults

package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/tradechain/tradechain/internal/loadgen"
	"github.com/tradechain/tradechain/testutil"
)

// Fault tests on real processes (`make test-faults`): loopback only, each
// bounded in time, and every process is one this test started, stopped by
// its PID.

// zone is an N-validator zone written by `testnet init-files`.
type zone struct {
	t       *testing.T
	bin     string
	dir     string
	chainID string
	base    int
	nodes   []*exec.Cmd
	logs    []*os.File
}

// newZone writes and starts an N-validator zone; extra are more flags for
// `testnet init-files`. Its port block leaves room for one more node.
func newZone(t *testing.T, validators int, chainID string, extra ...string) *zone {
	z := &zone{t: t, bin: testutil.BuildBinary(t), dir: t.TempDir(), chainID: chainID, base: freeBlock(t, (validators+1)*10)}
	args := append([]string{"testnet", "init-files", "--validators", fmt.Sprint(validators), "--chain-id", chainID,
		"--output-dir", z.dir, "--base-port", fmt.Sprint(z.base), "--commit-timeout", "1s"}, extra...)
	out, err := exec.Command(z.bin, args...).CombinedOutput()
	require.NoError(t, err, string(out))
	z.nodes = make([]*exec.Cmd, validators)
	z.logs = make([]*os.File, validators)
	for i := range z.nodes {
		z.start(i)
	}
	t.Cleanup(func() {
		for i := range z.nodes {
			z.stop(i)
		}
	})
	return z
}

func (z *zone) home(i int) string  { return filepath.Join(z.dir, fmt.Sprintf("node%d", i)) }
func (z *zone) rpcPort(i int) int  { return z.base + i*10 + 1 }
func (z *zone) rpc(i int) string   { return fmt.Sprintf("tcp://127.0.0.1:%d", z.rpcPort(i)) }
func (z *zone) height(i int) int64 { return height(z.rpcPort(i)) }

func (z *zone) start(i int) {
	if z.logs[i] == nil {
		f, err := os.Create(filepath.Join(z.dir, fmt.Sprintf("node%d.log", i)))
		require.NoError(z.t, err)
		z.logs[i] = f
	}
	cmd := exec.Command(z.bin, "start", "--home", z.home(i))
	cmd.Stdout, cmd.Stderr = z.logs[i], z.logs[i]
	require.NoError(z.t, cmd.Start())
	z.nodes[i] = cmd
	z.t.Logf("node%d started (pid %d)", i, cmd.Process.Pid)
}

// kill9 kills node i with SIGKILL: no shutdown, no flush.
func (z *zone) kill9(i int) {
	h := z.height(i)
	require.NoError(z.t, z.nodes[i].Process.Signal(syscall.SIGKILL))
	_ = z.nodes[i].Wait()
	z.t.Logf("node%d killed with SIGKILL at height %d", i, h)
}

func (z *zone) stop(i int) {
	cmd := z.nodes[i]
	if cmd == nil || cmd.Process == nil || cmd.ProcessState != nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGCONT) // in case it is paused
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// waitHeight waits until node i has committed block h.
func (z *zone) waitHeight(i int, h int64, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if z.height(i) >= h {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	z.t.Fatalf("node%d did not reach height %d within %s (at %d); logs in %s", i, h, timeout, z.height(i), z.dir)
}

// appHash is the app hash recorded in the header of block h+1 (the state
// after block h), as node i serves it.
func (z *zone) appHash(i int, h int64) string {
	var res struct {
		Result struct {
			Block struct {
				Header struct {
					AppHash string `json:"app_hash"`
				} `json:"header"`
			} `json:"block"`
		} `json:"result"`
	}
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/block?height=%d", z.rpcPort(i), h+1))
	require.NoError(z.t, err)
	defer resp.Body.Close()
	require.NoError(z.t, json.NewDecoder(resp.Body).Decode(&res))
	require.NotEmpty(z.t, res.Result.Block.Header.AppHash, "node%d has no block %d", i, h+1)
	return res.Result.Block.Header.AppHash
}

// operator returns node i's funded operator account, with its account number
// and sequence read from the chain through node 0.
func (z *zone) operator(i int) *loadgen.Account {
	bz, err := os.ReadFile(filepath.Join(z.home(i), "key_seed.json"))
	require.NoError(z.t, err)
	var seed struct{ Secret string }
	require.NoError(z.t, json.Unmarshal(bz, &seed))
	acc, err := loadgen.FromMnemonic(seed.Secret)
	require.NoError(z.t, err)
	c, err := loadgen.Dial(z.rpc(0))
	require.NoError(z.t, err)
	acc.Number, acc.Sequence, err = c.Account(context.Background(), acc.Bech32("trade"))
	require.NoError(z.t, err)
	return acc
}

// load sends bank transfers from the given accounts to one node at a steady
// rate and remembers every tx the node's mempool accepted.
type load struct {
	mu       sync.Mutex
	accepted []string
	refused  int
	cancel   context.CancelFunc
	done     chan struct{}
}

func startLoad(t *testing.T, z *zone, node int, accs []*loadgen.Account, every time.Duration) *load {
	c, err := loadgen.Dial(z.rpc(node))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	l := &load{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			for k, a := range accs {
				to := accs[(k+1)%len(accs)].Address()
				tx, err := loadgen.Sign(z.chainID, a, 200_000, sdk.NewCoins(),
					banktypes.NewMsgSend(a.Address(), to, sdk.NewCoins(sdk.NewInt64Coin("utrade", 1))))
				if err != nil {
					panic(err)
				}
				code, _, err := c.Broadcast(ctx, tx)
				l.mu.Lock()
				if err == nil && code == 0 {
					l.accepted = append(l.accepted, loadgen.Hash(tx))
				} else {
					l.refused++
					a.Sequence-- // not in the mempool: reuse the sequence
				}
				l.mu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return l
}

func (l *load) stop() []string {
	l.cancel()
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.accepted
}

// requireAllCommitted waits until every accepted tx is in a block with code 0.
func requireAllCommitted(t *testing.T, z *zone, node int, hashes []string) {
	c, err := loadgen.Dial(z.rpc(node))
	require.NoError(t, err)
	tr := loadgen.NewTracker(c, 0)
	require.NoError(t, tr.WaitAll(context.Background(), hashes, 90*time.Second))
	t.Logf("all %d accepted transactions committed (checked in %d blocks)", len(hashes), len(tr.Blocks))
}

// A 4-validator zone under steady load: one validator is killed with SIGKILL
// and restarted, another is paused with SIGSTOP for 30 s and resumed. Blocks
// keep coming throughout (3 of 4 validators hold > 2/3 of the power), the
// restarted and resumed nodes catch up to the same app hash, and no
// transaction the zone accepted is lost.
func TestFaultValidatorKillAndPause(t *testing.T) {
	z := newZone(t, 4, "hongkong-1")
	z.waitHeight(0, 3, 90*time.Second)
	accs := []*loadgen.Account{z.operator(0), z.operator(1), z.operator(2), z.operator(3)}
	l := startLoad(t, z, 0, accs, 250*time.Millisecond) // 16 tx/s into node0
	time.Sleep(5 * time.Second)

	// kill -9 one validator: the other three keep making blocks.
	z.kill9(3)
	h := z.height(0)
	z.waitHeight(0, h+5, 30*time.Second)
	t.Logf("without node3: height %d → %d", h, z.height(0))

	// restart it: it replays, catches up, and agrees on the app hash.
	z.start(3)
	target := z.height(0)
	z.waitHeight(3, target, 120*time.Second)
	require.Equal(t, z.appHash(0, target-1), z.appHash(3, target-1), "node3 disagrees after restart")
	t.Logf("node3 caught up to height %d with the same app hash", target)

	// SIGSTOP one validator for 30 s, then SIGCONT.
	require.NoError(t, z.nodes[2].Process.Signal(syscall.SIGSTOP))
	h = z.height(0)
	time.Sleep(30 * time.Second)
	require.Greater(t, z.height(0), h+5, "blocks stopped while node2 was paused")
	t.Logf("node2 paused 30 s: height %d → %d", h, z.height(0))
	require.NoError(t, z.nodes[2].Process.Signal(syscall.SIGCONT))
	target = z.height(0)
	z.waitHeight(2, target, 120*time.Second)
	require.Equal(t, z.appHash(0, target-1), z.appHash(2, target-1), "node2 disagrees after resuming")

	accepted := l.stop()
	requireAllCommitted(t, z, 0, accepted)
	final := z.height(0) - 1
	z.waitHeight(3, final+1, 30*time.Second)
	z.waitHeight(2, final+1, 30*time.Second)
	z.waitHeight(1, final+1, 30*time.Second)
	for i := 1; i < 4; i++ {
		require.Equal(t, z.appHash(0, final), z.appHash(i, final), "node%d disagrees at height %d", i, final)
	}
	t.Logf("%d transactions accepted under load, all committed; 4 nodes agree on the app hash at height %d", len(accepted), final)
}

// A single-validator zone under load is killed with SIGKILL three times at
// random moments (with 1 s blocks and a steady stream of transactions, the
// kill usually lands while a block is being executed or committed). Each
// time it restarts, replays what it must, serves the same blocks and app
// hashes as before the crash, keeps every committed transaction, and goes on
// making blocks.
func TestFaultCrashReplay(t *testing.T) {
	z := newZone(t, 1, "shanghai-1")
	z.waitHeight(0, 3, 90*time.Second)
	acc := z.operator(0)
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	c, err := loadgen.Dial(z.rpc(0))
	require.NoError(t, err)
	for round := 1; round <= 3; round++ {
		l := startLoad(t, z, 0, []*loadgen.Account{acc}, 20*time.Millisecond)
		time.Sleep(time.Duration(3000+rng.Intn(3000)) * time.Millisecond)
		// the app hashes the node served before the crash
		last := z.height(0)
		hashes := map[int64]string{}
		for h := max(1, last-30); h < last; h++ {
			hashes[h] = z.appHash(0, h)
		}
		z.kill9(0)
		accepted := l.stop()

		z.start(0)
		z.waitHeight(0, last+3, 60*time.Second)
		for h, want := range hashes {
			require.Equal(t, want, z.appHash(0, h), "app hash of height %d changed after the restart", h)
		}
		blocks := loadgen.NewTracker(c, 0)
		require.NoError(t, blocks.Poll(context.Background()))
		committed := 0
		for _, h := range accepted {
			if got, ok := blocks.Get(h); ok {
				require.Zero(t, got.Code)
				committed++
			}
		}
		// Transactions still in the mempool when the node died are gone with
		// it (CometBFT does not persist its mempool); the sender sees they
		// never committed and sends again at the same sequence.
		t.Logf("round %d: killed at height %d; after restart it serves the same %d app hashes and reached %d; %d of %d accepted txs committed, %d were in the lost mempool",
			round, last, len(hashes), z.height(0), committed, len(accepted), len(accepted)-committed)
		fresh := z.operator(0)
		acc.Sequence = fresh.Sequence
	}
}
