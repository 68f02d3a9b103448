package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/tradechain/tradechain/internal/loadgen"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// stateScale preloads nBills bills through batched IssueBill transactions,
// reports the state bytes per bill, then measures query latency over gRPC
// and REST under concurrent load.
// A query whose name contains profQuery also gets an 8 s CPU profile.
// Then it sweeps the workloads of sw, if any, on the same node, so that a
// large state is preloaded once for the queries and the throughput figures.
func stateScale(c chain, work string, accounts []*loadgen.Account, nBills int, commit time.Duration, profQuery string, sw scaleSweep) {
	n := setupNode(c, work, accounts, commit)
	n.start()
	defer n.stop()
	app0, data0 := n.appDBBytes(), n.dataBytes()
	b := &bills{next: make([]int, len(accounts)), issued: make([]int, len(accounts))}
	per := (nBills + len(accounts) - 1) / len(accounts)
	preload(n, accounts, b, per, 100)
	defer func() {
		_, _, hwm := procStat(n.cmd.Process.Pid)
		fmt.Printf("\nnode peak RSS over the whole run (VmHWM): %d MiB\n", hwm>>20)
	}()
	measureQueries(c, n, work, accounts, per, app0, data0, profQuery)

	var results []result
	stepN := 0
	for _, name := range sw.workloads {
		w := newWorkload(n, accounts, name, b, &stepN, 20)
		results = append(results, sweepRates(c, n, accounts, name, w, b, &stepN, sw.rates, sw.d, sw.grace)...)
	}
	if len(results) > 0 {
		bz, err := json.MarshalIndent(results, "", "  ")
		check(err)
		check(os.WriteFile(sw.out, bz, 0o644))
		report(results)
	}
}

