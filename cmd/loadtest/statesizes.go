package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/viper"

	"github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/bech32"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/tradechain/tradechain/internal/loadgen"
)

// The state-size comparison (-state-sizes): at each state size N, each chain
// on a fresh zone with the same node settings is first brought to N records
// the same way — tradechaind N bills (IssueBill, 100 per transaction),
// simd N accounts (bank MsgMultiSend, one input and 100 new accounts per
// transaction), both in waves of 400 transactions —, then swept at the same
// rates in two pairs:
//
//   - the record a chain moves: tradechaind TransferBill of a preloaded bill
//     against simd MsgSend to one of the N preloaded accounts (a random one,
//     so the recipient's balance is read and written wherever the tree holds
//     it, as a transferred bill is);
//   - the record a chain adds: tradechaind IssueBill (a new bill, a new
//     document hash) against simd MsgSend to a new account (the account and
//     its balance are created, at hash-placed addresses).
//
// Each pair starts from the same preloaded state (see preloaded): the pairs
// grow the two chains' state differently.

// pairs are the compared workloads: a tradechaind workload and its simd
// counterpart.
type pair struct{ key, name, trade, simd string }

var pairs = []pair{
	{"move", "move a record", "transfer", "send-existing"},
	{"add", "add a record", "issue", "send-new"},
}

// selectPairs returns the pairs -state-pairs names ("move", "add"), in
// their run order.
func selectPairs(list string) []pair {
	want := map[string]bool{}
	for _, k := range splitList(list) {
		want[k] = true
	}
	var out []pair
	for _, p := range pairs {
		if want[p.key] {
			out = append(out, p)
			delete(want, p.key)
		}
	}
	if len(want) > 0 || len(out) == 0 {
		fatalf("-state-pairs: give 'move', 'add' or both, got %q", list)
	}
	return out
}

// recipients is the book of simd's preloaded accounts and of the new ones a
// step sends to.
type recipients struct {
	preloaded int // accounts created by the preload: preloadAddr(0..preloaded-1)
	fresh     int // new-account sends built so far (each to its own address)
}

// derivedAddr is a deterministic address no key signs for (20 bytes of a
// SHA-256): preloaded and new recipients of simd.
func derivedAddr(prefix, kind string, k int) string {
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(k))
	h := sha256.Sum256(append([]byte("tradechain-loadtest-"+kind+"/"), buf[:]...))
	s, err := bech32.ConvertAndEncode(prefix, h[:20])
	check(err)
	return s
}

// existingSendWorkload: account i sends 1 unit to a preloaded account picked
// at random (deterministically: the same run, the same recipients).
func existingSendWorkload(r *recipients, step *int) workload {
	return workload{name: "bank MsgSend to an existing account", gas: 200_000, msg: func(n *node, accs []*loadgen.Account, i, j int) proto.Message {
		if r.preloaded == 0 {
			fatalf("send-existing needs preloaded accounts (-state-sizes)")
		}
		var buf [24]byte
		binary.BigEndian.PutUint64(buf[0:], uint64(*step))
		binary.BigEndian.PutUint64(buf[8:], uint64(i))
		binary.BigEndian.PutUint64(buf[16:], uint64(j))
		h := sha256.Sum256(buf[:])
		k := int(binary.BigEndian.Uint64(h[:8]) % uint64(r.preloaded))
		return &banktypes.MsgSend{FromAddress: accs[i].Bech32(n.prefix), ToAddress: derivedAddr(n.prefix, "pre", k),
			Amount: sdk.NewCoins(sdk.NewInt64Coin(n.denom, 1))}
	}}
}

// newSendWorkload: account i sends 1 unit to an address never used before.
func newSendWorkload(r *recipients) workload {
	return workload{name: "bank MsgSend to a new account", gas: 200_000, msg: func(n *node, accs []*loadgen.Account, i, _ int) proto.Message {
		r.fresh++
		return &banktypes.MsgSend{FromAddress: accs[i].Bech32(n.prefix), ToAddress: derivedAddr(n.prefix, "new", r.fresh),
			Amount: sdk.NewCoins(sdk.NewInt64Coin(n.denom, 1))}
	}}
}

