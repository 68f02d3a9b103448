package keeper

import (
	"context"
	"fmt"
	"slices"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// RegisterInvariants registers x/cargo's invariants with x/crisis, so they can
// be checked on a running chain (`tradechaind tx crisis invariant-broken cargo <route>`).
func RegisterInvariants(ir sdk.InvariantRegistry, k Keeper) {
	for _, r := range invariants(k) {
		ir.RegisterRoute(types.ModuleName, r.route, r.check)
	}
}

// AllInvariants runs every x/cargo invariant.
func AllInvariants(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		for _, r := range invariants(k) {
			if msg, broken := r.check(ctx); broken {
				return msg, true
			}
		}
		return "", false
	}
}

func invariants(k Keeper) []struct {
	route string
	check sdk.Invariant
} {
	return []struct {
		route string
		check sdk.Invariant
	}{
		{"bill-records", BillRecordsInvariant(k)},
		{"bill-indexes", BillIndexesInvariant(k)},
		{"past-holders", PastHoldersInvariant(k)},
		{"bill-history", BillHistoryInvariant(k)},
		{"corridor-registry", RegistryInvariant(k)},
		{"hold-count", HoldCountInvariant(k)},
		{"document-anchors", AnchorsInvariant(k)},
		{"rejected-bills", RejectedBillsInvariant(k)},
		{"pint-envelopes", PintEnvelopesInvariant(k)},
		{"handed-over-bills", HandedOverInvariant(k)},
	}
}

// HoldCountInvariant: the count of holds in force of each subject kind is
// the number of holds of that kind in the store, and both kinds are counted.
func HoldCountInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		held, err := k.holdsByKind(ctx)
		if err != nil {
			return report("hold-count", nil, err)
		}
		var problems []string
		for _, kind := range holdKinds {
			n, err := k.HoldCount.Get(ctx, int32(kind))
			switch {
			case err != nil:
				problems = append(problems, fmt.Sprintf("no hold count for %s", kind))
			case n != held[int32(kind)]:
				problems = append(problems, fmt.Sprintf("hold count of %s is %d, %d holds in force", kind, n, held[int32(kind)]))
			}
		}
		return report("hold-count", problems, nil)
	}
}

// BillRecordsInvariant: one live record per bill id — each bill is stored
// under its own id, its transport document hash is anchored for that bill and
// no other, a live bill has a holder and no lien unless ISSUED, and split or
// combined bills and their replacements name each other.
func BillRecordsInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		var problems []string
		err := k.Bills.Walk(ctx, nil, func(id string, b types.Bill) (bool, error) {
			if b.Id != id {
				problems = append(problems, fmt.Sprintf("bill stored under %s says id %s", id, b.Id))
			}
			d, err := k.Documents.Get(ctx, b.DocumentHash)
			if b.Status == types.BILL_STATUS_REJECTED_DUPLICATE {
				if err == nil && d.BillId == id {
					problems = append(problems, fmt.Sprintf("rejected bill %s still anchors document %s", id, b.DocumentHash))
				}
			} else if err != nil || d.BillId != id {
				problems = append(problems, fmt.Sprintf("bill %s: document %s is not anchored for it", id, b.DocumentHash))
			}
			if b.Lien != nil && b.Status != types.BILL_STATUS_ISSUED {
				problems = append(problems, fmt.Sprintf("bill %s is %s and carries lien %s", id, b.Status, b.Lien.Reference))
			}
			problems = append(problems, replacementProblems(ctx, k, b)...)
			problems = append(problems, exportProblems(b)...)
			return false, nil
		})
		return report("bill-records", problems, err)
	}
}

