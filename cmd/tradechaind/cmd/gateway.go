package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/internal/docstore"
	"github.com/tradechain/tradechain/internal/gateway"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// gatewayCmd is `tradechaind gateway`: the zone's DCSA gateway
// (docs/dcsa-gateway.md).
func gatewayCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gateway",
		Short: "The zone's DCSA gateway: eBL Issuance and Surrender APIs for carriers, PINT 3.0 with other eBL platforms",
		Long: `The gateway runs beside a node of the zone. It serves the platform side of
the DCSA eBL Issuance and Surrender APIs (3.0.4) to carriers and DCSA PINT 3.0
to other eBL platforms, and acts on the zone only with its own account (a
PLATFORM party) and the authz grants carriers give it. Its configuration is
<home>/config/gateway.toml; its state is an embedded store in <home>/data/gateway.`,
		RunE: client.ValidateCmd,
	}
	cmd.AddCommand(gatewayInitCmd(), gatewayStartCmd(), gatewayJWKSCmd(), gatewayLodgeIssuanceCmd())
	return cmd
}

const (
	flagGwChainID      = "chain-id"
	flagGwNode         = "node"
	flagGwKey          = "key-name"
	flagGwListen       = "listen"
	flagGwPublicURL    = "public-url"
	flagGwPlatformCode = "platform-code"
	flagGwCarrier      = "carrier"
	flagGwCorridorPeer = "corridor-peer"
	flagGwExportStall  = "export-stall-after"
	flagGwDocstore     = "docstore"
	flagGwDocstoreDSN  = "docstore-postgres-dsn"
	flagGwDocstoreMax  = "docstore-max-size"
)

func gatewayHome(cmd *cobra.Command) string {
	home, _ := cmd.Flags().GetString(flags.FlagHome)
	return home
}

func gatewayInitCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write <home>/config/gateway.toml and a new ES256 signing key (prints the public JWKS)",
		Long: `Writes the gateway's configuration from the flags and, unless one exists, a new
ES256 private key (JWK) for signing PINT envelopes and answers. Prints the public
JWKS: the zone authority registers it on chain (tx cargo set-ebl-platform) for
other zones' gateways; other platforms fetch it from /.well-known/jwks.json.

Carriers are added with --carrier CODE,ISSUANCE_RESPONSE_URL,SURRENDER_REQUEST_URL,JWKS_FILE
(repeatable).`,
		Example: `tradechaind gateway init --home ~/.tradechain --chain-id shanghai-1 --node tcp://127.0.0.1:26757 \
  --key-name gateway --platform-code TRSH --listen 127.0.0.1:8480 \
  --carrier COSU,http://127.0.0.1:9400/v3/ebl-issuance-responses,http://127.0.0.1:9400/v3/ebl-surrender-requests,carrier.jwks.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home := gatewayHome(cmd)
			path := gateway.ConfigPath(home)
			cfg, err := gateway.LoadConfig(path)
			if err != nil {
				return err
			}
			if err := applyGatewayFlags(cmd, &cfg); err != nil {
				return err
			}
			resolved := cfg
			resolved.Resolve(home)
			if err := resolved.Validate(); err != nil {
				return err
			}
			if _, err := os.Stat(resolved.SigningKey); os.IsNotExist(err) {
				jwk, err := gateway.GenerateSigningKey()
				if err != nil {
					return err
				}
				raw, _ := json.MarshalIndent(jwk, "", "  ")
				if err := os.MkdirAll(filepath.Dir(resolved.SigningKey), 0o700); err != nil {
					return err
				}
				if err := os.WriteFile(resolved.SigningKey, raw, 0o600); err != nil {
					return err
				}
			}
			key, err := gateway.LoadSigningKey(resolved.SigningKey)
			if err != nil {
				return err
			}
			if err := gateway.WriteConfig(path, cfg); err != nil {
				return err
			}
			jwks, err := key.JWKS()
			if err != nil {
				return err
			}
			cmd.PrintErrf("wrote %s (signing key %s, kid %s)\n", path, resolved.SigningKey, key.Public.Kid)
			fmt.Fprintln(cmd.OutOrStdout(), string(jwks))
			return nil
		},
	}
	addGatewayFlags(cmd)
	return cmd
}

func gatewayJWKSCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "jwks",
		Short: "Print the gateway's public JWKS (for the zone's on-chain EblPlatform entry)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home := gatewayHome(cmd)
			cfg, err := gateway.LoadConfig(gateway.ConfigPath(home))
			if err != nil {
				return err
			}
			cfg.Resolve(home)
			key, err := gateway.LoadSigningKey(cfg.SigningKey)
			if err != nil {
				return err
			}
			jwks, err := key.JWKS()
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(jwks))
			return nil
		},
	}
}

func gatewayStartCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the gateway (until SIGINT/SIGTERM)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home := gatewayHome(cmd)
			cfg, err := gateway.LoadConfig(gateway.ConfigPath(home))
			if err != nil {
				return err
			}
			if err := applyGatewayFlags(cmd, &cfg); err != nil {
				return err
			}
			cfg.Resolve(home)
			if err := cfg.Validate(); err != nil {
				return err
			}
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
			clientCtx := client.GetClientContextFromCmd(cmd)
			kr, err := keyring.New(sdk.KeyringServiceName(), cfg.KeyringBackend, home, cmd.InOrStdin(), clientCtx.Codec)
			if err != nil {
				return err
			}
			node, err := client.NewClientFromNode(cfg.Node)
			if err != nil {
				return fmt.Errorf("node %s: %w", cfg.Node, err)
			}
			clientCtx = clientCtx.WithKeyring(kr).WithClient(node).WithNodeURI(cfg.Node).WithChainID(cfg.ChainID).WithHomeDir(home)
			chain, err := gateway.NewCosmosChain(clientCtx, cfg.KeyName, cfg.GasPrices, cfg.GasAdjustment)
			if err != nil {
				return err
			}
			key, err := gateway.LoadSigningKey(cfg.SigningKey)
			if err != nil {
				return err
			}
			store, err := gateway.OpenStore(cfg.StoreDir)
			if err != nil {
				return err
			}
			defer store.Close()
			gw, err := gateway.New(cfg, chain, store, key, logger)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			// The consent-gated document store (docs/consent.md), under
			// /docstore/v1/: releases recorded on chain by this gateway's account.
			if kind, _ := cmd.Flags().GetString(flagGwDocstore); kind != "off" {
				dsn, _ := cmd.Flags().GetString(flagGwDocstoreDSN)
				backend, err := openDocstore(ctx, home, kind, dsn)
				if err != nil {
					return err
				}
				defer backend.Close()
				keys, err := docstore.OpenKeyring(docstore.KeyDir(home))
				if err != nil {
					return err
				}
				ds := docstore.NewServer(backend, keys, docstore.NewNodeChain(ctx, cfg.ChainID, chain.Address(), cargotypes.NewQueryClient(clientCtx), chain), logger)
				if ds.MaxSize, err = cmd.Flags().GetInt64(flagGwDocstoreMax); err != nil {
					return err
				}
				gw.Mount(docstore.Prefix, ds.Handler())
				logger.Info("document store mounted", "prefix", docstore.Prefix, "backend", kind, "key", keys.Current())
			}
			return gw.Run(ctx, nil)
		},
	}
	addGatewayFlags(cmd)
	cmd.Flags().String(flagGwDocstore, "bolt", "the consent-gated document store under /docstore/v1/: bolt (embedded, <home>/data/docstore.db), postgres, or off")
	cmd.Flags().String(flagGwDocstoreDSN, "", "PostgreSQL connection string (lib/pq), for --docstore postgres")
	cmd.Flags().Int64(flagGwDocstoreMax, docstore.DefaultMaxObjectSize, "largest document the store accepts, in bytes")
	return cmd
}

func addGatewayFlags(cmd *cobra.Command) {
	cmd.Flags().String(flagGwChainID, "", "the zone's chain id")
	cmd.Flags().String(flagGwNode, "", "CometBFT RPC of a node of the zone (tcp://127.0.0.1:26657)")
	cmd.Flags().String(flagGwKey, "", "the gateway's own key in the home's keyring (a PLATFORM party)")
	cmd.Flags().String(flags.FlagKeyringBackend, "", "keyring backend (os|file|test)")
	cmd.Flags().String(flagGwListen, "", "loopback address the DCSA APIs are served on")
	cmd.Flags().String(flagGwPublicURL, "", "the URL carriers and platforms reach the gateway at")
	cmd.Flags().String(flagGwPlatformCode, "", "the corridor's DCSA eblPlatform code on this zone (x/cargo params pint_platform_code)")
	cmd.Flags().StringArray(flagGwCarrier, nil, "CODE,ISSUANCE_RESPONSE_URL,SURRENDER_REQUEST_URL,JWKS_FILE (repeatable; replaces the configured carriers)")
	cmd.Flags().StringArray(flagGwCorridorPeer, nil, "PLATFORM_CODE,URL of the gateway of the corridor's other zone (repeatable; replaces the configured corridor peers)")
	cmd.Flags().String(flagGwExportStall, "", "how long an export's receiving platform may answer without a signature before the export is reported stalled with the operator action (Go duration; default 15m)")
}

func applyGatewayFlags(cmd *cobra.Command, cfg *gateway.Config) error {
	set := func(name string, dst *string) {
		if v, _ := cmd.Flags().GetString(name); v != "" {
			*dst = v
		}
	}
	set(flagGwChainID, &cfg.ChainID)
	set(flagGwNode, &cfg.Node)
	set(flagGwKey, &cfg.KeyName)
	set(flags.FlagKeyringBackend, &cfg.KeyringBackend)
	set(flagGwListen, &cfg.Listen)
	set(flagGwPublicURL, &cfg.PublicURL)
	set(flagGwPlatformCode, &cfg.PlatformCode)
	set(flagGwExportStall, &cfg.ExportStallAfter)
	carriers, _ := cmd.Flags().GetStringArray(flagGwCarrier)
	if len(carriers) > 0 {
		cfg.Carriers = nil
		for _, c := range carriers {
			parts := strings.Split(c, ",")
			if len(parts) != 4 {
				return fmt.Errorf("--carrier %q: want CODE,ISSUANCE_RESPONSE_URL,SURRENDER_REQUEST_URL,JWKS_FILE", c)
			}
			cfg.Carriers = append(cfg.Carriers, gateway.CarrierConfig{PartyCode: parts[0], IssuanceResponseURL: parts[1], SurrenderRequestURL: parts[2], JWKS: parts[3]})
		}
	}
	peers, _ := cmd.Flags().GetStringArray(flagGwCorridorPeer)
	if len(peers) > 0 {
		cfg.CorridorPeers = nil
		for _, p := range peers {
			parts := strings.SplitN(p, ",", 2)
			if len(parts) != 2 {
				return fmt.Errorf("--corridor-peer %q: want PLATFORM_CODE,URL", p)
			}
			cfg.CorridorPeers = append(cfg.CorridorPeers, gateway.CorridorPeer{PlatformCode: parts[0], URL: parts[1]})
		}
	}
	return nil
}

const (
	flagLodgeGateway       = "gateway"
	flagLodgeRequest       = "request"
	flagLodgeDocument      = "document"
	flagLodgeManifest      = "manifest"
	flagLodgeIssueTo       = "issue-to"
	flagLodgeVisualisation = "visualisation"
	flagLodgeVisType       = "visualisation-type"
)

// gatewayLodgeIssuanceCmd is `tradechaind gateway lodge-issuance`: hand the
// gateway a CLI-issued bill's DCSA transport document and the carrier's
// signed issuance manifest, so the bill can be exported over PINT.
func gatewayLodgeIssuanceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lodge-issuance BILL-ID",
		Short: "Lodge a CLI-issued bill's DCSA transport document and the carrier's signed issuance manifest with the gateway (needed to export it over PINT)",
		Long: `A bill issued with tx cargo issue-bill leaves only its document hash on chain; a PINT
