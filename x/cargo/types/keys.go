package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the module, its store key and router key.
	ModuleName = "cargo"
	StoreKey   = ModuleName

	// PortID is the IBC port eBLs travel on.
	PortID = "cargo"
	// Version is the IBC channel version of the cargo port (ICS-721 v1).
	Version = "ics721-1"
	// ClassID is the ICS-721 class of eBLs on their home zone.
	ClassID = "ebl"

	// RegistryPortID is the IBC port of the corridor registry; it is also
	// the name its capabilities are scoped to and its IBC router key.
	RegistryPortID = "registry"
	// RegistryVersion is the channel version of the registry port.
	RegistryVersion = "tradechain-registry-1"
)

// Store prefixes: one per collection, declared once.
var (
	ParamsKey        = collections.NewPrefix(0)
	PartiesKey       = collections.NewPrefix(1)
	PartiesByCodeKey = collections.NewPrefix(2)
	BillsKey         = collections.NewPrefix(3)
	// BillsByHolderKey: (party, bill id) for a bill's holder now (empty
	// value), every party that held it before on this zone and its shipper
	// (value 01).
	BillsByHolderKey  = collections.NewPrefix(4)
	BillsByCarrierKey = collections.NewPrefix(5)
	// LegacyBillsByStatusKey (6): version 2's status index, (status, bill
	// id); retired by version 3 (BillsByStatusKey), read only by its
	// migration.
	LegacyBillsByStatusKey = collections.NewPrefix(6)
	// HistoryKey: a bill's history entries are kept in its own key range,
	// (bill id, sequence) right after the bill under the bills' prefix, so
	// that a transaction's writes on one bill cluster in the IAVL tree
	// (keeper/billrange.go; issue 40). Up to version 2 they were a
	// collection of their own under LegacyHistoryKey; Migrate2to3 moves them.
	HistoryKey = BillsKey
	// LegacyHistoryKey (7) is where version 2 kept the history; retired by
	// version 3, read only by its migration.
	LegacyHistoryKey     = collections.NewPrefix(7)
	MilestonesKey        = collections.NewPrefix(8)
	DocumentsKey         = collections.NewPrefix(9)
	ConsentsKey          = collections.NewPrefix(10)
	ConsentsByGranterKey = collections.NewPrefix(11)
	ConsentsByGranteeKey = collections.NewPrefix(12)
	ConsentSeqKey        = collections.NewPrefix(13)
	MilestoneCountKey    = collections.NewPrefix(14)
	ClassTracesKey       = collections.NewPrefix(15)
	RegistryKeysKey      = collections.NewPrefix(16)
	// LegacyRegistryOpenKey (17): version 2's open-reservation index, by
	// (status, kind, key) — a PENDING document hash placed by its hash.
	// Retired by version 3 (RegistryOpenKey), read only by its migration.
	LegacyRegistryOpenKey = collections.NewPrefix(17)
	HoldsKey              = collections.NewPrefix(18)
	HoldCountKey          = collections.NewPrefix(19)
	BillsByStatusCountKey = collections.NewPrefix(20)
	AnchorsKey            = collections.NewPrefix(21)
	RejectedBillsKey      = collections.NewPrefix(22)
	RejectedHistoryKey    = collections.NewPrefix(23)
	CollisionsKey         = collections.NewPrefix(24)
	// DCSA PINT (issue 37): 25–29.
	EblPlatformsKey        = collections.NewPrefix(25)
	PintEnvelopesKey       = collections.NewPrefix(26)
	PintEnvelopesByBillKey = collections.NewPrefix(27)
	// HandedOverBillsKey: (bill id, archive) -> an EXPORTED tombstone whose
	// bill continued on the other zone and came back here;
	// HandedOverHistoryKey: (bill id, archive, sequence) -> its history.
	HandedOverBillsKey   = collections.NewPrefix(28)
	HandedOverHistoryKey = collections.NewPrefix(29)

	// Consent-gated data sharing (30–32).
	AccessRecordsKey = collections.NewPrefix(30)
	AccessByOwnerKey = collections.NewPrefix(31)
	AccessSeqKey     = collections.NewPrefix(32)
	// 33 held (shipper, bill id) while v3 was developed (in no release);
	// the shippers are BillsByHolderKey's (issue 40). Not to be reused.

	// Performance (issue 40): 34–36.
	// RegistryOpenKey: the open reservations by (status, (record's reference,
	// (kind, key))) — placed by the record (bill id, invoice reference), so
	// that a PENDING issuance's entries sit beside each other and beside no
	// hash (version 2 kept them by (status, kind, key) under 17).
	RegistryOpenKey = collections.NewPrefix(34)
	// BillsByStatusKey: (status, status_since, bill id) — each status's
	// bills in the order they took it, so that the bills taking a status in
	// a block sit side by side at the end of its range (version 2 kept
	// (status, bill id) under 6).
	BillsByStatusKey = collections.NewPrefix(35)
)

// ConsentScopeAll is the scope of a consent to all of the granter's trade data.
const ConsentScopeAll = "*"

// ConsentScopeDocPrefix starts the scope of a consent to one document:
// "doc:<64 lower-case hex SHA-256>".
const ConsentScopeDocPrefix = "doc:"
