// Package keeper holds x/tradefinance's state and transitions.
package keeper

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/store"
	"github.com/cosmos/gogoproto/proto"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/internal/typedevent"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// InvoiceIndexes: one invoice per fingerprint, and one invoice per invoice
// document (a document cannot back two invoices, however they are spelled).
type InvoiceIndexes struct {
	Fingerprint *indexes.Unique[string, uint64, types.Invoice]
	Document    *indexes.Unique[string, uint64, types.Invoice]
}

// IndexesList implements collections.Indexes.
func (i InvoiceIndexes) IndexesList() []collections.Index[uint64, types.Invoice] {
	return []collections.Index[uint64, types.Invoice]{i.Fingerprint, i.Document}
}

// Keeper is x/tradefinance's state.
type Keeper struct {
	cdc       codec.BinaryCodec
	authority string
	cargo     types.CargoKeeper
	bank      types.BankKeeper
	accounts  types.AccountKeeper
	ibc       IBCHooks

	Schema        collections.Schema
	Params        collections.Item[types.Params]
	LCs           collections.Map[uint64, types.LetterOfCredit]
	LCSeq         collections.Sequence
	Presentations collections.Map[uint64, types.Presentation]
	// Deadlines is the time-ordered queue of pending presentations:
	// (deadline unix seconds, lc id). EndBlock reads only its head.
	Deadlines    collections.KeySet[collections.Pair[int64, uint64]]
	Invoices     *collections.IndexedMap[uint64, types.Invoice, InvoiceIndexes]
	InvoiceSeq   collections.Sequence
	Financings   collections.Map[uint64, types.Financing]
	FinancingSeq collections.Sequence

	// PresentedDocs indexes presentations by the document hashes presented:
	// (hash, lc id), written whenever a presentation opens (and rebuilt from
	// the presentations at genesis). An entry of a later presentation that no
	// longer lists the hash is stale and ignored.
	PresentedDocs collections.KeySet[collections.Pair[string, uint64]]
	// PartyRecords: (party, kind, id) for the track record (types.PartyRecord*).
	PartyRecords collections.KeySet[collections.Triple[string, int32, uint64]]
}

// IBCHooks are the app's answers about ICS-20 that the deposit-token send
// restriction needs.
type IBCHooks struct {
	// IsTransferEscrow reports whether an address is an ICS-20 escrow
	// account; err (with escrow true) says why that channel may not hold
	// deposit tokens: its connection is not on the corridor allowlist.
	IsTransferEscrow func(ctx context.Context, addr sdk.AccAddress) (escrow bool, err error)
	// BaseDenom returns the base denom of an ICS-20 voucher (ibc/HASH), if known.
	BaseDenom func(ctx context.Context, denom string) (string, bool)
	// ICS20Payer reports whether addr is one of the accounts ICS-20 pays
	// out of — the transfer module's (vouchers it mints) or a transfer
	// channel's escrow, trusted or not — and, if so, whether ctx is a
	// refund: the settlement (error acknowledgement or timeout) of a packet
	// this zone sent, which pays the packet's sender back. ICS-20 pays out
	// of the same accounts when it delivers a received packet: a payment
	// from an account on the other zone.
	ICS20Payer func(ctx context.Context, addr sdk.AccAddress) (ics20, refund bool)
}

// NewKeeper builds the keeper; authority is the x/gov account.
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, authority string,
	cargo types.CargoKeeper, bank types.BankKeeper, accounts types.AccountKeeper,
	ibc IBCHooks,
) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc: cdc, authority: authority, cargo: cargo, bank: bank, accounts: accounts, ibc: ibc,
		Params:        collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		LCs:           collections.NewMap(sb, types.LCsKey, "lcs", collections.Uint64Key, codec.CollValue[types.LetterOfCredit](cdc)),
		LCSeq:         collections.NewSequence(sb, types.LCSeqKey, "lc_seq"),
		Presentations: collections.NewMap(sb, types.PresentationsKey, "presentations", collections.Uint64Key, codec.CollValue[types.Presentation](cdc)),
		Deadlines:     collections.NewKeySet(sb, types.DeadlinesKey, "deadlines", collections.PairKeyCodec(collections.Int64Key, collections.Uint64Key)),
		PresentedDocs: collections.NewKeySet(sb, types.PresentedDocsKey, "presented_docs", collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)),
		PartyRecords: collections.NewKeySet(sb, types.PartyRecordsKey, "party_records",
			collections.TripleKeyCodec(collections.StringKey, collections.Int32Key, collections.Uint64Key)),
		Invoices: collections.NewIndexedMap(sb, types.InvoicesKey, "invoices", collections.Uint64Key, codec.CollValue[types.Invoice](cdc),
			InvoiceIndexes{Fingerprint: indexes.NewUnique(sb, types.InvoiceFPKey, "invoice_by_fingerprint", collections.StringKey, collections.Uint64Key,
				func(_ uint64, inv types.Invoice) (string, error) { return inv.Fingerprint, nil }),
				Document: indexes.NewUnique(sb, types.InvoiceDocKey, "invoice_by_document", collections.StringKey, collections.Uint64Key,
					func(_ uint64, inv types.Invoice) (string, error) { return inv.DocumentHash, nil }),
			}),
		InvoiceSeq:   collections.NewSequence(sb, types.InvoiceSeqKey, "invoice_seq"),
		Financings:   collections.NewMap(sb, types.FinancingsKey, "financings", collections.Uint64Key, codec.CollValue[types.Financing](cdc)),
		FinancingSeq: collections.NewSequence(sb, types.FinancingSeqKey, "financing_seq"),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// Authority returns the governance authority.
func (k Keeper) Authority() string { return k.authority }

func isNotFound(err error) bool { return errors.Is(err, collections.ErrNotFound) }

func lcRef(id uint64) string        { return fmt.Sprintf("lc/%d", id) }
func financingRef(id uint64) string { return fmt.Sprintf("financing/%d", id) }

func mustAcc(addr string) sdk.AccAddress { return sdk.MustAccAddressFromBech32(addr) }

func emit(ctx context.Context, ev proto.Message) error {
	return typedevent.Emit(sdk.UnwrapSDKContext(ctx).EventManager(), ev)
}
