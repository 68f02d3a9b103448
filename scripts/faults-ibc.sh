#!/usr/bin/env bash
# make test-faults (IBC part): both zones and rly on loopback.
#  1. Kill the relayer (SIGKILL) while N eBL transfers SH → HK are in flight,
#     restart it: every transfer completes (or is refunded) and I1 holds —
#     each bill is live on exactly one zone, the other holds at most a
#     TRANSFERRED_OUT tombstone — checked by querying both zones.
#  2. Stop the relayer past a transfer's timeout, restart it: the bill comes
#     back to its sender exactly once (one RETURN_TIMEOUT in its history) and never
#     appears on the destination.
# Only the PIDs this script starts (recorded in $LOCALNET/pids) are stopped.
set -euo pipefail
export LOCALNET=${LOCALNET:-$(cd "$(dirname "$0")/.." && pwd)/.localnet-faults}
. "$(dirname "$0")/lib.sh"
N=${N:-6}

cleanup() { stop_recorded; }
trap cleanup EXIT
trap "exit 130" INT TERM

"$ROOT/scripts/localnet.sh" start > "$LOCALNET.start.log" 2>&1 || { cat "$LOCALNET.start.log"; die "localnet did not start"; }
RLYH="$LOCALNET/rly"
rly_pid() { awk '$2=="rly"{print $1}' "$LOCALNET/pids" | tail -1; }
start_rly() { "$RLY" --home "$RLYH" start hk-sh --log-format json >> "$LOCALNET/rly.log" 2>&1 & record_pid rly $!; log "relayer started (pid $!)"; }
kill_rly() { local p; p=$(rly_pid); kill -9 "$p"; log "relayer killed with SIGKILL (pid $p)"; }

CARRIER=$(addr $SH_CHAIN carrier) EXPORTER=$(addr $SH_CHAIN exporter) IMPORTER=$(addr $HK_CHAIN importer)
for Z in $SH_CHAIN $HK_CHAIN; do
  tx $Z admin cargo register-party "$CARRIER" COS "COSCO Shipping Lines" CN CARRIER >/dev/null
  tx $Z admin cargo register-party "$EXPORTER" SHPE "Shanghai Pudong Precision Electronics" CN TRADER >/dev/null
  tx $Z admin cargo register-party "$IMPORTER" KBCT "Kowloon Bay Components Trading" HK TRADER >/dev/null
done
SH_CARGO=$(q $SH_CHAIN ibc channel channels | jq -r '[.channels[] | select(.port_id=="cargo" and .state=="STATE_OPEN")][0].channel_id')
log "cargo channel on $SH_CHAIN: $SH_CARGO"

issue() {  # REF -> bill id; a DCSA document with its own reference
  local doc="$LOCALNET/doc-$1.json"
  jq --arg r "$1" --arg d "$(date -u +%F)" '.transportDocumentReference = $r | .shippedOnBoardDate = $d | .transports.plannedDepartureDate = $d' \
    "$ROOT/examples/ebl-shanghai-hongkong.json" > "$doc"
  tx $SH_CHAIN carrier cargo issue-bill --document "$doc" --issue-to "$EXPORTER" --endorsee "$EXPORTER" >/dev/null
  wait_confirmed $SH_CHAIN "COS-$1"
  echo "COS-$1"
}
loc() { q "$1" cargo location "$2" 2>/dev/null | jq -r '.location // "ABSENT"' || echo ABSENT; }

# I1 across the zones: live on exactly one zone.
check_i1() {
  local b=$1 sh hk
  sh=$(loc $SH_CHAIN "$b"); hk=$(loc $HK_CHAIN "$b")
  case "$sh/$hk" in
    TRANSFERRED_OUT/LOCAL|LOCAL/ABSENT) echo "  $b: $SH_CHAIN=$sh $HK_CHAIN=$hk" ;;
    *) die "I1 broken or unsettled for $b: $SH_CHAIN=$sh $HK_CHAIN=$hk" ;;
  esac
}

step "1" "relayer killed while $N eBL transfers are in flight"
BILLS=()
for i in $(seq 1 "$N"); do BILLS+=("$(issue "FAULT$i$RANDOM")"); done
# send the bills one after the other; the relayer is killed half-way, while
# the packets of the first half are being relayed and before the rest are sent
half=$(( N / 2 ))
for k in "${!BILLS[@]}"; do
  tx $SH_CHAIN exporter cargo send-bill "${BILLS[$k]}" "$SH_CARGO" "$IMPORTER" >/dev/null
  if [ "$k" = $((half - 1)) ]; then kill_rly; fi
done
in_flight=0
for b in "${BILLS[@]}"; do [ "$(loc $SH_CHAIN "$b")" = IN_TRANSIT ] && in_flight=$((in_flight+1)); done
log "$in_flight of $N bills IN_TRANSIT on $SH_CHAIN with the relayer down"
sleep 5
start_rly
for _ in $(seq 1 120); do
  pending=0
  for b in "${BILLS[@]}"; do [ "$(loc $SH_CHAIN "$b")" = IN_TRANSIT ] && pending=$((pending+1)); done
  [ "$pending" = 0 ] && break; sleep 1
done
[ "$pending" = 0 ] || die "$pending transfers still in flight 120 s after the relayer restarted"
for b in "${BILLS[@]}"; do check_i1 "$b"; done
delivered=0; for b in "${BILLS[@]}"; do [ "$(loc $HK_CHAIN "$b")" = LOCAL ] && delivered=$((delivered+1)); done
log "after the restart: $delivered delivered, $((N-delivered)) refunded, none in flight, none live twice"

step "2" "relayer stopped past a transfer's timeout"
B=$(issue "TIMEOUT$RANDOM")
kill_rly
TIMEOUT_NS=$(( ($(date +%s) + 15) * 1000000000 ))
tx $SH_CHAIN exporter cargo send-bill "$B" "$SH_CARGO" "$IMPORTER" --timeout-timestamp "$TIMEOUT_NS" >/dev/null
log "$B sent with a 15 s timeout; $SH_CHAIN: $(loc $SH_CHAIN "$B")"
sleep 25
start_rly
for _ in $(seq 1 120); do [ "$(loc $SH_CHAIN "$B")" = LOCAL ] && break; sleep 1; done
[ "$(loc $SH_CHAIN "$B")" = LOCAL ] || die "$B was not refunded after the timeout"
[ "$(loc $HK_CHAIN "$B")" = ABSENT ] || die "$B appeared on $HK_CHAIN after its timeout"
holder=$(q $SH_CHAIN cargo bill "$B" | jq -r .bill.holder)
[ "$holder" = "$EXPORTER" ] || die "$B went back to $holder, not the exporter"
sleep 8   # let the relayer try everything it still has
returns=$(q $SH_CHAIN cargo history "$B" | jq '[.entries[] | select(.action=="RETURN_TIMEOUT")] | length')
[ "$returns" = 1 ] || die "$B was returned $returns times"
log "$B: back with the exporter on $SH_CHAIN, one RETURN_TIMEOUT in its history, absent on $HK_CHAIN"
check_i1 "$B"
printf '\nfaults-ibc: relayer SIGKILL with %s transfers in flight (%s IN_TRANSIT at the kill): all settled, I1 holds; timeout refund exactly once\n' "$N" "$in_flight"
