package keeper

import (
	"context"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/types"
)

type msgServer struct{ Keeper }

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the x/cargo Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k} }

// validate runs a message's stateless checks. The ante handler already ran
// them for txs; messages dispatched by authz or gov come here directly.
func validate(m interface{ ValidateBasic() error }) error { return m.ValidateBasic() }

func (s msgServer) IssueBill(ctx context.Context, m *types.MsgIssueBill) (*types.MsgIssueBillResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	carrier, err := s.ActivePartyWithRole(ctx, m.Carrier, types.ROLE_CARRIER)
	if err != nil {
		return nil, err
	}
	for _, named := range []struct{ field, addr string }{{"issue_to", m.IssueTo}, {"consignee", m.Consignee}, {"endorsee", m.Endorsee}} {
		if named.addr == "" {
			continue
		}
		if _, err := s.ActiveParty(ctx, named.addr); err != nil {
			return nil, errorsmod.Wrapf(err, "%s", named.field)
		}
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	issued, _ := types.ParseDate("issue_date", m.IssueDate)
	if issued.After(sdkCtx.BlockTime().Add(24 * time.Hour)) {
		return nil, errorsmod.Wrapf(types.ErrInvalidDate, "issue_date %s is in the future (block time %s)", m.IssueDate, sdkCtx.BlockTime().UTC().Format(types.DateLayout))
	}
	b, err := s.issue(ctx, types.Bill{
		Id:                 types.BillID(carrier.Code, m.TransportDocumentReference),
		Carrier:            m.Carrier,
		Type:               m.Type,
		Mode:               m.Mode,
		Holder:             m.IssueTo,
		Shipper:            m.IssueTo,
		Consignee:          m.Consignee,
		Endorsee:           m.Endorsee,
		DocumentHash:       m.DocumentHash,
		PortOfLoading:      m.PortOfLoading,
		PortOfDischarge:    m.PortOfDischarge,
		IssueDate:          m.IssueDate,
		ShippedOnBoardDate: m.ShippedOnBoardDate,
	}, "", m.Remark)
	if err != nil {
		return nil, err
	}
	return &types.MsgIssueBillResponse{BillId: b.Id, Status: b.Status}, nil
}

func (s msgServer) TransferBill(ctx context.Context, m *types.MsgTransferBill) (*types.MsgTransferBillResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	b, err := s.holderBill(ctx, m.Holder, m.BillId)
	if err != nil {
		return nil, err
	}
	switch {
	case b.Type == types.BILL_TYPE_SWB:
		return nil, errorsmod.Wrapf(types.ErrNotTransferable, "bill %s is a sea waybill: it is never transferred", b.Id)
	case b.Mode == types.BILL_MODE_TO_ORDER:
		return nil, errorsmod.Wrapf(types.ErrNotTransferable, "bill %s is to order: it moves by endorsement (endorse-bill) or after a blank endorsement", b.Id)
	case b.Mode == types.BILL_MODE_STRAIGHT && m.To != b.Consignee:
		return nil, errorsmod.Wrapf(types.ErrNotTransferable, "bill %s is a straight bill: it can go only to its consignee %s", b.Id, b.Consignee)
	}
	if _, err := s.ActiveParty(ctx, m.To); err != nil {
		return nil, errorsmod.Wrap(err, "to")
	}
	b.Offer = &types.Offer{Action: ActionTransfer, From: m.Holder}
	if err := s.moveControl(ctx, &b, ActionTransfer, m.Holder, m.To, m.Remark); err != nil {
		return nil, err
	}
	return &types.MsgTransferBillResponse{}, nil
}

func (s msgServer) EndorseBill(ctx context.Context, m *types.MsgEndorseBill) (*types.MsgEndorseBillResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	b, err := s.holderBill(ctx, m.Holder, m.BillId)
	if err != nil {
		return nil, err
	}
	if b.Mode != types.BILL_MODE_TO_ORDER {
		return nil, errorsmod.Wrapf(types.ErrNotTransferable, "only a TO_ORDER bill is endorsed; bill %s is %s", b.Id, b.Mode)
	}
	if _, err := s.ActiveParty(ctx, m.Endorsee); err != nil {
		return nil, errorsmod.Wrap(err, "endorsee")
	}
	b.Offer = &types.Offer{Action: ActionEndorse, From: m.Holder, PreviousEndorsee: b.Endorsee}
	b.Endorsee = m.Endorsee
	if err := s.moveControl(ctx, &b, ActionEndorse, m.Holder, m.Endorsee, m.Remark); err != nil {
		return nil, err
	}
	return &types.MsgEndorseBillResponse{}, nil
}

func (s msgServer) BlankEndorseBill(ctx context.Context, m *types.MsgBlankEndorseBill) (*types.MsgBlankEndorseBillResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	b, err := s.holderBill(ctx, m.Holder, m.BillId)
	if err != nil {
		return nil, err
	}
	if b.Mode != types.BILL_MODE_TO_ORDER {
		return nil, errorsmod.Wrapf(types.ErrNotTransferable, "only a TO_ORDER bill can be blank-endorsed; bill %s is %s", b.Id, b.Mode)
	}
	b.Mode, b.Endorsee = types.BILL_MODE_BLANK, ""
	if err := s.recordRemark(ctx, &b, ActionBlankEndorse, m.Holder, m.Holder, m.Holder, "", m.Remark); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventBillBlankEndorsed{BillId: b.Id, Holder: m.Holder}); err != nil {
		return nil, err
	}
	return &types.MsgBlankEndorseBillResponse{}, nil
}

