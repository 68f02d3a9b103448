// Package cli holds the hand-written x/cargo commands; autocli generates the rest.
package cli

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/x/cargo/dcsa"
	"github.com/tradechain/tradechain/x/cargo/types"
)

const (
	flagDocument  = "document"
	flagIssueTo   = "issue-to"
	flagConsignee = "consignee"
	flagEndorsee  = "endorsee"
	flagIssueDate = "issue-date"
)

// TxCmd returns the module's tx command with the hand-written subcommands.
func TxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "eBL, milestone, document and consent transactions",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(IssueBillCmd(), RegisterPartyCmd(false), RegisterPartyCmd(true), RequestSurrenderCmd(), RecordMilestoneCmd(), GrantConsentCmd())
	cmd.AddCommand(CorridorLinkCmds()...)
	cmd.AddCommand(RetryReservationCmd())
	cmd.AddCommand(HoldCmds()...)
	cmd.AddCommand(SplitBillCmd(), CombineBillsCmd())
	cmd.AddCommand(SetEblPlatformCmd(), ImportBillCmd(), ExportBillCmd())
	return cmd
}

// QueryCmd returns the module's query command with the hand-written subcommands.
func QueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Query parties, bills, milestones, documents and consents",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(VerifyDocumentCmd())
	cmd.AddCommand(queryCommands()...)
	return cmd
}

