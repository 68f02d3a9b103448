package app_test

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	msgv1 "cosmossdk.io/api/cosmos/msg/v1"

	gogoproto "github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"

	ct "github.com/tradechain/tradechain/x/cargo/testutil"
)

// TestRolesTable keeps the roles table of docs/who-can-do-what.md true: it has one
// row per Msg type of the tradechain modules that the app registers, no
// other rows, and each row's signer field is the message's
// cosmos.msg.v1.signer option.
func TestRolesTable(t *testing.T) {
	page, err := os.ReadFile("../docs/who-can-do-what.md")
	require.NoError(t, err)
	text := string(page)
	start, end := strings.Index(text, "<!-- roles-table:start -->"), strings.Index(text, "<!-- roles-table:end -->")
	require.True(t, start >= 0 && end > start, "docs/who-can-do-what.md has no roles table between its markers")
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9.]+\\.Msg[A-Za-z]+)` \\| `([a-z_]+)` \\| ([^|]+) \\|$")
	table := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(text[start:end], -1) {
		require.NotContains(t, table, m[1], "row %s is listed twice", m[1])
		require.NotEmpty(t, strings.TrimSpace(m[3]), "row %s says nobody may sign", m[1])
		table[m[1]] = m[2]
	}

	c := ct.NewChain(t)
	var msgs []string
	for _, url := range c.App.InterfaceRegistry().ListImplementations(sdk.MsgInterfaceProtoName) {
		name := strings.TrimPrefix(url, "/")
		if strings.HasPrefix(name, "tradechain.") {
			msgs = append(msgs, name)
		}
	}
	sort.Strings(msgs)
	require.NotEmpty(t, msgs)
	for _, name := range msgs {
		field, ok := table[name]
		require.True(t, ok, "docs/who-can-do-what.md's roles table has no row for %s", name)
		desc, err := gogoproto.HybridResolver.FindDescriptorByName(protoreflect.FullName(name))
		require.NoError(t, err)
		signers, _ := proto.GetExtension(desc.(protoreflect.MessageDescriptor).Options(), msgv1.E_Signer).([]string)
		require.Equal(t, signers, []string{field}, "%s is signed by %v, the table says %s", name, signers, field)
		delete(table, name)
	}
	require.Empty(t, table, "docs/who-can-do-what.md's roles table lists messages the app does not register")
}