// exportProblems checks a bill's PINT export against its status: an
// EXPORTING bill has an export in progress (no answer yet) and is still held
// by the holder who exported it; an EXPORTED tombstone has no holder, names
// the holder who exported it and keeps the receiving platform's signed
// acceptance (RECE or DUPE); any other bill has no export in progress.
func exportProblems(b types.Bill) []string {
	var problems []string
	e := b.Export
	switch b.Status {
	case types.BILL_STATUS_EXPORTING:
		if e == nil || e.ResponseCode != "" || e.RequestedBy != b.Holder || b.Holder == "" {
			problems = append(problems, fmt.Sprintf("bill %s is EXPORTING without an open export by its holder", b.Id))
		}
	case types.BILL_STATUS_EXPORTED:
		if e == nil || (e.ResponseCode != "RECE" && e.ResponseCode != "DUPE") || e.SignedResponse == "" || b.Holder != "" || b.DepartedHolder != e.RequestedBy {
			problems = append(problems, fmt.Sprintf("bill %s is EXPORTED without a signed acceptance, or still has a holder", b.Id))
		}
	default:
		if e != nil && e.ResponseCode == "" && e.WithdrawnHeight == 0 {
			problems = append(problems, fmt.Sprintf("bill %s is %s with an export in progress", b.Id, b.Status))
		}
	}
	return problems
}

// PintEnvelopesInvariant: every imported envelope is well formed, listed
// under its bill at its IMPORTED history entry (or, once the bill's tombstone
// was archived when it came back, by that archived IMPORTED entry), and every
// listing has its envelope.
func PintEnvelopesInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		var problems []string
		err := k.PintEnvelopes.Walk(ctx, nil, func(sum string, e types.PintEnvelope) (bool, error) {
			if err := e.Validate(); err != nil || e.LastEntryChecksum != sum {
				problems = append(problems, fmt.Sprintf("envelope %s: stored under another checksum or malformed: %v", sum, err))
			}
			has, err := k.PintEnvelopesByBill.Has(ctx, collections.Join3(e.BillId, e.Sequence, sum))
			if err == nil && !has { // the bill came back after continuing elsewhere: its archive lists it
				has, err = k.archivedEnvelope(ctx, e)
			}
			if err != nil {
				return true, err
			}
			if !has {
				problems = append(problems, fmt.Sprintf("envelope %s is listed neither under bill %s nor by its archived history", sum, e.BillId))
			}
			return false, nil
		})
		if err == nil {
			err = k.PintEnvelopesByBill.Walk(ctx, nil, func(key collections.Triple[string, uint64, string]) (bool, error) {
				if e, err := k.PintEnvelopes.Get(ctx, key.K3()); err != nil || e.BillId != key.K1() || e.Sequence != key.K2() {
					problems = append(problems, fmt.Sprintf("bill %s lists envelope %s, which is not its", key.K1(), key.K3()))
				}
				return false, nil
			})
		}
		return report("pint-envelopes", problems, err)
	}
}

// replacementProblems checks a split's or combination's references from b's
// side: a bill replaced by others is VOIDED and each of them exists here and
// names it; a bill issued in place of others names only VOIDED bills that
// name it back.
func replacementProblems(ctx sdk.Context, k Keeper, b types.Bill) []string {
	var problems []string
	if len(b.ReplacedBy) > 0 && b.Status != types.BILL_STATUS_VOIDED {
		problems = append(problems, fmt.Sprintf("bill %s is replaced by %v but %s", b.Id, b.ReplacedBy, b.Status))
	}
	for _, id := range b.ReplacedBy {
		if n, err := k.Bills.Get(ctx, id); err != nil || !slices.Contains(n.Replaces, b.Id) {
			problems = append(problems, fmt.Sprintf("bill %s names replacement %s, which does not name it back", b.Id, id))
		}
	}
	for _, id := range b.Replaces {
		if o, err := k.Bills.Get(ctx, id); err != nil || o.Status != types.BILL_STATUS_VOIDED || !slices.Contains(o.ReplacedBy, b.Id) {
			problems = append(problems, fmt.Sprintf("bill %s replaces %s, which is not a VOIDED bill naming it", b.Id, id))
		}
	}
	return problems
}

