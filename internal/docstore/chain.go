package docstore

import (
	"context"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// Chain is what the store asks of its zone. Every answer is from the latest
// committed block; RecordAccess returns only once the record is in a block.
type Chain interface {
	// ChainID is the zone's chain id; Gateway the ROLE_PLATFORM account that
	// records accesses.
	ChainID() string
	Gateway() string
	Party(ctx context.Context, addr string) (cargotypes.Party, error)
	Document(ctx context.Context, hash string) (*cargotypes.QueryDocumentResponse, error)
	Bill(ctx context.Context, id string) (cargotypes.Bill, error)
	ConsentCovers(ctx context.Context, consentID uint64, grantee, hash string) (*cargotypes.QueryConsentCoversResponse, error)
	RecordAccess(ctx context.Context, consentID uint64, grantee, hash string) (AccessReceipt, error)
}

// AccessReceipt says where the chain recorded an access.
type AccessReceipt struct {
	RecordID uint64
	Height   int64
	TxHash   string
}
