#!/usr/bin/env bash
# Two upgrades rehearsed on real processes (make test-upgrade): v1 → v2 → v3.
#  1. build the two previous releases from their commits (v1.0.0, and v2 —
#     main at 4545d6a) beside this one (v3);
#  2. play v1's own corridor demo on v1 binaries started by cosmovisor, then
#     leave live state behind on hongkong-1: a second bill liened to an
#     active financing and an open letter of credit;
#  3. grow hongkong-1 to four validators and leave third-party delegations
#     on two of them (v1's open staking): a party's, and one of an account
#     v3 will no longer admit;
#  4. pass a MsgSoftwareUpgrade "v2" through governance on both zones; every
#     node halts at the height and cosmovisor switches it to
#     cosmovisor/upgrades/v2/bin; export the state as v1 left it; restart;
#     under v2 the delegations are frozen (an undelegation is refused);
#  5. the same to "v3" (this build), from v2's state: export it at the halt;
#  6. blocks continue on v3 (one node checks every invariant each block), the
#     exports are equal across both upgrades (up to v2's rewrite of
#     tombstones); the party undelegates part of its stake (an unbonding
#     entry), the operator cannot touch its self-bond, the authority removes
#     the validator whose delegator is no longer admitted (every delegation
#     to it unbonds, it leaves CometBFT's set); a bill and an ICS-20 transfer
#     cross the corridor through the upgraded zones.
# Everything runs on loopback; only processes this script started are stopped.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UP=${UPGRADE_DIR:-$ROOT/.upgrade}
export LOCALNET=$UP/ln
source "$ROOT/scripts/lib.sh"

# The previous releases: v1.0.0 (the corridor with the registry, holds and
# admission; open staking) and v2 (the validator set under the zone
# authority; main at 4545d6a). This build is v3.
PREV_VERSION=v1.0.0
PREV_COMMIT=5ede12df47c3d667c7d5cfab1e51bb12b62f7710
V2_NAME=v2-4545d6a
V2_COMMIT=4545d6a1115fffda125376dc3e57b346648b354b
V1_BIN=$UP/v1/bin/tradechaind
V2_BIN=$UP/v2/bin/tradechaind
V3_BIN=$ROOT/bin/tradechaind
CV=$ROOT/bin/cosmovisor
WRAP=$UP/v1/tradechaind-cosmovisor
start=$(date +%s)

[ -x "$V3_BIN" ] && [ -x "$CV" ] && [ -x "$RLY" ] || die "make build rly cosmovisor first (make test-upgrade does)"

# Stops what this run started: each recorded cosmovisor's child first, then
# the recorded processes themselves.
stop_all() {
  if [ -f "$LOCALNET/pids" ]; then
    while read -r pid _; do
      for child in $(pgrep -P "$pid" 2>/dev/null); do kill "$child" 2>/dev/null || true; done
    done < "$LOCALNET/pids"
  fi
  stop_recorded
}
cleanup() { [ "${KEEP:-0}" = 1 ] || stop_all; }
trap cleanup EXIT
if [ -f "$LOCALNET/pids" ]; then stop_all; fi
rm -rf "$UP" && mkdir -p "$UP/v1/bin" "$UP/v2/bin" "$LOCALNET"

build_release() {  # VERSION COMMIT OUT : build a release from its commit (git archive), as its own Makefile would
  local version=$1 commit=$2 out=$3 src; src=$(dirname "$(dirname "$out")")/src
  step build "$version from $commit"
  git -C "$ROOT" cat-file -e "$commit^{commit}" 2>/dev/null \
    || die "commit $commit ($version) is not in this clone: fetch the full history (git fetch --unshallow)"
  mkdir -p "$src"
  git -C "$ROOT" archive "$commit" | tar -x -C "$src"
  (cd "$src" && go build -ldflags "-X github.com/cosmos/cosmos-sdk/version.Name=tradechain \
     -X github.com/cosmos/cosmos-sdk/version.AppName=tradechaind -X github.com/cosmos/cosmos-sdk/version.Version=$version \
     -X github.com/cosmos/cosmos-sdk/version.Commit=$commit" -o "$out" ./cmd/tradechaind)
}
build_release $PREV_VERSION $PREV_COMMIT "$V1_BIN"
build_release $V2_NAME $V2_COMMIT "$V2_BIN"
V2_VERSION=$("$V2_BIN" version 2>&1) V3_VERSION=$("$V3_BIN" version 2>&1)
log "v1: $("$V1_BIN" version 2>&1)   v2: $V2_VERSION   v3: $V3_VERSION   cosmovisor: $(DAEMON_HOME=/tmp DAEMON_NAME=x "$CV" version --cosmovisor-only 2>&1 | head -1)"
log "built in $(( $(date +%s) - start ))s"

