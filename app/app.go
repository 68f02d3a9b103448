// Package app wires the tradechain application: the Cosmos SDK modules a
// permissioned trade zone needs, IBC core with the 07-tendermint light client,
// ICS-20 transfer, and the trade modules (x/cargo, x/tradefinance).
//
// The wiring is manual, in the style of ibc-go v8's testing/simapp, so that
// every keeper and its dependencies can be read from one constructor.
package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cast"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
	reflectionv1 "cosmossdk.io/api/cosmos/reflection/v1"
	"cosmossdk.io/client/v2/autocli"
	"cosmossdk.io/core/appmodule"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/log"
	"cosmossdk.io/store/rootmulti"
	storetypes "cosmossdk.io/store/types"
	"cosmossdk.io/x/evidence"
	evidencekeeper "cosmossdk.io/x/evidence/keeper"
	evidencetypes "cosmossdk.io/x/evidence/types"
	"cosmossdk.io/x/feegrant"
	feegrantkeeper "cosmossdk.io/x/feegrant/keeper"
	feegrantmodule "cosmossdk.io/x/feegrant/module"
	"cosmossdk.io/x/tx/signing"
	"cosmossdk.io/x/upgrade"
	upgradekeeper "cosmossdk.io/x/upgrade/keeper"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	nodeservice "github.com/cosmos/cosmos-sdk/client/grpc/node"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	runtimeservices "github.com/cosmos/cosmos-sdk/runtime/services"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/server/api"
	"github.com/cosmos/cosmos-sdk/server/config"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	"github.com/cosmos/cosmos-sdk/std"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/version"
	"github.com/cosmos/cosmos-sdk/x/auth"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authcodec "github.com/cosmos/cosmos-sdk/x/auth/codec"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	"github.com/cosmos/cosmos-sdk/x/auth/posthandler"
	authsims "github.com/cosmos/cosmos-sdk/x/auth/simulation"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	authzkeeper "github.com/cosmos/cosmos-sdk/x/authz/keeper"
	authzmodule "github.com/cosmos/cosmos-sdk/x/authz/module"
	"github.com/cosmos/cosmos-sdk/x/bank"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/consensus"
	consensusparamkeeper "github.com/cosmos/cosmos-sdk/x/consensus/keeper"
	consensusparamtypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	"github.com/cosmos/cosmos-sdk/x/crisis"
	crisiskeeper "github.com/cosmos/cosmos-sdk/x/crisis/keeper"
	crisistypes "github.com/cosmos/cosmos-sdk/x/crisis/types"
	distr "github.com/cosmos/cosmos-sdk/x/distribution"
	distrkeeper "github.com/cosmos/cosmos-sdk/x/distribution/keeper"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/cosmos/cosmos-sdk/x/gov"
	govclient "github.com/cosmos/cosmos-sdk/x/gov/client"
	govkeeper "github.com/cosmos/cosmos-sdk/x/gov/keeper"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1beta1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1beta1"
	"github.com/cosmos/cosmos-sdk/x/params"
	paramsclient "github.com/cosmos/cosmos-sdk/x/params/client"
	paramskeeper "github.com/cosmos/cosmos-sdk/x/params/keeper"
	paramstypes "github.com/cosmos/cosmos-sdk/x/params/types"
	paramproposal "github.com/cosmos/cosmos-sdk/x/params/types/proposal"
	"github.com/cosmos/cosmos-sdk/x/slashing"
	slashingkeeper "github.com/cosmos/cosmos-sdk/x/slashing/keeper"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	"github.com/cosmos/cosmos-sdk/x/staking"
	stakingkeeper "github.com/cosmos/cosmos-sdk/x/staking/keeper"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/cosmos/ibc-go/modules/capability"
	capabilitykeeper "github.com/cosmos/ibc-go/modules/capability/keeper"
	capabilitytypes "github.com/cosmos/ibc-go/modules/capability/types"
	"github.com/cosmos/ibc-go/v8/modules/apps/transfer"
	ibctransferkeeper "github.com/cosmos/ibc-go/v8/modules/apps/transfer/keeper"
	ibctransfertypes "github.com/cosmos/ibc-go/v8/modules/apps/transfer/types"
	ibc "github.com/cosmos/ibc-go/v8/modules/core"
	ibcclient "github.com/cosmos/ibc-go/v8/modules/core/02-client"
	ibcclienttypes "github.com/cosmos/ibc-go/v8/modules/core/02-client/types"
	ibcconnectiontypes "github.com/cosmos/ibc-go/v8/modules/core/03-connection/types"
	channeltypes "github.com/cosmos/ibc-go/v8/modules/core/04-channel/types"
	porttypes "github.com/cosmos/ibc-go/v8/modules/core/05-port/types"
	ibcexported "github.com/cosmos/ibc-go/v8/modules/core/exported"
	ibckeeper "github.com/cosmos/ibc-go/v8/modules/core/keeper"
	ibctm "github.com/cosmos/ibc-go/v8/modules/light-clients/07-tendermint"
	ibctestingtypes "github.com/cosmos/ibc-go/v8/testing/types"

	"github.com/tradechain/tradechain/docs/openapi"
	"github.com/tradechain/tradechain/x/cargo"
	cargokeeper "github.com/tradechain/tradechain/x/cargo/keeper"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
	"github.com/tradechain/tradechain/x/tradefinance"
	tradefinancekeeper "github.com/tradechain/tradechain/x/tradefinance/keeper"
	tradefinancetypes "github.com/tradechain/tradechain/x/tradefinance/types"
)

