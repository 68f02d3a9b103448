package keeper

import (
	"context"
	"strings"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// History actions of a split and a combination, recorded on the old bills
// (the new bills start with an ISSUE naming the bills they replace).
const (
	ActionSplit   = "SPLIT"
	ActionCombine = "COMBINE"
)

// issue creates bill b — filled in by the caller with its parties, document
// and route — as a new title on this zone: the id must be new, the transport
// document is anchored for it (one bill per document on this zone), its
// identity (carrier and transport document reference, by meaning) and its
// document hash are reserved in the corridor registry in one reservation
// (one bill in the corridor; PENDING until the other zone confirms both when
// a registry channel is set), and the ISSUE entry starts its history. detail
// names the bills it replaces, if any.
func (k Keeper) issue(ctx context.Context, b types.Bill, detail, remark string) (types.Bill, error) {
	b, err := k.register(ctx, b, ActionIssue, b.Carrier, detail, remark, nil)
	if err != nil {
		return b, err
	}
	return b, typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventBillIssued{
		BillId: b.Id, Carrier: b.Carrier, Holder: b.Holder, Type: b.Type, Mode: b.Mode, DocumentHash: b.DocumentHash,
	})
}

// register creates bill b on this zone — its document anchored here, its
// document and identity reserved in the corridor registry (PENDING until the
// other zone confirms, or held locally without a registry channel) — and
// records its first history entry: ISSUE by its carrier, or IMPORTED by the
// zone's gateway for a bill arriving over DCSA PINT.
func (k Keeper) register(ctx context.Context, b types.Bill, action, actor, detail, remark string, pintRecord *types.PintRecord) (types.Bill, error) {
	if has, err := k.Bills.Has(ctx, b.Id); err != nil {
		return b, err
	} else if has {
		return b, errorsmod.Wrapf(types.ErrBillExists, "bill %s was already issued on this zone; use a new transportDocumentReference", b.Id)
	}
	if err := k.anchorTransport(ctx, b.DocumentHash, b.Id, b.Carrier); err != nil {
		return b, err
	}
	var continues []string // a PINT import's chain: the other zone may hand over a bill it exported
	if pintRecord != nil && action == types.ActionImported {
		continues = pintRecord.EntryChecksums
	}
	corridor, err := k.reserve(ctx, b.Id, continues, issueKeys(b)...)
	if err != nil {
		return b, err
	}
	b.Status, b.CorridorStatus = types.BILL_STATUS_ISSUED, corridor
	if corridor == types.RESERVATION_STATUS_PENDING {
		b.Status = types.BILL_STATUS_PENDING
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	b.Version, b.HomeZone, b.Trace, b.HistoryHead, b.HistoryLen = 1, sdkCtx.ChainID(), types.ClassID, types.GenesisHead, 0
	return b, k.recordEntry(ctx, &b, action, actor, "", b.Holder, detail, remark, pintRecord)
}

// replaceable loads the bills a split or combination replaces: each issued by
// the signing carrier, SURRENDERED_FOR_AMENDMENT and not under a hold. It
// returns them and the carrier's party record.
func (k Keeper) replaceable(ctx context.Context, carrier string, ids []string) ([]types.Bill, types.Party, error) {
	party, err := k.ActivePartyWithRole(ctx, carrier, types.ROLE_CARRIER)
	if err != nil {
		return nil, party, err
	}
	olds := make([]types.Bill, 0, len(ids))
	for _, id := range ids {
		b, err := k.billOfCarrier(ctx, carrier, id, types.BILL_STATUS_SURRENDERED_FOR_AMENDMENT)
		if err != nil {
			return nil, party, err
		}
		if err := requireNoPendingAmendment(b); err != nil {
			return nil, party, err
		}
		olds = append(olds, b)
	}
	// The new bills go to the holder who surrendered: it must still be able
	// to hold a bill.
	if _, err := k.ActiveParty(ctx, olds[0].Surrender.RequestedBy); err != nil {
		return nil, party, errorsmod.Wrap(err, "the holder who surrendered")
	}
	return olds, party, nil
}

// replacementOf is the new bill standing in for olds (the first one gives the
// parties and route, which a combination requires to be the same on all):
// held by the party who surrendered, issued today (never before the old
// bills), shipped on board on the latest of their dates.
func replacementOf(ctx context.Context, olds []types.Bill, carrierCode string, r types.BillReplacement) types.Bill {
	first := olds[0]
	b := types.Bill{
		Id: types.BillID(carrierCode, r.TransportDocumentReference), Carrier: first.Carrier, Type: first.Type, Mode: first.Mode,
		Holder: first.Surrender.RequestedBy, Shipper: first.Shipper, Consignee: first.Consignee, Endorsee: first.Endorsee,
		DocumentHash: r.DocumentHash, PortOfLoading: first.PortOfLoading, PortOfDischarge: first.PortOfDischarge,
		IssueDate: sdk.UnwrapSDKContext(ctx).BlockTime().UTC().Format(types.DateLayout),
	}
	for _, o := range olds {
		b.Replaces = append(b.Replaces, o.Id)
		if o.IssueDate > b.IssueDate { // YYYY-MM-DD compares as text
			b.IssueDate = o.IssueDate
		}
		if o.ShippedOnBoardDate > b.ShippedOnBoardDate {
			b.ShippedOnBoardDate = o.ShippedOnBoardDate
		}
	}
	return b
}

// retire voids an old bill in favour of its replacements and records the
// old→new references.
func (k Keeper) retire(ctx context.Context, old types.Bill, action string, newIDs []string, remark string) error {
	old.Status, old.ReplacedBy = types.BILL_STATUS_VOIDED, newIDs
	return k.recordRemark(ctx, &old, action, old.Carrier, old.Holder, "", "replaced by "+strings.Join(newIDs, ", "), remark)
}

func (s msgServer) SplitBill(ctx context.Context, m *types.MsgSplitBill) (*types.MsgSplitBillResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	olds, carrier, err := s.replaceable(ctx, m.Carrier, []string{m.BillId})
	if err != nil {
		return nil, err
	}
	res := &types.MsgSplitBillResponse{}
	for _, r := range m.Replacements {
		b, err := s.issue(ctx, replacementOf(ctx, olds, carrier.Code, r), "split from "+m.BillId, m.Remark)
		if err != nil {
			return nil, errorsmod.Wrapf(err, "new bill %s", types.BillID(carrier.Code, r.TransportDocumentReference))
		}
		res.BillIds, res.Status = append(res.BillIds, b.Id), b.Status
	}
	if err := s.retire(ctx, olds[0], ActionSplit, res.BillIds, m.Remark); err != nil {
		return nil, err
	}
	return res, typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventBillsReplaced{
		Action: ActionSplit, Carrier: m.Carrier, OldBillIds: []string{m.BillId}, NewBillIds: res.BillIds, Holder: olds[0].Surrender.RequestedBy,
	})
}

