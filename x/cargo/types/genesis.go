package types

import (
	errorsmod "cosmossdk.io/errors"
)

// DefaultGenesis returns the default x/cargo genesis: default params, empty state.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextConsentId: 1, ClassTraces: []string{ClassID}}
}

// Validate checks a genesis state: every record is well formed, ids are unique,
// every history chain recomputes to its bill's head, and every milestone,
// history entry and consent refers to something that exists.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
	}
	addrs, codes := map[string]bool{}, map[string]bool{}
	for _, p := range gs.Parties {
		if err := p.Validate(); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "party %s: %v", p.Address, err)
		}
		if addrs[p.Address] || codes[p.Code] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "party %s / code %s listed twice", p.Address, p.Code)
		}
		addrs[p.Address], codes[p.Code] = true, true
	}
	bills := map[string]*Bill{}
	for i := range gs.Bills {
		b := &gs.Bills[i]
		if err := b.Validate(); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "bill %s: %v", b.Id, err)
		}
		if bills[b.Id] != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "bill %s listed twice", b.Id)
		}
		bills[b.Id] = b
	}
	// History entries are exported in (bill id, sequence) order.
	verifiers := map[string]*HistoryVerifier{}
	for _, e := range gs.History {
		if bills[e.BillId] == nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "history entry for unknown bill %s", e.BillId)
		}
		v := verifiers[e.BillId]
		if v == nil {
			v = &HistoryVerifier{}
			verifiers[e.BillId] = v
		}
		if err := v.Next(e); err != nil {
			return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
		}
	}
	for _, b := range gs.Bills {
		v := verifiers[b.Id]
		if v == nil {
			v = &HistoryVerifier{}
		}
		if err := v.Finish(b); err != nil {
			return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
		}
	}
	for _, m := range gs.Milestones {
		if bills[m.BillId] == nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "milestone for unknown bill %s", m.BillId)
		}
	}
	docs := map[string]bool{}
	for _, d := range gs.Documents {
		if err := d.ValidateTransportAnchor(); err != nil {
			return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
		}
		if docs[d.Hash] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "document %s listed twice", d.Hash)
		}
		if bills[d.BillId] == nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "document %s is the transport document of unknown bill %s", d.Hash, d.BillId)
		}
		docs[d.Hash] = true
	}
	anchors := map[string]bool{}
	for _, d := range gs.Anchors {
		if err := d.ValidatePartyAnchor(); err != nil {
			return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
		}
		id := d.Hash + "/" + d.AnchoredBy
		if anchors[id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "anchor of %s by %s listed twice", d.Hash, d.AnchoredBy)
		}
		anchors[id] = true
	}
	if err := validateRejected(gs, bills); err != nil {
		return err
	}
	if err := validateHandedOver(gs, bills); err != nil {
		return err
	}
	ids := map[uint64]bool{}
	for _, c := range gs.Consents {
		if c.Id == 0 || c.Id >= gs.NextConsentId || ids[c.Id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "consent id %d is zero, repeated or not below next_consent_id %d", c.Id, gs.NextConsentId)
		}
		ids[c.Id] = true
		if err := ValidateAddress("granter", c.Granter); err != nil {
			return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
		}
		if err := ValidateAddress("grantee", c.Grantee); err != nil {
			return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
		}
	}
	if gs.NextConsentId == 0 {
		return errorsmod.Wrap(ErrInvalidGenesis, "next_consent_id must be at least 1")
	}
	accessIDs := map[uint64]bool{}
	for _, r := range gs.AccessRecords {
		if r.Id == 0 || r.Id > gs.AccessSeq || accessIDs[r.Id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "access record id %d is zero, repeated or above access_seq %d", r.Id, gs.AccessSeq)
		}
		accessIDs[r.Id] = true
		if err := ValidateAddress("owner", r.Owner); err != nil {
			return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
		}
		if err := ValidateAddress("grantee", r.Grantee); err != nil {
			return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
		}
		if err := ValidateHash("document_hash", r.DocumentHash); err != nil {
			return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
		}
	}
	keys := map[string]bool{}
	for _, r := range gs.RegistryKeys {
		if err := r.Validate(); err != nil {
			return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
		}
		if r.Kind == KEY_KIND_BILL {
			if _, err := CheckBillKey(r.Key, r.Reference); err != nil {
				return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
			}
		}
		id := r.Kind.String() + "/" + r.Key
		if keys[id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "registry key %s listed twice", id)
		}
		keys[id] = true
	}
	held := map[string]bool{}
	for _, h := range gs.Holds {
		if err := h.Validate(); err != nil {
			return err
		}
		id := h.SubjectKind.String() + "/" + h.Subject
		if held[id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "hold on %s listed twice", id)
		}
		held[id] = true
	}
	collided := map[string]bool{}
	for _, c := range gs.Collisions {
		if err := c.Validate(); err != nil {
			return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
		}
		id := c.Kind.String() + "/" + c.Key + "/" + c.OtherZone + "/" + c.OtherReference
		if collided[id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "collision %s listed twice", id)
		}
		collided[id] = true
	}
	platforms := map[string]bool{}
	for _, p := range gs.EblPlatforms {
		if err := p.Validate(); err != nil {
			return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
		}
		if platforms[p.Code] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "eBL platform %s listed twice", p.Code)
		}
		platforms[p.Code] = true
	}
	envelopes := map[string]bool{}
	for _, e := range gs.PintEnvelopes {
		if err := e.Validate(); err != nil {
			return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
		}
		if envelopes[e.LastEntryChecksum] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "PINT envelope %s listed twice", e.LastEntryChecksum)
		}
		envelopes[e.LastEntryChecksum] = true
	}
	return nil
}

