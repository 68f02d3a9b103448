package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// sentPacketSettlementKey marks a context in which IBC settles a packet
// this zone sent.
type sentPacketSettlementKey struct{}

// WithSentPacketSettlement marks ctx as IBC's settlement of a packet this
// zone sent: its acknowledgement or its timeout. A bank send an application
// makes under it pays the packet's sender back what it sent — ICS-20 refunds
// the sender on an error acknowledgement or a timeout, from the channel's
// escrow (a token native to this zone) or by minting again the voucher it
// burned (a token of the other zone) — never a payment from anyone else.
// The corridor middleware marks the acknowledgement and timeout callbacks
// it passes to the application; the deposit-token send restriction reads
// the mark to let a refund reach a sender that a regulator's hold or a
// deactivation has stopped since it sent (I5: a refund never fails).
func WithSentPacketSettlement(ctx sdk.Context) sdk.Context {
	return ctx.WithValue(sentPacketSettlementKey{}, true)
}

// IsSentPacketSettlement reports whether ctx is marked by
// WithSentPacketSettlement.
func IsSentPacketSettlement(ctx context.Context) bool {
	marked, _ := ctx.Value(sentPacketSettlementKey{}).(bool)
	return marked
}
