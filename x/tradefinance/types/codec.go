package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

func allMsgs() []sdk.Msg {
	return []sdk.Msg{
		&MsgMintDeposit{}, &MsgBurnDeposit{}, &MsgIssueLC{}, &MsgAmendLC{}, &MsgRespondAmendment{},
		&MsgPresentDocuments{}, &MsgExamineDocuments{}, &MsgWaiveDiscrepancies{}, &MsgSettlePresentation{},
		&MsgCloseLC{}, &MsgRegisterInvoice{}, &MsgOfferFinancing{}, &MsgAcceptFinancing{}, &MsgRepay{},
		&MsgDeclareDefault{}, &MsgUpdateParams{},
	}
}

// RegisterLegacyAminoCodec registers every Msg under tradefinance/<Msg>
// (amino names must stay under 40 characters).
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	for _, m := range allMsgs() {
		legacy.RegisterAminoMsg(cdc, m, "tradefinance/"+sdk.MsgTypeURL(m)[len("/tradechain.tradefinance.v1."):])
	}
}

// RegisterInterfaces registers every Msg as an sdk.Msg implementation.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil), allMsgs()...)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
