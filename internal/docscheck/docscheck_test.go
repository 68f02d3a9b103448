package docscheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const repoRoot = "../.."

// TestDocLinks fails, naming file:line, on every relative link or #anchor in
// README.md and docs/**/*.md that does not resolve.
func TestDocLinks(t *testing.T) {
	root, err := filepath.Abs(repoRoot)
	require.NoError(t, err)
	files, err := Files(root)
	require.NoError(t, err)
	require.Greater(t, len(files), 5)
	broken, err := Check(root, files)
	require.NoError(t, err)
	for _, b := range broken {
		t.Errorf("%s", b)
	}
}

// TestReadmeLength keeps README.md a front page.
func TestReadmeLength(t *testing.T) {
	n, err := CountLines(filepath.Join(repoRoot, "README.md"))
	require.NoError(t, err)
	require.LessOrEqual(t, n, MaxReadmeLines, "README.md has %d lines, more than %d: move the detail to a page under docs/ and link it", n, MaxReadmeLines)
}

// TestCheckFindsBrokenLinks proves the checker on a small tree: each kind of
// broken link is reported at its line, the good ones are not.
func TestCheckFindsBrokenLinks(t *testing.T) {
	root := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(root, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	write("docs/a.md", "# Title — with `code` and [a link](x)\n\n## Who can do what\n\n## Who can do what\n\n<a id=\"custom\"></a>\n")
	write("img/p.png", "")
	readme := write("README.md", strings.Join([]string{
		"# Readme", // 1
		"[ok](docs/a.md) [ok](docs/a.md#who-can-do-what) [ok](docs/a.md#who-can-do-what-1)",    // 2
		"[ok](docs/a.md#title--with-code-and-a-link) [ok](docs/a.md#custom) [ok](#readme)",     // 3
		"![img](img/p.png) [dir](docs/) [web](https://example.invalid/x) `[code](nowhere.md)`", // 4
		"[missing](docs/b.md)",            // 5
		"[bad anchor](docs/a.md#nope)",    // 6
		"```",                             // 7
		"[in a fence](nowhere.md)",        // 8
		"```",                             // 9
		"[self](#nowhere) [out](../x.md)", // 10
		"[ref]: docs/gone.md",             // 11
		`<img src="img/q.png">`,           // 12
		"a `code span over",               // 13
		"two lines` [bad](gone2.md) `x`",  // 14
		"```sh",                           // 15
		"[hidden](nowhere.md)",            // 16
	}, "\n")+"\n")
	broken, err := Check(root, []string{readme})
	require.NoError(t, err)
	var got []string
	for _, b := range broken {
		got = append(got, b.String())
	}
	require.Equal(t, []string{
		`README.md:5: link "docs/b.md": no such file`,
		`README.md:6: link "docs/a.md#nope": no heading or anchor #nope there`,
		`README.md:10: link "#nowhere": no heading or anchor #nowhere there`,
		`README.md:10: link "../x.md": points outside the repository`,
		`README.md:11: link "docs/gone.md": no such file`,
		`README.md:12: link "img/q.png": no such file`,
		`README.md:14: link "gone2.md": no such file`,
		"README.md:15: link \"```\": code fence never closed",
	}, got)
}
