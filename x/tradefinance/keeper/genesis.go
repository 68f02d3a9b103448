package keeper

import (
	"context"

	"cosmossdk.io/collections"

	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// InitGenesis loads a validated genesis state and rebuilds the deadline queue
// from the pending presentations and the index of presented documents.
func (k Keeper) InitGenesis(ctx context.Context, gs types.GenesisState) error {
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, lc := range gs.LettersOfCredit {
		if err := k.LCs.Set(ctx, lc.Id, lc); err != nil {
			return err
		}
	}
	for _, p := range gs.Presentations {
		if err := k.Presentations.Set(ctx, p.LcId, p); err != nil {
			return err
		}
		if err := k.indexPresentedDocs(ctx, p); err != nil {
			return err
		}
		if p.Status == types.PRESENTATION_STATUS_PENDING {
			if err := k.Deadlines.Set(ctx, collections.Join(p.Deadline.Unix(), p.LcId)); err != nil {
				return err
			}
		}
	}
	for _, inv := range gs.Invoices {
		if err := k.Invoices.Set(ctx, inv.Id, inv); err != nil {
			return err
		}
	}
	for _, f := range gs.Financings {
		if err := k.Financings.Set(ctx, f.Id, f); err != nil {
			return err
		}
	}
	for _, s := range []struct {
		seq collections.Sequence
		v   uint64
	}{{k.LCSeq, gs.NextLcId}, {k.InvoiceSeq, gs.NextInvoiceId}, {k.FinancingSeq, gs.NextFinancingId}} {
		if err := s.seq.Set(ctx, s.v); err != nil {
			return err
		}
	}
	return k.indexAllParties(ctx)
}

// ExportGenesis exports the module state in key order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: p}
	if gs.LettersOfCredit, err = values(ctx, k.LCs.Iterate); err != nil {
		return nil, err
	}
	if gs.Presentations, err = values(ctx, k.Presentations.Iterate); err != nil {
		return nil, err
	}
	if gs.Invoices, err = values(ctx, k.Invoices.Iterate); err != nil {
		return nil, err
	}
	if gs.Financings, err = values(ctx, k.Financings.Iterate); err != nil {
		return nil, err
	}
	if gs.NextLcId, err = k.LCSeq.Peek(ctx); err != nil {
		return nil, err
	}
	if gs.NextInvoiceId, err = k.InvoiceSeq.Peek(ctx); err != nil {
		return nil, err
	}
	if gs.NextFinancingId, err = k.FinancingSeq.Peek(ctx); err != nil {
		return nil, err
	}
	return gs, nil
}

func values[K, V any](ctx context.Context, iterate func(context.Context, collections.Ranger[K]) (collections.Iterator[K, V], error)) ([]V, error) {
	it, err := iterate(ctx, nil)
	if err != nil {
		return nil, err
	}
	return it.Values()
}
