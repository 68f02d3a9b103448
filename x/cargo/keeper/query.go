package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tradechain/tradechain/x/cargo/types"
)

type queryServer struct{ Keeper }

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the x/cargo Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k} }

func notFound(err error) error {
	if err == nil {
		return nil
	}
	if errorsmod.IsOf(err, types.ErrPartyNotFound, types.ErrBillNotFound, types.ErrDocumentNotFound) {
		return status.Error(codes.NotFound, err.Error())
	}
	return err
}

func (q queryServer) Party(ctx context.Context, req *types.QueryPartyRequest) (*types.QueryPartyResponse, error) {
	if req == nil || req.Address == "" {
		return nil, status.Error(codes.InvalidArgument, "address is required")
	}
	p, err := q.GetParty(ctx, req.Address)
	if err != nil {
		return nil, notFound(err)
	}
	return &types.QueryPartyResponse{Party: p}, nil
}

func (q queryServer) Parties(ctx context.Context, req *types.QueryPartiesRequest) (*types.QueryPartiesResponse, error) {
	if req == nil {
		req = &types.QueryPartiesRequest{}
	}
	parties, page, err := query.CollectionPaginate(ctx, q.Keeper.Parties, req.Pagination,
		func(_ string, p types.Party) (types.Party, error) { return p, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryPartiesResponse{Parties: parties, Pagination: page}, nil
}

func (q queryServer) Bill(ctx context.Context, req *types.QueryBillRequest) (*types.QueryBillResponse, error) {
	if req == nil || req.Id == "" {
		return nil, status.Error(codes.InvalidArgument, "id is required")
	}
	b, err := q.GetBill(ctx, req.Id)
	if err != nil {
		return nil, notFound(err)
	}
	return &types.QueryBillResponse{Bill: b}, nil
}

func (q queryServer) Bills(ctx context.Context, req *types.QueryBillsRequest) (*types.QueryBillsResponse, error) {
	if req == nil {
		req = &types.QueryBillsRequest{}
	}
	filters := 0
	for _, set := range []bool{req.Holder != "", req.Carrier != "", req.Status != types.BILL_STATUS_UNSPECIFIED} {
		if set {
			filters++
		}
	}
	if filters > 1 {
		return nil, status.Error(codes.InvalidArgument, "filter by at most one of holder, carrier, status")
	}
	var (
		bills []types.Bill
		page  *query.PageResponse
		err   error
	)
	switch {
	case req.Holder != "":
		// The holder's range also lists the bills it held before (the
		// track record's): only those it holds now are paged.
		bills, page, err = query.CollectionFilteredPaginate(ctx, &q.Keeper.Bills.Indexes.Holder.Map, req.Pagination,
			func(_ collections.Pair[string, string], now bool) (bool, error) { return now, nil },
			func(key collections.Pair[string, string], _ bool) (types.Bill, error) {
				return q.Keeper.Bills.Get(ctx, key.K2())
			},
			query.WithCollectionPaginationPairPrefix[string, string](req.Holder))
	case req.Carrier != "":
		bills, page, err = q.Keeper.CarrierBills(ctx, req.Carrier, req.Pagination)
	case req.Status != types.BILL_STATUS_UNSPECIFIED:
		// Oldest first: in the order the bills took the status.
		bills, page, err = query.CollectionPaginate(ctx, q.Keeper.Bills.Indexes.Status, req.Pagination,
			func(key collections.Triple[int32, uint64, string], _ collections.NoValue) (types.Bill, error) {
				return q.Keeper.Bills.Get(ctx, key.K3())
			},
			func(o *query.CollectionsPaginateOptions[collections.Triple[int32, uint64, string]]) {
				prefix := collections.TriplePrefix[int32, uint64, string](int32(req.Status))
				o.Prefix = &prefix
			})
	default:
		bills, page, err = query.CollectionPaginate(ctx, q.Keeper.Bills, req.Pagination,
			func(_ string, b types.Bill) (types.Bill, error) { return b, nil })
	}
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryBillsResponse{Bills: bills, Pagination: page}, nil
}

func (q queryServer) BillHistory(ctx context.Context, req *types.QueryBillHistoryRequest) (*types.QueryBillHistoryResponse, error) {
	if req == nil || req.Id == "" {
		return nil, status.Error(codes.InvalidArgument, "id is required")
	}
	if _, err := q.GetBill(ctx, req.Id); err != nil {
		return nil, notFound(err)
	}
	entries, page, err := query.CollectionPaginate(ctx, q.Keeper.History, req.Pagination,
		func(_ collections.Pair[string, uint64], e types.HistoryEntry) (types.HistoryEntry, error) {
			return e, nil
		},
		query.WithCollectionPaginationPairPrefix[string, uint64](req.Id))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryBillHistoryResponse{Entries: entries, Pagination: page}, nil
}

func (q queryServer) Milestones(ctx context.Context, req *types.QueryMilestonesRequest) (*types.QueryMilestonesResponse, error) {
	if req == nil || req.Id == "" {
		return nil, status.Error(codes.InvalidArgument, "id is required")
	}
	if _, err := q.GetBill(ctx, req.Id); err != nil {
		return nil, notFound(err)
	}
	ms, page, err := query.CollectionPaginate(ctx, q.Keeper.Milestones, req.Pagination,
		func(_ collections.Pair[string, uint64], m types.Milestone) (types.Milestone, error) { return m, nil },
		query.WithCollectionPaginationPairPrefix[string, uint64](req.Id))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryMilestonesResponse{Milestones: ms, Pagination: page}, nil
}

func (q queryServer) Document(ctx context.Context, req *types.QueryDocumentRequest) (*types.QueryDocumentResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "hash is required")
	}
	if err := types.ValidateHash("hash", req.Hash); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	d, anchors, found, err := q.documentView(ctx, req.Hash)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, status.Errorf(codes.NotFound, "document %s is not anchored on this zone", req.Hash)
	}
	return &types.QueryDocumentResponse{Document: d, Anchors: anchors}, nil
}

