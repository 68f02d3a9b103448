package tradefinance_test

import (
	"github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// unpack decodes the first Msg response of a tx result's data.
func unpack(data []byte, out proto.Message) error {
	var msgData sdk.TxMsgData
	if err := proto.Unmarshal(data, &msgData); err != nil {
		return err
	}
	return proto.Unmarshal(msgData.MsgResponses[0].Value, out)
}
