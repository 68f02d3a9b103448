package app_test

import (
	"fmt"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/tradechain/tradechain/app"
	"github.com/tradechain/tradechain/testutil"
	ct "github.com/tradechain/tradechain/x/cargo/testutil"
	cargotypes "github.com/tradechain/tradechain/x/cargo/types"
)

// TestValidatorSetStateMachine drives the zone authority's validator-set
// message with random sequences — admit new validators, re-weight or remove
// any validator (genesis ones included) — mixed with delegators leaving
// (undelegations of stake delegated as v1's open staking allowed: the
// exporter's, given at random to the genesis validators, and the genesis
// delegator's), one to three per block, and checks after every block,
// against a model of CometBFT's set built only from the validator updates the
// app returned:
//   - the updates of one block move at most 30 % of the set they replace;
//   - the set never empties, and it equals x/staking's bonded validators;
//   - each accepted change is exactly the power asked for; a refused one
//     (cargo/38, cargo/39 or x/staking's error) sends no update of its own;
//   - every registered invariant holds (x/crisis checks them each block).
func TestValidatorSetStateMachine(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		c := ct.NewChain(t, testutil.WithValidators(4), testutil.WithInvariantCheckPeriod(1))
		admin, exporter := c.Accounts[ct.Admin], c.Accounts[ct.Exporter]
		vals, err := c.App.StakingKeeper.GetAllValidators(c.Context())
		require.NoError(rt, err)
		for _, v := range vals {
			if n := rapid.IntRange(0, 2).Draw(rt, "v1 delegation"); n > 0 {
				op, err := sdk.ValAddressFromBech32(v.OperatorAddress)
				require.NoError(rt, err)
				v1Delegate(t, c, exporter, op, tokens(int64(n)))
			}
		}
		// CometBFT's view: consensus pubkey -> power, from the updates.
		set := map[string]int64{}
		bonded, err := c.App.StakingKeeper.GetBondedValidatorsByPower(c.Context())
		require.NoError(rt, err)
		for _, v := range bonded {
			pk, err := v.ConsPubKey()
			require.NoError(rt, err)
			set[string(pk.Bytes())] = v.ConsensusPower(sdk.DefaultPowerReduction)
		}
		fresh := 0

		for step := 0; step < 12; step++ {
			var txs [][]byte
			var asked []sdk.Msg
			for n := rapid.IntRange(1, 3).Draw(rt, "changes"); n > 0; n-- {
				var m sdk.Msg
				signer := admin
				vals, err := c.App.StakingKeeper.GetAllValidators(c.Context())
				require.NoError(rt, err)
				switch kind := rapid.IntRange(0, 4).Draw(rt, "kind"); {
				case len(vals) == 0 || kind == 0:
					op, _, key := newOperator()
					fresh++
					m = &cargotypes.MsgSetValidatorPower{Authority: admin.String(), ValidatorAddress: op.String(),
						Power: uint64(rapid.IntRange(1, 3).Draw(rt, "power")), ConsensusPubkey: key, Moniker: fmt.Sprintf("v%d", fresh)}
				case kind == 4:
					// A delegator leaves, in part or whole (its delegation may be
					// smaller, or gone: x/staking refuses that).
					v := vals[rapid.IntRange(0, len(vals)-1).Draw(rt, "validator")]
					if rapid.Bool().Draw(rt, "exporter") {
						signer = exporter
					}
					m = &stakingtypes.MsgUndelegate{DelegatorAddress: signer.String(), ValidatorAddress: v.OperatorAddress,
						Amount: sdk.NewCoin(app.BondDenom, sdk.DefaultPowerReduction.MulRaw(int64(rapid.IntRange(1, 4).Draw(rt, "amount"))).QuoRaw(2))}
				default:
					v := vals[rapid.IntRange(0, len(vals)-1).Draw(rt, "validator")]
					m = &cargotypes.MsgSetValidatorPower{Authority: admin.String(), ValidatorAddress: v.OperatorAddress,
						Power: uint64(rapid.IntRange(0, 4).Draw(rt, "power"))}
				}
				asked = append(asked, m)
				txs = append(txs, c.SignTx(signer, m))
			}
			before := int64(0)
			for _, p := range set {
				before += p
			}
			res := c.DeliverBlock(txs...)
			for _, a := range []*testutil.Account{admin, exporter} {
				a.Sequence = c.App.AccountKeeper.GetAccount(c.Context(), a.Address).GetSequence()
			}

			moved := int64(0)
			for _, u := range res.ValidatorUpdates {
				key := string(u.PubKey.GetEd25519())
				d := u.Power - set[key]
				if d < 0 {
					d = -d
				}
				moved += d
				if u.Power == 0 {
					delete(set, key)
				} else {
					set[key] = u.Power
				}
			}
			require.LessOrEqual(rt, moved*100, before*cargotypes.MaxPowerChangePercent,
				"block %d moved %d of %d power", c.App.LastBlockHeight(), moved, before)
			require.NotEmpty(rt, set, "the validator set emptied")

			for i, r := range res.TxResults {
				if r.Code != 0 {
					require.NotEmpty(rt, r.Codespace, "unregistered error: %s", r.Log)
					continue
				}
				m, ok := asked[i].(*cargotypes.MsgSetValidatorPower)
				if !ok {
					continue // an undelegation: bounded by the checks below
				}
				// An accepted change holds exactly the power asked for.
				valAddr, err := sdk.ValAddressFromBech32(m.ValidatorAddress)
				require.NoError(rt, err)
				v, err := c.App.StakingKeeper.GetValidator(c.Context(), valAddr)
				if i < len(res.TxResults)-1 && laterChange(asked[i+1:], res.TxResults[i+1:], m.ValidatorAddress) {
					continue // not its final power
				}
				if m.Power == 0 {
					if err == nil {
						require.Zero(rt, v.ConsensusPower(sdk.DefaultPowerReduction), "%s removed but still has power", m.ValidatorAddress)
						require.True(rt, v.Tokens.IsZero(), "%s removed but %s stay bonded to it", m.ValidatorAddress, v.Tokens)
					}
					continue
				}
				require.NoError(rt, err)
				require.Equal(rt, int64(m.Power), v.ConsensusPower(sdk.DefaultPowerReduction), "%s", m.ValidatorAddress)
			}

			// CometBFT's set (from the updates) is x/staking's bonded set.
			bonded, err := c.App.StakingKeeper.GetBondedValidatorsByPower(c.Context())
			require.NoError(rt, err)
			require.Len(rt, bonded, len(set))
			for _, v := range bonded {
				pk, err := v.ConsPubKey()
				require.NoError(rt, err)
				require.Equal(rt, set[string(pk.Bytes())], v.ConsensusPower(sdk.DefaultPowerReduction))
			}
		}
	})
}

// laterChange reports whether an accepted change later in the block — the
// authority's or a delegator's — names the same validator (so the earlier one
// is no longer its final power).
func laterChange(asked []sdk.Msg, results []*abci.ExecTxResult, validator string) bool {
	for i, m := range asked {
		var val string
		switch m := m.(type) {
		case *cargotypes.MsgSetValidatorPower:
			val = m.ValidatorAddress
		case *stakingtypes.MsgUndelegate:
			val = m.ValidatorAddress
		}
		if val == validator && results[i].Code == 0 {
			return true
		}
	}
	return false
}
