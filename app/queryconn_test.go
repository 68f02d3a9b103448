package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"cosmossdk.io/log"

	sdkclient "github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/server/api"
	"github.com/cosmos/cosmos-sdk/server/config"
	grpctypes "github.com/cosmos/cosmos-sdk/types/grpc"
	"github.com/cosmos/cosmos-sdk/types/query"

	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// TestQueryConn checks the in-process connection the REST gateway of x/cargo
// and x/tradefinance uses: a query answers what the same query answers through
// the SDK's ABCI route (what the gRPC server runs), at the latest height or
// at the height the client's x-cosmos-block-height header asks for, with that
// height in the response header; errors come back as the gRPC client sees
// them; and the gateway over it serves REST as before.
func TestQueryConn(t *testing.T) {
	c := ct.NewChain(t)
	carrier, exporter, importer := c.Accounts[ct.Carrier], c.Accounts[ct.Exporter], c.Accounts[ct.Importer]
	for i := 0; i < 3; i++ {
		c.MustDeliver(carrier, &cargotypes.MsgIssueBill{Carrier: carrier.String(), TransportDocumentReference: fmt.Sprintf("QC%d", i),
			Type: cargotypes.BILL_TYPE_BOL, Mode: cargotypes.BILL_MODE_STRAIGHT, IssueTo: exporter.String(), Consignee: importer.String(),
			DocumentHash: fmt.Sprintf("%064x", 0xc00+i), PortOfLoading: "CNSHA", PortOfDischarge: "HKHKG", IssueDate: "2026-05-03"})
	}
	issued := c.App.LastBlockHeight()
	c.MustDeliver(exporter, &cargotypes.MsgTransferBill{Holder: exporter.String(), BillId: "COS-QC1", To: importer.String()})
	latest := c.App.LastBlockHeight()

	conn := c.App.QueryConn()
	client := cargotypes.NewQueryClient(conn)
	// viaABCI is the same query through the SDK's ABCI route
	viaABCI := func(method string, req, res interface{ Marshal() ([]byte, error) }, height int64) *abci.ResponseQuery {
		bz, err := req.Marshal()
		require.NoError(t, err)
		out, err := c.App.Query(context.Background(), &abci.RequestQuery{Path: method, Data: bz, Height: height})
		require.NoError(t, err)
		return out
	}

	// a page of bills by holder, at the latest height
	var header metadata.MD
	req := &cargotypes.QueryBillsRequest{Holder: importer.String(), Pagination: &query.PageRequest{Limit: 50}}
	page, err := client.Bills(context.Background(), req, grpc.Header(&header))
	require.NoError(t, err)
	require.Len(t, page.Bills, 1)
	require.Equal(t, "COS-QC1", page.Bills[0].Id)
	require.Equal(t, []string{strconv.FormatInt(latest, 10)}, header.Get(grpctypes.GRPCBlockHeightHeader))
	res := viaABCI("/tradechain.cargo.v1.Query/Bills", req, page, 0)
	require.Zero(t, res.Code, res.Log)
	want, err := page.Marshal()
	require.NoError(t, err)
	require.Equal(t, res.Value, want, "the same page as the SDK's route")

	// the height the client asks for
	atIssue := metadata.AppendToOutgoingContext(context.Background(), grpctypes.GRPCBlockHeightHeader, strconv.FormatInt(issued, 10))
	old, err := client.Bills(atIssue, req, grpc.Header(&header))
	require.NoError(t, err)
	require.Empty(t, old.Bills, "before the transfer the importer held none")
	require.Equal(t, []string{strconv.FormatInt(issued, 10)}, header.Get(grpctypes.GRPCBlockHeightHeader))
	bill, err := client.Bill(atIssue, &cargotypes.QueryBillRequest{Id: "COS-QC1"})
	require.NoError(t, err)
	require.Equal(t, exporter.String(), bill.Bill.Holder)

	// errors as the gRPC client sees them
	_, err = client.Bill(context.Background(), &cargotypes.QueryBillRequest{Id: "COS-NONE"})
	require.Equal(t, codes.NotFound, status.Code(err), err)
	_, err = client.Bill(context.Background(), &cargotypes.QueryBillRequest{})
	require.Equal(t, codes.InvalidArgument, status.Code(err), err)
	require.Contains(t, status.Convert(err).Message(), "id is required")
	bad := metadata.AppendToOutgoingContext(context.Background(), grpctypes.GRPCBlockHeightHeader, "yesterday")
	_, err = client.Bill(bad, &cargotypes.QueryBillRequest{Id: "COS-QC1"})
	require.Error(t, err)
	require.Contains(t, err.Error(), "invalid height header")
	future := metadata.AppendToOutgoingContext(context.Background(), grpctypes.GRPCBlockHeightHeader, strconv.FormatInt(latest+100, 10))
	_, err = client.Bill(future, &cargotypes.QueryBillRequest{Id: "COS-QC1"})
	require.Error(t, err, "a height the zone has not reached")
	err = conn.Invoke(context.Background(), "/tradechain.cargo.v1.Query/NoSuchQuery", req, &cargotypes.QueryBillsResponse{})
	require.Equal(t, codes.Unimplemented, status.Code(err))
	err = conn.Invoke(context.Background(), "/tradechain.cargo.v1.Query/Bill", &cargotypes.QueryBillRequest{Id: "COS-QC1"}, &cargotypes.QueryBillsResponse{})
	require.Equal(t, codes.Internal, status.Code(err), "a reply of another type is refused, not filled")

	// REST through the App's routes on the SDK's REST server. Its client
	// context has neither a gRPC client nor a node: only the in-process
	// connection can answer.
	apiSvr := api.New(sdkclient.Context{}.WithInterfaceRegistry(c.App.InterfaceRegistry()), log.NewNopLogger(), nil)
	c.App.RegisterAPIRoutes(apiSvr, config.APIConfig{})
	mux := apiSvr.GRPCGatewayRouter
	get := func(path string, height int64) (int, http.Header, map[string]any) {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		if height > 0 {
			r.Header.Set(grpctypes.GRPCBlockHeightHeader, strconv.FormatInt(height, 10))
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		var body map[string]any
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), w.Body.String())
		return w.Code, w.Header(), body
	}
	code, h, body := get("/tradechain/cargo/v1/bills/COS-QC1", 0)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, strconv.FormatInt(latest, 10), h.Get("Grpc-Metadata-X-Cosmos-Block-Height"))
	require.Equal(t, importer.String(), body["bill"].(map[string]any)["holder"])
	code, _, body = get("/tradechain/cargo/v1/bills/COS-QC1", issued)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, exporter.String(), body["bill"].(map[string]any)["holder"], "the x-cosmos-block-height header")
	code, _, body = get("/tradechain/cargo/v1/bills?holder="+exporter.String(), 0)
	require.Equal(t, http.StatusOK, code, body)
	require.Len(t, body["bills"], 2)
	require.Equal(t, "2", body["pagination"].(map[string]any)["total"])
	code, _, body = get("/tradechain/cargo/v1/bills/COS-NONE", 0)
	require.Equal(t, http.StatusNotFound, code, body)
}
