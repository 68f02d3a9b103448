// Package simops holds what the x/cargo and x/tradefinance simulations share:
// an operation that builds a message from the current state, checks it against
// the module's own handler on a throw-away branch of the state, and only then
// signs it and delivers it as a real transaction.
package simops

import (
	"fmt"
	"math/rand"
	"os"
	"time"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"
)

// Keepers are what delivering a simulated transaction needs.
type Keepers struct {
	TxConfig client.TxConfig
	Account  simulation.AccountKeeper
	Bank     simulation.BankKeeper
}

// Builder makes a message from the current state. It returns skip (a reason)
// when the state offers nothing to act on yet.
type Builder func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (msg sdk.Msg, signer simtypes.Account, skip string)

// Operation turns a Builder into a simulation operation. A message the
// module's handler refuses on a branch of the state is reported as a no-op
// with the handler's error (the simulation's report counts them); a message
// it accepts is signed and delivered through the ante handler, and a failure
// there fails the simulation: what the handler accepted must also land.
func Operation(module string, k Keepers, build Builder) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, chainID string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg, signer, skip := build(r, ctx, accs)
		if msg == nil {
			return simtypes.NoOpMsg(module, module, skip), nil, nil
		}
		name := sdk.MsgTypeURL(msg)
		handler := app.MsgServiceRouter().Handler(msg)
		if handler == nil {
			return simtypes.NoOpMsg(module, name, "no handler"), nil, fmt.Errorf("no handler for %s", name)
		}
		branch, _ := ctx.CacheContext()
		if _, err := handler(branch, msg); err != nil {
			if os.Getenv("SIMOPS_DEBUG") != "" { // why a handler refused: SIMOPS_DEBUG=1 make test-sim
				fmt.Println("SIMOPS", name, err)
			}
			return simtypes.NoOpMsg(module, name, err.Error()), nil, nil
		}
		return simulation.GenAndDeliverTx(simulation.OperationInput{
			R: r, App: app, TxGen: k.TxConfig, Msg: msg, Context: ctx, SimAccount: signer,
			AccountKeeper: k.Account, Bankkeeper: k.Bank, ModuleName: module,
		}, sdk.NewCoins())
	}
}

// Account finds the simulation account of a bech32 address.
func Account(accs []simtypes.Account, addr string) (simtypes.Account, bool) {
	a, err := sdk.AccAddressFromBech32(addr)
	if err != nil {
		return simtypes.Account{}, false
	}
	return simtypes.FindAccount(accs, a)
}

// Pick returns a random element, and false for an empty slice.
func Pick[T any](r *rand.Rand, xs []T) (T, bool) {
	var zero T
	if len(xs) == 0 {
		return zero, false
	}
	return xs[r.Intn(len(xs))], true
}

// Date is the calendar date days after the block time, as YYYY-MM-DD.
func Date(ctx sdk.Context, days int) string {
	return ctx.BlockTime().UTC().AddDate(0, 0, days).Format(time.DateOnly)
}

// Hash is a random SHA-256 hex digest, as a document hash.
func Hash(r *rand.Rand) string {
	b := make([]byte, 32)
	r.Read(b)
	return fmt.Sprintf("%x", b)
}

// WeightScale multiplies the modules' default operation weights so that, next
// to the SDK modules' operations, most of a simulated block is trade.
const WeightScale = 4

// Weight reads an operation weight from the simulation's params file, or
// uses def.
func Weight(state simtypes.AppParams, name string, def int) int {
	w := def
	state.GetOrGenerate(name, &w, nil, func(*rand.Rand) {})
	return w
}
