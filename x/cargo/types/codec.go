package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers every Msg under its amino name so that
// wallets signing amino JSON (e.g. hardware wallets) can sign them.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgIssueBill{}, "tradechain/cargo/MsgIssueBill")
	legacy.RegisterAminoMsg(cdc, &MsgTransferBill{}, "tradechain/cargo/MsgTransferBill")
	legacy.RegisterAminoMsg(cdc, &MsgEndorseBill{}, "tradechain/cargo/MsgEndorseBill")
	legacy.RegisterAminoMsg(cdc, &MsgBlankEndorseBill{}, "tradechain/cargo/MsgBlankEndorseBill")
	legacy.RegisterAminoMsg(cdc, &MsgRequestSurrender{}, "tradechain/cargo/MsgRequestSurrender")
	legacy.RegisterAminoMsg(cdc, &MsgAcceptSurrender{}, "tradechain/cargo/MsgAcceptSurrender")
	legacy.RegisterAminoMsg(cdc, &MsgRejectSurrender{}, "tradechain/cargo/MsgRejectSurrender")
	legacy.RegisterAminoMsg(cdc, &MsgAmendBill{}, "tradechain/cargo/MsgAmendBill")
	legacy.RegisterAminoMsg(cdc, &MsgVoidBill{}, "tradechain/cargo/MsgVoidBill")
	legacy.RegisterAminoMsg(cdc, &MsgRecordMilestone{}, "tradechain/cargo/MsgRecordMilestone")
	legacy.RegisterAminoMsg(cdc, &MsgAnchorDocument{}, "tradechain/cargo/MsgAnchorDocument")
	legacy.RegisterAminoMsg(cdc, &MsgGrantConsent{}, "tradechain/cargo/MsgGrantConsent")
	legacy.RegisterAminoMsg(cdc, &MsgRevokeConsent{}, "tradechain/cargo/MsgRevokeConsent")
	legacy.RegisterAminoMsg(cdc, &MsgRecordAccess{}, "tradechain/cargo/MsgRecordAccess")
	legacy.RegisterAminoMsg(cdc, &MsgRegisterParty{}, "tradechain/cargo/MsgRegisterParty")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParty{}, "tradechain/cargo/MsgUpdateParty")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "tradechain/cargo/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgSendBill{}, "tradechain/cargo/MsgSendBill")
	legacy.RegisterAminoMsg(cdc, &MsgSetCorridorLink{}, "tradechain/cargo/MsgSetCorridorLink")
	legacy.RegisterAminoMsg(cdc, &MsgRemoveCorridorLink{}, "tradechain/cargo/MsgRemoveCorridorLink")
	legacy.RegisterAminoMsg(cdc, &MsgSetRegistryChannel{}, "tradechain/cargo/MsgSetRegistryChannel")
	legacy.RegisterAminoMsg(cdc, &MsgRetryReservation{}, "tradechain/cargo/MsgRetryReservation")
	legacy.RegisterAminoMsg(cdc, &MsgPlaceHold{}, "tradechain/cargo/MsgPlaceHold")
	legacy.RegisterAminoMsg(cdc, &MsgLiftHold{}, "tradechain/cargo/MsgLiftHold")
	legacy.RegisterAminoMsg(cdc, &MsgSetValidatorPower{}, "tradechain/cargo/MsgSetValidatorPower")
	legacy.RegisterAminoMsg(cdc, &MsgRejectTransfer{}, "tradechain/cargo/MsgRejectTransfer")
	legacy.RegisterAminoMsg(cdc, &MsgRejectEndorsement{}, "tradechain/cargo/MsgRejectEndorsement")
	legacy.RegisterAminoMsg(cdc, &MsgSplitBill{}, "tradechain/cargo/MsgSplitBill")
	legacy.RegisterAminoMsg(cdc, &MsgCombineBills{}, "tradechain/cargo/MsgCombineBills")
	legacy.RegisterAminoMsg(cdc, &MsgWithdrawAnchor{}, "tradechain/cargo/MsgWithdrawAnchor")
	legacy.RegisterAminoMsg(cdc, &MsgSetEblPlatform{}, "tradechain/cargo/MsgSetEblPlatform")
	legacy.RegisterAminoMsg(cdc, &MsgRemoveEblPlatform{}, "tradechain/cargo/MsgRemoveEblPlatform")
	legacy.RegisterAminoMsg(cdc, &MsgImportBill{}, "tradechain/cargo/MsgImportBill")
	legacy.RegisterAminoMsg(cdc, &MsgExportBill{}, "tradechain/cargo/MsgExportBill")
	legacy.RegisterAminoMsg(cdc, &MsgConcludeExport{}, "tradechain/cargo/MsgConcludeExport")
	legacy.RegisterAminoMsg(cdc, &MsgWithdrawExport{}, "tradechain/cargo/MsgWithdrawExport")
}

// RegisterInterfaces registers every Msg as an sdk.Msg implementation.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgIssueBill{}, &MsgTransferBill{}, &MsgEndorseBill{}, &MsgBlankEndorseBill{},
		&MsgRequestSurrender{}, &MsgAcceptSurrender{}, &MsgRejectSurrender{}, &MsgAmendBill{},
		&MsgVoidBill{}, &MsgRecordMilestone{}, &MsgAnchorDocument{}, &MsgGrantConsent{},
		&MsgRevokeConsent{}, &MsgRecordAccess{}, &MsgRegisterParty{}, &MsgUpdateParty{}, &MsgUpdateParams{}, &MsgSendBill{},
		&MsgSetCorridorLink{}, &MsgRemoveCorridorLink{}, &MsgSetRegistryChannel{}, &MsgRetryReservation{},
		&MsgPlaceHold{}, &MsgLiftHold{}, &MsgSetValidatorPower{}, &MsgRejectTransfer{}, &MsgRejectEndorsement{},
		&MsgSplitBill{}, &MsgCombineBills{}, &MsgWithdrawAnchor{},
		&MsgSetEblPlatform{}, &MsgRemoveEblPlatform{}, &MsgImportBill{}, &MsgExportBill{}, &MsgConcludeExport{}, &MsgWithdrawExport{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
