package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/tradechain/tradechain/internal/loadgen"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// workload builds the k-th transaction of a step for an account.
type workload struct {
	name string
	// gas is the most a transaction of it may ask: its simulation runs
	// with it (step asks what the simulation used, adjusted).
	gas uint64
	// msg builds the message account i sends as its j-th of this kind.
	msg func(n *node, accs []*loadgen.Account, i, j int) proto.Message
}

func sendWorkload() workload {
	return workload{name: "bank MsgSend", gas: 200_000, msg: func(n *node, accs []*loadgen.Account, i, _ int) proto.Message {
		from, to := accs[i], accs[(i+1)%len(accs)]
		return &banktypes.MsgSend{FromAddress: from.Bech32(n.prefix), ToAddress: to.Bech32(n.prefix), Amount: sdk.NewCoins(sdk.NewInt64Coin(n.denom, 1))}
	}}
}

// bills is the book of preloaded bills: each account holds its own, and a
// transfer hands bill j of account i to account i+1.
type bills struct {
	perAccount int
	next       []int // next unused bill per account, for transfers
	issued     []int // bills issued so far per account
}

// clone is a copy of the book, to start another sweep from the same bills.
func (b *bills) clone() *bills {
	return &bills{perAccount: b.perAccount, next: append([]int(nil), b.next...), issued: append([]int(nil), b.issued...)}
}

func billRef(j int) string   { return fmt.Sprintf("P%07d", j) }
func billID(i, j int) string { return partyCode(i) + "-" + billRef(j) }
func docHash(i int, ref string) string {
	return fmt.Sprintf("%x", sha256.Sum256([]byte(fmt.Sprintf("%d/%s", i, ref))))
}

func issueMsg(n *node, a *loadgen.Account, i int, ref string, to string) *cargotypes.MsgIssueBill {
	today := time.Now().UTC().Format(time.DateOnly)
	return &cargotypes.MsgIssueBill{Carrier: a.Bech32(n.prefix), TransportDocumentReference: ref, Type: cargotypes.BILL_TYPE_BOL,
		Mode: cargotypes.BILL_MODE_BLANK, IssueTo: to, DocumentHash: docHash(i, ref), PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG",
		IssueDate: today, ShippedOnBoardDate: today}
}

func transferWorkload(b *bills) workload {
	return workload{name: "TransferBill", gas: 400_000, msg: func(n *node, accs []*loadgen.Account, i, _ int) proto.Message {
		j := b.next[i]
		if j >= b.issued[i] {
			fatalf("account %d has no more preloaded bills to transfer (raise -bills)", i)
		}
		b.next[i]++
		return &cargotypes.MsgTransferBill{Holder: accs[i].Bech32(n.prefix), BillId: billID(i, j), To: accs[(i+1)%len(accs)].Bech32(n.prefix)}
	}}
}

func milestoneWorkload(b *bills) workload {
	return workload{name: "RecordMilestone", gas: 400_000, msg: func(n *node, accs []*loadgen.Account, i, j int) proto.Message {
		return &cargotypes.MsgRecordMilestone{Recorder: accs[i].Bech32(n.prefix), BillId: billID(i, j%b.issued[i]),
			EventCode: cargotypes.EventCodes[j%len(cargotypes.EventCodes)], Classifier: "ACT", Location: "CNSHA", EventTime: time.Now().UTC().Truncate(time.Second)}
	}}
}

func issueWorkload(step *int) workload {
	return workload{name: "IssueBill", gas: 400_000, msg: func(n *node, accs []*loadgen.Account, i, j int) proto.Message {
		return issueMsg(n, accs[i], i, fmt.Sprintf("S%03dN%06d", *step, j), accs[i].Bech32(n.prefix))
	}}
}

// newWorkload returns the named workload: send, transfer, milestone or issue.
// Milestones are recorded on bills, so "milestone" first preloads
// milestoneBills bills per account; transfers need bills their callers preload.
func newWorkload(n *node, accs []*loadgen.Account, name string, b *bills, step *int, milestoneBills int) workload {
	switch name {
	case "send":
		return sendWorkload()
	case "transfer":
		return transferWorkload(b)
	case "milestone":
		preload(n, accs, b, milestoneBills, 50)
		return milestoneWorkload(b)
	case "issue":
		return issueWorkload(step)
	}
	fatalf("unknown workload %q", name)
	return workload{}
}

