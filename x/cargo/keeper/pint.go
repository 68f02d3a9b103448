package keeper

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// DCSA PINT on chain (issue 37). The zone's gateway (a PLATFORM party)
// speaks PINT with the other eBL platforms; the chain trusts it for nothing
// it can check itself: every envelope it lands and every answer it records is
// verified here against the platforms' keys on chain.

// SetEblPlatform trusts (or updates) an eBL platform.
func (s msgServer) SetEblPlatform(ctx context.Context, m *types.MsgSetEblPlatform) (*types.MsgSetEblPlatformResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if err := s.requireZoneAuthority(ctx, m.Authority, "manage the trusted eBL platforms"); err != nil {
		return nil, err
	}
	ks, err := m.Platform.KeySet()
	if err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	p := m.Platform
	p.AddedHeight, p.AddedAt = sdkCtx.BlockHeight(), sdkCtx.BlockTime().UTC()
	if err := s.EblPlatforms.Set(ctx, p.Code, p); err != nil {
		return nil, err
	}
	return &types.MsgSetEblPlatformResponse{}, typedevent.Emit(sdkCtx.EventManager(), &types.EventEblPlatformSet{
		Code: p.Code, Name: p.Name, Endpoint: p.Endpoint, KeyIds: ks.KeyIDs(),
	})
}

// RemoveEblPlatform stops trusting an eBL platform.
func (s msgServer) RemoveEblPlatform(ctx context.Context, m *types.MsgRemoveEblPlatform) (*types.MsgRemoveEblPlatformResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if err := s.requireZoneAuthority(ctx, m.Authority, "manage the trusted eBL platforms"); err != nil {
		return nil, err
	}
	if has, err := s.EblPlatforms.Has(ctx, m.Code); err != nil {
		return nil, err
	} else if !has {
		return nil, errorsmod.Wrapf(types.ErrPlatformNotTrusted, "%s is not a trusted eBL platform of this zone", m.Code)
	}
	if err := s.EblPlatforms.Remove(ctx, m.Code); err != nil {
		return nil, err
	}
	return &types.MsgRemoveEblPlatformResponse{}, typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventEblPlatformRemoved{Code: m.Code})
}

// PlatformKeys returns the key set of a trusted eBL platform.
func (k Keeper) PlatformKeys(ctx context.Context, code string) (*pint.KeySet, error) {
	p, err := k.EblPlatforms.Get(ctx, code)
	if isNotFound(err) {
		return nil, errorsmod.Wrapf(types.ErrPlatformNotTrusted, "%q is not a trusted eBL platform of this zone", code)
	} else if err != nil {
		return nil, err
	}
	return p.KeySet()
}

// issuanceKeys returns, in code order, the key sets of the trusted
// platforms that have a key with kid: a carrier's issuance manifest is
// signed by the carrier or its platform, and is verified when one of them is
// known here.
func (k Keeper) issuanceKeys(ctx context.Context) func(kid string) []*pint.KeySet {
	return func(kid string) []*pint.KeySet {
		var out []*pint.KeySet
		_ = k.EblPlatforms.Walk(ctx, nil, func(_ string, p types.EblPlatform) (bool, error) {
			ks, err := p.KeySet()
			if err != nil {
				return false, nil
			}
			if _, err := ks.Lookup(kid, ""); err == nil {
				out = append(out, ks)
			}
			return false, nil
		})
		return out
	}
}

