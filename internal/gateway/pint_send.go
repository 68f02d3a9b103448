package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// Export states.
const (
	expNew       = "NEW"       // seen on chain; envelope not built yet
	expWaiting   = "WAITING"   // the carrier's issuance is not lodged (Reason says what to do)
	expSending   = "SENDING"   // envelope built and stored; sending until a signed answer
	expAnswered  = "ANSWERED"  // signed answer in hand; concluding on chain
	expConcluded = "CONCLUDED" // MsgConcludeExport in a block
	// expWithdrawn: the zone authority withdrew the export on chain
	// (MsgWithdrawExport: no signed answer came); the envelope is no longer
	// sent. A signed answer that still came is kept (SignedResponse).
	expWithdrawn = "WITHDRAWN"
)

// exportRecord is one export of a bill over PINT.
type exportRecord struct {
	BillID         string                 `json:"bill_id"`
	HistoryLen     uint64                 `json:"history_len"`
	Holder         string                 `json:"holder"`
	Platform       string                 `json:"platform"`
	RecipientName  string                 `json:"recipient_name"`
	RecipientCodes []pint.IdentifyingCode `json:"recipient_codes"`
	DocumentHash   string                 `json:"document_hash"`
	State          string                 `json:"state"`
	// Envelope is built once and sent verbatim on every retry, so the
	// receiver recognises a retry (same last entry checksum: DUPE).
	Envelope          *pint.EblEnvelope `json:"envelope,omitempty"`
	LastEntryChecksum string            `json:"last_entry_checksum,omitempty"`
	Documents         map[string][]byte `json:"documents,omitempty"`
	Reference         string            `json:"reference,omitempty"`
	SignedResponse    string            `json:"signed_response,omitempty"`
	ResponseCode      pint.ResponseCode `json:"response_code,omitempty"`
	Reason            string            `json:"reason,omitempty"`
	Created           time.Time         `json:"created"`
	// Unsigned answers: attempts the receiving platform answered without a
	// signed EnvelopeTransferFinishedResponse (any non-PINT status, e.g. 409
	// at the start, or a signature that does not verify). PINT makes the
	// sender retry; after Config.ExportStallAfter of them the export is
	// Stalled: the operator action is shown (withdraw-export).
	UnsignedAnswers    int        `json:"unsigned_answers,omitempty"`
	UnsignedSince      *time.Time `json:"unsigned_since,omitempty"`
	LastUnsignedAnswer string     `json:"last_unsigned_answer,omitempty"`
	Stalled            bool       `json:"stalled,omitempty"`
}

// errUnsigned: the receiving platform answered an attempt without a signed
// EnvelopeTransferFinishedResponse. Not an answer: retried.
type errUnsigned struct{ answer string }

func (e *errUnsigned) Error() string { return "unsigned answer (retried, as PINT asks): " + e.answer }

// stillOpen says whether the export rec runs is still open on chain (bill:
// the zone's record). Otherwise it records why in rec: withdrawn by the zone
// authority, or concluded.
func (g *Gateway) stillOpen(rec *exportRecord, bill *cargotypes.Bill) bool {
	x := bill.Export
	if bill.Status == cargotypes.BILL_STATUS_EXPORTING &&
		(x == nil || x.Platform == rec.Platform && x.RequestedBy == rec.Holder && x.RecipientName == rec.RecipientName) {
		return true
	}
	if x != nil && x.WithdrawnHeight != 0 && x.Platform == rec.Platform {
		rec.State, rec.Reason = expWithdrawn, "withdrawn by the zone authority at height "+fmt.Sprint(x.WithdrawnHeight)+": "+x.WithdrawnReason
		g.log.Warn("export withdrawn on chain: its envelope is no longer sent", "bill", rec.BillID, "platform", rec.Platform, "reason", x.WithdrawnReason)
		return false
	}
	g.log.Warn("export no longer in progress on chain", "bill", rec.BillID, "status", bill.Status.String())
	rec.State = expConcluded
	return false
}

