package keeper

import (
	"context"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// Consent is the gate of data sharing: a document leaves a zone's gateway
// only to the grantee of a consent live at the latest block, within its
// scope, and only after the gateway's access record is in a block.
//
// A consent's scope is a string (no proto change):
//   - "*": all of the granter's trade data;
//   - "doc:<hash>": one document of the granter;
//   - a bill id: that bill's transport document and the documents the
//     granter anchored for that bill.
//
// A document is the granter's data when the granter has a live anchor of it
// (Anchors (hash, granter)), or it is the transport document of a bill the
// granter is the carrier, shipper, consignee or holder of.

// ownersDocument returns the record that makes hash part of owner's data:
// owner's own live anchor first, else the transport document of a bill owner
// is party to. It fails with ErrNotOwnersData otherwise.
func (k Keeper) ownersDocument(ctx context.Context, owner, hash string) (types.Document, error) {
	d, err := k.Anchors.Get(ctx, anchorPK(hash, owner))
	switch {
	case err == nil && !d.Withdrawn:
		return d, nil
	case err != nil && !isNotFound(err):
		return d, err
	}
	td, err := k.Documents.Get(ctx, hash)
	if isNotFound(err) {
		return td, errorsmod.Wrapf(types.ErrNotOwnersData, "%s has no live anchor of %s and it is no bill's transport document on this zone", owner, hash)
	} else if err != nil {
		return td, err
	}
	b, err := k.GetBill(ctx, td.BillId)
	if err != nil {
		return td, err
	}
	if owner == b.Carrier || owner == b.Shipper || owner == b.Consignee || owner == b.Holder {
		return td, nil
	}
	return td, errorsmod.Wrapf(types.ErrNotOwnersData, "%s is the transport document of bill %s, to which %s is not party", hash, b.Id, owner)
}

// checkGrantScope checks, when a consent is granted, that its scope names
// the granter's data.
func (k Keeper) checkGrantScope(ctx context.Context, granter, scope string) error {
	switch {
	case scope == types.ConsentScopeAll:
		return nil
	case strings.HasPrefix(scope, types.ConsentScopeDocPrefix):
		_, err := k.ownersDocument(ctx, granter, strings.TrimPrefix(scope, types.ConsentScopeDocPrefix))
		return errorsmod.Wrap(err, "scope")
	default:
		_, err := k.GetBill(ctx, scope)
		return errorsmod.Wrap(err, "scope")
	}
}

// ConsentCovers checks that consent id is live at the current block, was
// granted to grantee and covers document hash. It returns the consent and
// the record that puts hash in the granter's data; the error says what
// failed (ErrConsentNotFound, ErrConsentNotLive, ErrConsentGrantee,
// ErrNotOwnersData, ErrConsentScope).
func (k Keeper) ConsentCovers(ctx context.Context, id uint64, grantee, hash string) (types.Consent, types.Document, error) {
	var d types.Document
	c, err := k.Consents.Get(ctx, id)
	if isNotFound(err) {
		return c, d, errorsmod.Wrapf(types.ErrConsentNotFound, "no consent %d on this zone", id)
	} else if err != nil {
		return c, d, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	switch {
	case c.Revoked:
		return c, d, errorsmod.Wrapf(types.ErrConsentNotLive, "consent %d was revoked by %s", c.Id, c.Granter)
	case !now.Before(c.ExpiresAt):
		return c, d, errorsmod.Wrapf(types.ErrConsentNotLive, "consent %d expired at %s", c.Id, c.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"))
	case c.Grantee != grantee:
		return c, d, errorsmod.Wrapf(types.ErrConsentGrantee, "consent %d was granted to %s, not %s", c.Id, c.Grantee, grantee)
	}
	d, err = k.ownersDocument(ctx, c.Granter, hash)
	if err != nil {
		return c, d, err
	}
	switch {
	case c.Scope == types.ConsentScopeAll:
	case strings.HasPrefix(c.Scope, types.ConsentScopeDocPrefix):
		if strings.TrimPrefix(c.Scope, types.ConsentScopeDocPrefix) != hash {
			return c, d, errorsmod.Wrapf(types.ErrConsentScope, "consent %d covers %s only", c.Id, c.Scope)
		}
	default:
		if d.BillId != c.Scope {
			return c, d, errorsmod.Wrapf(types.ErrConsentScope, "consent %d covers bill %s; %s belongs to %q", c.Id, c.Scope, hash, d.BillId)
		}
	}
	return c, d, nil
}

// RecordAccess records a gateway's release of a document under a consent.
func (s msgServer) RecordAccess(ctx context.Context, m *types.MsgRecordAccess) (*types.MsgRecordAccessResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if _, err := s.ActivePartyWithRole(ctx, m.Platform, types.ROLE_PLATFORM); err != nil {
		return nil, err
	}
	if _, err := s.ActiveParty(ctx, m.Grantee); err != nil {
		return nil, errorsmod.Wrap(err, "grantee")
	}
	c, _, err := s.ConsentCovers(ctx, m.ConsentId, m.Grantee, m.DocumentHash)
	if err != nil {
		return nil, err
	}
	id, err := s.AccessSeq.Next(ctx)
	if err != nil {
		return nil, err
	}
	id++ // ids start at 1
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	r := types.AccessRecord{
		Id: id, ConsentId: c.Id, Owner: c.Granter, Grantee: m.Grantee, DocumentHash: m.DocumentHash,
		Purpose: c.Purpose, Platform: m.Platform, Height: sdkCtx.BlockHeight(), AccessedAt: sdkCtx.BlockTime().UTC(),
	}
	if err := s.AccessRecords.Set(ctx, id, r); err != nil {
		return nil, err
	}
	if err := s.AccessByOwner.Set(ctx, collections.Join(c.Granter, id)); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdkCtx.EventManager(), &types.EventDocumentAccessed{
		Id: id, ConsentId: c.Id, Owner: c.Granter, Grantee: m.Grantee, DocumentHash: m.DocumentHash, Platform: m.Platform,
	}); err != nil {
		return nil, err
	}
	return &types.MsgRecordAccessResponse{Id: id}, nil
}
