package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// Regulator holds: a REGULATOR party stops a bill (no transfer, endorsement,
// send, presentation, lien, financing or surrender: every move its holder or
// carrier starts) or a party (no new action, nor any its earlier authz grants
// or fee allowances would let others start for it; no funds leave it
// (SendRestriction); it receives no bill, and no deposit token as a payment
// from another account), until a regulator lifts the hold. Moves under an
// existing lien (an LC's settlement, a financing's release or default) are
// the creditor's and are not stopped.
//
// Money the zone owes a held party still reaches it, and stays frozen
// there: deposit tokens paid out of a module account (an LC's settlement to
// its beneficiary, escrow freed back to its issuing bank) or refunded by
// ICS-20 for a transfer it sent before the hold (an error acknowledgement or
// a timeout, which must never fail). x/tradefinance's deposit-token send
// restriction draws that line; a deactivated party is treated the same.

// History actions of holds on bills.
const (
	ActionHold       = "HOLD"
	ActionHoldLifted = "HOLD_LIFTED"
)

func holdPK(kind types.HoldSubject, subject string) collections.Pair[int32, string] {
	return collections.Join(int32(kind), subject)
}

// GetHold returns the hold on a subject, if any. While no hold of the kind
// is in force (the usual case) it reads only the kind's count.
func (k Keeper) GetHold(ctx context.Context, kind types.HoldSubject, subject string) (types.Hold, bool, error) {
	if n, err := k.HoldCount.Get(ctx, int32(kind)); err == nil && n == 0 {
		return types.Hold{}, false, nil
	} else if err != nil && !isNotFound(err) {
		return types.Hold{}, false, err
	}
	h, err := k.Holds.Get(ctx, holdPK(kind, subject))
	if isNotFound(err) {
		return h, false, nil
	}
	return h, err == nil, err
}

// putHold stores a new hold and counts it.
func (k Keeper) putHold(ctx context.Context, h types.Hold) error {
	if err := k.Holds.Set(ctx, holdPK(h.SubjectKind, h.Subject), h); err != nil {
		return err
	}
	return k.addHoldCount(ctx, h.SubjectKind, 1)
}

// dropHold removes a hold in force and uncounts it.
func (k Keeper) dropHold(ctx context.Context, kind types.HoldSubject, subject string) error {
	if err := k.Holds.Remove(ctx, holdPK(kind, subject)); err != nil {
		return err
	}
	return k.addHoldCount(ctx, kind, -1)
}

func (k Keeper) addHoldCount(ctx context.Context, kind types.HoldSubject, delta int) error {
	n, err := k.HoldCount.Get(ctx, int32(kind))
	if err != nil && !isNotFound(err) {
		return err
	}
	return k.HoldCount.Set(ctx, int32(kind), uint64(int(n)+delta))
}

// holdKinds are the kinds of subject a hold can name.
var holdKinds = []types.HoldSubject{types.HOLD_SUBJECT_BILL, types.HOLD_SUBJECT_PARTY}

// holdsByKind counts the holds in the store per subject kind.
func (k Keeper) holdsByKind(ctx context.Context) (map[int32]uint64, error) {
	counts := map[int32]uint64{}
	err := k.Holds.Walk(ctx, nil, func(pk collections.Pair[int32, string], _ types.Hold) (bool, error) {
		counts[pk.K1()]++
		return false, nil
	})
	return counts, err
}

// countHolds writes the count of each subject kind from the holds in the
// store, zero included (genesis, the v2 migration).
func (k Keeper) countHolds(ctx context.Context) error {
	counts, err := k.holdsByKind(ctx)
	if err != nil {
		return err
	}
	for _, kind := range holdKinds {
		if err := k.HoldCount.Set(ctx, int32(kind), counts[int32(kind)]); err != nil {
			return err
		}
	}
	return nil
}

// requireNotHeld refuses a subject under a hold, saying who placed it and why.
func (k Keeper) requireNotHeld(ctx context.Context, kind types.HoldSubject, subject string) error {
	h, held, err := k.GetHold(ctx, kind, subject)
	if err != nil || !held {
		return err
	}
	what := map[types.HoldSubject]string{types.HOLD_SUBJECT_BILL: "bill", types.HOLD_SUBJECT_PARTY: "party"}[kind]
	return errorsmod.Wrapf(types.ErrHeld, "%s %s is held by regulator %s since height %d (%s); only a regulator can lift it",
		what, subject, h.PlacedBy, h.Height, h.Reason)
}

