package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// Document anchors come in two kinds (see types.Document): a bill's transport
// document, in Documents, written only by issuing, amending or receiving the
// bill; and the parties' own anchors, in Anchors under (hash, anchorer). A
// party's anchor never blocks another party's, nor a bill's: nobody can squat
// a hash. Only the party that made an anchor withdraws it, with a reason, and
// not while an invoice or a presentation relies on it (AnchorUser).

// anchorUsers are the modules whose records rely on parties' anchors.
type anchorUsers struct{ list []types.AnchorUser }

// AddAnchorUser lets u (x/tradefinance) refuse the withdrawal of an anchor
// one of its records relies on.
func (k Keeper) AddAnchorUser(u types.AnchorUser) { k.anchorUsers.list = append(k.anchorUsers.list, u) }

func anchorPK(hash, anchorer string) collections.Pair[string, string] {
	return collections.Join(hash, anchorer)
}

// AnchorDocument records the owner's own anchor of a document: once per party
// and hash (again after the party withdrew it).
func (s msgServer) AnchorDocument(ctx context.Context, m *types.MsgAnchorDocument) (*types.MsgAnchorDocumentResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if _, err := s.ActiveParty(ctx, m.Owner); err != nil {
		return nil, err
	}
	if m.BillId != "" {
		if _, err := s.GetBill(ctx, m.BillId); err != nil {
			return nil, err
		}
	}
	d, err := s.Anchors.Get(ctx, anchorPK(m.Hash, m.Owner))
	switch {
	case err == nil && !d.Withdrawn:
		return nil, errorsmod.Wrapf(types.ErrDocumentExists, "you anchored %s at height %d as %s; to change it, withdraw that anchor first (withdraw-anchor)", m.Hash, d.Height, d.DocType)
	case err == nil && len(d.History)+1 > types.MaxAnchorHistory:
		return nil, errorsmod.Wrapf(types.ErrDocumentExists, "you anchored and withdrew %s %d times: it cannot be anchored by you again", m.Hash, len(d.History)/2)
	case err != nil && !isNotFound(err):
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	d.Hash, d.DocType, d.BillId, d.AnchoredBy, d.Withdrawn = m.Hash, m.DocType, m.BillId, m.Owner, false
	d.Height, d.AnchoredAt = sdkCtx.BlockHeight(), sdkCtx.BlockTime().UTC()
	d.History = append(d.History, types.AnchorEvent{
		Action: types.AnchorActionAnchor, DocType: m.DocType, BillId: m.BillId, Height: d.Height, Time: d.AnchoredAt,
	})
	if err := s.Anchors.Set(ctx, anchorPK(m.Hash, m.Owner), d); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdkCtx.EventManager(), &types.EventDocumentAnchored{
		Hash: m.Hash, DocType: m.DocType, BillId: m.BillId, Owner: m.Owner,
	}); err != nil {
		return nil, err
	}
	return &types.MsgAnchorDocumentResponse{}, nil
}