func (s msgServer) RequestSurrender(ctx context.Context, m *types.MsgRequestSurrender) (*types.MsgRequestSurrenderResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	b, err := s.holderBill(ctx, m.Holder, m.BillId)
	if err != nil {
		return nil, err
	}
	action := ActionSurrenderForDelivery
	b.Status = types.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY
	if m.Purpose == types.SURRENDER_PURPOSE_AMENDMENT {
		action = ActionSurrenderForAmend
		b.Status = types.BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT
	}
	b.Surrender = &types.Surrender{Purpose: m.Purpose, Reason: m.Reason, RequestedBy: m.Holder}
	if err := s.recordRemark(ctx, &b, action, m.Holder, m.Holder, b.Carrier, m.Reason, m.Remark); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventSurrenderRequested{
		BillId: b.Id, Holder: m.Holder, Purpose: m.Purpose, Reason: m.Reason,
		Carrier: b.Carrier, DocumentHash: b.DocumentHash, HistoryHead: b.HistoryHead, HistoryLen: b.HistoryLen,
	}); err != nil {
		return nil, err
	}
	return &types.MsgRequestSurrenderResponse{}, nil
}

func (s msgServer) AcceptSurrender(ctx context.Context, m *types.MsgAcceptSurrender) (*types.MsgAcceptSurrenderResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	b, err := s.carrierBill(ctx, m.Carrier, m.BillId,
		types.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY, types.BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT)
	if err != nil {
		return nil, err
	}
	purpose := b.Surrender.Purpose
	b.Status = types.BILL_STATUS_SURRENDERED_FOR_DELIVERY
	if purpose == types.SURRENDER_PURPOSE_AMENDMENT {
		b.Status = types.BILL_STATUS_SURRENDERED_FOR_AMENDMENT
	}
	// Surrender passes control back to the carrier.
	from := b.Holder
	b.Holder = b.Carrier
	if err := s.recordRemark(ctx, &b, ActionSurrenderAccepted, m.Carrier, from, b.Carrier, "", m.Remark); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventSurrenderAccepted{
		BillId: b.Id, Purpose: purpose, Status: b.Status,
	}); err != nil {
		return nil, err
	}
	return &types.MsgAcceptSurrenderResponse{}, nil
}

func (s msgServer) RejectSurrender(ctx context.Context, m *types.MsgRejectSurrender) (*types.MsgRejectSurrenderResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if err := s.checkText(ctx, "reason", m.Reason); err != nil {
		return nil, err
	}
	b, err := s.carrierBill(ctx, m.Carrier, m.BillId,
		types.BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY, types.BILL_STATUS_PENDING_SURRENDER_FOR_AMENDMENT)
	if err != nil {
		return nil, err
	}
	b.Status, b.Surrender = types.BILL_STATUS_ISSUED, nil
	if err := s.recordRemark(ctx, &b, ActionSurrenderRejected, m.Carrier, b.Carrier, b.Holder, m.Reason, m.Remark); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventSurrenderRejected{BillId: b.Id, Reason: m.Reason}); err != nil {
		return nil, err
	}
	return &types.MsgRejectSurrenderResponse{}, nil
}