// measureQueries reports the state bytes per bill of a node just preloaded
// with per bills for each account (app0 and data0: application.db and the
// data folder before the preload), then the latency of point queries and
// pages of bills over gRPC and REST under concurrent clients, on the idle
// node. A query whose name contains profQuery also gets an 8 s CPU profile.
func measureQueries(c chain, n *node, work string, accounts []*loadgen.Account, per int, app0, data0 int64, profQuery string) {
	total := per * len(accounts)
	// the queries are measured on an idle node, as each rate of a sweep is,
	// not against the compaction of the preload
	fmt.Printf("[%s] node idle after %s\n", time.Now().Format("15:04:05"), n.settle(15*time.Minute).Round(time.Second))
	app1, data1 := n.appDBBytes(), n.dataBytes()
	fmt.Printf("\nstate scale: %d bills preloaded\n", total)
	fmt.Printf("  application.db: %d → %d bytes: %.0f bytes per bill (IAVL state, all versions kept by the default pruning)\n",
		app0, app1, float64(app1-app0)/float64(total))
	fmt.Printf("  whole data folder (state + blocks + tx index): %.0f bytes per bill\n", float64(data1-data0)/float64(total))

	conn, err := grpc.NewClient(n.grpc(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	check(err)
	defer conn.Close()
	qc := cargotypes.NewQueryClient(conn)
	rng := func(seed int64) *rand.Rand { return rand.New(rand.NewSource(seed)) }
	type q struct {
		name string
		call func(r *rand.Rand) error
	}
	pick := func(r *rand.Rand) (int, int) { return r.Intn(len(accounts)), r.Intn(per) }
	// rest GETs path and decodes the JSON answer into out (nil: read and
	// drop). A page's answer is decoded from its "pagination" field on: the
	// 50 bills before it are the node's work to write, and decoding them
	// here would spend the shared cores on the client.
	rest := func(path string, out any) error {
		resp, err := http.Get(n.api() + path)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		bz, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != 200 {
			return fmt.Errorf("%s: HTTP %d", path, resp.StatusCode)
		}
		if page, ok := out.(*pageAnswer); ok {
			const field = `"pagination":`
			i := bytes.LastIndex(bz, []byte(field))
			if i < 0 {
				return fmt.Errorf("%s: no pagination in the answer", path)
			}
			return json.NewDecoder(bytes.NewReader(bz[i+len(field):])).Decode(&page.Pagination)
		}
		if out != nil {
			return json.Unmarshal(bz, out)
		}
		return nil
	}
	walks := &pageWalks{}
	queries := []q{
		{"gRPC Bill", func(r *rand.Rand) error {
			i, j := pick(r)
			_, err := qc.Bill(context.Background(), &cargotypes.QueryBillRequest{Id: billID(i, j)})
			return err
		}},
		{"gRPC Bills?holder= (page of 50, next_key)", func(r *rand.Rand) error {
			req := walks.next(r, func() string { return accounts[r.Intn(len(accounts))].Bech32(n.prefix) })
			res, err := qc.Bills(context.Background(), &cargotypes.QueryBillsRequest{Holder: req.holder,
				Pagination: &query.PageRequest{Limit: 50, Key: req.key}})
			if err == nil {
				walks.done(req, res.Pagination.NextKey)
			}
			return err
		}},
		{"gRPC Bills?holder= (page of 50, random offset)", func(r *rand.Rand) error {
			i, _ := pick(r)
			_, err := qc.Bills(context.Background(), &cargotypes.QueryBillsRequest{Holder: accounts[i].Bech32(n.prefix),
				Pagination: &query.PageRequest{Limit: 50, Offset: uint64(r.Intn(max(1, per-50)))}})
			return err
		}},
		{"gRPC Document", func(r *rand.Rand) error {
			i, j := pick(r)
			_, err := qc.Document(context.Background(), &cargotypes.QueryDocumentRequest{Hash: docHash(i, billRef(j))})
			return err
		}},
		{"REST bills/{id}", func(r *rand.Rand) error {
			i, j := pick(r)
			return rest("/tradechain/cargo/v1/bills/"+billID(i, j), nil)
		}},
		{"REST bills?holder= (page of 50, next_key)", func(r *rand.Rand) error {
			req := walks.next(r, func() string { return accounts[r.Intn(len(accounts))].Bech32(n.prefix) })
			path := fmt.Sprintf("/tradechain/cargo/v1/bills?holder=%s&pagination.limit=50", req.holder)
			if req.key != nil {
				path += "&pagination.key=" + url.QueryEscape(base64.StdEncoding.EncodeToString(req.key))
			}
			var page pageAnswer
			if err := rest(path, &page); err != nil {
				return err
			}
			walks.done(req, page.Pagination.NextKey)
			return nil
		}},
		{"REST bills?holder= (page of 50, random offset)", func(r *rand.Rand) error {
			i, _ := pick(r)
			return rest(fmt.Sprintf("/tradechain/cargo/v1/bills?holder=%s&pagination.limit=50&pagination.offset=%d", accounts[i].Bech32(n.prefix), r.Intn(max(1, per-50))), nil)
		}},
		{"REST documents/{hash}", func(r *rand.Rand) error {
			i, j := pick(r)
			return rest("/tradechain/cargo/v1/documents/"+docHash(i, billRef(j)), nil)
		}},
	}
	const workers, d = 8, 10 * time.Second
	fmt.Printf("\n| query (%d concurrent clients, %s each) | queries/s | p50 | p99 | errors |\n|---|---:|---:|---:|---:|\n", workers, d)
	for qi, qq := range queries {
		var mu sync.Mutex
		var lat []time.Duration
		errs := 0
		var wg sync.WaitGroup
		end := time.Now().Add(d)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(seed int64) {
				defer wg.Done()
				r := rng(seed)
				for time.Now().Before(end) {
					t := time.Now()
					err := qq.call(r)
					el := time.Since(t)
					mu.Lock()
					if err != nil {
						errs++
					} else {
						lat = append(lat, el)
					}
					mu.Unlock()
				}
			}(int64(qi*100 + w))
		}
		var profile string
		if profQuery != "" && strings.Contains(qq.name, profQuery) {
			time.Sleep(time.Second)
			profile = n.pprof(work, "profile", "?seconds=8", fmt.Sprintf("cpu-query-%d.pprof", qi))
		}
		wg.Wait()
		if profile != "" {
			out, _ := exec.Command("go", "tool", "pprof", "-top", "-cum", "-nodecount=40", c.bin, profile).CombinedOutput()
			defer fmt.Printf("\nCPU profile of %q: %s\n%s", qq.name, profile, out)
		}
		sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
		if len(lat) == 0 {
			fmt.Printf("| %s | 0 | - | - | %d |\n", qq.name, errs)
			continue
		}
		fmt.Printf("| %s | %.0f | %.1f ms | %.1f ms | %d |\n", qq.name, float64(len(lat))/d.Seconds(),
			ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), errs)
	}
}

// scaleSweep is the rate sweep of a state-scale run (-scale-workloads).
type scaleSweep struct {
	workloads []string
	rates     []int
	d, grace  time.Duration
	out       string
}

// pageWalks are the clients' walks through a holder's bills, page after
// page with pagination.key, as a wallet or a bank's back office reads them:
// a walk starts at a random holder's first page and ends at its last.
type pageWalks struct {
	mu   sync.Mutex
	open []pageReq
}

type pageReq struct {
	holder string
	key    []byte
}

