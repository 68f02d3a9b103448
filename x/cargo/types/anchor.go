package types

import (
	"context"

	errorsmod "cosmossdk.io/errors"
)

// The steps of a party anchor's history (AnchorEvent.action).
const (
	AnchorActionAnchor   = "ANCHOR"
	AnchorActionWithdraw = "WITHDRAW"
)

// MaxAnchorHistory bounds a party anchor's history: a party may withdraw and
// re-anchor a document a few times (a wrong document type, a wrong bill), not
// grow the record that every presentation of the document reads.
const MaxAnchorHistory = 16

// AnchorUser is a module whose records rely on parties' document anchors
// (x/tradefinance: an invoice on its seller's anchor of the invoice document,
// a letter-of-credit presentation on the anchors of the documents presented).
type AnchorUser interface {
	// AnchorReliance names what still relies on anchorer's anchor of hash
	// ("" if nothing does): while something does, the anchor is not withdrawn.
	AnchorReliance(ctx context.Context, hash, anchorer string) (string, error)
}

// ValidateTransportAnchor checks a bill's transport document anchor (genesis
// documents).
func (d Document) ValidateTransportAnchor() error {
	if err := ValidateHash("document hash", d.Hash); err != nil {
		return err
	}
	if d.DocType != DocTypeTransportDocument || d.Withdrawn || len(d.History) > 0 {
		return errorsmod.Wrapf(ErrInvalidField, "document %s: a bill's anchor has doc_type %s, no history and is never withdrawn", d.Hash, DocTypeTransportDocument)
	}
	if d.Registry != nil {
		return errorsmod.Wrapf(ErrInvalidField, "document %s: the registry's record of a hash is listed with the registry keys, not in the anchor", d.Hash)
	}
	if err := ValidateBillID(d.BillId); err != nil {
		return err
	}
	return ValidateAddress("anchored_by", d.AnchoredBy)
}

// ValidatePartyAnchor checks a party's anchor (genesis anchors): its history
// starts with an ANCHOR, alternates ANCHOR and WITHDRAW, and ends as the
// record says (withdrawn or not, the last anchoring's type, bill and height).
func (d Document) ValidatePartyAnchor() error {
	if err := ValidateHash("anchor hash", d.Hash); err != nil {
		return err
	}
	if err := ValidateAddress("anchored_by", d.AnchoredBy); err != nil {
		return err
	}
	if d.Registry != nil {
		return errorsmod.Wrapf(ErrInvalidField, "anchor %s by %s carries a registry record", d.Hash, d.AnchoredBy)
	}
	if !oneOf(d.DocType, DocTypes) {
		return errorsmod.Wrapf(ErrInvalidField, "anchor %s by %s: doc_type %q", d.Hash, d.AnchoredBy, truncate(d.DocType))
	}
	if d.BillId != "" {
		if err := ValidateBillID(d.BillId); err != nil {
			return err
		}
	}
	n := len(d.History)
	if n == 0 || n > MaxAnchorHistory {
		return errorsmod.Wrapf(ErrInvalidField, "anchor %s by %s has %d history events; want 1..%d", d.Hash, d.AnchoredBy, n, MaxAnchorHistory)
	}
	var last AnchorEvent
	for i, e := range d.History {
		want := AnchorActionAnchor
		if i%2 == 1 {
			want = AnchorActionWithdraw
		}
		if e.Action != want {
			return errorsmod.Wrapf(ErrInvalidField, "anchor %s by %s: history event %d is %q, want %s", d.Hash, d.AnchoredBy, i+1, truncate(e.Action), want)
		}
		if e.Action == AnchorActionAnchor {
			last = e
		}
	}
	if withdrawn := n%2 == 0; withdrawn != d.Withdrawn {
		return errorsmod.Wrapf(ErrInvalidField, "anchor %s by %s: withdrawn is %v but its history ends with %s", d.Hash, d.AnchoredBy, d.Withdrawn, d.History[n-1].Action)
	}
	if last.DocType != d.DocType || last.BillId != d.BillId || last.Height != d.Height {
		return errorsmod.Wrapf(ErrInvalidField, "anchor %s by %s: the record is not its last anchoring", d.Hash, d.AnchoredBy)
	}
	return nil
}
