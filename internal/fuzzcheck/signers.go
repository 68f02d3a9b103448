// Package fuzzcheck holds the checks the modules' fuzz targets share.
package fuzzcheck

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cosmos/gogoproto/proto"

	"github.com/cosmos/cosmos-sdk/codec"
	codectestutil "github.com/cosmos/cosmos-sdk/codec/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

var cdc = codec.NewProtoCodec(codectestutil.CodecOptions{
	AccAddressPrefix: "trade", ValAddressPrefix: "tradevaloper",
}.NewInterfaceRegistry())

// Signers extracts a message's signers the way the SDK's ante handler does
// (from the cosmos.msg.v1.signer field), as bech32 addresses.
func Signers(msg proto.Message) ([]string, error) {
	raw, _, err := cdc.GetMsgV1Signers(msg)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(raw))
	for i, a := range raw {
		out[i] = sdk.AccAddress(a).String()
	}
	return out, nil
}

// CheckSigner is the property every accepted message must have: exactly one
// signer, and it is one of the message's own address fields.
func CheckSigner(msg proto.Message) error {
	signers, err := Signers(msg)
	if err != nil {
		return fmt.Errorf("a message that passed ValidateBasic has no extractable signer: %w", err)
	}
	if len(signers) != 1 {
		return fmt.Errorf("want exactly one signer, got %v", signers)
	}
	bz, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if !strings.Contains(string(bz), `"`+signers[0]+`"`) {
		return fmt.Errorf("signer %s is not an address of the message %s", signers[0], bz)
	}
	return nil
}
