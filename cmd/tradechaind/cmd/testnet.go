package cmd

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmttypes "github.com/cometbft/cometbft/types"
	cmttime "github.com/cometbft/cometbft/types/time"
	"github.com/spf13/cobra"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	srvconfig "github.com/cosmos/cosmos-sdk/server/config"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/tradechain/tradechain/app"
)

const (
	flagValidators    = "validators"
	flagOutputDir     = "output-dir"
	flagBasePort      = "base-port"
	flagPortStep      = "port-step"
	flagCommitTimeout = "commit-timeout"
	flagListenIP      = "listen-ip"
	flagVotingPeriod  = "voting-period"
	flagSnapshotEvery = "snapshot-interval"
)

// Each node of a loopback testnet gets its own block of ports, base+step*i+offset.
const (
	offsetP2P  = 0 // 26656
	offsetRPC  = 1 // 26657
	offsetABCI = 2 // 26658
	offsetGRPC = 3
	offsetAPI  = 4
	offsetProm = 5 // CometBFT's Prometheus metrics
)

func testnetCmd(basics module.BasicManager) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "testnet",
		Short: "Create files for a multi-validator zone",
		RunE:  client.ValidateCmd,
	}
	cmd.AddCommand(testnetInitFilesCmd(basics))
	return cmd
}

func testnetInitFilesCmd(basics module.BasicManager) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init-files",
		Short: "Write the home folders of an N-validator zone that runs on one host",
		Long: `Write one home folder per validator (OUTPUT/node0 ... nodeN-1), each with its
own keys, config and the same genesis (one gentx per validator). Every node
listens on its own block of ports: node i uses base-port + i*port-step + {0 p2p,
1 rpc, 2 abci, 3 grpc, 4 rest, 5 CometBFT metrics}. Start node i with:

  tradechaind start --home OUTPUT/node<i>

Each node's operator key (keyring-backend test) is in its home folder; its
mnemonic is in OUTPUT/node<i>/key_seed.json.`,
		Example: "tradechaind testnet init-files --validators 4 --output-dir ./.testnet --chain-id hongkong-1",
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			n, _ := cmd.Flags().GetInt(flagValidators)
			out, _ := cmd.Flags().GetString(flagOutputDir)
			chainID, _ := cmd.Flags().GetString(flags.FlagChainID)
			basePort, _ := cmd.Flags().GetInt(flagBasePort)
			step, _ := cmd.Flags().GetInt(flagPortStep)
			commit, _ := cmd.Flags().GetDuration(flagCommitTimeout)
			ip, _ := cmd.Flags().GetString(flagListenIP)
			voting, _ := cmd.Flags().GetDuration(flagVotingPeriod)
			snapshots, _ := cmd.Flags().GetUint64(flagSnapshotEvery)
			maxGas, _ := cmd.Flags().GetInt64(FlagBlockMaxGas)
			params, err := zoneConsensusParams(maxGas)
			if err != nil {
				return err
			}
			if voting < 0 {
				return fmt.Errorf("--%s must not be negative", flagVotingPeriod)
			}
			if n < 1 {
				return fmt.Errorf("--%s must be at least 1", flagValidators)
			}
			if chainID == "" {
				return fmt.Errorf("--%s is required", flags.FlagChainID)
			}
			if step < 6 {
				return fmt.Errorf("--%s must be at least 6 (each node needs 6 ports)", flagPortStep)
			}
			return initTestnetFiles(cmd, clientCtx, basics, testnetSpec{
				validators: n, outputDir: out, chainID: chainID, basePort: basePort,
				portStep: step, commitTimeout: commit, ip: ip, votingPeriod: voting, snapshotInterval: snapshots,
				consensus: params,
			})
		},
	}
	cmd.Flags().Int(flagValidators, 4, "number of validators")
	cmd.Flags().String(flagOutputDir, "./.testnet", "folder that receives one home folder per validator")
	cmd.Flags().String(flags.FlagChainID, "", "chain id of the zone, e.g. hongkong-1")
	cmd.Flags().Int(flagBasePort, 26656, "first port of node0")
	cmd.Flags().Int(flagPortStep, 10, "port distance between consecutive nodes")
	cmd.Flags().Duration(flagCommitTimeout, time.Second, "CometBFT timeout_commit")
	cmd.Flags().String(flagListenIP, "127.0.0.1", "IP address every node listens on")
	cmd.Flags().Uint64(flagSnapshotEvery, DefaultSnapshotInterval, "blocks between state-sync snapshots each node serves (0: none)")
	addBlockMaxGasFlag(cmd)
	cmd.Flags().Duration(flagVotingPeriod, 0, "governance voting and deposit period (expedited: half of it); 0 keeps x/gov's defaults")
	return cmd
}

