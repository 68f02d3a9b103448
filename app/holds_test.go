package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/x/feegrant"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsign "github.com/cosmos/cosmos-sdk/x/auth/signing"
	"github.com/cosmos/cosmos-sdk/x/authz"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/tradechain/tradechain/app"
	"github.com/tradechain/tradechain/testutil"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	tftypes "github.com/tradechain/tradechain/x/tradefinance/types"
)

// holdParty places (or lifts) a regulator's hold on party i; Customs is the
// fixture's REGULATOR.
func holdParty(t *testing.T, c *testutil.Chain, i int, place bool) {
	t.Helper()
	regulator, subject := c.Accounts[ct.Customs], c.Accounts[i].String()
	if place {
		c.MustDeliver(regulator, &cargotypes.MsgPlaceHold{Regulator: regulator.String(), SubjectKind: cargotypes.HOLD_SUBJECT_PARTY,
			Subject: subject, Reason: "sanctions screening hit"})
		return
	}
	c.MustDeliver(regulator, &cargotypes.MsgLiftHold{Regulator: regulator.String(), SubjectKind: cargotypes.HOLD_SUBJECT_PARTY,
		Subject: subject, Reason: "cleared"})
}

// refusedEverywhere sends tx through CheckTx and in a block: both refuse it
// with want, and no balance moves. It returns the block's log.
func refusedEverywhere(t *testing.T, c *testutil.Chain, signer *testutil.Account, tx []byte, want uint32, codespace string) string {
	t.Helper()
	check, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, want, check.Code, check.Log)
	require.Equal(t, codespace, check.Codespace)
	before := c.App.BankKeeper.GetAccountsBalances(c.Context())
	res := c.DeliverBlock(tx).TxResults[0]
	require.Equal(t, want, res.Code, res.Log)
	require.Equal(t, codespace, res.Codespace)
	require.Equal(t, before, c.App.BankKeeper.GetAccountsBalances(c.Context()), "a refused transaction moved funds")
	signer.Sequence = c.App.AccountKeeper.GetAccount(c.Context(), signer.Address).GetSequence()
	return res.Log
}

