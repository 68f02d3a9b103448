package types

import errorsmod "cosmossdk.io/errors"

// DefaultGenesis returns the default genesis state.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextLcId: 1, NextInvoiceId: 1, NextFinancingId: 1}
}

// Validate checks ids, references and amounts.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
	}
	if gs.NextLcId == 0 || gs.NextInvoiceId == 0 || gs.NextFinancingId == 0 {
		return errorsmod.Wrap(ErrInvalidGenesis, "next ids start at 1")
	}
	lcs := map[uint64]LetterOfCredit{}
	for _, lc := range gs.LettersOfCredit {
		if lc.Id == 0 || lc.Id >= gs.NextLcId || lcs[lc.Id].Id != 0 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "lc id %d is zero, repeated or not below next_lc_id", lc.Id)
		}
		if lc.Paid.Amount.GT(lc.Amount.Amount) || lc.Escrow.IsNegative() {
			return errorsmod.Wrapf(ErrInvalidGenesis, "lc %d pays more than its amount or has negative escrow", lc.Id)
		}
		lcs[lc.Id] = lc
	}
	for _, p := range gs.Presentations {
		if _, ok := lcs[p.LcId]; !ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "presentation for unknown lc %d", p.LcId)
		}
	}
	invoices, fps, docs := map[uint64]bool{}, map[string]bool{}, map[string]bool{}
	for _, inv := range gs.Invoices {
		if inv.Id == 0 || inv.Id >= gs.NextInvoiceId || invoices[inv.Id] || fps[inv.Fingerprint] || docs[inv.DocumentHash] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "invoice %d: id, fingerprint or document repeated, or id out of range", inv.Id)
		}
		invoices[inv.Id], fps[inv.Fingerprint], docs[inv.DocumentHash] = true, true, true
	}
	active := map[uint64]bool{}
	for _, f := range gs.Financings {
		if f.Id == 0 || f.Id >= gs.NextFinancingId || !invoices[f.InvoiceId] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "financing %d: bad id or unknown invoice %d", f.Id, f.InvoiceId)
		}
		if f.Status == FINANCING_STATUS_ACTIVE {
			if active[f.InvoiceId] {
				return errorsmod.Wrapf(ErrInvalidGenesis, "invoice %d has two active financings", f.InvoiceId)
			}
			active[f.InvoiceId] = true
		}
	}
	return nil
}
