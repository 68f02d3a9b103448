package types_test

import (
	"testing"

	"github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/internal/fuzzcheck"

	"github.com/tradechain/tradechain/x/tradefinance/types"
)

func init() { sdk.GetConfig().SetBech32PrefixForAccount("trade", "tradepub") }

type validatable interface {
	proto.Message
	ValidateBasic() error
}

func newMsgs() []validatable {
	return []validatable{
		&types.MsgMintDeposit{}, &types.MsgBurnDeposit{}, &types.MsgIssueLC{}, &types.MsgAmendLC{}, &types.MsgRespondAmendment{},
		&types.MsgPresentDocuments{}, &types.MsgExamineDocuments{}, &types.MsgWaiveDiscrepancies{}, &types.MsgSettlePresentation{},
		&types.MsgCloseLC{}, &types.MsgRegisterInvoice{}, &types.MsgOfferFinancing{}, &types.MsgAcceptFinancing{}, &types.MsgRepay{},
		&types.MsgDeclareDefault{}, &types.MsgUpdateParams{},
	}
}

// Any bytes decoded into any x/tradefinance message validate or are refused
// without a panic, and an accepted message survives a re-encode.
func FuzzMsgValidateBasic(f *testing.F) {
	lc := &types.MsgIssueLC{IssuingBank: "trade1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjn2ldl", Applicant: "trade1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjn2ldl",
		Beneficiary: "trade1zgqsxqgpqyqszqgpqyqszqgpqyqszqgpgwqu9v", Amount: sdk.NewInt64Coin("td-hkbk-hkd", 5), Expiry: "2026-06-30",
		LatestShipmentDate: "2026-05-10", PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", DeliverBillTo: types.DELIVER_BILL_TO_APPLICANT}
	bz, _ := lc.Marshal()
	f.Add(uint8(2), bz)
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		n := len(newMsgs())
		m := newMsgs()[int(which)%n]
		if proto.Unmarshal(data, m) != nil {
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
		m2 := newMsgs()[int(which)%n]
		if err := proto.Unmarshal(again, m2); err != nil || m2.ValidateBasic() != nil {
			t.Fatalf("re-decoded message is refused: %v", err)
		}
	})
}

func TestDepositDenom(t *testing.T) {
	for _, ok := range []string{"td-hkbk-hkd", "td-shbk01-cny"} {
		if !types.IsDepositDenom(ok) {
			t.Errorf("%s should be a deposit denom", ok)
		}
	}
	for _, bad := range []string{"utrade", "td-HKBK-hkd", "td-hkbk-hkdd", "td-hkbk/hkd", "ibc/ABC", "td--hkd"} {
		if types.IsDepositDenom(bad) {
			t.Errorf("%s should not be a deposit denom", bad)
		}
	}
	if types.DepositDenom("HKBK", "HKD") != "td-hkbk-hkd" {
		t.Error("DepositDenom")
	}
}