// VerifyEnvelope verifies a PINT envelope addressed to this zone against the
// trusted platforms' keys on chain; the error is a registered error whose
// code tells the PINT response code (ErrPintSignature: BSIG,
// ErrPintEnvelope: BENV, ErrPlatformNotTrusted: BSIG).
func (k Keeper) VerifyEnvelope(ctx context.Context, sendingPlatform string, document []byte, manifest string, chain []string) (*pint.Envelope, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	env, err := pint.VerifyEnvelope(pint.EnvelopeInput{
		TransportDocument: document,
		EnvelopeManifest:  manifest,
		TransferChain:     chain,
		SendingPlatform:   sendingPlatform,
		ReceivingPlatform: p.PintCode(),
		Keys:              func(code string) (*pint.KeySet, error) { return k.PlatformKeys(ctx, code) },
		IssuanceKeys:      k.issuanceKeys(ctx),
	})
	if err == nil {
		return env, nil
	}
	if pint.CodeOf(err) == pint.BSIG {
		return nil, errorsmod.Wrap(types.ErrPintSignature, err.Error())
	}
	return nil, errorsmod.Wrap(types.ErrPintEnvelope, err.Error())
}

// recipientNamed reports whether a PINT party names the zone party p on this
// corridor: on platform own, with an identifying code whose codeListProvider
// is own and whose partyCode is p's address or p's party code.
func recipientNamed(r pint.Party, own string, p types.Party) bool {
	if r.EblPlatform != own {
		return false
	}
	for _, c := range r.IdentifyingCodes {
		if c.CodeListProvider == own && (c.PartyCode == p.Address || c.PartyCode == p.Code) {
			return true
		}
	}
	return false
}

// carrierByCode returns the CARRIER party whose code is the DCSA carrierCode.
func (k Keeper) carrierByCode(ctx context.Context, code string) (types.Party, error) {
	addr, err := k.Parties.Indexes.Code.MatchExact(ctx, code)
	if err != nil {
		return types.Party{}, errorsmod.Wrapf(types.ErrPintCarrier, "no party of this zone has code %q", code)
	}
	p, err := k.GetParty(ctx, addr)
	if err != nil {
		return p, err
	}
	if !p.HasRole(types.ROLE_CARRIER) {
		return p, errorsmod.Wrapf(types.ErrPintCarrier, "party %s (%s) is not a CARRIER", p.Code, p.Address)
	}
	return p, nil
}

// disputed turns a refusal of the corridor's one-document-one-bill rule into
// a PINT dispute (DISE).
func disputed(err error) error {
	if errors.Is(err, types.ErrKeyTaken) || errors.Is(err, types.ErrDocumentExists) || errors.Is(err, types.ErrBillExists) || errors.Is(err, types.ErrBillLive) {
		return errorsmod.Wrap(types.ErrPintDispute, err.Error())
	}
	return err
}

