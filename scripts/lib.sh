#!/usr/bin/env bash
# Shared settings and helpers for the localnet, demo and end-to-end scripts.
# Everything runs on loopback; every process started is recorded in
# $LOCALNET/pids and only those PIDs are ever stopped.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BIN:-$ROOT/bin/tradechaind}
RLY=${RLY:-$ROOT/bin/rly}
LOCALNET=${LOCALNET:-$ROOT/.localnet}
KR="--keyring-backend test"

HK_CHAIN=hongkong-1
SH_CHAIN=shanghai-1
# Each zone gets its own block of loopback ports. PORT_OFFSET shifts all of
# them, so a second localnet can run beside the first
# (PORT_OFFSET=1000 LOCALNET=/tmp/ln2 make localnet); each port can also be
# set on its own (HK_RPC=36657 ...).
_o=${PORT_OFFSET:-0}
HK_P2P=${HK_P2P:-$((26656+_o))} HK_RPC=${HK_RPC:-$((26657+_o))} HK_ABCI=${HK_ABCI:-$((26658+_o))} HK_GRPC=${HK_GRPC:-$((9090+_o))} HK_API=${HK_API:-$((1317+_o))}
SH_P2P=${SH_P2P:-$((26756+_o))} SH_RPC=${SH_RPC:-$((26757+_o))} SH_ABCI=${SH_ABCI:-$((26758+_o))} SH_GRPC=${SH_GRPC:-$((9190+_o))} SH_API=${SH_API:-$((1417+_o))}
WEB_PORT=${WEB_PORT:-$((5173+_o))}
GW_SH=$((8480+_o)) GW_HK=$((8580+_o))   # each zone's DCSA gateway (scripts/dcsa.sh); the web app reads it too

# Fixed demo identities (test keyring only; never use these mnemonics for value).
# The same key has the same trade1... address on both zones.
declare -A MNEMONIC=(
  [validator]="theme view better apart gas average observe twenty kiwi asthma tray aunt swarm float celery sword lunar sail task gas bind pony advice buzz"
  [relayer]="vote smile pioneer used notable tool tired deliver bullet adult involve fan iron match sunny copy romance miracle secret sense genre inside legend paper"
  [admin]="pilot proof puzzle swap gap shove cigar rebel limb doctor awkward famous pink once flip brick hand velvet rose rural abandon space brain feel"
  [carrier]="rib action whip mercy twelve crush exact harbor village super use long ginger kitten moment stable hurdle will mushroom own shuffle until govern high"
  [exporter]="tiny print spatial mosquito clump choice vacuum differ rabbit cradle mystery shoe later piano sight luggage derive interest laugh depth protect inch ivory sudden"
  [importer]="reduce alcohol despair question sadness napkin trial vehicle umbrella blast husband avocado tooth pulp tube infant shallow flavor people thought plate scrub maid tattoo"
  [hkbank]="exist flush lend reveal rural find resource joke grunt diagram myth couch bulk build rotate never critic mind income receive detect mimic trip valley"
  [shbank]="indoor caution rely traffic public eyebrow reject mix fix genuine gesture list decorate under help champion price plunge hungry reunion scene rib undo abandon"
  [gateway]="woman become helmet moment blade save tuna pistol such device spin vague feel fluid excite ancient ghost strike human frog demand leaf radio awake"
  [customs]="album habit cinnamon retreat alone riot art core galaxy devote elder soft web rose spare lonely inquiry panic mother involve usual desert fringe vanish"
)
# gateway: the zone's DCSA gateway account (a PLATFORM party; scripts/dcsa.sh).
ACCOUNTS=(validator relayer admin carrier exporter importer hkbank shbank customs gateway)

# Colours only on a terminal (never in a log file or a pipe), and never
# with NO_COLOR set.
C_LOG= C_STEP= C_OFF= C_ERR= C_ERR_OFF=
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then C_LOG=$'\033[1;34m' C_STEP=$'\033[1;32m' C_OFF=$'\033[0m'; fi
if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then C_ERR=$'\033[1;31m' C_ERR_OFF=$'\033[0m'; fi
log()  { printf '%s[%s]%s %s\n' "$C_LOG" "$(date +%H:%M:%S)" "$C_OFF" "$*"; }
step() { printf '\n%s==> [%s] %s%s\n' "$C_STEP" "$1" "$2" "$C_OFF"; }
die()  { printf '%sERROR:%s %s\n' "$C_ERR" "$C_ERR_OFF" "$*" >&2; exit 1; }