// validateHandedOver checks the archive of handed-over tombstones: each a
// well-formed EXPORTED bill that continued on another zone, listed once under
// (id, archive) with archives numbered 1, 2, ... per id, whose id a live
// record of gs took, and whose history chains to its head.
func validateHandedOver(gs GenesisState, bills map[string]*Bill) error {
	type key struct {
		id      string
		archive uint64
	}
	archived := map[key]*Bill{}
	last := map[string]uint64{}
	for i := range gs.HandedOverBills {
		a := &gs.HandedOverBills[i]
		b := &a.Bill
		if err := b.Validate(); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "handed-over bill %s/%d: %v", b.Id, a.Archive, err)
		}
		if b.Status != BILL_STATUS_EXPORTED || b.Export == nil || b.Export.ContinuedOn == "" || b.Holder != "" {
			return errorsmod.Wrapf(ErrInvalidGenesis, "handed-over bill %s/%d: not an EXPORTED tombstone that continued on another zone", b.Id, a.Archive)
		}
		if a.Archive != last[b.Id]+1 || bills[b.Id] == nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "handed-over bill %s/%d: archives of a bill are listed in order 1, 2, ... and a bill lives under its id", b.Id, a.Archive)
		}
		last[b.Id] = a.Archive
		archived[key{b.Id, a.Archive}] = b
	}
	verifiers := map[key]*HistoryVerifier{}
	for _, e := range gs.HandedOverHistory {
		k := key{e.Entry.BillId, e.Archive}
		if archived[k] == nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "handed-over history entry for unknown archived tombstone %s/%d", k.id, k.archive)
		}
		v := verifiers[k]
		if v == nil {
			v = &HistoryVerifier{}
			verifiers[k] = v
		}
		if err := v.Next(e.Entry); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "handed-over bill %s/%d: %v", k.id, k.archive, err)
		}
	}
	for _, a := range gs.HandedOverBills {
		v := verifiers[key{a.Bill.Id, a.Archive}]
		if v == nil {
			v = &HistoryVerifier{}
		}
		if err := v.Finish(a.Bill); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "handed-over bill %s/%d: %v", a.Bill.Id, a.Archive, err)
		}
	}
	return nil
}