// ImportBill lands a bill that arrived over PINT.
func (s msgServer) ImportBill(ctx context.Context, m *types.MsgImportBill) (*types.MsgImportBillResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if _, err := s.ActivePartyWithRole(ctx, m.Platform, types.ROLE_PLATFORM); err != nil {
		return nil, err
	}
	recipient, err := s.ActiveParty(ctx, m.Recipient)
	if err != nil {
		return nil, errorsmod.Wrap(err, "recipient")
	}
	env, err := s.VerifyEnvelope(ctx, m.SendingPlatform, m.TransportDocument, m.EnvelopeManifest, m.TransferChain)
	if err != nil {
		return nil, err
	}
	params, err := s.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if !recipientNamed(env.Recipient, params.PintCode(), recipient) {
		return nil, errorsmod.Wrapf(types.ErrPintRecipient, "the last transaction names %q on platform %s with %v, not %s (%s) on %s",
			env.Recipient.PartyName, env.Recipient.EblPlatform, env.Recipient.IdentifyingCodes, recipient.Code, recipient.Address, params.PintCode())
	}
	if prior, err := s.PintEnvelopes.Get(ctx, env.LastEntryChecksum); err == nil {
		if b, err := s.GetBill(ctx, prior.BillId); err == nil && b.Status != types.BILL_STATUS_REJECTED_DUPLICATE {
			return nil, errorsmod.Wrapf(types.ErrPintDuplicate, "envelope %s landed bill %s (now %s)", env.LastEntryChecksum, b.Id, b.Status)
		}
		return nil, errorsmod.Wrapf(types.ErrPintDispute, "envelope %s was imported before and the corridor registry refused its bill %s", env.LastEntryChecksum, prior.BillId)
	} else if !isNotFound(err) {
		return nil, err
	}
	doc := env.Document
	carrier, err := s.carrierByCode(ctx, doc.CarrierCode)
	if err != nil {
		return nil, err
	}
	billType, err := billTypeOf(doc.TypeCode)
	if err != nil {
		return nil, err
	}
	for _, port := range []struct{ field, code string }{{"portOfLoading", doc.PortOfLoading}, {"portOfDischarge", doc.PortOfDischarge}} {
		if err := types.ValidateLocode(port.field, port.code); err != nil {
			return nil, errorsmod.Wrap(types.ErrPintEnvelope, err.Error())
		}
	}
	id := types.BillID(carrier.Code, doc.Reference)
	if err := types.ValidateBillID(id); err != nil {
		return nil, errorsmod.Wrap(types.ErrPintEnvelope, err.Error())
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	record := &types.PintRecord{
		Platform: m.SendingPlatform, TransportDocumentChecksum: env.TransportDocumentChecksum,
		LastEntryChecksum: env.LastEntryChecksum, EntryChecksums: env.EntryChecksums,
	}
	detail := fmt.Sprintf("PINT envelope from %s: %d transfer chain entries, last %s by %s",
		m.SendingPlatform, len(env.Entries), env.LastTransaction.ActionCode, env.LastTransaction.Actor.PartyName)
	endorsee := ""
	if env.LastTransaction.ActionCode == pint.ActionEndorse || env.LastTransaction.ActionCode == pint.ActionEndorseToOrder {
		endorsee = recipient.Address
	}

	var b types.Bill
	returning := false
	old, err := s.Bills.Get(ctx, id)
	if err == nil && old.Status == types.BILL_STATUS_EXPORTED && handedOver(old) {
		// The bill this zone exported continued on the other zone, which
		// holds its corridor keys, and comes back from there: the tombstone
		// is archived and the bill is imported afresh under its id, its keys
		// asked back from that zone (handback.go).
		if err := handedOverReturnPINT(old, env.TransportDocumentChecksum, env.EntryChecksums); err != nil {
			return nil, err
		}
		if err := s.archiveHandedOver(sdkCtx, old, "pint:"+m.SendingPlatform); err != nil {
			return nil, err
		}
		old, err = types.Bill{}, collections.ErrNotFound
	}
	switch {
	case err == nil && old.Status == types.BILL_STATUS_EXPORTED:
		// The bill this zone exported comes back: it continues its own
		// history under its own id, its corridor keys still held by it.
		if old.DocumentHash != env.TransportDocumentChecksum {
			return nil, errorsmod.Wrapf(types.ErrPintDispute, "bill %s was exported with document %s; this envelope carries %s", id, old.DocumentHash, env.TransportDocumentChecksum)
		}
		if old.Export != nil && old.Export.LastEntryChecksum != "" && !slices.Contains(env.EntryChecksums, old.Export.LastEntryChecksum) {
			return nil, errorsmod.Wrapf(types.ErrPintDispute, "bill %s left this zone with transfer chain entry %s, which this envelope's chain does not continue", id, old.Export.LastEntryChecksum)
		}
		b, returning = old, true
		b.Status, b.Holder, b.DepartedHolder, b.ImportedFrom, b.Offer = types.BILL_STATUS_ISSUED, recipient.Address, "", m.SendingPlatform, nil
		if b.Mode == types.BILL_MODE_TO_ORDER && endorsee != "" {
			b.Endorsee = endorsee
		}
		if err := s.recordEntry(ctx, &b, types.ActionImported, m.Platform, "", recipient.Address, detail, "", record); err != nil {
			return nil, err
		}
	case err == nil && old.Status == types.BILL_STATUS_REJECTED_DUPLICATE:
		if err := s.archiveRejected(sdkCtx, id); err != nil {
			return nil, err
		}
		fallthrough
	case isNotFound(err):
		mode, err := billModeOf(doc.Mode())
		if err != nil {
			return nil, err
		}
		issueDate := doc.IssueDate
		if issueDate == "" {
			// A document without its issueDate: the date of the chain's
			// ISSUE transaction, as the carrier's platform signed it.
			issueDate = issuedOn(env, sdkCtx)
		}
		b, err = s.register(ctx, types.Bill{
			Id: id, Carrier: carrier.Address, Type: billType, Mode: mode,
			Holder: recipient.Address, Endorsee: endorsee, DocumentHash: env.TransportDocumentChecksum,
			PortOfLoading: doc.PortOfLoading, PortOfDischarge: doc.PortOfDischarge,
			IssueDate: issueDate, ShippedOnBoardDate: doc.ShippedOnBoardDate, ImportedFrom: m.SendingPlatform,
		}, types.ActionImported, m.Platform, detail, "", record)
		if err != nil {
			return nil, disputed(err)
		}
		if mode != types.BILL_MODE_TO_ORDER && b.Endorsee != "" {
			b.Endorsee = ""
			if err := s.Bills.Set(ctx, b.Id, b); err != nil {
				return nil, err
			}
		}
	case err != nil:
		return nil, err
	default:
		return nil, errorsmod.Wrapf(types.ErrPintDispute, "bill %s is %s on this zone: the same bill cannot arrive over PINT", id, old.Status)
	}

	pe := types.PintEnvelope{
		BillId: b.Id, Sequence: b.HistoryLen, Platform: m.SendingPlatform,
		EnvelopeManifest: m.EnvelopeManifest, TransferChain: m.TransferChain,
		TransportDocumentChecksum: env.TransportDocumentChecksum, LastEntryChecksum: env.LastEntryChecksum,
		EntryChecksums: env.EntryChecksums, IssuanceManifestVerified: env.IssuanceManifestVerified,
		ImportedBy: m.Platform, Height: sdkCtx.BlockHeight(),
	}
	if err := s.PintEnvelopes.Set(ctx, pe.LastEntryChecksum, pe); err != nil {
		return nil, err
	}
	if err := s.PintEnvelopesByBill.Set(ctx, collections.Join3(pe.BillId, pe.Sequence, pe.LastEntryChecksum)); err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdkCtx.EventManager(), &types.EventBillImported{
		BillId: b.Id, Platform: m.SendingPlatform, Recipient: recipient.Address, Status: b.Status,
		DocumentHash: b.DocumentHash, LastEntryChecksum: env.LastEntryChecksum, Returning: returning,
	}); err != nil {
		return nil, err
	}
	return &types.MsgImportBillResponse{BillId: b.Id, Status: b.Status, LastEntryChecksum: env.LastEntryChecksum}, nil
}

