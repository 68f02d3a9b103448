#!/usr/bin/env bash
# make bench-ibc: real zones and rly on loopback. Issues N eBLs, each
# confirmed by the corridor registry (issue→confirmed: from broadcast to the
# bill's corridor status CONFIRMED), then sends the N eBLs over the cargo
# channel and N ICS-20 transfers, one at a time and alternating, and reports
# send→ack latency (from broadcast to the source's packet commitment being
# cleared by the acknowledgement) p50/p95 for each, and their ratios.
source "$(dirname "$0")/lib.sh"
N=${N:-20}
command -v bc >/dev/null || die "bc is required (apt-get install -y bc)"

cleanup() { [ "${KEEP:-0}" = 1 ] || "$ROOT/scripts/localnet.sh" stop; }
trap cleanup EXIT
"$ROOT/scripts/localnet.sh" start >/dev/null

EXPORTER=$(addr $SH_CHAIN exporter) CARRIER=$(addr $SH_CHAIN carrier) IMPORTER=$(addr $HK_CHAIN importer)
channel_of() { q "$1" ibc channel channels | jq -r --arg p "$2" '[.channels[] | select(.port_id==$p and .state=="STATE_OPEN")][0].channel_id'; }
SH_CARGO=$(channel_of $SH_CHAIN cargo) SH_TRANSFER=$(channel_of $SH_CHAIN transfer)
tx $SH_CHAIN admin cargo register-party "$CARRIER" COS "COSCO Shipping Lines" CN CARRIER >/dev/null
tx $SH_CHAIN admin cargo register-party "$EXPORTER" SHPE "Shanghai Pudong Precision Electronics" CN TRADER >/dev/null
tx $HK_CHAIN admin cargo register-party "$EXPORTER" SHPE "Shanghai Pudong Precision Electronics" CN TRADER >/dev/null
now() { date +%s.%N; }
log "issuing $N bills on $SH_CHAIN, each confirmed by the corridor registry on $HK_CHAIN"
: > "$LOCALNET/bench-registry.txt"
for i in $(seq 1 "$N"); do
  t0=$(now)
  tx $SH_CHAIN carrier cargo issue-bill --document <(jq --arg r "BENCH$i" '.transportDocumentReference = $r' "$ROOT/examples/ebl-shanghai-hongkong.json") \
     --issue-to "$EXPORTER" --endorsee "$EXPORTER" --issue-date "$(date -u +%F)" >/dev/null
  wait_confirmed $SH_CHAIN "COS-BENCH$i"
  echo "$(now) - $t0" | bc -l >> "$LOCALNET/bench-registry.txt"
  printf '.'
done
echo
seq_of() { echo "$1" | jq -r '[.events[] | select(.type=="send_packet") | .attributes[] | select(.key=="packet_sequence") | .value][0]'; }
acked() { # PORT CHANNEL SEQ : true once the source's packet commitment is gone
  ! curl -sf "$(zone_api $SH_CHAIN)/ibc/core/channel/v1/channels/$2/ports/$1/packet_commitments/$3" >/dev/null
}
measure() { # PORT CHANNEL TXJSON T0 -> seconds
  local s; s=$(seq_of "$3")
  for _ in $(seq 1 1200); do acked "$1" "$2" "$s" && break; sleep 0.05; done
  acked "$1" "$2" "$s" || die "packet $1/$2 #$s not acknowledged within 60s"
  echo "$(now) - $4" | bc -l
}

: > "$LOCALNET/bench-ebl.txt"; : > "$LOCALNET/bench-ics20.txt"
for i in $(seq 1 "$N"); do
  t0=$(now); res=$(tx $SH_CHAIN exporter cargo send-bill "COS-BENCH$i" "$SH_CARGO" "$EXPORTER")
  measure cargo "$SH_CARGO" "$res" "$t0" >> "$LOCALNET/bench-ebl.txt"
  t0=$(now); res=$(tx $SH_CHAIN exporter ibc-transfer transfer transfer "$SH_TRANSFER" "$IMPORTER" 1000utrade)
  measure transfer "$SH_TRANSFER" "$res" "$t0" >> "$LOCALNET/bench-ics20.txt"
  printf '.'
done
echo
pct() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int((NR*p+99)/100); if (i<1) i=1; printf "%.2f", a[i]}'; }
E50=$(pct "$LOCALNET/bench-ebl.txt" 50) E95=$(pct "$LOCALNET/bench-ebl.txt" 95)
R50=$(pct "$LOCALNET/bench-registry.txt" 50) R95=$(pct "$LOCALNET/bench-registry.txt" 95)
I50=$(pct "$LOCALNET/bench-ics20.txt" 50) I95=$(pct "$LOCALNET/bench-ics20.txt" 95)
printf '\nsend→ack over rly on loopback (%s transfers each, alternating):\n' "$N"
printf '  eBL (cargo, ICS-721)  p50 %ss  p95 %ss\n' "$E50" "$E95"
printf '  ICS-20 (transfer)     p50 %ss  p95 %ss\n' "$I50" "$I95"
printf '  issue→confirmed (registry) p50 %ss  p95 %ss\n' "$R50" "$R95"
printf '  ratio eBL/ICS-20      p50 %.2f  p95 %.2f   (target: eBL p95 <= 10 s and <= 1.2x ICS-20)\n' \
  "$(echo "$E50 / $I50" | bc -l)" "$(echo "$E95 / $I95" | bc -l)"
printf '  ratio registry/ICS-20 p50 %.2f  p95 %.2f   (target: one round trip, <= 1.2x ICS-20)\n' \
  "$(echo "$R50 / $I50" | bc -l)" "$(echo "$R95 / $I95" | bc -l)"
