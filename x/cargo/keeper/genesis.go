package keeper

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	host "github.com/cosmos/ibc-go/v8/modules/core/24-host"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// InitGenesis loads a validated genesis state.
func (k Keeper) InitGenesis(ctx context.Context, gs types.GenesisState) error {
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, p := range gs.Parties {
		if err := k.Parties.Set(ctx, p.Address, p); err != nil {
			return err
		}
	}
	for _, b := range gs.Bills {
		if err := k.Bills.Import(ctx, b.Id, b); err != nil {
			return err
		}
	}
	for _, e := range gs.History {
		if err := k.History.Set(ctx, collections.Join(e.BillId, e.Sequence), e); err != nil {
			return err
		}
	}
	for _, a := range gs.HandedOverBills {
		if err := k.HandedOverBills.Set(ctx, collections.Join(a.Bill.Id, a.Archive), a); err != nil {
			return err
		}
	}
	for _, e := range gs.HandedOverHistory {
		if err := k.HandedOverHistory.Set(ctx, collections.Join3(e.Entry.BillId, e.Archive, e.Entry.Sequence), e.Entry); err != nil {
			return err
		}
	}
	// The holder index keeps the bills' past holders, which genesis does not
	// carry: they come from the history.
	if _, err := k.backfillHolders(ctx); err != nil {
		return err
	}
	counts := map[string]uint64{}
	var order []string
	for _, m := range gs.Milestones {
		if err := k.Milestones.Set(ctx, collections.Join(m.BillId, m.Sequence), m); err != nil {
			return err
		}
		if _, seen := counts[m.BillId]; !seen {
			order = append(order, m.BillId)
		}
		if m.Sequence > counts[m.BillId] {
			counts[m.BillId] = m.Sequence
		}
	}
	for _, id := range order { // genesis order, never map order
		if err := k.MilestoneCount.Set(ctx, id, counts[id]); err != nil {
			return err
		}
	}
	for _, d := range gs.Documents {
		if err := k.Documents.Set(ctx, d.Hash, d); err != nil {
			return err
		}
	}
	for _, d := range gs.Anchors {
		if err := k.Anchors.Set(ctx, anchorPK(d.Hash, d.AnchoredBy), d); err != nil {
			return err
		}
	}
	for _, b := range gs.RejectedBills {
		if err := k.RejectedBills.Set(ctx, b.Id, b); err != nil {
			return err
		}
	}
	for _, e := range gs.RejectedHistory {
		if err := k.RejectedHistory.Set(ctx, collections.Join(e.BillId, e.Sequence), e); err != nil {
			return err
		}
	}
	for _, c := range gs.Consents {
		if err := k.Consents.Set(ctx, c.Id, c); err != nil {
			return err
		}
	}
	for _, t := range gs.ClassTraces {
		if err := k.ClassTraces.Set(ctx, t); err != nil {
			return err
		}
	}
	if err := k.ConsentSeq.Set(ctx, gs.NextConsentId); err != nil {
		return err
	}
	for _, r := range gs.RegistryKeys {
		if err := k.putRegistryKey(ctx, types.RESERVATION_STATUS_UNSPECIFIED, r); err != nil {
			return err
		}
	}
	for _, h := range gs.Holds {
		if err := k.Holds.Set(ctx, holdPK(h.SubjectKind, h.Subject), h); err != nil {
			return err
		}
	}
	if err := k.countHolds(ctx); err != nil {
		return err
	}
	for _, r := range gs.AccessRecords {
		if err := k.AccessRecords.Set(ctx, r.Id, r); err != nil {
			return err
		}
		if err := k.AccessByOwner.Set(ctx, collections.Join(r.Owner, r.Id)); err != nil {
			return err
		}
	}
	if err := k.AccessSeq.Set(ctx, gs.AccessSeq); err != nil {
		return err
	}
	for _, c := range gs.Collisions {
		if err := k.Collisions.Set(ctx, collisionPK(c), c); err != nil {
			return err
		}
	}
	for _, p := range gs.EblPlatforms {
		if err := k.EblPlatforms.Set(ctx, p.Code, p); err != nil {
			return err
		}
	}
	for _, e := range gs.PintEnvelopes {
		if err := k.PintEnvelopes.Set(ctx, e.LastEntryChecksum, e); err != nil {
			return err
		}
		// Listed under its bill, unless an archived tombstone's IMPORTED
		// entry lists it (its bill came back after continuing elsewhere).
		if archived, err := k.archivedEnvelope(ctx, e); err != nil {
			return err
		} else if archived {
			continue
		}
		if err := k.PintEnvelopesByBill.Set(ctx, collections.Join3(e.BillId, e.Sequence, e.LastEntryChecksum)); err != nil {
			return err
		}
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := bindPort(sdkCtx, k.ports, k.scoped, types.PortID); err != nil {
		return err
	}
	return bindPort(sdkCtx, k.ports, k.registryScoped, types.RegistryPortID)
}

// bindPort binds an IBC port once and claims its capability in scope.
func bindPort(ctx sdk.Context, ports types.PortKeeper, scoped types.ScopedKeeper, port string) error {
	if _, bound := scoped.GetCapability(ctx, host.PortPath(port)); bound {
		return nil
	}
	return scoped.ClaimCapability(ctx, ports.BindPort(ctx, port), host.PortPath(port))
}

// ExportGenesis exports the whole module state in key order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params}
	if gs.Parties, err = values(ctx, k.Parties.Iterate); err != nil {
		return nil, err
	}
	if gs.Bills, err = values(ctx, k.Bills.Iterate); err != nil {
		return nil, err
	}
	if gs.History, err = values(ctx, k.History.Iterate); err != nil {
		return nil, err
	}
	if gs.Milestones, err = values(ctx, k.Milestones.Iterate); err != nil {
		return nil, err
	}
	if gs.Documents, err = k.Documents.All(ctx); err != nil {
		return nil, err
	}
	if gs.Consents, err = values(ctx, k.Consents.Iterate); err != nil {
		return nil, err
	}
	if gs.NextConsentId, err = k.ConsentSeq.Peek(ctx); err != nil {
		return nil, err
	}
	it, err := k.ClassTraces.Iterate(ctx, nil)
	if err != nil {
		return nil, err
	}
	if gs.ClassTraces, err = it.Keys(); err != nil {
		return nil, err
	}
	if gs.RegistryKeys, err = k.exportRegistry(ctx); err != nil {
		return nil, err
	}
	if gs.Holds, err = values(ctx, k.Holds.Iterate); err != nil {
		return nil, err
	}
	if gs.Anchors, err = values(ctx, k.Anchors.Iterate); err != nil {
		return nil, err
	}
	if gs.RejectedBills, err = values(ctx, k.RejectedBills.Iterate); err != nil {
		return nil, err
	}
	if gs.RejectedHistory, err = values(ctx, k.RejectedHistory.Iterate); err != nil {
		return nil, err
	}
	if gs.HandedOverBills, err = values(ctx, k.HandedOverBills.Iterate); err != nil {
		return nil, err
	}
	err = k.HandedOverHistory.Walk(ctx, nil, func(key collections.Triple[string, uint64, uint64], e types.HistoryEntry) (bool, error) {
		gs.HandedOverHistory = append(gs.HandedOverHistory, types.HandedOverHistoryEntry{Archive: key.K2(), Entry: e})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if gs.Collisions, err = values(ctx, k.Collisions.Iterate); err != nil {
		return nil, err
	}
	if gs.EblPlatforms, err = values(ctx, k.EblPlatforms.Iterate); err != nil {
		return nil, err
	}
	if gs.PintEnvelopes, err = values(ctx, k.PintEnvelopes.Iterate); err != nil {
		return nil, err
	}
	if gs.AccessRecords, err = values(ctx, k.AccessRecords.Iterate); err != nil {
		return nil, err
	}
	if gs.AccessSeq, err = k.AccessSeq.Peek(ctx); err != nil {
		return nil, err
	}
	return gs, nil
}

// values collects every value of a collection in key order.
func values[K, V any](ctx context.Context, iterate func(context.Context, collections.Ranger[K]) (collections.Iterator[K, V], error)) ([]V, error) {
	it, err := iterate(ctx, nil)
	if err != nil {
		return nil, err
	}
	return it.Values()
}

// exportRegistry lists every registry record in (kind, key) order — the
// genesis order whatever the store layout (a bill's identity is kept under
// its carrier code and reference, a document hash's in Documents).
func (k Keeper) exportRegistry(ctx context.Context) ([]types.RegistryKey, error) {
	var out []types.RegistryKey
	err := k.WalkRegistry(ctx, func(_ collections.Pair[int32, string], r types.RegistryKey) (bool, error) {
		out = append(out, r)
		return false, nil
	})
	slices.SortFunc(out, func(a, b types.RegistryKey) int {
		if a.Kind != b.Kind {
			return cmp.Compare(a.Kind, b.Kind)
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out, err
}