// RequireNotStopped refuses an account that is a registered party under a
// regulator's hold or deactivated, with ErrHeld or ErrPartyInactive; any
// other account (an active party, a module account, an escrow, a validator
// operator that is not a party) passes. It is the rule for who may be the
// source of funds or the signer of an action open to anyone.
func (k Keeper) RequireNotStopped(ctx context.Context, addr string) error {
	p, err := k.Parties.Get(ctx, addr)
	if isNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	return k.requireNotStopped(ctx, p)
}

// SendRestriction stops the funds of a party under a regulator's hold or
// deactivated: a bank send from it fails, in every denom (utrade and deposit
// tokens alike) and whoever started it — its own transaction, an authz
// grantee's MsgExec, an ICS-20 transfer, a fee deduction from its
// allowance, or a module pulling funds on its behalf. Sends to it, and sends
// from accounts that are not parties (module accounts, ICS-20 escrows:
// settlements, refunds, unbondings, rewards), pass here (which deposit
// tokens may reach it is x/tradefinance's restriction: only what the zone
// owes it); what arrives stays frozen. x/staking's delegation and unbonding
// moves do not go through send restrictions. Install it with
// bankKeeper.AppendSendRestriction.
func (k Keeper) SendRestriction(ctx context.Context, from, to sdk.AccAddress, _ sdk.Coins) (sdk.AccAddress, error) {
	if err := k.RequireNotStopped(ctx, from.String()); err != nil {
		return nil, errorsmod.Wrapf(err, "funds of %s cannot move", from)
	}
	return to, nil
}

func (s msgServer) PlaceHold(ctx context.Context, m *types.MsgPlaceHold) (*types.MsgPlaceHoldResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if _, err := s.ActivePartyWithRole(ctx, m.Regulator, types.ROLE_REGULATOR); err != nil {
		return nil, err
	}
	if err := s.checkText(ctx, "reason", m.Reason); err != nil {
		return nil, err
	}
	switch m.SubjectKind {
	case types.HOLD_SUBJECT_BILL:
		if _, err := s.GetBill(ctx, m.Subject); err != nil {
			return nil, err
		}
	case types.HOLD_SUBJECT_PARTY:
		if _, err := s.GetParty(ctx, m.Subject); err != nil {
			return nil, err
		}
	}
	if err := s.requireNotHeld(ctx, m.SubjectKind, m.Subject); err != nil {
		return nil, err // already held
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	h := types.Hold{SubjectKind: m.SubjectKind, Subject: m.Subject, Reason: m.Reason, PlacedBy: m.Regulator,
		Height: sdkCtx.BlockHeight(), PlacedAt: sdkCtx.BlockTime().UTC()}
	if err := s.putHold(ctx, h); err != nil {
		return nil, err
	}
	if err := s.recordHold(ctx, m.SubjectKind, m.Subject, ActionHold, m.Regulator, m.Reason); err != nil {
		return nil, err
	}
	return &types.MsgPlaceHoldResponse{}, typedevent.Emit(sdkCtx.EventManager(), &types.EventHoldPlaced{Hold: h})
}

func (s msgServer) LiftHold(ctx context.Context, m *types.MsgLiftHold) (*types.MsgLiftHoldResponse, error) {
	if err := validate(m); err != nil {
		return nil, err
	}
	if _, err := s.ActivePartyWithRole(ctx, m.Regulator, types.ROLE_REGULATOR); err != nil {
		return nil, err
	}
	if err := s.checkText(ctx, "reason", m.Reason); err != nil {
		return nil, err
	}
	if _, held, err := s.GetHold(ctx, m.SubjectKind, m.Subject); err != nil {
		return nil, err
	} else if !held {
		return nil, errorsmod.Wrapf(types.ErrHoldNotFound, "%s %s is not held", m.SubjectKind, m.Subject)
	}
	if err := s.dropHold(ctx, m.SubjectKind, m.Subject); err != nil {
		return nil, err
	}
	if err := s.recordHold(ctx, m.SubjectKind, m.Subject, ActionHoldLifted, m.Regulator, m.Reason); err != nil {
		return nil, err
	}
	return &types.MsgLiftHoldResponse{}, typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), &types.EventHoldLifted{
		SubjectKind: m.SubjectKind, Subject: m.Subject, LiftedBy: m.Regulator, Reason: m.Reason,
	})
}

// recordHold writes a bill hold or lift into the bill's history.
func (s msgServer) recordHold(ctx context.Context, kind types.HoldSubject, subject, action, regulator, reason string) error {
	if kind != types.HOLD_SUBJECT_BILL {
		return nil
	}
	b, err := s.GetBill(ctx, subject)
	if err != nil {
		return err
	}
	return s.record(ctx, &b, action, regulator, b.Holder, b.Holder, reason)
}