// AmendBill reissues a bill surrendered for amendment with a new document.
// The new hash is reserved corridor-wide first: with a registry channel the
// amendment waits (Bill.pending_amendment; the bill stays surrendered and its
// document unchanged) until the other zone confirms it; without one it takes
// effect at once.
func (s msgServer) AmendBill(ctx context.Context, m *types.MsgAmendBill) (*types.MsgAmendBillResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	b, err := s.carrierBill(ctx, m.Carrier, m.BillId, types.BILL_STATUS_SURRENDERED_FOR_AMENDMENT)
	if err != nil {
		return nil, err
	}
	if err := requireNoPendingAmendment(b); err != nil {
		return nil, err
	}
	if m.NewDocumentHash == b.DocumentHash {
		return nil, errorsmod.Wrap(types.ErrInvalidField, "new_document_hash equals the current hash: an amendment changes the document")
	}
	pa := types.PendingAmendment{
		NewDocumentHash: m.NewDocumentHash, PortOfLoading: m.PortOfLoading, PortOfDischarge: m.PortOfDischarge,
		ShippedOnBoardDate: m.ShippedOnBoardDate, Consignee: m.Consignee, Remark: m.Remark,
	}
	amended := amendedBill(b, pa)
	if amended.PortOfLoading == amended.PortOfDischarge {
		return nil, errorsmod.Wrap(types.ErrInvalidField, "port_of_loading and port_of_discharge would be the same")
	}
	if m.ShippedOnBoardDate != "" && m.ShippedOnBoardDate > b.IssueDate {
		return nil, errorsmod.Wrapf(types.ErrInvalidDate, "shipped_on_board_date %s is after the issue date %s", m.ShippedOnBoardDate, b.IssueDate)
	}
	if m.Consignee != "" {
		if _, err := s.ActiveParty(ctx, m.Consignee); err != nil {
			return nil, errorsmod.Wrap(err, "consignee")
		}
	}
	if err := s.anchorTransport(ctx, m.NewDocumentHash, b.Id, m.Carrier); err != nil {
		return nil, err
	}
	corridor, err := s.Reserve(ctx, b.Id, types.KeyRef{Kind: types.KEY_KIND_TRANSPORT_DOCUMENT, Key: m.NewDocumentHash})
	if err != nil {
		return nil, errorsmod.Wrap(err, "new_document_hash")
	}
	if corridor == types.RESERVATION_STATUS_LOCAL {
		if err := s.applyAmendment(ctx, b, pa); err != nil {
			return nil, err
		}
		return &types.MsgAmendBillResponse{Version: b.Version + 1, CorridorStatus: corridor}, nil
	}
	pa.CorridorStatus = corridor
	b.PendingAmendment = &pa
	if err := s.recordRemark(ctx, &b, ActionAmendPending, m.Carrier, b.Carrier, b.Carrier, m.NewDocumentHash, m.Remark); err != nil {
		return nil, err
	}
	return &types.MsgAmendBillResponse{Version: b.Version, CorridorStatus: corridor}, nil
}

// amendedBill is b with amendment pa's changes (document, route, date,
// consignee), not yet reissued.
func amendedBill(b types.Bill, pa types.PendingAmendment) types.Bill {
	b.DocumentHash = pa.NewDocumentHash
	if pa.PortOfLoading != "" {
		b.PortOfLoading = pa.PortOfLoading
	}
	if pa.PortOfDischarge != "" {
		b.PortOfDischarge = pa.PortOfDischarge
	}
	if pa.ShippedOnBoardDate != "" {
		b.ShippedOnBoardDate = pa.ShippedOnBoardDate
	}
	if pa.Consignee != "" {
		b.Consignee = pa.Consignee
	}
	return b
}

// applyAmendment reissues b with amendment pa, whose new document hash the
// corridor registry holds for b: version + 1, ISSUED, control back to the
// holder who surrendered it, an AMEND entry naming the old hash (I6: the
// hash changes only here).
func (k Keeper) applyAmendment(ctx context.Context, b types.Bill, pa types.PendingAmendment) error {
	old := b.DocumentHash
	b = amendedBill(b, pa)
	b.PendingAmendment = nil
	b.Version++
	b.Status = types.BILL_STATUS_ISSUED
	// The reissued bill goes back to the holder who surrendered it.
	to := b.Surrender.RequestedBy
	b.Surrender = nil
	b.Holder = to
	if err := k.recordRemark(ctx, &b, ActionAmend, b.Carrier, b.Carrier, to, old, pa.Remark); err != nil {
		return err
	}
	return typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventBillAmended{
		BillId: b.Id, Version: b.Version, OldDocumentHash: old, NewDocumentHash: b.DocumentHash,
	})
}

