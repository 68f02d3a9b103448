package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/hashicorp/go-metrics"

	"github.com/cosmos/cosmos-sdk/telemetry"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// PINT-style action names recorded in a bill's history.
const (
	ActionIssue                = "ISSUE"
	ActionTransfer             = "TRANSFER"
	ActionEndorse              = "ENDORSE"
	ActionBlankEndorse         = "BLANK_ENDORSE"
	ActionSurrenderForDelivery = "SURRENDER_FOR_DELIVERY"
	ActionSurrenderForAmend    = "SURRENDER_FOR_AMENDMENT"
	ActionSurrenderAccepted    = "SACC"
	ActionSurrenderRejected    = "SREJ"
	ActionAmend                = "AMEND"
	ActionVoid                 = "VOID"
	ActionLien                 = "LIEN"
	ActionLienRelease          = "LIEN_RELEASE"
	ActionLienTransfer         = "LIEN_TRANSFER"
	ActionRejectTransfer       = "REJECT_TRANSFER"
	ActionRejectEndorsement    = "REJECT_ENDORSEMENT"
)

// GetParty returns a registered party.
func (k Keeper) GetParty(ctx context.Context, addr string) (types.Party, error) {
	p, err := k.Parties.Get(ctx, addr)
	if errors.Is(err, collections.ErrNotFound) {
		return p, errorsmod.Wrapf(types.ErrPartyNotFound, "%s is not a registered party of this zone", addr)
	}
	return p, err
}

// ActiveParty returns a registered, active party: only those may start an action.
func (k Keeper) ActiveParty(ctx context.Context, addr string) (types.Party, error) {
	p, err := k.GetParty(ctx, addr)
	if err != nil {
		return p, err
	}
	return p, k.requireNotStopped(ctx, p)
}

// requireNotStopped refuses a registered party that is deactivated or under
// a regulator's hold.
func (k Keeper) requireNotStopped(ctx context.Context, p types.Party) error {
	if !p.Active {
		return errorsmod.Wrapf(types.ErrPartyInactive, "%s (%s) is deactivated and can start no new action", p.Code, p.Address)
	}
	return k.requireNotHeld(ctx, types.HOLD_SUBJECT_PARTY, p.Address)
}

// ActivePartyWithRole returns an active party holding one of roles.
func (k Keeper) ActivePartyWithRole(ctx context.Context, addr string, roles ...types.Role) (types.Party, error) {
	p, err := k.ActiveParty(ctx, addr)
	if err != nil {
		return p, err
	}
	for _, r := range roles {
		if p.HasRole(r) {
			return p, nil
		}
	}
	return p, errorsmod.Wrapf(types.ErrWrongRole, "%s (%s) needs one of the roles %v", p.Code, addr, roles)
}

// GetBill returns a bill by id.
func (k Keeper) GetBill(ctx context.Context, id string) (types.Bill, error) {
	b, err := k.Bills.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return b, errorsmod.Wrapf(types.ErrBillNotFound, "no bill %q on this zone", id)
	}
	return b, err
}

// holderBill loads a bill that signer holds and may move now: ISSUED, no lien,
// signer an active party and the holder.
func (k Keeper) holderBill(ctx context.Context, signer, id string) (types.Bill, error) {
	if _, err := k.ActiveParty(ctx, signer); err != nil {
		return types.Bill{}, err
	}
	b, err := k.GetBill(ctx, id)
	if err != nil {
		return b, err
	}
	if b.Status == types.BILL_STATUS_TRANSFERRED_OUT {
		return b, errorsmod.Wrapf(types.ErrWrongStatus, "bill %s is TRANSFERRED_OUT: control lives on %s (over %s), where its holder acts on it",
			id, orUnknown(b.ControlZone), b.TransferredVia)
	}
	if b.Holder != signer {
		return b, errorsmod.Wrapf(types.ErrNotHolder, "bill %s is held by %s", id, b.Holder)
	}
	if err := requireStatus(b, types.BILL_STATUS_ISSUED); err != nil {
		return b, err
	}
	if b.Lien != nil {
		return b, errorsmod.Wrapf(types.ErrLiened, "bill %s is liened to %s %s; only its release can move it", id, b.Lien.Module, b.Lien.Reference)
	}
	return b, k.requireNotHeld(ctx, types.HOLD_SUBJECT_BILL, id)
}

// carrierBill loads a bill whose issuing carrier is signer, in one of statuses.
func (k Keeper) carrierBill(ctx context.Context, signer, id string, statuses ...types.BillStatus) (types.Bill, error) {
	if _, err := k.ActivePartyWithRole(ctx, signer, types.ROLE_CARRIER); err != nil {
		return types.Bill{}, err
	}
	return k.billOfCarrier(ctx, signer, id, statuses...)
}