// A party's authz grants made before a regulator's hold stop with the hold:
// the grantee's MsgExec of a bank send from the held party — under a
// GenericAuthorization or a SendAuthorization, directly or nested in another
// MsgExec, in utrade or in deposit tokens — is refused at CheckTx and in the
// block (tradechain/3, saying the party is held) and moves nothing. Where a
// module executes the messages itself (authz's dispatch, as an ICA host
// would) the router refuses them, and a bank send from the held party
// is refused by the send restriction (cargo/36) whoever starts it. Sends to
// the held party still arrive; lifting the hold restores the grants.
func TestHoldStopsAuthzGrants(t *testing.T) {
	c := ct.NewChain(t)
	exporter, importer, terminal, bank := c.Accounts[ct.Exporter], c.Accounts[ct.Importer], c.Accounts[ct.Terminal], c.Accounts[ct.Bank]
	const td = "td-hkbk-hkd"
	c.MustDeliver(bank, &tftypes.MsgMintDeposit{Bank: bank.String(), Amount: sdk.NewInt64Coin(td, 1_000)})
	c.MustDeliver(bank, banktypes.NewMsgSend(bank.Address, exporter.Address, sdk.NewCoins(sdk.NewInt64Coin(td, 1_000))))

	exp := c.Time.Add(24 * time.Hour)
	grant := func(granter, grantee *testutil.Account, a authz.Authorization) {
		g, err := authz.NewMsgGrant(granter.Address, grantee.Address, a, &exp)
		require.NoError(t, err)
		c.MustDeliver(granter, g)
	}
	sendURL := sdk.MsgTypeURL(&banktypes.MsgSend{})
	grant(exporter, importer, authz.NewGenericAuthorization(sendURL))
	grant(exporter, bank, banktypes.NewSendAuthorization(sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1_000_000), sdk.NewInt64Coin(td, 1_000)), nil))
	grant(importer, terminal, authz.NewGenericAuthorization(sdk.MsgTypeURL(&authz.MsgExec{})))

	drain := func(to *testutil.Account, coins sdk.Coins) sdk.Msg {
		return banktypes.NewMsgSend(exporter.Address, to.Address, coins)
	}
	utrade := sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 100))
	deposit := sdk.NewCoins(sdk.NewInt64Coin(td, 100))
	exec := func(grantee *testutil.Account, msgs ...sdk.Msg) *authz.MsgExec {
		m := authz.NewMsgExec(grantee.Address, msgs)
		return &m
	}
	// Before the hold the grants work, nested too.
	c.MustDeliver(importer, exec(importer, drain(importer, utrade)))
	c.MustDeliver(bank, exec(bank, drain(bank, deposit)))
	c.MustDeliver(terminal, exec(terminal, exec(importer, drain(importer, utrade))))

	holdParty(t, c, ct.Exporter, true)
	held := c.App.BankKeeper.GetAllBalances(c.Context(), exporter.Address)
	notAdmitted := app.ErrNotAdmitted.ABCICode()
	for _, tc := range []struct {
		name    string
		grantee *testutil.Account
		msg     sdk.Msg
	}{
		{"generic authorization, utrade", importer, exec(importer, drain(importer, utrade))},
		{"send authorization, deposit tokens", bank, exec(bank, drain(bank, deposit))},
		{"send authorization, utrade", bank, exec(bank, drain(bank, utrade))},
		{"nested MsgExec", terminal, exec(terminal, exec(importer, drain(importer, utrade)))},
		{"nested three deep, behind an admitted message", terminal, exec(terminal, exec(importer,
			banktypes.NewMsgSend(importer.Address, terminal.Address, utrade), exec(importer, drain(importer, deposit))))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := refusedEverywhere(t, c, tc.grantee, c.SignTx(tc.grantee, tc.msg), notAdmitted, app.Codespace)
			require.Contains(t, log, cargotypes.ErrHeld.Error())
			require.Contains(t, log, "sanctions screening hit")
		})
	}
	require.Equal(t, held, c.App.BankKeeper.GetAllBalances(c.Context(), exporter.Address), "the held party's funds moved")

	// Below the ante handler: authz's own dispatch refuses the held
	// granter's message (the path an ICA host's messages would take), and
	// the bank refuses any send from the held party.
	ctx, _ := c.Context().CacheContext()
	_, err := c.App.AuthzKeeper.Exec(ctx, exec(importer, drain(importer, utrade)))
	testutil.RequireCode(t, err, app.ErrNotAdmitted)
	require.ErrorContains(t, err, "sanctions screening hit")
	for _, coins := range []sdk.Coins{utrade, deposit} {
		err = c.App.BankKeeper.SendCoins(ctx, exporter.Address, importer.Address, coins)
		testutil.RequireCode(t, err, cargotypes.ErrHeld)
		require.ErrorContains(t, err, "cannot move")
		err = c.App.BankKeeper.SendCoinsFromAccountToModule(ctx, exporter.Address, tftypes.ModuleName, coins)
		testutil.RequireCode(t, err, cargotypes.ErrHeld)
	}

	// Money still reaches the held party (it stays there, frozen).
	c.MustDeliver(importer, banktypes.NewMsgSend(importer.Address, exporter.Address, utrade))
	require.Equal(t, held.Add(utrade...), c.App.BankKeeper.GetAllBalances(c.Context(), exporter.Address))

	// Lifted, the grants work again.
	holdParty(t, c, ct.Exporter, false)
	c.MustDeliver(importer, exec(importer, drain(importer, utrade)))
	c.MustDeliver(terminal, exec(terminal, exec(importer, drain(importer, utrade))))
	c.MustDeliver(bank, exec(bank, drain(bank, deposit)))

	// MsgExec nested deeper than the zone reads is refused (tradechain/6).
	var deep sdk.Msg = banktypes.NewMsgSend(importer.Address, terminal.Address, utrade)
	for i := 0; i < 6; i++ {
		deep = exec(importer, deep)
	}
	refusedEverywhere(t, c, importer, c.SignTx(importer, deep), app.ErrExecDepth.ABCICode(), app.Codespace)
}