// issuedOn is the date (YYYY-MM-DD) of the envelope's ISSUE transaction, or
// of the block when it does not carry a valid one.
func issuedOn(env *pint.Envelope, ctx sdk.Context) string {
	if at := env.Entries[0].Transactions[0].ActionDateTime; len(at) >= 10 {
		if _, err := types.ParseDate("issue_date", at[:10]); err == nil {
			return at[:10]
		}
	}
	return ctx.BlockTime().UTC().Format(types.DateLayout)
}

func billTypeOf(code string) (types.BillType, error) {
	switch code {
	case "BOL":
		return types.BILL_TYPE_BOL, nil
	case "SWB":
		return types.BILL_TYPE_SWB, nil
	}
	return 0, errorsmod.Wrapf(types.ErrPintEnvelope, "transportDocumentTypeCode %q (BOL or SWB)", code)
}

func billModeOf(mode string) (types.BillMode, error) {
	switch mode {
	case "STRAIGHT":
		return types.BILL_MODE_STRAIGHT, nil
	case "TO_ORDER":
		return types.BILL_MODE_TO_ORDER, nil
	case "BLANK":
		return types.BILL_MODE_BLANK, nil
	}
	return 0, errorsmod.Wrapf(types.ErrPintEnvelope, "bill mode %q", mode)
}

