package cmd

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The root command builds (flag clashes panic there) and every docstore
// subcommand is wired with its flags.
func TestDocstoreCommands(t *testing.T) {
	root := NewRootCmd()
	ds, _, err := root.Find([]string{"docstore"})
	require.NoError(t, err)
	want := map[string][]string{
		"start":          {"listen", "backend", "postgres-dsn", "key-name", "max-size", "chain-id", "node"},
		"upload":         {"url", "from"},
		"fetch":          {"url", "consent", "out", "from"},
		"sign-challenge": {"url", "from"},
		"hash":           nil, "rotate-key": nil, "rekey": {"backend"},
	}
	for name, flags := range want {
		c, _, err := ds.Find([]string{name})
		require.NoError(t, err, name)
		require.Equal(t, name, c.Name())
		for _, f := range flags {
			require.NotNil(t, c.Flags().Lookup(f), "%s --%s", name, f)
		}
	}
}
