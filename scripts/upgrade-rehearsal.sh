#!/usr/bin/env bash
# The v2 upgrade rehearsed on real processes (make test-upgrade):
#  1. build the previous release (v1.0.0, from its commit) beside this one;
#  2. play v1's own corridor demo on v1 binaries started by cosmovisor, then
#     leave live state behind on hongkong-1: a second bill liened to an
#     active financing and an open letter of credit;
#  3. grow hongkong-1 to four validators (v1's staking);
#  4. pass a MsgSoftwareUpgrade "v2" through governance on both zones;
#  5. every node halts at the height and cosmovisor switches it to
#     cosmovisor/upgrades/v2/bin; export the state as v1 left it; restart;
#  6. blocks continue on the new binary (one node checks every invariant each
#     block), the exports after the upgrade equal the ones before (up to the
#     migration's rewrite of tombstones), and a bill and an ICS-20 transfer
#     cross the corridor through the upgraded zones.
# Everything runs on loopback; only processes this script started are stopped.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UP=${UPGRADE_DIR:-$ROOT/.upgrade}
export LOCALNET=$UP/ln
source "$ROOT/scripts/lib.sh"

# The previous release: the corridor with the registry, holds and admission.
PREV_VERSION=v1.0.0
PREV_COMMIT=5ede12df47c3d667c7d5cfab1e51bb12b62f7710
V1_BIN=$UP/v1/bin/tradechaind
V2_BIN=$ROOT/bin/tradechaind
CV=$ROOT/bin/cosmovisor
WRAP=$UP/v1/tradechaind-cosmovisor
start=$(date +%s)

[ -x "$V2_BIN" ] && [ -x "$CV" ] && [ -x "$RLY" ] || die "make build rly cosmovisor first (make test-upgrade does)"

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
rm -rf "$UP" && mkdir -p "$UP/v1/bin" "$LOCALNET"

step build "$PREV_VERSION from $PREV_COMMIT"
git -C "$ROOT" cat-file -e "$PREV_COMMIT^{commit}" 2>/dev/null \
  || die "commit $PREV_COMMIT ($PREV_VERSION) is not in this clone: fetch the full history (git fetch --unshallow)"
mkdir -p "$UP/v1/src"
git -C "$ROOT" archive "$PREV_COMMIT" | tar -x -C "$UP/v1/src"
(cd "$UP/v1/src" && go build -ldflags "-X github.com/cosmos/cosmos-sdk/version.Name=tradechain \
   -X github.com/cosmos/cosmos-sdk/version.AppName=tradechaind -X github.com/cosmos/cosmos-sdk/version.Version=$PREV_VERSION \
   -X github.com/cosmos/cosmos-sdk/version.Commit=$PREV_COMMIT" -o "$V1_BIN" ./cmd/tradechaind)
V2_VERSION=$("$V2_BIN" version 2>&1)
log "v1: $("$V1_BIN" version 2>&1)   v2: $V2_VERSION   cosmovisor: $(DAEMON_HOME=/tmp DAEMON_NAME=x "$CV" version --cosmovisor-only 2>&1 | head -1)"

# v1's scripts start nodes with "$BIN start --home H": this wrapper runs that
# under cosmovisor with DAEMON_HOME=H, the v1 binary as genesis and the v2
# binary placed ahead of time as the "v2" upgrade; any other command is v1's.
# cosmovisor exits after switching (DAEMON_RESTART_AFTER_UPGRADE=false) so the
# state v1 left can be exported before the new binary migrates it.
cat > "$WRAP" <<WRAPPER
#!/usr/bin/env bash
if [ "\${1:-}" = start ]; then
  home= prev=
  for a in "\$@"; do [ "\$prev" = --home ] && home=\$a; prev=\$a; done
  [ -n "\$home" ] || { echo "start needs --home" >&2; exit 1; }
  mkdir -p "\$home/cosmovisor/genesis/bin" "\$home/cosmovisor/upgrades/v2/bin"
  [ -x "\$home/cosmovisor/genesis/bin/tradechaind" ] || cp "$V1_BIN" "\$home/cosmovisor/genesis/bin/tradechaind"
  [ -x "\$home/cosmovisor/upgrades/v2/bin/tradechaind" ] || cp "$V2_BIN" "\$home/cosmovisor/upgrades/v2/bin/tradechaind"
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

