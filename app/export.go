package app

import (
	"encoding/json"
	"fmt"

	storetypes "cosmossdk.io/store/types"

	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	"github.com/cosmos/cosmos-sdk/x/staking"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// ExportAppStateAndValidators exports the state of the application for a
// genesis file. With forZeroHeight the state is prepared for a chain restart at
// height zero (rewards withdrawn, heights reset).
func (app *App) ExportAppStateAndValidators(forZeroHeight bool, jailAllowedAddrs, modulesToExport []string) (servertypes.ExportedApp, error) {
	// The zone's chain id: what x/cargo's records name as the zone that
	// recorded them (the invariants a zero-height export asserts read it).
	ctx := app.NewContext(true).WithChainID(app.ChainID())

	height := app.LastBlockHeight() + 1
	if forZeroHeight {
		height = 0
		if err := app.prepForZeroHeightGenesis(ctx, jailAllowedAddrs); err != nil {
			return servertypes.ExportedApp{}, err
		}
	}

	genState, err := app.ModuleManager.ExportGenesisForModules(ctx, app.appCodec, modulesToExport)
	if err != nil {
		return servertypes.ExportedApp{}, err
	}
	appState, err := json.MarshalIndent(genState, "", "  ")
	if err != nil {
		return servertypes.ExportedApp{}, err
	}
	validators, err := staking.WriteValidators(ctx, app.StakingKeeper)
	return servertypes.ExportedApp{
		AppState:        appState,
		Validators:      validators,
		Height:          height,
		ConsensusParams: app.BaseApp.GetConsensusParams(ctx),
	}, err
}

// prepForZeroHeightGenesis withdraws all rewards and commissions into the
// accounts and the community pool, resets every height-dependent record to
// zero and jails validators not in jailAllowedAddrs (when that list is given).
func (app *App) prepForZeroHeightGenesis(ctx sdk.Context, jailAllowedAddrs []string) error {
	allowed := make(map[string]bool, len(jailAllowedAddrs))
	for _, addr := range jailAllowedAddrs {
		if _, err := sdk.ValAddressFromBech32(addr); err != nil {
			return fmt.Errorf("jail-allowed address %q: %w", addr, err)
		}
		allowed[addr] = true
	}

	app.CrisisKeeper.AssertInvariants(ctx)

	valAddrCodec := app.StakingKeeper.ValidatorAddressCodec()
	var iterErr error
	validatorAddrs := func(fn func(sdk.ValAddress) error) error {
		err := app.StakingKeeper.IterateValidators(ctx, func(_ int64, val stakingtypes.ValidatorI) bool {
			bz, err := valAddrCodec.StringToBytes(val.GetOperator())
			if err == nil {
				err = fn(bz)
			}
			iterErr = err
			return err != nil
		})
		if err != nil {
			return err
		}
		return iterErr
	}

	// Withdraw commissions and delegator rewards.
	if err := validatorAddrs(func(v sdk.ValAddress) error {
		_, _ = app.DistrKeeper.WithdrawValidatorCommission(ctx, v)
		return nil
	}); err != nil {
		return err
	}
	dels, err := app.StakingKeeper.GetAllDelegations(ctx)
	if err != nil {
		return err
	}
	for _, d := range dels {
		valAddr, err := valAddrCodec.StringToBytes(d.ValidatorAddress)
		if err != nil {
			return err
		}
		delAddr, err := app.AccountKeeper.AddressCodec().StringToBytes(d.DelegatorAddress)
		if err != nil {
			return err
		}
		_, _ = app.DistrKeeper.WithdrawDelegationRewards(ctx, delAddr, valAddr)
	}

	app.DistrKeeper.DeleteAllValidatorSlashEvents(ctx)
	app.DistrKeeper.DeleteAllValidatorHistoricalRewards(ctx)

	height := ctx.BlockHeight()
	ctx = ctx.WithBlockHeight(0)

	// Re-initialise every validator's distribution records at height zero;
	// leftover rounding goes to the community pool.
	if err := validatorAddrs(func(v sdk.ValAddress) error {
		scraps, err := app.DistrKeeper.GetValidatorOutstandingRewardsCoins(ctx, v)
		if err != nil {
			return err
		}
		feePool, err := app.DistrKeeper.FeePool.Get(ctx)
		if err != nil {
			return err
		}
		feePool.CommunityPool = feePool.CommunityPool.Add(scraps...)
		if err := app.DistrKeeper.FeePool.Set(ctx, feePool); err != nil {
			return err
		}
		return app.DistrKeeper.Hooks().AfterValidatorCreated(ctx, v)
	}); err != nil {
		return err
	}
	for _, d := range dels {
		valAddr, _ := valAddrCodec.StringToBytes(d.ValidatorAddress)
		delAddr, _ := app.AccountKeeper.AddressCodec().StringToBytes(d.DelegatorAddress)
		if err := app.DistrKeeper.Hooks().BeforeDelegationCreated(ctx, delAddr, valAddr); err != nil {
			return err
		}
		if err := app.DistrKeeper.Hooks().AfterDelegationModified(ctx, delAddr, valAddr); err != nil {
			return err
		}
	}
	ctx = ctx.WithBlockHeight(height)

	// Staking: reset creation heights of redelegations and unbondings.
	if err := app.StakingKeeper.IterateRedelegations(ctx, func(_ int64, red stakingtypes.Redelegation) bool {
		for i := range red.Entries {
			red.Entries[i].CreationHeight = 0
		}
		iterErr = app.StakingKeeper.SetRedelegation(ctx, red)
		return iterErr != nil
	}); err != nil || iterErr != nil {
		return fmt.Errorf("reset redelegations: %v %v", err, iterErr)
	}
	if err := app.StakingKeeper.IterateUnbondingDelegations(ctx, func(_ int64, ubd stakingtypes.UnbondingDelegation) bool {
		for i := range ubd.Entries {
			ubd.Entries[i].CreationHeight = 0
		}
		iterErr = app.StakingKeeper.SetUnbondingDelegation(ctx, ubd)
		return iterErr != nil
	}); err != nil || iterErr != nil {
		return fmt.Errorf("reset unbonding delegations: %v %v", err, iterErr)
	}

	// Reset validator unbonding heights and jail those not allowed.
	store := ctx.KVStore(app.keys[stakingtypes.StoreKey])
	iter := storetypes.KVStoreReversePrefixIterator(store, stakingtypes.ValidatorsKey)
	for ; iter.Valid(); iter.Next() {
		addr := sdk.ValAddress(stakingtypes.AddressFromValidatorsKey(iter.Key()))
		validator, err := app.StakingKeeper.GetValidator(ctx, addr)
		if err != nil {
			iter.Close()
			return fmt.Errorf("validator %s: %w", addr, err)
		}
		validator.UnbondingHeight = 0
		if len(allowed) > 0 && !allowed[addr.String()] {
			validator.Jailed = true
		}
		if err := app.StakingKeeper.SetValidator(ctx, validator); err != nil {
			iter.Close()
			return err
		}
	}
	iter.Close()
	if _, err := app.StakingKeeper.ApplyAndReturnValidatorSetUpdates(ctx); err != nil {
		return err
	}

	// Slashing: reset signing-info start heights.
	if err := app.SlashingKeeper.IterateValidatorSigningInfos(ctx, func(addr sdk.ConsAddress, info slashingtypes.ValidatorSigningInfo) bool {
		info.StartHeight = 0
		iterErr = app.SlashingKeeper.SetValidatorSigningInfo(ctx, addr, info)
		return iterErr != nil
	}); err != nil || iterErr != nil {
		return fmt.Errorf("reset signing infos: %v %v", err, iterErr)
	}
	return nil
}
