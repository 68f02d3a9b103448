// Command loadtest measures a running zone under sustained load, side by side
// with a plain Cosmos SDK chain (ibc-go v8.8.0's simd), on this machine.
//
// For each chain it initialises a single-validator zone on loopback (same
// node settings: timeout_commit, default kv tx indexer, zero gas price),
// funds N signer accounts in genesis (and registers them as parties on
// tradechaind), pre-signs every transaction offline, broadcasts them over
// CometBFT RPC at a set rate, reads the committed results back from the
// blocks, and reports per offered rate: committed tx/s, p50/p95 latency from
// the scheduled send time to the block that committed it (a tx never sent or
// never committed counts as infinitely late), failed and dropped counts, node
// CPU and peak RSS. The saturation point is the highest offered rate with
// p95 ≤ 2 s.
//
//	go run ./cmd/loadtest                       # the sweep (= make loadtest)
//	go run ./cmd/loadtest -scale 100000          # state-scale run (queries)
//	go run ./cmd/loadtest -state-sizes 120000,1000000   # against simd at N bills / N accounts
//	go run ./cmd/loadtest -soak 10m -soak-rate 320 -soak-workload issue
//	go run ./cmd/loadtest -profile transfer -profile-rate 450   # CPU + allocations
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tradechain/tradechain/internal/loadgen"
)

