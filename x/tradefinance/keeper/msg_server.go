package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	"github.com/tradechain/tradechain/x/tradefinance/types"
)

type msgServer struct{ Keeper }

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the x/tradefinance Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k} }

func (s msgServer) UpdateParams(ctx context.Context, m *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	if m.Authority != s.authority {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "only the governance authority %s may update params", s.authority)
	}
	if err := s.Params.Set(ctx, m.Params); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, emit(ctx, &types.EventParamsUpdated{Params: &m.Params})
}
