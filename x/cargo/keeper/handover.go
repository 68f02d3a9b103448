package keeper

import (
	"context"
	"fmt"
	"slices"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// Hand-over of an exported bill's corridor keys (issue 37). A bill that left
// zone A over PINT (EXPORTED tombstone) may come back into the corridor
// through zone B: another platform sends it on to a party of B. A still
// holds the bill's keys (its document and identity); B's import reserves
// them like any new bill, and its reservation packet carries the checksums of
// the imported envelope's transfer chain entries ("continues"). A hands the
// keys over — and only then — when they are held for the bill B imports, the
// bill is EXPORTED here, and the last transfer chain entry A's export sent is
// among the checksums: B's bill continues that bill's own history, the one
// title went out and comes back once. The tombstone on A records where it
// continued (BillExport.continued_on and an EXPORT_CONTINUED entry). Anything
// else — a chain that does not continue the export, an export still in
// flight, a bill live here — is refused as before, naming this zone (the
// gateway answers DISE).
//
// On B, keys known HELD_REMOTE by A for that same bill are reserved again
// with handover_from = A; refused, they are recorded HELD_REMOTE by A again.
//
// Races: a bill comes back on one zone at most. On A the bill's own import
// (the same-zone return) resumes the tombstone without the registry, and
// then A refuses B's packet (the bill is no longer EXPORTED); once A handed
// the keys over, its tombstone lets the bill back only as a continuation of
// B's import (handback.go: the tombstone is archived, B hands the keys back
// only for its own concluded export). Two imports on B: the second finds the
// first's bill there.

// ActionExportContinued: the exported bill continued on another corridor
// zone, which now holds its corridor keys (detail: where and why).
const ActionExportContinued = "EXPORT_CONTINUED"

// importContinues returns the transfer chain checksums a bill's reservation
// carries: those of the PINT envelope a PENDING imported bill waits for (nil
// for any other record).
func (k Keeper) importContinues(ctx context.Context, kind types.KeyKind, reference string) ([]string, error) {
	if types.KeyOwnerGroup(kind) != types.KEY_KIND_TRANSPORT_DOCUMENT {
		return nil, nil
	}
	b, err := k.Bills.Get(ctx, reference)
	if isNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if b.Status != types.BILL_STATUS_PENDING || b.ImportedFrom == "" || b.PendingAmendment != nil {
		return nil, nil
	}
	it, err := k.PintEnvelopesByBill.Iterate(ctx, collections.NewPrefixedTripleRange[string, uint64, string](b.Id))
	if err != nil {
		return nil, err
	}
	ks, err := it.Keys()
	if err != nil || len(ks) == 0 {
		return nil, err
	}
	e, err := k.PintEnvelopes.Get(ctx, ks[len(ks)-1].K3())
	if err != nil {
		return nil, err
	}
	return e.EntryChecksums, nil
}

// handoverFrom says whether this zone may ask for a key it knows as r to be
// handed over to its record reference, whose reservation continues the
// transfer chain continues: r is HELD_REMOTE by the zone at the other end of
// the registry channel for a record of the same id. It returns that zone, or
// "" (the key is simply taken).
func (k Keeper) handoverFrom(ctx sdk.Context, p types.Params, r types.RegistryKey, reference string, continues []string) (string, error) {
	if continues == nil || p.RegistryChannel == "" || r.Status != types.RESERVATION_STATUS_HELD_REMOTE || r.Reference != reference ||
		types.KeyOwnerGroup(r.Kind) != types.KEY_KIND_TRANSPORT_DOCUMENT {
		return "", nil
	}
	link, err := k.TrustedChannel(ctx, types.RegistryPortID, p.RegistryChannel)
	if err != nil {
		return "", err
	}
	if r.HolderZone != link.ChainId {
		return "", nil
	}
	return r.HolderZone, nil
}

// letGo forgets this zone's reservation r of a key after a refusal, or —
// when r asked for the key to be handed over — records it HELD_REMOTE by
// the zone that still holds it, as before the ask.
func (k Keeper) letGo(ctx sdk.Context, r types.RegistryKey) error {
	if r.HandoverFrom == "" {
		return k.releaseKey(ctx, r)
	}
	return k.setRegistryKey(ctx, r.Status, types.RegistryKey{Kind: r.Kind, Key: r.Key, Status: types.RESERVATION_STATUS_HELD_REMOTE,
		HolderZone: r.HandoverFrom, Reference: r.Reference})
}

// continuesExport decides, for a key r held here (CONFIRMED or LOCAL), the
// other zone's reservation data carrying transfer chain checksums: true when
// r is held for the bill data reserves, EXPORTED here, whose export's last
// sent entry is among them; otherwise why not, for the refusal.
func (k Keeper) continuesExport(ctx context.Context, r types.RegistryKey, data types.ReservationPacket) (bool, string, error) {
	if types.KeyOwnerGroup(r.Kind) != types.KEY_KIND_TRANSPORT_DOCUMENT {
		return false, "not a bill's key", nil
	}
	b, err := k.Bills.Get(ctx, r.Reference)
	if isNotFound(err) {
		return false, fmt.Sprintf("no bill %s here", r.Reference), nil
	} else if err != nil {
		return false, "", err
	}
	switch {
	case b.Id != data.Reference:
		return false, fmt.Sprintf("held for bill %s, not %s", b.Id, data.Reference), nil
	case b.Status == types.BILL_STATUS_EXPORTING:
		return false, fmt.Sprintf("bill %s is still being exported to %s: the export is not concluded", b.Id, b.Export.GetPlatform()), nil
	case b.Status != types.BILL_STATUS_EXPORTED || b.Export == nil:
		return false, fmt.Sprintf("bill %s is %s here, not EXPORTED", b.Id, b.Status), nil
	case b.Export.ContinuedOn != "":
		return false, fmt.Sprintf("bill %s already continued on %s", b.Id, b.Export.ContinuedOn), nil
	case r.Kind == types.KEY_KIND_TRANSPORT_DOCUMENT && r.Key != b.DocumentHash:
		return false, fmt.Sprintf("bill %s was exported with document %s", b.Id, b.DocumentHash), nil
	case b.Export.LastEntryChecksum == "" || !slices.Contains(data.Continues, b.Export.LastEntryChecksum):
		return false, fmt.Sprintf("bill %s was EXPORTED to %s with transfer chain entry %s, which the import's chain does not continue", b.Id, b.Export.Platform, b.Export.LastEntryChecksum), nil
	}
	return true, "", nil
}

// handOver records on the tombstone of the exported bill id that it
// continued on zone to (its keys are recorded HELD_REMOTE by to next).
func (k Keeper) handOver(ctx sdk.Context, id, to string, continues []string) error {
	b, err := k.GetBill(ctx, id)
	if err != nil {
		return err
	}
	exp := *b.Export
	exp.ContinuedOn, exp.ContinuedHeight = to, ctx.BlockHeight()
	if len(continues) > 0 {
		exp.ContinuedWith = continues[len(continues)-1]
	}
	b.Export = &exp
	detail := fmt.Sprintf("continued on %s: its PINT import there continues the transfer chain this zone exported to %s (last entry %s); the corridor keys are %s's",
		to, exp.Platform, exp.LastEntryChecksum, to)
	return k.recordEntry(ctx, &b, ActionExportContinued, b.Carrier, "", "", detail, "",
		&types.PintRecord{Platform: exp.Platform, LastEntryChecksum: exp.LastEntryChecksum})
}

// handedOver: b is an EXPORTED tombstone whose keys went to the zone it
// continued on.
func handedOver(b types.Bill) bool { return b.Export != nil && b.Export.ContinuedOn != "" }
