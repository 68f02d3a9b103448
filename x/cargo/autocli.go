package cargo

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/tradechain/tradechain/x/cargo/client/cli"
)

// AutoCLIOptions describes the generated tx CLI. Hand-written commands
// (issue-bill --document, register-party, commands with Timestamp or enum
// arguments, and every query) come from client/cli.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	opts := &autocliv1.ModuleOptions{
		// Queries are hand-written (client/cli/query.go): autocli in v0.50
		// prints gogo-only responses as empty objects.
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              "tradechain.cargo.v1.Msg",
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "IssueBill", Skip: true}, // hand-written: issue-bill --document
				{RpcMethod: "TransferBill", Use: "transfer-bill [bill-id] [to]", Short: "Transfer possession of a BLANK (or STRAIGHT, to its consignee) bill",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "bill_id"}, {ProtoField: "to"}}},
				{RpcMethod: "EndorseBill", Use: "endorse-bill [bill-id] [endorsee]", Short: "Endorse a TO_ORDER bill to a named endorsee",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "bill_id"}, {ProtoField: "endorsee"}}},
				{RpcMethod: "BlankEndorseBill", Use: "blank-endorse-bill [bill-id]", Short: "Blank-endorse a TO_ORDER bill",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "bill_id"}}},
				{RpcMethod: "RequestSurrender", Skip: true}, // hand-written: purpose as delivery|amendment
				{RpcMethod: "AcceptSurrender", Use: "accept-surrender [bill-id]", Short: "Accept a surrender (carrier)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "bill_id"}}},
				{RpcMethod: "RejectSurrender", Use: "reject-surrender [bill-id] [reason]", Short: "Reject a surrender (carrier)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "bill_id"}, {ProtoField: "reason"}}},
				{RpcMethod: "AmendBill", Use: "amend-bill [bill-id] [new-document-hash]", Short: "Reissue a bill surrendered for amendment (carrier)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "bill_id"}, {ProtoField: "new_document_hash"}}},
				{RpcMethod: "SplitBill", Skip: true},    // hand-written: new bills from DCSA documents
				{RpcMethod: "CombineBills", Skip: true}, // hand-written
				{RpcMethod: "VoidBill", Use: "void-bill [bill-id] [reason]", Short: "Void a bill surrendered for amendment (carrier); reason: the DCSA code SWTP (switch to paper), COD (change of destination) or SWI (switch B/L)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "bill_id"}, {ProtoField: "reason"}}},
				{RpcMethod: "RecordMilestone", Skip: true}, // hand-written: autocli cannot build Timestamp fields in v0.50
				{RpcMethod: "AnchorDocument", Use: "anchor-document [hash] [doc-type]",
					Short:          "Anchor a trade document's SHA-256 as yours (--bill-id to link it to a bill); doc-type COMMERCIAL_INVOICE, PACKING_LIST, CERTIFICATE_OF_ORIGIN, INSURANCE, INSPECTION or OTHER (a transport document is anchored by issue-bill)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "hash"}, {ProtoField: "doc_type"}}},
				{RpcMethod: "WithdrawAnchor", Use: "withdraw-anchor [hash] [reason]",
					Short:          "Withdraw your own anchor of a document, made in error; the reason stays in its history (not while an invoice or a presentation relies on it)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "hash"}, {ProtoField: "reason"}}},
				{RpcMethod: "GrantConsent", Skip: true}, // hand-written: Timestamp field
				{RpcMethod: "RecordAccess", Use: "record-access [consent-id] [grantee] [document-hash]",
					Short:          "Record that this zone's gateway (ROLE_PLATFORM) releases a document to a consent's grantee; refused unless the consent is live and covers it",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "consent_id"}, {ProtoField: "grantee"}, {ProtoField: "document_hash"}}},
				{RpcMethod: "RevokeConsent", Use: "revoke-consent [consent-id]", Short: "Revoke a consent you granted",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "consent_id"}}},
				{RpcMethod: "RegisterParty", Skip: true},      // hand-written: party fields as arguments
				{RpcMethod: "UpdateParty", Skip: true},        // hand-written
				{RpcMethod: "UpdateParams", Skip: true},       // governance proposal
				{RpcMethod: "SetCorridorLink", Skip: true},    // hand-written: link fields as arguments
				{RpcMethod: "RemoveCorridorLink", Skip: true}, // hand-written
				{RpcMethod: "SetRegistryChannel", Use: "set-registry-channel [channel]",
					Short:          "Name this zone's corridor registry channel (registry port, over a corridor link); \"\" turns the registry off (governance authority or the cargo admin)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "channel"}}},
				{RpcMethod: "RetryReservation", Skip: true}, // hand-written: kind as document|invoice
				{RpcMethod: "PlaceHold", Skip: true},        // hand-written: subject kind as bill|party
				{RpcMethod: "LiftHold", Skip: true},         // hand-written
				{RpcMethod: "RejectTransfer", Use: "reject-transfer [bill-id]",
					Short:          "Refuse a bill transferred to you by mistake: control returns to the holder who sent it (only as your first action on it)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "bill_id"}}},
				{RpcMethod: "RejectEndorsement", Use: "reject-endorsement [bill-id]",
					Short:          "Refuse a bill endorsed to you: control and the previous endorsee return to the endorser (only as your first action on it)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "bill_id"}}},
				{RpcMethod: "SetValidatorPower", Use: "set-validator-power [validator-address] [power]",
					Short: "Admit, re-weight or remove (power 0) a validator (governance authority or the cargo admin); a new one needs --consensus-pubkey and --moniker",
					Long: "Sets a validator's voting power in consensus-power units (1 = 10^6 utrade of stake, minted and bonded for the operator). " +
						"A new validator needs --consensus-pubkey (the \"key\" printed by `tradechaind comet show-validator` on its node) and --moniker. " +
						"At most 30% of the last block's voting power may change in one block.",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "validator_address"}, {ProtoField: "power"}},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"consensus_pubkey": {Usage: "a new validator's ed25519 consensus key, base64 (the \"key\" printed by tradechaind comet show-validator on its node)"},
						"moniker":          {Usage: "a new validator's name"},
					}},
				{RpcMethod: "SetEblPlatform", Skip: true}, // hand-written: the JWKS from a file
				{RpcMethod: "ImportBill", Skip: true},     // hand-written: the envelope from a file
				{RpcMethod: "ExportBill", Skip: true},     // hand-written: repeated identifying codes
				{RpcMethod: "RemoveEblPlatform", Use: "remove-ebl-platform [code]",
					Short:          "Stop trusting an eBL platform for DCSA PINT (governance authority or the cargo admin)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "code"}}},
				{RpcMethod: "ConcludeExport", Use: "conclude-export [bill-id] [last-entry-checksum] [signed-response]",
					Short:          "Record the receiving platform's signed PINT answer to a bill's export (the zone's gateway, a PLATFORM party): RECE/DUPE make it EXPORTED, BSIG/BENV/DISE give it back to its holder",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "bill_id"}, {ProtoField: "last_entry_checksum"}, {ProtoField: "signed_response"}}},
				{RpcMethod: "WithdrawExport", Use: "withdraw-export [bill-id] [reason]",
					Short: "Give an EXPORTING bill back to its holder when the receiving platform never gave a signed PINT answer (governance authority or the cargo admin; only after that platform confirmed it does not hold the bill)",
					Long: "DCSA PINT makes the sending gateway retry until the receiving platform gives a signed answer; an unsigned refusal (an HTTP 409 or 5xx) proves nothing. " +
						"When the export stays EXPORTING (the gateway's GET /corridor/v1/bills/{id}/export shows the unsigned answers) and the receiving platform confirms, out of band, that it does not hold the bill, " +
						"the zone authority withdraws the export: the bill goes back to the holder who exported it (history EXPORT_WITHDRAWN with the reason), the gateway stops sending, and a signed answer arriving later is refused (cargo/81).",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "bill_id"}, {ProtoField: "reason"}}},
				{RpcMethod: "SendBill", Use: "send-bill [bill-id] [channel] [receiver]",
					Short:          "Send a bill you hold to the other zone over the cargo channel (--timeout-timestamp in Unix ns; default 10 minutes)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "bill_id"}, {ProtoField: "channel"}, {ProtoField: "receiver"}},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"timeout_timestamp": {Usage: "absolute deadline for the other zone to receive the bill, in Unix nanoseconds (e.g. $(date -d '+1 hour' +%s%N)); 0 = 10 minutes after the send"},
					}},
			},
		},
	}
	// Every generated bill action takes --remark with the same help line.
	for _, c := range opts.Tx.RpcCommandOptions {
		switch c.RpcMethod {
		case "TransferBill", "EndorseBill", "BlankEndorseBill", "AcceptSurrender", "RejectSurrender", "AmendBill", "VoidBill",
			"SendBill", "RejectTransfer", "RejectEndorsement":
			if c.FlagOptions == nil {
				c.FlagOptions = map[string]*autocliv1.FlagOptions{}
			}
			c.FlagOptions["remark"] = &autocliv1.FlagOptions{Usage: cli.RemarkUsage}
		}
	}
	return opts
}