// ExportBill locks a bill for its PINT export.
func (s msgServer) ExportBill(ctx context.Context, m *types.MsgExportBill) (*types.MsgExportBillResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	b, err := s.holderBill(ctx, m.Holder, m.BillId)
	if err != nil {
		return nil, err
	}
	if err := requireNoPendingAmendment(b); err != nil {
		return nil, err
	}
	if b.Type == types.BILL_TYPE_SWB {
		return nil, errorsmod.Wrapf(types.ErrNotTransferable, "bill %s is a sea waybill: it is never transferred, to another platform neither", b.Id)
	}
	params, err := s.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if m.Platform == params.PintCode() {
		return nil, errorsmod.Wrapf(types.ErrPintPlatformCode, "%s is this corridor's own platform code: move the bill with transfer-bill or send-bill", m.Platform)
	}
	if has, err := s.EblPlatforms.Has(ctx, m.Platform); err != nil {
		return nil, err
	} else if !has {
		return nil, errorsmod.Wrapf(types.ErrPlatformNotTrusted, "%q is not a trusted eBL platform of this zone", m.Platform)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	b.Status = types.BILL_STATUS_EXPORTING
	b.Export = &types.BillExport{
		Platform: m.Platform, RecipientName: m.RecipientName, RecipientCodes: m.RecipientCodes,
		RequestedBy: m.Holder, RequestedHeight: sdkCtx.BlockHeight(), RequestedAt: sdkCtx.BlockTime().UTC(),
	}
	detail := fmt.Sprintf("to %s on %s", m.RecipientName, m.Platform)
	if err := s.recordEntry(ctx, &b, types.ActionExport, m.Holder, m.Holder, "", detail, m.Remark, &types.PintRecord{Platform: m.Platform}); err != nil {
		return nil, err
	}
	return &types.MsgExportBillResponse{}, typedevent.Emit(sdkCtx.EventManager(), &types.EventBillExportRequested{
		BillId: b.Id, Holder: m.Holder, Platform: m.Platform, RecipientName: m.RecipientName, RecipientCodes: m.RecipientCodes,
		DocumentHash: b.DocumentHash, HistoryHead: b.HistoryHead, HistoryLen: b.HistoryLen,
	})
}

// ConcludeExport records the receiving platform's signed answer.
func (s msgServer) ConcludeExport(ctx context.Context, m *types.MsgConcludeExport) (*types.MsgConcludeExportResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if _, err := s.ActivePartyWithRole(ctx, m.Platform, types.ROLE_PLATFORM); err != nil {
		return nil, err
	}
	b, err := s.GetBill(ctx, m.BillId)
	if err != nil {
		return nil, err
	}
	if b.Status != types.BILL_STATUS_EXPORTING || b.Export == nil {
		if b.Export != nil && b.Export.WithdrawnHeight != 0 {
			return nil, errorsmod.Wrapf(types.ErrExportWithdrawal, "bill %s: the export to %s was withdrawn by the zone authority at height %d (%s); a signed answer to it is no longer recorded — if %s accepted it, the zone authority and %s settle it",
				b.Id, b.Export.Platform, b.Export.WithdrawnHeight, b.Export.WithdrawnReason, b.Export.Platform, b.Export.Platform)
		}
		if b.Export != nil && b.Export.ResponseCode != "" {
			return nil, errorsmod.Wrapf(types.ErrExportConcluded, "bill %s: the export to %s was concluded with %s at height %d", b.Id, b.Export.Platform, b.Export.ResponseCode, b.Export.ConcludedHeight)
		}
		return nil, errorsmod.Wrapf(types.ErrNotExporting, "bill %s is %s", b.Id, b.Status)
	}
	keys, err := s.PlatformKeys(ctx, b.Export.Platform)
	if err != nil {
		return nil, err
	}
	r, err := pint.VerifyFinishedResponse(m.SignedResponse, keys, m.LastEntryChecksum)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrPintResponse, "from %s: %v", b.Export.Platform, err)
	}
	if !r.ResponseCode.Accepted() && !r.ResponseCode.Rejected() {
		return nil, errorsmod.Wrapf(types.ErrPintResponse, "%s does not conclude a transfer: send the missing or corrected documents and finish the transfer again", r.ResponseCode)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	exp := *b.Export
	exp.ResponseCode, exp.ResponseReason, exp.SignedResponse = string(r.ResponseCode), r.Reason, m.SignedResponse
	exp.LastEntryChecksum, exp.ConcludedHeight, exp.ConcludedBy = m.LastEntryChecksum, sdkCtx.BlockHeight(), m.Platform
	b.Export = &exp
	record := &types.PintRecord{Platform: exp.Platform, LastEntryChecksum: m.LastEntryChecksum, ResponseCode: exp.ResponseCode, Reason: exp.ResponseReason}
	holder := b.Holder
	if r.ResponseCode.Accepted() {
		b.Status, b.Holder, b.DepartedHolder = types.BILL_STATUS_EXPORTED, "", holder
		err = s.recordEntry(ctx, &b, types.ActionExportAccepted, m.Platform, holder, "", "accepted by "+exp.Platform, "", record)
		holder = ""
	} else {
		b.Status = types.BILL_STATUS_ISSUED
		err = s.recordEntry(ctx, &b, types.ActionExportRefused, m.Platform, "", holder, fmt.Sprintf("%s refused it: %s %s", exp.Platform, exp.ResponseCode, exp.ResponseReason), "", record)
	}
	if err != nil {
		return nil, err
	}
	if err := typedevent.Emit(sdkCtx.EventManager(), &types.EventExportConcluded{
		BillId: b.Id, Platform: exp.Platform, ResponseCode: exp.ResponseCode, Reason: exp.ResponseReason, Status: b.Status, Holder: holder,
	}); err != nil {
		return nil, err
	}
	return &types.MsgConcludeExportResponse{Status: b.Status, ResponseCode: exp.ResponseCode}, nil
}

