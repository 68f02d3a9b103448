package keeper

import (
	"context"
	"slices"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tradechain/tradechain/x/tradefinance/types"
)

type queryServer struct{ Keeper }

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the x/tradefinance Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k} }

func grpcErr(err error) error {
	if errorsmod.IsOf(err, types.ErrLCNotFound, types.ErrInvoiceNotFound, types.ErrFinancingNotFound, types.ErrNoPresentation) {
		return status.Error(codes.NotFound, err.Error())
	}
	return err
}

func (q queryServer) LetterOfCredit(ctx context.Context, req *types.QueryLetterOfCreditRequest) (*types.QueryLetterOfCreditResponse, error) {
	lc, err := q.GetLC(ctx, req.GetId())
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryLetterOfCreditResponse{LetterOfCredit: lc}, nil
}

func (q queryServer) LettersOfCredit(ctx context.Context, req *types.QueryLettersOfCreditRequest) (*types.QueryLettersOfCreditResponse, error) {
	lcs, page, err := listInvolving(ctx, q.Keeper.LCs, req.GetPagination(), req.GetParty(),
		func(lc types.LetterOfCredit) []string { return []string{lc.Applicant, lc.Beneficiary, lc.IssuingBank} })
	if err != nil {
		return nil, err
	}
	return &types.QueryLettersOfCreditResponse{LettersOfCredit: lcs, Pagination: page}, nil
}

// listInvolving pages through a collection, keeping only the records that
// involve party (in any of the roles parties returns) when party is set.
func listInvolving[V any](ctx context.Context, coll query.Collection[uint64, V], page *query.PageRequest, party string,
	parties func(V) []string,
) ([]V, *query.PageResponse, error) {
	if party != "" {
		if _, err := sdk.AccAddressFromBech32(party); err != nil {
			return nil, nil, status.Errorf(codes.InvalidArgument, "party %q is not an account address: %v", party, err)
		}
	}
	out, res, err := query.CollectionFilteredPaginate(ctx, coll, page,
		func(_ uint64, v V) (bool, error) { return party == "" || slices.Contains(parties(v), party), nil },
		func(_ uint64, v V) (V, error) { return v, nil })
	if err != nil {
		return nil, nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return out, res, nil
}

func (q queryServer) Presentation(ctx context.Context, req *types.QueryPresentationRequest) (*types.QueryPresentationResponse, error) {
	p, err := q.Keeper.Presentations.Get(ctx, req.GetLcId())
	if isNotFound(err) {
		return nil, status.Errorf(codes.NotFound, "letter of credit %d has no presentation", req.GetLcId())
	} else if err != nil {
		return nil, err
	}
	return &types.QueryPresentationResponse{Presentation: p}, nil
}

func (q queryServer) Invoice(ctx context.Context, req *types.QueryInvoiceRequest) (*types.QueryInvoiceResponse, error) {
	inv, err := q.GetInvoice(ctx, req.GetId())
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryInvoiceResponse{Invoice: inv}, nil
}

func (q queryServer) InvoiceByFingerprint(ctx context.Context, req *types.QueryInvoiceByFingerprintRequest) (*types.QueryInvoiceResponse, error) {
	id, err := q.Keeper.Invoices.Indexes.Fingerprint.MatchExact(ctx, req.GetFingerprint())
	if isNotFound(err) {
		return nil, status.Errorf(codes.NotFound, "no invoice with fingerprint %s", req.GetFingerprint())
	} else if err != nil {
		return nil, err
	}
	return q.Invoice(ctx, &types.QueryInvoiceRequest{Id: id})
}

func (q queryServer) Financing(ctx context.Context, req *types.QueryFinancingRequest) (*types.QueryFinancingResponse, error) {
	f, err := q.GetFinancing(ctx, req.GetId())
	if err != nil {
		return nil, grpcErr(err)
	}
	return &types.QueryFinancingResponse{Financing: f}, nil
}

func (q queryServer) Financings(ctx context.Context, req *types.QueryFinancingsRequest) (*types.QueryFinancingsResponse, error) {
	fs, page, err := listInvolving(ctx, q.Keeper.Financings, req.GetPagination(), req.GetParty(),
		func(f types.Financing) []string { return []string{f.Bank, f.Seller} })
	if err != nil {
		return nil, err
	}
	return &types.QueryFinancingsResponse{Financings: fs, Pagination: page}, nil
}

func (q queryServer) Invoices(ctx context.Context, req *types.QueryInvoicesRequest) (*types.QueryInvoicesResponse, error) {
	invs, page, err := listInvolving(ctx, q.Keeper.Invoices, req.GetPagination(), req.GetParty(),
		func(inv types.Invoice) []string { return []string{inv.Seller, inv.Buyer} })
	if err != nil {
		return nil, err
	}
	return &types.QueryInvoicesResponse{Invoices: invs, Pagination: page}, nil
}

func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

func (q queryServer) TrackRecord(ctx context.Context, req *types.QueryTrackRecordRequest) (*types.QueryTrackRecordResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "give the party")
	}
	if _, err := sdk.AccAddressFromBech32(req.Party); err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "party %q is not an account address: %v", req.Party, err)
	}
	figs, err := q.Keeper.TrackRecord(ctx, req.Party)
	if err != nil {
		return nil, err
	}
	return &types.QueryTrackRecordResponse{Party: req.Party, Height: sdk.UnwrapSDKContext(ctx).BlockHeight(), Figures: figs}, nil
}