// DefaultNodeHome is the default home folder of tradechaind (~/.tradechain).
var DefaultNodeHome string

// maccPerms are the module accounts and what each may do with coins.
var maccPerms = map[string][]string{
	authtypes.FeeCollectorName:     nil,
	distrtypes.ModuleName:          nil,
	stakingtypes.BondedPoolName:    {authtypes.Burner, authtypes.Staking},
	stakingtypes.NotBondedPoolName: {authtypes.Burner, authtypes.Staking},
	govtypes.ModuleName:            {authtypes.Burner},
	ibctransfertypes.ModuleName:    {authtypes.Minter, authtypes.Burner},
	// Mints and burns deposit tokens; holds LC escrows.
	tradefinancetypes.ModuleName: {authtypes.Minter, authtypes.Burner},
	// x/cargo mints the stake behind the power the zone authority gives a
	// validator (MsgSetValidatorPower).
	cargotypes.ModuleName: {authtypes.Minter},
}

var (
	_ runtime.AppI            = (*App)(nil)
	_ servertypes.Application = (*App)(nil)
)

// App is the tradechain application.
type App struct {
	*baseapp.BaseApp

	legacyAmino       *codec.LegacyAmino
	appCodec          codec.Codec
	txConfig          client.TxConfig
	interfaceRegistry types.InterfaceRegistry

	keys    map[string]*storetypes.KVStoreKey
	tkeys   map[string]*storetypes.TransientStoreKey
	memKeys map[string]*storetypes.MemoryStoreKey

	// SDK keepers
	AccountKeeper         authkeeper.AccountKeeper
	BankKeeper            bankkeeper.BaseKeeper
	CapabilityKeeper      *capabilitykeeper.Keeper
	StakingKeeper         *stakingkeeper.Keeper
	SlashingKeeper        slashingkeeper.Keeper
	DistrKeeper           distrkeeper.Keeper
	GovKeeper             govkeeper.Keeper
	CrisisKeeper          *crisiskeeper.Keeper
	UpgradeKeeper         *upgradekeeper.Keeper
	ParamsKeeper          paramskeeper.Keeper
	AuthzKeeper           authzkeeper.Keeper
	EvidenceKeeper        evidencekeeper.Keeper
	FeeGrantKeeper        feegrantkeeper.Keeper
	ConsensusParamsKeeper consensusparamkeeper.Keeper

	// IBC keepers (IBCKeeper is a pointer so its router can be set after creation)
	IBCKeeper      *ibckeeper.Keeper
	TransferKeeper ibctransferkeeper.Keeper

	// Trade modules
	CargoKeeper        cargokeeper.Keeper
	TradeFinanceKeeper tradefinancekeeper.Keeper

	// Capabilities scoped to each IBC application; the scope name equals the
	// application's IBC router key.
	ScopedIBCKeeper      capabilitykeeper.ScopedKeeper
	ScopedTransferKeeper capabilitykeeper.ScopedKeeper
	ScopedCargoKeeper    capabilitykeeper.ScopedKeeper
	ScopedRegistryKeeper capabilitykeeper.ScopedKeeper

	ModuleManager      *module.Manager
	BasicModuleManager module.BasicManager

	// VerifiedSignatures is this node's memory of verified signatures (nil
	// when the operator turned it off with --sig-verify-cache-size 0).
	VerifiedSignatures *VerifiedSignatures
	// admission is the trust boundary the ante handler and PreverifyTx share.
	admission   AdmissionDecorator
	preverified preverifyState
	// queries is the multistore queries read (nil if the commit multistore
	// is not the SDK's root multistore).
	queries *queryStore

	simulationManager *module.SimulationManager
	configurator      module.Configurator
}

func init() {
	userHomeDir, err := os.UserHomeDir()
	if err != nil {
		panic(err)
	}
	DefaultNodeHome = filepath.Join(userHomeDir, ".tradechain")
}