// WithdrawExport gives an export that got no signed answer back to the
// holder who exported it (the zone authority, after the receiving platform
// confirmed it does not hold the bill: nothing on chain can tell).
func (s msgServer) WithdrawExport(ctx context.Context, m *types.MsgWithdrawExport) (*types.MsgWithdrawExportResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if err := s.requireZoneAuthority(ctx, m.Authority, "withdraw a PINT export"); err != nil {
		return nil, err
	}
	b, err := s.GetBill(ctx, m.BillId)
	if err != nil {
		return nil, err
	}
	if b.Status != types.BILL_STATUS_EXPORTING || b.Export == nil || b.Export.ResponseCode != "" {
		return nil, errorsmod.Wrapf(types.ErrExportWithdrawal, "bill %s is %s, not EXPORTING", b.Id, b.Status)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	exp := *b.Export
	exp.WithdrawnHeight, exp.WithdrawnReason = sdkCtx.BlockHeight(), m.Reason
	b.Export, b.Status = &exp, types.BILL_STATUS_ISSUED
	detail := fmt.Sprintf("the export to %s got no signed answer and was withdrawn by the zone authority: %s", exp.Platform, m.Reason)
	if err := s.recordEntry(ctx, &b, types.ActionExportWithdrawn, m.Authority, "", b.Holder, detail, "",
		&types.PintRecord{Platform: exp.Platform, Reason: m.Reason}); err != nil {
		return nil, err
	}
	return &types.MsgWithdrawExportResponse{}, typedevent.Emit(sdkCtx.EventManager(), &types.EventExportWithdrawn{
		BillId: b.Id, Platform: exp.Platform, Holder: b.Holder, Reason: m.Reason, HistoryLen: b.HistoryLen,
	})
}

// emitImportSettled tells the gateway the registry's answer for an imported
// bill (called after the bill's PENDING → ISSUED / REJECTED_DUPLICATE).
func (k Keeper) emitImportSettled(ctx context.Context, b types.Bill, reason string) error {
	if b.ImportedFrom == "" {
		return nil
	}
	last := ""
	it, err := k.PintEnvelopesByBill.Iterate(ctx, collections.NewPrefixedTripleRange[string, uint64, string](b.Id))
	if err != nil {
		return err
	}
	if ks, err := it.Keys(); err == nil && len(ks) > 0 {
		last = ks[len(ks)-1].K3()
	}
	return typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventImportSettled{
		BillId: b.Id, Status: b.Status, LastEntryChecksum: last, Reason: reason, Platform: b.ImportedFrom,
	})
}

