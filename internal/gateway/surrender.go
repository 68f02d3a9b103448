package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// SurrenderRequest is the body of POST /v3/ebl-surrender-requests.
type SurrenderRequest struct {
	SurrenderRequestReference     string                 `json:"surrenderRequestReference"`
	TransportDocumentReference    string                 `json:"transportDocumentReference"`
	TransportDocumentSubReference string                 `json:"transportDocumentSubReference,omitempty"`
	SurrenderRequestCode          string                 `json:"surrenderRequestCode"`
	ReasonCode                    string                 `json:"reasonCode,omitempty"`
	Comments                      string                 `json:"comments,omitempty"`
	EndorsementChain              []EndorsementChainLink `json:"endorsementChain,omitempty"`
}

// EndorsementChainLink is one entry of the surrender request's chain.
type EndorsementChainLink struct {
	ActionDateTime string     `json:"actionDateTime"`
	ActionCode     string     `json:"actionCode"`
	Actor          pint.Party `json:"actor"`
	Recipient      pint.Party `json:"recipient"`
	AuditReference string     `json:"auditReference,omitempty"`
}

// SurrenderRequestAnswer is the body of POST /v3/ebl-surrender-responses.
type SurrenderRequestAnswer struct {
	SurrenderRequestReference string            `json:"surrenderRequestReference"`
	Action                    string            `json:"action"`
	Comments                  string            `json:"comments,omitempty"`
	FeedbackElements          []json.RawMessage `json:"feedbackElements,omitempty"`
}

// Surrender states.
const (
	surSent     = "SENT"     // the request is in the outbox / at the carrier
	surAnswered = "ANSWERED" // the carrier answered; the chain action is in the outbox
	surDone     = "DONE"     // accepted or rejected on chain
	surFailed   = "FAILED"   // the chain refused the answer (see Error)
)

type surrenderRecord struct {
	Reference   string           `json:"reference"`
	BillID      string           `json:"bill_id"`
	CarrierCode string           `json:"carrier_code"`
	Carrier     string           `json:"carrier"`
	HistoryLen  uint64           `json:"history_len"`
	Request     SurrenderRequest `json:"request"`
	State       string           `json:"state"`
	Action      string           `json:"action,omitempty"`
	Comments    string           `json:"comments,omitempty"`
	Error       string           `json:"error,omitempty"`
	Created     time.Time        `json:"created"`
}

type surrenderJob struct {
	Reference string `json:"reference"`
}

// newSurrenderReference is unguessable (128 random bits): the carrier's
// answer is accepted only for a reference the gateway sent it.
func newSurrenderReference() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "SR-" + hex.EncodeToString(b[:])
}

// onSurrenderRequested turns a RequestSurrender on the zone into a DCSA
// surrender request to the bill's carrier (if this gateway serves it).
func (g *Gateway) onSurrenderRequested(ctx context.Context, ev *cargotypes.EventSurrenderRequested) error {
	bill, err := g.chain.Bill(ctx, ev.BillId)
	if err != nil {
		return err
	}
	carrier, err := g.chain.Party(ctx, bill.Carrier)
	if err != nil {
		return err
	}
	cc, ok := g.carriers[carrier.Code]
	if !ok {
		g.log.Info("surrender requested for a carrier this gateway does not serve", "bill", ev.BillId, "carrier", carrier.Code)
		return nil
	}
	// One request per surrender: the same event seen again (a restart
	// before the cursor moved) finds the open request.
	var existing string
	if err := g.store.Get(pSurByBill+ev.BillId, &existing); err == nil {
		var rec surrenderRecord
		if g.store.Get(pSurrender+existing, &rec) == nil && rec.HistoryLen == ev.HistoryLen {
			return nil
		}
	}
	chain, err := g.endorsementChain(ctx, ev.BillId)
	if err != nil {
		return err
	}
	reference := bill.Id
	if i := strings.Index(reference, "-"); i >= 0 {
		reference = reference[i+1:]
	}
	req := SurrenderRequest{
		SurrenderRequestReference:  newSurrenderReference(),
		TransportDocumentReference: reference,
		SurrenderRequestCode:       "SREQ",
		EndorsementChain:           chain,
	}
	if bill.Version > 1 {
		req.TransportDocumentSubReference = fmt.Sprintf("%d", bill.Version)
	}
	if ev.Purpose == cargotypes.SURRENDER_PURPOSE_AMENDMENT {
		req.SurrenderRequestCode = "AREQ"
		req.ReasonCode = ev.Reason
	}
	rec := surrenderRecord{Reference: req.SurrenderRequestReference, BillID: ev.BillId, CarrierCode: carrier.Code, Carrier: carrier.Address,
		HistoryLen: ev.HistoryLen, Request: req, State: surSent, Created: time.Now().UTC()}
	_ = cc
	return g.store.Update(func(b *Batch) error {
		b.Put(pSurrender+rec.Reference, rec)
		b.Put(pSurByBill+ev.BillId, rec.Reference)
		return g.store.enqueue(b, jobSurrenderRequest, surrenderJob{Reference: rec.Reference})
	})
}