func (s msgServer) CombineBills(ctx context.Context, m *types.MsgCombineBills) (*types.MsgCombineBillsResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	olds, carrier, err := s.replaceable(ctx, m.Carrier, m.BillIds)
	if err != nil {
		return nil, err
	}
	first := olds[0]
	for _, o := range olds[1:] {
		var differs string
		switch {
		case o.Surrender.RequestedBy != first.Surrender.RequestedBy:
			differs = "was surrendered by another holder"
		case o.Type != first.Type || o.Mode != first.Mode:
			differs = "has another type or mode"
		case o.Shipper != first.Shipper || o.Consignee != first.Consignee || o.Endorsee != first.Endorsee:
			differs = "names another shipper, consignee or endorsee"
		case o.PortOfLoading != first.PortOfLoading || o.PortOfDischarge != first.PortOfDischarge:
			differs = "has another port of loading or discharge"
		}
		if differs != "" {
			return nil, errorsmod.Wrapf(types.ErrNotCombinable, "bill %s %s than %s: only bills of one holder, parties and route combine (amend them first)", o.Id, differs, first.Id)
		}
	}
	b, err := s.issue(ctx, replacementOf(ctx, olds, carrier.Code, m.Replacement), "combined from "+strings.Join(m.BillIds, ", "), m.Remark)
	if err != nil {
		return nil, errorsmod.Wrapf(err, "new bill %s", types.BillID(carrier.Code, m.Replacement.TransportDocumentReference))
	}
	for _, o := range olds {
		if err := s.retire(ctx, o, ActionCombine, []string{b.Id}, m.Remark); err != nil {
			return nil, err
		}
	}
	return &types.MsgCombineBillsResponse{BillId: b.Id, Status: b.Status}, typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventBillsReplaced{
		Action: ActionCombine, Carrier: m.Carrier, OldBillIds: m.BillIds, NewBillIds: []string{b.Id}, Holder: first.Surrender.RequestedBy,
	})
}