func (q queryServer) EblPlatforms(ctx context.Context, req *types.QueryEblPlatformsRequest) (*types.QueryEblPlatformsResponse, error) {
	if req == nil {
		req = &types.QueryEblPlatformsRequest{}
	}
	platforms, page, err := query.CollectionPaginate(ctx, q.Keeper.EblPlatforms, req.Pagination,
		func(_ string, p types.EblPlatform) (types.EblPlatform, error) { return p, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	params, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryEblPlatformsResponse{Platforms: platforms, Pagination: page, OwnCode: params.PintCode()}, nil
}

func (q queryServer) EblPlatform(ctx context.Context, req *types.QueryEblPlatformRequest) (*types.QueryEblPlatformResponse, error) {
	if req == nil || req.Code == "" {
		return nil, status.Error(codes.InvalidArgument, "code (a DCSA eblPlatform code) is required")
	}
	p, err := q.Keeper.EblPlatforms.Get(ctx, req.Code)
	if isNotFound(err) {
		return nil, status.Errorf(codes.NotFound, "%s is not a trusted eBL platform of this zone", req.Code)
	} else if err != nil {
		return nil, err
	}
	return &types.QueryEblPlatformResponse{Platform: p}, nil
}

func (q queryServer) PintEnvelopes(ctx context.Context, req *types.QueryPintEnvelopesRequest) (*types.QueryPintEnvelopesResponse, error) {
	if req == nil || req.BillId == "" {
		return nil, status.Error(codes.InvalidArgument, "bill_id is required")
	}
	res := &types.QueryPintEnvelopesResponse{Envelopes: []types.PintEnvelope{}}
	err := q.Keeper.PintEnvelopesByBill.Walk(ctx, collections.NewPrefixedTripleRange[string, uint64, string](req.BillId),
		func(key collections.Triple[string, uint64, string]) (bool, error) {
			e, err := q.Keeper.PintEnvelopes.Get(ctx, key.K3())
			if err != nil {
				return true, err
			}
			res.Envelopes = append(res.Envelopes, e)
			return false, nil
		})
	return res, err
}

func (q queryServer) PintEnvelope(ctx context.Context, req *types.QueryPintEnvelopeRequest) (*types.QueryPintEnvelopeResponse, error) {
	if req == nil || !pint.IsChecksum(req.LastEntryChecksum) {
		return nil, status.Error(codes.InvalidArgument, "last_entry_checksum (64 lower-case hex) is required")
	}
	e, err := q.Keeper.PintEnvelopes.Get(ctx, req.LastEntryChecksum)
	if isNotFound(err) {
		return nil, status.Errorf(codes.NotFound, "no envelope with last entry checksum %s was imported here", req.LastEntryChecksum)
	} else if err != nil {
		return nil, err
	}
	b, err := q.Keeper.Bills.Get(ctx, e.BillId)
	if isNotFound(err) {
		b, err = q.Keeper.RejectedBills.Get(ctx, e.BillId)
	}
	if err != nil {
		return nil, err
	}
	return &types.QueryPintEnvelopeResponse{Envelope: e, Bill: b}, nil
}