zone_home() { echo "$LOCALNET/$1"; }
zone_rpc()  { case $1 in "$HK_CHAIN") echo "tcp://127.0.0.1:$HK_RPC";; "$SH_CHAIN") echo "tcp://127.0.0.1:$SH_RPC";; esac; }
zone_api()  { case $1 in "$HK_CHAIN") echo "http://127.0.0.1:$HK_API";; "$SH_CHAIN") echo "http://127.0.0.1:$SH_API";; esac; }

# addr CHAIN NAME -> bech32 address of a demo key
addr() { "$BIN" keys show "$2" -a $KR --home "$(zone_home "$1")"; }

# q CHAIN args... -> JSON query output
q() { local c=$1; shift; "$BIN" q "$@" --node "$(zone_rpc "$c")" --output json; }

# tx CHAIN FROM args... : broadcast, wait for inclusion, fail with the log if the tx failed.
tx() {
  local c=$1 from=$2; shift 2
  local out hash code err
  err=$(mktemp)
  out=$("$BIN" tx "$@" --from "$from" --chain-id "$c" $KR --home "$(zone_home "$c")" \
        --node "$(zone_rpc "$c")" --gas auto --gas-adjustment 1.5 -y --output json 2>"$err") \
    || { local e; e=$(cat "$err"); rm -f "$err"; die "tx $* on $c: $out $e"; }
  rm -f "$err"
  hash=$(echo "$out" | jq -r .txhash 2>/dev/null) || die "tx $* on $c: $out"
  code=$(echo "$out" | jq -r .code)
  [ "$code" = "0" ] || die "tx $* on $c rejected: $(echo "$out" | jq -r .raw_log)"
  wait_tx "$c" "$hash"
}

# tx_expect_fail CHAIN FROM args... : the tx must be refused (at check or in
# the block); prints the chain's error message.
tx_expect_fail() {
  local c=$1 from=$2; shift 2
  local out res
  out=$("$BIN" tx "$@" --from "$from" --chain-id "$c" $KR --home "$(zone_home "$c")" \
        --node "$(zone_rpc "$c")" --gas 400000 -y --output json 2>/dev/null) || { echo "$out"; return 0; }
  if [ "$(echo "$out" | jq -r .code)" != 0 ]; then echo "$out" | jq -r .raw_log; return 0; fi
  res=$(committed "$c" "$(echo "$out" | jq -r .txhash)")
  [ "$(echo "$res" | jq -r .code)" != 0 ] || die "tx $* on $c was expected to fail but succeeded"
  echo "$res" | jq -r .raw_log
}

# committed CHAIN HASH : wait until the tx is in a block; print its result.
committed() {
  local c=$1 hash=$2 res
  for _ in $(seq 1 60); do
    if res=$(q "$c" tx "$hash" 2>/dev/null); then echo "$res"; return 0; fi
    sleep 0.5
  done
  die "tx $hash not committed on $c after 30s"
}

# wait_tx CHAIN HASH : wait until the tx is in a block; fail if it failed there.
wait_tx() {
  local res
  res=$(committed "$1" "$2")
  [ "$(echo "$res" | jq -r .code)" = "0" ] || die "tx $2 failed on $1: $(echo "$res" | jq -r .raw_log)"
  echo "$res"
}

# wait_height CHAIN H : wait until the zone has produced block H.
wait_height() {
  local c=$1 want=$2 h
  for _ in $(seq 1 120); do
    h=$(curl -sf "http://127.0.0.1:$(rpc_port "$c")/status" | jq -r .result.sync_info.latest_block_height 2>/dev/null || echo 0)
    [ "${h:-0}" -ge "$want" ] 2>/dev/null && return 0
    sleep 0.5
  done
  die "$c did not reach height $want (see $LOCALNET/$c.log)"
}
rpc_port() { case $1 in "$HK_CHAIN") echo $HK_RPC;; "$SH_CHAIN") echo $SH_RPC;; esac; }

# balance CHAIN ADDR DENOM -> amount (0 if none)
balance() {
  q "$1" bank balance "$2" "$3" | jq -r '.balance.amount // "0"'
}

# record_pid NAME PID : remember a process this run started.
record_pid() { echo "$2 $1" >> "$LOCALNET/pids"; }