# v1's scripts start nodes with "$BIN start --home H": this wrapper runs that
# under cosmovisor with DAEMON_HOME=H, the v1 binary as genesis and the v2 and
# v3 binaries placed ahead of time as the "v2" and "v3" upgrades; any other
# command is v1's. cosmovisor exits after switching
# (DAEMON_RESTART_AFTER_UPGRADE=false) so the state the old binary left can be
# exported before the new one migrates it.
cat > "$WRAP" <<WRAPPER
#!/usr/bin/env bash
if [ "\${1:-}" = start ]; then
  home= prev=
  for a in "\$@"; do [ "\$prev" = --home ] && home=\$a; prev=\$a; done
  [ -n "\$home" ] || { echo "start needs --home" >&2; exit 1; }
  mkdir -p "\$home/cosmovisor/genesis/bin" "\$home/cosmovisor/upgrades/v2/bin" "\$home/cosmovisor/upgrades/v3/bin"
  [ -x "\$home/cosmovisor/genesis/bin/tradechaind" ] || cp "$V1_BIN" "\$home/cosmovisor/genesis/bin/tradechaind"
  [ -x "\$home/cosmovisor/upgrades/v2/bin/tradechaind" ] || cp "$V2_BIN" "\$home/cosmovisor/upgrades/v2/bin/tradechaind"
  [ -x "\$home/cosmovisor/upgrades/v3/bin/tradechaind" ] || cp "$V3_BIN" "\$home/cosmovisor/upgrades/v3/bin/tradechaind"
  export DAEMON_HOME=\$home DAEMON_NAME=tradechaind DAEMON_RESTART_AFTER_UPGRADE=false UNSAFE_SKIP_BACKUP=true \
         DAEMON_ALLOW_DOWNLOAD_BINARIES=false COSMOVISOR_COLOR_LOGS=false
  exec "$CV" run "\$@"
fi
exec "$V1_BIN" "\$@"
WRAPPER
chmod +x "$WRAP"
# Genesis and config of v1's zones: short governance periods; several nodes
# of one zone on one loopback address.
cat > "$UP/v1/genesis-hook.sh" <<'HOOK'
#!/usr/bin/env bash
g=$2 cfg=$(dirname "$2")/config.toml
jq '.app_state.gov.params.voting_period = "20s" | .app_state.gov.params.expedited_voting_period = "10s"' "$g" > "$g.tmp" && mv "$g.tmp" "$g"
sed -i -e 's/^allow_duplicate_ip = .*/allow_duplicate_ip = true/' -e 's/^addr_book_strict = .*/addr_book_strict = false/' "$cfg"
HOOK
chmod +x "$UP/v1/genesis-hook.sh"

step "v1" "the $PREV_VERSION corridor demo, every node under cosmovisor (log: $UP/demo-v1.log)"
(cd "$UP/v1/src" && KEEP=1 NO_COLOR=1 BIN="$WRAP" RLY="$RLY" LOCALNET="$LOCALNET" GENESIS_HOOK="$UP/v1/genesis-hook.sh" \
   ./scripts/demo.sh) > "$UP/demo-v1.log" 2>&1 || { tail -30 "$UP/demo-v1.log"; die "the v1 demo failed"; }
plain() { sed 's/\x1b\[[0-9;]*m//g' "$@"; }   # v1's scripts and the nodes' logs colour their output
plain "$UP/demo-v1.log" | grep -E 'all checks passed' | sed 's/^/  v1 demo: /'

BIN=$WRAP   # v1's CLI until the upgrade
CARRIER=$(addr $SH_CHAIN carrier) EXPORTER=$(addr $SH_CHAIN exporter) IMPORTER=$(addr $SH_CHAIN importer)
HKD=td-hkbk-hkd TODAY=$(date -u +%F)
DEMO_BILL=COS-$(jq -r .transportDocumentReference "$ROOT/examples/ebl-shanghai-hongkong.json")
channel_of() { q "$1" ibc channel channels | jq -r --arg p "$2" '[.channels[] | select(.port_id==$p and .state=="STATE_OPEN")][0].channel_id'; }
HK_CARGO=$(channel_of $HK_CHAIN cargo) HK_TRANSFER=$(channel_of $HK_CHAIN transfer)
document() {  # REF -> a copy of the example DCSA document with that reference
  local f=$UP/ebl-$1.json
  jq --arg r "$1" '.transportDocumentReference = $r' "$ROOT/examples/ebl-shanghai-hongkong.json" > "$f"
  echo "$f"
}
wait_for_value() {  # CHAIN JQ WANT q-args... : poll a query until .JQ == WANT (60 s)
  local c=$1 path=$2 want=$3; shift 3
  for _ in $(seq 1 120); do [ "$(q "$c" "$@" 2>/dev/null | jq -r "$path")" = "$want" ] && return 0; sleep 0.5; done
  die "$c: $* $path is $(q "$c" "$@" 2>/dev/null | jq -r "$path"), not $want"
}

