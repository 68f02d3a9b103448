// Package testutil sets up a tradechain test chain with a registered roster of
// cargo parties, for x/cargo's tests and for modules built on it.
package testutil

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	clienttypes "github.com/cosmos/ibc-go/v8/modules/core/02-client/types"
	connectiontypes "github.com/cosmos/ibc-go/v8/modules/core/03-connection/types"
	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	commitmenttypes "github.com/cosmos/ibc-go/v8/modules/core/23-commitment/types"
	ibctm "github.com/cosmos/ibc-go/v8/modules/light-clients/07-tendermint"

	"github.com/tradechain/tradechain/app"
	tctestutil "github.com/tradechain/tradechain/testutil"
	"github.com/tradechain/tradechain/x/cargo/keeper"
	"github.com/tradechain/tradechain/x/cargo/types"
)

// Roster indexes into Chain.Accounts.
const (
	Admin = iota
	Carrier
	Exporter
	Importer
	Bank
	Terminal
	Customs
	Retired  // registered but deactivated
	Stranger // not registered
	Carrier2
	Bank2
	NumAccounts
)

// Codes of the registered parties.
var Codes = map[int]string{
	Carrier: "COS", Exporter: "SHPE", Importer: "KBCT", Bank: "HKBK",
	Terminal: "HIT", Customs: "HKCED", Retired: "OLDT", Carrier2: "MSC", Bank2: "SHBK",
}

var roles = map[int][]types.Role{
	Carrier: {types.ROLE_CARRIER}, Exporter: {types.ROLE_TRADER}, Importer: {types.ROLE_TRADER},
	Bank: {types.ROLE_BANK}, Terminal: {types.ROLE_TERMINAL}, Customs: {types.ROLE_CUSTOMS, types.ROLE_REGULATOR},
	Retired: {types.ROLE_TRADER}, Carrier2: {types.ROLE_CARRIER}, Bank2: {types.ROLE_BANK},
}

// LEI is a test party's ISO 17442 LEI: "TC", the code padded with zeros to
// 18 characters, and its check digits — the same on every zone, as a real
// entity's LEI is.
func LEI(code string) string { return types.MakeLEI("TC" + code) }

// GenesisTime is the block time of the fixture's first block.
var GenesisTime = time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)

// NewChain returns a test chain whose cargo genesis names Accounts[Admin] as
// the roster admin and registers the roster above.
func NewChain(t testing.TB, opts ...tctestutil.Option) *tctestutil.Chain {
	t.Helper()
	opts = append([]tctestutil.Option{
		tctestutil.WithAccounts(NumAccounts),
		tctestutil.WithGenesis(func(a *app.App, gs app.GenesisState) {
			accs := tctestutil.AccountsFor(NumAccounts)
			cg := types.DefaultGenesis()
			cg.Params.Admin = accs[Admin].String()
			for i := 0; i < NumAccounts; i++ {
				code, ok := Codes[i]
				if !ok {
					continue
				}
				cg.Parties = append(cg.Parties, types.Party{
					Address: accs[i].String(), Code: code, Name: "Party " + code, Lei: LEI(code),
					Jurisdiction: "HK", Roles: roles[i], Active: i != Retired,
				})
			}
			bz, err := a.AppCodec().MarshalJSON(cg)
			if err != nil {
				panic(err)
			}
			gs[types.ModuleName] = json.RawMessage(bz)
		}),
	}, opts...)
	return tctestutil.NewChain(t, opts...)
}

// TrustChannel writes into the zone's IBC state a 07-tendermint light client
// of chainID, an open connection over it and an open cargo channel over that,
// and puts chainID with that client and connection on the corridor
// allowlist: for tests that deliver cargo packets without a counterparty.
func TrustChannel(t testing.TB, ctx sdk.Context, a *app.App, chainID, channelID string) {
	t.Helper()
	const clientID, connectionID = "07-tendermint-0", "connection-0"
	a.IBCKeeper.ClientKeeper.SetClientState(ctx, clientID, &ibctm.ClientState{ChainId: chainID, LatestHeight: clienttypes.NewHeight(1, 100)})
	a.IBCKeeper.ConnectionKeeper.SetConnection(ctx, connectionID, connectiontypes.ConnectionEnd{
		ClientId: clientID, State: connectiontypes.OPEN, Versions: connectiontypes.GetCompatibleVersions(),
		Counterparty: connectiontypes.NewCounterparty(clientID, connectionID, commitmenttypes.NewMerklePrefix([]byte("ibc"))),
	})
	a.IBCKeeper.ChannelKeeper.SetChannel(ctx, types.PortID, channelID, channeltypes.NewChannel(channeltypes.OPEN, channeltypes.UNORDERED,
		channeltypes.NewCounterparty(types.PortID, "channel-7"), []string{connectionID}, types.Version))
	_, err := keeper.NewMsgServerImpl(a.CargoKeeper).SetCorridorLink(ctx, &types.MsgSetCorridorLink{
		Authority: a.CargoKeeper.Authority(), Link: types.CorridorLink{ChainId: chainID, ClientId: clientID, ConnectionId: connectionID},
	})
	require.NoError(t, err)
}
