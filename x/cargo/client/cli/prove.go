package cli

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/tradechain/tradechain/internal/lightproof"
	"github.com/tradechain/tradechain/x/cargo/types"
)

const (
	flagOutput         = "output-file"
	flagTrustRoot      = "trust-root"
	flagPDF            = "pdf"
	flagAnchorer       = "anchorer"
	flagMinHeight      = "min-height"
	flagMaxAge         = "max-age"
	flagTrustingPeriod = "trusting-period"
	flagQR             = "qr"
)

// ProveCmds are the proof queries: each asks the node's RPC for a record of
// the cargo store with its ICS-23 proof (abci_query prove=true on
// /store/cargo/key), the signed header that carries the proved app hash and
// the validator sets linking it to a trust root, and writes a proof bundle
// (docs/trust-model.md) that `tradechaind verify-bundle` checks offline.
func ProveCmds() []*cobra.Command {
	doc := proveCmd("prove-document FILE|HASH", "Prove whether a document is anchored (or prove it is not)",
		`Proves the record of a document on this zone: by default the bills'
transport document record (Documents[hash]), with --anchorer a party's own
anchor. FILE is hashed as verify-document hashes it; a 64-hex-digit argument
is taken as the hash. An absent record is proved absent (ICS-23 non-existence).`,
		func(cmd *cobra.Command, arg string) (string, lightproof.Subject, error) {
			hash := strings.ToLower(arg)
			if types.ValidateHash("hash", hash) != nil {
				bz, err := os.ReadFile(arg)
				if err != nil {
					return "", lightproof.Subject{}, fmt.Errorf("%s is neither a file nor a 64-hex-digit SHA-256: %w", arg, err)
				}
				if hash, err = DocumentHash(bz); err != nil {
					return "", lightproof.Subject{}, err
				}
			}
			anchorer, _ := cmd.Flags().GetString(flagAnchorer)
			return lightproof.KindDocument, lightproof.Subject{Hash: hash, Anchorer: anchorer}, nil
		})
	doc.Flags().String(flagAnchorer, "", "prove this party's own anchor of the document instead of the bill's transport document record")
	return []*cobra.Command{
		doc,
		proveCmd("prove-bill ID", "Prove a bill's record (holder, status, history head, control zone)", "",
			func(_ *cobra.Command, arg string) (string, lightproof.Subject, error) {
				return lightproof.KindBill, lightproof.Subject{BillID: arg}, nil
			}),
		proveCmd("prove-registry KIND:KEY", "Prove this zone's record of a corridor registry key (KIND: TRANSPORT_DOCUMENT or INVOICE with the 64-hex key; BILL with the bill id)",
			"A bill's identity key (BILL) is kept under the bill's carrier code and folded transport document\nreference, which its hash does not give back: name the bill (BILL:COSU-6385270140).",
			func(_ *cobra.Command, arg string) (string, lightproof.Subject, error) {
				kindName, key, ok := strings.Cut(arg, ":")
				if !ok {
					return "", lightproof.Subject{}, fmt.Errorf("want KIND:KEY, e.g. TRANSPORT_DOCUMENT:%s or BILL:COSU-6385270140", strings.Repeat("0", 64))
				}
				kind, err := types.ParseKeyKind(kindName)
				if err != nil {
					return "", lightproof.Subject{}, err
				}
				if kind == types.KEY_KIND_BILL {
					if err := types.ValidateBillID(key); err != nil {
						return "", lightproof.Subject{}, types.ErrBillKeyLookup.Wrapf("BILL:%s: want BILL:<bill id>: %v", key, err)
					}
					return lightproof.KindRegistry, lightproof.Subject{KeyKind: kind.String(), Key: types.BillKeyOf(key), Identity: types.BillIdentityOf(key)}, nil
				}
				return lightproof.KindRegistry, lightproof.Subject{KeyKind: kind.String(), Key: key}, nil
			}),
		proveCmd("prove-consent ID", "Prove a consent record", "",
			func(_ *cobra.Command, arg string) (string, lightproof.Subject, error) {
				return lightproof.KindConsent, lightproof.Subject{ConsentID: arg}, nil
			}),
		TrustRootCmd(),
	}
}

