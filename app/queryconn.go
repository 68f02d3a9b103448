package app

import (
	"context"
	"fmt"
	"reflect"

	gogogrpc "github.com/cosmos/gogoproto/grpc"
	gogoproto "github.com/cosmos/gogoproto/proto"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// queryConn is a client connection to the zone's own gRPC query services
// that calls them in the caller's goroutine: the REST gateway of x/cargo and
// x/tradefinance uses it instead of a loopback gRPC connection to the node's
// gRPC server.
//
// Each method runs exactly as the gRPC server runs it — BaseApp's
// RegisterGRPCServer registers the services here, with the SDK's interceptors:
// a panic recovered into an error, the query context created from the
// x-cosmos-block-height header (the latest height without it, the query gas
// limit applied) and that height set in the response header. What it leaves
// out is the transport: the request and the page of bills in its response are
// not encoded into protobuf, framed into HTTP/2, sent over loopback and
// decoded again, on two more goroutines, before the gateway writes them as
// JSON. In a profile of REST pages of bills that was a fifth of the node's CPU
// (docs/performance.md).
//
// The request is copied through its protobuf encoding, as the server's copy
// is its own; the response is the handler's own message, copied into the
// caller's reply without encoding — the gateway only writes it out.
// Errors reach the caller as the gRPC client would see them (status errors).
type queryConn struct {
	methods map[string]queryMethod
}

type queryMethod struct {
	srv     any
	handler grpc.MethodHandler
}

var (
	_ gogogrpc.ClientConn = (*queryConn)(nil)
	_ gogogrpc.Server     = (*queryConn)(nil)
)

// QueryConn returns a client connection to this App's gRPC query services
// that calls them in process. Call it once every query service is
// registered — the REST server does so in RegisterAPIRoutes.
func (app *App) QueryConn() gogogrpc.ClientConn {
	c := &queryConn{methods: map[string]queryMethod{}}
	app.RegisterGRPCServer(c)
	return c
}

// RegisterService implements gogogrpc.Server: BaseApp.RegisterGRPCServer
// hands it every query service, its methods wrapped in the SDK's interceptors.
func (c *queryConn) RegisterService(sd *grpc.ServiceDesc, srv any) {
	for _, m := range sd.Methods {
		c.methods[fmt.Sprintf("/%s/%s", sd.ServiceName, m.MethodName)] = queryMethod{srv: srv, handler: m.Handler}
	}
}

// Invoke implements gogogrpc.ClientConn.
func (c *queryConn) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	m, ok := c.methods[method]
	if !ok {
		return status.Errorf(codes.Unimplemented, "unknown method %s", method)
	}
	req, ok := args.(gogoproto.Message)
	if !ok {
		return status.Errorf(codes.Internal, "%s: request %T is not a protobuf message", method, args)
	}
	// what the client sends is what the server receives
	md, _ := metadata.FromOutgoingContext(ctx)
	stream := &queryStream{method: method}
	sctx := grpc.NewContextWithServerTransportStream(metadata.NewIncomingContext(ctx, md.Copy()), stream)

	resp, err := m.handler(m.srv, sctx, func(in any) error {
		bz, err := gogoproto.Marshal(req)
		if err != nil {
			return status.Errorf(codes.Internal, "%s: encoding the request: %v", method, err)
		}
		dst, ok := in.(gogoproto.Message)
		if !ok {
			return status.Errorf(codes.Internal, "%s: request %T is not a protobuf message", method, in)
		}
		return gogoproto.Unmarshal(bz, dst)
	}, nil)
	for _, o := range opts {
		switch o := o.(type) {
		case grpc.HeaderCallOption:
			*o.HeaderAddr = stream.header
		case grpc.TrailerCallOption:
			*o.TrailerAddr = stream.trailer
		}
	}
	if err != nil {
		return status.Convert(err).Err()
	}
	out, to := reflect.ValueOf(resp), reflect.ValueOf(reply)
	if resp == nil || out.Kind() != reflect.Pointer || out.IsNil() || out.Type() != to.Type() || to.IsNil() {
		return status.Errorf(codes.Internal, "%s: response %T does not fit reply %T", method, resp, reply)
	}
	to.Elem().Set(out.Elem())
	return nil
}

// NewStream implements gogogrpc.ClientConn: the query services have no
// streaming methods.
func (c *queryConn) NewStream(context.Context, *grpc.StreamDesc, string, ...grpc.CallOption) (grpc.ClientStream, error) {
	return nil, status.Error(codes.Unimplemented, "streaming queries are not served in process")
}

// queryStream is the server side of one call, as far as a handler sees it:
// the headers and trailers it sets.
type queryStream struct {
	method          string
	header, trailer metadata.MD
}

func (s *queryStream) Method() string { return s.method }

func (s *queryStream) SetHeader(md metadata.MD) error {
	s.header = metadata.Join(s.header, md)
	return nil
}

func (s *queryStream) SendHeader(md metadata.MD) error { return s.SetHeader(md) }

func (s *queryStream) SetTrailer(md metadata.MD) error {
	s.trailer = metadata.Join(s.trailer, md)
	return nil
}

// gatewayOverConn is a module whose REST gateway can be served over any
// client connection, not only the client.Context the SDK hands it.
type gatewayOverConn interface {
	RegisterGatewayRoutes(conn gogogrpc.ClientConn, mux *gwruntime.ServeMux)
}
