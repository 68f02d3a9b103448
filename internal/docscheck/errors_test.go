package docscheck

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the generated error tables of docs/ (make docs-gen)")

// The error tables of the docs, each generated from the file that registers
// the errors.
var errorTables = []struct {
	page, marker, source, codespace string
}{
	{"docs/cargo.md", "errors-table", "x/cargo/types/errors.go", "cargo"},
	{"docs/tradefinance.md", "errors-table", "x/tradefinance/types/errors.go", "tradefinance"},
	{"docs/who-can-do-what.md", "errors-table", "app/errors.go", "tradechain"},
}

// TestErrorTables keeps each module page's table of errors the registered
// errors themselves; `make docs-gen` (-update-docs) rewrites the tables.
func TestErrorTables(t *testing.T) {
	for _, tc := range errorTables {
		errs, err := RegisteredErrors(filepath.Join(repoRoot, tc.source))
		require.NoError(t, err)
		require.NotEmpty(t, errs, "%s registers no errors", tc.source)
		want := ErrorTable(tc.codespace, errs)
		page, err := readFile(filepath.Join(repoRoot, tc.page))
		require.NoError(t, err)
		got, replaced, err := Between(page, tc.marker, want)
		require.NoError(t, err, tc.page)
		if *updateDocs {
			require.NoError(t, os.WriteFile(filepath.Join(repoRoot, tc.page), []byte(replaced), 0o644))
			continue
		}
		require.Equal(t, want, got, "%s: the table of errors is not %s's: run `make docs-gen` and commit the result", tc.page, tc.source)
	}
}

func TestRegisteredErrors(t *testing.T) {
	dir := t.TempDir()
	src := "package x\n\nimport errorsmod \"cosmossdk.io/errors\"\n\nvar (\n\tErrB = errorsmod.Register(ModuleName, 3, \"b | c\")\n\tErrA = errorsmod.Register(ModuleName, 2, \"a\")\n\tOther = 4\n)\n"
	p := filepath.Join(dir, "errors.go")
	require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	errs, err := RegisteredErrors(p)
	require.NoError(t, err)
	require.Equal(t, []Registered{{"ErrA", 2, "a"}, {"ErrB", 3, "b | c"}}, errs)
	require.Equal(t, "| code | error | message |\n|---|---|---|\n| `x/2` | `ErrA` | a |\n| `x/3` | `ErrB` | b \\| c |\n", ErrorTable("x", errs))
}