// New returns a tradechain application backed by db.
func New(
	logger log.Logger,
	db dbm.DB,
	traceStore io.Writer,
	loadLatest bool,
	appOpts servertypes.AppOptions,
	baseAppOptions ...func(*baseapp.BaseApp),
) *App {
	interfaceRegistry, err := types.NewInterfaceRegistryWithOptions(types.InterfaceRegistryOptions{
		ProtoFiles: proto.HybridResolver,
		SigningOptions: signing.Options{
			AddressCodec:          address.Bech32Codec{Bech32Prefix: Bech32Prefix},
			ValidatorAddressCodec: address.Bech32Codec{Bech32Prefix: Bech32PrefixValAddr},
		},
	})
	if err != nil {
		panic(err)
	}
	appCodec := codec.NewProtoCodec(interfaceRegistry)
	legacyAmino := codec.NewLegacyAmino()
	txConfig := authtx.NewTxConfig(appCodec, authtx.DefaultSignModes)

	std.RegisterLegacyAminoCodec(legacyAmino)
	std.RegisterInterfaces(interfaceRegistry)

	bApp := baseapp.NewBaseApp(AppName, logger, db, txConfig.TxDecoder(), baseAppOptions...)
	bApp.SetCommitMultiStoreTracer(traceStore)
	bApp.SetVersion(version.Version)
	bApp.SetInterfaceRegistry(interfaceRegistry)
	bApp.SetTxEncoder(txConfig.TxEncoder())

	keys := storetypes.NewKVStoreKeys(
		authtypes.StoreKey, banktypes.StoreKey, stakingtypes.StoreKey, crisistypes.StoreKey,
		distrtypes.StoreKey, slashingtypes.StoreKey, govtypes.StoreKey, paramstypes.StoreKey,
		ibcexported.StoreKey, upgradetypes.StoreKey, feegrant.StoreKey, evidencetypes.StoreKey,
		ibctransfertypes.StoreKey, capabilitytypes.StoreKey, authzkeeper.StoreKey,
		consensusparamtypes.StoreKey, cargotypes.StoreKey, tradefinancetypes.StoreKey,
	)
	if err := bApp.RegisterStreamingServices(appOpts, keys); err != nil {
		panic(err)
	}
	tkeys := storetypes.NewTransientStoreKeys(paramstypes.TStoreKey)
	memKeys := storetypes.NewMemoryStoreKeys(capabilitytypes.MemStoreKey)

	app := &App{
		BaseApp:           bApp,
		legacyAmino:       legacyAmino,
		appCodec:          appCodec,
		txConfig:          txConfig,
		interfaceRegistry: interfaceRegistry,
		keys:              keys,
		tkeys:             tkeys,
		memKeys:           memKeys,
	}
	authority := authtypes.NewModuleAddress(govtypes.ModuleName).String()

	app.ParamsKeeper = initParamsKeeper(appCodec, legacyAmino, keys[paramstypes.StoreKey], tkeys[paramstypes.TStoreKey])

	app.ConsensusParamsKeeper = consensusparamkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[consensusparamtypes.StoreKey]), authority, runtime.EventService{})
	bApp.SetParamStore(app.ConsensusParamsKeeper.ParamsStore)

	app.CapabilityKeeper = capabilitykeeper.NewKeeper(appCodec, keys[capabilitytypes.StoreKey], memKeys[capabilitytypes.MemStoreKey])
	scopedIBCKeeper := app.CapabilityKeeper.ScopeToModule(ibcexported.ModuleName)
	scopedTransferKeeper := app.CapabilityKeeper.ScopeToModule(ibctransfertypes.ModuleName)
	scopedCargoKeeper := app.CapabilityKeeper.ScopeToModule(cargotypes.ModuleName)
	scopedRegistryKeeper := app.CapabilityKeeper.ScopeToModule(cargotypes.RegistryPortID)
	app.CapabilityKeeper.Seal()

	app.AccountKeeper = authkeeper.NewAccountKeeper(appCodec, runtime.NewKVStoreService(keys[authtypes.StoreKey]),
		authtypes.ProtoBaseAccount, maccPerms, authcodec.NewBech32Codec(Bech32Prefix), Bech32Prefix, authority)

	app.BankKeeper = bankkeeper.NewBaseKeeper(appCodec, runtime.NewKVStoreService(keys[banktypes.StoreKey]),
		app.AccountKeeper, BlockedAddresses(), authority, logger)

	app.StakingKeeper = stakingkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[stakingtypes.StoreKey]),
		app.AccountKeeper, app.BankKeeper, authority,
		authcodec.NewBech32Codec(Bech32PrefixValAddr), authcodec.NewBech32Codec(Bech32PrefixConsAddr))

	app.DistrKeeper = distrkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[distrtypes.StoreKey]),
		app.AccountKeeper, app.BankKeeper, app.StakingKeeper, authtypes.FeeCollectorName, authority)

	app.SlashingKeeper = slashingkeeper.NewKeeper(appCodec, legacyAmino, runtime.NewKVStoreService(keys[slashingtypes.StoreKey]),
		app.StakingKeeper, authority)

	invCheckPeriod := cast.ToUint(appOpts.Get(server.FlagInvCheckPeriod))
	app.CrisisKeeper = crisiskeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[crisistypes.StoreKey]), invCheckPeriod,
		app.BankKeeper, authtypes.FeeCollectorName, authority, app.AccountKeeper.AddressCodec())

	app.FeeGrantKeeper = feegrantkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[feegrant.StoreKey]), app.AccountKeeper)

	app.StakingKeeper.SetHooks(stakingtypes.NewMultiStakingHooks(app.DistrKeeper.Hooks(), app.SlashingKeeper.Hooks()))

	skipUpgradeHeights := map[int64]bool{}
	for _, h := range cast.ToIntSlice(appOpts.Get(server.FlagUnsafeSkipUpgrades)) {
		skipUpgradeHeights[int64(h)] = true
	}
	homePath := cast.ToString(appOpts.Get(flags.FlagHome))
	app.UpgradeKeeper = upgradekeeper.NewKeeper(skipUpgradeHeights, runtime.NewKVStoreService(keys[upgradetypes.StoreKey]),
		appCodec, homePath, app.BaseApp, authority)

	app.IBCKeeper = ibckeeper.NewKeeper(appCodec, keys[ibcexported.StoreKey], app.GetSubspace(ibcexported.ModuleName),
		app.StakingKeeper, app.UpgradeKeeper, scopedIBCKeeper, authority)

	govRouter := govv1beta1.NewRouter()
	govRouter.AddRoute(govtypes.RouterKey, govv1beta1.ProposalHandler).
		AddRoute(paramproposal.RouterKey, params.NewParamChangeProposalHandler(app.ParamsKeeper)).
		AddRoute(ibcclienttypes.RouterKey, ibcclient.NewClientProposalHandler(app.IBCKeeper.ClientKeeper))
	govKeeper := govkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[govtypes.StoreKey]),
		app.AccountKeeper, app.BankKeeper, app.StakingKeeper, app.DistrKeeper, app.MsgServiceRouter(),
		govtypes.DefaultConfig(), authority)
	govKeeper.SetLegacyRouter(govRouter)
	app.GovKeeper = *govKeeper.SetHooks(govtypes.NewMultiGovHooks())

	app.TransferKeeper = ibctransferkeeper.NewKeeper(appCodec, keys[ibctransfertypes.StoreKey],
		app.GetSubspace(ibctransfertypes.ModuleName),
		app.IBCKeeper.ChannelKeeper, // ICS4 wrapper: replaced by the corridor middleware below
		app.IBCKeeper.ChannelKeeper, app.IBCKeeper.PortKeeper,
		app.AccountKeeper, app.BankKeeper, scopedTransferKeeper, authority)

	app.CargoKeeper = cargokeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[cargotypes.StoreKey]),
		app.AccountKeeper.AddressCodec(), authority, cargokeeper.IBCKeepers{
			ICS4Wrapper: app.IBCKeeper.ChannelKeeper, Channels: app.IBCKeeper.ChannelKeeper,
			Connections: app.IBCKeeper.ConnectionKeeper, Clients: app.IBCKeeper.ClientKeeper,
			Ports: app.IBCKeeper.PortKeeper, Scoped: scopedCargoKeeper, RegistryScoped: scopedRegistryKeeper,
		}, cargokeeper.ValidatorSetKeepers{
			Staking: app.StakingKeeper, StakingMsgs: stakingkeeper.NewMsgServerImpl(app.StakingKeeper), Bank: app.BankKeeper,
		})
	app.TradeFinanceKeeper = tradefinancekeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[tradefinancetypes.StoreKey]),
		authority, app.CargoKeeper, app.BankKeeper, app.AccountKeeper, tradefinancekeeper.IBCHooks{
			IsTransferEscrow: app.isTransferEscrow, BaseDenom: app.voucherBaseDenom, ICS20Payer: app.ics20Payer,
		})
	// x/tradefinance owns the invoice keys of the corridor registry.
	app.CargoKeeper.SetInvoiceRegistryOwner(app.TradeFinanceKeeper)
	// The funds of a party under a regulator's hold or deactivated do not
	// move, whoever starts the send.
	app.BankKeeper.AppendSendRestriction(app.CargoKeeper.SendRestriction)
	// Invoices and presentations rely on parties' document anchors: their
	// anchors are not withdrawn under them.
	app.CargoKeeper.AddAnchorUser(app.TradeFinanceKeeper)
	// Deposit tokens may be held only by registered parties, module accounts
	// and ICS-20 escrows.
	app.BankKeeper.AppendSendRestriction(app.TradeFinanceKeeper.SendRestriction)

	// Who may submit transactions (app/ante.go); authz executes a grant's
	// messages only for signers the zone admits.
	app.admission = AdmissionDecorator{Cargo: app.CargoKeeper, Staking: app.StakingKeeper, Codec: appCodec}
	app.AuthzKeeper = authzkeeper.NewKeeper(runtime.NewKVStoreService(keys[authzkeeper.StoreKey]), appCodec,
		AdmittedRouter{MessageRouter: app.MsgServiceRouter(), Admission: app.admission}, app.AccountKeeper)

	// ICS-20 works only over the corridor's trusted connections, as the
	// cargo and registry ports do: the corridor middleware wraps transfer
	// (handshakes and received packets) and is the transfer keeper's
	// ICS4Wrapper (sent packets), as ibc-go's middlewares are wired.
	transferStack := cargo.NewCorridorMiddleware(transfer.NewIBCModule(app.TransferKeeper), app.IBCKeeper.ChannelKeeper, app.CargoKeeper)
	app.TransferKeeper.WithICS4Wrapper(transferStack)

	ibcRouter := porttypes.NewRouter()
	ibcRouter.AddRoute(ibctransfertypes.ModuleName, transferStack)
	// The scope name given to ScopeToModule equals the router key ("cargo").
	ibcRouter.AddRoute(cargotypes.ModuleName, cargo.NewIBCModule(app.CargoKeeper, scopedCargoKeeper))
	// The corridor registry's port, scoped and routed as "registry".
	ibcRouter.AddRoute(cargotypes.RegistryPortID, cargo.NewRegistryIBCModule(app.CargoKeeper, scopedRegistryKeeper))
	app.IBCKeeper.SetRouter(ibcRouter)

	app.EvidenceKeeper = *evidencekeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[evidencetypes.StoreKey]),
		app.StakingKeeper, app.SlashingKeeper, app.AccountKeeper.AddressCodec(), runtime.ProvideCometInfoService())

	skipGenesisInvariants := cast.ToBool(appOpts.Get(crisis.FlagSkipGenesisInvariants))

	app.ModuleManager = module.NewManager(
		genutil.NewAppModule(app.AccountKeeper, app.StakingKeeper, app, txConfig),
		auth.NewAppModule(appCodec, app.AccountKeeper, authsims.RandomGenesisAccounts, app.GetSubspace(authtypes.ModuleName)),
		bank.NewAppModule(appCodec, app.BankKeeper, app.AccountKeeper, app.GetSubspace(banktypes.ModuleName)),
		capability.NewAppModule(appCodec, *app.CapabilityKeeper, false),
		crisis.NewAppModule(app.CrisisKeeper, skipGenesisInvariants, app.GetSubspace(crisistypes.ModuleName)),
		feegrantmodule.NewAppModule(appCodec, app.AccountKeeper, app.BankKeeper, app.FeeGrantKeeper, app.interfaceRegistry),
		gov.NewAppModule(appCodec, &app.GovKeeper, app.AccountKeeper, app.BankKeeper, app.GetSubspace(govtypes.ModuleName)),
		slashing.NewAppModule(appCodec, app.SlashingKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, app.GetSubspace(slashingtypes.ModuleName), app.interfaceRegistry),
		distr.NewAppModule(appCodec, app.DistrKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, app.GetSubspace(distrtypes.ModuleName)),
		stakingModule{staking.NewAppModule(appCodec, app.StakingKeeper, app.AccountKeeper, app.BankKeeper, app.GetSubspace(stakingtypes.ModuleName)),
			delegatorExits{staking: app.StakingKeeper, cargo: app.CargoKeeper, accCodec: app.AccountKeeper.AddressCodec(), valCodec: app.StakingKeeper.ValidatorAddressCodec()}},
		upgrade.NewAppModule(app.UpgradeKeeper, app.AccountKeeper.AddressCodec()),
		evidence.NewAppModule(app.EvidenceKeeper),
		params.NewAppModule(app.ParamsKeeper),
		authzmodule.NewAppModule(appCodec, app.AuthzKeeper, app.AccountKeeper, app.BankKeeper, app.interfaceRegistry),
		consensus.NewAppModule(appCodec, app.ConsensusParamsKeeper),
		ibc.NewAppModule(app.IBCKeeper),
		transfer.NewAppModule(app.TransferKeeper),
		ibctm.NewAppModule(),
		cargo.NewAppModule(appCodec, app.CargoKeeper, app.AccountKeeper, app.BankKeeper),
		tradefinance.NewAppModule(appCodec, app.TradeFinanceKeeper, app.AccountKeeper, app.BankKeeper, app.CargoKeeper),
	)

	app.BasicModuleManager = module.NewBasicManagerFromManager(app.ModuleManager, map[string]module.AppModuleBasic{
		genutiltypes.ModuleName: genutil.NewAppModuleBasic(genutiltypes.DefaultMessageValidator),
		govtypes.ModuleName:     gov.NewAppModuleBasic([]govclient.ProposalHandler{paramsclient.ProposalHandler}),
	})
	app.BasicModuleManager.RegisterLegacyAminoCodec(legacyAmino)
	app.BasicModuleManager.RegisterInterfaces(interfaceRegistry)

	app.ModuleManager.SetOrderPreBlockers(upgradetypes.ModuleName)
	app.ModuleManager.SetOrderBeginBlockers(
		capabilitytypes.ModuleName, // first: restores the in-memory capability map
		distrtypes.ModuleName,
		slashingtypes.ModuleName,
		evidencetypes.ModuleName,
		stakingtypes.ModuleName,
		ibcexported.ModuleName,
		ibctransfertypes.ModuleName,
		genutiltypes.ModuleName,
		authz.ModuleName,
	)
	app.ModuleManager.SetOrderEndBlockers(
		crisistypes.ModuleName,
		govtypes.ModuleName,
		stakingtypes.ModuleName,
		ibcexported.ModuleName,
		ibctransfertypes.ModuleName,
		capabilitytypes.ModuleName,
		genutiltypes.ModuleName,
		feegrant.ModuleName,
		tradefinancetypes.ModuleName,
	)
	genesisModuleOrder := []string{
		capabilitytypes.ModuleName, // first: other modules claim capabilities in InitGenesis
		authtypes.ModuleName, banktypes.ModuleName, distrtypes.ModuleName, stakingtypes.ModuleName,
		slashingtypes.ModuleName, govtypes.ModuleName,
		ibcexported.ModuleName, genutiltypes.ModuleName, evidencetypes.ModuleName, authz.ModuleName,
		ibctransfertypes.ModuleName, feegrant.ModuleName, paramstypes.ModuleName, upgradetypes.ModuleName,
		consensusparamtypes.ModuleName, cargotypes.ModuleName, tradefinancetypes.ModuleName,
		// Last: crisis asserts every invariant in its InitGenesis, which holds
		// only once every module's state is loaded (an open LC's escrow is in
		// x/bank before x/tradefinance has loaded the LC).
		crisistypes.ModuleName,
	}
	app.ModuleManager.SetOrderInitGenesis(genesisModuleOrder...)
	app.ModuleManager.SetOrderExportGenesis(genesisModuleOrder...)

	app.ModuleManager.RegisterInvariants(app.CrisisKeeper)
	app.configurator = module.NewConfigurator(app.appCodec, app.MsgServiceRouter(), app.GRPCQueryRouter())
	if err := app.ModuleManager.RegisterServices(app.configurator); err != nil {
		panic(err)
	}

	app.registerUpgradeHandlers()

	autocliv1.RegisterQueryServer(app.GRPCQueryRouter(), runtimeservices.NewAutoCLIQueryService(app.ModuleManager.Modules))
	reflectionSvc, err := runtimeservices.NewReflectionService()
	if err != nil {
		panic(err)
	}
	reflectionv1.RegisterReflectionServiceServer(app.GRPCQueryRouter(), reflectionSvc)

	app.simulationManager = module.NewSimulationManagerFromAppModules(app.ModuleManager.Modules, map[string]module.AppModuleSimulation{
		authtypes.ModuleName:    auth.NewAppModule(app.appCodec, app.AccountKeeper, simGenesisAccounts, app.GetSubspace(authtypes.ModuleName)),
		stakingtypes.ModuleName: stakingSimulation{staking.NewAppModule(appCodec, app.StakingKeeper, app.AccountKeeper, app.BankKeeper, app.GetSubspace(stakingtypes.ModuleName))},
	})
	app.simulationManager.RegisterStoreDecoders()

	app.MountKVStores(keys)
	app.MountTransientStores(tkeys)
	app.MountMemoryStores(memKeys)
	if rs, ok := app.CommitMultiStore().(*rootmulti.Store); ok {
		mounted := make(map[string]storetypes.StoreKey, len(keys)+len(tkeys)+len(memKeys))
		for name, key := range keys {
			mounted[name] = key
		}
		for name, key := range tkeys {
			mounted[name] = key
		}
		for name, key := range memKeys {
			mounted[name] = key
		}
		app.queries = newQueryStore(rs, db, mounted, !cast.ToBool(appOpts.Get(server.FlagDisableIAVLFastNode)))
		app.SetQueryMultiStore(app.queries)
	}

	app.SetInitChainer(app.InitChainer)
	app.SetPreBlocker(app.PreBlocker)
	app.SetBeginBlocker(app.BeginBlocker)
	app.SetEndBlocker(app.EndBlocker)

	// The trade metrics join the SDK's telemetry (app/metrics.go).
	if cast.ToBool(appOpts.Get("telemetry.enabled")) {
		registerTradeMetrics(app)
	}

	sigCache := DefaultVerifiedSignatures
	if v := appOpts.Get(FlagSigVerifyCacheSize); v != nil {
		sigCache = cast.ToInt(v)
	}
	if sigCache > 0 {
		app.VerifiedSignatures = NewVerifiedSignatures(sigCache)
	}
	anteHandler, err := NewAnteHandler(HandlerOptions{
		HandlerOptions: ante.HandlerOptions{
			AccountKeeper:   app.AccountKeeper,
			BankKeeper:      app.BankKeeper,
			SignModeHandler: txConfig.SignModeHandler(),
			FeegrantKeeper:  app.FeeGrantKeeper,
			SigGasConsumer:  ante.DefaultSigVerificationGasConsumer,
		},
		IBCKeeper:          app.IBCKeeper,
		VerifiedSignatures: app.VerifiedSignatures,
		Admission:          app.admission,
	})
	if err != nil {
		panic(err)
	}
	app.SetAnteHandler(anteHandler)

	postHandler, err := posthandler.NewPostHandler(posthandler.HandlerOptions{})
	if err != nil {
		panic(err)
	}
	app.SetPostHandler(postHandler)

	// Every proto file linked into the binary must resolve in one registry and
	// carry the msg-service annotations (signers, service option); a missing
	// annotation makes signing or autocli fail later in a confusing way.
	protoFiles, err := proto.MergedRegistry()
	if err != nil {
		panic(err)
	}
	if err := msgservice.ValidateProtoAnnotations(protoFiles); err != nil {
		fmt.Fprintln(os.Stderr, err.Error())
	}

	if loadLatest {
		if err := app.LoadLatestVersion(); err != nil {
			panic(fmt.Errorf("error loading last version: %w", err))
		}
	}

	app.ScopedIBCKeeper = scopedIBCKeeper
	app.ScopedTransferKeeper = scopedTransferKeeper
	app.ScopedCargoKeeper = scopedCargoKeeper
	app.ScopedRegistryKeeper = scopedRegistryKeeper

	return app
}