// preloadAccounts creates total accounts on simd with MsgMultiSends of batch
// outputs each, spread over the signers, sent as the bill preload is.
func preloadAccounts(n *node, accs []*loadgen.Account, r *recipients, total, batch int) {
	start := time.Now()
	var txs [][]byte
	var gas uint64
	for k, t := r.preloaded, 0; k < total; k, t = k+batch, t+1 {
		a := accs[t%len(accs)]
		end := min(k+batch, total)
		in := sdk.NewCoins(sdk.NewInt64Coin(n.denom, int64(end-k)))
		m := &banktypes.MsgMultiSend{Inputs: []banktypes.Input{{Address: a.Bech32(n.prefix), Coins: in}}}
		for o := k; o < end; o++ {
			m.Outputs = append(m.Outputs, banktypes.Output{Address: derivedAddr(n.prefix, "pre", o), Coins: sdk.NewCoins(sdk.NewInt64Coin(n.denom, 1))})
		}
		if gas == 0 { // a full batch's simulation, adjusted, for every tx
			g, err := n.client.EstimateGas(context.Background(), n.chainID, a, uint64(batch)*200_000, m)
			check(err)
			gas = g
		}
		tx, err := loadgen.Sign(n.chainID, a, gas, sdk.NewCoins(), m)
		check(err)
		txs = append(txs, tx)
	}
	sendWaves(n, txs, batch, "accounts")
	r.preloaded = total
	logf("preloaded %d accounts in %d txs in %s", total, len(txs), time.Since(start).Round(time.Second))
}

// sameSettings are tradechaind's store settings as its own init writes them
// and -tradechaind-app changes them (a scratch home's app.toml, edited as
// tradechaind's node home is), for simd-appdb: the [app-db] goleveldb options
// as start flags, and iavl-cache-size and index-events as app.toml keys —
// the settings in which the two chains' defaults differ. timeout_commit,
// the tx indexer, the gas price and pruning are already the same on every
// node of the load test.
func sameSettings(tc chain, work string) (appSet [][2]string, startArgs []string) {
	home := filepath.Join(work, "tradechaind-settings")
	_ = os.RemoveAll(home)
	if out, err := exec.Command(tc.bin, "init", "settings", "--home", home).CombinedOutput(); err != nil {
		fatalf("tradechaind init (for its settings): %v\n%s", err, out)
	}
	app := filepath.Join(home, "config", "app.toml")
	for _, kv := range tc.appSet {
		setTOML(app, kv[0], kv[1])
	}
	v := viper.New()
	v.SetConfigFile(app)
	check(v.ReadInConfig())
	for _, k := range []string{"app-db.write-buffer-mib", "app-db.block-cache-mib", "app-db.seek-compaction"} {
		if !v.IsSet(k) {
			fatalf("tradechaind's app.toml has no %s", k)
		}
		startArgs = append(startArgs, fmt.Sprintf("--%s=%v", k, v.Get(k)))
	}
	events, err := json.Marshal(v.GetStringSlice("index-events"))
	check(err)
	appSet = [][2]string{{"iavl-cache-size", strconv.Itoa(v.GetInt("iavl-cache-size"))}, {"index-events", string(events)}}
	logf("simd-same: start %s; app.toml iavl-cache-size = %s, index-events = %d attributes",
		strings.Join(startArgs, " "), appSet[0][1], len(v.GetStringSlice("index-events")))
	return appSet, startArgs
}

