package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"

	"github.com/tradechain/tradechain/internal/docstore"
	"github.com/tradechain/tradechain/internal/gateway"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// docstoreCmd is `tradechaind docstore`: the consent-gated document store
// (docs/consent.md). Mounted in the zone's gateway under /docstore/v1/, or
// run on its own with `docstore start`.
func docstoreCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "docstore",
		Short: "The zone's consent-gated document store: owners upload anchored documents, grantees of a live consent read them, every read recorded on chain",
	}
	cmd.AddCommand(docstoreStartCmd(), docstoreRotateKeyCmd(), docstoreRekeyCmd(), docstoreUploadCmd(), docstoreFetchCmd(), docstoreSignChallengeCmd(), docstoreHashCmd())
	return cmd
}

const (
	flagDSListen      = "listen"
	flagDSBackend     = "backend"
	flagDSPostgres    = "postgres-dsn"
	flagDSKeyName     = "key-name"
	flagDSGasPrices   = "gas-prices"
	flagDSMaxSize     = "max-size"
	flagDSURL         = "url"
	flagDSConsent     = "consent"
	flagDSOutput      = "out"
	flagDSKeyringBack = "keyring-backend"
)

func dsHome(cmd *cobra.Command) string {
	home, _ := cmd.Flags().GetString(flags.FlagHome)
	return home
}

// openDocstoreBackend opens the configured backend: bolt (default) in
// <home>/data/docstore.db, or PostgreSQL.
func openDocstoreBackend(cmd *cobra.Command) (docstore.Backend, error) {
	kind, _ := cmd.Flags().GetString(flagDSBackend)
	dsn, _ := cmd.Flags().GetString(flagDSPostgres)
	return openDocstore(cmd.Context(), dsHome(cmd), kind, dsn)
}

// openDocstore opens a document store backend by name; the standalone
// store and the gateway's mount share it.
func openDocstore(ctx context.Context, home, kind, dsn string) (docstore.Backend, error) {
	switch kind {
	case "bolt":
		dir := filepath.Join(home, "data")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		return docstore.OpenBolt(filepath.Join(dir, "docstore.db"))
	case "postgres":
		if dsn == "" {
			return nil, errors.New("the postgres backend needs a connection string (e.g. \"host=/run/postgresql dbname=docstore sslmode=disable\")")
		}
		return docstore.OpenPostgres(ctx, dsn)
	default:
		return nil, fmt.Errorf("docstore backend %q: want bolt or postgres", kind)
	}
}

func addBackendFlags(cmd *cobra.Command) {
	cmd.Flags().String(flagDSBackend, "bolt", "storage backend: bolt (embedded, <home>/data/docstore.db) or postgres")
	cmd.Flags().String(flagDSPostgres, "", "PostgreSQL connection string (lib/pq), for --backend postgres")
}

func docstoreStartCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the document store on its own (until SIGINT/SIGTERM); the gateway mounts the same handler under /docstore/v1/",
		Example: `tradechaind docstore start --home ~/.tradechain --chain-id hongkong-1 --node tcp://127.0.0.1:26657 \
  --key-name gateway --keyring-backend test --listen 127.0.0.1:8490`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home := dsHome(cmd)
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			if clientCtx.ChainID == "" {
				return errors.New("--chain-id is required")
			}
			backendName, _ := cmd.Flags().GetString(flagDSKeyringBack)
			kr, err := keyring.New(sdk.KeyringServiceName(), backendName, home, cmd.InOrStdin(), clientCtx.Codec)
			if err != nil {
				return err
			}
			clientCtx = clientCtx.WithKeyring(kr)
			keyName, _ := cmd.Flags().GetString(flagDSKeyName)
			gasPrices, _ := cmd.Flags().GetString(flagDSGasPrices)
			// The same signer as the gateway's (sequence kept, waits for the block).
			txc, err := gateway.NewCosmosChain(clientCtx, keyName, gasPrices, 1.3)
			if err != nil {
				return err
			}
			backend, err := openDocstoreBackend(cmd)
			if err != nil {
				return err
			}
			defer backend.Close()
			keys, err := docstore.OpenKeyring(docstore.KeyDir(home))
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			chain := docstore.NewNodeChain(ctx, clientCtx.ChainID, txc.Address(), cargotypes.NewQueryClient(clientCtx), txc)
			srv := docstore.NewServer(backend, keys, chain, logger)
			if srv.MaxSize, err = cmd.Flags().GetInt64(flagDSMaxSize); err != nil {
				return err
			}
			listen, _ := cmd.Flags().GetString(flagDSListen)
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return err
			}
			hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
			go func() { <-ctx.Done(); _ = hs.Shutdown(context.Background()) }()
			logger.Info("docstore listening", "addr", ln.Addr().String(), "chain_id", clientCtx.ChainID, "gateway", txc.Address(), "key", keys.Current())
			if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	flags.AddQueryFlagsToCmd(cmd)
	cmd.Flags().String(flags.FlagChainID, "", "the zone's chain id (bound into every challenge)")
	addBackendFlags(cmd)
	cmd.Flags().String(flagDSListen, "127.0.0.1:8490", "address to serve the API on (loopback unless a TLS proxy is in front)")
	cmd.Flags().String(flagDSKeyName, "gateway", "keyring key of the zone's ROLE_PLATFORM account, which records accesses")
	cmd.Flags().String(flagDSKeyringBack, keyring.BackendOS, "keyring backend")
	cmd.Flags().String(flagDSGasPrices, "", "gas prices of the access-record transactions")
	cmd.Flags().Int64(flagDSMaxSize, docstore.DefaultMaxObjectSize, "largest document accepted, in bytes")
	return cmd
}

func docstoreRotateKeyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rotate-key",
		Short: "Create a new encryption key and seal new objects with it (old objects still open; run rekey to re-seal them)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kr, err := docstore.OpenKeyring(docstore.KeyDir(dsHome(cmd)))
			if err != nil {
				return err
			}
			id, err := kr.RotateKey()
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "current key: %s (keys: %v)\n", id, kr.KeyIDs())
			return nil
		},
	}
}

func docstoreRekeyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rekey",
		Short: "Re-seal every object not sealed under the current key (stop the store first for the embedded backend); afterwards old key files may be removed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kr, err := docstore.OpenKeyring(docstore.KeyDir(dsHome(cmd)))
			if err != nil {
				return err
			}
			backend, err := openDocstoreBackend(cmd)
			if err != nil {
				return err
			}
			defer backend.Close()
			n, err := (&docstore.Server{Backend: backend, Keys: kr}).Rekey(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "re-sealed %d objects under %s\n", n, kr.Current())
			return nil
		},
	}
	addBackendFlags(cmd)
	return cmd
}

// keyringSigner signs ADR-036 sign bytes with a keyring key (amino JSON
// mode: the key signs SHA-256 of the bytes, as Keplr does).
type keyringSigner struct {
	kr   keyring.Keyring
	name string
	addr string
}

func (s keyringSigner) Address() string { return s.addr }

func (s keyringSigner) SignADR036(bz []byte) ([]byte, []byte, error) {
	sig, pub, err := s.kr.Sign(s.name, bz, signing.SignMode_SIGN_MODE_LEGACY_AMINO_JSON)
	if err != nil {
		return nil, nil, err
	}
	return sig, pub.Bytes(), nil
}

func signerFromCmd(cmd *cobra.Command) (keyringSigner, error) {
	clientCtx, err := client.GetClientTxContext(cmd)
	if err != nil {
		return keyringSigner{}, err
	}
	if clientCtx.FromName == "" {
		return keyringSigner{}, errors.New("--from is required: the key you sign the challenge with")
	}
	return keyringSigner{kr: clientCtx.Keyring, name: clientCtx.FromName, addr: clientCtx.FromAddress.String()}, nil
}

func docstoreUploadCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "upload [file]",
		Short: "Upload a document you anchored (or a transport document of a bill you are party to) to the zone's store; prints its hash",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := signerFromCmd(cmd)
			if err != nil {
				return err
			}
			bz, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			hash, err := docstore.DocumentHash(bz)
			if err != nil {
				return err
			}
			url, _ := cmd.Flags().GetString(flagDSURL)
			if err := (docstore.Client{Base: url}).Upload(s, hash, bz); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), hash)
			return nil
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	cmd.Flags().String(flagDSURL, "http://127.0.0.1:8490", "the store's base URL (the gateway's, or a standalone docstore's)")
	return cmd
}

func docstoreFetchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fetch [hash]",
		Short: "Read a document under a consent granted to you (--consent); the read is recorded on chain, the owner sees it in access-records",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := signerFromCmd(cmd)
			if err != nil {
				return err
			}
			url, _ := cmd.Flags().GetString(flagDSURL)
			consent, _ := cmd.Flags().GetUint64(flagDSConsent)
			bz, rec, err := (docstore.Client{Base: url}).Fetch(s, args[0], consent)
			if err != nil {
				return err
			}
			out, _ := cmd.Flags().GetString(flagDSOutput)
			if out == "" || out == "-" {
				_, err = cmd.OutOrStdout().Write(bz)
			} else {
				err = os.WriteFile(out, bz, 0o600)
			}
			if err == nil {
				cmd.PrintErrf("access record %s: %d bytes of %s\n", rec, len(bz), args[0])
			}
			return err
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	cmd.Flags().String(flagDSURL, "http://127.0.0.1:8490", "the store's base URL")
	cmd.Flags().Uint64(flagDSConsent, 0, "the consent you read under (q cargo consents --grantee YOU)")
	cmd.Flags().String(flagDSOutput, "", "write the document to this file (default stdout)")
	return cmd
}

func docstoreSignChallengeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sign-challenge",
		Short: "Fetch a challenge from the store and print the signed auth headers as JSON (good for one request; for scripts and curl)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := signerFromCmd(cmd)
			if err != nil {
				return err
			}
			url, _ := cmd.Flags().GetString(flagDSURL)
			h, err := (docstore.Client{Base: url}).Auth(s)
			if err != nil {
				return err
			}
			out := map[string]string{}
			for k := range h {
				out[k] = h.Get(k)
			}
			bz, err := json.Marshal(out)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(bz))
			return nil
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	cmd.Flags().String(flagDSURL, "http://127.0.0.1:8490", "the store's base URL")
	return cmd
}

func docstoreHashCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "hash [file]",
		Short: "Print the hash the chain anchors a document by (SHA-256 of RFC 8785 canonical JSON for JSON, of the raw bytes otherwise)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bz, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			h, err := docstore.DocumentHash(bz)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), h)
			return nil
		},
	}
}