// endorsementChain is the bill's chain of title from the zone, as DCSA links.
func (g *Gateway) endorsementChain(ctx context.Context, billID string) ([]EndorsementChainLink, error) {
	res, err := g.chain.EndorsementChain(ctx, billID)
	if err != nil {
		return nil, err
	}
	var out []EndorsementChainLink
	// A bill that arrived over PINT: its chain of title before it landed is
	// the transfer chain it came with (verified by the zone that imported
	// it; fetched from that zone's gateway when the bill came on by IBC,
	// and checked against the entry checksums in this zone's history).
	bill, err := g.chain.Bill(ctx, billID)
	if err != nil {
		return nil, err
	}
	imported, err := g.importedTransferChain(ctx, bill)
	if err != nil {
		return nil, err
	}
	var since uint64
	if imported != nil {
		since = imported.Sequence
		for _, compact := range imported.TransferChain {
			j, err := pint.Parse(compact)
			if err != nil {
				return nil, err
			}
			var entry pint.EnvelopeTransferChainEntry
			if err := json.Unmarshal(j.Payload, &entry); err != nil {
				return nil, err
			}
			for _, tx := range entry.Transactions {
				recipient := tx.Actor
				if tx.Recipient != nil {
					recipient = *tx.Recipient
				}
				out = append(out, EndorsementChainLink{ActionDateTime: tx.ActionDateTime, ActionCode: tx.ActionCode, Actor: tx.Actor,
					Recipient: recipient, AuditReference: clip(entry.EblPlatform+"/"+pint.Checksum(compact)[:16], 100)})
			}
		}
	}
	for _, e := range res.Entries {
		if imported != nil && e.Sequence <= since {
			continue // before the import: in the transfer chain above
		}
		if e.ActionCode == "" {
			continue // a corridor action PINT has no code for (SEND, RECEIVE...)
		}
		actor, err := g.pintParty(ctx, e.Actor)
		if err != nil {
			return nil, err
		}
		recipient := actor
		if e.Recipient != "" {
			if recipient, err = g.pintParty(ctx, e.Recipient); err != nil {
				return nil, err
			}
		}
		out = append(out, EndorsementChainLink{
			ActionDateTime: e.ActionDateTime.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
			ActionCode:     e.ActionCode,
			Actor:          actor,
			Recipient:      recipient,
			AuditReference: clip(e.Zone+"/"+e.Head, 100),
		})
	}
	return out, nil
}

// pintParty describes a party of this zone (or, for an address it does not
// know, the address itself) as PINT names parties.
func (g *Gateway) pintParty(ctx context.Context, address string) (pint.Party, error) {
	p, err := g.chain.Party(ctx, address)
	if errors.Is(err, ErrNotFound) {
		return pint.Party{PartyName: address, EblPlatform: g.cfg.PlatformCode,
			IdentifyingCodes: []pint.IdentifyingCode{{CodeListProvider: "ZZZ", PartyCode: address, CodeListName: "tradechain address"}}}, nil
	}
	if err != nil {
		return pint.Party{}, err
	}
	return partyOf(g.cfg, p), nil
}

// partyOf is a registered party as a PINT party: its party code under the
// zone's code list provider, and its LEI under GLEIF when it has one.
func partyOf(cfg Config, p *cargotypes.Party) pint.Party {
	name := p.Name
	if name == "" {
		name = p.Code
	}
	codes := []pint.IdentifyingCode{{CodeListProvider: cfg.PartyCodeListProvider, PartyCode: p.Code}}
	if p.Lei != "" {
		codes = append(codes, pint.IdentifyingCode{CodeListProvider: "GLEIF", PartyCode: p.Lei, CodeListName: "LEI"})
	}
	return pint.Party{PartyName: clip(strings.TrimSpace(name), 70), EblPlatform: cfg.PlatformCode, IdentifyingCodes: codes}
}

// runSurrenderRequest POSTs the surrender request to the carrier.
func (g *Gateway) runSurrenderRequest(ctx context.Context, j *job) error {
	var p surrenderJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return errPermanent
	}
	var rec surrenderRecord
	if err := g.store.Get(pSurrender+p.Reference, &rec); err != nil {
		return err
	}
	if rec.State != surSent {
		return nil
	}
	c, ok := g.carriers[rec.CarrierCode]
	if !ok {
		return fmt.Errorf("%w: carrier %s is no longer configured", errPermanent, rec.CarrierCode)
	}
	return g.postJSON(ctx, c.cfg.SurrenderRequestURL, rec.Request, SurrenderVersion)
}