// requireNoPendingAmendment refuses to act on a bill whose amendment waits
// for the corridor registry.
func requireNoPendingAmendment(b types.Bill) error {
	if pa := b.PendingAmendment; pa != nil {
		return errorsmod.Wrapf(types.ErrReservationState, "bill %s has an amendment to document %s waiting for the corridor registry (%s): wait for the answer, or retry it if it timed out (retry-reservation document %s)",
			b.Id, pa.NewDocumentHash, pa.CorridorStatus, pa.NewDocumentHash)
	}
	return nil
}

func (s msgServer) VoidBill(ctx context.Context, m *types.MsgVoidBill) (*types.MsgVoidBillResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if err := s.checkText(ctx, "reason", m.Reason); err != nil {
		return nil, err
	}
	b, err := s.carrierBill(ctx, m.Carrier, m.BillId, types.BILL_STATUS_SURRENDERED_FOR_AMENDMENT)
	if err != nil {
		return nil, err
	}
	if err := requireNoPendingAmendment(b); err != nil {
		return nil, err
	}
	b.Status = types.BILL_STATUS_VOIDED
	if err := s.recordRemark(ctx, &b, ActionVoid, m.Carrier, b.Holder, "", m.Reason, m.Remark); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventBillVoided{BillId: b.Id, Reason: m.Reason}); err != nil {
		return nil, err
	}
	return &types.MsgVoidBillResponse{}, nil
}

// An actual (ACT) event may be reported late but not ahead of the block time;
// a small allowance absorbs clock skew between the recorder and the chain.
const actualEventSkew = time.Hour

func (s msgServer) RecordMilestone(ctx context.Context, m *types.MsgRecordMilestone) (*types.MsgRecordMilestoneResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	p, err := s.ActivePartyWithRole(ctx, m.Recorder, types.ROLE_CARRIER, types.ROLE_TERMINAL, types.ROLE_CUSTOMS)
	if err != nil {
		return nil, err
	}
	b, err := s.GetBill(ctx, m.BillId)
	if err != nil {
		return nil, err
	}
	if !b.IsLive() && b.Status != types.BILL_STATUS_SURRENDERED_FOR_DELIVERY {
		return nil, errorsmod.Wrapf(types.ErrWrongStatus, "bill %s is %s: milestones are no longer recorded here", b.Id, b.Status)
	}
	if p.HasRole(types.ROLE_CARRIER) && !p.HasRole(types.ROLE_TERMINAL) && !p.HasRole(types.ROLE_CUSTOMS) && b.Carrier != m.Recorder {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "carrier %s records milestones only for its own bills; %s was issued by %s", p.Code, b.Id, b.Carrier)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if m.Classifier == "ACT" && m.EventTime.After(sdkCtx.BlockTime().Add(actualEventSkew)) {
		return nil, errorsmod.Wrapf(types.ErrInvalidDate, "an actual (ACT) event at %s is in the future (block time %s)", m.EventTime.UTC().Format(time.RFC3339), sdkCtx.BlockTime().UTC().Format(time.RFC3339))
	}
	params, err := s.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	n, err := s.MilestoneCount.Get(ctx, b.Id)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	if n >= uint64(params.MaxMilestonesPerBill) {
		return nil, errorsmod.Wrapf(types.ErrTooManyMilestones, "bill %s already has %d milestones", b.Id, n)
	}
	n++
	ms := types.Milestone{
		BillId: b.Id, Sequence: n, EventCode: m.EventCode, Classifier: m.Classifier, Location: m.Location,
		EventTime: m.EventTime.UTC(), RecordedBy: m.Recorder, Height: sdkCtx.BlockHeight(),
	}
	if err := s.Milestones.Set(ctx, collections.Join(b.Id, n), ms); err != nil {
		return nil, err
	}
	if err := s.MilestoneCount.Set(ctx, b.Id, n); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdkCtx.EventManager(), &types.EventMilestoneRecorded{
		BillId: b.Id, Sequence: n, EventCode: m.EventCode, Classifier: m.Classifier, Location: m.Location,
	}); err != nil {
		return nil, err
	}
	return &types.MsgRecordMilestoneResponse{Sequence: n}, nil
}

