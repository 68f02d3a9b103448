package typedevent_test

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/tradechain/tradechain/internal/typedevent"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	financetypes "github.com/tradechain/tradechain/x/tradefinance/types"
)

// Every message of x/cargo's and x/tradefinance's events.proto, from the
// proto registry (the modules' types packages register them).
func eventTypes(t *testing.T) []reflect.Type {
	var out []reflect.Type
	for _, path := range []string{"tradechain/cargo/v1/events.proto", "tradechain/tradefinance/v1/events.proto"} {
		fd, err := proto.HybridResolver.FindFileByPath(path)
		require.NoError(t, err)
		msgs := fd.Messages()
		for i := 0; i < msgs.Len(); i++ {
			typ := proto.MessageType(string(msgs.Get(i).FullName()))
			require.NotNil(t, typ, msgs.Get(i).FullName())
			out = append(out, typ)
		}
	}
	require.Greater(t, len(out), 40, "both modules' events")
	return out
}

// The modules' types packages, linked so that their files are registered.
var _ = []any{cargotypes.EventBillTransferred{}, financetypes.EventLCIssued{}}

var runes = []rune("aZ09 _-./:\"\\<>&'\u00e9\u4e2d\u2028\u2029\U0001F600\t\n\x00\x1f\x7f")

func randomize(r *rand.Rand, v reflect.Value) {
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if !f.CanSet() || strings.HasPrefix(v.Type().Field(i).Name, "XXX_") {
			continue
		}
		if r.Intn(4) == 0 {
			continue // leave the zero value: defaults are emitted too
		}
		switch f.Kind() {
		case reflect.String:
			var b strings.Builder
			for n := r.Intn(12); n > 0; n-- {
				b.WriteRune(runes[r.Intn(len(runes))])
			}
			if r.Intn(8) == 0 {
				b.WriteString("\xff") // invalid UTF-8
			}
			f.SetString(b.String())
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int32:
			f.SetInt(int64(r.Intn(8)) - 1) // known enum values, and unknown ones
		case reflect.Int64:
			f.SetInt(r.Int63() - r.Int63())
		case reflect.Uint32:
			f.SetUint(uint64(r.Uint32()))
		case reflect.Uint64:
			f.SetUint(r.Uint64())
		case reflect.Slice:
			if k := f.Type().Elem().Kind(); k != reflect.String && k != reflect.Int32 {
				continue // nested messages: the SDK's path either way
			}
			n := r.Intn(4)
			s := reflect.MakeSlice(f.Type(), n, n) // empty (not nil) included
			for j := 0; j < n; j++ {
				switch s.Index(j).Kind() {
				case reflect.String:
					s.Index(j).SetString([]string{"a", "<b>&", "\u00e9\"", ""}[r.Intn(4)])
				case reflect.Int32:
					s.Index(j).SetInt(int64(r.Intn(8)) - 1)
				}
			}
			f.Set(s)
		}
	}
}

// TestMatchesSDK: for every event type, random values (empty, escaped,
// non-ASCII, invalid UTF-8, unknown enum values, 64-bit extremes) give the
// same sdk.Event as the SDK's TypedEventToEvent.
func TestMatchesSDK(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	fast := 0
	for _, typ := range eventTypes(t) {
		for i := 0; i < 200; i++ {
			msg := reflect.New(typ.Elem())
			if i > 0 {
				randomize(r, msg.Elem())
			}
			pm := msg.Interface().(proto.Message)
			want, err := sdk.TypedEventToEvent(pm)
			require.NoError(t, err)
			got, err := typedevent.ToEvent(pm)
			require.NoError(t, err)
			require.Equal(t, want, got, "%s %v", typ, pm)
		}
		if typedevent.Fast(reflect.New(typ.Elem()).Interface().(proto.Message)) {
			fast++
		}
	}
	require.Greater(t, fast, 30, "most events take the fast path")
}

func BenchmarkEventBillTransferred(b *testing.B) {
	ev := &cargotypes.EventBillTransferred{BillId: "COS-COSU6385270140", From: "trade1x5gjt2w78pewkch6v4572749u5al52r3fs7phx",
		To: "trade1nhwkh22xeaequxfqn6qftn3fxw2la0qe6ac7rk", Action: "TRANSFER"}
	b.Run("sdk", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_, _ = sdk.TypedEventToEvent(ev)
		}
	})
	b.Run("typedevent", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_, _ = typedevent.ToEvent(ev)
		}
	})
}