func main() {
	var (
		tradechaind = flag.String("tradechaind", "bin/tradechaind", "tradechaind binary")
		simd        = flag.String("simd", "bin/simd", "simd binary (ibc-go v8.8.0 testing/simapp; empty to skip)")
		accountsN   = flag.Int("accounts", 200, "signer accounts")
		ratesFlag   = flag.String("rates", "400,450,500,550,600,650,700", "offered rates (tx/s), swept upwards")
		duration    = flag.Duration("duration", 15*time.Second, "how long each rate is offered")
		grace       = flag.Duration("grace", 15*time.Second, "how long to wait for commits after the last send")
		commit      = flag.Duration("timeout-commit", time.Second, "CometBFT timeout_commit of both chains")
		workloads   = flag.String("workloads", "send,transfer,milestone,issue", "tradechaind workloads")
		dir         = flag.String("dir", "", "work folder (default: a temp folder)")
		out         = flag.String("out", "loadtest-results.json", "JSON results")
		scale       = flag.Int("scale", 0, "state-scale run: preload this many bills, then measure queries (skips the sweep)")
		profQuery   = flag.String("profile-query", "", "state-scale run: CPU-profile the queries whose name contains this (e.g. 'REST bills?holder')")
		profile     = flag.String("profile", "", "write a 15 s CPU profile of tradechaind under the given workload at -profile-rate")
		profileRate = flag.Int("profile-rate", 1000, "offered rate while profiling")
		profBills   = flag.Int("profile-bills", 0, "bills preloaded per account before profiling (default: enough for the run)")
		soak        = flag.Duration("soak", 0, "soak run: offer -soak-rate of -soak-workload this long, sampling RSS")
		soakRate    = flag.Int("soak-rate", 800, "offered rate of the soak run")
		soakWork    = flag.String("soak-workload", "issue", "workload of the soak run")
		stateBillsF = flag.Int("state-bills", 0, "sweep: preload this many bills (spread over the accounts) before the first rate of each tradechaind workload, to measure at that state size")
		scaleWork   = flag.String("scale-workloads", "", "state-scale run: after the queries, sweep these tradechaind workloads at -rates on the same node (e.g. 'issue,transfer')")
		appSet      = flag.String("tradechaind-app", "", "app.toml overrides for tradechaind, e.g. 'iavl-disable-fastnode=true,index-events=[]'")
		simdSet     = flag.String("simd-settings", "stock", "state-size comparison: the simd baselines, 'stock' (simd as its init writes it), 'same' (simd-appdb with tradechaind's store settings: its [app-db] options, iavl-cache-size and index-events), or 'stock,same'")
		simdAppDB   = flag.String("simd-appdb", "bin/simd-appdb", "simd-appdb binary (tools/simd/appdb: simd whose start command takes goleveldb options), for -simd-settings same")
		sizeQuery   = flag.Bool("state-queries", false, "state-size comparison: on tradechaind, after each preload, measure the queries as -scale does (point queries and pages of 50 over gRPC and REST, state bytes per bill)")
		sizePairs   = flag.String("state-pairs", "move,add", "state-size comparison: the pairs to sweep, 'move' (TransferBill / a send to an existing account), 'add' (IssueBill / a send to a new account) or both")
		sizesFlag   = flag.String("state-sizes", "", "state-size comparison with simd: at each size N (e.g. '120000,1000000'), tradechaind with N bills and simd with N accounts, each preloaded 100 records a tx; TransferBill vs a send between existing accounts, IssueBill vs a send to a new account, at -rates")
	)
	flag.Parse()
	work := *dir
	if work == "" {
		var err error
		work, err = os.MkdirTemp("", "tradechain-loadtest")
		check(err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() { <-sig; fatalf("interrupted") }()

	accounts := make([]*loadgen.Account, *accountsN)
	for i := range accounts {
		accounts[i] = loadgen.FromSecret(fmt.Sprintf("tradechain-loadtest-%d", i))
	}
	var rates []int
	for _, s := range strings.Split(*ratesFlag, ",") {
		r, err := strconv.Atoi(strings.TrimSpace(s))
		check(err)
		rates = append(rates, r)
	}
	tc := chain{name: "tradechaind", bin: abs(*tradechaind), prefix: "trade", denom: "utrade", cargo: true}
	for _, kv := range strings.Split(*appSet, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			tc.appSet = append(tc.appSet, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
		}
	}

	stateBills = *stateBillsF
	switch {
	case *sizesFlag != "":
		if *simd == "" {
			fatalf("-state-sizes compares with simd: give -simd")
		}
		var sizes []int
		for _, s := range splitList(*sizesFlag) {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			check(err)
			sizes = append(sizes, v)
		}
		var bases []chain
		for _, set := range splitList(*simdSet) {
			switch set {
			case "stock":
				bases = append(bases, chain{name: "simd", bin: abs(*simd), prefix: "cosmos", denom: "stake"})
			case "same":
				appSet, args := sameSettings(tc, work)
				bases = append(bases, chain{name: "simd-same", bin: abs(*simdAppDB), prefix: "cosmos", denom: "stake", appSet: appSet, startArgs: args})
			default:
				fatalf("-simd-settings: %q is neither stock nor same", set)
			}
		}
		stateSizes(tc, bases, work, accounts, sizes, selectPairs(*sizePairs), rates, *duration, *grace, *commit, *out, *sizeQuery)
		return
	case *scale > 0:
		stateScale(tc, work, accounts, *scale, *commit, *profQuery, scaleSweep{
			workloads: splitList(*scaleWork), rates: rates, d: *duration, grace: *grace, out: *out})
		return
	case *profile != "":
		profileRun(tc, work, accounts, *profile, *profileRate, *profBills, *commit)
		return
	case *soak > 0:
		soakRun(tc, work, accounts, *soakWork, *soakRate, *soak, *commit)
		return
	}

	var results []result
	if *simd != "" {
		sc := chain{name: "simd", bin: abs(*simd), prefix: "cosmos", denom: "stake"}
		results = append(results, sweep(sc, work, accounts, []string{"send"}, rates, *duration, *grace, *commit)...)
	}
	results = append(results, sweep(tc, work, accounts, splitList(*workloads), rates, *duration, *grace, *commit)...)
	bz, err := json.MarshalIndent(results, "", "  ")
	check(err)
	check(os.WriteFile(*out, bz, 0o644))
	report(results)
	logf("results in %s; node homes in %s", *out, work)
	requireCommits(results)
}

// requireCommits fails the run if a step committed nothing: a chain that
// refuses the workload measures nothing.
func requireCommits(results []result) {
	for _, r := range results {
		if r.Committed == 0 {
			fatalf("%s %s at %d/s: nothing committed", r.Chain, r.Workload, r.Offered)
		}
	}
}

// stateBills is -state-bills.
var stateBills int

// splitList splits a comma-separated flag ("" is no element).
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func sum(xs []int) (t int) {
	for _, x := range xs {
		t += x
	}
	return t
}

// sweep runs each workload on a fresh zone (so that each starts from the
// same small state) over the offered rates, upwards, until two rates in a
// row miss p95 ≤ 2 s.
func sweep(c chain, work string, accounts []*loadgen.Account, names []string, rates []int, d, grace, commit time.Duration) []result {
	var out []result
	for _, name := range names {
		out = append(out, sweepOne(c, work, accounts, name, rates, d, grace, commit)...)
	}
	return out
}

func sweepOne(c chain, work string, accounts []*loadgen.Account, name string, rates []int, d, grace, commit time.Duration) []result {
	n := setupNode(c, work, accounts, commit)
	n.start()
	defer n.stop()
	b := &bills{next: make([]int, len(accounts)), issued: make([]int, len(accounts))}
	stepN := 0
	w := newWorkload(n, accounts, name, b, &stepN, 20)
	if c.cargo && stateBills > 0 {
		preload(n, accounts, b, stateBills/len(accounts), 100)
	}
	return sweepRates(c, n, accounts, name, w, b, &stepN, rates, d, grace)
}

// sweepRates offers a workload on a running node at each rate, upwards,
// until two rates in a row miss p95 ≤ 2 s.
func sweepRates(c chain, n *node, accounts []*loadgen.Account, name string, w workload, b *bills, stepN *int, rates []int, d, grace time.Duration) []result {
	var out []result
	misses := 0
	for _, rate := range rates {
		*stepN++
		n.drain(time.Minute)
		if name == "transfer" {
			// just the bills this step hands over
			need := int(float64(rate)*d.Seconds())/len(accounts) + 1
			if b.issued[0]-b.next[0] < need {
				preload(n, accounts, b, b.next[0]+need, 50)
			}
		}
		waited := n.settle(90 * time.Second)
		n.resync(accounts)
		logf("%-11s %-16s offering %5d/s for %s", c.name, w.name, rate, d)
		r := step(n, accounts, w, rate, d, grace)
		if c.cargo {
			r.Bills = sum(b.issued)
		}
		_, _, r.HWM = procStat(n.cmd.Process.Pid)
		out = append(out, r)
		logf("%-11s %-16s offered %5d/s: committed %7.1f/s p50 %s p95 %s failed %d dropped %d cpu %.2f (generator %.2f) rss %d MiB (settled %s)",
			c.name, w.name, rate, r.TPS, secs(r.P50), secs(r.P95), r.Failed, r.Dropped, r.CPU, r.GenCPU, r.PeakRSS>>20, waited.Round(time.Second))
		if r.P95 > 2 {
			misses++
			if misses == 2 {
				break
			}
		} else {
			misses = 0
		}
	}
	return out
}

func report(results []result) {
	fmt.Println("\n| chain | workload | offered tx/s | committed tx/s | p50 | p95 | failed | dropped | node CPU (cores) | generator CPU | peak RSS |")
	fmt.Println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		fmt.Printf("| %s | %s | %d | %.0f | %s | %s | %d | %d | %.2f | %.2f | %d MiB |\n",
			r.Chain, r.Workload, r.Offered, r.TPS, secs(r.P50), secs(r.P95), r.Failed, r.Dropped, r.CPU, r.GenCPU, r.PeakRSS>>20)
	}
	fmt.Println("\nsaturation (highest offered rate with p95 ≤ 2 s):")
	sat := map[string]int{}
	var order []string
	for _, r := range results {
		key := r.Chain + " " + r.Workload
		if _, ok := sat[key]; !ok {
			order = append(order, key)
			sat[key] = 0
		}
		if r.P95 <= 2 && r.Offered > sat[key] {
			sat[key] = r.Offered
		}
	}
	base := sat["simd bank MsgSend"]
	for _, k := range order {
		if base > 0 {
			fmt.Printf("  %-30s %5d tx/s  (%.2f× simd bank send)\n", k, sat[k], float64(sat[k])/float64(base))
		} else {
			fmt.Printf("  %-30s %5d tx/s\n", k, sat[k])
		}
	}
}

func secs(s float64) string {
	if math.IsInf(s, 1) {
		return "∞"
	}
	return fmt.Sprintf("%.2fs", s)
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	check(err)
	if _, err := os.Stat(a); err != nil {
		fatalf("%s: %v (make build / make simd)", p, err)
	}
	return a
}
