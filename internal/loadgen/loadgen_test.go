package loadgen

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeNode answers the JSON-RPC calls the generator makes: broadcast_tx_sync
// (code 5 for a tx starting with "bad"), /block and /block_results for
// heights 1 and 2 (block 1 empty, block 2 with two txs, the second failed).
func fakeNode(t *testing.T, resultsCalls *atomic.Int32) *httptest.Server {
	txs := [][]byte{[]byte("tx-one"), []byte("tx-two")}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, _ := strconv.Atoi(r.URL.Query().Get("height"))
		switch {
		case r.Method == http.MethodPost:
			var req struct {
				Method string
				Params struct{ Tx string }
			}
			bz, _ := io.ReadAll(r.Body)
			require.NoError(t, json.Unmarshal(bz, &req))
			require.Equal(t, "broadcast_tx_sync", req.Method)
			tx, err := base64.StdEncoding.DecodeString(req.Params.Tx)
			require.NoError(t, err)
			code := 0
			if strings.HasPrefix(string(tx), "bad") {
				code = 5
			}
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":1,"result":{"code":%d,"log":"checked %s","hash":"X"}}`, code, tx)
		case r.URL.Path == "/block" && (h == 1 || h == 2):
			var b64 []string
			if h == 2 {
				for _, tx := range txs {
					b64 = append(b64, base64.StdEncoding.EncodeToString(tx))
				}
			}
			list, _ := json.Marshal(b64)
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":-1,"result":{"block_id":{},"block":{"header":{"height":"%d","time":"2026-11-29T09:00:0%dZ"},"data":{"txs":%s},"last_commit":{"signatures":[]}}}}`, h, h, list)
		case r.URL.Path == "/block_results" && h == 2:
			resultsCalls.Add(1)
			fmt.Fprint(w, `{"jsonrpc":"2.0","id":-1,"result":{"height":"2","txs_results":[{"code":0,"log":"","events":[{"type":"transfer","attributes":[{"key":"k","value":"v","index":true}]}]},{"code":11,"log":"out of gas"}]}}`)
		default:
			fmt.Fprint(w, `{"jsonrpc":"2.0","id":-1,"error":{"code":-32603,"message":"Internal error","data":"height must be less than or equal to the current blockchain height"}}`)
		}
	}))
}

func TestBroadcastAndTrack(t *testing.T) {
	var resultsCalls atomic.Int32
	srv := fakeNode(t, &resultsCalls)
	defer srv.Close()
	c, err := Dial("tcp://" + strings.TrimPrefix(srv.URL, "http://"))
	require.NoError(t, err)
	ctx := context.Background()

	code, log, err := c.Broadcast(ctx, []byte("tx-one"))
	require.NoError(t, err)
	require.Zero(t, code)
	require.Equal(t, "checked tx-one", log)
	code, _, err = c.BroadcastBody(ctx, EncodeBroadcast([]byte("bad tx")))
	require.NoError(t, err)
	require.EqualValues(t, 5, code)

	// A measurement reads only /block during its window, then the codes.
	tr := NewTracker(c, 0)
	tr.DeferResults = true
	require.NoError(t, tr.Poll(ctx))
	require.Zero(t, resultsCalls.Load(), "results read inside the window")
	require.Equal(t, 2, tr.Count())
	require.Len(t, tr.Blocks, 2)
	require.Equal(t, 2, tr.Blocks[1].Txs)
	one, ok := tr.Get(Hash([]byte("tx-one")))
	require.True(t, ok)
	require.EqualValues(t, 2, one.Height)
	require.NoError(t, tr.FillResults(ctx))
	require.EqualValues(t, 1, resultsCalls.Load(), "results read once, for the block with txs")
	two, _ := tr.Get(Hash([]byte("tx-two")))
	require.EqualValues(t, 11, two.Code)
	require.Equal(t, "out of gas", two.Log)

	// Without deferral the codes come with the blocks, and WaitAll reports
	// a tx that failed in its block.
	tr = NewTracker(c, 0)
	require.ErrorContains(t, tr.WaitAll(ctx, []string{Hash([]byte("tx-one")), Hash([]byte("tx-two"))}, 0), "out of gas")
	one, _ = tr.Get(Hash([]byte("tx-one")))
	require.Zero(t, one.Code)
}