// BillIndexesInvariant: the holder (its "holds now" entries) and status
// indexes hold exactly one entry per bill, matching the bill (the status
// entry its status and status_since); every bill outside its carrier's own
// range of ids has its carrier entry, and every carrier entry names a bill
// of that carrier (CarrierIndex); and the count of each status is the
// number of bills in it.
func BillIndexesInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		var problems []string
		var n uint64
		byStatus := map[int32]uint64{}
		err := k.Bills.Walk(ctx, nil, func(id string, b types.Bill) (bool, error) {
			n++
			byStatus[int32(b.Status)]++
			for _, c := range []struct {
				name string
				has  func() (bool, error)
			}{
				{"holder", func() (bool, error) { return k.Bills.Indexes.Holder.HoldsNow(ctx, b.Holder, id) }},
				{"carrier", func() (bool, error) {
					listed, err := k.Bills.Indexes.Carrier.Listed(ctx, b.Carrier, id)
					if err != nil || listed {
						return listed, err
					}
					return k.Bills.Indexes.Carrier.Has(ctx, collections.Join(b.Carrier, id))
				}},
				{"status", func() (bool, error) { return k.Bills.Indexes.Status.Has(ctx, statusKey(id, b)) }},
			} {
				name := c.name
				ok, err := c.has()
				if err != nil {
					return true, err
				}
				if !ok {
					problems = append(problems, fmt.Sprintf("bill %s missing from the %s index", id, name))
				}
			}
			return false, nil
		})
		if err == nil {
			for _, ix := range []struct {
				name  string
				count func() (uint64, error)
			}{
				{"holder", func() (uint64, error) { return countHoldersNow(ctx, k.Bills.Indexes.Holder) }},
				{"status", func() (uint64, error) { return countKeys(ctx, k.Bills.Indexes.Status) }},
			} {
				name := ix.name
				c, cerr := ix.count()
				if cerr != nil {
					err = cerr
					break
				}
				if c != n {
					problems = append(problems, fmt.Sprintf("the %s index has %d entries for %d bills", name, c, n))
				}
			}
		}
		if err == nil {
			// The carrier index lists no bill twice and none of another
			// carrier; it may list a bill its carrier's range lists too
			// (CarrierIndex).
			err = k.Bills.Indexes.Carrier.Walk(ctx, nil, func(key collections.Pair[string, string]) (bool, error) {
				b, gerr := k.Bills.Get(ctx, key.K2())
				switch {
				case isNotFound(gerr):
					problems = append(problems, fmt.Sprintf("the carrier index lists bill %s under %s: no such bill", key.K2(), key.K1()))
				case gerr != nil:
					return true, gerr
				case b.Carrier != key.K1():
					problems = append(problems, fmt.Sprintf("the carrier index lists bill %s under %s: its carrier is %s", key.K2(), key.K1(), b.Carrier))
				}
				return false, nil
			})
		}
		for s := int32(0); err == nil && s < int32(len(types.BillStatus_name)); s++ {
			var c uint64
			if c, err = k.Bills.Indexes.Status.Count(ctx, s); err == nil && c != byStatus[s] {
				problems = append(problems, fmt.Sprintf("the count of %s bills is %d, %d bills have that status", types.BillStatus(s), c, byStatus[s]))
			}
		}
		return report("bill-indexes", problems, err)
	}
}

// BillHistoryInvariant: every bill's stored history hash-chains entry by
// entry and ends at the bill's history_len and history_head.
func BillHistoryInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		var problems []string
		err := k.Bills.Walk(ctx, nil, func(id string, b types.Bill) (bool, error) {
			var v types.HistoryVerifier
			var broken error
			err := k.History.Walk(ctx, collections.NewPrefixedPairRange[string, uint64](id), func(key collections.Pair[string, uint64], e types.HistoryEntry) (bool, error) {
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
				problems = append(problems, broken.Error())
			}
			return false, nil
		})
		return report("bill-history", problems, err)
	}
}