// next returns a page to read: a walk in progress, or a new one.
func (w *pageWalks) next(r *rand.Rand, holder func() string) pageReq {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.open) == 0 {
		return pageReq{holder: holder()}
	}
	i := r.Intn(len(w.open))
	req := w.open[i]
	w.open = append(w.open[:i], w.open[i+1:]...)
	return req
}

// done records the page read: its walk goes on while there is a next page.
func (w *pageWalks) done(req pageReq, nextKey []byte) {
	if len(nextKey) == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.open = append(w.open, pageReq{holder: req.holder, key: nextKey})
}

// pageAnswer is what a state-scale run reads of a REST page of bills.
type pageAnswer struct {
	Pagination struct {
		NextKey []byte `json:"next_key"`
	} `json:"pagination"`
}

// pprof saves one of the node's pprof profiles (kind, e.g. "profile?seconds=15"
// or "allocs") to work/file and returns its path.
func (n *node) pprof(work, kind, query, file string) string {
	file = filepath.Join(work, file)
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/%s%s", n.ports["pprof"], kind, query))
	check(err)
	defer resp.Body.Close()
	f, err := os.Create(file)
	check(err)
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	check(err)
	return file
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func dirBytes(dir string) int64 {
	var total int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			total += info.Size()
		}
		return nil
	})
	return total
}

// profileRun offers a workload at rate and takes a 15 s CPU profile of the
// node through its pprof listener.
func profileRun(c chain, work string, accounts []*loadgen.Account, name string, rate, perAccount int, commit time.Duration) {
	n := setupNode(c, work, accounts, commit)
	n.start()
	defer n.stop()
	b := &bills{next: make([]int, len(accounts)), issued: make([]int, len(accounts))}
	stepN := 0
	w := newWorkload(n, accounts, name, b, &stepN, max(perAccount, 10))
	switch name {
	case "transfer":
		preload(n, accounts, b, max(perAccount, rate*25/len(accounts)+1), 50)
	case "issue":
		if perAccount > 0 {
			preload(n, accounts, b, perAccount, 50)
		}
	}
	n.resync(accounts)
	done := make(chan result)
	go func() { done <- step(n, accounts, w, rate, 25*time.Second, 15*time.Second) }()
	time.Sleep(6 * time.Second) // the signing of the step's txs, then load
	// allocations are cumulative: the window's are the difference of two snapshots
	allocs0 := n.pprof(work, "allocs", "", fmt.Sprintf("allocs0-%s.pprof", name))
	cpu := n.pprof(work, "profile", "?seconds=15", fmt.Sprintf("cpu-%s.pprof", name))
	allocs1 := n.pprof(work, "allocs", "", fmt.Sprintf("allocs-%s.pprof", name))
	r := <-done
	logf("%s at %d/s: committed %.0f/s p50 %s p95 %s, node cpu %.2f cores, peak rss %d MiB; profiles %s, %s (base %s)",
		w.name, rate, r.TPS, secs(r.P50), secs(r.P95), r.CPU, r.PeakRSS>>20, cpu, allocs1, allocs0)
	out, _ := exec.Command("go", "tool", "pprof", "-top", "-nodecount=30", c.bin, cpu).CombinedOutput()
	fmt.Println(string(out))
	out, _ = exec.Command("go", "tool", "pprof", "-top", "-cum", "-nodecount=30", "-sample_index=alloc_space",
		"-diff_base", allocs0, c.bin, allocs1).CombinedOutput()
	fmt.Println(string(out))
}

// soakRun offers a workload for a long time and reports the node's peak RSS.
func soakRun(c chain, work string, accounts []*loadgen.Account, name string, rate int, d, commit time.Duration) {
	if name == "transfer" {
		fatalf("soak supports send, milestone, issue (transfer would need a bill per tx preloaded)")
	}
	n := setupNode(c, work, accounts, commit)
	n.start()
	defer n.stop()
	b := &bills{next: make([]int, len(accounts)), issued: make([]int, len(accounts))}
	stepN := 0
	w := newWorkload(n, accounts, name, b, &stepN, 20)
	n.resync(accounts)
	r := step(n, accounts, w, rate, d, 20*time.Second)
	_, _, hwm := procStat(n.cmd.Process.Pid)
	fmt.Printf("\nsoak: %s at %d/s for %s: committed %.0f/s p50 %s p95 %s failed %d dropped %d; node peak RSS %d MiB (VmHWM %d MiB)\n",
		w.name, rate, d, r.TPS, secs(r.P50), secs(r.P95), r.Failed, r.Dropped, r.PeakRSS>>20, hwm>>20)
}