// validateRejected checks the archive of rejected records: each a well-formed
// REJECTED_DUPLICATE bill listed once, whose id a live record of gs took, and
// whose history chains to its head.
func validateRejected(gs GenesisState, bills map[string]*Bill) error {
	rejected := map[string]*Bill{}
	for i := range gs.RejectedBills {
		b := &gs.RejectedBills[i]
		if err := b.Validate(); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "rejected bill %s: %v", b.Id, err)
		}
		if b.Status != BILL_STATUS_REJECTED_DUPLICATE || rejected[b.Id] != nil || bills[b.Id] == nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "rejected bill %s: not REJECTED_DUPLICATE, listed twice, or no bill replaced it", b.Id)
		}
		rejected[b.Id] = b
	}
	verifiers := map[string]*HistoryVerifier{}
	for _, e := range gs.RejectedHistory {
		if rejected[e.BillId] == nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "rejected history entry for unknown rejected bill %s", e.BillId)
		}
		v := verifiers[e.BillId]
		if v == nil {
			v = &HistoryVerifier{}
			verifiers[e.BillId] = v
		}
		if err := v.Next(e); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "rejected bill: %v", err)
		}
	}
	for _, b := range gs.RejectedBills {
		v := verifiers[b.Id]
		if v == nil {
			v = &HistoryVerifier{}
		}
		if err := v.Finish(b); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "rejected bill: %v", err)
		}
	}
	return nil
}

// Validate checks that a bill record is well formed (used for genesis and for
// records arriving over IBC).
func (b Bill) Validate() error {
	if err := ValidateBillID(b.Id); err != nil {
		return err
	}
	if err := ValidateAddress("carrier", b.Carrier); err != nil {
		return err
	}
	if (b.Status == BILL_STATUS_TRANSFERRED_OUT || b.Status == BILL_STATUS_EXPORTED) && b.Holder == "" {
		// A tombstone names the holder who sent the bill away instead.
		if err := ValidateAddress("departed_holder", b.DepartedHolder); err != nil {
			return err
		}
	} else if err := ValidateAddress("holder", b.Holder); err != nil {
		return err
	}
	if err := ValidateOptionalAddress("shipper", b.Shipper); err != nil {
		return err
	}
	if err := ValidateOptionalAddress("consignee", b.Consignee); err != nil {
		return err
	}
	if err := ValidateOptionalAddress("endorsee", b.Endorsee); err != nil {
		return err
	}
	if err := ValidateHash("document_hash", b.DocumentHash); err != nil {
		return err
	}
	if err := ValidateHash("history_head", b.HistoryHead); err != nil {
		return err
	}
	if err := ValidateLocode("port_of_loading", b.PortOfLoading); err != nil {
		return err
	}
	if err := ValidateLocode("port_of_discharge", b.PortOfDischarge); err != nil {
		return err
	}
	if _, err := ParseDate("issue_date", b.IssueDate); err != nil {
		return err
	}
	if b.ShippedOnBoardDate != "" {
		if _, err := ParseDate("shipped_on_board_date", b.ShippedOnBoardDate); err != nil {
			return err
		}
	}
	if _, ok := BillStatus_name[int32(b.Status)]; !ok || b.Status == BILL_STATUS_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidField, "unknown status %d", b.Status)
	}
	if _, ok := BillType_name[int32(b.Type)]; !ok || b.Type == BILL_TYPE_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidField, "unknown type %d", b.Type)
	}
	if _, ok := BillMode_name[int32(b.Mode)]; !ok || b.Mode == BILL_MODE_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidField, "unknown mode %d", b.Mode)
	}
	if b.Version == 0 {
		return errorsmod.Wrap(ErrInvalidField, "version starts at 1")
	}
	for _, refs := range [][]string{b.Replaces, b.ReplacedBy} {
		if len(refs) > MaxReplacements {
			return errorsmod.Wrapf(ErrInvalidField, "bill %s names %d replaced or replacing bills; at most %d", b.Id, len(refs), MaxReplacements)
		}
		for _, id := range refs {
			if err := ValidateBillID(id); err != nil {
				return err
			}
		}
	}
	return nil
}