step "$HK_CHAIN" "v1 leaves live state: a bill liened to an active financing, an open letter of credit"
BILL2=COS-COSU6385270160
tx $HK_CHAIN carrier cargo issue-bill --document "$(document COSU6385270160)" --issue-to "$EXPORTER" --endorsee "$EXPORTER" >/dev/null
wait_confirmed $HK_CHAIN $BILL2
INV2_HASH=$(printf 'Commercial invoice SHPE-2026-0419, HKD 400,000\n' | sha256sum | cut -c1-64)
tx $HK_CHAIN exporter cargo anchor-document "$INV2_HASH" COMMERCIAL_INVOICE >/dev/null
tx $HK_CHAIN exporter tradefinance register-invoice "$IMPORTER" SHPE-2026-0419 "400000$HKD" "$(date -u -d '+90 days' +%F)" "$INV2_HASH" \
   --bill-id $BILL2 >/dev/null
INV2=$(q $HK_CHAIN tradefinance invoice-by-fingerprint \
  "$("$BIN" q tradefinance fingerprint 529900SHPDPRECELE097 529900KWLNBAYCOMP043 SHPE-2026-0419 "400000$HKD")" | jq -r .invoice.id)
wait_for_value $HK_CHAIN .invoice.status INVOICE_STATUS_OPEN tradefinance invoice "$INV2"
tx $HK_CHAIN hkbank tradefinance offer-financing "$INV2" "300000$HKD" "310000$HKD" "$(date -u -d '+60 days' +%F)" >/dev/null
FIN=$(q $HK_CHAIN tradefinance financings | jq -r '.financings[-1].id')
tx $HK_CHAIN exporter tradefinance accept-financing "$FIN" >/dev/null
tx $HK_CHAIN hkbank tradefinance issue-lc "$IMPORTER" "$EXPORTER" "1000000$HKD" "$(date -u -d '+60 days' +%F)" "$TODAY" CNSHA HKHKG >/dev/null
log "bill $BILL2 lien: $(q $HK_CHAIN cargo bill $BILL2 | jq -r .bill.lien.reference); financing $FIN $(q $HK_CHAIN tradefinance financing "$FIN" | jq -r .financing.status); LCs: $(q $HK_CHAIN tradefinance lcs | jq -r '[.letters_of_credit[] | "\(.id) \(.status)"] | join(", ")')"
log "$SH_CHAIN keeps v1's tombstone of $DEMO_BILL: $(q $SH_CHAIN cargo bill $DEMO_BILL | jq -c '.bill | {status, holder}')"