step "both zones" "governance passes MsgSoftwareUpgrade v2 (v1's CLI)"
height() { curl -sf "http://127.0.0.1:$(rpc_port "$1")/status" | jq -r .result.sync_info.latest_block_height; }
declare -A UPGRADE_HEIGHT VOTERS=([$HK_CHAIN]="validator op1 op2 op3" [$SH_CHAIN]="validator")
for Z in $HK_CHAIN $SH_CHAIN; do
  UPGRADE_HEIGHT[$Z]=$(( $(height $Z) + 40 ))
  tx $Z validator upgrade software-upgrade v2 --upgrade-height "${UPGRADE_HEIGHT[$Z]}" --no-validate \
     --title "Upgrade $Z to v2" --summary "tradechain v2: see app/upgrades.go" --deposit 10000000utrade >/dev/null
  id=$(q $Z gov proposals | jq -r '.proposals[-1].id')
  for v in ${VOTERS[$Z]}; do tx $Z "$v" gov vote "$id" yes >/dev/null; done
  log "$Z: proposal $id, upgrade at height ${UPGRADE_HEIGHT[$Z]}, voted yes by ${VOTERS[$Z]}"
done
for Z in $HK_CHAIN $SH_CHAIN; do
  id=$(q $Z gov proposals | jq -r '.proposals[-1].id')
  for _ in $(seq 1 120); do [ "$(q $Z gov proposal "$id" | jq -r .proposal.status)" = PROPOSAL_STATUS_PASSED ] && break; sleep 0.5; done
  [ "$(q $Z gov proposal "$id" | jq -r .proposal.status)" = PROPOSAL_STATUS_PASSED ] || die "$Z: the upgrade proposal did not pass"
  log "$Z: passed; plan $(q $Z upgrade plan | jq -c '.plan | {name, height}')"
done

step "both zones" "every node halts at the upgrade height; cosmovisor switches it to upgrades/v2/bin"
ALL_HOMES=("${HK_HOMES[@]}" "$(zone_home $SH_CHAIN)")
for _ in $(seq 1 240); do
  alive=0
  while read -r pid name; do [ "$name" = rly ] || ! kill -0 "$pid" 2>/dev/null || alive=$((alive + 1)); done < "$LOCALNET/pids"
  [ $alive = 0 ] && break; sleep 0.5
done
[ $alive = 0 ] || die "$alive nodes are still running after the upgrade height"
for home in "${ALL_HOMES[@]}"; do
  [ "$(readlink -f "$home/cosmovisor/current")" = "$(readlink -f "$home/cosmovisor/upgrades/v2")" ] || die "cosmovisor did not switch $home"
  [ "$(jq -r .name "$home/data/upgrade-info.json")" = v2 ] || die "$home has no upgrade-info.json for v2"
done
log "halted: $HK_CHAIN at ${UPGRADE_HEIGHT[$HK_CHAIN]} (4 nodes), $SH_CHAIN at ${UPGRADE_HEIGHT[$SH_CHAIN]}; $(plain "$LOCALNET/$HK_CHAIN.log" | grep -o 'UPGRADE "v2" NEEDED at height: [0-9]*' | head -1)"
"$V1_BIN" export --home "$NODE0" --output-document "$UP/$HK_CHAIN-v1.json" 2>/dev/null
"$V1_BIN" export --home "$(zone_home $SH_CHAIN)" --output-document "$UP/$SH_CHAIN-v1.json" 2>/dev/null
log "exported the state v1 left: $HK_CHAIN at height $(jq -r .initial_height "$UP/$HK_CHAIN-v1.json"), $SH_CHAIN at $(jq -r .initial_height "$UP/$SH_CHAIN-v1.json")"