// noteUnsigned records an unsigned answer of the receiving platform on rec
// and reports the export stalled once they have lasted exportStall.
func (g *Gateway) noteUnsigned(rec *exportRecord, answer error) {
	now := time.Now().UTC()
	rec.UnsignedAnswers++
	rec.LastUnsignedAnswer = clip(answer.Error(), 500)
	if rec.UnsignedSince == nil {
		rec.UnsignedSince = &now
	}
	if !rec.Stalled && now.Sub(*rec.UnsignedSince) >= g.exportStall {
		rec.Stalled = true
		g.log.Error("export stalled: the receiving platform gives no signed answer", "bill", rec.BillID, "platform", rec.Platform,
			"since", rec.UnsignedSince.Format(time.RFC3339), "answers", rec.UnsignedAnswers, "last", rec.LastUnsignedAnswer,
			"operator", withdrawAction(rec))
	}
}

// withdrawAction is what the operator does about a stalled export.
func withdrawAction(rec *exportRecord) string {
	return fmt.Sprintf("PINT makes this gateway retry until %s gives a signed answer; ask %s whether it holds bill %s: if it does not, the zone authority gives the bill back to its holder with "+
		"tradechaind tx cargo withdraw-export %s \"<what %s confirmed>\" (the gateway then stops sending); if it does, %s must send its signed answer",
		rec.Platform, rec.Platform, rec.BillID, rec.BillID, rec.Platform, rec.Platform)
}

type exportJob struct {
	Key string `json:"key"`
}

func exportKey(billID string, historyLen uint64) string {
	return fmt.Sprintf("%s%s/%020d", pExport, billID, historyLen)
}

// onExportRequested records an export the zone asked for and queues it.
func (g *Gateway) onExportRequested(ev *cargotypes.EventBillExportRequested) error {
	key := exportKey(ev.BillId, ev.HistoryLen)
	return g.store.Update(func(b *Batch) error {
		if ok, err := g.store.Has(key); err != nil || ok {
			return err
		}
		codes := make([]pint.IdentifyingCode, len(ev.RecipientCodes))
		for i, c := range ev.RecipientCodes {
			codes[i] = pint.IdentifyingCode{CodeListProvider: c.CodeListProvider, PartyCode: c.PartyCode, CodeListName: c.CodeListName}
		}
		b.Put(key, exportRecord{BillID: ev.BillId, HistoryLen: ev.HistoryLen, Holder: ev.Holder, Platform: ev.Platform,
			RecipientName: ev.RecipientName, RecipientCodes: codes, DocumentHash: ev.DocumentHash, State: expNew, Created: time.Now().UTC()})
		g.log.Info("export requested", "bill", ev.BillId, "platform", ev.Platform, "recipient", ev.RecipientName)
		return g.store.enqueue(b, jobExport, exportJob{Key: key})
	})
}

