package types

import "cosmossdk.io/collections"

const (
	ModuleName = "tradefinance"
	StoreKey   = ModuleName
	// DepositPrefix starts every deposit-token denom: td-<bankcode>-<ccy>.
	DepositPrefix = "td-"
	// DefaultPresentationDays is UCP 600 Art. 14(c): 21 calendar days after shipment.
	DefaultPresentationDays = 21
)

var (
	ParamsKey        = collections.NewPrefix(0)
	LCsKey           = collections.NewPrefix(1)
	LCSeqKey         = collections.NewPrefix(2)
	PresentationsKey = collections.NewPrefix(3)
	DeadlinesKey     = collections.NewPrefix(4)
	InvoicesKey      = collections.NewPrefix(5)
	InvoiceFPKey     = collections.NewPrefix(6)
	InvoiceSeqKey    = collections.NewPrefix(7)
	FinancingsKey    = collections.NewPrefix(8)
	FinancingSeqKey  = collections.NewPrefix(9)
	InvoiceDocKey    = collections.NewPrefix(10)
	// PresentedDocsKey indexes presentations by the documents presented.
	PresentedDocsKey = collections.NewPrefix(11)
	// PartyRecordsKey: (party, kind, id) of the LCs a party is beneficiary of,
	// the invoices it sold and the financings of them, for its track record.
	PartyRecordsKey = collections.NewPrefix(12)
)

// LienModule names this module in the liens it places on bills.
const LienModule = ModuleName

// Kinds of PartyRecords entries.
const (
	PartyRecordLC        int32 = 1 // the party is the LC's beneficiary
	PartyRecordInvoice   int32 = 2 // the party is the invoice's seller
	PartyRecordFinancing int32 = 3 // the party is the financed seller
)