// preloadBroadcast submits one preload tx. Its CheckTx waits for the ABCI
// lock while the node executes the previous wave's block — over CometBFT's
// 10 s RPC write timeout for blocks of ~14,000 IssueBills at 500,000 bills in
// state — and the server then drops the connection: such a tx is sent again
// (a copy already in the mempool answers "tx already exists in cache").
func preloadBroadcast(n *node, tx []byte) {
	for attempt := 1; ; attempt++ {
		code, log, err := n.client.Broadcast(context.Background(), tx)
		switch {
		case err == nil && code == 0:
			return
		case err != nil && strings.Contains(err.Error(), "already exists in cache"):
			return
		case err != nil && attempt < 10:
			time.Sleep(time.Second)
			continue
		}
		fatalf("preload tx refused: %v %s", err, log)
	}
}

// preload issues perAccount bills to each account (carrier = holder), in
// transactions of batch messages.
func preload(n *node, accs []*loadgen.Account, b *bills, perAccount, batch int) {
	start := time.Now()
	var txs [][]byte
	var perMsg uint64 // gas asked per IssueBill: a full batch's simulation, adjusted
	for i, a := range accs {
		for j := b.issued[i]; j < perAccount; j += batch {
			var msgs []proto.Message
			for k := j; k < j+batch && k < perAccount; k++ {
				msgs = append(msgs, issueMsg(n, a, i, billRef(k), a.Bech32(n.prefix)))
			}
			if perMsg == 0 {
				gas, err := n.client.EstimateGas(context.Background(), n.chainID, a, uint64(len(msgs))*250_000, msgs...)
				check(err)
				perMsg = gas/uint64(len(msgs)) + 1
			}
			tx, err := loadgen.Sign(n.chainID, a, uint64(len(msgs))*perMsg, sdk.NewCoins(), msgs...)
			check(err)
			txs = append(txs, tx)
		}
	}
	sendWaves(n, txs, batch, "bills")
	for i := range accs {
		b.issued[i] = perAccount
	}
	logf("preloaded %d bills in %d txs in %s", perAccount*len(accs), len(txs), time.Since(start).Round(time.Second))
}

// sendWaves submits pre-signed preload transactions of perTx records each
// in waves that fit the mempool, waiting for each wave to commit, and logs
// the rate each minute (it falls as the state grows).
func sendWaves(n *node, txs [][]byte, perTx int, what string) {
	tr := loadgen.NewTracker(n.client, n.client.Height(context.Background()))
	const wave = 400
	lastLog, lastDone := time.Now(), 0
	for w := 0; w < len(txs); w += wave {
		end := min(w+wave, len(txs))
		if time.Since(lastLog) >= time.Minute { // the rate as the state grows
			logf("preload: %d of %d txs, %.0f %s/s over the last %s", w, len(txs),
				float64((w-lastDone)*perTx)/time.Since(lastLog).Seconds(), what, time.Since(lastLog).Round(time.Second))
			lastLog, lastDone = time.Now(), w
		}
		var hashes []string
		for _, tx := range txs[w:end] {
			preloadBroadcast(n, tx)
			hashes = append(hashes, loadgen.Hash(tx))
		}
		check(tr.WaitAll(context.Background(), hashes, 5*time.Minute))
	}
}

// result is one step of a sweep.
type result struct {
	Chain     string  `json:"chain"`
	Workload  string  `json:"workload"`
	Offered   int     `json:"offered_tps"`
	Seconds   float64 `json:"seconds"`
	Scheduled int     `json:"scheduled"`
	Committed int     `json:"committed"`
	TPS       float64 `json:"committed_tps"`
	P50       float64 `json:"p50_s"` // +Inf when more than half never committed
	P95       float64 `json:"p95_s"`
	Failed    int     `json:"failed"`  // refused by CheckTx or failed in the block
	Dropped   int     `json:"dropped"` // accepted by CheckTx, never committed
	CPU       float64 `json:"cpu_cores"`
	// GenCPU is the load generator's own CPU over the same window
	// (broadcasting and reading blocks; signing and encoding happen before).
	GenCPU  float64 `json:"generator_cpu_cores"`
	PeakRSS int64   `json:"peak_rss_bytes"`
	// GasWanted is the gas each transaction of the step asked (its
	// simulation's, adjusted); the block gas limit counts it.
	GasWanted uint64 `json:"gas_wanted"`
	// Bills is how many bills the load test had preloaded before this step
	// (the issue workload's own bills come on top).
	Bills int `json:"bills_in_state,omitempty"`
	// HWM is the node's VmHWM after the step: its peak RSS since it
	// started, the preload's included.
	HWM int64 `json:"node_hwm_bytes,omitempty"`
	// StateSize and Pair place a step of a state-size comparison
	// (-state-sizes): the records preloaded, and the pair of workloads
	// compared.
	StateSize int    `json:"state_records,omitempty"`
	Pair      string `json:"pair,omitempty"`
}

