// Package clidoc renders a cobra command tree as Markdown, one page per
// command, the way `tradechaind <command> --help` prints it: the reference in
// docs/cli is generated from the code by this package (make docs-gen), and a
// test of cmd/tradechaind/cmd fails when the committed pages are stale.
//
// The pages hold nothing that depends on the machine or the time they were
// written on: the caller passes a replacer for values such as the default home
// folder, and commands and flags are in cobra's sorted order.
package clidoc

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Render writes one page per available command of root's tree into dir and
// returns the file names written. Help and hidden commands are left out, as
// `--help` leaves them out. repl, if not nil, is applied to every page.
func Render(root *cobra.Command, dir string, repl *strings.Replacer) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var names []string
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		page := Page(c)
		if repl != nil {
			page = repl.Replace(page)
		}
		name := FileName(c)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(page), 0o644); err != nil {
			return err
		}
		names = append(names, name)
		for _, sub := range children(c) {
			if err := walk(sub); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root); err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// FileName is the page's file name: the command path joined by underscores
// (`tradechaind_tx_cargo_issue-bill.md`), as cobra's own doc generator names it.
func FileName(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "_") + ".md"
}

// children are the subcommands `--help` lists.
func children(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, sub := range c.Commands() {
		if !sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
			continue
		}
		out = append(out, sub)
	}
	return out
}

// Page renders one command: its description, usage line, aliases, examples,
// flags, the flags it inherits, its parent and its subcommands (each linked).
func Page(c *cobra.Command) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", c.CommandPath())
	b.WriteString("<!-- Generated from the code by `make docs-gen`; do not edit. -->\n\n")
	if s := strings.TrimSpace(c.Short); s != "" {
		fmt.Fprintf(&b, "%s\n\n", s)
	}
	if l := strings.TrimSpace(c.Long); l != "" && l != strings.TrimSpace(c.Short) {
		fmt.Fprintf(&b, "```text\n%s\n```\n\n", l)
	}
	if c.Runnable() {
		fmt.Fprintf(&b, "```sh\n%s\n```\n\n", c.UseLine())
	}
	if len(c.Aliases) > 0 {
		fmt.Fprintf(&b, "Aliases: %s\n\n", "`"+strings.Join(c.Aliases, "`, `")+"`")
	}
	if e := strings.TrimSpace(c.Example); e != "" {
		fmt.Fprintf(&b, "## Examples\n\n```sh\n%s\n```\n\n", strings.TrimRight(c.Example, "\n "))
	}
	if fs := c.NonInheritedFlags(); hasFlags(fs) {
		fmt.Fprintf(&b, "## Flags\n\n```text\n%s```\n\n", fs.FlagUsages())
	}
	if fs := c.InheritedFlags(); hasFlags(fs) {
		fmt.Fprintf(&b, "## Flags inherited from parent commands\n\n```text\n%s```\n\n", fs.FlagUsages())
	}
	subs := children(c)
	if c.HasParent() || len(subs) > 0 {
		b.WriteString("## See also\n\n")
		if c.HasParent() {
			p := c.Parent()
			fmt.Fprintf(&b, "- [%s](%s) — %s\n", p.CommandPath(), FileName(p), oneLine(p.Short))
		}
		for _, sub := range subs {
			fmt.Fprintf(&b, "- [%s](%s) — %s\n", sub.CommandPath(), FileName(sub), oneLine(sub.Short))
		}
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func hasFlags(fs *pflag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			n++
		}
	})
	return n > 0
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