# start_web : serve the corridor web app (web/dist, built by make web) on
# loopback, with both zones' REST and RPC (and each zone's DCSA gateway, whose
# document store the SME page reads, once scripts/dcsa.sh starts them) behind
# its origin; recorded like
# the nodes, so localnet-stop stops it too.
start_web() {
  [ -f "$ROOT/web/dist/index.html" ] || { log "web app not built (make web): not serving it"; return 0; }
  write_trust_roots "$ROOT/web/dist/trust-roots.json"
  # One simple command in the background, so $! is the server itself.
  HK_REST_URL="http://127.0.0.1:$HK_API" HK_RPC_URL="http://127.0.0.1:$HK_RPC" \
    SH_REST_URL="http://127.0.0.1:$SH_API" SH_RPC_URL="http://127.0.0.1:$SH_RPC" WEB_PORT=$WEB_PORT \
    HK_GATEWAY_URL="http://127.0.0.1:$GW_HK" SH_GATEWAY_URL="http://127.0.0.1:$GW_SH" \
    node "$ROOT/web/node_modules/vite/bin/vite.js" preview "$ROOT/web" --strictPort > "$LOCALNET/web.log" 2>&1 &
  record_pid web $!
  for _ in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$WEB_PORT/zone/$HK_CHAIN/rest/cosmos/base/tendermint/v1beta1/node_info" >/dev/null && break
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:$WEB_PORT/" >/dev/null || die "the web app did not start (see $LOCALNET/web.log)"
  log "web app: http://127.0.0.1:$WEB_PORT/  (verify a document, browse bills, LCs and parties, sign with Keplr or a localnet key)"
}

# write_trust_roots FILE : the light clients' trust roots for this localnet —
# each zone's first block (height and header hash), read from the zone's own
# node as the corridor starts, before anything stands between it and a
# browser; the web app ships the file beside its code (docs/trust-model.md).
# Blocks come every second here, so an answer about the present older than
# a minute is refused as a possible replay.
write_trust_roots() {
  local file=$1 c rpc hash zones="{}"
  for c in "$HK_CHAIN" "$SH_CHAIN"; do
    rpc=$([ "$c" = "$HK_CHAIN" ] && echo "$HK_RPC" || echo "$SH_RPC")
    hash=""
    for _ in $(seq 1 60); do
      hash=$(curl -sf "http://127.0.0.1:$rpc/block?height=1" | jq -r '.result.block_id.hash // empty') && [ -n "$hash" ] && break
      sleep 0.5
    done
    [ -n "$hash" ] || die "$c's first block hash could not be read for the web app's trust root"
    zones=$(jq --arg c "$c" --arg h "$hash" '.[$c] = {height: "1", hash: $h, trusting_period_s: 1209600, max_age_s: 60,
      source: "this localnet'"'"'s first block, read from the zone'"'"'s own node when the corridor started"}' <<<"$zones")
  done
  jq -n --argjson z "$zones" '{comment: "written by scripts/lib.sh write_trust_roots for this localnet", zones: $z}' > "$file"
  log "web app trust roots: $(jq -c '.zones | map_values(.hash[0:12])' "$file")"
}

# stop_recorded : stop exactly the processes recorded in $LOCALNET/pids.
stop_recorded() {
  [ -f "$LOCALNET/pids" ] || return 0
  while read -r pid name; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
      log "stopped $name (pid $pid)"
    fi
  done < "$LOCALNET/pids"
  rm -f "$LOCALNET/pids"
}

require_tools() {
  command -v jq >/dev/null || die "jq is required (apt-get install -y jq)"
  command -v curl >/dev/null || die "curl is required (apt-get install -y curl)"
  [ -x "$BIN" ] || die "$BIN not built (make build)"
}

