package keeper

import (
	"context"
	"fmt"
	"slices"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/tradefinance/types"
)

// indexPresentedDocs records that presentation p lists its documents.
func (k Keeper) indexPresentedDocs(ctx context.Context, p types.Presentation) error {
	for _, h := range p.DocumentHashes {
		if err := k.PresentedDocs.Set(ctx, collections.Join(h, p.LcId)); err != nil {
			return err
		}
	}
	return nil
}

// unindexPresentedDocs drops the index entries of the presentation under
// credit lcID that p is about to replace, if any: the index lists exactly the
// documents of the stored presentations (so an import rebuilds it as it was).
func (k Keeper) unindexPresentedDocs(ctx context.Context, lcID uint64) error {
	old, err := k.Presentations.Get(ctx, lcID)
	if isNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	for _, h := range old.DocumentHashes {
		if err := k.PresentedDocs.Remove(ctx, collections.Join(h, lcID)); err != nil {
			return err
		}
	}
	return nil
}

// AnchorReliance names the record of this module that relies on anchorer's
// anchor of document hash, if any (cargotypes.AnchorUser), so that the anchor
// is not withdrawn under it:
//   - an invoice of the seller registered on that document, until it is
//     repaid, defaulted or rejected as a corridor duplicate;
//   - a presentation under a letter of credit that lists the document (it
//     counts every anchor of the hash), while it is under examination or
//     refused with the credit still open — the applicant may waive the
//     discrepancies and re-open it on the same documents.
func (k Keeper) AnchorReliance(ctx context.Context, hash, anchorer string) (string, error) {
	id, err := k.Invoices.Indexes.Document.MatchExact(ctx, hash)
	switch {
	case err == nil:
		inv, err := k.GetInvoice(ctx, id)
		if err != nil {
			return "", err
		}
		switch inv.Status {
		case types.INVOICE_STATUS_PENDING, types.INVOICE_STATUS_OPEN, types.INVOICE_STATUS_FINANCED:
			if inv.Seller == anchorer {
				return fmt.Sprintf("invoice %d (%s)", inv.Id, inv.Status), nil
			}
		}
	case !isNotFound(err):
		return "", err
	}
	it, err := k.PresentedDocs.Iterate(ctx, collections.NewPrefixedPairRange[string, uint64](hash))
	if err != nil {
		return "", err
	}
	keys, err := it.Keys()
	if err != nil {
		return "", err
	}
	for _, key := range keys {
		lc, err := k.GetLC(ctx, key.K2())
		if err != nil {
			return "", err
		}
		p, err := k.Presentations.Get(ctx, lc.Id)
		if err != nil {
			return "", err
		}
		if !slices.Contains(p.DocumentHashes, hash) {
			continue // not expected: the index follows the presentations
		}
		switch {
		case p.Status == types.PRESENTATION_STATUS_PENDING:
			return fmt.Sprintf("the presentation under letter of credit %d (under examination)", lc.Id), nil
		case p.Status == types.PRESENTATION_STATUS_REFUSED && lc.Status == types.LC_STATUS_OPEN:
			return fmt.Sprintf("the refused presentation under letter of credit %d (the applicant may still waive its discrepancies)", lc.Id), nil
		}
	}
	return "", nil
}

// PresentedDocsInvariant: the index of presented documents (what
// AnchorReliance reads) lists exactly the documents of the presentations.
func PresentedDocsInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		var problems []string
		err := k.Presentations.Walk(ctx, nil, func(id uint64, p types.Presentation) (bool, error) {
			for _, h := range p.DocumentHashes {
				has, err := k.PresentedDocs.Has(ctx, collections.Join(h, id))
				if err != nil {
					return true, err
				}
				if !has {
					problems = append(problems, fmt.Sprintf("document %s of the presentation under letter of credit %d is not indexed", h, id))
				}
			}
			return false, nil
		})
		if err == nil {
			err = k.PresentedDocs.Walk(ctx, nil, func(key collections.Pair[string, uint64]) (bool, error) {
				p, err := k.Presentations.Get(ctx, key.K2())
				if err != nil && !isNotFound(err) {
					return true, err
				}
				if !slices.Contains(p.DocumentHashes, key.K1()) {
					problems = append(problems, fmt.Sprintf("index entry %s for letter of credit %d: its presentation does not list that document", key.K1(), key.K2()))
				}
				return false, nil
			})
		}
		if err != nil {
			problems = append(problems, "error: "+err.Error())
		}
		return result("presented-docs", problems)
	}
}
