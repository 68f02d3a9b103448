package keeper

import (
	"context"
	"strings"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// SendRestriction keeps deposit tokens (td-*, and their ICS-20 vouchers)
// with the corridor's registered parties; install it with
// bankKeeper.AppendSendRestriction. Deposit tokens go
//
//   - to an active party, from anyone;
//   - to a party under a regulator's hold or deactivated, only as money the
//     zone owes it (zoneOwes), which is the party's own under a credit or
//     a transfer begun before it was stopped (MsgIssueLC and MsgTransfer
//     refuse a stopped party):
//     a module account's payout — an LC's settlement to its beneficiary
//     (the issuing bank's examination, MsgSettlePresentation, the
//     EndBlocker's deemed settlement), the escrow an accepted decrease
//     frees back to the issuing bank (MsgCloseLC's refund goes to the bank
//     that signs it, so an active one) — and ICS-20's refund of a transfer
//     the party sent (error acknowledgement or timeout: from the channel's
//     escrow, or the voucher minted back), which must never fail (I5).
//     The money arrives frozen: x/cargo's send restriction lets nothing
//     leave a held or deactivated party.
//     A payment from anyone else is refused and the payer keeps its money:
//     a bank send, MsgRepay to a held or deactivated financing bank (the
//     repayment stays outstanding), a packet received from an account of
//     the other zone (the error acknowledgement refunds its sender there).
//     A financing's advance comes from the bank's own account to the seller
//     who signs MsgAcceptFinancing, so to an active party;
//   - to a module account, or to the ICS-20 escrow of a transfer channel to
//     the corridor's zones (trusted connections only);
//
// and to no one else.
func (k Keeper) SendRestriction(ctx context.Context, from, to sdk.AccAddress, amt sdk.Coins) (sdk.AccAddress, error) {
	restricted := false
	for _, c := range amt {
		if k.isDeposit(ctx, c.Denom) {
			restricted = true
			break
		}
	}
	if !restricted {
		return to, nil
	}
	_, err := k.cargo.ActiveParty(ctx, to.String())
	switch {
	case err == nil:
		return to, nil
	case errorsmod.IsOf(err, cargotypes.ErrHeld, cargotypes.ErrPartyInactive):
		// A registered party, held or deactivated (err says which).
		if k.zoneOwes(ctx, from) {
			return to, nil
		}
		return nil, errorsmod.Wrapf(types.ErrRecipientNotParty, "%v; a held or deactivated party receives deposit tokens only as money "+
			"the zone owes it (an LC's settlement, an escrow's refund, an ICS-20 refund of what it sent), not as a payment from %s", err, from)
	case !errorsmod.IsOf(err, cargotypes.ErrPartyNotFound):
		return nil, err
	}
	if k.isModuleAccount(ctx, to) {
		return to, nil
	}
	if k.ibc.IsTransferEscrow != nil {
		if escrow, err := k.ibc.IsTransferEscrow(ctx, to); escrow {
			if err != nil {
				return nil, errorsmod.Wrap(err, "deposit tokens leave the zone only over transfer channels to the corridor's zones")
			}
			return to, nil
		}
	}
	return nil, errorsmod.Wrapf(types.ErrRecipientNotParty, "%s is not a registered active party of this zone", to)
}

// zoneOwes reports whether a send from `from` is the zone paying a party
// what it owes it: ICS-20 refunding what the party sent, or a payout of any
// other module account. ICS-20's accounts (the transfer module, the
// channels' escrows) otherwise deliver received packets: payments from the
// other zone's accounts, which the zone does not owe.
func (k Keeper) zoneOwes(ctx context.Context, from sdk.AccAddress) bool {
	if k.ibc.ICS20Payer != nil {
		if ics20, refund := k.ibc.ICS20Payer(ctx, from); ics20 {
			return refund
		}
	}
	return k.isModuleAccount(ctx, from)
}

func (k Keeper) isModuleAccount(ctx context.Context, addr sdk.AccAddress) bool {
	_, ok := k.accounts.GetAccount(ctx, addr).(sdk.ModuleAccountI)
	return ok
}

// isDeposit reports whether denom is a deposit token or the ICS-20 voucher of
// one (a deposit token that arrived from the other zone).
func (k Keeper) isDeposit(ctx context.Context, denom string) bool {
	if types.IsDepositDenom(denom) {
		return true
	}
	if strings.HasPrefix(denom, "ibc/") && k.ibc.BaseDenom != nil {
		base, ok := k.ibc.BaseDenom(ctx, denom)
		return ok && types.IsDepositDenom(base)
	}
	return false
}

// ownDeposit checks that signer is an active BANK and that denom is its own
// deposit token.
func (k Keeper) ownDeposit(ctx context.Context, signer, denom string) (cargotypes.Party, error) {
	p, err := k.cargo.ActivePartyWithRole(ctx, signer, cargotypes.ROLE_BANK)
	if err != nil {
		return p, err
	}
	code, _, err := types.ParseDepositDenom(denom)
	if err != nil {
		return p, err
	}
	if code != p.Code {
		return p, errorsmod.Wrapf(types.ErrUnauthorized, "%s is the deposit token of bank %s; %s may issue only td-%s-<ccy>",
			denom, code, p.Code, strings.ToLower(p.Code))
	}
	return p, nil
}

func (s msgServer) MintDeposit(ctx context.Context, m *types.MsgMintDeposit) (*types.MsgMintDepositResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	p, err := s.ownDeposit(ctx, m.Bank, m.Amount.Denom)
	if err != nil {
		return nil, err
	}
	if !s.bank.HasDenomMetaData(ctx, m.Amount.Denom) {
		_, ccy, _ := types.ParseDepositDenom(m.Amount.Denom)
		s.bank.SetDenomMetaData(ctx, banktypes.Metadata{
			Description: "Tokenized deposit of " + p.Name + " in " + ccy + ", 1:1 backed by a deposit at the bank",
			DenomUnits:  []*banktypes.DenomUnit{{Denom: m.Amount.Denom, Exponent: 0}, {Denom: strings.ToUpper(m.Amount.Denom), Exponent: 2}},
			Base:        m.Amount.Denom,
			Display:     strings.ToUpper(m.Amount.Denom),
			Name:        p.Code + " " + ccy + " deposit token",
			Symbol:      p.Code + "-" + ccy,
		})
	}
	coins := sdk.NewCoins(m.Amount)
	if err := s.bank.MintCoins(ctx, types.ModuleName, coins); err != nil {
		return nil, err
	}
	if err := s.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, mustAcc(m.Bank), coins); err != nil {
		return nil, err
	}
	return &types.MsgMintDepositResponse{}, emit(ctx, &types.EventDepositMinted{Bank: m.Bank, Amount: m.Amount.String()})
}

