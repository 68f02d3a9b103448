package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"

	"github.com/tradechain/tradechain/x/cargo/dcsa/pint"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// SetEblPlatformCmd trusts an eBL platform for DCSA PINT.
func SetEblPlatformCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "set-ebl-platform [code] [name] [endpoint] [jwks-file]",
		Short:   "Trust (or update) an eBL platform for DCSA PINT: its code, name, PINT endpoint and public keys as a JWKS file (governance authority or the cargo admin)",
		Example: `tradechaind tx cargo set-ebl-platform WAVE "Wave BL" https://pint.wave.example/v3 wave-jwks.json --from admin`,
		Args:    cobra.ExactArgs(4),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			jwks, err := os.ReadFile(args[3])
			if err != nil {
				return err
			}
			msg := &types.MsgSetEblPlatform{Authority: clientCtx.GetFromAddress().String(), Platform: types.EblPlatform{
				Code: args[0], Name: args[1], Endpoint: args[2], Jwks: strings.TrimSpace(string(jwks)),
			}}
			if err := msg.ValidateBasic(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// ImportBillCmd lands a PINT envelope (the zone's gateway, a PLATFORM party).
func ImportBillCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import-bill [sending-platform] [recipient] [envelope-file]",
		Short: "Land a bill received over DCSA PINT: the envelope file is the POST /v3/envelopes body (transportDocument, envelopeManifestSignedContent, envelopeTransferChain); the chain verifies it against the platforms' on-chain keys (PLATFORM party)",
		Args:  cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			data, err := os.ReadFile(args[2])
			if err != nil {
				return err
			}
			env, err := pint.DecodeEnvelope(data)
			if err != nil {
				return fmt.Errorf("%s: %w", args[2], err)
			}
			msg := &types.MsgImportBill{
				Platform: clientCtx.GetFromAddress().String(), SendingPlatform: args[0], Recipient: args[1],
				TransportDocument: env.TransportDocument, EnvelopeManifest: env.EnvelopeManifestSignedContent, TransferChain: env.EnvelopeTransferChain,
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

// ExportBillCmd asks the zone's gateway to export a bill over PINT.
func ExportBillCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "export-bill [bill-id] [platform] [recipient-name] --code PROVIDER:PARTYCODE[:LISTNAME]...",
		Short:   "Export a bill you hold to a party on another eBL platform over DCSA PINT: it is locked (EXPORTING) until the receiving platform's signed answer",
		Example: `tradechaind tx cargo export-bill COS-COSU6385270140 WAVE "Globeteam Ltd" --code WAVE:globeteam-42 --code GLEIF:5493001KJTIIGC8Y1R12:LEI --from exporter`,
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			raw, _ := cmd.Flags().GetStringArray("code")
			msg := &types.MsgExportBill{Holder: clientCtx.GetFromAddress().String(), BillId: args[0], Platform: args[1], RecipientName: args[2]}
			for _, c := range raw {
				parts := strings.SplitN(c, ":", 3)
				if len(parts) < 2 {
					return fmt.Errorf("--code %q: want PROVIDER:PARTYCODE or PROVIDER:PARTYCODE:LISTNAME", c)
				}
				ic := types.IdentifyingCode{CodeListProvider: parts[0], PartyCode: parts[1]}
				if len(parts) == 3 {
					ic.CodeListName = parts[2]
				}
				msg.RecipientCodes = append(msg.RecipientCodes, ic)
			}
			msg.Remark, _ = cmd.Flags().GetString(FlagRemark)
			if err := msg.ValidateBasic(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().StringArray("code", nil, "the recipient's DCSA identifying code, PROVIDER:PARTYCODE[:LISTNAME] (repeat for several)")
	cmd.Flags().String(FlagRemark, "", RemarkUsage)
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}
