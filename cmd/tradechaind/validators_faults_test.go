//go:build faults

package main_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
)

// cli runs tradechaind with args against node 0 of the zone and returns its
// standard output.
func (z *zone) cli(args ...string) string {
	z.t.Helper()
	out, err := exec.Command(z.bin, args...).Output()
	if ee, ok := err.(*exec.ExitError); ok {
		z.t.Fatalf("tradechaind %s: %v\n%s\n%s", strings.Join(args, " "), err, out, ee.Stderr)
	}
	require.NoError(z.t, err)
	return string(out)
}

// txFrom sends a transaction signed by node i's operator key and requires
// that the node's mempool accepted it.
func (z *zone) txFrom(i int, args ...string) {
	z.t.Helper()
	args = append(args, "--from", fmt.Sprintf("node%d", i), "--home", z.home(i), "--keyring-backend", "test",
		"--chain-id", z.chainID, "--node", z.rpc(0), "--gas", "2000000", "--output", "json", "-y")
	var res struct {
		Code   uint32 `json:"code"`
		RawLog string `json:"raw_log"`
	}
	require.NoError(z.t, json.Unmarshal([]byte(z.cli(args...)), &res))
	require.Zero(z.t, res.Code, res.RawLog)
}

// govPass submits a governance proposal carrying msg (signed by node0),
// has every one of the first voters validators vote yes, and waits until it
// has passed and been executed.
func (z *zone) govPass(voters int, title string, msg map[string]any) {
	z.t.Helper()
	file := filepath.Join(z.dir, strings.ReplaceAll(title, " ", "-")+".json")
	bz, err := json.Marshal(map[string]any{"messages": []any{msg}, "deposit": "10000000utrade", "title": title, "summary": title, "metadata": ""})
	require.NoError(z.t, err)
	require.NoError(z.t, os.WriteFile(file, bz, 0o600))
	before := z.proposals()
	z.txFrom(0, "tx", "gov", "submit-proposal", file)
	var id string
	deadline := time.Now().Add(30 * time.Second)
	for id == "" && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		if ps := z.proposals(); len(ps) > len(before) {
			id = ps[len(ps)-1]
		}
	}
	require.NotEmpty(z.t, id, "the proposal %q was not recorded", title)
	for i := 0; i < voters; i++ {
		z.txFrom(i, "tx", "gov", "vote", id, "yes")
	}
	deadline = time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		var p struct {
			Proposal struct {
				Status        string `json:"status"`
				FailedReason  string `json:"failed_reason"`
				FinalTally    any    `json:"final_tally_result"`
				VotingEndTime string `json:"voting_end_time"`
			} `json:"proposal"`
		}
		require.NoError(z.t, json.Unmarshal([]byte(z.cli("q", "gov", "proposal", id, "--node", z.rpc(0), "--output", "json")), &p))
		switch p.Proposal.Status {
		case "PROPOSAL_STATUS_PASSED":
			z.t.Logf("proposal %s (%s) passed at height ~%d", id, title, z.height(0))
			return
		case "PROPOSAL_STATUS_REJECTED", "PROPOSAL_STATUS_FAILED":
			z.t.Fatalf("proposal %s (%s): %s %s, tally %v", id, title, p.Proposal.Status, p.Proposal.FailedReason, p.Proposal.FinalTally)
		}
		time.Sleep(time.Second)
	}
	z.t.Fatalf("proposal %s (%s) did not pass within 90 s", id, title)
}

func (z *zone) proposals() []string {
	var ps struct {
		Proposals []struct {
			ID string `json:"id"`
		} `json:"proposals"`
	}
	out, err := exec.Command(z.bin, "q", "gov", "proposals", "--node", z.rpc(0), "--output", "json").Output()
	if err != nil { // "no proposals found" before the first one
		return nil
	}
	require.NoError(z.t, json.Unmarshal(out, &ps))
	ids := make([]string, len(ps.Proposals))
	for i, p := range ps.Proposals {
		ids[i] = p.ID
	}
	return ids
}

