package keeper

import (
	"context"
	"fmt"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// A handed-over bill comes back (issue 37). Zone A exported bill X over PINT;
// another platform sent it on to a party of zone B, whose import continued
// A's export: A handed X's corridor keys over to B and its EXPORTED tombstone
// says so (export.continued_on = B, handover.go). B's bill X starts its own
// history there (IMPORTED, listing the checksums of the transfer chain it
// arrived with, which include the last entry A sent). When X comes back to
// A — by IBC from B, or over PINT after B exported it — A's tombstone and
// its history are in the way: the arriving bill carries B's history, which
// starts again at sequence 1 under the same id. So the arrival moves the
// tombstone and its history, unchanged, into the archive of handed-over
// bills (HandedOverBills, HandedOverHistory: query handed-over), and the
// arriving bill continues under the id. Nothing is deleted: the bill's whole
// story on A is the archive followed by the live history, linked by the
// checksum the tombstone keeps (export.last_entry_checksum) and the IMPORTED
// entry's chain.
//
// Only a continuation of the export is let in: the arriving bill's IMPORTED
// entry recorded by the zone the tombstone continued on (IBC), or the
// envelope's own transfer chain (PINT), must list the tombstone's last
// exported entry, for the tombstone's document. Anything else is refused as
// before. The corridor keys are not touched here: by IBC they stay with the
// zone that holds them (B, as for any bill moved by IBC); over PINT the
// import reserves them again and B hands them back only if its own export of
// X is what this envelope continues (continuesExport).

// continuedBy says whether a history entry is the import, on the zone bill
// tomb continued on, of a transfer chain that continues tomb's export.
func continuedBy(tomb types.Bill, e types.HistoryEntry) bool {
	p, x := e.Pint, tomb.Export
	return e.Action == types.ActionImported && e.BillId == tomb.Id && e.ChainId == x.ContinuedOn && p != nil &&
		p.TransportDocumentChecksum == tomb.DocumentHash && slices.Contains(p.EntryChecksums, x.LastEntryChecksum) &&
		(x.ContinuedWith == "" || p.LastEntryChecksum == x.ContinuedWith)
}

// handedOverReturnIBC decides whether the bill an IBC packet brings (rec) is
// a handed-over bill of this zone coming back: it returns the tombstone to
// archive, or nil when the id is no handed-over tombstone here. A tombstone
// the carried history does not show continued is refused (cargo/80).
func (k Keeper) handedOverReturnIBC(ctx sdk.Context, rec types.BillRecord) (*types.Bill, error) {
	tomb, err := k.Bills.Get(ctx, rec.ID)
	if isNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if tomb.Status != types.BILL_STATUS_EXPORTED || !handedOver(tomb) {
		return nil, nil
	}
	for _, e := range rec.History {
		if continuedBy(tomb, e) {
			return &tomb, nil
		}
	}
	why := "none of its carried history entries is that import"
	if len(rec.History) == 0 || rec.History[0].Sequence > 1 {
		why = fmt.Sprintf("its history is carried from entry %d on (an IBC packet carries the latest %d), so the import is not in it: move it back over PINT instead",
			firstSequence(rec.History), types.MaxCarriedHistory)
	}
	return nil, errorsmod.Wrapf(types.ErrHandedOverReturn, "bill %s was exported from here with transfer chain entry %s and continued on %s at height %d; %s",
		tomb.Id, tomb.Export.LastEntryChecksum, tomb.Export.ContinuedOn, tomb.Export.ContinuedHeight, why)
}

func firstSequence(h []types.HistoryEntry) uint64 {
	if len(h) == 0 {
		return 0
	}
	return h[0].Sequence
}

// handedOverReturnPINT checks that a PINT envelope (its transfer chain's
// entry checksums, its document) continues the export of tombstone tomb,
// which continued on another zone, beyond the chain that zone imported: the
// bill left that zone again (DISE otherwise, naming why). Whether that zone
// lets the bill go is its registry's answer (continuesExport there).
func handedOverReturnPINT(tomb types.Bill, documentChecksum string, entryChecksums []string) error {
	x := tomb.Export
	switch {
	case tomb.DocumentHash != documentChecksum:
		return errorsmod.Wrapf(types.ErrPintDispute, "bill %s was exported with document %s; this envelope carries %s", tomb.Id, tomb.DocumentHash, documentChecksum)
	case !slices.Contains(entryChecksums, x.LastEntryChecksum):
		return errorsmod.Wrapf(types.ErrPintDispute, "bill %s left this zone with transfer chain entry %s and continued on %s; this envelope's chain does not continue it",
			tomb.Id, x.LastEntryChecksum, x.ContinuedOn)
	case x.ContinuedWith != "" && (!slices.Contains(entryChecksums, x.ContinuedWith) || entryChecksums[len(entryChecksums)-1] == x.ContinuedWith):
		return errorsmod.Wrapf(types.ErrPintDispute, "bill %s continued on %s with transfer chain entry %s; this envelope's chain does not go on from there (the bill is there, or its chain forked before it)",
			tomb.Id, x.ContinuedOn, x.ContinuedWith)
	}
	return nil
}

// archiveHandedOver moves handed-over tombstone tomb, its history and its
// listing of imported envelopes out of the way of its bill coming back
// (arrival: "ibc:<port>/<channel>" or "pint:<platform>"), and releases its
// transport document anchor for the arriving bill to anchor (its registry
// part stays). The parties that held it here keep their holder index entries
// (billHistory reads the archive too). The write is part of the arrival: a
// refusal discards it with the rest.
func (k Keeper) archiveHandedOver(ctx sdk.Context, tomb types.Bill, arrival string) error {
	n, err := k.lastArchive(ctx, tomb.Id)
	if err != nil {
		return err
	}
	n++
	entries, err := k.liveHistory(ctx, tomb.Id)
	if err != nil {
		return err
	}
	for _, e := range entries {
		pk := collections.Join(e.BillId, e.Sequence)
		if err := k.HandedOverHistory.Set(ctx, collections.Join3(e.BillId, n, e.Sequence), e); err != nil {
			return err
		}
		if err := k.History.Remove(ctx, pk); err != nil {
			return err
		}
	}
	// Its imported envelopes stay (by checksum: a replay is still DUPE);
	// they are no longer listed under the bill id, whose next import is the
	// arriving bill's, but under the archived IMPORTED entries.
	it, err := k.PintEnvelopesByBill.Iterate(ctx, collections.NewPrefixedTripleRange[string, uint64, string](tomb.Id))
	if err != nil {
		return err
	}
	listed, err := it.Keys()
	if err != nil {
		return err
	}
	for _, key := range listed {
		if err := k.PintEnvelopesByBill.Remove(ctx, key); err != nil {
			return err
		}
	}
	if d, err := k.Documents.Get(ctx, tomb.DocumentHash); err == nil && d.BillId == tomb.Id {
		if err := k.Documents.Remove(ctx, tomb.DocumentHash); err != nil {
			return err
		}
	} else if err != nil && !isNotFound(err) {
		return err
	}
	if err := k.Bills.Remove(ctx, tomb.Id); err != nil {
		return err
	}
	if err := k.HandedOverBills.Set(ctx, collections.Join(tomb.Id, n), types.HandedOverBill{
		Archive: n, Bill: tomb, ArchivedHeight: ctx.BlockHeight(), Arrival: arrival,
	}); err != nil {
		return err
	}
	return typedevent.Emit(ctx.EventManager(), &types.EventHandedOverBillArchived{
		BillId: tomb.Id, Archive: n, ContinuedOn: tomb.Export.ContinuedOn, HistoryLen: tomb.HistoryLen, Arrival: arrival,
	})
}

// lastArchive is the number of bill id's last archived handed-over
// tombstone here (0: none).
func (k Keeper) lastArchive(ctx sdk.Context, id string) (uint64, error) {
	it, err := k.HandedOverBills.Iterate(ctx, collections.NewPrefixedPairRange[string, uint64](id).Descending())
	if err != nil {
		return 0, err
	}
	defer it.Close()
	if !it.Valid() {
		return 0, nil
	}
	key, err := it.Key()
	if err != nil {
		return 0, err
	}
	return key.K2(), nil
}

// handedOverHistory is bill id's archived history on this zone, oldest
// archive first, each in sequence order.
func (k Keeper) handedOverHistory(ctx context.Context, id string) ([]types.HandedOverHistoryEntry, error) {
	var out []types.HandedOverHistoryEntry
	err := k.HandedOverHistory.Walk(ctx, collections.NewPrefixedTripleRange[string, uint64, uint64](id),
		func(key collections.Triple[string, uint64, uint64], e types.HistoryEntry) (bool, error) {
			out = append(out, types.HandedOverHistoryEntry{Archive: key.K2(), Entry: e})
			return false, nil
		})
	return out, err
}

// HandedOverInvariant: every archived handed-over tombstone is stored under
// its id and archive number (1, 2, ... without gaps), is an EXPORTED
// tombstone that continued on another zone, its archived history
// hash-chains to its head, and a record lives under its id (the bill that
// came back, or what it became); no archived history is orphaned; an
// imported envelope no longer listed under its bill is listed by an archived
// IMPORTED entry (PintEnvelopesInvariant).
func HandedOverInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		var problems []string
		bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
		next := map[string]uint64{}
		err := k.HandedOverBills.Walk(ctx, nil, func(pk collections.Pair[string, uint64], a types.HandedOverBill) (bool, error) {
			id, b := pk.K1(), a.Bill
			next[id]++
			if a.Archive != pk.K2() || b.Id != id || pk.K2() != next[id] {
				bad("archived tombstone %s/%d says %s/%d (archives number 1, 2, ...)", id, pk.K2(), b.Id, a.Archive)
			}
			if b.Status != types.BILL_STATUS_EXPORTED || !handedOver(b) || b.Holder != "" {
				bad("archived tombstone %s/%d is %s without a hand-over to another zone", id, pk.K2(), b.Status)
			}
			if has, err := k.Bills.Has(ctx, id); err != nil {
				return true, err
			} else if !has {
				bad("archived tombstone %s/%d: no bill came back under its id", id, pk.K2())
			}
			var v types.HistoryVerifier
			var broken error
			err := k.HandedOverHistory.Walk(ctx, collections.NewSuperPrefixedTripleRange[string, uint64, uint64](id, pk.K2()),
				func(_ collections.Triple[string, uint64, uint64], e types.HistoryEntry) (bool, error) {
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
				bad("archived tombstone %s/%d: %v", id, pk.K2(), broken)
			}
			return false, nil
		})
		if err == nil {
			err = k.HandedOverHistory.Walk(ctx, nil, func(key collections.Triple[string, uint64, uint64], e types.HistoryEntry) (bool, error) {
				has, err := k.HandedOverBills.Has(ctx, collections.Join(key.K1(), key.K2()))
				if err == nil && (!has || e.BillId != key.K1() || e.Sequence != key.K3()) {
					bad("archived history entry %s/%d/%d has no archived tombstone or is stored under another key", key.K1(), key.K2(), key.K3())
				}
				return err != nil, err
			})
		}
		return report("handed-over-bills", problems, err)
	}
}

// archivedEnvelope says whether envelope e (imported under its bill id at
// its IMPORTED entry's sequence) is listed by an archived IMPORTED entry of
// that bill.
func (k Keeper) archivedEnvelope(ctx context.Context, e types.PintEnvelope) (bool, error) {
	found := false
	err := k.HandedOverBills.Walk(ctx, collections.NewPrefixedPairRange[string, uint64](e.BillId), func(pk collections.Pair[string, uint64], _ types.HandedOverBill) (bool, error) {
		h, err := k.HandedOverHistory.Get(ctx, collections.Join3(e.BillId, pk.K2(), e.Sequence))
		if isNotFound(err) {
			return false, nil
		} else if err != nil {
			return true, err
		}
		found = h.Action == types.ActionImported && h.Pint != nil && h.Pint.LastEntryChecksum == e.LastEntryChecksum
		return found, nil
	})
	return found, err
}
