// Package docscheck keeps the project's Markdown honest: every relative link
// and #anchor in README.md and docs/ resolves, and README.md stays a front
// page (at most MaxReadmeLines lines). Its test runs in make test.
package docscheck

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

// MaxReadmeLines is README.md's length limit: details go under docs/.
const MaxReadmeLines = 250

// Broken is a link that does not resolve, at File:Line.
type Broken struct {
	File   string
	Line   int
	Target string
	Why    string
}

func (b Broken) String() string {
	return fmt.Sprintf("%s:%d: link %q: %s", b.File, b.Line, b.Target, b.Why)
}

var (
	fence = regexp.MustCompile("^\\s*(```|~~~)")
	// [text](target "title") and ![alt](target); text may hold one level of brackets.
	mdLink = regexp.MustCompile(`\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	// [label]: target
	refLink = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$`)
	// href="…" and src="…" of inline HTML.
	htmlLink = regexp.MustCompile(`(?:href|src)="([^"]+)"`)
	heading  = regexp.MustCompile(`^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	htmlID   = regexp.MustCompile(`<a\s+(?:id|name)="([^"]+)"`)
	scheme   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// link is one link target found on a line (target "" marks a code fence
// opened there and never closed, which would hide every link after it).
type link struct {
	line   int
	target string
}

// scan returns a Markdown file's links and its anchors (GitHub's heading ids
// and explicit <a id/name>), outside fenced code blocks and code spans.
func scan(path string) ([]link, map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var links []link
	anchors := map[string]bool{}
	seen := map[string]int{}
	inFence, fenceLine := false, 0
	span := 0 // the backtick run of a code span still open from an earlier line
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if fence.MatchString(line) {
			inFence, fenceLine = !inFence, n
			continue
		}
		if inFence {
			continue
		}
		if strings.TrimSpace(line) == "" {
			span = 0 // a code span ends with its paragraph
		}
		var text string
		text, span = outsideCode(line, span)
		for _, m := range mdLink.FindAllStringSubmatch(text, -1) {
			links = append(links, link{n, m[1]})
		}
		if m := refLink.FindStringSubmatch(text); m != nil {
			links = append(links, link{n, m[1]})
		}
		for _, m := range htmlLink.FindAllStringSubmatch(text, -1) {
			links = append(links, link{n, m[1]})
		}
		for _, m := range htmlID.FindAllStringSubmatch(line, -1) {
			anchors[m[1]] = true
		}
		if m := heading.FindStringSubmatch(line); m != nil {
			slug := Slug(m[2])
			if k := seen[slug]; k > 0 {
				anchors[fmt.Sprintf("%s-%d", slug, k)] = true
			} else {
				anchors[slug] = true
			}
			seen[slug]++
		}
	}
	if inFence {
		links = append(links, link{fenceLine, ""})
	}
	return links, anchors, sc.Err()
}

// outsideCode returns the parts of a line outside code spans, given the
// length of the backtick run of a span left open by the lines before (0 for
// none), and the run still open at the line's end. Spans may cross lines.
func outsideCode(line string, open int) (string, int) {
	var b strings.Builder
	for i := 0; i < len(line); {
		if line[i] != '`' {
			if open == 0 {
				b.WriteByte(line[i])
			}
			i++
			continue
		}
		j := i
		for j < len(line) && line[j] == '`' {
			j++
		}
		switch run := j - i; {
		case open == 0:
			open = run
		case run == open:
			open = 0
		}
		b.WriteByte(' ')
		i = j
	}
	return b.String(), open
}

var linkText = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)

// Slug is the id GitHub gives a heading: its text without Markdown links and
// code marks, lower case, every character that is not a letter, mark, digit,
// underscore, hyphen or space dropped, spaces made hyphens.
func Slug(h string) string {
	h = linkText.ReplaceAllString(h, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Check checks the relative links of the given Markdown files, which lie
// under root (links may not leave it). Paths in the result are relative to
// root.
func Check(root string, files []string) ([]Broken, error) {
	anchorsOf := map[string]map[string]bool{}
	anchorsFor := func(path string) (map[string]bool, error) {
		if a, ok := anchorsOf[path]; ok {
			return a, nil
		}
		_, a, err := scan(path)
		if err != nil {
			return nil, err
		}
		anchorsOf[path] = a
		return a, nil
	}
	var broken []Broken
	for _, file := range files {
		links, anchors, err := scan(file)
		if err != nil {
			return nil, err
		}
		anchorsOf[file] = anchors
		rel, _ := filepath.Rel(root, file)
		for _, l := range links {
			if l.target == "" {
				broken = append(broken, Broken{rel, l.line, "```", "code fence never closed"})
				continue
			}
			if scheme.MatchString(l.target) || strings.HasPrefix(l.target, "//") {
				continue // absolute URLs are not checked here
			}
			path, frag, _ := strings.Cut(l.target, "#")
			target := file
			if path != "" {
				target = filepath.Clean(filepath.Join(filepath.Dir(file), filepath.FromSlash(path)))
				if r, err := filepath.Rel(root, target); err != nil || strings.HasPrefix(r, "..") {
					broken = append(broken, Broken{rel, l.line, l.target, "points outside the repository"})
					continue
				}
				st, err := os.Stat(target)
				if err != nil {
					broken = append(broken, Broken{rel, l.line, l.target, "no such file"})
					continue
				}
				if st.IsDir() {
					if frag != "" {
						broken = append(broken, Broken{rel, l.line, l.target, "an anchor into a folder"})
					}
					continue
				}
			}
			if frag == "" || !strings.HasSuffix(target, ".md") {
				continue
			}
			a, err := anchorsFor(target)
			if err != nil {
				return nil, err
			}
			if !a[frag] {
				broken = append(broken, Broken{rel, l.line, l.target, "no heading or anchor #" + frag + " there"})
			}
		}
	}
	return broken, nil
}

// Files lists README.md and every Markdown file under docs/ of root.
func Files(root string) ([]string, error) {
	files := []string{filepath.Join(root, "README.md")}
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// CountLines is the number of lines of a file.
func CountLines(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	n := strings.Count(string(b), "\n")
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n, nil
}
