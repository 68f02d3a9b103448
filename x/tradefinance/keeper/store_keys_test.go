package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// TestStoreKeysMatchKeeper: each exported store key is where the keeper's
// collection writes the record (the raw bytes a light client's proof covers),
// in the module's own substore.
func TestStoreKeysMatchKeeper(t *testing.T) {
	f := newFixture(t)
	kv := f.ctx.KVStore(f.chain.App.GetKey(types.StoreKey))
	const id = uint64(1<<40 + 77)

	lc := types.LetterOfCredit{Id: id, Beneficiary: f.addr(0)}
	require.NoError(t, f.k.LCs.Set(f.ctx, id, lc))
	want, err := f.k.LCs.ValueCodec().Encode(lc)
	require.NoError(t, err)
	require.Equal(t, want, kv.Get(types.LCStoreKey(id)), "lc: the bytes under LCStoreKey are not the record")

	inv := types.Invoice{Id: id, Seller: f.addr(0), Fingerprint: "fp-store-key", DocumentHash: "doc-store-key"}
	require.NoError(t, f.k.Invoices.Set(f.ctx, id, inv))
	want, err = f.k.Invoices.ValueCodec().Encode(inv)
	require.NoError(t, err)
	require.Equal(t, want, kv.Get(types.InvoiceStoreKey(id)), "invoice: the bytes under InvoiceStoreKey are not the record")

	fin := types.Financing{Id: id, InvoiceId: id}
	require.NoError(t, f.k.Financings.Set(f.ctx, id, fin))
	want, err = f.k.Financings.ValueCodec().Encode(fin)
	require.NoError(t, err)
	require.Equal(t, want, kv.Get(types.FinancingStoreKey(id)), "financing: the bytes under FinancingStoreKey are not the record")
}
