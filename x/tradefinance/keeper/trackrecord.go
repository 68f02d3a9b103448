package keeper

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"cosmossdk.io/collections"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// indexParty lists a record under party for its track record.
func (k Keeper) indexParty(ctx context.Context, party string, kind int32, id uint64) error {
	if party == "" {
		return nil
	}
	return k.PartyRecords.Set(ctx, collections.Join3(party, kind, id))
}

// indexAllParties (re)builds PartyRecords from every LC, invoice and
// financing (the v3 upgrade and genesis import).
func (k Keeper) indexAllParties(ctx context.Context) error {
	if err := k.LCs.Walk(ctx, nil, func(id uint64, lc types.LetterOfCredit) (bool, error) {
		return false, k.indexParty(ctx, lc.Beneficiary, types.PartyRecordLC, id)
	}); err != nil {
		return err
	}
	if err := k.Invoices.Walk(ctx, nil, func(id uint64, inv types.Invoice) (bool, error) {
		return false, k.indexParty(ctx, inv.Seller, types.PartyRecordInvoice, id)
	}); err != nil {
		return err
	}
	return k.Financings.Walk(ctx, nil, func(id uint64, f types.Financing) (bool, error) {
		return false, k.indexParty(ctx, f.Seller, types.PartyRecordFinancing, id)
	})
}

func (k Keeper) partyIDs(ctx context.Context, party string, kind int32) ([]uint64, error) {
	it, err := k.PartyRecords.Iterate(ctx, collections.NewSuperPrefixedTripleRange[string, int32, uint64](party, kind))
	if err != nil {
		return nil, err
	}
	keys, err := it.Keys()
	if err != nil {
		return nil, err
	}
	ids := make([]uint64, len(keys))
	for i, key := range keys {
		ids[i] = key.K3()
	}
	return ids, nil
}

// TrackRecord computes party's trade-finance track record on this zone:
// LCs as beneficiary with the outcome of their presentation, invoices sold
// and financed, and financings repaid on time, late or defaulted. It reads
// only the party's own records (PartyRecords).
func (k Keeper) TrackRecord(ctx context.Context, party string) ([]cargotypes.TrackFigure, error) {
	figs := map[string][]string{}
	order := []string{
		"lcs_as_beneficiary", "presentations_complying", "presentations_refused", "presentations_pending",
		"invoices_registered", "invoices_financed", "financings_repaid_on_time", "financings_repaid_late",
		"financings_defaulted", "financings_active",
	}
	add := func(name string, ref string) { figs[name] = append(figs[name], ref) }

	lcs, err := k.partyIDs(ctx, party, types.PartyRecordLC)
	if err != nil {
		return nil, err
	}
	for _, id := range lcs {
		ref := lcRef(id)
		add("lcs_as_beneficiary", ref)
		p, err := k.Presentations.Get(ctx, id)
		if isNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		switch p.Status {
		case types.PRESENTATION_STATUS_COMPLYING:
			add("presentations_complying", ref)
		case types.PRESENTATION_STATUS_REFUSED:
			add("presentations_refused", ref)
		default:
			add("presentations_pending", ref)
		}
	}
	invs, err := k.partyIDs(ctx, party, types.PartyRecordInvoice)
	if err != nil {
		return nil, err
	}
	closedAt := map[uint64]time.Time{} // financing id -> when it closed its invoice
	for _, id := range invs {
		inv, err := k.Invoices.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		add("invoices_registered", fmt.Sprintf("invoice/%d", id))
		switch inv.Status {
		case types.INVOICE_STATUS_FINANCED, types.INVOICE_STATUS_REPAID, types.INVOICE_STATUS_DEFAULTED:
			add("invoices_financed", fmt.Sprintf("invoice/%d", id))
		}
		for _, h := range inv.History {
			if (h.Action == "REPAID" || h.Action == "DEFAULTED") && strings.HasPrefix(h.Detail, "financing/") {
				var fid uint64
				if _, err := fmt.Sscanf(h.Detail, "financing/%d", &fid); err == nil {
					closedAt[fid] = h.Time
				}
			}
		}
	}
	fins, err := k.partyIDs(ctx, party, types.PartyRecordFinancing)
	if err != nil {
		return nil, err
	}
	for _, id := range fins {
		f, err := k.Financings.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		ref := financingRef(id)
		switch f.Status {
		case types.FINANCING_STATUS_REPAID:
			maturity, perr := time.Parse(cargotypes.DateLayout, f.Maturity)
			at, ok := closedAt[id]
			// On time: repaid on or before the maturity date (UTC). A
			// repayment recorded before the history kept its time counts
			// as on time only if nothing says otherwise.
			if perr == nil && ok && at.After(maturity.Add(24*time.Hour)) {
				add("financings_repaid_late", ref)
			} else {
				add("financings_repaid_on_time", ref)
			}
		case types.FINANCING_STATUS_DEFAULTED:
			add("financings_defaulted", ref)
		case types.FINANCING_STATUS_ACTIVE:
			add("financings_active", ref)
		}
	}
	out := make([]cargotypes.TrackFigure, 0, len(order))
	for _, name := range order {
		ids := figs[name]
		sort.Strings(ids)
		if ids == nil {
			ids = []string{}
		}
		out = append(out, cargotypes.TrackFigure{Name: name, Count: uint64(len(ids)), Ids: ids})
	}
	return out, nil
}
