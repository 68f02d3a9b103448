// Package cli holds the x/tradefinance commands. They are hand-written:
// autocli in SDK v0.50 cannot build Coin, enum or repeated arguments of
// gogo-only messages, nor print their query responses.
package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance/types"
)

type validated interface {
	sdk.Msg
	ValidateBasic() error
}

func txCmd(use, short string, args cobra.PositionalArgs, build func(cmd *cobra.Command, from string, a []string) (validated, error)) *cobra.Command {
	cmd := &cobra.Command{
		Use: use, Short: short, Args: args,
		RunE: func(cmd *cobra.Command, a []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			msg, err := build(cmd, clientCtx.GetFromAddress().String(), a)
			if err != nil {
				return err
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

func coin(s string) (sdk.Coin, error) {
	c, err := sdk.ParseCoinNormalized(s)
	if err != nil {
		return c, fmt.Errorf("amount %q: want e.g. 1000000td-hkbk-hkd: %w", s, err)
	}
	return c, nil
}

func id(s string) (uint64, error) {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("id %q: want a positive integer", s)
	}
	return v, nil
}

func list(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// TxCmd returns the module's tx commands.
func TxCmd() *cobra.Command {
	root := &cobra.Command{Use: types.ModuleName, Short: "Deposit tokens, letters of credit and invoice financing", RunE: client.ValidateCmd}

	issueLC := txCmd("issue-lc [applicant] [beneficiary] [amount] [expiry] [latest-shipment-date] [port-of-loading] [port-of-discharge]",
		"Issue a letter of credit and escrow its amount (issuing bank)", cobra.ExactArgs(7),
		func(cmd *cobra.Command, from string, a []string) (validated, error) {
			amt, err := coin(a[2])
			if err != nil {
				return nil, err
			}
			docs, _ := cmd.Flags().GetString("required-documents")
			days, _ := cmd.Flags().GetUint32("presentation-days")
			to, _ := cmd.Flags().GetString("deliver-bill-to")
			deliver := types.DELIVER_BILL_TO_APPLICANT
			if strings.EqualFold(to, "issuing-bank") {
				deliver = types.DELIVER_BILL_TO_ISSUING_BANK
			} else if !strings.EqualFold(to, "applicant") {
				return nil, fmt.Errorf("--deliver-bill-to %q: want applicant or issuing-bank", to)
			}
			return &types.MsgIssueLC{IssuingBank: from, Applicant: a[0], Beneficiary: a[1], Amount: amt, Expiry: a[3],
				LatestShipmentDate: a[4], PortOfLoading: a[5], PortOfDischarge: a[6], RequiredDocuments: list(docs),
				PresentationDays: days, DeliverBillTo: deliver}, nil
		})
	issueLC.Flags().String("required-documents", "COMMERCIAL_INVOICE", "comma-separated x/cargo document types to present besides the bill")
	issueLC.Flags().Uint32("presentation-days", 0, "days after shipment to present (0 = 21, UCP 600 Art. 14(c))")
	issueLC.Flags().String("deliver-bill-to", "applicant", "who gets control of the bill at settlement: applicant or issuing-bank")

	amend := txCmd("amend-lc [lc-id]", "Propose an amendment (binds once the beneficiary accepts)", cobra.ExactArgs(1),
		func(cmd *cobra.Command, from string, a []string) (validated, error) {
			lcID, err := id(a[0])
			if err != nil {
				return nil, err
			}
			var am types.Amendment
			if s, _ := cmd.Flags().GetString("amount"); s != "" {
				if am.Amount, err = coin(s); err != nil {
					return nil, err
				}
			}
			am.Expiry, _ = cmd.Flags().GetString("expiry")
			am.LatestShipmentDate, _ = cmd.Flags().GetString("latest-shipment-date")
			return &types.MsgAmendLC{IssuingBank: from, LcId: lcID, Amendment: am}, nil
		})
	amend.Flags().String("amount", "", "new credit amount")
	amend.Flags().String("expiry", "", "new expiry YYYY-MM-DD")
	amend.Flags().String("latest-shipment-date", "", "new latest shipment date YYYY-MM-DD")

	examine := txCmd("examine-documents [lc-id] [comply|refuse] [discrepancy...]",
		"Examine a presentation: comply settles DvP; refuse lists every discrepancy", cobra.MinimumNArgs(2),
		func(_ *cobra.Command, from string, a []string) (validated, error) {
			lcID, err := id(a[0])
			if err != nil {
				return nil, err
			}
			d := map[string]types.Decision{"comply": types.DECISION_COMPLY, "refuse": types.DECISION_REFUSE}[strings.ToLower(a[1])]
			return &types.MsgExamineDocuments{IssuingBank: from, LcId: lcID, Decision: d, Discrepancies: a[2:]}, nil
		})

	lcOnly := func(use, short string, mk func(from string, lcID uint64) validated) *cobra.Command {
		return txCmd(use+" [lc-id]", short, cobra.ExactArgs(1), func(_ *cobra.Command, from string, a []string) (validated, error) {
			lcID, err := id(a[0])
			if err != nil {
				return nil, err
			}
			return mk(from, lcID), nil
		})
	}
	finOnly := func(use, short string, mk func(from string, fid uint64) validated) *cobra.Command {
		return txCmd(use+" [financing-id]", short, cobra.ExactArgs(1), func(_ *cobra.Command, from string, a []string) (validated, error) {
			fid, err := id(a[0])
			if err != nil {
				return nil, err
			}
			return mk(from, fid), nil
		})
	}

	invoice := txCmd("register-invoice [buyer] [number] [amount] [due-date] [document-hash]",
		"Register an invoice (seller); the same invoice cannot be registered twice", cobra.ExactArgs(5),
		func(cmd *cobra.Command, from string, a []string) (validated, error) {
			amt, err := coin(a[2])
			if err != nil {
				return nil, err
			}
			bill, _ := cmd.Flags().GetString("bill-id")
			return &types.MsgRegisterInvoice{Seller: from, Buyer: a[0], Number: a[1], Amount: amt, DueDate: a[3], DocumentHash: a[4], BillId: bill}, nil
		})
	invoice.Flags().String("bill-id", "", "the bill of lading the invoice ships under (liened while financed)")

	root.AddCommand(
		txCmd("mint-deposit [amount]", "Issue your bank's deposit token td-<bankcode>-<ccy> (BANK)", cobra.ExactArgs(1),
			func(_ *cobra.Command, from string, a []string) (validated, error) {
				c, err := coin(a[0])
				return &types.MsgMintDeposit{Bank: from, Amount: c}, err
			}),
		txCmd("burn-deposit [amount]", "Redeem your bank's deposit tokens (BANK)", cobra.ExactArgs(1),
			func(_ *cobra.Command, from string, a []string) (validated, error) {
				c, err := coin(a[0])
				return &types.MsgBurnDeposit{Bank: from, Amount: c}, err
			}),
		issueLC, amend,
		txCmd("respond-amendment [lc-id] [accept|reject]", "Accept or reject the whole pending amendment (beneficiary)", cobra.ExactArgs(2),
			func(_ *cobra.Command, from string, a []string) (validated, error) {
				lcID, err := id(a[0])
				if err != nil {
					return nil, err
				}
				switch strings.ToLower(a[1]) {
				case "accept", "reject":
				default:
					return nil, fmt.Errorf("answer %q: want accept or reject (partial acceptance is rejection, Art. 10)", a[1])
				}
				return &types.MsgRespondAmendment{Beneficiary: from, LcId: lcID, Accept: strings.EqualFold(a[1], "accept")}, nil
			}),
		txCmd("present-documents [lc-id] [bill-id] [document-hash,...]", "Present the bill you hold and anchored documents (beneficiary)", cobra.RangeArgs(2, 3),
			func(_ *cobra.Command, from string, a []string) (validated, error) {
				lcID, err := id(a[0])
				if err != nil {
					return nil, err
				}
				var hashes []string
				if len(a) == 3 {
					hashes = list(a[2])
				}
				return &types.MsgPresentDocuments{Beneficiary: from, LcId: lcID, BillId: a[1], DocumentHashes: hashes}, nil
			}),
		examine,
		lcOnly("waive-discrepancies", "Waive the refusal's discrepancies (applicant)", func(from string, l uint64) validated {
			return &types.MsgWaiveDiscrepancies{Applicant: from, LcId: l}
		}),
		lcOnly("settle-presentation", "Settle a presentation not examined in time (anyone)", func(from string, l uint64) validated {
			return &types.MsgSettlePresentation{Signer: from, LcId: l}
		}),
		lcOnly("close-lc", "Close an expired LC and recover unused escrow (issuing bank)", func(from string, l uint64) validated {
			return &types.MsgCloseLC{IssuingBank: from, LcId: l}
		}),
		invoice,
		txCmd("offer-financing [invoice-id] [advance] [repayment] [maturity]", "Offer an advance against an invoice (BANK)", cobra.ExactArgs(4),
			func(_ *cobra.Command, from string, a []string) (validated, error) {
				inv, err := id(a[0])
				if err != nil {
					return nil, err
				}
				adv, err := coin(a[1])
				if err != nil {
					return nil, err
				}
				rep, err := coin(a[2])
				return &types.MsgOfferFinancing{Bank: from, InvoiceId: inv, Advance: adv, Repayment: rep, Maturity: a[3]}, err
			}),
		finOnly("accept-financing", "Accept a financing offer (seller)", func(from string, f uint64) validated {
			return &types.MsgAcceptFinancing{Seller: from, FinancingId: f}
		}),
		txCmd("repay [financing-id] [amount]", "Repay a financing (anyone, typically the buyer)", cobra.ExactArgs(2),
			func(_ *cobra.Command, from string, a []string) (validated, error) {
				f, err := id(a[0])
				if err != nil {
					return nil, err
				}
				c, err := coin(a[1])
				return &types.MsgRepay{Payer: from, FinancingId: f, Amount: c}, err
			}),
		finOnly("declare-default", "Declare a matured financing in default and take the bill (BANK)", func(from string, f uint64) validated {
			return &types.MsgDeclareDefault{Bank: from, FinancingId: f}
		}),
	)
	return root
}

func queryCmd(use, short string, args cobra.PositionalArgs, run func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error)) *cobra.Command {
	cmd := &cobra.Command{
		Use: use, Short: short, Args: args,
		RunE: func(cmd *cobra.Command, a []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			res, err := run(cmd, types.NewQueryClient(clientCtx), a)
			if err != nil {
				return err
			}
			return clientCtx.PrintProto(res)
		},
	}
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

func byID(use, short string, run func(cmd *cobra.Command, q types.QueryClient, id uint64) (proto.Message, error)) *cobra.Command {
	return queryCmd(use+" [id]", short, cobra.ExactArgs(1), func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
		v, err := id(a[0])
		if err != nil {
			return nil, err
		}
		return run(cmd, q, v)
	})
}

const flagParty = "party"

// listCmd is a paginated list query with an optional --party filter.
func listCmd(use, short string, run func(cmd *cobra.Command, q types.QueryClient, page *query.PageRequest, party string) (proto.Message, error)) *cobra.Command {
	cmd := queryCmd(use, short, cobra.NoArgs, func(cmd *cobra.Command, q types.QueryClient, _ []string) (proto.Message, error) {
		page, err := client.ReadPageRequest(cmd.Flags())
		if err != nil {
			return nil, err
		}
		party, _ := cmd.Flags().GetString(flagParty)
		return run(cmd, q, page, party)
	})
	cmd.Flags().String(flagParty, "", "only the records this address takes part in")
	flags.AddPaginationFlagsToCmd(cmd, use)
	return cmd
}

// QueryCmd returns the module's query commands.
func QueryCmd() *cobra.Command {
	root := &cobra.Command{Use: types.ModuleName, Short: "Query letters of credit, presentations, invoices and financings", RunE: client.ValidateCmd}
	lcs := listCmd("lcs", "List letters of credit (--party: only those where it is applicant, beneficiary or issuing bank)",
		func(cmd *cobra.Command, q types.QueryClient, page *query.PageRequest, party string) (proto.Message, error) {
			return q.LettersOfCredit(cmd.Context(), &types.QueryLettersOfCreditRequest{Pagination: page, Party: party})
		})
	fins := listCmd("financings", "List financings (--party: only those where it is the bank or the seller)",
		func(cmd *cobra.Command, q types.QueryClient, page *query.PageRequest, party string) (proto.Message, error) {
			return q.Financings(cmd.Context(), &types.QueryFinancingsRequest{Pagination: page, Party: party})
		})
	invs := listCmd("invoices", "List invoices (--party: only those where it is the seller or the buyer)",
		func(cmd *cobra.Command, q types.QueryClient, page *query.PageRequest, party string) (proto.Message, error) {
			return q.Invoices(cmd.Context(), &types.QueryInvoicesRequest{Pagination: page, Party: party})
		})
	root.AddCommand(
		byID("lc", "Show a letter of credit", func(cmd *cobra.Command, q types.QueryClient, v uint64) (proto.Message, error) {
			return q.LetterOfCredit(cmd.Context(), &types.QueryLetterOfCreditRequest{Id: v})
		}),
		lcs,
		byID("presentation", "Show the presentation under an LC", func(cmd *cobra.Command, q types.QueryClient, v uint64) (proto.Message, error) {
			return q.Presentation(cmd.Context(), &types.QueryPresentationRequest{LcId: v})
		}),
		invs,
		byID("invoice", "Show an invoice", func(cmd *cobra.Command, q types.QueryClient, v uint64) (proto.Message, error) {
			return q.Invoice(cmd.Context(), &types.QueryInvoiceRequest{Id: v})
		}),
		queryCmd("track-record [party]", "Show a party's trade-finance track record on this zone: LCs as beneficiary and their presentations, invoices registered and financed, financings repaid on time, late or defaulted, each with its records", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.TrackRecord(cmd.Context(), &types.QueryTrackRecordRequest{Party: a[0]})
			}),
		queryCmd("invoice-by-fingerprint [fingerprint]", "Find an invoice by its fingerprint: its identity, seller + buyer + number by meaning, never its amount (see fingerprint)", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.InvoiceByFingerprint(cmd.Context(), &types.QueryInvoiceByFingerprintRequest{Fingerprint: a[0]})
			}),
		fingerprintCmd(),
		byID("financing", "Show a financing", func(cmd *cobra.Command, q types.QueryClient, v uint64) (proto.Message, error) {
			return q.Financing(cmd.Context(), &types.QueryFinancingRequest{Id: v})
		}),
		fins,
		queryCmd("params", "Show the parameters (banking-day calendar)", cobra.NoArgs,
			func(cmd *cobra.Command, q types.QueryClient, _ []string) (proto.Message, error) {
				return q.Params(cmd.Context(), &types.QueryParamsRequest{})
			}),
	)
	return root
}

// fingerprintCmd computes an invoice's corridor fingerprint offline, the same
// way both zones do (types.Fingerprint), so a bank can look the invoice up on
// either zone (invoice-by-fingerprint, q cargo registry-key) before it lends.
func fingerprintCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "fingerprint [seller-lei] [buyer-lei] [number]",
		Short: "Compute an invoice's corridor fingerprint (its identity) from its seller, buyer and number (offline)",
		Long: `Prints hex SHA-256 of "tradechain-invoice-v2|" + seller LEI + "|" + buyer LEI + "|" +
normalised number — the key both zones reserve in the corridor registry. An invoice is its
seller, buyer and number: its amount and currency are not part of it, so the same invoice
registered again with another amount is refused. The number is read by meaning: case,
spaces, dashes, dots and other separators, accents, zeros that pad a number, full-width
forms and look-alike letters of other scripts (Unicode UTS #39 confusables: Cyrillic А is
Latin A, Greek Ο and the digit 0 are O, 1 and I are one) do not matter.`,
		Example: "tradechaind q tradefinance fingerprint 5493001KJTIIGC8Y1R12 529900T8BM49AURSDO55 INV-2026-0418",
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, a []string) error {
			for i, lei := range a[:2] {
				if err := cargotypes.ValidateLEI([]string{"seller-lei", "buyer-lei"}[i], lei); err != nil {
					return err
				}
			}
			if types.NormalizeInvoiceNumber(a[2]) == "" {
				return fmt.Errorf("invoice number %q has no letter or digit that identifies it", a[2])
			}
			cmd.Println(types.Fingerprint(a[0], a[1], a[2]))
			return nil
		},
	}
}