type keyWalker[K any] interface {
	Walk(ctx context.Context, r collections.Ranger[K], fn func(K) (bool, error)) error
}

func countKeys[K any](ctx context.Context, ks keyWalker[K]) (uint64, error) {
	var n uint64
	err := ks.Walk(ctx, nil, func(K) (bool, error) { n++; return false, nil })
	return n, err
}

func report(route string, problems []string, err error) (string, bool) {
	if err != nil {
		problems = append(problems, "error: "+err.Error())
	}
	msg := fmt.Sprintf("%d problem(s)\n", len(problems))
	for _, p := range problems {
		msg += "  " + p + "\n"
	}
	return sdk.FormatInvariant(types.ModuleName, route, msg), len(problems) > 0
}

// RegistryInvariant: the corridor registry and the bills agree.
//   - Every key record is well formed, and the open-reservation index lists
//     exactly the PENDING and TIMED_OUT ones.
//   - A BILL key held or reserved here names the bill of this zone whose id
//     it is the identity of, with the bill's corridor status; it is open
//     exactly while the bill is PENDING.
//   - A TRANSPORT_DOCUMENT key held or reserved here names a bill of this
//     zone the document is anchored for; it is open exactly while the bill
//     waits for it — a PENDING bill for its document, a pending amendment for
//     its new document —, with the corridor status of that wait.
//   - A bill issued here under the registry (corridor status set) that is
//     not REJECTED_DUPLICATE holds its identity key (unless the v3 upgrade
//     listed it as a collision) and its document's key (held here for the
//     hash it was issued with; held somewhere for an amended one), and a
//     pending amendment's key; a REJECTED_DUPLICATE bill holds no key, nor
//     does an EXPORTED bill whose keys went to the zone it continued on.
func RegistryInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		var problems []string
		bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
		err := k.WalkRegistry(ctx, func(pk collections.Pair[int32, string], r types.RegistryKey) (bool, error) {
			if err := r.Validate(); err != nil {
				bad("key %s: %v", pk.K2(), err)
			}
			if has, err := k.RegistryOpen.Has(ctx, openEntry(r.Status, r.Reference, pk)); err != nil || has != isOpen(r.Status) {
				bad("key %s (%s): open-reservation index says %v", r.Key, r.Status, has)
			}
			if r.Status == types.RESERVATION_STATUS_HELD_REMOTE || r.Kind == types.KEY_KIND_INVOICE {
				return false, nil
			}
			b, err := k.Bills.Get(ctx, r.Reference)
			if err != nil {
				bad("%s key %s names bill %s, which does not exist", types.KeyKindName(r.Kind), r.Key, r.Reference)
				return false, nil
			}
			switch r.Kind {
			case types.KEY_KIND_BILL:
				switch {
				case r.Key != types.BillKeyOf(b.Id):
					bad("bill key %s names bill %s, whose identity is %s", r.Key, b.Id, types.BillKeyOf(b.Id))
				case b.CorridorStatus != types.RESERVATION_STATUS_UNSPECIFIED && b.CorridorStatus != r.Status:
					bad("bill key %s (%s) and bill %s (corridor %s) disagree", r.Key, r.Status, b.Id, b.CorridorStatus)
				case isOpen(r.Status) != (b.Status == types.BILL_STATUS_PENDING):
					bad("bill %s is %s while its identity key is %s", b.Id, b.Status, r.Status)
				}
			case types.KEY_KIND_TRANSPORT_DOCUMENT:
				issue := b.Status == types.BILL_STATUS_PENDING && r.Key == b.DocumentHash
				pa := b.PendingAmendment
				amend := pa != nil && r.Key == pa.NewDocumentHash
				switch d, err := k.Documents.Get(ctx, r.Key); {
				case err != nil || d.BillId != b.Id:
					bad("document key %s names bill %s, for which it is not anchored", r.Key, b.Id)
				case isOpen(r.Status) != (issue || amend):
					bad("document key %s is %s while bill %s (%s, pending amendment %v) waits for it: %v", r.Key, r.Status, b.Id, b.Status, pa != nil, issue || amend)
				case issue && b.CorridorStatus != r.Status, amend && pa.CorridorStatus != r.Status:
					bad("document key %s (%s) and the wait of bill %s disagree", r.Key, r.Status, b.Id)
				}
			}
			return false, nil
		})
		if err == nil {
			err = k.RegistryOpen.Walk(ctx, nil, func(e OpenReservation) (bool, error) {
				r, found, err := k.registryAt(ctx, e.K2().K2())
				if err != nil || !found || int32(r.Status) != e.K1() || r.Reference != e.K2().K1() {
					bad("open-reservation index entry %v has no record of that status", e)
				}
				return false, nil
			})
		}
		if err == nil {
			err = k.Bills.Walk(ctx, nil, func(id string, b types.Bill) (bool, error) {
				// Only bills issued here carry a corridor status (a bill that
				// arrived from its home zone is covered by that zone's keys).
				if b.CorridorStatus == types.RESERVATION_STATUS_UNSPECIFIED {
					return false, nil
				}
				held := func(kind types.KeyKind, key string) (types.RegistryKey, bool, error) {
					r, found, err := k.lookupKey(ctx, kind, key, id)
					return r, found && r.Status != types.RESERVATION_STATUS_HELD_REMOTE && r.Reference == id, err
				}
				identity, hasIdentity, err := held(types.KEY_KIND_BILL, types.BillKeyOf(id))
				if err != nil {
					return true, err
				}
				doc, hasDoc, err := held(types.KEY_KIND_TRANSPORT_DOCUMENT, b.DocumentHash)
				if err != nil {
					return true, err
				}
				if b.Status == types.BILL_STATUS_REJECTED_DUPLICATE {
					if hasIdentity || hasDoc {
						bad("rejected bill %s still holds its identity or document key (%v, %v)", id, identity.Status, doc.Status)
					}
					return false, nil
				}
				if handedOver(b) {
					if hasIdentity || hasDoc {
						bad("exported bill %s continued on %s but still holds its identity or document key (%v, %v)", id, b.Export.ContinuedOn, identity.Status, doc.Status)
					}
					return false, nil
				}
				if !hasIdentity {
					listed, err := k.Collisions.Has(ctx, collections.Join3(int32(types.KEY_KIND_BILL), types.BillKeyOf(id), sdk.UnwrapSDKContext(ctx).ChainID()+"/"+id))
					if err != nil {
						return true, err
					}
					if !listed {
						bad("bill %s (%s) holds no key for its identity %s", id, b.Status, types.BillKeyOf(id))
					}
				}
				switch {
				case b.Version == 1 && !hasDoc:
					bad("bill %s (%s) holds no key for its document %s", id, b.Status, b.DocumentHash)
				case b.Version > 1:
					if _, found, err := k.GetRegistryKey(ctx, types.KEY_KIND_TRANSPORT_DOCUMENT, b.DocumentHash); err != nil {
						return true, err
					} else if !found {
						bad("amended bill %s: no zone holds its document %s", id, b.DocumentHash)
					}
				}
				if pa := b.PendingAmendment; pa != nil {
					if r, ok, err := held(types.KEY_KIND_TRANSPORT_DOCUMENT, pa.NewDocumentHash); err != nil {
						return true, err
					} else if !ok || !isOpen(r.Status) {
						bad("bill %s: its pending amendment's document %s has no open reservation here", id, pa.NewDocumentHash)
					}
				}
				return false, nil
			})
		}
		if err == nil {
			err = k.Collisions.Walk(ctx, nil, func(_ collections.Triple[int32, string, string], c types.IdentityCollision) (bool, error) {
				if err := c.Validate(); err != nil {
					bad("collision: %v", err)
				}
				return false, nil
			})
		}
		return report("corridor-registry", problems, err)
	}
}