// Name returns the application name.
func (app *App) Name() string { return app.BaseApp.Name() }

// PreBlocker runs the upgrade module's pre-block logic.
func (app *App) PreBlocker(ctx sdk.Context, _ *abci.RequestFinalizeBlock) (*sdk.ResponsePreBlock, error) {
	return app.ModuleManager.PreBlock(ctx)
}

// BeginBlocker runs every module's BeginBlock in the configured order.
func (app *App) BeginBlocker(ctx sdk.Context) (sdk.BeginBlock, error) {
	return app.ModuleManager.BeginBlock(ctx)
}

// EndBlocker runs every module's EndBlock in the configured order.
func (app *App) EndBlocker(ctx sdk.Context) (sdk.EndBlock, error) {
	return app.ModuleManager.EndBlock(ctx)
}

// Configurator returns the module configurator (used by upgrade handlers).
func (app *App) Configurator() module.Configurator { return app.configurator }

// InitChainer initialises every module from the genesis app state.
func (app *App) InitChainer(ctx sdk.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	var genesisState GenesisState
	if err := json.Unmarshal(req.AppStateBytes, &genesisState); err != nil {
		return nil, fmt.Errorf("invalid genesis app state: %w", err)
	}
	if err := app.UpgradeKeeper.SetModuleVersionMap(ctx, app.ModuleManager.GetVersionMap()); err != nil {
		return nil, err
	}
	return app.ModuleManager.InitGenesis(ctx, app.appCodec, genesisState)
}