export must carry the DCSA transport document and, in its first transfer chain entry,
the carrier's JWS-signed issuance manifest. The carrier (or the holder, with the
carrier's signed manifest) lodges them with the zone's gateway:

  --request FILE        a DCSA IssuanceRequest JSON (document, issueTo,
                        issuanceManifestSignedContent, eBLVisualisationByCarrier), or
  --document FILE --manifest FILE [--issue-to FILE] [--visualisation FILE]

The gateway accepts them only if the manifest verifies with the bill's carrier's
keys, signs this document (and issueTo and visualisation when given), the document's
DCSA checksum is the bill's on-chain document hash and its carrierCode the bill's
carrier. An export waiting for them then proceeds. Refusals print the gateway's DCSA
error object.`,
		Example: `tradechaind gateway lodge-issuance COS-COSU6385270140 --document ebl.json --manifest manifest.jws \
  --gateway http://127.0.0.1:8480`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var req gateway.LodgeIssuanceRequest
			read := func(flag string) ([]byte, error) {
				path, _ := cmd.Flags().GetString(flag)
				if path == "" {
					return nil, nil
				}
				return os.ReadFile(path)
			}
			raw, err := read(flagLodgeRequest)
			if err != nil {
				return err
			}
			if raw != nil {
				if err := json.Unmarshal(raw, &req); err != nil {
					return fmt.Errorf("--request: not a DCSA IssuanceRequest: %w", err)
				}
			}
			if doc, err := read(flagLodgeDocument); err != nil {
				return err
			} else if doc != nil {
				if !json.Valid(doc) {
					return fmt.Errorf("--document: not JSON")
				}
				req.Document = doc
			}
			if m, err := read(flagLodgeManifest); err != nil {
				return err
			} else if m != nil {
				req.IssuanceManifestSignedContent = strings.TrimSpace(string(m))
			}
			if to, err := read(flagLodgeIssueTo); err != nil {
				return err
			} else if to != nil {
				req.IssueTo = to
			}
			if vis, err := read(flagLodgeVisualisation); err != nil {
				return err
			} else if vis != nil {
				path, _ := cmd.Flags().GetString(flagLodgeVisualisation)
				ct, _ := cmd.Flags().GetString(flagLodgeVisType)
				req.EBLVisualisationByCarrier = &gateway.SupportingDocument{Name: filepath.Base(path), Content: vis, ContentType: ct}
			}
			if len(req.Document) == 0 || req.IssuanceManifestSignedContent == "" {
				return fmt.Errorf("give the transport document and the signed issuance manifest (--request, or --document and --manifest)")
			}
			url, _ := cmd.Flags().GetString(flagLodgeGateway)
			if url == "" {
				home := gatewayHome(cmd)
				cfg, err := gateway.LoadConfig(gateway.ConfigPath(home))
				if err != nil {
					return err
				}
				url = "http://" + cfg.Listen
			}
			if err := gateway.LodgeIssuance(cmd.Context(), &http.Client{Timeout: 30 * time.Second}, url, args[0], req); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "lodged: bill %s's transport document and issuance manifest are with the gateway at %s\n", args[0], url)
			return nil
		},
	}
	cmd.Flags().String(flagLodgeGateway, "", "the gateway's URL (default: http://<listen> of <home>/config/gateway.toml)")
	cmd.Flags().String(flagLodgeRequest, "", "a DCSA IssuanceRequest JSON file")
	cmd.Flags().String(flagLodgeDocument, "", "the DCSA transport document (JSON) the bill was issued with")
	cmd.Flags().String(flagLodgeManifest, "", "the carrier's issuanceManifestSignedContent (compact JWS) file")
	cmd.Flags().String(flagLodgeIssueTo, "", "the issueTo party (JSON) the manifest signs, if any")
	cmd.Flags().String(flagLodgeVisualisation, "", "the carrier's visualisation of the eBL, if the manifest signs one")
	cmd.Flags().String(flagLodgeVisType, "application/pdf", "its media type")
	return cmd
}