func (s msgServer) GrantConsent(ctx context.Context, m *types.MsgGrantConsent) (*types.MsgGrantConsentResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if err := s.checkText(ctx, "purpose", m.Purpose); err != nil {
		return nil, err
	}
	if _, err := s.ActiveParty(ctx, m.Granter); err != nil {
		return nil, err
	}
	if _, err := s.ActiveParty(ctx, m.Grantee); err != nil {
		return nil, errorsmod.Wrap(err, "grantee")
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if !m.ExpiresAt.After(sdkCtx.BlockTime()) {
		return nil, errorsmod.Wrapf(types.ErrConsentExpired, "expires_at %s is not after the block time %s",
			m.ExpiresAt.UTC().Format(time.RFC3339), sdkCtx.BlockTime().UTC().Format(time.RFC3339))
	}
	if err := s.checkGrantScope(ctx, m.Granter, m.Scope); err != nil {
		return nil, err
	}
	id, err := s.ConsentSeq.Next(ctx)
	if err != nil {
		return nil, err
	}
	c := types.Consent{
		Id: id, Granter: m.Granter, Grantee: m.Grantee, Scope: m.Scope, Purpose: m.Purpose,
		GrantedAt: sdkCtx.BlockTime().UTC(), ExpiresAt: m.ExpiresAt.UTC(),
	}
	if err := s.Consents.Set(ctx, id, c); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdkCtx.EventManager(), &types.EventConsentGranted{
		ConsentId: id, Granter: m.Granter, Grantee: m.Grantee, Scope: m.Scope,
	}); err != nil {
		return nil, err
	}
	return &types.MsgGrantConsentResponse{ConsentId: id}, nil
}

func (s msgServer) RevokeConsent(ctx context.Context, m *types.MsgRevokeConsent) (*types.MsgRevokeConsentResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	c, err := s.Consents.Get(ctx, m.ConsentId)
	if isNotFound(err) {
		return nil, errorsmod.Wrapf(types.ErrConsentNotFound, "no consent %d", m.ConsentId)
	} else if err != nil {
		return nil, err
	}
	if c.Granter != m.Granter {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "consent %d was granted by %s", c.Id, c.Granter)
	}
	if c.Revoked {
		return nil, errorsmod.Wrapf(types.ErrConsentNotFound, "consent %d is already revoked", c.Id)
	}
	c.Revoked = true
	if err := s.Consents.Set(ctx, c.Id, c); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventConsentRevoked{ConsentId: c.Id, Granter: c.Granter}); err != nil {
		return nil, err
	}
	return &types.MsgRevokeConsentResponse{}, nil
}

// requireRosterAuthority accepts the governance authority or the params admin.
func (s msgServer) requireRosterAuthority(ctx context.Context, signer string) error {
	return s.requireZoneAuthority(ctx, signer, "manage parties")
}

// requireZoneAuthority accepts the zone authority: the governance account or
// the params admin named in genesis.
func (s msgServer) requireZoneAuthority(ctx context.Context, signer, what string) error {
	if signer == s.authority {
		return nil
	}
	p, err := s.Params.Get(ctx)
	if err != nil {
		return err
	}
	if p.Admin != "" && signer == p.Admin {
		return nil
	}
	return errorsmod.Wrapf(types.ErrUnauthorized, "%s may not %s: only the governance authority %s or the cargo admin may", signer, what, s.authority)
}

func (s msgServer) RegisterParty(ctx context.Context, m *types.MsgRegisterParty) (*types.MsgRegisterPartyResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if err := s.requireRosterAuthority(ctx, m.Authority); err != nil {
		return nil, err
	}
	if err := s.checkText(ctx, "party name", m.Party.Name); err != nil {
		return nil, err
	}
	if has, err := s.Parties.Has(ctx, m.Party.Address); err != nil {
		return nil, err
	} else if has {
		return nil, errorsmod.Wrapf(types.ErrPartyExists, "%s is already registered; use update-party", m.Party.Address)
	}
	if err := s.requireFreeCode(ctx, m.Party); err != nil {
		return nil, err
	}
	p := m.Party
	p.Active = true
	if err := s.Parties.Set(ctx, p.Address, p); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventPartyRegistered{Address: p.Address, Code: p.Code, Roles: p.Roles}); err != nil {
		return nil, err
	}
	return &types.MsgRegisterPartyResponse{}, nil
}