// LoadHeight loads the state at a given height.
func (app *App) LoadHeight(height int64) error { return app.LoadVersion(height) }

// LegacyAmino returns the amino codec (for amino-JSON signing).
func (app *App) LegacyAmino() *codec.LegacyAmino { return app.legacyAmino }

// AppCodec returns the protobuf codec.
func (app *App) AppCodec() codec.Codec { return app.appCodec }

// InterfaceRegistry returns the interface registry.
func (app *App) InterfaceRegistry() types.InterfaceRegistry { return app.interfaceRegistry }

// TxConfig returns the tx config.
func (app *App) TxConfig() client.TxConfig { return app.txConfig }

// AutoCliOpts returns the autocli options of every module, for the CLI.
func (app *App) AutoCliOpts() autocli.AppOptions {
	modules := make(map[string]appmodule.AppModule)
	for _, m := range app.ModuleManager.Modules {
		if moduleWithName, ok := m.(module.HasName); ok {
			if appModule, ok := moduleWithName.(appmodule.AppModule); ok {
				modules[moduleWithName.Name()] = appModule
			}
		}
	}
	return autocli.AppOptions{
		Modules:               modules,
		ModuleOptions:         runtimeservices.ExtractAutoCLIOptions(app.ModuleManager.Modules),
		AddressCodec:          address.Bech32Codec{Bech32Prefix: Bech32Prefix},
		ValidatorAddressCodec: address.Bech32Codec{Bech32Prefix: Bech32PrefixValAddr},
		ConsensusAddressCodec: address.Bech32Codec{Bech32Prefix: Bech32PrefixConsAddr},
	}
}

