package keeper

import (
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// AnchorsInvariant: every bill's anchor (Documents) is a TRANSPORT_DOCUMENT
// anchored by the carrier of the bill it names, which exists here and is not
// a rejected record; every party anchor is stored under its own hash and
// anchorer and its history says what the record does.
func AnchorsInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		var problems []string
		bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
		err := k.Documents.Walk(ctx, nil, func(hash string, d types.Document) (bool, error) {
			if d.Hash != hash {
				bad("document stored under %s says hash %s", hash, d.Hash)
			}
			if err := d.ValidateTransportAnchor(); err != nil {
				bad("document %s: %v", hash, err)
				return false, nil
			}
			b, err := k.Bills.Get(ctx, d.BillId)
			switch {
			case isNotFound(err):
				bad("document %s names bill %s, which does not exist", hash, d.BillId)
			case err != nil:
				return true, err
			case b.Carrier != d.AnchoredBy || b.Status == types.BILL_STATUS_REJECTED_DUPLICATE:
				bad("document %s: anchored by %s for bill %s (%s, carrier %s)", hash, d.AnchoredBy, b.Id, b.Status, b.Carrier)
			}
			return false, nil
		})
		if err == nil {
			err = k.Anchors.Walk(ctx, nil, func(pk collections.Pair[string, string], d types.Document) (bool, error) {
				if d.Hash != pk.K1() || d.AnchoredBy != pk.K2() {
					bad("anchor stored under %s/%s says %s/%s", pk.K1(), pk.K2(), d.Hash, d.AnchoredBy)
				}
				if err := d.ValidatePartyAnchor(); err != nil {
					bad("%v", err)
				}
				return false, nil
			})
		}
		return report("document-anchors", problems, err)
	}
}

// RejectedBillsInvariant: every archived rejected record is REJECTED_DUPLICATE,
// its id is taken by the bill that replaced it (not rejected), and its
// archived history hash-chains to its head; no archived history is orphaned.
func RejectedBillsInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		var problems []string
		bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
		err := k.RejectedBills.Walk(ctx, nil, func(id string, b types.Bill) (bool, error) {
			if b.Id != id || b.Status != types.BILL_STATUS_REJECTED_DUPLICATE {
				bad("rejected record stored under %s is bill %s (%s)", id, b.Id, b.Status)
			}
			switch live, err := k.Bills.Get(ctx, id); {
			case isNotFound(err):
				bad("rejected record %s was replaced by no bill", id)
			case err != nil:
				return true, err
			case live.Status == types.BILL_STATUS_REJECTED_DUPLICATE:
				bad("rejected record %s was replaced by another rejected record", id)
			}
			var v types.HistoryVerifier
			var broken error
			err := k.RejectedHistory.Walk(ctx, collections.NewPrefixedPairRange[string, uint64](id), func(_ collections.Pair[string, uint64], e types.HistoryEntry) (bool, error) {
				broken = v.Next(e)
				return broken != nil, nil
			})
			if err != nil {
				return true, err
			}
			if broken == nil {
				broken = v.Finish(b)
			}
			if broken != nil {
				bad("rejected record: %v", broken)
			}
			return false, nil
		})
		if err == nil {
			err = k.RejectedHistory.Walk(ctx, nil, func(pk collections.Pair[string, uint64], _ types.HistoryEntry) (bool, error) {
				has, err := k.RejectedBills.Has(ctx, pk.K1())
				if err == nil && !has {
					bad("archived history entry %s/%d has no rejected record", pk.K1(), pk.K2())
				}
				return err != nil, err
			})
		}
		return report("rejected-bills", problems, err)
	}
}