step "both zones" "restart under cosmovisor: the v2 binary runs the migration and blocks continue"
sed -i '/ hongkong-1$\| shanghai-1$\| hk-node[0-9]$/d' "$LOCALNET/pids"
start_node "$NODE0" $HK_CHAIN
for i in 1 2 3; do extra=(); [ $i = 1 ] && extra=(--inv-check-period 1); start_node "${HK_HOMES[$i]}" "hk-node$i" "${extra[@]}"; done
start_node "$(zone_home $SH_CHAIN)" $SH_CHAIN
BIN=$V2_BIN   # the new CLI from here on
wait_height $HK_CHAIN $(( UPGRADE_HEIGHT[$HK_CHAIN] + 3 ))
wait_height $SH_CHAIN $(( UPGRADE_HEIGHT[$SH_CHAIN] + 3 ))
for Z in $HK_CHAIN $SH_CHAIN; do
  applied=$(q $Z upgrade applied v2 | jq -r '.height // .header.height')
  [ "$applied" = "${UPGRADE_HEIGHT[$Z]}" ] || die "$Z: v2 applied at $applied, not ${UPGRADE_HEIGHT[$Z]}"
  [ "$(curl -sf "http://127.0.0.1:$(rpc_port $Z)/abci_info" | jq -r .result.response.version)" = "$V2_VERSION" ] || die "$Z does not run $V2_VERSION"
  log "$Z: v2 applied at $applied; the node runs $V2_VERSION; x/cargo at consensus version $(q $Z upgrade module-versions cargo | jq -r '.module_versions[0].version')"
done
for i in 0 1 2 3; do
  [ "$(curl -sf "http://127.0.0.1:${HK_RPCS[$i]}/abci_info" | jq -r .result.response.version)" = "$V2_VERSION" ] || die "hk node$i does not run v2"
done
for Z in $HK_CHAIN $SH_CHAIN; do
  n=$(plain "$LOCALNET/$Z.log" | grep -o 'x/cargo migration 1→2: tombstones rewritten.*count=[0-9]*' | tail -1 | grep -o '[0-9]*$')
  [ -n "$n" ] || die "$Z: no x/cargo migration in its log"
  log "$Z: the x/cargo migration 1→2 rewrote $n tombstone(s)"
done

step "both zones" "every bill, LC, lien, financing and history chain is as before (exports compared)"
# The export of a stopped node. hongkong-1 goes on with three of its four
# validators while node3 exports; shanghai-1 pauses while its validator does.
export_v2() {  # CHAIN HOME NAME [start flags]
  local c=$1 home=$2 name=$3; shift 3
  local pid; pid=$(awk -v n="$name" '$2 == n {print $1}' "$LOCALNET/pids" | tail -1)
  for child in $(pgrep -P "$pid"); do kill "$child"; done
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  sed -i "/ $name\$/d" "$LOCALNET/pids"
  "$V2_BIN" export --home "$home" --output-document "$UP/$c-v2.json" 2>/dev/null
  start_node "$home" "$name" "$@"
  # The zone answers again (shanghai-1's only validator was the one stopped).
  wait_height "$c" "$(jq -r .initial_height "$UP/$c-v2.json")"
}
export_v2 $HK_CHAIN "${HK_HOMES[3]}" hk-node3
export_v2 $SH_CHAIN "$(zone_home $SH_CHAIN)" $SH_CHAIN
# Compared: x/cargo and x/tradefinance, and the deposit tokens' balances.
# Fields v2 added are left out where empty; v1's TRANSFERRED_OUT tombstones
# are rewritten as the migration does (holder → departed_holder, control_zone).
# The registry is re-keyed by identity (x/cargo 2→3, x/tradefinance 1→2, run
# by the same plan): BILL and INVOICE keys and invoice fingerprints are left
# out here and checked against the CLI's offline computation below.
normalize() {  # FILE OTHER-ZONE MIGRATE(0|1)
  jq -S --arg other "$2" --argjson migrate "$3" '
    def clean: walk(if type == "object" then with_entries(select(.value != null and .value != "" and .value != [] and .value != {})) else . end);
    .app_state
    | .cargo.bills |= map(if $migrate == 1 and .status == "BILL_STATUS_TRANSFERRED_OUT" and (.holder // "") != ""
                          then .departed_holder = .holder | .holder = "" | .control_zone = $other else . end)
    | .cargo.registry_keys |= map(select(.kind != "KEY_KIND_BILL" and .kind != "KEY_KIND_INVOICE"))
    | .tradefinance.invoices |= map(del(.fingerprint))
    | {cargo, tradefinance, deposits: [.bank.balances[] | {address, coins: [.coins[] | select(.denom | startswith("td-") or startswith("ibc/"))]}
                                       | select(.coins | length > 0)]}
    | clean' "$1"
}
for Z in $HK_CHAIN $SH_CHAIN; do
  other=$([ $Z = $HK_CHAIN ] && echo $SH_CHAIN || echo $HK_CHAIN)
  normalize "$UP/$Z-v1.json" $other 1 > "$UP/$Z-v1.norm.json"
  normalize "$UP/$Z-v2.json" $other 0 > "$UP/$Z-v2.norm.json"
  if ! diff -u "$UP/$Z-v1.norm.json" "$UP/$Z-v2.norm.json" > "$UP/$Z-export.diff"; then
    head -40 "$UP/$Z-export.diff"; die "$Z: the state after the upgrade differs from v1's (full diff: $UP/$Z-export.diff)"
  fi
  jq -r --arg z $Z '"  [\($z)] identical: \(.cargo.bills | length) bills (\([.cargo.bills[] | select(.lien)] | length) liened, \([.cargo.bills[] | select(.status == "BILL_STATUS_TRANSFERRED_OUT")] | length) tombstones), \(.cargo.history | length) history entries, \(.tradefinance.letters_of_credit // [] | length) LCs, \(.tradefinance.financings // [] | length) financings, \(.tradefinance.invoices // [] | length) invoices, \(.deposits | length) deposit holders"' "$UP/$Z-v2.norm.json"
done
for Z in $HK_CHAIN $SH_CHAIN; do
  # Every invoice is keyed by its identity (seller, buyer, number; no amount)
  # as the CLI computes it offline, and v1's state had no duplicate by meaning.
  while read -r id seller buyer fp number; do
      want=$("$BIN" q tradefinance fingerprint "$(q $Z cargo party "$seller" | jq -r .party.lei)" "$(q $Z cargo party "$buyer" | jq -r .party.lei)" "$number")
      [ "$fp" = "$want" ] || die "$Z: invoice $id was not re-keyed by identity ($fp, want $want)"
      [ "$(q $Z cargo registry-key "$fp" | jq -r '.keys[0].reference')" = "$id" ] || die "$Z: no registry key $fp for invoice $id"
    done < <(q $Z tradefinance invoices | jq -r '.invoices[] | "\(.id) \(.seller) \(.buyer) \(.fingerprint) \(.number)"')
  [ "$(q $Z cargo registry-collisions | jq '.collisions | length')" = 0 ] || die "$Z: the upgrade found collisions: $(q $Z cargo registry-collisions)"
  log "$Z: invoices re-keyed by identity, $(q $Z cargo registry-pending | jq '.keys | length') reservation(s) pending, no collision"
done
q $SH_CHAIN cargo bill $DEMO_BILL | jq -e --arg e "$EXPORTER" '.bill | .holder == "" and .departed_holder == $e and .control_zone == "hongkong-1"' >/dev/null \
  || die "$SH_CHAIN: the v1 tombstone of $DEMO_BILL was not migrated: $(q $SH_CHAIN cargo bill $DEMO_BILL | jq -c .bill)"
log "$SH_CHAIN: v1's tombstone of $DEMO_BILL now reads $(q $SH_CHAIN cargo bill $DEMO_BILL | jq -c '.bill | {status, holder, departed_holder, control_zone}')"
q $HK_CHAIN auth module-account cargo | jq -e '.account.value.permissions // .account.permissions | index("minter")' >/dev/null \
  || die "$HK_CHAIN: the cargo module account has no minter permission: $(q $HK_CHAIN auth module-account cargo)"

step "$HK_CHAIN → $SH_CHAIN" "after the upgrade: a new bill and an ICS-20 transfer cross the corridor"
BILL3=COS-COSU6385270170
tx $HK_CHAIN carrier cargo issue-bill --document "$(document COSU6385270170)" --issue-to "$EXPORTER" --endorsee "$EXPORTER" \
   --remark "issued on v2" >/dev/null
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
# The v1 bill's chain of title, as v2 serves it (a v2 query over v1's history).
log "$HK_CHAIN: endorsement chain of $DEMO_BILL: $(q $HK_CHAIN cargo endorsement-chain $DEMO_BILL | jq -r '[.entries[] | "\(.action)@\(.zone)"] | join(" → ")'), complete=$(q $HK_CHAIN cargo endorsement-chain $DEMO_BILL | jq -r .complete)"
# node1 checked every invariant in every block since it started (a broken
# one halts it): it is still running and at the zone's height.
h1=$(curl -sf "http://127.0.0.1:${HK_RPCS[1]}/status" | jq -r .result.sync_info.latest_block_height)
[ "$h1" -gt "${UPGRADE_HEIGHT[$HK_CHAIN]}" ] || die "hk node1 (invariants every block) stopped at $h1"
! plain "$LOCALNET/hk-node1.log" | grep -q 'invariant broken' || die "an invariant broke: see $LOCALNET/hk-node1.log"
log "hk node1 checked every invariant in every block up to height $h1: none broken"

step upgrade "rehearsal passed in $(( $(date +%s) - start ))s"
