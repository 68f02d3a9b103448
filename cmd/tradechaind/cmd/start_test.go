package cmd

import (
	"context"
	"sync"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/proxy"
	"github.com/stretchr/testify/require"
)

type recordingPreverifier struct {
	mu  sync.Mutex
	txs [][]byte
}

func (r *recordingPreverifier) PreverifyTx(tx []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.txs = append(r.txs, tx)
}

type countingApp struct {
	abci.BaseApplication
	checks []abci.CheckTxType
}

func (a *countingApp) CheckTx(_ context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	a.checks = append(a.checks, req.Type)
	return &abci.ResponseCheckTx{Code: 7}, nil
}

// TestPreverifyingClient checks the ABCI client start hands CometBFT: a new
// transaction is given to PreverifyTx before CheckTx (sync and async), a
// recheck is not, and the application's answer comes back unchanged.
func TestPreverifyingClient(t *testing.T) {
	app := &countingApp{}
	pre := &recordingPreverifier{}
	creator := preverifyingClientCreator{ClientCreator: proxy.NewLocalClientCreator(app), app: pre}
	cl, err := creator.NewABCIClient()
	require.NoError(t, err)
	var async []abci.CheckTxType
	cl.SetResponseCallback(func(req *abci.Request, _ *abci.Response) { async = append(async, req.GetCheckTx().Type) })

	res, err := cl.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: []byte("a"), Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.EqualValues(t, 7, res.Code)
	rr, err := cl.CheckTxAsync(context.Background(), &abci.RequestCheckTx{Tx: []byte("b"), Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.EqualValues(t, 7, rr.Response.GetCheckTx().Code)
	_, err = cl.CheckTxAsync(context.Background(), &abci.RequestCheckTx{Tx: []byte("c"), Type: abci.CheckTxType_Recheck})
	require.NoError(t, err)

	require.Equal(t, [][]byte{[]byte("a"), []byte("b")}, pre.txs, "new transactions only")
	require.Equal(t, []abci.CheckTxType{abci.CheckTxType_New, abci.CheckTxType_Recheck}, async, "async answers reach the mempool's callback")
	require.Equal(t, []abci.CheckTxType{abci.CheckTxType_New, abci.CheckTxType_New, abci.CheckTxType_Recheck}, app.checks)

	// the other connections are the SDK's local clients, sharing their mutex
	q, err := creator.NewABCIClient()
	require.NoError(t, err)
	_, err = q.Info(context.Background(), &abci.RequestInfo{})
	require.NoError(t, err)
}