func proveCmd(use, short, long string, subject func(cmd *cobra.Command, arg string) (string, lightproof.Subject, error)) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: strings.TrimSpace(long + `

The bundle is written to --output-file (default: standard output). With
--trust-root (a file from trust-root, or a validator set) it links the proved
header to that root and is verified before it is written; without, its root
is the node's earliest block. --pdf also writes a printable page carrying the
bundle as QR codes and the verified summary.`),
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			node, err := clientCtx.GetNode()
			if err != nil {
				return err
			}
			kind, s, err := subject(cmd, args[0])
			if err != nil {
				return err
			}
			root, err := readTrustRoot(cmd)
			if err != nil {
				return err
			}
			height, _ := cmd.Flags().GetInt64(flags.FlagHeight)
			opts, err := verifyOptions(cmd)
			if err != nil {
				return err
			}
			b, err := lightproof.Prove(cmd.Context(), node, kind, s, lightproof.ProveOptions{Height: height, TrustRoot: root, Verify: opts})
			if err != nil {
				return err
			}
			bz, err := b.Encode()
			if err != nil {
				return err
			}
			if out, _ := cmd.Flags().GetString(flagOutput); out != "" {
				if err := os.WriteFile(out, bz, 0o644); err != nil {
					return err
				}
				cmd.PrintErrf("wrote %s: %s %s at height %d, %d bytes\n", out, kind, args[0], b.Height, len(bz))
			} else if _, err := cmd.OutOrStdout().Write(bz); err != nil {
				return err
			}
			if pdfPath, _ := cmd.Flags().GetString(flagPDF); pdfPath != "" {
				if root == nil {
					// The maker's own check: against the header of the node's earliest block.
					root, err = rootOfBundle(b)
					if err != nil {
						return err
					}
				}
				res, err := lightproof.Verify(b, root, opts)
				if err != nil {
					return fmt.Errorf("proof failed: %w", err)
				}
				if err := writePDF(pdfPath, b, res, root); err != nil {
					return err
				}
				cmd.PrintErrf("wrote %s\n", pdfPath)
			}
			return nil
		},
	}
	cmd.Flags().String(flagOutput, "", "write the bundle to this file instead of standard output")
	cmd.Flags().String(flagTrustRoot, "", "trust root file the bundle must link to (see trust-root)")
	cmd.Flags().String(flagPDF, "", "also write a printable PDF with the bundle as QR codes")
	addVerifyFlags(cmd)
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

// TrustRootCmd prints a trust root from the node: a header height and hash.
func TrustRootCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "trust-root",
		Short: "Print a trust root (chain id, height, header hash) from the node, for verify-bundle --trust-root",
		Long: `Prints {"chain_id","height","hash"} of the node's latest header (or --height).
A trust root is only as good as where it came from: take it from a node you run
or trust, and compare it with a second source.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			node, err := clientCtx.GetNode()
			if err != nil {
				return err
			}
			var hp *int64
			if h, _ := cmd.Flags().GetInt64(flags.FlagHeight); h > 0 {
				hp = &h
			}
			c, err := node.Commit(cmd.Context(), hp)
			if err != nil {
				return err
			}
			bz, err := json.MarshalIndent(lightproof.TrustRoot{ChainID: c.ChainID, Height: c.Height, Hash: hex.EncodeToString(c.SignedHeader.Hash())}, "", " ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), string(bz))
			return err
		},
	}
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

// VerifyBundleCmd checks a proof bundle offline.
func VerifyBundleCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify-bundle FILE",
		Short: "Verify a proof bundle offline against a trust root, with CometBFT's light-client rules",
		Long: `Checks a proof bundle (tradechaind q cargo prove-*) with no network: the
header chain from your trust root (--trust-root, required: a height and
header hash from trust-root, or a validator set), the validators' signatures
on the proved header, and the ICS-23 proofs of the record (or its absence) for
the key computed from the bundle's subject. Prints what it checked and the
record, or "proof failed: ..." with a non-zero exit.