// validatorSet is CometBFT's validator set at the latest height, as node i
// serves it: consensus address (hex) -> voting power.
func (z *zone) validatorSet(i int) map[string]string {
	var res struct {
		Result struct {
			Validators []struct {
				Address string `json:"address"`
				Power   string `json:"voting_power"`
			} `json:"validators"`
		} `json:"result"`
	}
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/validators?per_page=100", z.rpcPort(i)))
	require.NoError(z.t, err)
	defer resp.Body.Close()
	require.NoError(z.t, json.NewDecoder(resp.Body).Decode(&res))
	set := map[string]string{}
	for _, v := range res.Result.Validators {
		set[v.Address] = v.Power
	}
	return set
}

// signers are the consensus addresses whose signatures commit block h.
func (z *zone) signers(i int, h int64) map[string]bool {
	var res struct {
		Result struct {
			Block struct {
				LastCommit struct {
					Signatures []struct {
						Address string `json:"validator_address"`
					} `json:"signatures"`
				} `json:"last_commit"`
			} `json:"block"`
		} `json:"result"`
	}
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/block?height=%d", z.rpcPort(i), h+1))
	require.NoError(z.t, err)
	defer resp.Body.Close()
	require.NoError(z.t, json.NewDecoder(resp.Body).Decode(&res))
	out := map[string]bool{}
	for _, s := range res.Result.Block.LastCommit.Signatures {
		if s.Address != "" {
			out[s.Address] = true
		}
	}
	return out
}

// consAddress is node i's consensus address (hex), from its key file.
func (z *zone) consAddress(i int) string {
	bz, err := os.ReadFile(filepath.Join(z.home(i), "config", "priv_validator_key.json"))
	require.NoError(z.t, err)
	var k struct {
		Address string `json:"address"`
	}
	require.NoError(z.t, json.Unmarshal(bz, &k))
	return k.Address
}

// addNode writes the home folder of a new full node i (not a validator)
// that follows the zone, with its own operator key, and starts it; extra are
// more config.toml replacements (state sync, say).
func (z *zone) addNode(i int, extra ...map[string]string) {
	home := z.home(i)
	z.cli("init", fmt.Sprintf("node%d", i), "--chain-id", z.chainID, "--home", home)
	gen, err := os.ReadFile(filepath.Join(z.home(0), "config", "genesis.json"))
	require.NoError(z.t, err)
	require.NoError(z.t, os.WriteFile(filepath.Join(home, "config", "genesis.json"), gen, 0o644))
	var peers []string
	for j := 0; j < i; j++ {
		id := strings.TrimSpace(z.cli("comet", "show-node-id", "--home", z.home(j)))
		peers = append(peers, fmt.Sprintf("%s@127.0.0.1:%d", id, z.base+j*10))
	}
	port := func(offset int) int { return z.base + i*10 + offset }
	edit(z.t, filepath.Join(home, "config", "config.toml"), map[string]string{
		`laddr = "tcp://0.0.0.0:26656"`:              fmt.Sprintf(`laddr = "tcp://127.0.0.1:%d"`, port(0)),
		`laddr = "tcp://127.0.0.1:26657"`:            fmt.Sprintf(`laddr = "tcp://127.0.0.1:%d"`, port(1)),
		`proxy_app = "tcp://127.0.0.1:26658"`:        fmt.Sprintf(`proxy_app = "tcp://127.0.0.1:%d"`, port(2)),
		`pprof_laddr = "localhost:6060"`:             `pprof_laddr = ""`,
		`persistent_peers = ""`:                      fmt.Sprintf(`persistent_peers = %q`, strings.Join(peers, ",")),
		`addr_book_strict = true`:                    `addr_book_strict = false`,
		`allow_duplicate_ip = false`:                 `allow_duplicate_ip = true`,
		`timeout_commit = "2s"`:                      `timeout_commit = "1s"`,
		`prometheus_listen_addr = "127.0.0.1:26660"`: fmt.Sprintf(`prometheus_listen_addr = "127.0.0.1:%d"`, port(5)),
	})
	for _, repl := range extra {
		edit(z.t, filepath.Join(home, "config", "config.toml"), repl)
	}
	edit(z.t, filepath.Join(home, "config", "app.toml"), map[string]string{
		`address = "tcp://127.0.0.1:1317"`: fmt.Sprintf(`address = "tcp://127.0.0.1:%d"`, port(4)),
		`address = "127.0.0.1:9090"`:       fmt.Sprintf(`address = "127.0.0.1:%d"`, port(3)),
	})
	z.cli("keys", "add", fmt.Sprintf("node%d", i), "--keyring-backend", "test", "--home", home, "--output", "json")
	z.nodes = append(z.nodes, nil)
	z.logs = append(z.logs, nil)
	z.start(i)
}