# init_zone CHAIN P2P RPC ABCI GRPC API [HOME]: a single-validator zone with
# CometBFT's metrics on RPC+3,
# the demo keys funded, the demo admin as x/cargo admin, loopback ports.
init_zone() {
  local c=$1 p2p=$2 rpc=$3 abci=$4 grpc=$5 api=$6
  local home=${7:-$(zone_home "$c")}
  rm -rf "$home"
  "$BIN" init "validator-$c" --chain-id "$c" --home "$home" >/dev/null 2>&1
  for name in "${ACCOUNTS[@]}"; do
    echo "${MNEMONIC[$name]}" | "$BIN" keys add "$name" --recover $KR --home "$home" >/dev/null 2>&1
    "$BIN" genesis add-genesis-account "$(addr "$c" "$name")" 1000000000000utrade $KR --home "$home"
  done
  "$BIN" genesis gentx validator 100000000000utrade --chain-id "$c" $KR --home "$home" >/dev/null 2>&1
  "$BIN" genesis collect-gentxs --home "$home" >/dev/null 2>&1

  # Local genesis: the demo admin key may register parties (x/cargo admin) so a
  # fresh localnet needs no governance vote for its roster; short gov periods so upgrades and parameter changes can be
  # tried in minutes; unbonding stays long (the relayer's light-client trusting
  # period is derived from it).
  local g="$home/config/genesis.json"
  # Each zone is its own eBL platform in DCSA PINT (scripts/dcsa.sh).
  jq --arg admin "$(addr "$c" admin)" --arg pint "$([ "$c" = "$HK_CHAIN" ] && echo TRHK || echo TRSH)" '.app_state.cargo.params.admin = $admin
      | .app_state.cargo.params.pint_platform_code = $pint
      | .app_state.gov.params.voting_period = "60s"
      | .app_state.gov.params.expedited_voting_period = "30s"
      | .app_state.gov.params.max_deposit_period = "60s"' "$g" > "$g.tmp" && mv "$g.tmp" "$g"
  if [ -n "${GENESIS_HOOK:-}" ]; then "$GENESIS_HOOK" "$c" "$g"; fi
  "$BIN" genesis validate --home "$home" >/dev/null

  local cfg="$home/config/config.toml" app="$home/config/app.toml"
  sed -i -e "s#^laddr = \"tcp://0.0.0.0:26656\"#laddr = \"tcp://127.0.0.1:$p2p\"#" \
         -e "s#^laddr = \"tcp://127.0.0.1:26657\"#laddr = \"tcp://127.0.0.1:$rpc\"#" \
         -e "s#^proxy_app = \"tcp://127.0.0.1:26658\"#proxy_app = \"tcp://127.0.0.1:$abci\"#" \
         -e "s#^pprof_laddr = .*#pprof_laddr = \"\"#" \
         -e "s#^prometheus_listen_addr = .*#prometheus_listen_addr = \"127.0.0.1:$((rpc + 3))\"#" \
         -e "s#^timeout_commit = .*#timeout_commit = \"1s\"#" "$cfg"
  sed -i -e "s#^address = \"tcp://127.0.0.1:1317\"#address = \"tcp://127.0.0.1:$api\"#" \
         -e "s#^address = \"127.0.0.1:9090\"#address = \"127.0.0.1:$grpc\"#" \
         -e "s#^swagger = false#swagger = true#" "$app"
  cat > "$home/config/client.toml" <<TOML
chain-id = "$c"
keyring-backend = "test"
output = "json"
node = "tcp://127.0.0.1:$rpc"
broadcast-mode = "sync"
TOML
}

# rly_chain_file CHAIN RPC [FILE]: the relayer's chain config for a zone.
rly_chain_file() {
  local c=$1 rpc=$2 file=${3:-$LOCALNET/rly-$1.json}
  cat > "$file" <<JSON
{
  "type": "cosmos",
  "value": {
    "key": "relayer",
    "chain-id": "$c",
    "rpc-addr": "http://127.0.0.1:$rpc",
    "account-prefix": "trade",
    "keyring-backend": "test",
    "gas-adjustment": 1.5,
    "gas-prices": "0utrade",
    "min-gas-amount": 0,
    "debug": false,
    "timeout": "20s",
    "output-format": "json",
    "sign-mode": "direct",
    "coin-type": 118,
    "broadcast-mode": "batch"
  }
}
JSON
}


# wait_confirmed CHAIN BILL : wait until the corridor registry has confirmed a
# bill issued on CHAIN (the relayer carries the reservation and its answer).
wait_confirmed() {
  local c=$1 b=$2 st=""
  for _ in $(seq 1 600); do
    st=$(q "$c" cargo bill "$b" 2>/dev/null | jq -r .bill.corridor_status)
    case "$st" in RESERVATION_STATUS_CONFIRMED|RESERVATION_STATUS_LOCAL) return 0 ;; esac
    sleep 0.1
  done
  die "bill $b on $c: corridor status $st, not confirmed within 60 s (see $LOCALNET/rly.log)"
}