func (q queryServer) RejectedBill(ctx context.Context, req *types.QueryRejectedBillRequest) (*types.QueryRejectedBillResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "id is required")
	}
	if err := types.ValidateBillID(req.Id); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	b, err := q.Keeper.RejectedBills.Get(ctx, req.Id)
	if isNotFound(err) {
		return nil, status.Errorf(codes.NotFound, "no rejected record of bill %s was replaced on this zone", req.Id)
	} else if err != nil {
		return nil, err
	}
	it, err := q.Keeper.RejectedHistory.Iterate(ctx, collections.NewPrefixedPairRange[string, uint64](req.Id))
	if err != nil {
		return nil, err
	}
	history, err := it.Values()
	if err != nil {
		return nil, err
	}
	return &types.QueryRejectedBillResponse{Bill: b, History: history}, nil
}

// HandedOver lists bill id's archived handed-over tombstones with their history.
func (q queryServer) HandedOver(ctx context.Context, req *types.QueryHandedOverRequest) (*types.QueryHandedOverResponse, error) {
	if req == nil || req.Id == "" {
		return nil, status.Error(codes.InvalidArgument, "id is required")
	}
	if err := types.ValidateBillID(req.Id); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	it, err := q.Keeper.HandedOverBills.Iterate(ctx, collections.NewPrefixedPairRange[string, uint64](req.Id))
	if err != nil {
		return nil, err
	}
	bills, err := it.Values()
	if err != nil {
		return nil, err
	}
	if len(bills) == 0 {
		return nil, status.Errorf(codes.NotFound, "bill %s has no handed-over tombstone archived on this zone (it never came back here after continuing on another zone)", req.Id)
	}
	history, err := q.Keeper.handedOverHistory(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryHandedOverResponse{Bills: bills, History: history}, nil
}

func (q queryServer) Consents(ctx context.Context, req *types.QueryConsentsRequest) (*types.QueryConsentsResponse, error) {
	if req == nil || (req.Granter == "") == (req.Grantee == "") {
		return nil, status.Error(codes.InvalidArgument, "give exactly one of granter or grantee")
	}
	idx, who := q.Keeper.Consents.Indexes.Granter, req.Granter
	if req.Grantee != "" {
		idx, who = q.Keeper.Consents.Indexes.Grantee, req.Grantee
	}
	cs, page, err := query.CollectionPaginate(ctx, idx, req.Pagination,
		func(key collections.Pair[string, uint64], _ collections.NoValue) (types.Consent, error) {
			return q.Keeper.Consents.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[string, uint64](who))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryConsentsResponse{Consents: cs, Pagination: page}, nil
}

func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

func (q queryServer) Corridor(ctx context.Context, _ *types.QueryCorridorRequest) (*types.QueryCorridorResponse, error) {
	links, err := q.CorridorStatus(sdk.UnwrapSDKContext(ctx))
	if err != nil {
		return nil, err
	}
	return &types.QueryCorridorResponse{Links: links}, nil
}

func (q queryServer) BillLocation(ctx context.Context, req *types.QueryBillLocationRequest) (*types.QueryBillLocationResponse, error) {
	if req == nil || req.Id == "" {
		return nil, status.Error(codes.InvalidArgument, "id is required")
	}
	b, err := q.GetBill(ctx, req.Id)
	if err != nil {
		return nil, notFound(err)
	}
	loc := "LOCAL"
	switch b.Status {
	case types.BILL_STATUS_IN_TRANSIT:
		loc = "IN_TRANSIT"
	case types.BILL_STATUS_TRANSFERRED_OUT:
		loc = "TRANSFERRED_OUT"
	case types.BILL_STATUS_EXPORTING:
		loc = "EXPORTING"
	case types.BILL_STATUS_EXPORTED:
		loc = "EXPORTED"
	case types.BILL_STATUS_SURRENDERED_FOR_DELIVERY, types.BILL_STATUS_VOIDED:
		loc = "CLOSED"
	}
	res := &types.QueryBillLocationResponse{Location: loc, Channel: b.TransferredVia, Trace: b.Trace, Holder: b.Holder,
		ControlZone: b.ControlZone, DepartedHolder: b.DepartedHolder}
	// The latest crossing attempt: walk the history back to the last SEND,
	// RECEIVE or return; report it if it was a return.
	it, err := q.History.Iterate(ctx, collections.NewPrefixedPairRange[string, uint64](b.Id).Descending())
	if err != nil {
		return nil, err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		e, err := it.Value()
		if err != nil {
			return nil, err
		}
		if IsReturn(e.Action) {
			res.LastReturn = &e
			break
		}
		if e.Action == ActionSend || e.Action == ActionReceive {
			break
		}
	}
	return res, nil
}

func (q queryServer) ClassTraces(ctx context.Context, _ *types.QueryClassTracesRequest) (*types.QueryClassTracesResponse, error) {
	it, err := q.Keeper.ClassTraces.Iterate(ctx, nil)
	if err != nil {
		return nil, err
	}
	traces, err := it.Keys()
	if err != nil {
		return nil, err
	}
	return &types.QueryClassTracesResponse{ClassTraces: traces}, nil
}

func (q queryServer) RegistryKey(ctx context.Context, req *types.QueryRegistryKeyRequest) (*types.QueryRegistryKeyResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "hash is required")
	}
	p, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	res := &types.QueryRegistryKeyResponse{RegistryChannel: p.RegistryChannel, Keys: []types.RegistryKey{}}
	if types.ValidateHash("hash", req.Hash) != nil {
		// A bill's identity is kept under the bill's carrier code and
		// folded reference: it is asked for by the bill id.
		if err := types.ValidateBillID(req.Hash); err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "%q is neither a key (64 lower-case hex) nor a bill id", req.Hash)
		}
		r, found, err := q.GetBillIdentityKey(ctx, req.Hash)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, status.Errorf(codes.NotFound, "the identity of bill %s (%s) is not in this zone's corridor registry", req.Hash, types.BillKeyOf(req.Hash))
		}
		res.Keys = append(res.Keys, r)
		return res, nil
	}
	for _, kind := range []types.KeyKind{types.KEY_KIND_TRANSPORT_DOCUMENT, types.KEY_KIND_INVOICE} {
		r, found, err := q.GetRegistryKey(ctx, kind, req.Hash)
		if err != nil {
			return nil, err
		}
		if found {
			res.Keys = append(res.Keys, r)
		}
	}
	if len(res.Keys) == 0 {
		return nil, status.Errorf(codes.NotFound, "%s is not in this zone's corridor registry as a document or invoice key (a bill's identity is asked for by the bill id)", req.Hash)
	}
	return res, nil
}