func (s msgServer) BurnDeposit(ctx context.Context, m *types.MsgBurnDeposit) (*types.MsgBurnDepositResponse, error) {
	if err := m.ValidateBasic(); err != nil {
		return nil, err
	}
	if _, err := s.ownDeposit(ctx, m.Bank, m.Amount.Denom); err != nil {
		return nil, err
	}
	coins := sdk.NewCoins(m.Amount)
	if err := s.pull(ctx, m.Bank, m.Amount); err != nil {
		return nil, err
	}
	if err := s.bank.BurnCoins(ctx, types.ModuleName, coins); err != nil {
		return nil, err
	}
	return &types.MsgBurnDepositResponse{}, emit(ctx, &types.EventDepositBurned{Bank: m.Bank, Amount: m.Amount.String()})
}

// pull moves amt from addr into the module account, with a clear error when
// the balance is short.
func (k Keeper) pull(ctx context.Context, addr string, amt sdk.Coin) error {
	if have := k.bank.GetBalance(ctx, mustAcc(addr), amt.Denom); have.IsLT(amt) {
		return errorsmod.Wrapf(types.ErrInsufficientFunds, "%s holds %s, needs %s", addr, have, amt)
	}
	return k.bank.SendCoinsFromAccountToModule(ctx, mustAcc(addr), types.ModuleName, sdk.NewCoins(amt))
}

// pay moves amt from one account to another, with a clear error when short.
func (k Keeper) pay(ctx context.Context, from, to string, amt sdk.Coin) error {
	if have := k.bank.GetBalance(ctx, mustAcc(from), amt.Denom); have.IsLT(amt) {
		return errorsmod.Wrapf(types.ErrInsufficientFunds, "%s holds %s, needs %s", from, have, amt)
	}
	return k.bank.SendCoins(ctx, mustAcc(from), mustAcc(to), sdk.NewCoins(amt))
}
