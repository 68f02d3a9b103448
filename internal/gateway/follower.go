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
	for {
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