func (q queryServer) RegistryPending(ctx context.Context, req *types.QueryRegistryPendingRequest) (*types.QueryRegistryPendingResponse, error) {
	if req == nil {
		req = &types.QueryRegistryPendingRequest{}
	}
	st := req.Status
	switch st {
	case types.RESERVATION_STATUS_UNSPECIFIED:
		st = types.RESERVATION_STATUS_PENDING
	case types.RESERVATION_STATUS_PENDING, types.RESERVATION_STATUS_TIMED_OUT:
	default:
		return nil, status.Errorf(codes.InvalidArgument, "status %s: want RESERVATION_STATUS_PENDING or RESERVATION_STATUS_TIMED_OUT", st)
	}
	keys, page, err := query.CollectionPaginate(ctx, q.Keeper.RegistryOpen, req.Pagination,
		func(key OpenReservation, _ collections.NoValue) (types.RegistryKey, error) {
			r, _, err := q.Keeper.registryAt(ctx, key.K2().K2())
			return r, err
		},
		query.WithCollectionPaginationPairPrefix[int32, collections.Pair[string, collections.Pair[int32, string]]](int32(st)))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryRegistryPendingResponse{Keys: keys, Pagination: page}, nil
}

// RegistryCollisions lists what the v3 upgrade found: identities two records
// of this zone shared.
func (q queryServer) RegistryCollisions(ctx context.Context, req *types.QueryRegistryCollisionsRequest) (*types.QueryRegistryCollisionsResponse, error) {
	if req == nil {
		req = &types.QueryRegistryCollisionsRequest{}
	}
	cs, page, err := query.CollectionPaginate(ctx, q.Keeper.Collisions, req.Pagination,
		func(_ collections.Triple[int32, string, string], c types.IdentityCollision) (types.IdentityCollision, error) {
			return c, nil
		})
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryRegistryCollisionsResponse{Collisions: cs, Pagination: page}, nil
}