// stateSizes runs the comparison at each state size, against each simd
// baseline, and prints one table.
//
// With queries, the tradechaind node also measures its queries right after
// its preload, as a state-scale run (-scale) does.
func stateSizes(tc chain, bases []chain, work string, accounts []*loadgen.Account, sizes []int, pairs []pair, rates []int, d, grace, commit time.Duration, out string, queries bool) {
	var results []result
	for _, size := range sizes {
		for _, sc := range bases {
			n := setupNode(sc, work, accounts, commit)
			n.start()
			r := &recipients{}
			preloadAccounts(n, accounts, r, size, 100)
			stepN := 0
			results = append(results, keepPreload(n, len(pairs)).sweepPairs(pairs, func(p pair) []result {
				r.fresh = 0 // the new accounts of an earlier pair are gone with its state
				w := newSimdWorkload(p.simd, r, &stepN)
				return tagged(sweepRates(sc, n, accounts, p.simd, w, nil, &stepN, rates, d, grace), size, p.name)
			})...)
			save(results, out)
		}
		// tradechaind
		n := setupNode(tc, work, accounts, commit)
		n.start()
		app0, data0 := n.appDBBytes(), n.dataBytes()
		b := &bills{next: make([]int, len(accounts)), issued: make([]int, len(accounts))}
		per := (size + len(accounts) - 1) / len(accounts)
		preload(n, accounts, b, per, 100)
		if queries { // before the sweeps, which add bills
			measureQueries(tc, n, work, accounts, per, app0, data0, "")
		}
		stepN := 0
		results = append(results, keepPreload(n, len(pairs)).sweepPairs(pairs, func(p pair) []result {
			b := b.clone() // the bills as the preload left them
			w := newWorkload(n, accounts, p.trade, b, &stepN, 20)
			return tagged(sweepRates(tc, n, accounts, p.trade, w, b, &stepN, rates, d, grace), size, p.name)
		})...)
		save(results, out)
	}
	report(results)
	reportSizes(results, bases)
	logf("results in %s; node homes in %s", out, work)
	requireCommits(results)
}

// preloaded is a node's state right after its preload, from which every
// pair starts. The pairs do not grow the two chains alike — a TransferBill
// adds a history entry and a holder-index entry, a send between existing
// accounts adds nothing — so a pair run on the state an earlier pair left
// would compare tradechaind at a larger state than simd. The node is stopped
// after the preload and, with more than one pair, its home copied; each pair
// starts the node afresh (cold caches alike) on that state.
type preloaded struct {
	n   *node
	dir string // the copy of the home ("" with one pair)
	hwm int64  // the preloading process's VmHWM
}

// keepPreload stops n after its preload and keeps its state for pairs pairs.
func keepPreload(n *node, pairs int) preloaded {
	_, _, hwm := procStat(n.cmd.Process.Pid)
	n.stop()
	k := preloaded{n: n, hwm: hwm}
	if pairs > 1 {
		k.dir = n.home + ".preloaded"
		check(os.RemoveAll(k.dir))
		copyTree(n.home, k.dir)
	}
	return k
}

// sweepPairs runs sweep for each pair on the preloaded state — the node
// started afresh, the home restored from the copy before every pair but the
// first — counts the preload's peak RSS in each result's VmHWM (the node that
// measured them started after it), stops the node and removes the copy.
func (k preloaded) sweepPairs(pairs []pair, sweep func(pair) []result) []result {
	var rs []result
	for i, p := range pairs {
		if i > 0 {
			check(os.RemoveAll(k.n.home))
			copyTree(k.dir, k.n.home)
			logf("%s: state restored to the preload's", k.n.name)
		}
		k.n.start()
		for _, r := range sweep(p) {
			r.HWM = max(r.HWM, k.hwm)
			rs = append(rs, r)
		}
		k.n.stop()
	}
	if k.dir != "" {
		check(os.RemoveAll(k.dir))
	}
	return rs
}

// copyTree copies folder from to to (which must not exist), keeping modes.
func copyTree(from, to string) {
	if out, err := exec.Command("cp", "-a", from, to).CombinedOutput(); err != nil {
		fatalf("copy %s: %v: %s", from, err, out)
	}
}