// signWithGranter signs msgs as signer, paying fee from granter's fee allowance.
func signWithGranter(t *testing.T, c *testutil.Chain, signer *testutil.Account, granter sdk.AccAddress, fee sdk.Coins, msgs ...sdk.Msg) []byte {
	t.Helper()
	cfg := c.App.TxConfig()
	b := cfg.NewTxBuilder()
	require.NoError(t, b.SetMsgs(msgs...))
	b.SetFeeAmount(fee)
	b.SetFeeGranter(granter)
	b.SetGasLimit(500_000)
	sig := signing.SignatureV2{PubKey: signer.PrivKey.PubKey(), Data: &signing.SingleSignatureData{SignMode: signing.SignMode_SIGN_MODE_DIRECT}, Sequence: signer.Sequence}
	require.NoError(t, b.SetSignatures(sig))
	bytes, err := authsign.GetSignBytesAdapter(context.Background(), cfg.SignModeHandler(), signing.SignMode_SIGN_MODE_DIRECT, authsign.SignerData{
		Address: signer.String(), ChainID: c.ChainID, AccountNumber: signer.Number, Sequence: signer.Sequence, PubKey: signer.PrivKey.PubKey(),
	}, b.GetTx())
	require.NoError(t, err)
	sig.Data.(*signing.SingleSignatureData).Signature, err = signer.PrivKey.Sign(bytes)
	require.NoError(t, err)
	require.NoError(t, b.SetSignatures(sig))
	bz, err := cfg.TxEncoder()(b.GetTx())
	require.NoError(t, err)
	signer.Sequence++
	return bz
}

// A fee allowance granted before a regulator's hold pays no fees once its
// granter is held (or deactivated): the grantee's transaction that names the
// held granter is refused at CheckTx and in the block with tradechain/5,
// saying why, before the allowance or any fee moves. Lifted, it pays again.
func TestHoldStopsFeegrant(t *testing.T) {
	c := ct.NewChain(t)
	exporter, importer := c.Accounts[ct.Exporter], c.Accounts[ct.Importer]
	limit := sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 10_000))
	allowance := &feegrant.BasicAllowance{SpendLimit: limit}
	grant, err := feegrant.NewMsgGrantAllowance(allowance, exporter.Address, importer.Address)
	require.NoError(t, err)
	c.MustDeliver(exporter, grant)

	fee := sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1_000))
	anchor := func(n byte) sdk.Msg {
		return &cargotypes.MsgAnchorDocument{Owner: importer.String(), Hash: fmt.Sprintf("%064x", 0xfee0+int(n)), DocType: "OTHER"}
	}
	paid := func() sdk.Coins {
		a, err := c.App.FeeGrantKeeper.GetAllowance(c.Context(), exporter.Address, importer.Address)
		require.NoError(t, err)
		return limit.Sub(a.(*feegrant.BasicAllowance).SpendLimit...)
	}
	// Before the hold, the exporter's allowance pays the importer's fee.
	before := c.Balance(exporter.Address, app.BondDenom)
	res := c.DeliverBlock(signWithGranter(t, c, importer, exporter.Address, fee, anchor(1))).TxResults[0]
	require.Zero(t, res.Code, res.Log)
	require.Equal(t, before.Sub(fee[0].Amount), c.Balance(exporter.Address, app.BondDenom))
	require.Equal(t, fee, paid())

	holdParty(t, c, ct.Exporter, true)
	log := refusedEverywhere(t, c, importer, signWithGranter(t, c, importer, exporter.Address, fee, anchor(2)),
		app.ErrFeeGranterNotAdmitted.ABCICode(), app.Codespace)
	require.Contains(t, log, cargotypes.ErrHeld.Error())
	require.Contains(t, log, "pay the fee yourself")
	require.Equal(t, fee, paid(), "the held granter's allowance was used")
	// A zero fee touches no funds, and is refused the same way.
	refusedEverywhere(t, c, importer, signWithGranter(t, c, importer, exporter.Address, sdk.NewCoins(), anchor(3)),
		app.ErrFeeGranterNotAdmitted.ABCICode(), app.Codespace)
	// Paying its own fee, the grantee is not held up.
	c.MustDeliver(importer, anchor(4))

	holdParty(t, c, ct.Exporter, false)
	res = c.DeliverBlock(signWithGranter(t, c, importer, exporter.Address, fee, anchor(5))).TxResults[0]
	require.Zero(t, res.Code, res.Log)
	require.Equal(t, fee.Add(fee...), paid())

	// A deactivated granter's allowance is not used either.
	admin := c.Accounts[ct.Admin]
	p, err := c.App.CargoKeeper.GetParty(c.Context(), exporter.String())
	require.NoError(t, err)
	p.Active = false
	c.MustDeliver(admin, &cargotypes.MsgUpdateParty{Authority: admin.String(), Party: p})
	log = refusedEverywhere(t, c, importer, signWithGranter(t, c, importer, exporter.Address, fee, anchor(6)),
		app.ErrFeeGranterNotAdmitted.ABCICode(), app.Codespace)
	require.Contains(t, log, "deactivated")
}
