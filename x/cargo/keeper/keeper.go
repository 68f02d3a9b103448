// Package keeper holds x/cargo's state and its state transitions.
package keeper

import (
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"context"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"
	"cosmossdk.io/core/store"
	"cosmossdk.io/log"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	porttypes "github.com/cosmos/ibc-go/v8/modules/core/05-port/types"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// BillIndexes are the secondary indexes of bills.
type BillIndexes struct {
	// Holder: (party, bill id) for the holder now, every party that held
	// the bill before on this zone and its shipper (HolderIndex).
	Holder *HolderIndex
	// Carrier: (carrier, bill id) only for the bills outside their
	// carrier's own range of ids (CarrierIndex).
	Carrier *CarrierIndex
	// Status lists each status's bills oldest first and counts them.
	Status *StatusIndex
}

// IndexesList implements collections.Indexes.
func (i BillIndexes) IndexesList() []collections.Index[string, types.Bill] {
	return []collections.Index[string, types.Bill]{i.Holder, i.Carrier, i.Status}
}

// PartyIndexes are the secondary indexes of parties.
type PartyIndexes struct {
	Code *indexes.Unique[string, string, types.Party]
}

// IndexesList implements collections.Indexes.
func (i PartyIndexes) IndexesList() []collections.Index[string, types.Party] {
	return []collections.Index[string, types.Party]{i.Code}
}

// ConsentIndexes are the secondary indexes of consents.
type ConsentIndexes struct {
	Granter *MultiIndex[string, uint64, types.Consent]
	Grantee *MultiIndex[string, uint64, types.Consent]
}

// IndexesList implements collections.Indexes.
func (i ConsentIndexes) IndexesList() []collections.Index[uint64, types.Consent] {
	return []collections.Index[uint64, types.Consent]{i.Granter, i.Grantee}
}

// Keeper is x/cargo's state. The whole layout is the collections below.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	// authority is the governance account: it may update params and parties.
	authority string

	Schema collections.Schema
	Params collections.Item[types.Params]
	// Parties by bech32 address; unique index by party code.
	Parties *collections.IndexedMap[string, types.Party, PartyIndexes]
	// Bills by id, indexed by holder, carrier and status (BillMap: one
	// read of the stored bill serves every index on a write).
	Bills *BillMap
	// History of each bill: (bill id, sequence) -> entry; sequence starts at
	// 1. Kept in the bill's own key range (billrange.go), so it belongs to
	// HistorySchema, not Schema.
	History       collections.Map[collections.Pair[string, uint64], types.HistoryEntry]
	HistorySchema collections.Schema
	// legacyHistory is where version 2 kept the history (LegacyHistoryKey),
	// read and emptied by Migrate2to3 (MigrateHistoryLayout).
	legacyHistory collections.Map[collections.Pair[string, uint64], types.HistoryEntry]
	// Milestones of each bill: (bill id, sequence) -> milestone.
	Milestones collections.Map[collections.Pair[string, uint64], types.Milestone]
	// MilestoneCount of each bill, so the limit is checked without a scan.
	MilestoneCount collections.Map[string, uint64]
	// DocumentRecords are the documents' records by hash (lower-case hex
	// SHA-256): the bill's transport document anchor — one bill per
	// document on this zone; only issuing, amending or receiving a bill
	// writes one — and the corridor registry's record of the hash (its
	// registry part), one record so that an issuance places one key by hash
	// (see documents.go). Documents is the view of their anchor parts.
	DocumentRecords collections.Map[string, types.Document]
	Documents       BillDocuments
	// Anchors are the parties' own document anchors by (hash, anchorer):
	// one per party and hash, withdrawn ones kept with their history.
	Anchors collections.Map[collections.Pair[string, string], types.Document]
	// RejectedBills are REJECTED_DUPLICATE records that a bill arriving
	// under the same id replaced, by id, and their history by (id, sequence).
	RejectedBills   collections.Map[string, types.Bill]
	RejectedHistory collections.Map[collections.Pair[string, uint64], types.HistoryEntry]
	// HandedOverBills are EXPORTED tombstones whose bill continued on the
	// other zone and came back here, by (id, archive), and their history by
	// (id, archive, sequence): handback.go.
	HandedOverBills   collections.Map[collections.Pair[string, uint64], types.HandedOverBill]
	HandedOverHistory collections.Map[collections.Triple[string, uint64, uint64], types.HistoryEntry]
	// Consents by id, indexed by granter and grantee.
	Consents   *collections.IndexedMap[uint64, types.Consent, ConsentIndexes]
	ConsentSeq collections.Sequence
	// AccessRecords: the gateway's releases of documents under consents, by
	// id, listed per owner by AccessByOwner (owner, id).
	AccessRecords collections.Map[uint64, types.AccessRecord]
	AccessByOwner collections.KeySet[collections.Pair[string, uint64]]
	AccessSeq     collections.Sequence
	// ClassTraces known to this zone ("ebl", "cargo/channel-0/ebl", ...).
	ClassTraces collections.KeySet[string]
	// RegistryKeys is the corridor registry as this zone knows it, but for
	// document hashes (kept in DocumentRecords): (INVOICE, key) and (BILL,
	// the bill's identity: carrier code and folded reference) -> record.
	RegistryKeys collections.Map[collections.Pair[int32, string], types.RegistryKey]
	// RegistryOpen indexes the reservations still open — PENDING or
	// TIMED_OUT — by (status, (reference, (kind, key as kept))): by the
	// record the key is reserved for (a bill id, an invoice's reference),
	// not by the key's hash, so that a pending issuance places no index
	// entry by hash (issue 40). Held keys are not indexed.
	RegistryOpen collections.KeySet[OpenReservation]
	// legacyRegistryOpen is version 2's index, (status, (kind, key)), read
	// and emptied by Migrate2to3 (MigrateRegistryOpenLayout).
	legacyRegistryOpen collections.KeySet[collections.Pair[int32, collections.Pair[int32, string]]]
	// legacyStatus is version 2's status index, (status, bill id), read and
	// emptied by Migrate2to3 (MigrateStatusLayout).
	legacyStatus collections.KeySet[collections.Pair[int32, string]]
	// Collisions are the identities two records of this zone shared when the
	// v3 upgrade re-keyed the registry by meaning: (key kind, key, the other
	// record's zone/reference) -> collision. Listed, never deleted.
	Collisions collections.Map[collections.Triple[int32, string, string], types.IdentityCollision]

	// Holds by (subject kind, bill id or party address).
	Holds collections.Map[collections.Pair[int32, string], types.Hold]
	// HoldCount is how many holds of each subject kind are in force, written
	// for both kinds even at zero: an action on a bill asks whether the bill,
	// its holder and its recipient are held, and while no hold of a kind is
	// in force the answer comes from this one hot key instead of a lookup of
	// a key that is not there (which the inter-block cache does not keep, so
	// it reads every level of the database).
	HoldCount collections.Map[int32, uint64]

	// DCSA PINT. EblPlatforms are the trusted eBL platforms by code.
	EblPlatforms collections.Map[string, types.EblPlatform]
	// PintEnvelopes are the envelopes bills were imported with, verbatim, by
	// their last transfer chain entry checksum (the envelope's PINT identity);
	// PintEnvelopesByBill lists them per bill: (bill id, history sequence,
	// checksum).
	PintEnvelopes       collections.Map[string, types.PintEnvelope]
	PintEnvelopesByBill collections.KeySet[collections.Triple[string, uint64, string]]

	// owners of registry keys by kind (a pointer: x/tradefinance registers
	// itself after this keeper has been copied into other keepers).
	owners *registryOwners
	// anchorUsers are the modules whose records rely on parties' anchors (a
	// pointer, for the same reason as owners).
	anchorUsers *anchorUsers

	// IBC: the cargo port (ICS-721 over channel version ics721-1).
	ics4        porttypes.ICS4Wrapper
	channels    types.ChannelKeeper
	connections types.ConnectionKeeper
	clients     types.ClientKeeper
	ports       types.PortKeeper
	scoped      types.ScopedKeeper
	// registryScoped holds the registry port's channel capabilities.
	registryScoped types.ScopedKeeper

	// validators: x/staking and the stake minter, for the zone authority's
	// validator-set messages.
	validators ValidatorSetKeepers
}