// edit replaces each key of repl, which must occur in the file, by its value.
func edit(t *testing.T, file string, repl map[string]string) {
	bz, err := os.ReadFile(file)
	require.NoError(t, err)
	s := string(bz)
	for from, to := range repl {
		require.Contains(t, s, from, "%s has no %s", file, from)
		s = strings.Replace(s, from, to, 1)
	}
	require.NoError(t, os.WriteFile(file, []byte(s), 0o644))
}

// The validator set of a running four-validator zone changes only through
// its authority (here governance, every validator voting): a fifth node is
// admitted as a validator and signs blocks; then one of the original four is
// removed, its process is stopped, and blocks go on with the other four.
// Each change moves at most 25 % of the power (the bound is 30 %), and
// blocks never stop.
func TestFaultValidatorSetChange(t *testing.T) {
	z := newZone(t, 4, "hongkong-1", "--voting-period", "12s")
	z.waitHeight(0, 3, 90*time.Second)
	gov, err := sdk.Bech32ifyAddressBytes("trade", authtypes.NewModuleAddress("gov"))
	require.NoError(t, err)
	require.Len(t, z.validatorSet(0), 4)

	// A fifth node follows the zone as a full node.
	z.addNode(4)
	z.waitHeight(4, z.height(0), 120*time.Second)
	var pk struct {
		Key string `json:"key"`
	}
	require.NoError(t, json.Unmarshal([]byte(z.cli("comet", "show-validator", "--home", z.home(4))), &pk))
	op4 := strings.TrimSpace(z.cli("keys", "show", "node4", "--bech", "val", "-a", "--keyring-backend", "test", "--home", z.home(4)))
	cons4 := z.consAddress(4)

	h := z.height(0)
	z.govPass(4, "Admit node4", map[string]any{"@type": "/tradechain.cargo.v1.MsgSetValidatorPower", "authority": gov,
		"validator_address": op4, "power": "100", "consensus_pubkey": pk.Key, "moniker": "node4"})
	deadline := time.Now().Add(30 * time.Second)
	for len(z.validatorSet(0)) != 5 && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
	}
	set := z.validatorSet(0)
	require.Len(t, set, 5, "node4 did not join CometBFT's validator set")
	require.Equal(t, "100", set[cons4])
	// node4 signs: its signature is in the commits of the next blocks.
	start := z.height(0)
	z.waitHeight(0, start+4, 30*time.Second)
	signed := 0
	for b := start; b < start+4; b++ {
		if z.signers(0, b)[cons4] {
			signed++
		}
	}
	require.Positive(t, signed, "node4 signed none of blocks %d..%d", start, start+3)
	t.Logf("node4 admitted as a validator (height %d → %d); it signed %d of the next 4 blocks", h, z.height(0), signed)

	// Remove node3: power 0, then stop its process; the four left go on.
	op3 := strings.TrimSpace(z.cli("keys", "show", "node3", "--bech", "val", "-a", "--keyring-backend", "test", "--home", z.home(3)))
	cons3 := z.consAddress(3)
	z.govPass(4, "Remove node3", map[string]any{"@type": "/tradechain.cargo.v1.MsgSetValidatorPower", "authority": gov,
		"validator_address": op3, "power": "0"})
	deadline = time.Now().Add(30 * time.Second)
	for len(z.validatorSet(0)) != 4 && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
	}
	set = z.validatorSet(0)
	require.Len(t, set, 4)
	require.NotContains(t, set, cons3)
	require.Contains(t, set, cons4)
	z.stop(3)
	h = z.height(0)
	z.waitHeight(0, h+6, 30*time.Second)
	z.waitHeight(4, h+6, 30*time.Second)
	final := h + 5
	require.Equal(t, z.appHash(0, final), z.appHash(4, final), "node4 disagrees at height %d", final)
	for b := h + 1; b <= final; b++ {
		s := z.signers(0, b)
		require.False(t, s[cons3], "removed node3 signed block %d", b)
	}
	t.Logf("node3 removed and stopped at height %d; blocks went on to %d with node0-2 and node4, same app hash", h, z.height(0))
}
