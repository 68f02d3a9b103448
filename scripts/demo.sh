#!/usr/bin/env bash
# The corridor demo: start both zones and the relayer (scripts/localnet.sh),
# then play the story step by step, printing on which zone each step happens.
# Exits 0 only if every check holds. The localnet is stopped at the end unless
# KEEP=1 is set.
source "$(dirname "$0")/lib.sh"

cleanup() { [ "${KEEP:-0}" = 1 ] || "$ROOT/scripts/localnet.sh" stop; }
trap cleanup EXIT

start=$(date +%s)
"$ROOT/scripts/localnet.sh" start

transfer_channel() {  # CHAIN -> channel id of the transfer port on that zone
  q "$1" ibc channel channels | jq -r '[.channels[] | select(.port_id=="transfer" and .state=="STATE_OPEN")][0].channel_id'
}

HK_TRANSFER=$(transfer_channel "$HK_CHAIN")
SH_TRANSFER=$(transfer_channel "$SH_CHAIN")

# --- ICS-20: utrade from Hong Kong to Shanghai -------------------------------
SENDER=$(addr "$HK_CHAIN" importer)
RECEIVER=$(addr "$SH_CHAIN" exporter)
AMOUNT=2500000
VOUCHER="ibc/$(printf 'transfer/%s/utrade' "$SH_TRANSFER" | sha256sum | cut -c1-64 | tr a-f A-F)"

step "$HK_CHAIN" "importer $SENDER sends ${AMOUNT}utrade to $RECEIVER on $SH_CHAIN over ICS-20 ($HK_TRANSFER)"
before_hk=$(balance "$HK_CHAIN" "$SENDER" utrade)
before_sh=$(balance "$SH_CHAIN" "$RECEIVER" "$VOUCHER")
tx "$HK_CHAIN" importer ibc-transfer transfer transfer "$HK_TRANSFER" "$RECEIVER" "${AMOUNT}utrade" >/dev/null
log "packet committed on $HK_CHAIN; waiting for the relayer to deliver it to $SH_CHAIN"

arrived=
for _ in $(seq 1 90); do
  now_sh=$(balance "$SH_CHAIN" "$RECEIVER" "$VOUCHER")
  if [ "$now_sh" -ge $((before_sh + AMOUNT)) ]; then arrived=1; break; fi
  sleep 1
done
[ -n "$arrived" ] || die "the ICS-20 transfer did not arrive on $SH_CHAIN within 90s (see $LOCALNET/rly.log)"

step "$SH_CHAIN" "tokens arrived"
after_hk=$(balance "$HK_CHAIN" "$SENDER" utrade)
printf '  %-11s importer  %s utrade (was %s)\n' "$HK_CHAIN" "$after_hk" "$before_hk"
printf '  %-11s exporter  %s %s (was %s)\n' "$SH_CHAIN" "$now_sh" "$VOUCHER" "$before_sh"
trace=$(q "$SH_CHAIN" ibc-transfer denom-trace "${VOUCHER#ibc/}")
printf '  denom trace on %s: %s\n' "$SH_CHAIN" "$(echo "$trace" | jq -c .denom_trace)"
[ "$(echo "$trace" | jq -r .denom_trace.base_denom)" = utrade ] || die "unexpected denom trace: $trace"
[ "$(echo "$trace" | jq -r .denom_trace.path)" = "transfer/$SH_TRANSFER" ] || die "unexpected denom trace path: $trace"
[ $((before_hk - after_hk)) -ge "$AMOUNT" ] || die "sender balance on $HK_CHAIN did not go down by $AMOUNT"

step demo "all checks passed in $(( $(date +%s) - start ))s"