// step offers rate tx/s of a workload for d, then waits up to grace for
// commits, and measures.
func step(n *node, accs []*loadgen.Account, w workload, rate int, d, grace time.Duration) result {
	total := int(float64(rate) * d.Seconds())
	msgs := make([]proto.Message, total)
	perAcc := make([]int, len(accs))
	for k := range msgs {
		i := k % len(accs)
		msgs[k] = w.msg(n, accs, i, perAcc[i])
		perAcc[i]++
	}
	// Each transaction asks the gas a client's --gas auto would: the first
	// one's simulation times the adjustment (the zone's block gas limit
	// counts what a transaction asks, not what it uses).
	gas, err := n.client.EstimateGas(context.Background(), n.chainID, accs[0], w.gas, msgs[0])
	check(err)
	txs := make([][]byte, total)
	for k := range txs {
		tx, err := loadgen.Sign(n.chainID, accs[k%len(accs)], gas, sdk.NewCoins(), msgs[k])
		check(err)
		txs[k] = tx
	}
	hashes, bodies := make([]string, total), make([][]byte, total)
	for k, tx := range txs {
		hashes[k], bodies[k] = loadgen.Hash(tx), loadgen.EncodeBroadcast(tx)
	}

	ctx, cancel := context.WithCancel(context.Background())
	tr := loadgen.NewTracker(n.client, n.client.Height(ctx))
	tr.DeferResults = true // read the tx codes after the window, not on the node's CPU in it
	go tr.Run(ctx, 100*time.Millisecond)
	pid := n.cmd.Process.Pid
	cpu0, _, _ := procStat(pid)
	gen0, _, _ := procStat(os.Getpid())
	var peak int64
	var mu sync.Mutex
	sampler := time.NewTicker(250 * time.Millisecond)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-sampler.C:
				_, rss, _ := procStat(pid)
				mu.Lock()
				peak = max(peak, rss)
				mu.Unlock()
			}
		}
	}()

	// Workers broadcast each tx at (or as soon as possible after) its
	// scheduled time; latency counts from the schedule. An account's txs
	// always go through the same worker, so they reach the mempool in
	// sequence order.
	const workers = 50
	queues := make([]chan int, workers)
	checkFailed := make([]bool, total)
	var firstErr sync.Once
	var wg sync.WaitGroup
	for w := range queues {
		queues[w] = make(chan int, total/workers+len(accs))
		wg.Add(1)
		go func(q chan int) {
			defer wg.Done()
			for k := range q {
				code, log, err := n.client.BroadcastBody(ctx, bodies[k])
				if err != nil || code != 0 {
					checkFailed[k] = true
					firstErr.Do(func() { logf("first refusal at %d/s: code %d %s %v", rate, code, log, err) })
				}
			}
		}(queues[w])
	}
	t0 := time.Now()
	sched := func(k int) time.Time { return t0.Add(time.Duration(float64(k) / float64(rate) * float64(time.Second))) }
	for k := range txs {
		if wait := time.Until(sched(k)); wait > 0 {
			time.Sleep(wait)
		}
		queues[(k%len(accs))%workers] <- k
	}
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
	// grace: until everything accepted committed, or the grace ends
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		done := true
		for k, h := range hashes {
			if _, ok := tr.Get(h); !ok && !checkFailed[k] {
				done = false
				break
			}
		}
		if done {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	cancel()
	_ = tr.Poll(context.Background())
	cpu1, _, _ := procStat(pid)
	gen1, _, _ := procStat(os.Getpid())
	wall := time.Since(t0)
	check(tr.FillResults(context.Background()))

	r := result{Chain: n.name, Workload: w.name, Offered: rate, Seconds: d.Seconds(), Scheduled: total,
		CPU: (cpu1 - cpu0).Seconds() / wall.Seconds(), GenCPU: (gen1 - gen0).Seconds() / wall.Seconds(), PeakRSS: peak, GasWanted: gas}
	var blockFailure sync.Once
	lat := make([]float64, total)
	var first, last time.Time
	for k, h := range hashes {
		c, ok := tr.Get(h)
		switch {
		case ok && c.Code == 0:
			r.Committed++
			lat[k] = c.Seen.Sub(sched(k)).Seconds()
			if c.Seen.After(last) {
				last = c.Seen
			}
			if first.IsZero() || c.Seen.Before(first) {
				first = c.Seen
			}
		case ok:
			r.Failed++
			lat[k] = math.Inf(1)
			blockFailure.Do(func() { logf("first failure in a block at %d/s: code %d %s", rate, c.Code, c.Log) })
		case checkFailed[k]:
			r.Failed++
			lat[k] = math.Inf(1)
		default:
			r.Dropped++
			lat[k] = math.Inf(1)
		}
	}
	// throughput over the span the commits took (at least the offered span)
	span := max(d, last.Sub(first))
	r.TPS = float64(r.Committed) / span.Seconds()
	sort.Float64s(lat)
	r.P50, r.P95 = lat[total/2], lat[total*95/100]
	return r
}