// save writes the results so far: after each chain of each size, so that a
// long run keeps what it measured.
func save(results []result, out string) {
	bz, err := json.MarshalIndent(results, "", "  ")
	check(err)
	check(os.WriteFile(out, bz, 0o644))
}

func newSimdWorkload(name string, r *recipients, step *int) workload {
	switch name {
	case "send-existing":
		return existingSendWorkload(r, step)
	case "send-new":
		return newSendWorkload(r)
	}
	fatalf("unknown simd workload %q", name)
	return workload{}
}

func tagged(rs []result, size int, pair string) []result {
	for i := range rs {
		rs[i].StateSize, rs[i].Pair = size, pair
	}
	return rs
}

// knee is a sweep's highest offered rate with p95 ≤ 2 s (its step), or
// nothing.
func knee(rs []result) (result, bool) {
	var best result
	ok := false
	for _, r := range rs {
		if r.P95 <= 2 && (!ok || r.Offered > best.Offered) {
			best, ok = r, true
		}
	}
	return best, ok
}

// reportSizes prints the comparison: per state size and pair, each chain's
// knee (committed tx/s there, node CPU there), its peak RSS over the sweep
// and the node's high-water mark since it started (the preload's included),
// and the ratio of the knees' committed rates.
func reportSizes(results []result, bases []chain) {
	type key struct {
		size  int
		pair  string
		chain string
	}
	groups := map[key][]result{}
	var sizes []int
	seen := map[int]bool{}
	for _, r := range results {
		k := key{r.StateSize, r.Pair, r.Chain}
		groups[k] = append(groups[k], r)
		if !seen[r.StateSize] {
			seen[r.StateSize] = true
			sizes = append(sizes, r.StateSize)
		}
	}
	sort.Ints(sizes)
	cell := func(rs []result) (string, float64, int) {
		kn, ok := knee(rs)
		var peak, hwm int64
		for _, r := range rs {
			peak, hwm = max(peak, r.PeakRSS), max(hwm, r.HWM)
		}
		if !ok {
			return fmt.Sprintf("none ≤ 2 s | – | %d / %d MiB", peak>>20, hwm>>20), 0, 0
		}
		return fmt.Sprintf("%d offered: %.0f/s (p95 %s) | %.2f | %d / %d MiB", kn.Offered, kn.TPS, secs(kn.P95), kn.CPU, peak>>20, hwm>>20), kn.TPS, kn.Offered
	}
	fmt.Println("\nState size comparison: committed tx/s at the highest offered rate with p95 ≤ 2 s from the scheduled time;")
	fmt.Println("node CPU (cores) at that rate; peak RSS over the sweep / the node's VmHWM since start (preload included);")
	fmt.Println("ratio: tradechaind's committed tx/s at its knee over simd's (the offered knees' ratio in brackets).")
	fmt.Println("\n| records | pair | tradechaind | knee | CPU | RSS | baseline | knee | CPU | RSS | ratio |")
	fmt.Println("|---:|---|---|---|---:|---:|---|---|---:|---:|---:|")
	for _, size := range sizes {
		for _, p := range pairs {
			for _, base := range bases {
				t, s := groups[key{size, p.name, "tradechaind"}], groups[key{size, p.name, base.name}]
				if len(t) == 0 && len(s) == 0 {
					continue
				}
				tc, tr, to := cell(t)
				scell, sr, so := cell(s)
				ratio := "–"
				if sr > 0 {
					ratio = fmt.Sprintf("%.2f× (%.2f×)", tr/sr, float64(to)/float64(so))
				}
				tname, sname := p.trade, p.simd
				if len(t) > 0 {
					tname = t[0].Workload
				}
				if len(s) > 0 {
					sname = s[0].Workload
				}
				fmt.Printf("| %d | %s | %s | %s | %s: %s | %s | %s |\n", size, p.name, tname, tc, base.name, sname, scell, ratio)
			}
		}
	}
}