// DefaultGenesis returns the default genesis of every module.
func (app *App) DefaultGenesis() map[string]json.RawMessage {
	return app.BasicModuleManager.DefaultGenesis(app.appCodec)
}

// GetKey returns the KV store key of a module.
func (app *App) GetKey(storeKey string) *storetypes.KVStoreKey { return app.keys[storeKey] }

// GetMemKey returns the memory store key of a module.
func (app *App) GetMemKey(storeKey string) *storetypes.MemoryStoreKey { return app.memKeys[storeKey] }

// GetStoreKeys returns every KV store key, sorted by name (for import/export comparisons).
func (app *App) GetStoreKeys() []storetypes.StoreKey {
	names := make([]string, 0, len(app.keys))
	for name := range app.keys {
		names = append(names, name)
	}
	sort.Strings(names)
	keys := make([]storetypes.StoreKey, 0, len(names))
	for _, name := range names {
		keys = append(keys, app.keys[name])
	}
	return keys
}

// GetSubspace returns the legacy params subspace of a module.
func (app *App) GetSubspace(moduleName string) paramstypes.Subspace {
	subspace, _ := app.ParamsKeeper.GetSubspace(moduleName)
	return subspace
}

// SimulationManager returns the simulation manager.
func (app *App) SimulationManager() *module.SimulationManager { return app.simulationManager }

