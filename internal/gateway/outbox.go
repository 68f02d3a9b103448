package gateway

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// job is one thing the gateway still owes someone: a callback to a carrier,
// a PINT envelope to send, a transaction to broadcast. Jobs are written in
// the same synced batch as the state change that creates them (a
// transactional outbox), so an acknowledged request always has its follow-up
// on disk; the worker retries each with exponential backoff until its
// handler says it is done.
type job struct {
	Seq       uint64          `json:"seq"`
	Kind      string          `json:"kind"`
	Payload   json.RawMessage `json:"payload"`
	Attempts  int             `json:"attempts"`
	NextAt    time.Time       `json:"next_at"`
	LastError string          `json:"last_error,omitempty"`
	Created   time.Time       `json:"created"`
}

// Job kinds.
const (
	jobIssue            = "issue"             // broadcast the authz MsgExec(MsgIssueBill)
	jobIssuanceWatch    = "issuance-watch"    // wait for the registry, then answer the carrier
	jobIssuanceResponse = "issuance-response" // POST /v3/ebl-issuance-responses
	jobSurrenderRequest = "surrender-request" // POST /v3/ebl-surrender-requests
	jobSurrenderAnswer  = "surrender-answer"  // broadcast accept/reject via authz
	jobImport           = "import"            // broadcast MsgImportBill for an accepted envelope
	jobExport           = "export"            // send an envelope over PINT, then conclude
)

// errPermanent marks a job failure that retrying cannot fix: the job is
// dropped (and logged), after its handler recorded the outcome.
var errPermanent = errors.New("permanent failure")

type jobHandler func(ctx context.Context, j *job) error

func jobKey(seq uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	return pJob + fmt.Sprintf("%x", b)
}

// enqueue adds a job to the batch b (inside Store.Update).
func (s *Store) enqueue(b *Batch, kind string, payload any) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	seq, err := s.nextSeq(b, keyJobSeq)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	b.Put(jobKey(seq), job{Seq: seq, Kind: kind, Payload: raw, NextAt: now, Created: now})
	return nil
}

// backoff is the wait before attempt n+1: 1s, 2s, 4s ... capped at max.
func backoff(n int, max time.Duration) time.Duration {
	d := time.Second
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d
}

// outbox runs due jobs until ctx ends.
type outbox struct {
	store    *Store
	handlers map[string]jobHandler
	log      *slog.Logger
	maxWait  time.Duration
	wake     chan struct{}
}

func newOutbox(s *Store, log *slog.Logger) *outbox {
	return &outbox{store: s, handlers: map[string]jobHandler{}, log: log, maxWait: 30 * time.Second, wake: make(chan struct{}, 1)}
}

// kick makes the worker look for due jobs now.
func (o *outbox) kick() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func (o *outbox) run(ctx context.Context) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		o.runDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-o.wake:
		}
	}
}

// runDue runs every job whose time has come, in creation order.
func (o *outbox) runDue(ctx context.Context) {
	now := time.Now()
	var due []job
	_ = o.store.Iterate(pJob, func(_ string, v []byte) (bool, error) {
		var j job
		if err := json.Unmarshal(v, &j); err != nil {
			return true, nil
		}
		if !j.NextAt.After(now) {
			due = append(due, j)
		}
		return true, nil
	})
	for i := range due {
		if ctx.Err() != nil {
			return
		}
		j := &due[i]
		h, ok := o.handlers[j.Kind]
		if !ok {
			o.log.Error("job of unknown kind dropped", "kind", j.Kind, "seq", j.Seq)
			_ = o.store.Update(func(b *Batch) error { b.Delete(jobKey(j.Seq)); return nil })
			continue
		}
		err := h(ctx, j)
		switch {
		case err == nil:
			_ = o.store.Update(func(b *Batch) error { b.Delete(jobKey(j.Seq)); return nil })
		case errors.Is(err, errPermanent):
			o.log.Error("job failed for good", "kind", j.Kind, "seq", j.Seq, "err", err)
			_ = o.store.Update(func(b *Batch) error { b.Delete(jobKey(j.Seq)); return nil })
		case errors.As(err, new(errWaiting)):
			// Waiting for the zone (the next blocks): look again in a second.
			j.NextAt = time.Now().Add(time.Second)
			j.LastError = err.Error()
			_ = o.store.Update(func(b *Batch) error { b.Put(jobKey(j.Seq), j); return nil })
		default:
			j.Attempts++
			j.LastError = err.Error()
			j.NextAt = time.Now().Add(backoff(j.Attempts, o.maxWait))
			o.log.Warn("job will be retried", "kind", j.Kind, "seq", j.Seq, "attempt", j.Attempts, "in", time.Until(j.NextAt).Round(time.Second), "err", err)
			_ = o.store.Update(func(b *Batch) error { b.Put(jobKey(j.Seq), j); return nil })
		}
	}
}

// pendingJobs counts the jobs of a kind (for tests and the status endpoint).
func (s *Store) pendingJobs(kind string) int {
	n := 0
	_ = s.Iterate(pJob, func(_ string, v []byte) (bool, error) {
		var j job
		if json.Unmarshal(v, &j) == nil && (kind == "" || j.Kind == kind) {
			n++
		}
		return true, nil
	})
	return n
}