func (s msgServer) UpdateParty(ctx context.Context, m *types.MsgUpdateParty) (*types.MsgUpdatePartyResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if err := s.requireRosterAuthority(ctx, m.Authority); err != nil {
		return nil, err
	}
	if err := s.checkText(ctx, "party name", m.Party.Name); err != nil {
		return nil, err
	}
	old, err := s.GetParty(ctx, m.Party.Address)
	if err != nil {
		return nil, err
	}
	if old.Code != m.Party.Code {
		if err := s.requireNoBillsUnder(ctx, old); err != nil {
			return nil, err
		}
	}
	if err := s.requireFreeCode(ctx, m.Party); err != nil {
		return nil, err
	}
	if err := s.Parties.Set(ctx, m.Party.Address, m.Party); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventPartyUpdated{
		Address: m.Party.Address, Code: m.Party.Code, Roles: m.Party.Roles, Active: m.Party.Active,
	}); err != nil {
		return nil, err
	}
	return &types.MsgUpdatePartyResponse{}, nil
}

// requireNoBillsUnder refuses to change the code of a carrier whose bills on
// this zone are numbered under it: their ids keep the code, and the
// carrier's list of bills is the range under it (CarrierIndex).
func (s msgServer) requireNoBillsUnder(ctx context.Context, p types.Party) error {
	c, err := s.carriedCursor(ctx, p.Address, types.BillID(p.Code, ""), 1, "", false)
	if err != nil {
		return err
	}
	defer c.close()
	if c.valid() {
		return errorsmod.Wrapf(types.ErrPartyCodeFixed, "bill %s of %s is numbered under code %s: keep the code", c.id, p.Address, p.Code)
	}
	return c.err
}

// requireFreeCode refuses a party code held by another address.
func (s msgServer) requireFreeCode(ctx context.Context, p types.Party) error {
	owner, err := s.Parties.Indexes.Code.MatchExact(ctx, p.Code)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if owner != p.Address {
		return errorsmod.Wrapf(types.ErrPartyExists, "party code %s is already used by %s", p.Code, owner)
	}
	return nil
}

func (s msgServer) UpdateParams(ctx context.Context, m *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if m.Authority != s.authority {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "only the governance authority %s may update params", s.authority)
	}
	if err := s.Params.Set(ctx, m.Params); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventParamsUpdated{Params: &m.Params}); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}

// checkText applies the params bound on a free-text field.
func (k Keeper) checkText(ctx context.Context, field, s string) error {
	limit, err := k.textLimit(ctx)
	if err != nil {
		return err
	}
	return types.ValidateOptionalText(field, s, limit)
}

// RejectTransfer returns a bill transferred to its signer to the holder who
// transferred it, if the signer has not acted on it since.
func (s msgServer) RejectTransfer(ctx context.Context, m *types.MsgRejectTransfer) (*types.MsgRejectTransferResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	b, offer, err := s.offeredBill(ctx, m.Holder, m.BillId, ActionTransfer)
	if err != nil {
		return nil, err
	}
	if err := s.moveControl(ctx, &b, ActionRejectTransfer, m.Holder, offer.From, m.Remark); err != nil {
		return nil, err
	}
	return &types.MsgRejectTransferResponse{}, nil
}

// RejectEndorsement returns a bill endorsed to its signer to the endorser,
// with the endorsee named before, if the signer has not acted on it since.
func (s msgServer) RejectEndorsement(ctx context.Context, m *types.MsgRejectEndorsement) (*types.MsgRejectEndorsementResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	b, offer, err := s.offeredBill(ctx, m.Holder, m.BillId, ActionEndorse)
	if err != nil {
		return nil, err
	}
	b.Endorsee = offer.PreviousEndorsee
	if err := s.moveControl(ctx, &b, ActionRejectEndorsement, m.Holder, offer.From, m.Remark); err != nil {
		return nil, err
	}
	return &types.MsgRejectEndorsementResponse{}, nil
}

// offeredBill loads a bill its signer holds and may still reject: the last
// action that gave it control was `action` (TRANSFER or ENDORSE) and the
// signer has done nothing with the bill since. The holder who made the offer
// must still be an active party to take control back.
func (s msgServer) offeredBill(ctx context.Context, signer, id, action string) (types.Bill, types.Offer, error) {
	b, err := s.holderBill(ctx, signer, id)
	if err != nil {
		return b, types.Offer{}, err
	}
	if b.Offer == nil || b.Offer.Action != action {
		return b, types.Offer{}, errorsmod.Wrapf(types.ErrNoOffer,
			"bill %s has no %s to %s to reject: a rejection must be the receiver's first action on the bill (any other action accepted it)", id, action, signer)
	}
	if _, err := s.ActiveParty(ctx, b.Offer.From); err != nil {
		return b, types.Offer{}, errorsmod.Wrap(err, "the holder the bill would return to")
	}
	return b, *b.Offer, nil
}
