package gateway

import (
	"context"
	"time"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// follow reads every block's events in order from the stored cursor and
// turns the zone's RequestSurrender and ExportBill events into outbox work.
// The cursor moves past a block only after its work is synced to the store,
// so a restart neither misses nor doubles anything (the handlers are
// idempotent on the event they see again).
func (g *Gateway) follow(ctx context.Context) {
	var reconciled time.Time
	for {
		// Every half minute (and at start), the zone's own state is read
		// too: an export or surrender requested while the gateway was not
		// following (before its first start, or a cursor lost with the
		// store) is picked up from the bill itself.
		if time.Since(reconciled) > 30*time.Second {
			if err := g.reconcile(ctx); err != nil && ctx.Err() == nil {
				g.log.Warn("reconcile with the zone", "err", err)
			} else {
				reconciled = time.Now()
			}
		}
		if err := g.followOnce(ctx); err != nil && ctx.Err() == nil {
			g.log.Warn("chain follower", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(g.poll):
		}
	}
}

func (g *Gateway) followOnce(ctx context.Context) error {
	latest, err := g.chain.LatestHeight(ctx)
	if err != nil {
		return err
	}
	cursor, err := g.store.Cursor()
	if err != nil {
		return err
	}
	if cursor == 0 {
		// A new gateway starts at the zone's current height.
		cursor = latest - 1
	}
	for h := cursor + 1; h <= latest && ctx.Err() == nil; h++ {
		evs, err := g.chain.BlockEvents(ctx, h)
		if err != nil {
			return err
		}
		for _, ev := range typedEvents[*cargotypes.EventSurrenderRequested](evs) {
			if err := g.onSurrenderRequested(ctx, ev); err != nil {
				return err
			}
		}
		for _, ev := range typedEvents[*cargotypes.EventBillExportRequested](evs) {
			if err := g.onExportRequested(ev); err != nil {
				return err
			}
		}
		if err := g.store.Update(func(b *Batch) error { b.Put(keyCursor, h); return nil }); err != nil {
			return err
		}
		g.out.kick()
	}
	return nil
}

// reconcile makes sure every bill the zone has EXPORTING, and every bill
// pending surrender to a carrier this gateway serves, has its work queued
// (idempotent: the records are keyed by the bill and its history length).
func (g *Gateway) reconcile(ctx context.Context) error {
	exporting, err := g.chain.BillsByStatus(ctx, cargotypes.BILL_STATUS_EXPORTING)
	if err != nil {
		return err
	}
	for _, b := range exporting {
		if b.Export == nil {
			continue
		}
		ev := &cargotypes.EventBillExportRequested{BillId: b.Id, Holder: b.Export.RequestedBy, Platform: b.Export.Platform,
			RecipientName: b.Export.RecipientName, RecipientCodes: b.Export.RecipientCodes, DocumentHash: b.DocumentHash,
			HistoryHead: b.HistoryHead, HistoryLen: b.HistoryLen}
		if err := g.onExportRequested(ev); err != nil {
			return err
		}
	}
	for _, st := range []cargotypes.BillStatus{cargotypes.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY, cargotypes.BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT} {
		pending, err := g.chain.BillsByStatus(ctx, st)
		if err != nil {
			return err
		}
		for _, b := range pending {
			var open string
			if g.store.Get(pSurByBill+b.Id, &open) == nil {
				continue
			}
			ev := &cargotypes.EventSurrenderRequested{BillId: b.Id, Carrier: b.Carrier, DocumentHash: b.DocumentHash, HistoryHead: b.HistoryHead, HistoryLen: b.HistoryLen}
			if b.Surrender != nil {
				ev.Holder, ev.Purpose, ev.Reason = b.Surrender.RequestedBy, b.Surrender.Purpose, b.Surrender.Reason
			}
			if err := g.onSurrenderRequested(ctx, ev); err != nil {
				return err
			}
		}
	}
	g.out.kick()
	return nil
}
