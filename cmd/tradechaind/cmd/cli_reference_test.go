package cmd_test

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	cmtcli "github.com/cometbft/cometbft/libs/cli"

	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/tradechain/tradechain/app"
	"github.com/tradechain/tradechain/cmd/tradechaind/cmd"
	"github.com/tradechain/tradechain/internal/clidoc"
)

// The committed CLI reference, relative to this package.
const cliRefDir = "../../../docs/cli"

var updateCLIDocs = flag.Bool("update-cli-docs", false, "rewrite docs/cli from the command tree (make docs-gen)")

// TestCLIReference keeps docs/cli — one page per tradechaind command — the
// command tree's own help: it renders the tree into a temporary folder and
// fails, naming the pages, when the committed reference differs. `make
// docs-gen` (this test with -update-cli-docs) rewrites it.
func TestCLIReference(t *testing.T) {
	root := cmd.NewRootCmd()
	// The flags main's svrcmd.Execute adds to the root before it runs.
	root.PersistentFlags().String(flags.FlagLogLevel, "info", "The logging level (trace|debug|info|warn|error|fatal|panic|disabled or '*:<level>,<key>:<level>')")
	root.PersistentFlags().String(flags.FlagLogFormat, "plain", "The logging format (json|plain)")
	root.PersistentFlags().Bool(flags.FlagLogNoColor, false, "Disable colored logs")
	cmtcli.PrepareBaseCmd(root, "", app.DefaultNodeHome)

	// The default home is the user's; the pages say ~/.tradechain.
	home, err := os.UserHomeDir()
	require.NoError(t, err)
	repl := strings.NewReplacer(app.DefaultNodeHome, "~/.tradechain", home, "~")

	dir := t.TempDir()
	names, err := clidoc.Render(root, dir, repl)
	require.NoError(t, err)
	require.Greater(t, len(names), 100, "the command tree looks truncated")
	require.Contains(t, names, "tradechaind_tx_cargo_issue-bill.md")
	require.Contains(t, names, "tradechaind_query_tradefinance_fingerprint.md")

	if *updateCLIDocs {
		require.NoError(t, os.RemoveAll(cliRefDir))
		require.NoError(t, os.MkdirAll(cliRefDir, 0o755))
		for _, n := range names {
			b, err := os.ReadFile(filepath.Join(dir, n))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(cliRefDir, n), b, 0o644))
		}
		t.Logf("wrote %d pages to docs/cli", len(names))
		return
	}

	committed, err := filepath.Glob(filepath.Join(cliRefDir, "*.md"))
	require.NoError(t, err)
	have := map[string]bool{}
	for _, p := range committed {
		have[filepath.Base(p)] = true
	}
	var stale []string
	for _, n := range names {
		want, err := os.ReadFile(filepath.Join(dir, n))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(cliRefDir, n))
		switch {
		case os.IsNotExist(err):
			stale = append(stale, n+" (missing)")
		case err != nil:
			t.Fatal(err)
		case string(got) != string(want):
			stale = append(stale, n+" (differs)")
		}
		delete(have, n)
	}
	for n := range have {
		stale = append(stale, n+" (no such command)")
	}
	sort.Strings(stale)
	if len(stale) > 10 {
		stale = append(stale[:10], "...")
	}
	require.Empty(t, stale, "docs/cli is stale: run `make docs-gen` and commit the result")
}