Freshness: a bundle proves the state at its height. To accept only a current
answer, pass --min-height (the highest height you have seen) or --max-age.
With --qr, FILE holds the texts of the bundle's QR codes, one per line.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SilenceUsage = true
			bz, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			if qr, _ := cmd.Flags().GetBool(flagQR); qr {
				var lines []string
				for _, l := range strings.Split(string(bz), "\n") {
					if l = strings.TrimSpace(l); l != "" {
						lines = append(lines, l)
					}
				}
				if bz, err = lightproof.JoinQRParts(lines); err != nil {
					return fmt.Errorf("proof failed: %w", err)
				}
			}
			root, err := readTrustRoot(cmd)
			if err != nil {
				return err
			}
			if root == nil {
				return fmt.Errorf("proof failed: %w", types.ErrNoTrustRoot.Wrap("pass --trust-root FILE: a height and header hash of the zone you obtained yourself (q cargo trust-root against your own node), or its validator set"))
			}
			opts, err := verifyOptions(cmd)
			if err != nil {
				return err
			}
			b, err := lightproof.ParseBytes(bz)
			if err != nil {
				return fmt.Errorf("proof failed: %w", err)
			}
			start := time.Now()
			res, err := lightproof.Verify(b, root, opts)
			if err != nil {
				return fmt.Errorf("proof failed: %w", err)
			}
			elapsed := time.Since(start)
			out := cmd.OutOrStdout()
			fmt.Fprint(out, res.Summary())
			fmt.Fprintf(out, "verified in %s\n", elapsed.Round(time.Microsecond))
			if res.Record != nil {
				rec, err := clientCtxCodecJSON(res)
				if err == nil {
					fmt.Fprintln(out, string(rec))
				}
			}
			if pdfPath, _ := cmd.Flags().GetString(flagPDF); pdfPath != "" {
				if err := writePDF(pdfPath, b, res, root); err != nil {
					return err
				}
				cmd.PrintErrf("wrote %s\n", pdfPath)
			}
			return nil
		},
	}
	cmd.Flags().String(flagTrustRoot, "", "trust root file: {chain_id, height, hash} or {chain_id, height, validators}")
	cmd.Flags().Bool(flagQR, false, "FILE holds the scanned QR texts of a printed proof, one per line")
	cmd.Flags().String(flagPDF, "", "also write a printable PDF of the verified bundle")
	addVerifyFlags(cmd)
	return cmd
}

func addVerifyFlags(cmd *cobra.Command) {
	cmd.Flags().Int64(flagMinHeight, 0, "freshness: refuse a proof of a state below this height")
	cmd.Flags().Duration(flagMaxAge, 0, "freshness: refuse a proof whose header is older than this (e.g. 10m)")
	cmd.Flags().Duration(flagTrustingPeriod, lightproof.DefaultTrustingPeriod, "how long a trusted header's validators stay trusted (below the zone's unbonding period)")
}

func verifyOptions(cmd *cobra.Command) (lightproof.Options, error) {
	minH, _ := cmd.Flags().GetInt64(flagMinHeight)
	maxAge, _ := cmd.Flags().GetDuration(flagMaxAge)
	period, _ := cmd.Flags().GetDuration(flagTrustingPeriod)
	if minH < 0 || maxAge < 0 || period <= 0 {
		return lightproof.Options{}, fmt.Errorf("--%s, --%s and --%s must be positive", flagMinHeight, flagMaxAge, flagTrustingPeriod)
	}
	return lightproof.Options{MinHeight: minH, MaxAge: maxAge, TrustingPeriod: period}, nil
}

func readTrustRoot(cmd *cobra.Command) (*lightproof.TrustRoot, error) {
	path, _ := cmd.Flags().GetString(flagTrustRoot)
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return lightproof.ParseTrustRoot(f)
}

// rootOfBundle is the pinned-header root of a bundle's own root header.
func rootOfBundle(b *lightproof.Bundle) (*lightproof.TrustRoot, error) {
	if b.TrustRoot == nil {
		return nil, types.ErrNoTrustRoot.Wrap("the bundle carries no root header")
	}
	var sh struct {
		Header struct {
			Height string `json:"height"`
		} `json:"header"`
	}
	if err := json.Unmarshal(b.TrustRoot.SignedHeader, &sh); err != nil {
		return nil, err
	}
	h, err := strconv.ParseInt(sh.Header.Height, 10, 64)
	if err != nil {
		return nil, err
	}
	hash, err := lightproof.HeaderHash(b.TrustRoot.SignedHeader)
	if err != nil {
		return nil, err
	}
	return &lightproof.TrustRoot{ChainID: b.ChainID, Height: h, Hash: hex.EncodeToString(hash)}, nil
}

func writePDF(path string, b *lightproof.Bundle, res *lightproof.Result, root *lightproof.TrustRoot) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := lightproof.WritePDF(f, b, res, root); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// clientCtxCodecJSON renders the decoded record as proto JSON.
func clientCtxCodecJSON(res *lightproof.Result) ([]byte, error) {
	return codec.ProtoMarshalJSON(res.Record, nil)
}
