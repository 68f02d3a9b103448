package app_test

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/tradechain/tradechain/app"
	"github.com/tradechain/tradechain/testutil"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	tftypes "github.com/tradechain/tradechain/x/tradefinance/types"
)

// TestBadInputMatrix sends every class of bad input named for x/cargo and
// x/tradefinance, and malformed transactions, as real signed transactions
// through CheckTx and FinalizeBlock. For each: the result carries the
// registered error (code and codespace) and a message, the state of both
// modules and every balance is unchanged, and the next block carries a good
// transaction.
func TestBadInputMatrix(t *testing.T) {
	c := ct.NewChain(t)
	acc := func(i int) *testutil.Account { return c.Accounts[i] }
	addr := func(i int) string { return c.Accounts[i].String() }
	hash := func(n int) string { return fmt.Sprintf("%064x", 0xb00000+n) }
	const hkd = "td-hkbk-hkd"
	td := func(n int64) sdk.Coin { return sdk.NewInt64Coin(hkd, n) }
	issue := func(ref string, n int, mutate func(*cargotypes.MsgIssueBill)) *cargotypes.MsgIssueBill {
		m := &cargotypes.MsgIssueBill{Carrier: addr(ct.Carrier), TransportDocumentReference: ref, Type: cargotypes.BILL_TYPE_BOL,
			Mode: cargotypes.BILL_MODE_TO_ORDER, IssueTo: addr(ct.Exporter), DocumentHash: hash(n), PortOfLoading: "CNSHA",
			PortOfDischarge: "HKHKG", IssueDate: "2026-05-03", ShippedOnBoardDate: "2026-05-03"}
		if mutate != nil {
			mutate(m)
		}
		return m
	}
	straight := func(m *cargotypes.MsgIssueBill) {
		m.Mode, m.Consignee = cargotypes.BILL_MODE_STRAIGHT, addr(ct.Importer)
	}

	// The state the bad inputs act on, built by signed transactions.
	c.MustDeliver(acc(ct.Carrier), issue("ORDER1", 1, nil), issue("STRAIGHT1", 2, straight),
		issue("SWB1", 3, func(m *cargotypes.MsgIssueBill) { straight(m); m.Type = cargotypes.BILL_TYPE_SWB }),
		issue("LIENED1", 4, straight), issue("NINGBO1", 5, func(m *cargotypes.MsgIssueBill) { m.PortOfLoading = "CNNGB" }))
	c.MustDeliver(acc(ct.Exporter), &cargotypes.MsgAnchorDocument{Owner: addr(ct.Exporter), Hash: hash(100), DocType: "COMMERCIAL_INVOICE"})
	c.MustDeliver(acc(ct.Exporter), &cargotypes.MsgAnchorDocument{Owner: addr(ct.Exporter), Hash: hash(101), DocType: "COMMERCIAL_INVOICE"})
	c.MustDeliver(acc(ct.Bank), &tftypes.MsgMintDeposit{Bank: addr(ct.Bank), Amount: td(10_000_000)})
	c.MustDeliver(acc(ct.Bank), &tftypes.MsgIssueLC{IssuingBank: addr(ct.Bank), Applicant: addr(ct.Importer), Beneficiary: addr(ct.Exporter),
		Amount: td(1_000_000), Expiry: "2026-06-30", LatestShipmentDate: "2026-05-10", PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG",
		DeliverBillTo: tftypes.DELIVER_BILL_TO_APPLICANT})
	invoice := &tftypes.MsgRegisterInvoice{Seller: addr(ct.Exporter), Buyer: addr(ct.Importer), Number: "INV-1", Amount: td(800_000),
		DueDate: "2026-08-01", DocumentHash: hash(100), BillId: "COS-LIENED1"}
	c.MustDeliver(acc(ct.Exporter), invoice)
	c.MustDeliver(acc(ct.Bank), &tftypes.MsgOfferFinancing{Bank: addr(ct.Bank), InvoiceId: 1, Advance: td(500_000), Repayment: td(520_000), Maturity: "2026-07-01"})
	c.MustDeliver(acc(ct.Exporter), &tftypes.MsgAcceptFinancing{Seller: addr(ct.Exporter), FinancingId: 1})

	type msgCase struct {
		name   string
		signer int
		msg    sdk.Msg
		want   *errorsmod.Error
	}
	past := c.Time.Add(-24 * time.Hour)
	cases := []msgCase{
		// x/cargo
		{"malformed address", ct.Carrier, &cargotypes.MsgTransferBill{Holder: addr(ct.Exporter), BillId: "COS-ORDER1", To: "trade1notanaddress"}, cargotypes.ErrInvalidAddress},
		{"unregistered signer", ct.Stranger, issue("X1", 10, func(m *cargotypes.MsgIssueBill) { m.Carrier = addr(ct.Stranger) }), app.ErrNotAdmitted},
		{"non-party bank send at zero fees", ct.Stranger, banktypes.NewMsgSend(acc(ct.Stranger).Address, acc(ct.Exporter).Address, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 5))), app.ErrNotAdmitted},
		{"deactivated party signs", ct.Retired, &cargotypes.MsgAnchorDocument{Owner: addr(ct.Retired), Hash: hash(900), DocType: "OTHER"}, app.ErrNotAdmitted},
		{"wrong role: a bank issues a bill", ct.Bank, issue("X2", 11, func(m *cargotypes.MsgIssueBill) { m.Carrier = addr(ct.Bank) }), cargotypes.ErrWrongRole},
		{"deactivated party", ct.Carrier, issue("X3", 12, func(m *cargotypes.MsgIssueBill) { m.IssueTo = addr(ct.Retired) }), cargotypes.ErrPartyInactive},
		{"unregistered receiver", ct.Carrier, issue("X4", 13, func(m *cargotypes.MsgIssueBill) { m.IssueTo = addr(ct.Stranger) }), cargotypes.ErrPartyNotFound},
		{"non-holder endorses", ct.Importer, &cargotypes.MsgEndorseBill{Holder: addr(ct.Importer), BillId: "COS-ORDER1", Endorsee: addr(ct.Bank)}, cargotypes.ErrNotHolder},
		{"wrong state: accept a surrender never requested", ct.Carrier, &cargotypes.MsgAcceptSurrender{Carrier: addr(ct.Carrier), BillId: "COS-ORDER1"}, cargotypes.ErrWrongStatus},
		{"sea waybill transferred", ct.Exporter, &cargotypes.MsgTransferBill{Holder: addr(ct.Exporter), BillId: "COS-SWB1", To: addr(ct.Importer)}, cargotypes.ErrNotTransferable},
		{"straight bill to a non-consignee", ct.Exporter, &cargotypes.MsgTransferBill{Holder: addr(ct.Exporter), BillId: "COS-STRAIGHT1", To: addr(ct.Bank)}, cargotypes.ErrNotTransferable},
		{"liened bill moved", ct.Exporter, &cargotypes.MsgTransferBill{Holder: addr(ct.Exporter), BillId: "COS-LIENED1", To: addr(ct.Importer)}, cargotypes.ErrLiened},
		{"unknown bill", ct.Exporter, &cargotypes.MsgTransferBill{Holder: addr(ct.Exporter), BillId: "COS-NOPE", To: addr(ct.Importer)}, cargotypes.ErrBillNotFound},
		{"empty reference", ct.Carrier, issue("", 14, nil), cargotypes.ErrInvalidField},
		{"over-long reference", ct.Carrier, issue(strings.Repeat("R", 21), 15, nil), cargotypes.ErrInvalidField},
		{"over-long consent purpose", ct.Exporter, &cargotypes.MsgGrantConsent{Granter: addr(ct.Exporter), Grantee: addr(ct.Bank), Scope: "*",
			Purpose: strings.Repeat("p", 5000), ExpiresAt: c.Time.Add(time.Hour)}, cargotypes.ErrInvalidField},
		{"malformed hash", ct.Exporter, &cargotypes.MsgAnchorDocument{Owner: addr(ct.Exporter), Hash: "not-a-hash", DocType: "PACKING_LIST"}, cargotypes.ErrInvalidHash},
		{"duplicate bill id", ct.Carrier, issue("ORDER1", 16, nil), cargotypes.ErrBillExists},
		{"document anchored twice by one party", ct.Exporter, &cargotypes.MsgAnchorDocument{Owner: addr(ct.Exporter), Hash: hash(100), DocType: "PACKING_LIST"}, cargotypes.ErrDocumentExists},
		{"a party anchors a transport document", ct.Importer, &cargotypes.MsgAnchorDocument{Owner: addr(ct.Importer), Hash: hash(900), DocType: "TRANSPORT_DOCUMENT"}, cargotypes.ErrTransportDocument},
		{"withdrawal of another party's anchor", ct.Importer, &cargotypes.MsgWithdrawAnchor{Anchorer: addr(ct.Importer), Hash: hash(101), Reason: "not mine"}, cargotypes.ErrUnauthorized},
		{"withdrawal of an anchor an invoice relies on", ct.Exporter, &cargotypes.MsgWithdrawAnchor{Anchorer: addr(ct.Exporter), Hash: hash(100), Reason: "error"}, cargotypes.ErrAnchorInUse},
		{"withdrawal without a reason", ct.Exporter, &cargotypes.MsgWithdrawAnchor{Anchorer: addr(ct.Exporter), Hash: hash(101)}, cargotypes.ErrInvalidField},
		{"dates out of order", ct.Carrier, issue("X5", 17, func(m *cargotypes.MsgIssueBill) { m.ShippedOnBoardDate = "2026-05-04" }), cargotypes.ErrInvalidDate},
		{"invalid UN/LOCODE", ct.Carrier, &cargotypes.MsgRecordMilestone{Recorder: addr(ct.Carrier), BillId: "COS-ORDER1", EventCode: "LOAD", Classifier: "ACT",
			Location: "Shanghai", EventTime: c.Time}, cargotypes.ErrInvalidLocode},
		{"unknown event code", ct.Carrier, &cargotypes.MsgRecordMilestone{Recorder: addr(ct.Carrier), BillId: "COS-ORDER1", EventCode: "FLY", Classifier: "ACT",
			Location: "CNSHA", EventTime: c.Time}, cargotypes.ErrUnknownEventCode},
		{"consent expiring in the past", ct.Exporter, &cargotypes.MsgGrantConsent{Granter: addr(ct.Exporter), Grantee: addr(ct.Bank), Scope: "*",
			Purpose: "due diligence", ExpiresAt: past}, cargotypes.ErrConsentExpired},
		{"roster change by a non-admin", ct.Exporter, &cargotypes.MsgRegisterParty{Authority: addr(ct.Exporter), Party: cargotypes.Party{
			Address: addr(ct.Stranger), Code: "NEWCO", Name: "New Co", Jurisdiction: "HK", Roles: []cargotypes.Role{cargotypes.ROLE_TRADER}, Active: true}}, cargotypes.ErrUnauthorized},
		{"LEI with wrong check digits", ct.Admin, &cargotypes.MsgRegisterParty{Authority: addr(ct.Admin), Party: cargotypes.Party{
			Address: addr(ct.Stranger), Code: "NEWCO", Name: "New Co", Lei: "529900COSCOSHIPLN008", Jurisdiction: "HK",
			Roles: []cargotypes.Role{cargotypes.ROLE_TRADER}, Active: true}}, cargotypes.ErrInvalidField},
		// the corridor registry
		{"registry channel set by a non-admin", ct.Exporter, &cargotypes.MsgSetRegistryChannel{Authority: addr(ct.Exporter), Channel: "channel-2"}, cargotypes.ErrUnauthorized},
		{"registry channel that does not exist", ct.Admin, &cargotypes.MsgSetRegistryChannel{Authority: addr(ct.Admin), Channel: "channel-9"}, cargotypes.ErrRegistryChannel},
		{"malformed registry channel id", ct.Admin, &cargotypes.MsgSetRegistryChannel{Authority: addr(ct.Admin), Channel: "registry"}, cargotypes.ErrInvalidField},
		{"retry of an unknown reservation", ct.Carrier, &cargotypes.MsgRetryReservation{Signer: addr(ct.Carrier),
			Kind: cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, Key: hash(777)}, cargotypes.ErrKeyNotFound},
		{"retry of a key already held", ct.Carrier, &cargotypes.MsgRetryReservation{Signer: addr(ct.Carrier),
			Kind: cargotypes.KEY_KIND_TRANSPORT_DOCUMENT, Key: hash(1)}, cargotypes.ErrReservationState},
		{"retry of an unknown key kind", ct.Carrier, &cargotypes.MsgRetryReservation{Signer: addr(ct.Carrier), Key: hash(1)}, cargotypes.ErrInvalidReservation},
		// regulator holds
		{"hold by a non-regulator", ct.Exporter, &cargotypes.MsgPlaceHold{Regulator: addr(ct.Exporter), SubjectKind: cargotypes.HOLD_SUBJECT_BILL,
			Subject: "COS-ORDER1", Reason: "competitor"}, cargotypes.ErrWrongRole},
		{"hold without a reason", ct.Customs, &cargotypes.MsgPlaceHold{Regulator: addr(ct.Customs), SubjectKind: cargotypes.HOLD_SUBJECT_BILL,
			Subject: "COS-ORDER1"}, cargotypes.ErrInvalidField},
		{"hold on an unknown kind of subject", ct.Customs, &cargotypes.MsgPlaceHold{Regulator: addr(ct.Customs), Subject: "COS-ORDER1", Reason: "x"}, cargotypes.ErrInvalidField},
		// reject and remarks
		{"rejection with no transfer to reject", ct.Exporter, &cargotypes.MsgRejectTransfer{Holder: addr(ct.Exporter), BillId: "COS-ORDER1"}, cargotypes.ErrNoOffer},
		{"endorsement rejection by a non-holder", ct.Importer, &cargotypes.MsgRejectEndorsement{Holder: addr(ct.Importer), BillId: "COS-ORDER1"}, cargotypes.ErrNotHolder},
		{"remark over 120 bytes", ct.Exporter, &cargotypes.MsgBlankEndorseBill{Holder: addr(ct.Exporter), BillId: "COS-ORDER1",
			Remark: strings.Repeat("r", 121)}, cargotypes.ErrInvalidField},
		{"remark with a control character", ct.Carrier, &cargotypes.MsgVoidBill{Carrier: addr(ct.Carrier), BillId: "COS-ORDER1", Reason: "SWTP",
			Remark: "tab\there"}, cargotypes.ErrInvalidField},
		// split and combine (COS-ORDER1 is ISSUED, not surrendered)
		{"split of a bill not surrendered for amendment", ct.Carrier, &cargotypes.MsgSplitBill{Carrier: addr(ct.Carrier), BillId: "COS-ORDER1",
			Replacements: []cargotypes.BillReplacement{{TransportDocumentReference: "P1", DocumentHash: hash(31)}, {TransportDocumentReference: "P2", DocumentHash: hash(32)}}}, cargotypes.ErrWrongStatus},
		{"split into one bill", ct.Carrier, &cargotypes.MsgSplitBill{Carrier: addr(ct.Carrier), BillId: "COS-ORDER1",
			Replacements: []cargotypes.BillReplacement{{TransportDocumentReference: "P1", DocumentHash: hash(31)}}}, cargotypes.ErrInvalidField},
		{"split by a trader", ct.Exporter, &cargotypes.MsgSplitBill{Carrier: addr(ct.Exporter), BillId: "COS-ORDER1",
			Replacements: []cargotypes.BillReplacement{{TransportDocumentReference: "P1", DocumentHash: hash(31)}, {TransportDocumentReference: "P2", DocumentHash: hash(32)}}}, cargotypes.ErrWrongRole},
		{"combination of one bill", ct.Carrier, &cargotypes.MsgCombineBills{Carrier: addr(ct.Carrier), BillIds: []string{"COS-ORDER1"},
			Replacement: cargotypes.BillReplacement{TransportDocumentReference: "J1", DocumentHash: hash(33)}}, cargotypes.ErrInvalidField},
		{"combination with a bad reference", ct.Carrier, &cargotypes.MsgCombineBills{Carrier: addr(ct.Carrier), BillIds: []string{"COS-ORDER1", "COS-X"},
			Replacement: cargotypes.BillReplacement{TransportDocumentReference: "has space", DocumentHash: hash(33)}}, cargotypes.ErrInvalidField},
		{"void with free text for the reason code", ct.Carrier, &cargotypes.MsgVoidBill{Carrier: addr(ct.Carrier), BillId: "COS-ORDER1", Reason: "switched to paper"}, cargotypes.ErrInvalidField},
		// DCSA PINT (issue 37)
		{"envelope landed by a non-platform party", ct.Exporter, &cargotypes.MsgImportBill{Platform: addr(ct.Exporter), SendingPlatform: "WAVE",
			TransportDocument: []byte(`{}`), EnvelopeManifest: "a.b.c", TransferChain: []string{"a.b.c"}, Recipient: addr(ct.Importer)}, cargotypes.ErrWrongRole},
		{"envelope without a transfer chain", ct.Exporter, &cargotypes.MsgImportBill{Platform: addr(ct.Exporter), SendingPlatform: "WAVE",
			TransportDocument: []byte(`{}`), EnvelopeManifest: "a.b.c", Recipient: addr(ct.Importer)}, cargotypes.ErrPintEnvelope},
		{"export to an untrusted platform", ct.Exporter, &cargotypes.MsgExportBill{Holder: addr(ct.Exporter), BillId: "COS-ORDER1", Platform: "BOLE",
			RecipientName: "Globeteam", RecipientCodes: []cargotypes.IdentifyingCode{{CodeListProvider: "BOLE", PartyCode: "g1"}}}, cargotypes.ErrPlatformNotTrusted},
		{"export with a platform code too long", ct.Exporter, &cargotypes.MsgExportBill{Holder: addr(ct.Exporter), BillId: "COS-ORDER1", Platform: "BOLERO",
			RecipientName: "Globeteam", RecipientCodes: []cargotypes.IdentifyingCode{{CodeListProvider: "BOLE", PartyCode: "g1"}}}, cargotypes.ErrPintPlatformCode},
		{"conclusion of an export never made", ct.Exporter, &cargotypes.MsgConcludeExport{Platform: addr(ct.Exporter), BillId: "COS-ORDER1",
			SignedResponse: "a.b.c", LastEntryChecksum: hash(40)}, cargotypes.ErrWrongRole},
		{"export withdrawn by a party", ct.Exporter, &cargotypes.MsgWithdrawExport{Authority: addr(ct.Exporter), BillId: "COS-ORDER1",
			Reason: "no answer"}, cargotypes.ErrUnauthorized},
		{"withdrawal of an export never made", ct.Admin, &cargotypes.MsgWithdrawExport{Authority: addr(ct.Admin), BillId: "COS-ORDER1",
			Reason: "no answer"}, cargotypes.ErrExportWithdrawal},
		{"export withdrawn without a reason", ct.Admin, &cargotypes.MsgWithdrawExport{Authority: addr(ct.Admin), BillId: "COS-ORDER1"}, cargotypes.ErrInvalidField},
		{"platform trusted with a shared secret", ct.Admin, &cargotypes.MsgSetEblPlatform{Authority: addr(ct.Admin), Platform: cargotypes.EblPlatform{
			Code: "WAVE", Name: "Wave", Jwks: `{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`}}, cargotypes.ErrInvalidJWKS},
		{"platform trusted by a party", ct.Exporter, &cargotypes.MsgSetEblPlatform{Authority: addr(ct.Exporter), Platform: cargotypes.EblPlatform{
			Code: "WAVE", Name: "Wave", Jwks: `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`}}, cargotypes.ErrUnauthorized},
		// the validator set
		{"validator set change by a party", ct.Exporter, &cargotypes.MsgSetValidatorPower{Authority: addr(ct.Exporter),
			ValidatorAddress: sdk.ValAddress(acc(ct.Exporter).Address).String(), Power: 1}, cargotypes.ErrUnauthorized},
		{"new validator without a consensus key", ct.Admin, &cargotypes.MsgSetValidatorPower{Authority: addr(ct.Admin),
			ValidatorAddress: sdk.ValAddress(acc(ct.Stranger).Address).String(), Power: 1, Moniker: "x"}, cargotypes.ErrValidatorSet},
		{"consensus key not base64", ct.Admin, &cargotypes.MsgSetValidatorPower{Authority: addr(ct.Admin),
			ValidatorAddress: sdk.ValAddress(acc(ct.Stranger).Address).String(), Power: 1, Moniker: "x", ConsensusPubkey: "%%%"}, cargotypes.ErrValidatorSet},
		{"validator given as an account address", ct.Admin, &cargotypes.MsgSetValidatorPower{Authority: addr(ct.Admin),
			ValidatorAddress: addr(ct.Stranger), Power: 1}, cargotypes.ErrInvalidAddress},
		{"delegation by a party", ct.Exporter, &stakingtypes.MsgDelegate{DelegatorAddress: addr(ct.Exporter),
			ValidatorAddress: sdk.ValAddress(acc(ct.Admin).Address).String(), Amount: sdk.NewInt64Coin(app.BondDenom, 5)}, app.ErrStakingClosed},
		// x/tradefinance
		{"mint by a non-bank", ct.Exporter, &tftypes.MsgMintDeposit{Bank: addr(ct.Exporter), Amount: td(5)}, cargotypes.ErrWrongRole},
		{"mint another bank's token", ct.Bank2, &tftypes.MsgMintDeposit{Bank: addr(ct.Bank2), Amount: td(5)}, tftypes.ErrUnauthorized},
		{"mint a non-deposit denom", ct.Bank, &tftypes.MsgMintDeposit{Bank: addr(ct.Bank), Amount: sdk.NewInt64Coin("utrade", 5)}, tftypes.ErrNotDepositDenom},
		{"zero amount", ct.Bank, &tftypes.MsgMintDeposit{Bank: addr(ct.Bank), Amount: td(0)}, tftypes.ErrInvalidAmount},
		{"deposit tokens to an unregistered account", ct.Bank, banktypes.NewMsgSend(acc(ct.Bank).Address, acc(ct.Stranger).Address, sdk.NewCoins(td(5))), tftypes.ErrRecipientNotParty},
		{"LC expiring in the past", ct.Bank, &tftypes.MsgIssueLC{IssuingBank: addr(ct.Bank), Applicant: addr(ct.Importer), Beneficiary: addr(ct.Exporter),
			Amount: td(5), Expiry: "2026-05-01", LatestShipmentDate: "2026-04-30", PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG",
			DeliverBillTo: tftypes.DELIVER_BILL_TO_APPLICANT}, tftypes.ErrInvalidDate},
		{"LC beyond the bank's deposits", ct.Bank, &tftypes.MsgIssueLC{IssuingBank: addr(ct.Bank), Applicant: addr(ct.Importer), Beneficiary: addr(ct.Exporter),
			Amount: td(1_000_000_000), Expiry: "2026-06-30", LatestShipmentDate: "2026-05-10", PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG",
			DeliverBillTo: tftypes.DELIVER_BILL_TO_APPLICANT}, tftypes.ErrInsufficientFunds},
		{"presentation by a non-beneficiary", ct.Importer, &tftypes.MsgPresentDocuments{Beneficiary: addr(ct.Importer), LcId: 1, BillId: "COS-ORDER1"}, tftypes.ErrUnauthorized},
		{"presentation on the wrong route", ct.Exporter, &tftypes.MsgPresentDocuments{Beneficiary: addr(ct.Exporter), LcId: 1, BillId: "COS-NINGBO1"}, tftypes.ErrDocumentsMismatch},
		{"presentation of a liened bill", ct.Exporter, &tftypes.MsgPresentDocuments{Beneficiary: addr(ct.Exporter), LcId: 1, BillId: "COS-LIENED1"}, cargotypes.ErrLiened},
		{"examination by another bank", ct.Bank2, &tftypes.MsgExamineDocuments{IssuingBank: addr(ct.Bank2), LcId: 1, Decision: tftypes.DECISION_COMPLY}, tftypes.ErrUnauthorized},
		{"examination with nothing presented", ct.Bank, &tftypes.MsgExamineDocuments{IssuingBank: addr(ct.Bank), LcId: 1, Decision: tftypes.DECISION_COMPLY}, tftypes.ErrNoPresentation},
		{"unknown letter of credit", ct.Bank, &tftypes.MsgCloseLC{IssuingBank: addr(ct.Bank), LcId: 999}, tftypes.ErrLCNotFound},
		{"invoice registered twice", ct.Exporter, invoice, tftypes.ErrInvoiceExists},
		{"invoice number respelled (case, separators, leading zeros) on another document", ct.Exporter, &tftypes.MsgRegisterInvoice{Seller: addr(ct.Exporter),
			Buyer: addr(ct.Importer), Number: "inv 0001", Amount: td(800_000), DueDate: "2026-08-01", DocumentHash: hash(101)}, tftypes.ErrInvoiceExists},
		{"invoice document backing a second invoice", ct.Exporter, &tftypes.MsgRegisterInvoice{Seller: addr(ct.Exporter),
			Buyer: addr(ct.Importer), Number: "INV-2", Amount: td(900_000), DueDate: "2026-08-01", DocumentHash: hash(100)}, tftypes.ErrInvoiceExists},
		{"invoice number without a letter or digit", ct.Exporter, &tftypes.MsgRegisterInvoice{Seller: addr(ct.Exporter),
			Buyer: addr(ct.Importer), Number: "--/--", Amount: td(900_000), DueDate: "2026-08-01", DocumentHash: hash(101)}, tftypes.ErrInvalidField},
		{"invoice financed twice", ct.Bank2, &tftypes.MsgOfferFinancing{Bank: addr(ct.Bank2), InvoiceId: 1, Advance: td(5), Repayment: td(6), Maturity: "2026-07-01"}, tftypes.ErrAlreadyFinanced},
		{"default before maturity", ct.Bank, &tftypes.MsgDeclareDefault{Bank: addr(ct.Bank), FinancingId: 1}, tftypes.ErrNotMature},
		{"unknown financing", ct.Exporter, &tftypes.MsgRepay{Payer: addr(ct.Exporter), FinancingId: 42, Amount: td(5)}, tftypes.ErrFinancingNotFound},
	}

	good := 0
	goodTx := func() {
		good++
		c.MustDeliver(acc(ct.Exporter), &cargotypes.MsgAnchorDocument{Owner: addr(ct.Exporter), Hash: hash(1000 + good), DocType: "OTHER"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, c)
			res := c.Deliver(c.Accounts[tc.signer], tc.msg)
			requireRegistered(t, res, tc.want)
			require.Equal(t, before, snapshot(t, c), "state changed")
			goodTx()
		})
	}

	// Transaction-level bad input: refused by CheckTx (the mempool) and by
	// FinalizeBlock, before any message runs.
	exporter := acc(ct.Exporter)
	anchor := func(n int) sdk.Msg {
		return &cargotypes.MsgAnchorDocument{Owner: addr(ct.Exporter), Hash: hash(n), DocType: "OTHER"}
	}
	signFor := func(chainID string, msgs ...sdk.Msg) []byte {
		tx, err := simtestutil.GenSignedMockTx(rand.New(rand.NewSource(1)), c.App.TxConfig(), msgs, sdk.NewCoins(), simtestutil.DefaultGenTxGas, chainID,
			[]uint64{exporter.Number}, []uint64{exporter.Sequence}, exporter.PrivKey)
		require.NoError(t, err)
		bz, err := c.App.TxConfig().TxEncoder()(tx)
		require.NoError(t, err)
		return bz
	}
	badSignature := func() []byte {
		tx, err := c.App.TxConfig().TxDecoder()(signFor(c.ChainID, anchor(2001)))
		require.NoError(t, err)
		b, err := c.App.TxConfig().WrapTxBuilder(tx)
		require.NoError(t, err)
		sigs, err := tx.(authsigning.SigVerifiableTx).GetSignaturesV2()
		require.NoError(t, err)
		data := sigs[0].Data.(*signing.SingleSignatureData)
		data.Signature[0] ^= 0xff
		require.NoError(t, b.SetSignatures(sigs...))
		bz, err := c.App.TxConfig().TxEncoder()(b.GetTx())
		require.NoError(t, err)
		return bz
	}
	replayed := signFor(c.ChainID, anchor(2002))
	res := c.DeliverBlock(replayed)
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	exporter.Sequence++
	many := make([]sdk.Msg, 20_000)
	for i := range many {
		many[i] = anchor(3000 + i)
	}
	txCases := []struct {
		name string
		tx   func() []byte // signed when the case runs, at the signer's current sequence
		want *errorsmod.Error
	}{
		{"wrong chain id", func() []byte { return signFor("shanghai-1", anchor(2003)) }, sdkerrors.ErrUnauthorized},
		{"bad signature", badSignature, sdkerrors.ErrUnauthorized},
		{"replayed transaction", func() []byte { return replayed }, sdkerrors.ErrWrongSequence},
		{"oversized transaction (20,000 messages, about 3 MB)", func() []byte { return signFor(c.ChainID, many...) }, sdkerrors.ErrOutOfGas},
		{"undecodable bytes", func() []byte { return []byte("\x0a\x05hello, chain") }, sdkerrors.ErrTxDecode},
	}
	for _, tc := range txCases {
		t.Run(tc.name, func(t *testing.T) {
			tx := tc.tx()
			check, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
			require.NoError(t, err)
			requireRegistered(t, &abci.ExecTxResult{Code: check.Code, Codespace: check.Codespace, Log: check.Log}, tc.want)
			before := snapshot(t, c)
			seq := c.App.AccountKeeper.GetAccount(c.Context(), exporter.Address).GetSequence()
			res := c.DeliverBlock(tx)
			requireRegistered(t, res.TxResults[0], tc.want)
			require.Equal(t, before, snapshot(t, c), "state changed")
			require.Equal(t, seq, c.App.AccountKeeper.GetAccount(c.Context(), exporter.Address).GetSequence(), "the refused tx used a sequence")
			goodTx()
		})
	}
	t.Logf("%d bad messages and %d bad transactions refused; %d good transactions landed in the blocks after them (height %d)",
		len(cases), len(txCases), good, c.App.LastBlockHeight())
}

// snapshot is the state of both modules and every balance, as JSON.
func snapshot(t *testing.T, c *testutil.Chain) string {
	ctx := c.Context()
	cg, err := c.App.CargoKeeper.ExportGenesis(ctx)
	require.NoError(t, err)
	tg, err := c.App.TradeFinanceKeeper.ExportGenesis(ctx)
	require.NoError(t, err)
	bz, err := json.Marshal([]any{cg, tg, c.App.BankKeeper.GetAccountsBalances(ctx)})
	require.NoError(t, err)
	return string(bz)
}

func requireRegistered(t *testing.T, res *abci.ExecTxResult, want *errorsmod.Error) {
	t.Helper()
	require.NotZero(t, res.Code, "the bad input was accepted")
	require.Equalf(t, want.Codespace(), res.Codespace, "want %s, got codespace %s code %d: %s", want, res.Codespace, res.Code, res.Log)
	require.Equalf(t, want.ABCICode(), res.Code, "want %s, got codespace %s code %d: %s", want, res.Codespace, res.Code, res.Log)
	require.NotEmpty(t, res.Log, "no message for the user")
}
