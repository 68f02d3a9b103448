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
			continue // a later presentation under this credit replaced it
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

// PresentedDocsInvariant: every document of every presentation is in the
// index of presented documents (what AnchorReliance reads).
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
		if err != nil {
			problems = append(problems, "error: "+err.Error())
		}
		return result("presented-docs", problems)
	}
}