// runExport drives one export: build the envelope, send it until a signed
// answer comes back, conclude on chain.
func (g *Gateway) runExport(ctx context.Context, j *job) error {
	var p exportJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return errPermanent
	}
	var rec exportRecord
	if err := g.store.Get(p.Key, &rec); err != nil {
		return err
	}
	save := func() error { return g.store.Update(func(b *Batch) error { b.Put(p.Key, rec); return nil }) }
	platform, err := g.chain.EblPlatform(ctx, rec.Platform)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("platform %s is not trusted on zone %s (yet): the export waits", rec.Platform, g.chain.ChainID())
	}
	if err != nil {
		return err
	}
	keys, err := pint.ParseJWKS([]byte(platform.Jwks))
	if err != nil {
		return fmt.Errorf("platform %s's on-chain JWKS: %w", rec.Platform, err)
	}
	for {
		switch rec.State {
		case expNew, expWaiting:
			bill, err := g.chain.Bill(ctx, rec.BillID)
			if err != nil {
				return err
			}
			if bill.Status != cargotypes.BILL_STATUS_EXPORTING {
				g.log.Warn("export no longer in progress on chain", "bill", rec.BillID, "status", bill.Status.String())
				rec.State = expConcluded
				return save()
			}
			if err := g.buildEnvelope(ctx, &rec, bill); err != nil {
				var missing *errMissingIssuance
				if errors.As(err, &missing) && (rec.State != expWaiting || rec.Reason != missing.Error()) {
					// Refused until lodged: GET /corridor/v1/bills/{id}/export
					// answers with this; lodging wakes the job.
					rec.State, rec.Reason = expWaiting, missing.Error()
					g.log.Warn("export waits for the carrier's issuance", "bill", rec.BillID, "why", rec.Reason)
					if serr := save(); serr != nil {
						return serr
					}
				}
				return err
			}
			rec.Reason = ""
			rec.State = expSending
			if err := save(); err != nil {
				return err
			}
		case expSending:
			// Sent only while the export is open on chain: the zone
			// authority may have withdrawn it (no signed answer came).
			bill, err := g.chain.Bill(ctx, rec.BillID)
			if err != nil {
				return err
			}
			if !g.stillOpen(&rec, bill) {
				return save()
			}
			signed, err := g.sendEnvelope(ctx, platform.Endpoint, &rec)
			var resp *pint.EnvelopeTransferFinishedResponse
			if err == nil {
				if resp, err = pint.VerifyFinishedResponse(signed, keys, rec.LastEntryChecksum); err != nil {
					// An answer not signed by the platform is not an answer:
					// PINT says retry until a signed one comes.
					err = &errUnsigned{answer: fmt.Sprintf("platform %s's answer does not verify: %v", rec.Platform, err)}
				}
			}
			if unsigned := (*errUnsigned)(nil); errors.As(err, &unsigned) {
				g.noteUnsigned(&rec, err)
				if serr := save(); serr != nil {
					return serr
				}
			}
			if err != nil {
				return err
			}
			switch resp.ResponseCode {
			case pint.MDOC, pint.INCD:
				// Not a rejection: the documents go again on the next attempt.
				rec.Reference = ""
				return fmt.Errorf("platform %s answered %s: %s", rec.Platform, resp.ResponseCode, resp.Reason)
			}
			rec.SignedResponse, rec.ResponseCode, rec.Reason, rec.State = signed, resp.ResponseCode, resp.Reason, expAnswered
			g.log.Info("export answered", "bill", rec.BillID, "platform", rec.Platform, "code", resp.ResponseCode, "reason", resp.Reason)
			if err := save(); err != nil {
				return err
			}
		case expAnswered:
			_, err := g.chain.Broadcast(ctx, "dcsa pint export "+rec.BillID, &cargotypes.MsgConcludeExport{
				Platform: g.chain.Address(), BillId: rec.BillID, SignedResponse: rec.SignedResponse, LastEntryChecksum: rec.LastEntryChecksum})
			if te, refused := IsTxRefused(err); refused {
				bill, berr := g.chain.Bill(ctx, rec.BillID)
				if berr == nil && bill.Status != cargotypes.BILL_STATUS_EXPORTING && bill.Export != nil && bill.Export.WithdrawnHeight != 0 && bill.Export.ResponseCode == "" {
					// The zone authority withdrew the export before this
					// signed answer could be recorded: kept here, loudly.
					rec.State = expWithdrawn
					g.log.Error("a signed answer came for an export the zone authority withdrew: the zone and the platform must settle it",
						"bill", rec.BillID, "platform", rec.Platform, "code", rec.ResponseCode, "withdrawn_height", bill.Export.WithdrawnHeight)
					return save()
				}
				if berr == nil && bill.Status != cargotypes.BILL_STATUS_EXPORTING {
					err = nil // concluded by an earlier attempt
				} else {
					return fmt.Errorf("zone %s refused to conclude the export: %s", g.chain.ChainID(), te.Log)
				}
			}
			if err != nil {
				return err
			}
			rec.State = expConcluded
			g.log.Info("export concluded", "bill", rec.BillID, "code", rec.ResponseCode)
			return save()
		default:
			return nil
		}
	}
}