// RegisterAPIRoutes registers every module's gRPC-gateway routes on the REST server.
func (app *App) RegisterAPIRoutes(apiSvr *api.Server, apiConfig config.APIConfig) {
	clientCtx := apiSvr.ClientCtx
	authtx.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	cmtservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	nodeservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	// x/cargo and x/tradefinance serve REST over the query services in
	// process (queryconn.go); the SDK's modules over the gRPC client.
	conn := app.QueryConn()
	for _, name := range slices.Sorted(maps.Keys(app.BasicModuleManager)) {
		// the basic manager wraps core app modules; the module manager has
		// them as they are
		if g, ok := app.ModuleManager.Modules[name].(gatewayOverConn); ok {
			g.RegisterGatewayRoutes(conn, apiSvr.GRPCGatewayRouter)
			continue
		}
		app.BasicModuleManager[name].RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	}
	// api.swagger = true: the Swagger UI under /swagger/ with tradechain's
	// OpenAPI document (docs/openapi, generated from proto/).
	if apiConfig.Swagger {
		if err := openapi.Register(apiSvr.Router); err != nil {
			panic(err)
		}
	}
}

// RegisterTxService registers the tx gRPC service.
func (app *App) RegisterTxService(clientCtx client.Context) {
	authtx.RegisterTxService(app.BaseApp.GRPCQueryRouter(), clientCtx, app.BaseApp.Simulate, app.interfaceRegistry)
}

// RegisterTendermintService registers the CometBFT gRPC service.
func (app *App) RegisterTendermintService(clientCtx client.Context) {
	cmtApp := server.NewCometABCIWrapper(app)
	cmtservice.RegisterTendermintService(clientCtx, app.BaseApp.GRPCQueryRouter(), app.interfaceRegistry, cmtApp.Query)
}

// RegisterNodeService registers the node gRPC service.
func (app *App) RegisterNodeService(clientCtx client.Context, cfg config.Config) {
	nodeservice.RegisterNodeService(clientCtx, app.GRPCQueryRouter(), cfg)
}