func (q queryServer) Holds(ctx context.Context, req *types.QueryHoldsRequest) (*types.QueryHoldsResponse, error) {
	if req == nil {
		req = &types.QueryHoldsRequest{}
	}
	holds, page, err := query.CollectionPaginate(ctx, q.Keeper.Holds, req.Pagination,
		func(_ collections.Pair[int32, string], h types.Hold) (types.Hold, error) { return h, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryHoldsResponse{Holds: holds, Pagination: page}, nil
}

func (q queryServer) Hold(ctx context.Context, req *types.QueryHoldRequest) (*types.QueryHoldResponse, error) {
	if req == nil || req.Subject == "" {
		return nil, status.Error(codes.InvalidArgument, "subject (a bill id or a party address) is required")
	}
	res := &types.QueryHoldResponse{Holds: []types.Hold{}}
	for _, kind := range holdKinds {
		h, held, err := q.GetHold(ctx, kind, req.Subject)
		if err != nil {
			return nil, err
		}
		if held {
			res.Holds = append(res.Holds, h)
		}
	}
	if len(res.Holds) == 0 {
		return nil, status.Errorf(codes.NotFound, "no hold on %s", req.Subject)
	}
	return res, nil
}

// pintActionCodes maps history actions to DCSA PINT action codes; the other
// title actions keep an empty code.
var pintActionCodes = map[string]string{
	ActionIssue: "ISSUE", ActionTransfer: "TRANSFER", ActionEndorse: "ENDORSE", ActionBlankEndorse: "BLANK_ENDORSE",
	ActionSurrenderForDelivery: "SURRENDER_FOR_DELIVERY", ActionSurrenderForAmend: "SURRENDER_FOR_AMENDMENT",
	ActionSurrenderAccepted: "SACC", ActionSurrenderRejected: "SREJ", ActionLienTransfer: "TRANSFER",
}

// titleActions are the history actions of a bill's chain of title: who
// controlled it, who it was endorsed or surrendered to, and where it went.
var titleActions = map[string]bool{
	ActionIssue: true, ActionTransfer: true, ActionEndorse: true, ActionBlankEndorse: true,
	ActionSurrenderForDelivery: true, ActionSurrenderForAmend: true, ActionSurrenderAccepted: true, ActionSurrenderRejected: true,
	ActionLienTransfer: true, ActionRejectTransfer: true, ActionRejectEndorsement: true, ActionAmend: true, ActionVoid: true,
	ActionSplit: true, ActionCombine: true,
	ActionSend: true, ActionReceive: true, ActionReturnRefused: true, ActionReturnTimeout: true, ActionReturn: true,
}

func (q queryServer) EndorsementChain(ctx context.Context, req *types.QueryEndorsementChainRequest) (*types.QueryEndorsementChainResponse, error) {
	if req == nil || req.Id == "" {
		return nil, status.Error(codes.InvalidArgument, "id is required")
	}
	if _, err := q.GetBill(ctx, req.Id); err != nil {
		return nil, notFound(err)
	}
	it, err := q.History.Iterate(ctx, collections.NewPrefixedPairRange[string, uint64](req.Id))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	res := &types.QueryEndorsementChainResponse{BillId: req.Id, Entries: []types.EndorsementChainEntry{}, Complete: true}
	var last uint64
	for ; it.Valid(); it.Next() {
		e, err := it.Value()
		if err != nil {
			return nil, err
		}
		if e.Sequence != last+1 {
			res.Complete = false // a gap: entries this zone never received
		}
		last = e.Sequence
		if !titleActions[e.Action] {
			continue
		}
		res.Entries = append(res.Entries, types.EndorsementChainEntry{
			Sequence: e.Sequence, ActionCode: pintActionCodes[e.Action], Action: e.Action, Actor: e.Actor, Recipient: e.To,
			ActionDateTime: e.Time, Zone: e.ChainId, DocumentHash: e.DocumentHash, Head: e.Head, Remark: e.Remark,
		})
	}
	return res, nil
}

func (q queryServer) ConsentCovers(ctx context.Context, req *types.QueryConsentCoversRequest) (*types.QueryConsentCoversResponse, error) {
	if req == nil || req.Id == 0 {
		return nil, status.Error(codes.InvalidArgument, "give the consent id")
	}
	if err := types.ValidateHash("hash", req.Hash); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	if err := types.ValidateAddress("grantee", req.Grantee); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	c, d, err := q.Keeper.ConsentCovers(ctx, req.Id, req.Grantee, req.Hash)
	res := &types.QueryConsentCoversResponse{Covered: err == nil}
	if c.Id != 0 {
		res.Consent = &c
	}
	if d.Hash != "" {
		res.OwnerAnchor = &d
	}
	if err != nil {
		if types.ErrConsentNotFound.Is(err) || types.ErrConsentNotLive.Is(err) || types.ErrConsentGrantee.Is(err) ||
			types.ErrConsentScope.Is(err) || types.ErrNotOwnersData.Is(err) || types.ErrBillNotFound.Is(err) {
			res.Reason = err.Error()
			return res, nil
		}
		return nil, err
	}
	return res, nil
}

func (q queryServer) AccessRecords(ctx context.Context, req *types.QueryAccessRecordsRequest) (*types.QueryAccessRecordsResponse, error) {
	if req == nil || req.Owner == "" {
		return nil, status.Error(codes.InvalidArgument, "give the owner")
	}
	rs, page, err := query.CollectionPaginate(ctx, q.Keeper.AccessByOwner, req.Pagination,
		func(key collections.Pair[string, uint64], _ collections.NoValue) (types.AccessRecord, error) {
			return q.Keeper.AccessRecords.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[string, uint64](req.Owner))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryAccessRecordsResponse{Records: rs, Pagination: page}, nil
}

func (q queryServer) TrackRecord(ctx context.Context, req *types.QueryTrackRecordRequest) (*types.QueryTrackRecordResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "give the party")
	}
	if err := types.ValidateAddress("party", req.Party); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	figs, err := q.Keeper.TrackRecord(ctx, req.Party)
	if err != nil {
		return nil, err
	}
	return &types.QueryTrackRecordResponse{Party: req.Party, Height: sdk.UnwrapSDKContext(ctx).BlockHeight(), Figures: figs}, nil
}
