package keeper

import (
	"context"
	"fmt"
	"sort"

	"cosmossdk.io/collections"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// figure collects the records one track-record figure counts.
type figure struct {
	name string
	ids  []string
}

func (f *figure) add(id string) { f.ids = append(f.ids, id) }

// TrackRecord computes party's track record on this zone from the bills it
// shipped, holds or held here (the holder index keeps a party's past bills
// and the bills it shipped: HolderIndex), the bills it carries (its range
// of the bills and the carrier index: CarriedIDs), their history and
// milestones. Nothing scans all bills.
// Only history entries recorded on this zone count (a bill that came over
// IBC carries the other zone's entries, which that zone counts), so the two
// zones' records add up without counting anything twice.
func (k Keeper) TrackRecord(ctx context.Context, party string) ([]types.TrackFigure, error) {
	var (
		shipped     = figure{name: "bills_shipped"}
		held        = figure{name: "bills_held"}
		holdingNow  = figure{name: "bills_holding_now"}
		heldBefore  = figure{name: "bills_held_before"}
		surrendered = figure{name: "bills_surrendered_for_delivery"}
		voided      = figure{name: "bills_voided"}
		replaced    = figure{name: "bills_replaced"}
		rejectedBy  = figure{name: "transfers_rejected_by_party"}
		rejectedOf  = figure{name: "transfers_of_party_rejected"}
		surrRefused = figure{name: "surrenders_refused"}
		carried     = figure{name: "bills_issued_as_carrier"}
		onTime      = figure{name: "milestones_on_time"}
		late        = figure{name: "milestones_late"}
	)
	// One range of unique keys, in bill id order: the ids need no sorting.
	var ids []string
	err := k.Bills.Indexes.Holder.Walk(ctx, collections.NewPrefixedPairRange[string, string](party), func(key collections.Pair[string, string], _ bool) (bool, error) {
		ids = append(ids, key.K2())
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		b, err := k.Bills.Get(ctx, id)
		if isNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		hs, err := k.billHistory(ctx, b.Id)
		if err != nil {
			return nil, err
		}
		// Each time the party was given control of the bill here counts as
		// a receipt, unless it refused it (rejected the transfer or
		// endorsement); control back to the carrier on surrender is not a
		// receipt of title.
		receipts, refusals := 0, 0
		for _, h := range hs {
			if !recordedHere(ctx, h) {
				continue
			}
			ref := fmt.Sprintf("%s/%d", b.Id, h.Sequence)
			if controlActions[h.Action] && h.Action != ActionSurrenderAccepted && h.To == party && h.From != party {
				receipts++
			}
			switch h.Action {
			case ActionRejectTransfer, ActionRejectEndorsement:
				if h.Actor == party {
					rejectedBy.add(ref)
					refusals++
				} else if h.To == party || h.From == party {
					rejectedOf.add(ref)
				}
			case ActionSurrenderRejected:
				if h.To == party || h.From == party {
					surrRefused.add(ref)
				}
			case ActionSurrenderForDelivery: // counted once the carrier accepted it
				if (h.Actor == party || h.From == party) && b.Status == types.BILL_STATUS_SURRENDERED_FOR_DELIVERY {
					surrendered.add(b.Id)
				}
			}
		}
		wasHolder := receipts > refusals
		if b.Shipper == party {
			shipped.add(b.Id)
			if err := k.milestonesOnTime(ctx, b.Id, &onTime, &late); err != nil {
				return nil, err
			}
		}
		if wasHolder {
			held.add(b.Id)
			if b.Holder == party {
				holdingNow.add(b.Id)
			} else {
				heldBefore.add(b.Id)
			}
		}
		// A void is the shipper's record (the bill record proves it: the
		// light client checks shipper and status); a split or combination
		// is not a void, and counts for whoever shipped or held the bill.
		if b.Status == types.BILL_STATUS_VOIDED {
			switch {
			case len(b.ReplacedBy) > 0 && (wasHolder || b.Shipper == party):
				replaced.add(b.Id)
			case len(b.ReplacedBy) == 0 && b.Shipper == party:
				voided.add(b.Id)
			}
		}
	}
	cids, err := k.CarriedIDs(ctx, party)
	if err != nil {
		return nil, err
	}
	for _, id := range cids {
		carried.add(id)
	}
	out := []types.TrackFigure{}
	for _, f := range []*figure{&shipped, &held, &holdingNow, &heldBefore, &surrendered, &voided, &replaced, &rejectedBy, &rejectedOf, &surrRefused, &carried, &onTime, &late} {
		ids := dedupSorted(f.ids)
		out = append(out, types.TrackFigure{Name: f.name, Count: uint64(len(ids)), Ids: ids})
	}
	return out, nil
}

// milestonesOnTime compares each actual (ACT) milestone of a bill with the
// planned (PLN) one of the same event code and location, if the carrier
// recorded a plan: on time when the actual event is not after the plan.
func (k Keeper) milestonesOnTime(ctx context.Context, billID string, onTime, late *figure) error {
	it, err := k.Milestones.Iterate(ctx, collections.NewPrefixedPairRange[string, uint64](billID))
	if err != nil {
		return err
	}
	ms, err := it.Values()
	if err != nil {
		return err
	}
	planned := map[string]types.Milestone{}
	for _, m := range ms {
		if m.Classifier == "PLN" {
			planned[m.EventCode+"@"+m.Location] = m // the latest plan counts
		}
	}
	for _, m := range ms {
		if m.Classifier != "ACT" {
			continue
		}
		p, ok := planned[m.EventCode+"@"+m.Location]
		if !ok {
			continue
		}
		ref := fmt.Sprintf("%s/%d", billID, m.Sequence)
		if m.EventTime.After(p.EventTime) {
			late.add(ref)
		} else {
			onTime.add(ref)
		}
	}
	return nil
}

func dedupSorted(ids []string) []string {
	sort.Strings(ids)
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	if out == nil {
		return []string{}
	}
	return out
}