// buildEnvelope signs the envelope of an export: the transfer chain is the
// bill's imported chain (if it came over PINT, on this zone or — fetched and
// checked — on the corridor's other zone) or starts with the carrier's
// issuance (issued through the Issuance API or lodged), continued by one entry, signed by this gateway, holding the
// bill's transactions on the zone since and the transfer to the recipient.
func (g *Gateway) buildEnvelope(ctx context.Context, rec *exportRecord, bill *cargotypes.Bill) error {
	src, err := g.exportReadiness(ctx, bill)
	if err != nil {
		return err
	}
	document, imported := src.document, src.imported
	entry := pint.EnvelopeTransferChainEntry{EblPlatform: g.cfg.PlatformCode, TransportDocumentChecksum: bill.DocumentHash}
	var chain []string
	var visualisation *pint.DocumentMetadata
	docs := map[string][]byte{}
	if imported != nil {
		chain = append(chain, imported.TransferChain...)
		entry.PreviousEnvelopeTransferChainEntrySignedContentChecksum = pint.Checksum(chain[len(chain)-1])
	} else {
		entry.IssuanceManifestSignedContent = src.issuance.IssuanceManifest
		if v := src.issuance.Visualisation; v != nil {
			ct := v.ContentType
			if ct == "" {
				ct = "application/pdf"
			}
			visualisation = &pint.DocumentMetadata{Name: v.Name, Size: int64(len(v.Content)), MediaType: ct, DocumentChecksum: pint.ChecksumBytes(v.Content)}
			docs[visualisation.DocumentChecksum] = v.Content
		}
	}
	var since uint64
	if imported != nil {
		since = imported.Sequence
	}
	txs, err := g.transactionsSince(ctx, bill, imported != nil, since)
	if err != nil {
		return err
	}
	holder, err := g.pintParty(ctx, rec.Holder)
	if err != nil {
		return err
	}
	recipient := pint.Party{PartyName: rec.RecipientName, EblPlatform: rec.Platform, IdentifyingCodes: rec.RecipientCodes}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	if bill.Mode == cargotypes.BILL_MODE_TO_ORDER {
		txs = append(txs, pint.Transaction{ActionCode: pint.ActionEndorseToOrder, Actor: holder, Recipient: &recipient, ActionDateTime: now})
	}
	txs = append(txs, pint.Transaction{ActionCode: pint.ActionTransfer, Actor: holder, Recipient: &recipient, ActionDateTime: now})
	entry.Transactions = txs
	signedEntry, err := g.key.Signer.SignJSON(entry)
	if err != nil {
		return err
	}
	chain = append(chain, signedEntry)
	last := pint.Checksum(signedEntry)
	manifest, err := g.key.Signer.SignJSON(pint.EnvelopeManifest{
		TransportDocumentChecksum:                           bill.DocumentHash,
		LastEnvelopeTransferChainEntrySignedContentChecksum: last,
		EBLVisualisationByCarrier:                           visualisation,
	})
	if err != nil {
		return err
	}
	rec.Envelope = &pint.EblEnvelope{TransportDocument: document, EnvelopeManifestSignedContent: manifest, EnvelopeTransferChain: chain}
	rec.LastEntryChecksum = last
	rec.Documents = docs
	return nil
}