// ValidatorSetKeepers are what MsgSetValidatorPower changes the validator set
// through: x/staking's own message server (so its hooks, distribution and
// slashing bookkeeping run as for any delegation) and the bank keeper that
// mints the stake.
type ValidatorSetKeepers struct {
	Staking     types.StakingKeeper
	StakingMsgs stakingtypes.MsgServer
	Bank        types.BankMinter
}

// IBCKeepers are the IBC dependencies of the cargo port.
type IBCKeepers struct {
	ICS4Wrapper porttypes.ICS4Wrapper
	Channels    types.ChannelKeeper
	Connections types.ConnectionKeeper
	Clients     types.ClientKeeper
	Ports       types.PortKeeper
	Scoped      types.ScopedKeeper
	// RegistryScoped is the capability scope of the registry port.
	RegistryScoped types.ScopedKeeper
}

// NewKeeper builds the keeper. authority is the x/gov module account address.
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, addressCodec address.Codec, authority string, ibc IBCKeepers, validators ValidatorSetKeepers) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(fmt.Errorf("invalid cargo authority address: %w", err))
	}
	sb := collections.NewSchemaBuilder(storeService)
	parties := collections.NewIndexedMap(sb, types.PartiesKey, "parties", collections.StringKey, codec.CollValue[types.Party](cdc),
		PartyIndexes{
			Code: indexes.NewUnique(sb, types.PartiesByCodeKey, "parties_by_code", collections.StringKey, collections.StringKey,
				func(_ string, p types.Party) (string, error) { return p.Code, nil }),
		})
	k := Keeper{
		cdc:          cdc,
		addressCodec: addressCodec,
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Parties:      parties,
		Bills: NewBillMap(sb, storeService.OpenKVStore, codec.CollValue[types.Bill](cdc),
			BillIndexes{
				Holder:  NewHolderIndex(sb),
				Carrier: NewCarrierIndex(sb, parties),
				Status:  NewStatusIndex(sb),
			}),
		legacyHistory: collections.NewMap(sb, types.LegacyHistoryKey, "legacy_history",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), codec.CollValue[types.HistoryEntry](cdc)),
		Milestones: collections.NewMap(sb, types.MilestonesKey, "milestones",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), codec.CollValue[types.Milestone](cdc)),
		MilestoneCount:  collections.NewMap(sb, types.MilestoneCountKey, "milestone_count", collections.StringKey, collections.Uint64Value),
		DocumentRecords: collections.NewMap(sb, types.DocumentsKey, "documents", collections.StringKey, codec.CollValue[types.Document](cdc)),
		Anchors: collections.NewMap(sb, types.AnchorsKey, "anchors",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey), codec.CollValue[types.Document](cdc)),
		RejectedBills: collections.NewMap(sb, types.RejectedBillsKey, "rejected_bills", collections.StringKey, codec.CollValue[types.Bill](cdc)),
		RejectedHistory: collections.NewMap(sb, types.RejectedHistoryKey, "rejected_history",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), codec.CollValue[types.HistoryEntry](cdc)),
		HandedOverBills: collections.NewMap(sb, types.HandedOverBillsKey, "handed_over_bills",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), codec.CollValue[types.HandedOverBill](cdc)),
		HandedOverHistory: collections.NewMap(sb, types.HandedOverHistoryKey, "handed_over_history",
			collections.TripleKeyCodec(collections.StringKey, collections.Uint64Key, collections.Uint64Key), codec.CollValue[types.HistoryEntry](cdc)),
		Consents: collections.NewIndexedMap(sb, types.ConsentsKey, "consents", collections.Uint64Key, codec.CollValue[types.Consent](cdc),
			ConsentIndexes{
				Granter: NewMultiIndex(sb, types.ConsentsByGranterKey, "consents_by_granter", collections.StringKey, collections.Uint64Key,
					func(_ uint64, c types.Consent) string { return c.Granter }),
				Grantee: NewMultiIndex(sb, types.ConsentsByGranteeKey, "consents_by_grantee", collections.StringKey, collections.Uint64Key,
					func(_ uint64, c types.Consent) string { return c.Grantee }),
			}),
		ConsentSeq: collections.NewSequence(sb, types.ConsentSeqKey, "consent_seq"),
		AccessRecords: collections.NewMap(sb, types.AccessRecordsKey, "access_records", collections.Uint64Key,
			codec.CollValue[types.AccessRecord](cdc)),
		AccessByOwner: collections.NewKeySet(sb, types.AccessByOwnerKey, "access_by_owner",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)),
		AccessSeq:   collections.NewSequence(sb, types.AccessSeqKey, "access_seq"),
		ClassTraces: collections.NewKeySet(sb, types.ClassTracesKey, "class_traces", collections.StringKey),
		RegistryKeys: collections.NewMap(sb, types.RegistryKeysKey, "registry_keys",
			collections.PairKeyCodec(collections.Int32Key, collections.StringKey), codec.CollValue[types.RegistryKey](cdc)),
		RegistryOpen: collections.NewKeySet(sb, types.RegistryOpenKey, "registry_open",
			collections.PairKeyCodec(collections.Int32Key, collections.PairKeyCodec(collections.StringKey,
				collections.PairKeyCodec(collections.Int32Key, collections.StringKey)))),
		legacyRegistryOpen: collections.NewKeySet(sb, types.LegacyRegistryOpenKey, "legacy_registry_open",
			collections.PairKeyCodec(collections.Int32Key, collections.PairKeyCodec(collections.Int32Key, collections.StringKey))),
		legacyStatus: collections.NewKeySet(sb, types.LegacyBillsByStatusKey, "legacy_bills_by_status",
			collections.PairKeyCodec(collections.Int32Key, collections.StringKey)),
		Collisions: collections.NewMap(sb, types.CollisionsKey, "collisions",
			collections.TripleKeyCodec(collections.Int32Key, collections.StringKey, collections.StringKey), codec.CollValue[types.IdentityCollision](cdc)),
		Holds: collections.NewMap(sb, types.HoldsKey, "holds",
			collections.PairKeyCodec(collections.Int32Key, collections.StringKey), codec.CollValue[types.Hold](cdc)),
		HoldCount:     collections.NewMap(sb, types.HoldCountKey, "hold_count", collections.Int32Key, collections.Uint64Value),
		EblPlatforms:  collections.NewMap(sb, types.EblPlatformsKey, "ebl_platforms", collections.StringKey, codec.CollValue[types.EblPlatform](cdc)),
		PintEnvelopes: collections.NewMap(sb, types.PintEnvelopesKey, "pint_envelopes", collections.StringKey, codec.CollValue[types.PintEnvelope](cdc)),
		PintEnvelopesByBill: collections.NewKeySet(sb, types.PintEnvelopesByBillKey, "pint_envelopes_by_bill",
			collections.TripleKeyCodec(collections.StringKey, collections.Uint64Key, collections.StringKey)),
		owners:         &registryOwners{},
		anchorUsers:    &anchorUsers{},
		registryScoped: ibc.RegistryScoped,
		ics4:           ibc.ICS4Wrapper,
		channels:       ibc.Channels,
		connections:    ibc.Connections,
		clients:        ibc.Clients,
		ports:          ibc.Ports,
		scoped:         ibc.Scoped,
		validators:     validators,
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	// The history shares the bills' key range (billrange.go): it is a
	// collection of a schema of its own, read through historyOnly.
	hsb := collections.NewSchemaBuilderFromAccessor(historyOnly(storeService.OpenKVStore))
	k.History = collections.NewMap(hsb, types.HistoryKey, "history",
		collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), codec.CollValue[types.HistoryEntry](cdc))
	if k.HistorySchema, err = hsb.Build(); err != nil {
		panic(err)
	}
	k.Documents = BillDocuments{records: k.DocumentRecords}
	return k
}

// Authority returns the governance authority address.
func (k Keeper) Authority() string { return k.authority }

// Logger returns the module logger.
func (k Keeper) Logger(ctx context.Context) log.Logger {
	return sdk.UnwrapSDKContext(ctx).Logger().With("module", "x/"+types.ModuleName)
}
