package types_test

import (
	"testing"
	"time"

	"github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/internal/fuzzcheck"

	"github.com/tradechain/tradechain/x/cargo/types"
)

func init() { sdk.GetConfig().SetBech32PrefixForAccount("trade", "tradepub") }

type validatable interface {
	proto.Message
	ValidateBasic() error
}

func newMsgs() []validatable {
	return []validatable{
		&types.MsgIssueBill{}, &types.MsgTransferBill{}, &types.MsgEndorseBill{}, &types.MsgBlankEndorseBill{},
		&types.MsgRequestSurrender{}, &types.MsgAcceptSurrender{}, &types.MsgRejectSurrender{}, &types.MsgAmendBill{},
		&types.MsgVoidBill{}, &types.MsgRecordMilestone{}, &types.MsgAnchorDocument{}, &types.MsgGrantConsent{},
		&types.MsgRevokeConsent{}, &types.MsgRegisterParty{}, &types.MsgUpdateParty{}, &types.MsgUpdateParams{},
		&types.MsgSendBill{}, &types.MsgSetCorridorLink{}, &types.MsgRemoveCorridorLink{}, &types.MsgSetRegistryChannel{},
		&types.MsgRetryReservation{}, &types.MsgPlaceHold{}, &types.MsgLiftHold{}, &types.MsgSetValidatorPower{}, &types.MsgRejectTransfer{}, &types.MsgRejectEndorsement{},
		&types.MsgSplitBill{}, &types.MsgCombineBills{}, &types.MsgWithdrawAnchor{},
	}
}

// Any bytes decoded into any x/cargo message must validate or be refused
// without a panic, and its signer is extracted without a panic. An accepted
// message has exactly one signer, one of its own addresses, and re-encodes to
// something that decodes and validates again.
func FuzzMsgValidateBasic(f *testing.F) {
	seed := &types.MsgIssueBill{
		Carrier: "trade1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjn2ldl", TransportDocumentReference: "COSU6385270140",
		Type: types.BILL_TYPE_BOL, Mode: types.BILL_MODE_TO_ORDER, IssueTo: "trade1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjn2ldl",
		DocumentHash:  "9b74c9897bac770ffc029102a200c5de6b8a4d7c2a6d8f4e9f0a1b2c3d4e5f60",
		PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2026-05-03",
	}
	bz, _ := seed.Marshal()
	f.Add(uint8(0), bz)
	ms, _ := (&types.MsgRecordMilestone{BillId: "COS-X", EventCode: "LOAD", Classifier: "ACT", Location: "CNSHA", EventTime: time.Unix(1700000000, 0)}).Marshal()
	f.Add(uint8(9), ms)
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		msgs := newMsgs()
		m := msgs[int(which)%len(msgs)]
		if err := proto.Unmarshal(data, m); err != nil {
			return
		}
		_, _ = fuzzcheck.Signers(m) // never panics, whatever the fields hold
		if m.ValidateBasic() != nil {
			return
		}
		if err := fuzzcheck.CheckSigner(m); err != nil {
			t.Fatal(err)
		}
		again, err := proto.Marshal(m)
		if err != nil {
			t.Fatalf("accepted message does not re-encode: %v", err)
		}
		m2 := newMsgs()[int(which)%len(msgs)]
		if err := proto.Unmarshal(again, m2); err != nil {
			t.Fatalf("re-encoded message does not decode: %v", err)
		}
		if err := m2.ValidateBasic(); err != nil {
			t.Fatalf("re-decoded message fails validation: %v", err)
		}
	})
}