// transactionsSince lists the bill's PINT transactions on the corridor:
// since its issue, or since it last arrived over PINT (history sequence since).
func (g *Gateway) transactionsSince(ctx context.Context, bill *cargotypes.Bill, imported bool, since uint64) ([]pint.Transaction, error) {
	res, err := g.chain.EndorsementChain(ctx, bill.Id)
	if err != nil {
		return nil, err
	}
	start := 0
	for start < len(res.Entries) && imported && res.Entries[start].Sequence <= since {
		start++
	}
	var out []pint.Transaction
	for _, e := range res.Entries[start:] {
		if e.ActionCode == "" {
			continue
		}
		actor, err := g.pintParty(ctx, e.Actor)
		if err != nil {
			return nil, err
		}
		tx := pint.Transaction{ActionCode: e.ActionCode, Actor: actor, ActionDateTime: e.ActionDateTime.UTC().Format("2006-01-02T15:04:05.000Z"),
			AuditReference: clip(e.Zone+"/"+e.Head, 100)}
		if e.Recipient != "" {
			r, err := g.pintParty(ctx, e.Recipient)
			if err != nil {
				return nil, err
			}
			tx.Recipient = &r
		}
		out = append(out, tx)
	}
	if !imported && (len(out) == 0 || out[0].ActionCode != pint.ActionIssue) {
		return nil, fmt.Errorf("bill %s's endorsement chain on this zone does not start with its ISSUE (complete=%v)", bill.Id, res.Complete)
	}
	return out, nil
}

// sendEnvelope runs one attempt of the PINT transfer and returns the signed
// answer; any unsigned answer is an error (retried).
func (g *Gateway) sendEnvelope(ctx context.Context, endpoint string, rec *exportRecord) (string, error) {
	base := strings.TrimRight(endpoint, "/")
	if !strings.HasSuffix(base, "/v3") {
		base += "/v3"
	}
	body, err := json.Marshal(rec.Envelope)
	if err != nil {
		return "", err
	}
	status, raw, err := g.do(ctx, http.MethodPost, base+"/envelopes", body)
	if err != nil {
		return "", err
	}
	switch status {
	case http.StatusOK, http.StatusUnprocessableEntity, http.StatusConflict:
		return signedBody(status, raw)
	case http.StatusCreated:
	default:
		return "", &errUnsigned{answer: fmt.Sprintf("POST %s/envelopes: %d %s", base, status, clip(strings.TrimSpace(string(raw)), 300))}
	}
	var started pint.EnvelopeTransferStartedResponse
	if err := json.Unmarshal(raw, &started); err != nil || started.EnvelopeReference == "" {
		return "", fmt.Errorf("POST %s/envelopes: 201 without an envelope reference: %s", base, raw)
	}
	ref := started.EnvelopeReference
	for _, sum := range started.MissingAdditionalDocumentChecksums {
		content, ok := rec.Documents[sum]
		if !ok {
			return "", fmt.Errorf("platform %s asks for document %s, which is not in this envelope", rec.Platform, sum)
		}
		b, _ := json.Marshal(content)
		status, raw, err := g.do(ctx, http.MethodPut, base+"/envelopes/"+ref+"/additional-documents/"+sum, b)
		if err != nil {
			return "", err
		}
		switch status {
		case http.StatusNoContent, http.StatusOK:
		case http.StatusConflict, http.StatusUnprocessableEntity:
			return signedBody(status, raw)
		default:
			return "", &errUnsigned{answer: fmt.Sprintf("PUT additional document %s: %d %s", sum, status, clip(strings.TrimSpace(string(raw)), 300))}
		}
	}
	status, raw, err = g.do(ctx, http.MethodPut, base+"/envelopes/"+ref+"/finish-transfer", nil)
	if err != nil {
		return "", err
	}
	switch status {
	case http.StatusOK, http.StatusUnprocessableEntity, http.StatusConflict:
		return signedBody(status, raw)
	}
	return "", &errUnsigned{answer: fmt.Sprintf("PUT finish-transfer: %d %s", status, clip(strings.TrimSpace(string(raw)), 300))}
}

// signedBody reads an EnvelopeTransferFinishedResponseSignedContent (a JSON
// string holding a compact JWS).
func signedBody(status int, raw []byte) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil || strings.Count(s, ".") != 2 {
		return "", &errUnsigned{answer: fmt.Sprintf("answer %d is not a signed response: %s", status, clip(string(raw), 300))}
	}
	return s, nil
}

func (g *Gateway) do(ctx context.Context, method, url string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("API-Version", "3")
	res, err := g.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	return res.StatusCode, raw, err
}