// handleSurrenderResponse is POST /v3/ebl-surrender-responses.
func (g *Gateway) handleSurrenderResponse(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("API-Version", SurrenderVersion)
	body, ok := g.readBody(w, r, 64<<10)
	if !ok {
		return
	}
	var ans SurrenderRequestAnswer
	if err := pint.Decode(body, &ans); err != nil {
		writeError(w, r, http.StatusBadRequest, "The body is not a SurrenderRequestAnswer", detail(CodeMalformed, "Malformed request", err.Error()))
		return
	}
	if ans.Action != "SURR" && ans.Action != "SREJ" {
		writeError(w, r, http.StatusBadRequest, "action must be SURR or SREJ", DetailedError{ErrorCode: CodeMalformed, Property: "action", Value: ans.Action, ErrorCodeText: "Invalid action", ErrorCodeMessage: "action must be SURR (surrendered) or SREJ (surrender rejected)"})
		return
	}
	if ans.Action == "SREJ" && strings.TrimSpace(ans.Comments) == "" {
		writeError(w, r, http.StatusBadRequest, "comments are required for a rejection", DetailedError{ErrorCode: CodeMalformed, Property: "comments", ErrorCodeText: "Missing comments", ErrorCodeMessage: "a rejection (SREJ) must say why in comments"})
		return
	}
	key := pSurrender + ans.SurrenderRequestReference
	status, problem := 0, ""
	err := g.store.Update(func(b *Batch) error {
		var rec surrenderRecord
		if err := g.store.Get(key, &rec); errors.Is(err, ErrNotFound) {
			status, problem = http.StatusNotFound, "no surrender request "+ans.SurrenderRequestReference+" was sent by this platform"
			return nil
		} else if err != nil {
			return err
		}
		if rec.State != surSent {
			status, problem = http.StatusConflict, "surrender request "+rec.Reference+" was already answered ("+rec.Action+")"
			return nil
		}
		rec.State, rec.Action, rec.Comments = surAnswered, ans.Action, clip(ans.Comments, 255)
		b.Put(key, rec)
		return g.store.enqueue(b, jobSurrenderAnswer, surrenderJob{Reference: rec.Reference})
	})
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "The gateway could not record the answer; retry", detail(CodeInternal, "Internal error", err.Error()))
		return
	}
	if status != 0 {
		code := CodeNotFound
		if status == http.StatusConflict {
			code = CodeConflict
		}
		writeError(w, r, status, problem, detail(code, http.StatusText(status), problem))
		return
	}
	g.out.kick()
	w.WriteHeader(http.StatusNoContent)
}

// runSurrenderAnswer accepts or rejects the surrender on chain in the
// carrier's name (authz MsgExec with the carrier's grant).
func (g *Gateway) runSurrenderAnswer(ctx context.Context, j *job) error {
	var p surrenderJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return errPermanent
	}
	key := pSurrender + p.Reference
	var rec surrenderRecord
	if err := g.store.Get(key, &rec); err != nil {
		return err
	}
	if rec.State != surAnswered {
		return nil
	}
	bill, err := g.chain.Bill(ctx, rec.BillID)
	if err != nil {
		return err
	}
	pending := bill.Status == cargotypes.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY || bill.Status == cargotypes.BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT
	var txErr error
	if pending {
		if rec.Action == "SURR" {
			_, txErr = g.chain.Broadcast(ctx, "dcsa surrender "+rec.Reference, exec(g.chain.Address(),
				&cargotypes.MsgAcceptSurrender{Carrier: rec.Carrier, BillId: rec.BillID, Remark: "DCSA SURR " + clip(rec.Reference, 100)}))
		} else {
			_, txErr = g.chain.Broadcast(ctx, "dcsa surrender "+rec.Reference, exec(g.chain.Address(),
				&cargotypes.MsgRejectSurrender{Carrier: rec.Carrier, BillId: rec.BillID, Reason: clip(rec.Comments, 120), Remark: "DCSA SREJ"}))
		}
	}
	if te, refused := IsTxRefused(txErr); refused {
		// An answer landed by an earlier attempt leaves the bill out of the
		// pending state: that is success, not failure.
		if b, err := g.chain.Bill(ctx, rec.BillID); err == nil && b.Status != cargotypes.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY && b.Status != cargotypes.BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT && b.Status != bill.Status {
			txErr = nil
		} else {
			rec.State, rec.Error = surFailed, te.Log
			g.log.Error("the zone refused the carrier's surrender answer", "reference", rec.Reference, "bill", rec.BillID, "err", te.Log)
			// The index stays: the bill is still pending, and the carrier's
			// answer is recorded; the operator resolves it (docs).
			return g.store.Update(func(b *Batch) error { b.Put(key, rec); return nil })
		}
	}
	if txErr != nil {
		return txErr
	}
	if !pending {
		g.log.Warn("surrender answer for a bill no longer pending surrender", "reference", rec.Reference, "bill", rec.BillID, "status", bill.Status.String())
	}
	rec.State = surDone
	return g.store.Update(func(b *Batch) error { b.Put(key, rec); b.Delete(pSurByBill + rec.BillID); return nil })
}
