package docstore

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// ADR-036 off-chain signatures, as Keplr's signArbitrary (and CosmJS's
// makeSignDoc + serializeSignDoc) make them: the signer signs the amino JSON
// StdSignDoc
//
//	{"account_number":"0","chain_id":"","fee":{"amount":[],"gas":"0"},"memo":"",
//	 "msgs":[{"type":"sign/MsgSignData","value":{"data":"<base64 of data>","signer":"<bech32>"}}],
//	 "sequence":"0"}
//
// with its keys sorted and <, >, & escaped as \u003c, \u003e, \u0026, as
// the SDK's amino JSON sign bytes are; the signature is secp256k1 over
// SHA-256 of those bytes, 64 bytes r ‖ s (low s). The SDK v0.50 has no
// verifier: this is one.

type adr036Msg struct {
	Type  string `json:"type"`
	Value struct {
		Data   string `json:"data"`
		Signer string `json:"signer"`
	} `json:"value"`
}

type adr036Fee struct {
	Amount []struct{} `json:"amount"`
	Gas    string     `json:"gas"`
}

type adr036Doc struct {
	AccountNumber string      `json:"account_number"`
	ChainID       string      `json:"chain_id"`
	Fee           adr036Fee   `json:"fee"`
	Memo          string      `json:"memo"`
	Msgs          []adr036Msg `json:"msgs"`
	Sequence      string      `json:"sequence"`
}

// ADR036SignBytes returns the bytes an ADR-036 signer signs for data.
func ADR036SignBytes(signer string, data []byte) []byte {
	m := adr036Msg{Type: "sign/MsgSignData"}
	m.Value.Data = base64.StdEncoding.EncodeToString(data)
	m.Value.Signer = signer
	doc := adr036Doc{AccountNumber: "0", Fee: adr036Fee{Amount: []struct{}{}, Gas: "0"}, Msgs: []adr036Msg{m}, Sequence: "0"}
	bz, err := json.Marshal(doc) // fields declared in sorted order; json escapes <>&
	if err != nil {
		panic(err) // fixed types: cannot fail
	}
	return sdk.MustSortJSON(bz)
}

// VerifyADR036 checks that sig is signer's ADR-036 signature of data, made
// with the secp256k1 key pubKey (33-byte compressed), and that the key is
// signer's (its address, in the signer's bech32 prefix, is signer).
func VerifyADR036(signer string, pubKey, sig, data []byte) error {
	if len(pubKey) != secp256k1.PubKeySize {
		return fmt.Errorf("public key: want %d bytes (compressed secp256k1), got %d", secp256k1.PubKeySize, len(pubKey))
	}
	if len(sig) != 64 {
		return fmt.Errorf("signature: want 64 bytes (r ‖ s), got %d", len(sig))
	}
	pk := &secp256k1.PubKey{Key: pubKey}
	addr, err := sdk.AccAddressFromBech32(signer)
	if err != nil {
		return fmt.Errorf("signer %q: %w", signer, err)
	}
	if !addr.Equals(sdk.AccAddress(pk.Address())) {
		return errors.New("the public key is not the signer's")
	}
	if !pk.VerifySignature(ADR036SignBytes(signer, data), sig) {
		return errors.New("the signature does not verify (sign the challenge text with signArbitrary of the zone's chain, as the signer)")
	}
	return nil
}
