package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// The lien API is how x/tradefinance encumbers bills. A liened bill cannot be
// transferred, endorsed, surrendered or sent by its holder; only the module
// that placed the lien can release it or move control under it.

// PlaceLien liens bill id, which owner must hold and be free to move
// (ISSUED, no other lien).
func (k Keeper) PlaceLien(ctx context.Context, id, owner string, lien types.Lien) error {
	if lien.Module == "" || lien.Reference == "" {
		return errorsmod.Wrap(types.ErrInvalidField, "a lien names its module and reference")
	}
	if err := types.ValidateAddress("lien creditor", lien.Creditor); err != nil {
		return err
	}
	b, err := k.holderBill(ctx, owner, id)
	if err != nil {
		return err
	}
	b.Lien = &lien
	if err := k.record(ctx, &b, ActionLien, lien.Creditor, b.Holder, b.Holder, lien.Module+"/"+lien.Reference); err != nil {
		return err
	}
	return typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventLienPlaced{
		BillId: id, Module: lien.Module, Reference: lien.Reference, Creditor: lien.Creditor,
	})
}

// lienedBill loads a bill that carries exactly the lien (module, reference).
func (k Keeper) lienedBill(ctx context.Context, id, module, reference string) (types.Bill, error) {
	b, err := k.GetBill(ctx, id)
	if err != nil {
		return b, err
	}
	if b.Lien == nil || b.Lien.Module != module || b.Lien.Reference != reference {
		return b, errorsmod.Wrapf(types.ErrNoLien, "bill %s carries no lien %s/%s", id, module, reference)
	}
	return b, nil
}

// ReleaseLien lifts the lien (module, reference) from bill id; control stays
// with the holder.
func (k Keeper) ReleaseLien(ctx context.Context, id, module, reference string) error {
	b, err := k.lienedBill(ctx, id, module, reference)
	if err != nil {
		return err
	}
	b.Lien = nil
	if err := k.record(ctx, &b, ActionLienRelease, b.Holder, b.Holder, b.Holder, module+"/"+reference); err != nil {
		return err
	}
	return typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventLienReleased{BillId: id, Module: module, Reference: reference})
}

// TransferUnderLien moves control of bill id to `to` and lifts the lien in the
// same step: delivery of the bill in a DvP settlement, or enforcement of a
// financing after default. `to` must be an active registered party.
func (k Keeper) TransferUnderLien(ctx context.Context, id, module, reference, to string) error {
	b, err := k.lienedBill(ctx, id, module, reference)
	if err != nil {
		return err
	}
	if _, err := k.ActiveParty(ctx, to); err != nil {
		return err
	}
	b.Lien = nil
	if b.Mode == types.BILL_MODE_TO_ORDER {
		b.Endorsee = to
	}
	if err := k.moveControl(ctx, &b, ActionLienTransfer, module+"/"+reference, to, ""); err != nil {
		return err
	}
	return typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventLienReleased{BillId: id, Module: module, Reference: reference})
}