type testnetSpec struct {
	validators    int
	outputDir     string
	chainID       string
	basePort      int
	portStep      int
	commitTimeout time.Duration
	ip            string
	votingPeriod  time.Duration
	// snapshotInterval: blocks between the state-sync snapshots each node takes.
	snapshotInterval uint64
	// consensus: the genesis consensus params (the block gas limit).
	consensus *cmttypes.ConsensusParams
}

func (s testnetSpec) port(node, offset int) int { return s.basePort + node*s.portStep + offset }

func initTestnetFiles(cmd *cobra.Command, clientCtx client.Context, basics module.BasicManager, s testnetSpec) error {
	var (
		genAccounts []authtypes.GenesisAccount
		genBalances []banktypes.Balance
		nodeIDs     = make([]string, s.validators)
		cmtCfgs     = make([]*cmtcfg.Config, s.validators)
	)
	gentxsDir := filepath.Join(s.outputDir, "gentxs")
	if err := os.MkdirAll(gentxsDir, 0o755); err != nil {
		return err
	}
	inBuf := bufio.NewReader(cmd.InOrStdin())
	accTokens := sdk.TokensFromConsensusPower(1000, sdk.DefaultPowerReduction)
	valTokens := sdk.TokensFromConsensusPower(100, sdk.DefaultPowerReduction)

	for i := 0; i < s.validators; i++ {
		name := fmt.Sprintf("node%d", i)
		home := filepath.Join(s.outputDir, name)
		if err := os.MkdirAll(filepath.Join(home, "config"), 0o755); err != nil {
			return err
		}
		cmtCfg := initCometBFTConfig()
		cmtCfg.SetRoot(home)
		cmtCfg.Moniker = name
		cmtCfg.Consensus.TimeoutCommit = s.commitTimeout
		cmtCfg.P2P.ListenAddress = fmt.Sprintf("tcp://%s:%d", s.ip, s.port(i, offsetP2P))
		cmtCfg.RPC.ListenAddress = fmt.Sprintf("tcp://%s:%d", s.ip, s.port(i, offsetRPC))
		cmtCfg.ProxyApp = fmt.Sprintf("tcp://%s:%d", s.ip, s.port(i, offsetABCI))
		cmtCfg.RPC.PprofListenAddress = ""
		cmtCfg.Instrumentation.PrometheusListenAddr = fmt.Sprintf("%s:%d", s.ip, s.port(i, offsetProm))
		cmtCfg.P2P.AddrBookStrict = false
		cmtCfg.P2P.AllowDuplicateIP = true

		nodeID, valPubKey, err := genutil.InitializeNodeValidatorFiles(cmtCfg)
		if err != nil {
			return err
		}
		nodeIDs[i], cmtCfgs[i] = nodeID, cmtCfg

		kr, err := keyring.New(sdk.KeyringServiceName(), keyring.BackendTest, home, inBuf, clientCtx.Codec)
		if err != nil {
			return err
		}
		addr, secret, err := testutil.GenerateSaveCoinKey(kr, name, "", true, hd.Secp256k1)
		if err != nil {
			return err
		}
		seed, _ := json.Marshal(map[string]string{"secret": secret, "address": addr.String()})
		if err := os.WriteFile(filepath.Join(home, "key_seed.json"), seed, 0o600); err != nil {
			return err
		}

		genAccounts = append(genAccounts, authtypes.NewBaseAccount(addr, nil, 0, 0))
		genBalances = append(genBalances, banktypes.Balance{
			Address: addr.String(),
			Coins:   sdk.NewCoins(sdk.NewCoin(app.BondDenom, accTokens)),
		})

		valAddr := sdk.ValAddress(addr)
		createVal, err := stakingtypes.NewMsgCreateValidator(
			valAddr.String(), valPubKey, sdk.NewCoin(app.BondDenom, valTokens),
			stakingtypes.NewDescription(name, "", "", "", ""),
			stakingtypes.NewCommissionRates(math.LegacyNewDecWithPrec(5, 2), math.LegacyNewDecWithPrec(20, 2), math.LegacyNewDecWithPrec(1, 2)),
			math.OneInt(),
		)
		if err != nil {
			return err
		}
		txBuilder := clientCtx.TxConfig.NewTxBuilder()
		if err := txBuilder.SetMsgs(createVal); err != nil {
			return err
		}
		memo := fmt.Sprintf("%s@%s:%d", nodeID, s.ip, s.port(i, offsetP2P))
		txBuilder.SetMemo(memo)
		txFactory := tx.Factory{}.
			WithChainID(s.chainID).
			WithMemo(memo).
			WithKeybase(kr).
			WithTxConfig(clientCtx.TxConfig)
		if err := tx.Sign(cmd.Context(), txFactory, name, txBuilder, true); err != nil {
			return err
		}
		txBz, err := clientCtx.TxConfig.TxJSONEncoder()(txBuilder.GetTx())
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(gentxsDir, name+".json"), txBz, 0o600); err != nil {
			return err
		}

		appCfg := defaultAppConfig()
		appCfg.StateSync.SnapshotInterval = s.snapshotInterval
		appCfg.API.Address = fmt.Sprintf("tcp://%s:%d", s.ip, s.port(i, offsetAPI))
		appCfg.GRPC.Address = fmt.Sprintf("%s:%d", s.ip, s.port(i, offsetGRPC))
		srvconfig.SetConfigTemplate(appConfigTemplate)
		srvconfig.WriteConfigFile(filepath.Join(home, "config", "app.toml"), appCfg)

		clientToml := fmt.Sprintf("chain-id = %q\nkeyring-backend = \"test\"\noutput = \"json\"\nnode = \"tcp://%s:%d\"\nbroadcast-mode = \"sync\"\n",
			s.chainID, s.ip, s.port(i, offsetRPC))
		if err := os.WriteFile(filepath.Join(home, "config", "client.toml"), []byte(clientToml), 0o644); err != nil {
			return err
		}
	}

	appGenState := basics.DefaultGenesis(clientCtx.Codec)
	var authGen authtypes.GenesisState
	clientCtx.Codec.MustUnmarshalJSON(appGenState[authtypes.ModuleName], &authGen)
	packed, err := authtypes.PackAccounts(genAccounts)
	if err != nil {
		return err
	}
	authGen.Accounts = packed
	appGenState[authtypes.ModuleName] = clientCtx.Codec.MustMarshalJSON(&authGen)

	var bankGen banktypes.GenesisState
	clientCtx.Codec.MustUnmarshalJSON(appGenState[banktypes.ModuleName], &bankGen)
	bankGen.Balances = banktypes.SanitizeGenesisBalances(genBalances)
	for _, b := range bankGen.Balances {
		bankGen.Supply = bankGen.Supply.Add(b.Coins...)
	}
	appGenState[banktypes.ModuleName] = clientCtx.Codec.MustMarshalJSON(&bankGen)

	if s.votingPeriod > 0 {
		var govGen govv1.GenesisState
		clientCtx.Codec.MustUnmarshalJSON(appGenState[govtypes.ModuleName], &govGen)
		expedited := s.votingPeriod / 2
		govGen.Params.VotingPeriod, govGen.Params.ExpeditedVotingPeriod, govGen.Params.MaxDepositPeriod = &s.votingPeriod, &expedited, &s.votingPeriod
		appGenState[govtypes.ModuleName] = clientCtx.Codec.MustMarshalJSON(&govGen)
	}

	appStateJSON, err := json.MarshalIndent(appGenState, "", "  ")
	if err != nil {
		return err
	}
	genesis := genutiltypes.NewAppGenesisWithVersion(s.chainID, appStateJSON)
	genesis.GenesisTime = cmttime.Now()
	genesis.Consensus.Params = s.consensus

	for i := 0; i < s.validators; i++ {
		cmtCfg := cmtCfgs[i]
		g := *genesis
		if err := g.SaveAs(cmtCfg.GenesisFile()); err != nil {
			return err
		}
		initCfg := genutiltypes.NewInitConfig(s.chainID, gentxsDir, nodeIDs[i], nil)
		// Writes config.toml with every other node as a persistent peer.
		if _, err := genutil.GenAppStateFromConfig(clientCtx.Codec, clientCtx.TxConfig, cmtCfg, initCfg, &g,
			banktypes.GenesisBalancesIterator{}, genutiltypes.DefaultMessageValidator,
			clientCtx.TxConfig.SigningContext().ValidatorAddressCodec()); err != nil {
			return err
		}
	}

	cmd.PrintErrf("Wrote %d validator home folders under %s (chain-id %s)\n", s.validators, s.outputDir, s.chainID)
	for i := 0; i < s.validators; i++ {
		cmd.PrintErrf("  node%d: p2p %d, rpc %d, grpc %d, rest %d\n", i,
			s.port(i, offsetP2P), s.port(i, offsetRPC), s.port(i, offsetGRPC), s.port(i, offsetAPI))
	}
	return nil
}