// isTransferEscrow reports whether addr is the ICS-20 escrow account of one of
// this zone's transfer channels and, if so, refuses it (err) unless that
// channel's connection is on the corridor allowlist now: deposit tokens
// escrow only on channels to the corridor's zones. (There are a handful of
// channels; the scan is cheap and runs only when a deposit token goes to a
// non-party.)
func (app *App) isTransferEscrow(ctx context.Context, addr sdk.AccAddress) (bool, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	var (
		found bool
		err   error
	)
	app.IBCKeeper.ChannelKeeper.IterateChannels(sdkCtx, func(ch channeltypes.IdentifiedChannel) bool {
		if ch.PortId == ibctransfertypes.PortID && addr.Equals(ibctransfertypes.GetEscrowAddress(ch.PortId, ch.ChannelId)) {
			found = true
			if _, terr := app.CargoKeeper.TrustedHops(sdkCtx, ch.ConnectionHops); terr != nil {
				err = errorsmod.Wrapf(terr, "%s is the escrow of %s channel %s", addr, ch.PortId, ch.ChannelId)
			}
		}
		return found
	})
	return found, err
}

// ics20Payer reports whether addr is an account ICS-20 pays out of — the
// transfer module's or a transfer channel's escrow, trusted or not now (a
// refund never fails) — and whether ctx is a refund: the corridor
// middleware marks the settlement (acknowledgement or timeout) of a packet
// this zone sent. Anything else ICS-20 pays out of those accounts is a
// received packet's delivery.
func (app *App) ics20Payer(ctx context.Context, addr sdk.AccAddress) (ics20, refund bool) {
	refund = cargotypes.IsSentPacketSettlement(ctx)
	if addr.Equals(app.AccountKeeper.GetModuleAddress(ibctransfertypes.ModuleName)) {
		return true, refund
	}
	escrow, _ := app.isTransferEscrow(ctx, addr)
	return escrow, refund
}

// voucherBaseDenom returns the base denom of an ICS-20 voucher "ibc/HASH".
func (app *App) voucherBaseDenom(ctx context.Context, denom string) (string, bool) {
	hash, err := ibctransfertypes.ParseHexHash(strings.TrimPrefix(denom, "ibc/"))
	if err != nil {
		return "", false
	}
	trace, ok := app.TransferKeeper.GetDenomTrace(sdk.UnwrapSDKContext(ctx), hash)
	return trace.BaseDenom, ok
}

// GetMaccPerms returns a copy of the module account permissions.
func GetMaccPerms() map[string][]string {
	dup := make(map[string][]string, len(maccPerms))
	for k, v := range maccPerms {
		dup[k] = v
	}
	return dup
}

// BlockedAddresses returns the module accounts that may not receive funds by a
// plain bank send. The gov account may (deposits are refunded from it).
func BlockedAddresses() map[string]bool {
	blocked := make(map[string]bool)
	for acc := range GetMaccPerms() {
		blocked[authtypes.NewModuleAddress(acc).String()] = true
	}
	delete(blocked, authtypes.NewModuleAddress(govtypes.ModuleName).String())
	return blocked
}

func initParamsKeeper(appCodec codec.BinaryCodec, legacyAmino *codec.LegacyAmino, key, tkey storetypes.StoreKey) paramskeeper.Keeper {
	paramsKeeper := paramskeeper.NewKeeper(appCodec, legacyAmino, key, tkey)
	keyTable := ibcclienttypes.ParamKeyTable()
	keyTable.RegisterParamSet(&ibcconnectiontypes.Params{})
	paramsKeeper.Subspace(ibcexported.ModuleName).WithKeyTable(keyTable)
	paramsKeeper.Subspace(ibctransfertypes.ModuleName).WithKeyTable(ibctransfertypes.ParamKeyTable())
	return paramsKeeper
}

// The methods below make App an ibctesting.TestingApp.

// GetBaseApp returns the base app.
func (app *App) GetBaseApp() *baseapp.BaseApp { return app.BaseApp }

// GetStakingKeeper returns the staking keeper.
func (app *App) GetStakingKeeper() ibctestingtypes.StakingKeeper { return app.StakingKeeper }

// GetIBCKeeper returns the IBC keeper.
func (app *App) GetIBCKeeper() *ibckeeper.Keeper { return app.IBCKeeper }

// GetScopedIBCKeeper returns the IBC scoped capability keeper.
func (app *App) GetScopedIBCKeeper() capabilitykeeper.ScopedKeeper { return app.ScopedIBCKeeper }

// GetTxConfig returns the tx config.
func (app *App) GetTxConfig() client.TxConfig { return app.txConfig }

// simGenesisAccounts gives the simulation's random genesis plain accounts:
// tradechain has no vesting module, so the SDK's default (which mixes in
// vesting accounts) does not fit it.
func simGenesisAccounts(simState *module.SimulationState) authtypes.GenesisAccounts {
	accs := make(authtypes.GenesisAccounts, len(simState.Accounts))
	for i, a := range simState.Accounts {
		accs[i] = authtypes.NewBaseAccountWithAddress(a.Address)
	}
	return accs
}

// stakingSimulation is x/staking's simulation without its operations: on
// these zones its create-validator and delegation messages are refused by the
// ante handler (StakingGateDecorator); the validator set changes through
// x/cargo's MsgSetValidatorPower, which the x/cargo simulation sends.
// Genesis validators, store decoders and governance proposals stay x/staking's.
type stakingSimulation struct{ staking.AppModule }

// WeightedOperations returns none: see stakingSimulation.
func (stakingSimulation) WeightedOperations(module.SimulationState) []simtypes.WeightedOperation {
	return nil
}
