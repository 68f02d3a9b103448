package cli

import (
	"strconv"
	"strings"

	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/tradechain/tradechain/x/cargo/types"
)

// Query commands are hand-written: autocli in SDK v0.50 decodes responses of
// gogo-only types into empty dynamic messages.

func queryCmd(use, short string, args cobra.PositionalArgs, run func(cmd *cobra.Command, q types.QueryClient, args []string) (proto.Message, error)) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  args,
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			res, err := run(cmd, types.NewQueryClient(clientCtx), args)
			if err != nil {
				return err
			}
			return clientCtx.PrintProto(res)
		},
	}
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

func paged(cmd *cobra.Command, name string) *cobra.Command {
	flags.AddPaginationFlagsToCmd(cmd, name)
	return cmd
}

func queryCommands() []*cobra.Command {
	bills := queryCmd("bills", "List bills; filter with --holder, --carrier or --status (issued, in-transit, surrendered-for-delivery, ...)", cobra.NoArgs,
		func(cmd *cobra.Command, q types.QueryClient, _ []string) (proto.Message, error) {
			page, err := client.ReadPageRequest(cmd.Flags())
			if err != nil {
				return nil, err
			}
			holder, _ := cmd.Flags().GetString("holder")
			carrier, _ := cmd.Flags().GetString("carrier")
			st, _ := cmd.Flags().GetString("status")
			req := &types.QueryBillsRequest{Holder: holder, Carrier: carrier, Pagination: page}
			if st != "" {
				v, ok := types.BillStatus_value["BILL_STATUS_"+strings.ToUpper(strings.ReplaceAll(st, "-", "_"))]
				if !ok {
					return nil, types.ErrInvalidField.Wrapf("unknown status %q", st)
				}
				req.Status = types.BillStatus(v)
			}
			return q.Bills(cmd.Context(), req)
		})
	bills.Flags().String("holder", "", "only bills held by this address")
	bills.Flags().String("carrier", "", "only bills issued by this carrier")
	bills.Flags().String("status", "", "only bills in this status, oldest first (in the order they took it)")

	consents := queryCmd("consents", "List consents granted by --granter or to --grantee", cobra.NoArgs,
		func(cmd *cobra.Command, q types.QueryClient, _ []string) (proto.Message, error) {
			page, err := client.ReadPageRequest(cmd.Flags())
			if err != nil {
				return nil, err
			}
			granter, _ := cmd.Flags().GetString("granter")
			grantee, _ := cmd.Flags().GetString("grantee")
			return q.Consents(cmd.Context(), &types.QueryConsentsRequest{Granter: granter, Grantee: grantee, Pagination: page})
		})
	consents.Flags().String("granter", "", "consents granted by this address")
	consents.Flags().String("grantee", "", "consents granted to this address")

	return []*cobra.Command{
		queryCmd("party [address]", "Show a registered party", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.Party(cmd.Context(), &types.QueryPartyRequest{Address: a[0]})
			}),
		paged(queryCmd("parties", "List the zone's parties", cobra.NoArgs,
			func(cmd *cobra.Command, q types.QueryClient, _ []string) (proto.Message, error) {
				page, err := client.ReadPageRequest(cmd.Flags())
				if err != nil {
					return nil, err
				}
				return q.Parties(cmd.Context(), &types.QueryPartiesRequest{Pagination: page})
			}), "parties"),
		queryCmd("bill [id]", "Show a bill's control record", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.Bill(cmd.Context(), &types.QueryBillRequest{Id: a[0]})
			}),
		paged(bills, "bills"),
		paged(queryCmd("history [id]", "Show a bill's hash-chained history", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				page, err := client.ReadPageRequest(cmd.Flags())
				if err != nil {
					return nil, err
				}
				return q.BillHistory(cmd.Context(), &types.QueryBillHistoryRequest{Id: a[0], Pagination: page})
			}), "history"),
		queryCmd("endorsement-chain [id]", "Show a bill's chain of title across both zones (DCSA endorsement chain, PINT action codes)", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.EndorsementChain(cmd.Context(), &types.QueryEndorsementChainRequest{Id: a[0]})
			}),
		paged(queryCmd("milestones [id]", "Show a bill's DCSA milestones", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				page, err := client.ReadPageRequest(cmd.Flags())
				if err != nil {
					return nil, err
				}
				return q.Milestones(cmd.Context(), &types.QueryMilestonesRequest{Id: a[0], Pagination: page})
			}), "milestones"),
		queryCmd("document [hash]", "Show what a document's SHA-256 is anchored as (a bill's transport document, else the earliest party anchor in force) and every party's anchor of it, withdrawn ones with their history", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.Document(cmd.Context(), &types.QueryDocumentRequest{Hash: a[0]})
			}),
		queryCmd("rejected-bill [id]", "Show the REJECTED_DUPLICATE record of a bill id that a bill arriving from the other zone replaced, with its history", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.RejectedBill(cmd.Context(), &types.QueryRejectedBillRequest{Id: a[0]})
			}),
		queryCmd("handed-over [id]", "Show the EXPORTED tombstones of a bill id this zone archived when the bill, having continued on the other zone, came back here, each with its history (the bill's history here before it left)", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.HandedOver(cmd.Context(), &types.QueryHandedOverRequest{Id: a[0]})
			}),
		paged(consents, "consents"),
		paged(queryCmd("access-records [owner]", "List the releases of an owner's documents under consents: who saw which document, when, under which consent (--reverse for newest first)", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				page, err := client.ReadPageRequest(cmd.Flags())
				if err != nil {
					return nil, err
				}
				return q.AccessRecords(cmd.Context(), &types.QueryAccessRecordsRequest{Owner: a[0], Pagination: page})
			}), "access-records"),
		queryCmd("consent-covers [consent-id] [hash] [grantee]", "Say whether a consent is live now, was granted to grantee and covers a document (and why not)", cobra.ExactArgs(3),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				id, err := strconv.ParseUint(a[0], 10, 64)
				if err != nil {
					return nil, types.ErrInvalidField.Wrapf("consent id %q: %v", a[0], err)
				}
				return q.ConsentCovers(cmd.Context(), &types.QueryConsentCoversRequest{Id: id, Hash: a[1], Grantee: a[2]})
			}),
		queryCmd("track-record [party]", "Show a party's track record on this zone: bills shipped, held, surrendered, voided, rejections, milestones on time or late, each figure with the records it counts", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.TrackRecord(cmd.Context(), &types.QueryTrackRecordRequest{Party: a[0]})
			}),
		queryCmd("location [id]", "Say where control of a bill lives: LOCAL, IN_TRANSIT, TRANSFERRED_OUT (via which channel), EXPORTING, EXPORTED (to another eBL platform) or CLOSED", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.BillLocation(cmd.Context(), &types.QueryBillLocationRequest{Id: a[0]})
			}),
		queryCmd("class-traces", "List the ICS-721 class traces of bills known to this zone", cobra.NoArgs,
			func(cmd *cobra.Command, q types.QueryClient, _ []string) (proto.Message, error) {
				return q.ClassTraces(cmd.Context(), &types.QueryClassTracesRequest{})
			}),
		queryCmd("corridor", "List the trusted counterparty zones (the corridor allowlist), whether each link holds now, and their cargo channels", cobra.NoArgs,
			func(cmd *cobra.Command, q types.QueryClient, _ []string) (proto.Message, error) {
				return q.Corridor(cmd.Context(), &types.QueryCorridorRequest{})
			}),
		queryCmd("registry-key [hash|bill-id]", "Say which zone holds a corridor registry key (a transport document hash or an invoice fingerprint, or a bill's identity by the bill id), by what record, its status and since when", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.RegistryKey(cmd.Context(), &types.QueryRegistryKeyRequest{Hash: a[0]})
			}),
		registryPending(),
		paged(queryCmd("registry-collisions", "List the identities two records of this zone shared when the v3 upgrade re-keyed the registry by meaning (two bills with one carrier and reference, two invoices with one seller, buyer and number); listed, never deleted", cobra.NoArgs,
			func(cmd *cobra.Command, q types.QueryClient, _ []string) (proto.Message, error) {
				page, err := client.ReadPageRequest(cmd.Flags())
				if err != nil {
					return nil, err
				}
				return q.RegistryCollisions(cmd.Context(), &types.QueryRegistryCollisionsRequest{Pagination: page})
			}), "registry-collisions"),
		paged(queryCmd("holds", "List the regulators' holds in force on this zone", cobra.NoArgs,
			func(cmd *cobra.Command, q types.QueryClient, _ []string) (proto.Message, error) {
				page, err := client.ReadPageRequest(cmd.Flags())
				if err != nil {
					return nil, err
				}
				return q.Holds(cmd.Context(), &types.QueryHoldsRequest{Pagination: page})
			}), "holds"),
		queryCmd("hold [bill-id|address]", "Show the regulator's hold on a bill or a party", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.Hold(cmd.Context(), &types.QueryHoldRequest{Subject: a[0]})
			}),
		paged(queryCmd("ebl-platforms", "List the eBL platforms this zone trusts for DCSA PINT (code, endpoint, JWKS) and this corridor's own platform code", cobra.NoArgs,
			func(cmd *cobra.Command, q types.QueryClient, _ []string) (proto.Message, error) {
				page, err := client.ReadPageRequest(cmd.Flags())
				if err != nil {
					return nil, err
				}
				return q.EblPlatforms(cmd.Context(), &types.QueryEblPlatformsRequest{Pagination: page})
			}), "ebl-platforms"),
		queryCmd("ebl-platform [code]", "Show a trusted eBL platform by its DCSA code", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.EblPlatform(cmd.Context(), &types.QueryEblPlatformRequest{Code: a[0]})
			}),
		queryCmd("pint-envelopes [bill-id]", "List the PINT envelopes a bill was imported with, verbatim (its imported transfer chains)", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.PintEnvelopes(cmd.Context(), &types.QueryPintEnvelopesRequest{BillId: a[0]})
			}),
		queryCmd("pint-envelope [last-entry-checksum]", "Find the imported PINT envelope with this last transfer chain entry checksum, and its bill", cobra.ExactArgs(1),
			func(cmd *cobra.Command, q types.QueryClient, a []string) (proto.Message, error) {
				return q.PintEnvelope(cmd.Context(), &types.QueryPintEnvelopeRequest{LastEntryChecksum: a[0]})
			}),
		queryCmd("params", "Show the module parameters", cobra.NoArgs,
			func(cmd *cobra.Command, q types.QueryClient, _ []string) (proto.Message, error) {
				return q.Params(cmd.Context(), &types.QueryParamsRequest{})
			}),
	}
}

func registryPending() *cobra.Command {
	cmd := queryCmd("registry-pending", "List this zone's corridor registry reservations in flight (--timed-out: withdrawn ones waiting for retry-reservation)", cobra.NoArgs,
		func(cmd *cobra.Command, q types.QueryClient, _ []string) (proto.Message, error) {
			page, err := client.ReadPageRequest(cmd.Flags())
			if err != nil {
				return nil, err
			}
			st := types.RESERVATION_STATUS_PENDING
			if timedOut, _ := cmd.Flags().GetBool("timed-out"); timedOut {
				st = types.RESERVATION_STATUS_TIMED_OUT
			}
			return q.RegistryPending(cmd.Context(), &types.QueryRegistryPendingRequest{Pagination: page, Status: st})
		})
	cmd.Flags().Bool("timed-out", false, "list TIMED_OUT reservations instead of PENDING ones")
	return paged(cmd, "registry-pending")
}