step "$HK_CHAIN" "grow to four validators (v1's x/staking)"
NODE0=$(zone_home $HK_CHAIN)
PEER=$("$V1_BIN" comet show-node-id --home "$NODE0")@127.0.0.1:$HK_P2P
HK_HOMES=("$NODE0") HK_RPCS=("$HK_RPC")
node_rpc() { echo $((27001 + 10 * $1)); }
start_node() {  # HOME NAME [extra start flags]: start a node under cosmovisor, appending to its log
  local home=$1 name=$2; shift 2
  "$WRAP" start --home "$home" "$@" >> "$LOCALNET/$name.log" 2>&1 &
  record_pid "$name" $!
}
for i in 1 2 3; do
  home=$LOCALNET/hk-node$i base=$((27000 + 10 * i))
  "$V1_BIN" init "hk-node$i" --chain-id $HK_CHAIN --home "$home" >/dev/null 2>&1
  cp "$NODE0/config/genesis.json" "$home/config/genesis.json"
  sed -i -e "s#^laddr = \"tcp://0.0.0.0:26656\"#laddr = \"tcp://127.0.0.1:$base\"#" \
         -e "s#^laddr = \"tcp://127.0.0.1:26657\"#laddr = \"tcp://127.0.0.1:$((base + 1))\"#" \
         -e "s#^proxy_app = .*#proxy_app = \"tcp://127.0.0.1:$((base + 2))\"#" \
         -e "s#^pprof_laddr = .*#pprof_laddr = \"\"#" \
         -e "s#^prometheus_listen_addr = .*#prometheus_listen_addr = \"127.0.0.1:$((base + 5))\"#" \
         -e "s#^persistent_peers = .*#persistent_peers = \"$PEER\"#" \
         -e "s#^timeout_commit = .*#timeout_commit = \"1s\"#" \
         -e 's/^allow_duplicate_ip = .*/allow_duplicate_ip = true/' -e 's/^addr_book_strict = .*/addr_book_strict = false/' "$home/config/config.toml"
  sed -i -e "s#^address = \"tcp://[0-9.]*:1317\"#address = \"tcp://127.0.0.1:$((base + 4))\"#" \
         -e "s#^address = \"[0-9.]*:9090\"#address = \"127.0.0.1:$((base + 3))\"#" "$home/config/app.toml"
  # node1 checks every registered invariant in every block, before and after the upgrade.
  extra=(); [ $i = 1 ] && extra=(--inv-check-period 1)
  start_node "$home" "hk-node$i" "${extra[@]}"
  HK_HOMES+=("$home") HK_RPCS+=("$((base + 1))")
  "$V1_BIN" keys add "op$i" $KR --home "$NODE0" >/dev/null 2>&1
  op=$("$V1_BIN" keys show "op$i" -a $KR --home "$NODE0")
  tx $HK_CHAIN admin cargo register-party "$op" "VAL$i" "Validator operator $i" HK TRADER >/dev/null
  tx $HK_CHAIN validator bank send validator "$op" 101000000000utrade >/dev/null
  for _ in $(seq 1 240); do
    [ "$(curl -sf "http://127.0.0.1:$((base + 1))/status" | jq -r .result.sync_info.catching_up 2>/dev/null)" = false ] && break; sleep 0.5
  done
  cat > "$UP/validator$i.json" <<JSON
{"pubkey": $("$V1_BIN" comet show-validator --home "$home"), "amount": "100000000000utrade", "moniker": "hk-node$i",
 "commission-rate": "0.10", "commission-max-rate": "0.20", "commission-max-change-rate": "0.01", "min-self-delegation": "1"}
JSON
  tx $HK_CHAIN "op$i" staking create-validator "$UP/validator$i.json" >/dev/null
done
for _ in $(seq 1 60); do [ "$(curl -sf "http://127.0.0.1:$HK_RPC/validators" | jq -r .result.total)" = 4 ] && break; sleep 0.5; done
[ "$(curl -sf "http://127.0.0.1:$HK_RPC/validators" | jq -r .result.total)" = 4 ] || die "$HK_CHAIN did not reach four validators"
log "$HK_CHAIN validators: $(curl -sf "http://127.0.0.1:$HK_RPC/validators" | jq -r '[.result.validators[] | .voting_power] | join(" ")') (voting power)"

step "$HK_CHAIN" "v1's open staking: a party and a funded investor delegate to two of the validators"
valoper() { "$V1_BIN" keys show "$1" --bech val -a $KR --home "$NODE0"; }
OP1_VAL=$(valoper op1) OP2_VAL=$(valoper op2) OP2_ACC=$("$V1_BIN" keys show op2 -a $KR --home "$NODE0")
"$V1_BIN" keys add investor $KR --home "$NODE0" >/dev/null 2>&1
INVESTOR=$("$V1_BIN" keys show investor -a $KR --home "$NODE0")
tx $HK_CHAIN admin cargo register-party "$INVESTOR" INV1 "Corridor investor" HK TRADER >/dev/null
tx $HK_CHAIN validator bank send validator "$INVESTOR" 10001000000utrade >/dev/null
tx $HK_CHAIN importer staking delegate "$OP1_VAL" 20000000000utrade >/dev/null
tx $HK_CHAIN investor staking delegate "$OP2_VAL" 10000000000utrade >/dev/null
delegation() {  # DELEGATOR VALOPER -> utrade delegated (0 if none)
  q $HK_CHAIN staking delegation "$1" "$2" 2>/dev/null | jq -r '.delegation_response.balance.amount // "0"' || echo 0
}
log "importer → op1: $(delegation "$IMPORTER" "$OP1_VAL")utrade; investor → op2: $(delegation "$INVESTOR" "$OP2_VAL")utrade; voting power: $(curl -sf "http://127.0.0.1:$HK_RPC/validators" | jq -r '[.result.validators[] | .voting_power] | join(" ")')"

# upgrade NAME OLD-BIN NEW-BIN NEW-VERSION : governance passes MsgSoftwareUpgrade
# NAME on both zones (the current CLI); every node halts at its height and
# cosmovisor switches it to upgrades/NAME/bin; the state the old binary left
# is exported to $UP/ZONE-before-NAME.json; every node restarts on the new
# binary, which applies NAME at that height.
height() { curl -sf "http://127.0.0.1:$(rpc_port "$1")/status" | jq -r .result.sync_info.latest_block_height; }
declare -A UPGRADE_HEIGHT VOTERS=([$HK_CHAIN]="validator op1 op2 op3" [$SH_CHAIN]="validator")
ALL_HOMES=("${HK_HOMES[@]}" "$(zone_home $SH_CHAIN)")
upgrade() {
  local name=$1 old=$2 new=$3 version=$4 Z id alive applied
  step "both zones" "governance passes MsgSoftwareUpgrade $name"
  for Z in $HK_CHAIN $SH_CHAIN; do
    UPGRADE_HEIGHT[$Z]=$(( $(height $Z) + 40 ))
    tx $Z validator upgrade software-upgrade "$name" --upgrade-height "${UPGRADE_HEIGHT[$Z]}" --no-validate \
       --title "Upgrade $Z to $name" --summary "tradechain $name: see app/upgrades.go" --deposit 10000000utrade >/dev/null
    id=$(q $Z gov proposals | jq -r '.proposals[-1].id')
    for v in ${VOTERS[$Z]}; do tx $Z "$v" gov vote "$id" yes >/dev/null; done
    log "$Z: proposal $id, upgrade at height ${UPGRADE_HEIGHT[$Z]}, voted yes by ${VOTERS[$Z]}"
  done
  for Z in $HK_CHAIN $SH_CHAIN; do
    id=$(q $Z gov proposals | jq -r '.proposals[-1].id')
    for _ in $(seq 1 120); do [ "$(q $Z gov proposal "$id" | jq -r .proposal.status)" = PROPOSAL_STATUS_PASSED ] && break; sleep 0.5; done
    [ "$(q $Z gov proposal "$id" | jq -r .proposal.status)" = PROPOSAL_STATUS_PASSED ] || die "$Z: the $name proposal did not pass"
    log "$Z: passed; plan $(q $Z upgrade plan | jq -c '.plan | {name, height}')"
  done

  step "both zones" "every node halts at the upgrade height; cosmovisor switches it to upgrades/$name/bin"
  for _ in $(seq 1 240); do
    alive=0
    while read -r pid pname; do [ "$pname" = rly ] || ! kill -0 "$pid" 2>/dev/null || alive=$((alive + 1)); done < "$LOCALNET/pids"
    [ $alive = 0 ] && break; sleep 0.5
  done
  [ $alive = 0 ] || die "$alive nodes are still running after the $name upgrade height"
  for home in "${ALL_HOMES[@]}"; do
    [ "$(readlink -f "$home/cosmovisor/current")" = "$(readlink -f "$home/cosmovisor/upgrades/$name")" ] || die "cosmovisor did not switch $home to $name"
    [ "$(jq -r .name "$home/data/upgrade-info.json")" = "$name" ] || die "$home has no upgrade-info.json for $name"
  done
  log "halted: $HK_CHAIN at ${UPGRADE_HEIGHT[$HK_CHAIN]} (4 nodes), $SH_CHAIN at ${UPGRADE_HEIGHT[$SH_CHAIN]}; $(plain "$LOCALNET/$HK_CHAIN.log" | grep -o "UPGRADE \"$name\" NEEDED at height: [0-9]*" | head -1)"
  "$old" export --home "$NODE0" --output-document "$UP/$HK_CHAIN-before-$name.json" 2>/dev/null
  "$old" export --home "$(zone_home $SH_CHAIN)" --output-document "$UP/$SH_CHAIN-before-$name.json" 2>/dev/null
  log "exported the state the old binary left: $HK_CHAIN at height $(jq -r .initial_height "$UP/$HK_CHAIN-before-$name.json"), $SH_CHAIN at $(jq -r .initial_height "$UP/$SH_CHAIN-before-$name.json")"

  step "both zones" "restart under cosmovisor: the $name binary applies the upgrade and blocks continue"
  sed -i '/ hongkong-1$\| shanghai-1$\| hk-node[0-9]$/d' "$LOCALNET/pids"
  start_node "$NODE0" $HK_CHAIN
  for i in 1 2 3; do extra=(); [ $i = 1 ] && extra=(--inv-check-period 1); start_node "${HK_HOMES[$i]}" "hk-node$i" "${extra[@]}"; done
  start_node "$(zone_home $SH_CHAIN)" $SH_CHAIN
  BIN=$new   # the new CLI from here on
  wait_height $HK_CHAIN $(( UPGRADE_HEIGHT[$HK_CHAIN] + 3 ))
  wait_height $SH_CHAIN $(( UPGRADE_HEIGHT[$SH_CHAIN] + 3 ))
  for Z in $HK_CHAIN $SH_CHAIN; do
    applied=$(q $Z upgrade applied "$name" | jq -r '.height // .header.height')
    [ "$applied" = "${UPGRADE_HEIGHT[$Z]}" ] || die "$Z: $name applied at $applied, not ${UPGRADE_HEIGHT[$Z]}"
    [ "$(curl -sf "http://127.0.0.1:$(rpc_port $Z)/abci_info" | jq -r .result.response.version)" = "$version" ] || die "$Z does not run $version"
    log "$Z: $name applied at $applied; the node runs $version; module versions: $(q $Z upgrade module-versions | jq -r '[.module_versions[] | select(.name == "cargo" or .name == "tradefinance") | "\(.name) \(.version)"] | join(", ")')"
  done
  for i in 0 1 2 3; do
    [ "$(curl -sf "http://127.0.0.1:${HK_RPCS[$i]}/abci_info" | jq -r .result.response.version)" = "$version" ] || die "hk node$i does not run $version"
  done
}

upgrade v2 "$V1_BIN" "$V2_BIN" "$V2_VERSION"
for Z in $HK_CHAIN $SH_CHAIN; do
  n=$(plain "$LOCALNET/$Z.log" | grep -o 'x/cargo migration 1→2: tombstones rewritten.*count=[0-9]*' | tail -1 | grep -o '[0-9]*$')
  [ -n "$n" ] || die "$Z: no x/cargo migration in its log"
  log "$Z: the x/cargo migration 1→2 rewrote $n tombstone(s)"
done
q $SH_CHAIN cargo bill $DEMO_BILL | jq -e --arg e "$EXPORTER" '.bill | .holder == "" and .departed_holder == $e and .control_zone == "hongkong-1"' >/dev/null \
  || die "$SH_CHAIN: the v1 tombstone of $DEMO_BILL was not migrated: $(q $SH_CHAIN cargo bill $DEMO_BILL | jq -c .bill)"
log "$SH_CHAIN: v1's tombstone of $DEMO_BILL now reads $(q $SH_CHAIN cargo bill $DEMO_BILL | jq -c '.bill | {status, holder, departed_holder, control_zone}')"
q $HK_CHAIN auth module-account cargo | jq -e '.account.value.permissions // .account.permissions | index("minter")' >/dev/null \
  || die "$HK_CHAIN: the cargo module account has no minter permission: $(q $HK_CHAIN auth module-account cargo)"
err=$(tx_expect_fail $HK_CHAIN importer staking unbond "$OP1_VAL" 1000000utrade)
echo "$err" | grep -q 'closed on this zone' || die "v2 should refuse the v1 delegator's undelegation: $err"
log "v2 froze v1's delegations — the importer's undelegation is refused: ${err:0:90}…"

upgrade v3 "$V2_BIN" "$V3_BIN" "$V3_VERSION"

step "both zones" "every bill, LC, lien, financing and history chain is as before (exports compared across both upgrades)"
# The export of a stopped node. hongkong-1 goes on with three of its four
# validators while node3 exports; shanghai-1 pauses while its validator does.
export_running() {  # CHAIN HOME NAME [start flags]
  local c=$1 home=$2 name=$3; shift 3
  local pid; pid=$(awk -v n="$name" '$2 == n {print $1}' "$LOCALNET/pids" | tail -1)
  for child in $(pgrep -P "$pid"); do kill "$child"; done
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  sed -i "/ $name\$/d" "$LOCALNET/pids"
  "$V3_BIN" export --home "$home" --output-document "$UP/$c-v3.json" 2>/dev/null
  start_node "$home" "$name" "$@"
  # The zone answers again (shanghai-1's only validator was the one stopped).
  wait_height "$c" "$(jq -r .initial_height "$UP/$c-v3.json")"
}
export_running $HK_CHAIN "${HK_HOMES[3]}" hk-node3
export_running $SH_CHAIN "$(zone_home $SH_CHAIN)" $SH_CHAIN
# Compared: x/cargo and x/tradefinance, and the deposit tokens' balances.
# Fields a later release added are left out where empty. REWRITE is what an
# upgrade's migrations did to the records: v2 rewrote v1's TRANSFERRED_OUT
# tombstones (holder → departed_holder, control_zone); v3 re-keyed the corridor
# registry by identity (x/cargo 2→3, x/tradefinance 1→2): BILL and INVOICE
# keys and invoice fingerprints are left out on both sides ("v3", "v3-after")
# and checked against the CLI's offline computation below.
normalize() {  # FILE OTHER-ZONE REWRITE(none|v2|v3)
  jq -S --arg other "$2" --arg rewrite "$3" '
    def clean: walk(if type == "object" then with_entries(select(.value != null and .value != "" and .value != "0" and .value != 0 and .value != [] and .value != {} and .value != false)) else . end);
    # x/cargo 2→3 splits the document anchors: the transport document of a bill
    # (TRANSPORT_DOCUMENT, anchored by the carrier of the bill it names, one of
    # the hashes of that bill) stays in documents; every other anchor becomes
    # the anchoring party own, in anchors, with one ANCHOR event.
    def split_anchors:
      (.bills // []) as $bills | (.history // []) as $history
      | def billsown($d): $d.doc_type == "TRANSPORT_DOCUMENT" and ($d.bill_id // "") != ""
          and any($bills[]; .id == $d.bill_id and .carrier == $d.anchored_by
                  and (.document_hash == $d.hash or any($history[]; .bill_id == $d.bill_id and .document_hash == $d.hash)));
        (.documents // []) as $docs
      | .documents = [$docs[] | select(billsown(.))]
      | .anchors = ((.anchors // []) + [$docs[] | select(billsown(.) | not)
                    | . + {history: [{action: "ANCHOR", doc_type, bill_id, height, time: .anchored_at}]}]
                   | sort_by(.hash, .anchored_by));
    .app_state
    | if $rewrite == "v2" then
        .cargo.bills |= map(if .status == "BILL_STATUS_TRANSFERRED_OUT" and (.holder // "") != ""
                            then .departed_holder = .holder | .holder = "" | .control_zone = $other else . end)
      else . end
    | if $rewrite == "v3" then .cargo |= split_anchors else . end
    | if $rewrite == "v3" or $rewrite == "v3-after" then
        .cargo.registry_keys |= map(select(.kind != "KEY_KIND_BILL" and .kind != "KEY_KIND_INVOICE"))
        | .tradefinance.invoices |= map(del(.fingerprint))
      else . end
    | {cargo, tradefinance, deposits: [.bank.balances[] | {address, coins: [.coins[] | select(.denom | startswith("td-") or startswith("ibc/"))]}
                                       | select(.coins | length > 0)]}
    | clean' "$1"
}
compare() {  # ZONE BEFORE AFTER REWRITE LABEL
  local Z=$1 other; other=$([ "$1" = $HK_CHAIN ] && echo $SH_CHAIN || echo $HK_CHAIN)
  normalize "$2" "$other" "$4" > "$2.norm"
  normalize "$3" "$other" "$([ "$4" = v3 ] && echo v3-after || echo none)" > "$3.norm"
  if ! diff -u "$2.norm" "$3.norm" > "$UP/$Z-$5.diff"; then
    head -40 "$UP/$Z-$5.diff"; die "$Z: the state after $5 differs from the state before (full diff: $UP/$Z-$5.diff)"
  fi
  jq -r --arg z "$Z" --arg u "$5" '"  [\($z)] \($u) identical: \(.cargo.bills | length) bills (\([.cargo.bills[] | select(.lien)] | length) liened, \([.cargo.bills[] | select(.status == "BILL_STATUS_TRANSFERRED_OUT")] | length) tombstones), \(.cargo.history | length) history entries, \(.tradefinance.letters_of_credit // [] | length) LCs, \(.tradefinance.financings // [] | length) financings, \(.tradefinance.invoices // [] | length) invoices, \(.deposits | length) deposit holders"' "$3.norm"
}
for Z in $HK_CHAIN $SH_CHAIN; do
  compare $Z "$UP/$Z-before-v2.json" "$UP/$Z-before-v3.json" v2 "v1→v2"
  compare $Z "$UP/$Z-before-v3.json" "$UP/$Z-v3.json" v3 "v2→v3"
done
for Z in $HK_CHAIN $SH_CHAIN; do
  # v3 keyed every invoice by its identity (seller, buyer, number; no amount)
  # as the CLI computes it offline; v1's state had no duplicate by meaning.
  while read -r id seller buyer fp number; do
    want=$("$BIN" q tradefinance fingerprint "$(q $Z cargo party "$seller" | jq -r .party.lei)" "$(q $Z cargo party "$buyer" | jq -r .party.lei)" "$number")
    [ "$fp" = "$want" ] || die "$Z: invoice $id was not re-keyed by identity ($fp, want $want)"
    [ "$(q $Z cargo registry-key "$fp" | jq -r '.keys[0].reference')" = "$id" ] || die "$Z: no registry key $fp for invoice $id"
  done < <(q $Z tradefinance invoices | jq -r '.invoices[] | "\(.id) \(.seller) \(.buyer) \(.fingerprint) \(.number)"')
  [ "$(q $Z cargo registry-collisions | jq '.collisions | length')" = 0 ] || die "$Z: the v3 upgrade found collisions: $(q $Z cargo registry-collisions)"
  log "$Z: v3 re-keyed $(q $Z tradefinance invoices | jq '.invoices | length') invoice(s) by identity; $(q $Z cargo registry-pending | jq '.keys | length') reservation(s) pending; no collision"
done

step "$HK_CHAIN" "v3: v1's delegators get their stake back; operators' self-bonds stay the authority's"
ubd_entries() {  # DELEGATOR VALOPER -> the unbonding entries' balances, or nothing
  q $HK_CHAIN staking unbonding-delegation "$1" "$2" 2>/dev/null | jq -r '[.unbond.entries[]?.balance] | join(" ")' || true
}
tx $HK_CHAIN importer staking unbond "$OP1_VAL" 5000000000utrade >/dev/null
[ "$(ubd_entries "$IMPORTER" "$OP1_VAL")" = 5000000000 ] || die "the importer has no unbonding entry of 5000000000utrade with op1: $(ubd_entries "$IMPORTER" "$OP1_VAL")"
[ "$(delegation "$IMPORTER" "$OP1_VAL")" = 15000000000 ] || die "the importer's delegation to op1 is $(delegation "$IMPORTER" "$OP1_VAL"), not 15000000000"
log "the importer (a party) undelegated 5000000000utrade from op1: unbonding until $(q $HK_CHAIN staking unbonding-delegation "$IMPORTER" "$OP1_VAL" | jq -r '.unbond.entries[0].completion_time'); 15000000000utrade stay delegated"
err=$(tx_expect_fail $HK_CHAIN op1 staking unbond "$OP1_VAL" 1000000utrade)
echo "$err" | grep -q "self-bond is the zone authority's" || die "op1's undelegation of its self-bond should be refused: $err"
log "op1 may not unbond its own self-bond: ${err:0:100}…"
err=$(tx_expect_fail $HK_CHAIN importer staking delegate "$OP1_VAL" 1000000utrade)
echo "$err" | grep -q 'closed on this zone' || die "a delegation should be refused: $err"
log "delegating stays closed: ${err:0:80}…"

step "$HK_CHAIN" "v3: the authority removes op2, whose delegator the zone no longer admits"
tx $HK_CHAIN admin cargo update-party "$INVESTOR" INV1 "Corridor investor" HK TRADER --deactivate >/dev/null
err=$(tx_expect_fail $HK_CHAIN investor staking unbond "$OP2_VAL" 1000000utrade)
echo "$err" | grep -q 'inactive\|not admitted\|not a registered party' || die "the deactivated investor should not be admitted: $err"
log "the investor is deactivated; its own undelegation is refused: ${err:0:90}…"
OP2_CONS=$(jq -r .pub_key.value "${HK_HOMES[2]}/config/priv_validator_key.json")
tx $HK_CHAIN admin cargo set-validator-power "$OP2_VAL" 0 >/dev/null
for _ in $(seq 1 20); do
  [ "$(curl -sf "http://127.0.0.1:$HK_RPC/validators" | jq -r .result.total)" = 3 ] && break; sleep 0.5
done
curl -sf "http://127.0.0.1:$HK_RPC/validators" | jq -e --arg k "$OP2_CONS" '.result.total == "3" and ([.result.validators[] | select(.pub_key.value == $k)] | length == 0)' >/dev/null \
  || die "op2 is still in CometBFT's set: $(curl -sf "http://127.0.0.1:$HK_RPC/validators" | jq -c '.result.validators')"
[ "$(ubd_entries "$INVESTOR" "$OP2_VAL")" = 10000000000 ] || die "the investor's stake was not unbonded: $(ubd_entries "$INVESTOR" "$OP2_VAL")"
[ "$(ubd_entries "$OP2_ACC" "$OP2_VAL")" = 100000000000 ] || die "op2's self-bond was not unbonded: $(ubd_entries "$OP2_ACC" "$OP2_VAL")"
[ "$(q $HK_CHAIN staking delegations-to "$OP2_VAL" | jq -r '.delegation_responses | length')" = 0 ] || die "delegations to op2 remain"
log "op2 left CometBFT's set ($(curl -sf "http://127.0.0.1:$HK_RPC/validators" | jq -r '[.result.validators[] | .voting_power] | join(" ")') voting power); unbonding: investor $(ubd_entries "$INVESTOR" "$OP2_VAL")utrade, op2 $(ubd_entries "$OP2_ACC" "$OP2_VAL")utrade; op2 is $(q $HK_CHAIN staking validator "$OP2_VAL" | jq -r '(.validator // .) | "\(.status), jailed \(.jailed // false)"')"
wait_height $HK_CHAIN $(( $(height $HK_CHAIN) + 3 ))

step "$HK_CHAIN → $SH_CHAIN" "after the upgrades: a new bill and an ICS-20 transfer cross the corridor"
BILL3=COS-COSU6385270170
tx $HK_CHAIN carrier cargo issue-bill --document "$(document COSU6385270170)" --issue-to "$EXPORTER" --endorsee "$EXPORTER" \
   --remark "issued on v3" >/dev/null
wait_confirmed $HK_CHAIN $BILL3
tx $HK_CHAIN exporter cargo send-bill $BILL3 "$HK_CARGO" "$EXPORTER" >/dev/null
wait_for_value $SH_CHAIN .location LOCAL cargo location $BILL3
wait_for_value $HK_CHAIN .bill.control_zone $SH_CHAIN cargo bill $BILL3
log "$BILL3 is live on $SH_CHAIN; $HK_CHAIN's tombstone: $(q $HK_CHAIN cargo bill $BILL3 | jq -c '.bill | {status, holder, departed_holder, control_zone}')"
voucher=ibc/$(printf 'transfer/%s/utrade' "$(channel_of $SH_CHAIN transfer)" | sha256sum | cut -c1-64 | tr a-f A-F)
before=$(balance $SH_CHAIN "$IMPORTER" "$voucher")
tx $HK_CHAIN importer ibc-transfer transfer transfer "$HK_TRANSFER" "$IMPORTER" 4242utrade >/dev/null
for _ in $(seq 1 120); do [ "$(balance $SH_CHAIN "$IMPORTER" "$voucher")" = $((before + 4242)) ] && break; sleep 0.5; done
[ "$(balance $SH_CHAIN "$IMPORTER" "$voucher")" = $((before + 4242)) ] || die "the ICS-20 transfer did not arrive on $SH_CHAIN"
log "ICS-20: 4242utrade arrived on $SH_CHAIN as $voucher (balance $before → $(balance $SH_CHAIN "$IMPORTER" "$voucher"))"
# The v1 bill's chain of title, as v3 serves it (a v3 query over v1's history).
log "$HK_CHAIN: endorsement chain of $DEMO_BILL: $(q $HK_CHAIN cargo endorsement-chain $DEMO_BILL | jq -r '[.entries[] | "\(.action)@\(.zone)"] | join(" → ")'), complete=$(q $HK_CHAIN cargo endorsement-chain $DEMO_BILL | jq -r .complete)"
# node1 checked every invariant in every block since it started (a broken
# one halts it): it is still running and at the zone's height.
h1=$(curl -sf "http://127.0.0.1:${HK_RPCS[1]}/status" | jq -r .result.sync_info.latest_block_height)
[ "$h1" -gt "${UPGRADE_HEIGHT[$HK_CHAIN]}" ] || die "hk node1 (invariants every block) stopped at $h1"
! plain "$LOCALNET/hk-node1.log" | grep -q 'invariant broken' || die "an invariant broke: see $LOCALNET/hk-node1.log"
log "hk node1 checked every invariant in every block up to height $h1: none broken"

step upgrade "rehearsal passed in $(( $(date +%s) - start ))s"