// IssueBillCmd issues a bill from a DCSA eBL 3.0 transport document.
func IssueBillCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "issue-bill --document FILE --issue-to ADDRESS [--consignee ADDRESS] [--endorsee ADDRESS]",
		Short: "Issue an eBL from a DCSA eBL 3.0 transport-document JSON (carrier)",
		Long: `Reads a DCSA eBL 3.0 transport document, checks its required fields and status
(APPROVED or ISSUED; a DRAFT is refused), computes the SHA-256 of its RFC 8785
canonical JSON, and issues the bill with the on-chain fields taken from it:
reference, type (BOL/SWB), mode (isToOrder and endorsee), ports of loading and
discharge, shipped-on-board date. The document itself stays with you.

The signer must be a registered CARRIER whose party code is the document's
carrierCode; the bill id is <carrierCode>-<transportDocumentReference>.`,
		Example: "tradechaind tx cargo issue-bill --document examples/ebl-shanghai-hongkong.json --issue-to trade1... --endorsee trade1... --from carrier",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			path, _ := cmd.Flags().GetString(flagDocument)
			doc, err := readDocument(path)
			if err != nil {
				return err
			}
			carrier := clientCtx.GetFromAddress().String()
			party, err := types.NewQueryClient(clientCtx).Party(cmd.Context(), &types.QueryPartyRequest{Address: carrier})
			if err != nil {
				return fmt.Errorf("the signer %s must be a registered carrier: %w", carrier, err)
			}
			if party.Party.Code != doc.CarrierCode {
				return fmt.Errorf("the document's carrierCode is %s but the signer is registered as %s", doc.CarrierCode, party.Party.Code)
			}
			issueTo, _ := cmd.Flags().GetString(flagIssueTo)
			consignee, _ := cmd.Flags().GetString(flagConsignee)
			endorsee, _ := cmd.Flags().GetString(flagEndorsee)
			issueDate, _ := cmd.Flags().GetString(flagIssueDate)
			if issueDate == "" {
				issueDate = doc.IssueDate
			}
			if issueDate == "" {
				issueDate = time.Now().UTC().Format(types.DateLayout)
			}
			msg := &types.MsgIssueBill{
				Carrier:                    carrier,
				TransportDocumentReference: doc.Reference,
				Type:                       types.BillType(types.BillType_value["BILL_TYPE_"+doc.TypeCode]),
				Mode:                       types.BillMode(types.BillMode_value["BILL_MODE_"+doc.Mode()]),
				IssueTo:                    issueTo,
				Consignee:                  consignee,
				Endorsee:                   endorsee,
				DocumentHash:               doc.Hash,
				PortOfLoading:              doc.PortOfLoading,
				PortOfDischarge:            doc.PortOfDischarge,
				IssueDate:                  issueDate,
				ShippedOnBoardDate:         doc.ShippedOnBoardDate,
			}
			msg.Remark, _ = cmd.Flags().GetString(FlagRemark)
			if doc.Mode() == "BLANK" && endorsee != "" {
				return fmt.Errorf("the document names no endorsee (blank endorsed): drop --%s", flagEndorsee)
			}
			if err := msg.ValidateBasic(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().String(flagDocument, "", "DCSA eBL 3.0 transport document (JSON file)")
	cmd.Flags().String(flagIssueTo, "", "address of the party that receives control (the shipper)")
	cmd.Flags().String(flagConsignee, "", "address of the named consignee (required for a straight bill)")
	cmd.Flags().String(flagEndorsee, "", "address of the endorsee named in the document (to-order bills)")
	cmd.Flags().String(flagIssueDate, "", "issue date YYYY-MM-DD (default: the document's issueDate, else today, UTC)")
	cmd.Flags().String(FlagRemark, "", RemarkUsage)
	_ = cmd.MarkFlagRequired(flagDocument)
	_ = cmd.MarkFlagRequired(flagIssueTo)
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// VerifyDocumentCmd hashes a local file and reports whether it is anchored.
func VerifyDocumentCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify-document FILE",
		Short: "Hash a local document and say whether, by whom and for which bill it is anchored",
		Long: `Computes the SHA-256 the chain uses for FILE — of the RFC 8785 canonical form
for JSON (such as a DCSA transport document), of the raw bytes otherwise — and
looks it up. "document" is what it is anchored as: for a transport document,
the bill its carrier issued; otherwise the earliest party anchor in force.
"anchors" lists every party's own anchor of it, withdrawn ones with their
history. Exits non-zero if the document is not anchored on this zone (never
anchored, or every anchor withdrawn).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			bz, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			hash, err := DocumentHash(bz)
			if err != nil {
				return err
			}
			res, err := types.NewQueryClient(clientCtx).Document(cmd.Context(), &types.QueryDocumentRequest{Hash: hash})
			if status.Code(err) == codes.NotFound {
				return fmt.Errorf("NOT ANCHORED: %s (sha256 %s) is not anchored on %s", args[0], hash, zoneName(cmd, clientCtx))
			}
			if err != nil {
				return err
			}
			if err := clientCtx.PrintProto(res); err != nil {
				return err
			}
			if res.Document.Hash == "" {
				return fmt.Errorf("NOT ANCHORED: %s (sha256 %s): every anchor of it on %s was withdrawn (see anchors)", args[0], hash, zoneName(cmd, clientCtx))
			}
			return nil
		},
	}
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

// zoneName is the chain id of the node a query went to, as the node reports
// it (the client's --chain-id may be unset for queries).
func zoneName(cmd *cobra.Command, clientCtx client.Context) string {
	if clientCtx.Client != nil {
		if st, err := clientCtx.Client.Status(cmd.Context()); err == nil && st.NodeInfo.Network != "" {
			return st.NodeInfo.Network
		}
	}
	if clientCtx.ChainID != "" {
		return clientCtx.ChainID
	}
	return "the zone at " + clientCtx.NodeURI
}

// DocumentHash is the hash the chain binds a document by: SHA-256 of the RFC
// 8785 canonical JSON for JSON documents, of the raw bytes otherwise.
func DocumentHash(bz []byte) (string, error) {
	trimmed := strings.TrimSpace(string(bz))
	if strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
		return dcsa.Hash(bz)
	}
	return dcsa.RawHash(bz), nil
}

func readDocument(path string) (*dcsa.TransportDocument, error) {
	if path == "" {
		return nil, fmt.Errorf("--%s is required", flagDocument)
	}
	bz, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(bz) > dcsa.MaxDocumentSize {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, dcsa.MaxDocumentSize)
	}
	doc, err := dcsa.Parse(bz)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}

// replacementsFrom reads the new DCSA transport documents of a split or a
// combination: each gives its reference and hash, and its carrierCode must be
// the signing carrier's party code (the new bill ids start with it).
func replacementsFrom(cmd *cobra.Command, clientCtx client.Context, paths []string) ([]types.BillReplacement, error) {
	carrier := clientCtx.GetFromAddress().String()
	party, err := types.NewQueryClient(clientCtx).Party(cmd.Context(), &types.QueryPartyRequest{Address: carrier})
	if err != nil {
		return nil, fmt.Errorf("the signer %s must be a registered carrier: %w", carrier, err)
	}
	out := make([]types.BillReplacement, 0, len(paths))
	for _, path := range paths {
		doc, err := readDocument(path)
		if err != nil {
			return nil, err
		}
		if doc.CarrierCode != party.Party.Code {
			return nil, fmt.Errorf("%s: carrierCode is %s but the signer is registered as %s", path, doc.CarrierCode, party.Party.Code)
		}
		out = append(out, types.BillReplacement{TransportDocumentReference: doc.Reference, DocumentHash: doc.Hash})
	}
	return out, nil
}

// SplitBillCmd replaces a bill surrendered for amendment by several.
func SplitBillCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "split-bill [bill-id] [new-document.json] [new-document.json]...",
		Short: "Replace a bill surrendered for amendment by 2-20 new bills, one per new DCSA transport document (carrier)",
		Long: `The old bill becomes VOIDED and names its replacements; each new bill is issued
from its DCSA eBL 3.0 document (reference and RFC 8785 hash), names the bill it
replaces, and goes to the holder who surrendered. With a corridor registry
channel the new bills are PENDING until the other zone confirms their documents.`,
		Example: "tradechaind tx cargo split-bill COS-COSU6385270140 part-a.json part-b.json --from carrier",
		Args:    cobra.RangeArgs(3, 1+types.MaxReplacements),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			reps, err := replacementsFrom(cmd, clientCtx, args[1:])
			if err != nil {
				return err
			}
			msg := &types.MsgSplitBill{Carrier: clientCtx.GetFromAddress().String(), BillId: args[0], Replacements: reps}
			msg.Remark, _ = cmd.Flags().GetString(FlagRemark)
			if err := msg.ValidateBasic(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().String(FlagRemark, "", RemarkUsage)
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// CombineBillsCmd replaces several bills surrendered for amendment by one.
func CombineBillsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "combine-bills [new-document.json] [bill-id] [bill-id]...",
		Short: "Replace 2-20 bills surrendered for amendment by the same holder (same parties and route) by one new bill (carrier)",
		Long: `The old bills become VOIDED and name the new one; the new bill is issued from
its DCSA eBL 3.0 document, names the bills it replaces, and goes to the holder
who surrendered them.`,
		Example: "tradechaind tx cargo combine-bills combined.json COS-PART1 COS-PART2 --from carrier",
		Args:    cobra.RangeArgs(3, 1+types.MaxReplacements),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			reps, err := replacementsFrom(cmd, clientCtx, args[:1])
			if err != nil {
				return err
			}
			msg := &types.MsgCombineBills{Carrier: clientCtx.GetFromAddress().String(), BillIds: args[1:], Replacement: reps[0]}
			msg.Remark, _ = cmd.Flags().GetString(FlagRemark)
			if err := msg.ValidateBasic(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().String(FlagRemark, "", RemarkUsage)
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// RecordMilestoneCmd records a DCSA track-and-trace event.
func RecordMilestoneCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "record-milestone [bill-id] [event-code] [classifier] [location] [event-time]",
		Short: "Record a DCSA event against a bill (CARRIER, TERMINAL or CUSTOMS)",
		Long: `Event codes: ` + strings.Join(types.EventCodes, " ") + `; classifiers: ` + strings.Join(types.Classifiers, " ") + `
(planned, estimated, actual); location: a UN/LOCODE; event-time: RFC 3339.`,
		Example: "tradechaind tx cargo record-milestone COS-COSU6385270140 LOAD ACT CNSHA 2026-05-03T06:00:00Z --from carrier",
		Args:    cobra.ExactArgs(5),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			at, err := time.Parse(time.RFC3339, args[4])
			if err != nil {
				return fmt.Errorf("event-time %q: want RFC 3339, e.g. 2026-05-03T06:00:00Z", args[4])
			}
			msg := &types.MsgRecordMilestone{
				Recorder: clientCtx.GetFromAddress().String(), BillId: args[0], EventCode: args[1],
				Classifier: args[2], Location: args[3], EventTime: at.UTC(),
			}
			if err := msg.ValidateBasic(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// GrantConsentCmd grants a party access to the signer's trade data.
func GrantConsentCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "grant-consent [grantee] [scope] [purpose] [expires-at]",
		Short:   "Let a party (typically a bank) rely on your trade data for a purpose until a time (scope: a bill id or *)",
		Example: `tradechaind tx cargo grant-consent trade1... COS-COSU6385270140 "LC examination" 2026-06-30T00:00:00Z --from exporter`,
		Args:    cobra.ExactArgs(4),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			at, err := time.Parse(time.RFC3339, args[3])
			if err != nil {
				return fmt.Errorf("expires-at %q: want RFC 3339, e.g. 2026-06-30T00:00:00Z", args[3])
			}
			msg := &types.MsgGrantConsent{
				Granter: clientCtx.GetFromAddress().String(), Grantee: args[0], Scope: args[1], Purpose: args[2], ExpiresAt: at.UTC(),
			}
			if err := msg.ValidateBasic(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// RequestSurrenderCmd surrenders a bill to its carrier.
func RequestSurrenderCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "request-surrender [bill-id] [delivery|amendment] [reason]",
		Short: "Surrender a bill to its carrier, for delivery of the goods or for amendment (reason SWTP, COD or SWI)",
		Example: `tradechaind tx cargo request-surrender COS-COSU6385270140 delivery --from importer
tradechaind tx cargo request-surrender COS-COSU6385270140 amendment COD --from exporter`,
		Args: cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			purpose, ok := map[string]types.SurrenderPurpose{
				"delivery": types.SURRENDER_PURPOSE_DELIVERY, "amendment": types.SURRENDER_PURPOSE_AMENDMENT,
			}[strings.ToLower(args[1])]
			if !ok {
				return fmt.Errorf("purpose %q: want delivery or amendment", args[1])
			}
			msg := &types.MsgRequestSurrender{Holder: clientCtx.GetFromAddress().String(), BillId: args[0], Purpose: purpose}
			if len(args) == 3 {
				msg.Reason = args[2]
			}
			msg.Remark, _ = cmd.Flags().GetString(FlagRemark)
			if err := msg.ValidateBasic(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().String(FlagRemark, "", RemarkUsage)
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// FlagRemark is the optional remark of a bill action, kept in its history
// entry and event; RemarkUsage is its help line (the generated commands use
// it too).
const (
	FlagRemark  = "remark"
	RemarkUsage = "an optional note kept with this action in the bill's history and event (at most 120 bytes, one line)"
)

// RegisterPartyCmd builds register-party (update=false) or update-party.
func RegisterPartyCmd(update bool) *cobra.Command {
	use, short := "register-party", "Register a party of this zone (governance authority or the cargo admin)"
	if update {
		use, short = "update-party", "Replace a party's record; --deactivate stops it from starting new actions"
	}
	cmd := &cobra.Command{
		Use:     use + " [address] [code] [name] [jurisdiction] [roles]",
		Short:   short,
		Long:    short + ".\nroles is a comma-separated list of CARRIER, BANK, TRADER, CUSTOMS, TERMINAL, INSURER, REGULATOR, RELAYER.",
		Example: "tradechaind tx cargo " + use + ` trade1... COS "COSCO Shipping Lines" CN CARRIER --from admin`,
		Args:    cobra.ExactArgs(5),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			lei, _ := cmd.Flags().GetString("lei")
			party := types.Party{Address: args[0], Code: args[1], Name: args[2], Jurisdiction: args[3], Lei: lei, Active: true}
			for _, r := range strings.Split(args[4], ",") {
				role, ok := types.Role_value["ROLE_"+strings.ToUpper(strings.TrimSpace(r))]
				if !ok || role == 0 {
					return fmt.Errorf("unknown role %q: want CARRIER, BANK, TRADER, CUSTOMS, TERMINAL, INSURER or REGULATOR", r)
				}
				party.Roles = append(party.Roles, types.Role(role))
			}
			authority := clientCtx.GetFromAddress().String()
			var msg interface {
				sdk.Msg
				ValidateBasic() error
			}
			if update {
				deactivate, _ := cmd.Flags().GetBool("deactivate")
				party.Active = !deactivate
				msg = &types.MsgUpdateParty{Authority: authority, Party: party}
			} else {
				msg = &types.MsgRegisterParty{Authority: authority, Party: party}
			}
			if err := msg.ValidateBasic(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().String("lei", "", "ISO 17442 Legal Entity Identifier (20 characters)")
	if update {
		cmd.Flags().Bool("deactivate", false, "deactivate the party (it keeps its history)")
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// CorridorLinkCmds are set-corridor-link and remove-corridor-link (zone authority).
func CorridorLinkCmds() []*cobra.Command {
	set := &cobra.Command{
		Use:   "set-corridor-link [chain-id] [client-id] [connection-id]",
		Short: "Trust a counterparty zone over this zone's light client and connection of it (governance authority or the cargo admin)",
		Long: `Adds the counterparty zone to the corridor allowlist, or replaces its link. The
cargo port opens channels, receives bills and sends bills only over a link on
the list. The chain checks that client-id is a 07-tendermint client whose
chain id is chain-id and that connection-id is over that client
(see: tradechaind q ibc client state CLIENT-ID; q ibc connection end CONNECTION-ID).`,
		Example: "tradechaind tx cargo set-corridor-link shanghai-1 07-tendermint-0 connection-0 --from admin",
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			msg := &types.MsgSetCorridorLink{Authority: clientCtx.GetFromAddress().String(),
				Link: types.CorridorLink{ChainId: args[0], ClientId: args[1], ConnectionId: args[2]}}
			if err := msg.ValidateBasic(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	remove := &cobra.Command{
		Use:     "remove-corridor-link [chain-id]",
		Short:   "Stop trusting a counterparty zone: its cargo channels stop receiving and sending bills (governance authority or the cargo admin)",
		Example: "tradechaind tx cargo remove-corridor-link shanghai-1 --from admin",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			msg := &types.MsgRemoveCorridorLink{Authority: clientCtx.GetFromAddress().String(), ChainId: args[0]}
			if err := msg.ValidateBasic(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	flags.AddTxFlagsToCmd(set)
	flags.AddTxFlagsToCmd(remove)
	return []*cobra.Command{set, remove}
}

// RetryReservationCmd sends a timed-out corridor registry reservation again.
func RetryReservationCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "retry-reservation [bill|document|invoice] [key]",
		Short: "Send a timed-out corridor registry reservation again (the bill's carrier or the invoice's seller)",
		Long: `A bill, an amendment or an invoice whose reservation timed out stays PENDING
(corridor status TIMED_OUT) and never becomes active by itself. This sends the
reservation again over the registry channel, every key of the record in one packet
(a new bill: its identity and its document; an amendment: its new document). The
key is any of them: the bill's document_hash, the amendment's new document hash or
the invoice's fingerprint (tradechaind q cargo registry-pending --timed-out lists them).`,
		Example: "tradechaind tx cargo retry-reservation document 3f5e...c2 --from carrier",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			kind, err := types.ParseKeyKind(args[0])
			if err != nil {
				return err
			}
			msg := &types.MsgRetryReservation{Signer: clientCtx.GetFromAddress().String(), Kind: kind, Key: args[1]}
			if err := msg.ValidateBasic(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// HoldCmds are place-hold and lift-hold (an active REGULATOR party).
func HoldCmds() []*cobra.Command {
	mk := func(use, short, example string, build func(from string, kind types.HoldSubject, subject, reason string) sdk.Msg) *cobra.Command {
		cmd := &cobra.Command{
			Use: use, Short: short, Example: example, Args: cobra.ExactArgs(3),
			RunE: func(cmd *cobra.Command, args []string) error {
				clientCtx, err := client.GetClientTxContext(cmd)
				if err != nil {
					return err
				}
				kind, err := types.ParseHoldSubject(args[0])
				if err != nil {
					return err
				}
				msg := build(clientCtx.GetFromAddress().String(), kind, args[1], args[2])
				if err := msg.(interface{ ValidateBasic() error }).ValidateBasic(); err != nil {
					return err
				}
				return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
			},
		}
		flags.AddTxFlagsToCmd(cmd)
		return cmd
	}
	return []*cobra.Command{
		mk("place-hold [bill|party] [bill-id|address] [reason]",
			"Stop a bill (no transfer, endorsement, send, presentation, lien, financing or surrender) or a party (no new action) — a REGULATOR party",
			"tradechaind tx cargo place-hold bill COS-COSU6385270140 \"sanctions screening hit\" --from regulator",
			func(from string, kind types.HoldSubject, subject, reason string) sdk.Msg {
				return &types.MsgPlaceHold{Regulator: from, SubjectKind: kind, Subject: subject, Reason: reason}
			}),
		mk("lift-hold [bill|party] [bill-id|address] [reason]", "Lift a regulator's hold on a bill or a party — a REGULATOR party",
			"tradechaind tx cargo lift-hold bill COS-COSU6385270140 \"cleared\" --from regulator",
			func(from string, kind types.HoldSubject, subject, reason string) sdk.Msg {
				return &types.MsgLiftHold{Regulator: from, SubjectKind: kind, Subject: subject, Reason: reason}
			}),
	}
}
