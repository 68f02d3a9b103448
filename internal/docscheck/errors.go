package docscheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Registered is one error registered with errorsmod.Register.
type Registered struct {
	Name    string // the Go variable
	Code    uint32
	Message string
}

// RegisteredErrors reads the errors a Go source file registers
// (`ErrX = errorsmod.Register(codespace, N, "message")`), in code order.
func RegisteredErrors(path string) ([]Registered, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		return nil, err
	}
	var out []Registered
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, v := range vs.Values {
			call, ok := v.(*ast.CallExpr)
			if !ok || len(call.Args) != 3 {
				continue
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Register" {
				continue
			}
			code, ok1 := call.Args[1].(*ast.BasicLit)
			msg, ok2 := call.Args[2].(*ast.BasicLit)
			if !ok1 || !ok2 || code.Kind != token.INT || msg.Kind != token.STRING {
				continue
			}
			c, err1 := strconv.ParseUint(code.Value, 0, 32)
			m, err2 := strconv.Unquote(msg.Value)
			if err1 != nil || err2 != nil {
				continue
			}
			out = append(out, Registered{Name: vs.Names[i].Name, Code: uint32(c), Message: m})
		}
		return false
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// ErrorTable renders registered errors as a Markdown table: code (as
// `codespace/N`, the form refusals and acknowledgements print), the Go name,
// the message.
func ErrorTable(codespace string, errs []Registered) string {
	var b strings.Builder
	b.WriteString("| code | error | message |\n|---|---|---|\n")
	for _, e := range errs {
		fmt.Fprintf(&b, "| `%s/%d` | `%s` | %s |\n", codespace, e.Code, e.Name, strings.ReplaceAll(e.Message, "|", `\|`))
	}
	return b.String()
}

// Between returns the text of a page between `<!-- NAME:start -->` and
// `<!-- NAME:end -->` (each on a line of its own), and the page with that
// text replaced by repl.
func Between(page, name, repl string) (inner, replaced string, err error) {
	start, end := "<!-- "+name+":start -->\n", "<!-- "+name+":end -->"
	i := strings.Index(page, start)
	j := strings.Index(page, end)
	if i < 0 || j < i+len(start) {
		return "", "", fmt.Errorf("no %q … %q markers", strings.TrimSpace(start), end)
	}
	i += len(start)
	return page[i:j], page[:i] + repl + page[j:], nil
}

// readFile is os.ReadFile as a string.
func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}