// WithdrawAnchor withdraws the signer's own anchor of a document, with the
// reason in its history. The record stays, marked withdrawn.
func (s msgServer) WithdrawAnchor(ctx context.Context, m *types.MsgWithdrawAnchor) (*types.MsgWithdrawAnchorResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if err := s.checkText(ctx, "reason", m.Reason); err != nil {
		return nil, err
	}
	if _, err := s.ActiveParty(ctx, m.Anchorer); err != nil {
		return nil, err
	}
	d, err := s.Anchors.Get(ctx, anchorPK(m.Hash, m.Anchorer))
	if isNotFound(err) {
		return nil, s.noAnchorOf(ctx, m.Hash, m.Anchorer)
	} else if err != nil {
		return nil, err
	}
	if d.Withdrawn {
		last := d.History[len(d.History)-1]
		return nil, errorsmod.Wrapf(types.ErrDocumentNotFound, "your anchor of %s was already withdrawn at height %d (%s)", m.Hash, last.Height, last.Reason)
	}
	for _, u := range s.anchorUsers.list {
		what, err := u.AnchorReliance(ctx, m.Hash, m.Anchorer)
		if err != nil {
			return nil, err
		}
		if what != "" {
			return nil, errorsmod.Wrapf(types.ErrAnchorInUse, "%s relies on your anchor of %s: withdraw it once that is settled or closed", what, m.Hash)
		}
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	d.Withdrawn = true
	d.History = append(d.History, types.AnchorEvent{
		Action: types.AnchorActionWithdraw, Reason: m.Reason, Height: sdkCtx.BlockHeight(), Time: sdkCtx.BlockTime().UTC(),
	})
	if err := s.Anchors.Set(ctx, anchorPK(m.Hash, m.Anchorer), d); err != nil {
		return nil, err
	}
	return &types.MsgWithdrawAnchorResponse{}, typedevent.Emit(sdkCtx.EventManager(), &types.EventAnchorWithdrawn{
		Hash: m.Hash, Anchorer: m.Anchorer, DocType: d.DocType, Reason: m.Reason,
	})
}

// noAnchorOf explains why party has no anchor of hash to withdraw.
func (k Keeper) noAnchorOf(ctx context.Context, hash, party string) error {
	if d, err := k.Documents.Get(ctx, hash); err == nil && d.AnchoredBy == party {
		return errorsmod.Wrapf(types.ErrUnauthorized, "%s is the transport document of bill %s: it is the bill's anchor and changes only with the bill (amend-bill, void-bill)", hash, d.BillId)
	} else if err != nil && !isNotFound(err) {
		return err
	}
	anchors, err := k.partyAnchors(ctx, hash)
	if err != nil {
		return err
	}
	if len(anchors) > 0 {
		return errorsmod.Wrapf(types.ErrUnauthorized, "you have no anchor of %s to withdraw: it was anchored by %s (and %d other parties); only the party that made an anchor withdraws it", hash, anchors[0].AnchoredBy, len(anchors)-1)
	}
	return errorsmod.Wrapf(types.ErrDocumentNotFound, "you have no anchor of %s on this zone", hash)
}

// partyAnchors are the parties' own anchors of hash, withdrawn ones included,
// in anchorer order.
func (k Keeper) partyAnchors(ctx context.Context, hash string) ([]types.Document, error) {
	it, err := k.Anchors.Iterate(ctx, collections.NewPrefixedPairRange[string, string](hash))
	if err != nil {
		return nil, err
	}
	return it.Values()
}

// DocumentAnchors returns the anchors of hash in force: the bill's anchor of
// a transport document first, then the parties' anchors not withdrawn, in
// anchorer order. It fails with ErrDocumentNotFound if there is none.
func (k Keeper) DocumentAnchors(ctx context.Context, hash string) ([]types.Document, error) {
	var out []types.Document
	switch d, err := k.Documents.Get(ctx, hash); {
	case err == nil:
		out = append(out, d)
	case !isNotFound(err):
		return nil, err
	}
	anchors, err := k.partyAnchors(ctx, hash)
	if err != nil {
		return nil, err
	}
	for _, d := range anchors {
		if !d.Withdrawn {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		return nil, errorsmod.Wrapf(types.ErrDocumentNotFound, "%s is not anchored on this zone", hash)
	}
	return out, nil
}

// PartyAnchor returns party's own anchor of hash, if it is in force.
func (k Keeper) PartyAnchor(ctx context.Context, hash, party string) (types.Document, error) {
	d, err := k.Anchors.Get(ctx, anchorPK(hash, party))
	switch {
	case isNotFound(err):
		return d, errorsmod.Wrapf(types.ErrDocumentNotFound, "%s has not anchored %s on this zone", party, hash)
	case err != nil:
		return d, err
	case d.Withdrawn:
		return d, errorsmod.Wrapf(types.ErrDocumentNotFound, "%s withdrew its anchor of %s", party, hash)
	}
	return d, nil
}

// documentView is what the Document query shows of hash: what it is anchored
// as (the bill's anchor of a transport document, else the earliest party
// anchor in force; empty if every anchor was withdrawn), every party anchor,
// and whether the hash is known at all.
func (k Keeper) documentView(ctx context.Context, hash string) (types.Document, []types.Document, bool, error) {
	primary, err := k.Documents.Get(ctx, hash)
	hasBill := err == nil
	if err != nil && !isNotFound(err) {
		return primary, nil, false, err
	}
	anchors, err := k.partyAnchors(ctx, hash)
	if err != nil {
		return primary, nil, false, err
	}
	if !hasBill {
		primary = types.Document{}
		for _, d := range anchors {
			if !d.Withdrawn && (primary.Hash == "" || d.Height < primary.Height) {
				primary = d
			}
		}
	}
	return primary, anchors, hasBill || len(anchors) > 0, nil
}
