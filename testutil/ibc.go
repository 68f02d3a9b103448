package testutil

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"

	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log"

	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"

	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	ibctesting "github.com/cosmos/ibc-go/v8/testing"

	"github.com/tradechain/tradechain/app"
	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// SetupTestingApp creates a tradechain app for ibc-go's ibctesting framework.
// Install it with UseTradechainForIBCTesting before building a Coordinator.
func SetupTestingApp() (ibctesting.TestingApp, map[string]json.RawMessage) {
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), nil, true, simtestutil.NewAppOptionsWithFlagHome(sharedHome()))
	return a, a.DefaultGenesis()
}

// The upgrade keeper only reads upgrade-info.json from the home folder; one
// empty folder per test process serves every in-process chain (Main removes it).
var (
	sharedHome = sync.OnceValue(func() string {
		home, err := os.MkdirTemp("", "tradechain-ibctesting")
		if err != nil {
			panic(err)
		}
		ibcHome = home
		return home
	})
	ibcHome string // set by sharedHome, read by Main after the tests
)

// UseTradechainForIBCTesting makes every ibctesting chain a tradechain app.
func UseTradechainForIBCTesting() {
	ibctesting.DefaultTestingAppInit = SetupTestingApp
}

// App returns the tradechain app of an ibctesting chain. (Never call
// chain.GetSimApp: it asserts ibc-go's own simapp type.)
func App(chain *ibctesting.TestChain) *app.App {
	return chain.App.(*app.App)
}

// SetupCorridor opens path's clients and connection, puts each zone on the
// other's corridor allowlist (as its zone authority would, with the light
// client and connection just created), and opens path's channel.
func SetupCorridor(coord *ibctesting.Coordinator, path *ibctesting.Path) {
	AdmitSenders(path.EndpointA.Chain, path.EndpointB.Chain)
	coord.SetupConnections(path)
	TrustCounterparty(path.EndpointA)
	TrustCounterparty(path.EndpointB)
	coord.CommitBlock(path.EndpointA.Chain, path.EndpointB.Chain)
	coord.CreateChannels(path)
}

// TrustCounterparty adds endpoint's counterparty chain, over endpoint's
// client and connection, to endpoint's chain corridor allowlist.
func TrustCounterparty(endpoint *ibctesting.Endpoint) {
	k := App(endpoint.Chain).CargoKeeper
	if _, err := cargokeeper.NewMsgServerImpl(k).SetCorridorLink(endpoint.Chain.GetContext(), &cargotypes.MsgSetCorridorLink{
		Authority: k.Authority(),
		Link:      cargotypes.CorridorLink{ChainId: endpoint.Counterparty.Chain.ChainID, ClientId: endpoint.ClientID, ConnectionId: endpoint.ConnectionID},
	}); err != nil {
		panic(err)
	}
}

// OpenRegistry opens a corridor registry channel over cargoPath's clients and
// connection (which SetupCorridor put on each zone's allowlist) and names it
// each zone's registry channel, as the zone authorities would. It returns the
// registry path.
func OpenRegistry(coord *ibctesting.Coordinator, cargoPath *ibctesting.Path) *ibctesting.Path {
	path := ibctesting.NewPath(cargoPath.EndpointA.Chain, cargoPath.EndpointB.Chain)
	for i, ep := range []*ibctesting.Endpoint{path.EndpointA, path.EndpointB} {
		from := []*ibctesting.Endpoint{cargoPath.EndpointA, cargoPath.EndpointB}[i]
		ep.ClientID, ep.ConnectionID = from.ClientID, from.ConnectionID
		ep.ClientConfig, ep.ConnectionConfig = from.ClientConfig, from.ConnectionConfig
		ep.ChannelConfig.PortID, ep.ChannelConfig.Version, ep.ChannelConfig.Order = cargotypes.RegistryPortID, cargotypes.RegistryVersion, channeltypes.UNORDERED
	}
	coord.CreateChannels(path)
	for _, ep := range []*ibctesting.Endpoint{path.EndpointA, path.EndpointB} {
		SetRegistryChannel(ep.Chain, ep.ChannelID)
	}
	coord.CommitBlock(path.EndpointA.Chain, path.EndpointB.Chain)
	return path
}

// SetRegistryChannel names chain's registry channel as its zone authority would.
func SetRegistryChannel(chain *ibctesting.TestChain, channelID string) {
	k := App(chain).CargoKeeper
	if _, err := cargokeeper.NewMsgServerImpl(k).SetRegistryChannel(chain.GetContext(), &cargotypes.MsgSetRegistryChannel{
		Authority: k.Authority(), Channel: channelID,
	}); err != nil {
		panic(err)
	}
}

// AdmitSenders registers each chain's sender accounts that are not parties yet
// as RELAYER parties, as a zone authority registers its relayers: ibctesting
// signs every client, connection, channel and packet message with them, and a
// zone admits transactions only from its parties (app.AdmissionDecorator).
func AdmitSenders(chains ...*ibctesting.TestChain) {
	for _, chain := range chains {
		k := App(chain).CargoKeeper
		for i, acc := range chain.SenderAccounts {
			addr := acc.SenderAccount.GetAddress().String()
			if has, err := k.Parties.Has(chain.GetContext(), addr); err != nil || has {
				continue
			}
			if err := k.Parties.Set(chain.GetContext(), addr, cargotypes.Party{Address: addr, Code: fmt.Sprintf("RLY%d", i),
				Name: "ibctesting relayer", Jurisdiction: "HK", Roles: []cargotypes.Role{cargotypes.ROLE_RELAYER}, Active: true}); err != nil {
				panic(err)
			}
		}
		chain.Coordinator.CommitBlock(chain)
	}
}