// billOfCarrier is carrierBill for a signer already known to be an active
// CARRIER party.
func (k Keeper) billOfCarrier(ctx context.Context, signer, id string, statuses ...types.BillStatus) (types.Bill, error) {
	b, err := k.GetBill(ctx, id)
	if err != nil {
		return b, err
	}
	if b.Carrier != signer {
		return b, errorsmod.Wrapf(types.ErrUnauthorized, "only the issuing carrier %s may do this for bill %s", b.Carrier, id)
	}
	if err := requireStatus(b, statuses...); err != nil {
		return b, err
	}
	return b, k.requireNotHeld(ctx, types.HOLD_SUBJECT_BILL, id)
}

// orUnknown names an empty value in a message.
func orUnknown(s string) string {
	if s == "" {
		return "the other zone"
	}
	return s
}

func requireStatus(b types.Bill, statuses ...types.BillStatus) error {
	for _, s := range statuses {
		if b.Status == s {
			return nil
		}
	}
	return errorsmod.Wrapf(types.ErrWrongStatus, "bill %s is %s; this needs %v", b.Id, b.Status, statuses)
}

// record appends a history entry for a transition of b, advances the hash
// chain and saves the bill (its indexes follow).
func (k Keeper) record(ctx context.Context, b *types.Bill, action, actor, from, to, detail string) error {
	return k.recordRemark(ctx, b, action, actor, from, to, detail, "")
}

// recordRemark is record with the actor's remark. It also ends an offer: a
// TRANSFER or ENDORSE leaves the offer its handler set, and any other action
// on the bill — except a regulator's hold and the corridor registry's
// answers, which are nobody's choice — means the new holder accepted it.
func (k Keeper) recordRemark(ctx context.Context, b *types.Bill, action, actor, from, to, detail, remark string) error {
	return k.recordEntry(ctx, b, action, actor, from, to, detail, remark, nil)
}

// recordEntry is recordRemark with the PINT transfer the entry records, if any.
func (k Keeper) recordEntry(ctx context.Context, b *types.Bill, action, actor, from, to, detail, remark string, pintRecord *types.PintRecord) error {
	switch action {
	case ActionTransfer, ActionEndorse, ActionHold, ActionHoldLifted,
		ActionCorridorConfirmed, ActionCorridorRejected, ActionCorridorTimeout, ActionCorridorRetry, ActionAmendRejected:
	default:
		b.Offer = nil
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	e := types.HistoryEntry{
		BillId:       b.Id,
		Sequence:     b.HistoryLen + 1,
		Action:       action,
		Actor:        actor,
		From:         from,
		To:           to,
		DocumentHash: b.DocumentHash,
		Detail:       detail,
		Height:       sdkCtx.BlockHeight(),
		Time:         sdkCtx.BlockTime().UTC(),
		ChainId:      sdkCtx.ChainID(),
		PrevHead:     b.HistoryHead,
		Remark:       remark,
		Pint:         pintRecord,
	}
	e.Head = types.ChainHead(e.PrevHead, e)
	if err := k.History.Set(ctx, collections.Join(b.Id, e.Sequence), e); err != nil {
		return err
	}
	b.HistoryHead, b.HistoryLen = e.Head, e.Sequence
	if err := k.Bills.Set(ctx, b.Id, *b); err != nil {
		return err
	}
	if sdkCtx.ExecMode() == sdk.ExecModeFinalize { // not a simulation or a re-check
		telemetry.IncrCounterWithLabels([]string{"tradechain", "bill", "actions"}, 1, []metrics.Label{telemetry.NewLabel("action", action)})
	}
	if remark == "" {
		return nil
	}
	return typedevent.Emit(sdkCtx.EventManager(), &types.EventBillRemark{BillId: b.Id, Sequence: e.Sequence, Action: action, Actor: actor, Remark: remark})
}

// moveControl makes `to` the holder of b and records the transition.
func (k Keeper) moveControl(ctx context.Context, b *types.Bill, action, actor, to, remark string) error {
	from := b.Holder
	b.Holder = to
	if err := k.recordRemark(ctx, b, action, actor, from, to, "", remark); err != nil {
		return err
	}
	return typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventBillTransferred{
		BillId: b.Id, From: from, To: to, Action: action,
	})
}

// anchorTransport anchors hash as the transport document of bill billID,
// issued by carrier: one bill per document on this zone. Parties' own anchors
// of the same hash (Anchors) neither block nor are replaced by it.
func (k Keeper) anchorTransport(ctx context.Context, hash, billID, carrier string) error {
	switch d, err := k.Documents.Get(ctx, hash); {
	case err == nil:
		return errorsmod.Wrapf(types.ErrDocumentExists, "transport document %s already backs bill %s on this zone (anchored by %s at height %d)", hash, d.BillId, d.AnchoredBy, d.Height)
	case !isNotFound(err):
		return err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	return k.Documents.Set(ctx, hash, types.Document{
		Hash: hash, DocType: types.DocTypeTransportDocument, BillId: billID, AnchoredBy: carrier,
		Height: sdkCtx.BlockHeight(), AnchoredAt: sdkCtx.BlockTime().UTC(),
	})
}

// textLimit returns the params bound on free-text fields.
func (k Keeper) textLimit(ctx context.Context) (int, error) {
	p, err := k.Params.Get(ctx)
	return int(p.MaxTextLength), err
}
