// Package typedevent emits typed events exactly as the SDK's
// EventManager.EmitTypedEvent does — same event type, same attribute keys in
// the same order, same JSON values byte for byte — without its cost.
//
// The SDK encodes the event with gogoproto's jsonpb, which re-reads the
// message's struct tags through reflection on every call, and then decodes
// that JSON again to split it into attributes: a third of the TransferBill
// handler's CPU in a profile (BenchmarkDeliverBlock), all of it under the
// ABCI lock. Here each event type's fields are read once; an event then costs
// one small JSON encoding per field. Types this package does not know how to
// encode exactly (repeated fields, nested messages, oneofs, custom types) go
// through the SDK's own encoder, unchanged. TestMatchesSDK checks every event
// of both modules against the SDK.
package typedevent

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/gogoproto/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

type kind uint8

const (
	kString kind = iota
	kBool
	kInt32
	kUint32
	kInt64
	kUint64
	kEnum
	kStrings // repeated string
	kEnums   // repeated enum
)

type field struct {
	index int
	name  string // the proto field name (jsonpb's OrigName)
	kind  kind
}

// plan is how one event type is encoded; fast is false when the SDK's
// encoder must do it.
type plan struct {
	eventType string
	fields    []field // sorted by name, as the SDK sorts the attributes
	fast      bool
}

var plans sync.Map // reflect.Type → *plan

func planOf(msg proto.Message) *plan {
	t := reflect.TypeOf(msg)
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := &plan{eventType: proto.MessageName(msg), fast: t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct}
	if p.fast {
		st := t.Elem()
		for i := 0; i < st.NumField() && p.fast; i++ {
			sf := st.Field(i)
			if strings.HasPrefix(sf.Name, "XXX_") {
				continue
			}
			tag := sf.Tag.Get("protobuf")
			name := tagValue(tag, "name=")
			if tag == "" || name == "" || sf.Tag.Get("protobuf_oneof") != "" {
				p.fast = false
				break
			}
			f := field{index: i, name: name}
			switch sf.Type.Kind() {
			case reflect.Slice:
				switch elem := sf.Type.Elem(); {
				case elem.Kind() == reflect.String:
					f.kind = kStrings
				case elem.Kind() == reflect.Int32 && tagValue(tag, "enum=") != "":
					f.kind = kEnums
				default:
					p.fast = false
				}
			case reflect.String:
				f.kind = kString
			case reflect.Bool:
				f.kind = kBool
			case reflect.Int32:
				f.kind = kInt32
				if tagValue(tag, "enum=") != "" {
					f.kind = kEnum
				}
			case reflect.Uint32:
				f.kind = kUint32
			case reflect.Int64:
				f.kind = kInt64
			case reflect.Uint64:
				f.kind = kUint64
			default:
				p.fast = false
			}
			if f.kind == kEnum || f.kind == kEnums {
				et := sf.Type
				if f.kind == kEnums {
					et = et.Elem()
				}
				if _, ok := reflect.Zero(et).Interface().(fmt.Stringer); !ok {
					p.fast = false
				}
			}
			p.fields = append(p.fields, f)
		}
		sort.Slice(p.fields, func(a, b int) bool { return p.fields[a].name < p.fields[b].name })
	}
	plans.Store(t, p)
	return p
}

// tagValue returns the value of key (e.g. "name=") in a protobuf struct tag.
func tagValue(tag, key string) string {
	for _, part := range strings.Split(tag, ",") {
		if v, ok := strings.CutPrefix(part, key); ok {
			return v
		}
	}
	return ""
}

// ToEvent is sdk.TypedEventToEvent.
func ToEvent(msg proto.Message) (sdk.Event, error) {
	p := planOf(msg)
	if !p.fast {
		return sdk.TypedEventToEvent(msg)
	}
	v := reflect.ValueOf(msg).Elem()
	attrs := make([]abci.EventAttribute, len(p.fields))
	for i, f := range p.fields {
		fv := v.Field(f.index)
		var val string
		switch f.kind {
		case kString:
			bz, err := json.Marshal(fv.String()) // what jsonpb writes for a string
			if err != nil {
				return sdk.Event{}, err
			}
			val = string(bz)
		case kBool:
			val = strconv.FormatBool(fv.Bool())
		case kInt32:
			val = strconv.FormatInt(fv.Int(), 10)
		case kUint32:
			val = strconv.FormatUint(fv.Uint(), 10)
		case kInt64:
			val = `"` + strconv.FormatInt(fv.Int(), 10) + `"` // 64-bit integers are JSON strings in proto3 JSON
		case kUint64:
			val = `"` + strconv.FormatUint(fv.Uint(), 10) + `"`
		case kEnum:
			val = enumJSON(fv)
		case kStrings, kEnums:
			// jsonpb: [a,b] without spaces; an empty or nil list as [].
			var b strings.Builder
			b.WriteByte('[')
			for j := 0; j < fv.Len(); j++ {
				if j > 0 {
					b.WriteByte(',')
				}
				if f.kind == kEnums {
					b.WriteString(enumJSON(fv.Index(j)))
					continue
				}
				bz, err := json.Marshal(fv.Index(j).String())
				if err != nil {
					return sdk.Event{}, err
				}
				b.Write(bz)
			}
			b.WriteByte(']')
			val = b.String()
		}
		attrs[i] = abci.EventAttribute{Key: f.name, Value: val}
	}
	return sdk.Event{Type: p.eventType, Attributes: attrs}, nil
}

// enumJSON is what jsonpb writes for an enum value: its name, quoted; an
// unknown value as its bare number.
func enumJSON(v reflect.Value) string {
	name, num := v.Interface().(fmt.Stringer).String(), strconv.FormatInt(v.Int(), 10)
	if name == num {
		return num
	}
	return `"` + name + `"`
}

// Emit is em.EmitTypedEvent(msg).
func Emit(em sdk.EventManagerI, msg proto.Message) error {
	ev, err := ToEvent(msg)
	if err != nil {
		return err
	}
	em.EmitEvent(ev)
	return nil
}

// Fast reports whether msg's type is encoded here rather than by the SDK.
func Fast(msg proto.Message) bool { return planOf(msg).fast }
