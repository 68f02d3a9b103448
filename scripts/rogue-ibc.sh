#!/usr/bin/env bash
# A rogue chain must not be able to open a cargo or an ICS-20 transfer channel
# to a zone (issue: corridor allowlist; deposit tokens never leave the
# corridor). Starts the localnet (hongkong-1 and shanghai-1, linked), then a
# third tradechaind chain that calls itself shanghai-1 (its own ports and
# home), links it to hongkong-1 with the Go relayer, and tries to open a cargo
# channel and a transfer channel from each side. Passes only if hongkong-1
# refuses all four with x/cargo's registered error ErrUntrustedChannel —
# visible in the relayer's log — and has no cargo or transfer channel over the
# rogue connection; the real corridor keeps its allowlist. Stops only the PIDs
# it started.
source "$(dirname "$0")/lib.sh"

cleanup() { [ "${KEEP:-0}" = 1 ] || "$ROOT/scripts/localnet.sh" stop; }
trap cleanup EXIT
"$ROOT/scripts/localnet.sh" start >/dev/null

ROGUE_HOME="$LOCALNET/rogue" ROGUE_RPC=26857
ROGUE_NODE="tcp://127.0.0.1:$ROGUE_RPC"
step rogue "a third chain that calls itself $SH_CHAIN starts on port $ROGUE_RPC"
init_zone "$SH_CHAIN" 26856 $ROGUE_RPC 26858 9290 1517 "$ROGUE_HOME"
"$BIN" start --home "$ROGUE_HOME" > "$LOCALNET/rogue.log" 2>&1 &
record_pid rogue $!
for _ in $(seq 1 120); do
  h=$(curl -sf "http://127.0.0.1:$ROGUE_RPC/status" | jq -r .result.sync_info.latest_block_height 2>/dev/null || echo 0)
  [ "${h:-0}" -ge 2 ] 2>/dev/null && break; sleep 0.5
done
rq() { "$BIN" q "$@" --node "$ROGUE_NODE" --output json; }
# The rogue's admin admits the relayer on the rogue chain (tradechaind admits
# transactions only from parties, validator operators and relayers).
out=$("$BIN" tx cargo register-party "$("$BIN" keys show relayer -a $KR --home "$ROGUE_HOME")" RLY "Rogue relayer" HK RELAYER \
      --from admin --chain-id "$SH_CHAIN" $KR --home "$ROGUE_HOME" --node "$ROGUE_NODE" -y --output json)
[ "$(echo "$out" | jq -r .code)" = 0 ] || die "rogue register relayer: $out"
for _ in $(seq 1 20); do rq cargo party "$("$BIN" keys show relayer -a $KR --home "$ROGUE_HOME")" >/dev/null 2>&1 && break; sleep 0.5; done

R="$RLY --home $LOCALNET/rly-rogue"
rm -rf "$LOCALNET/rly-rogue"; $R config init >/dev/null
rly_chain_file "$HK_CHAIN" "$HK_RPC" "$LOCALNET/rly-rogue-hk.json"
rly_chain_file "$SH_CHAIN" "$ROGUE_RPC" "$LOCALNET/rly-rogue-sh.json"
$R chains add --file "$LOCALNET/rly-rogue-hk.json" hk >/dev/null
$R chains add --file "$LOCALNET/rly-rogue-sh.json" rogue >/dev/null
$R keys restore hk relayer "${MNEMONIC[relayer]}" >/dev/null
$R keys restore rogue relayer "${MNEMONIC[relayer]}" >/dev/null
$R paths new "$HK_CHAIN" "$SH_CHAIN" hk-rogue >/dev/null
LOG="$LOCALNET/rly-rogue.log"

step "rogue → $HK_CHAIN" "rly links hongkong-1 and the rogue, then asks hongkong-1 to open a cargo channel (ChanOpenInit)"
# rly may exit 0 after giving up on a handshake; the chain's state decides.
$R tx link hk-rogue --src-port cargo --dst-port cargo --order unordered --version ics721-1 --max-retries 1 --override > "$LOG" 2>&1 || true
grep -q "channel open init callback failed.*counterparty is not on the zone's corridor allowlist" "$LOG" \
  || { tail -20 "$LOG"; die "no refusal of ChanOpenInit in the relayer log"; }
grep -o 'connection [a-z0-9-]* does not lead to a zone on this zone.s corridor allowlist' "$LOG" | head -1 | sed 's/^/  refused: /'

step "rogue → $HK_CHAIN" "rly asks hongkong-1 to open an ICS-20 transfer channel to the rogue (ChanOpenInit)"
LOG_TRANSFER="$LOCALNET/rly-rogue-transfer.log"
$R tx channel hk-rogue --src-port transfer --dst-port transfer --order unordered --version ics20-1 --max-retries 1 > "$LOG_TRANSFER" 2>&1 || true
grep -q "channel open init callback failed.*counterparty is not on the zone's corridor allowlist" "$LOG_TRANSFER" \
  || { tail -20 "$LOG_TRANSFER"; die "no refusal of the transfer ChanOpenInit in the relayer log"; }
grep -o 'connection [a-z0-9-]* does not lead to a zone on this zone.s corridor allowlist' "$LOG_TRANSFER" | head -1 | sed 's/^/  refused: /'

step rogue "the rogue trusts hongkong-1 and opens from its side; hongkong-1 must refuse ChanOpenTry"
ROGUE_SIDE_CONN="" ROGUE_SIDE_CLIENT=""
for conn in $(rq ibc connection connections | jq -r '.connections[] | select(.state == "STATE_OPEN") | .id'); do
  client=$(rq ibc connection end "$conn" | jq -r .connection.client_id)
  [ "$(rq ibc client state "$client" | jq -r .client_state.chain_id 2>/dev/null)" = "$HK_CHAIN" ] || continue
  ROGUE_SIDE_CONN=$conn ROGUE_SIDE_CLIENT=$client
  out=$("$BIN" tx cargo set-corridor-link "$HK_CHAIN" "$client" "$conn" --from admin --chain-id "$SH_CHAIN" $KR \
        --home "$ROGUE_HOME" --node "$ROGUE_NODE" -y --output json)
  [ "$(echo "$out" | jq -r .code)" = 0 ] || die "rogue set-corridor-link: $out"
done
[ -n "$ROGUE_SIDE_CONN" ] || die "the rogue has no connection to $HK_CHAIN"
# hongkong-1's end of that connection: the open connection that is not its corridor link.
TRUSTED_CONN=$(curl -sf "$(zone_api $HK_CHAIN)/tradechain/cargo/v1/corridor" | jq -r '.links[0].link.connection_id')
ROGUE_CONN=$(q "$HK_CHAIN" ibc connection connections | jq -r --arg t "$TRUSTED_CONN" \
  '[.connections[] | select(.state == "STATE_OPEN" and .id != $t and .id != "connection-localhost")][0].id')
ROGUE_CLIENT=$(q "$HK_CHAIN" ibc connection end "$ROGUE_CONN" | jq -r .connection.client_id)
sleep 3
$R paths new "$SH_CHAIN" "$HK_CHAIN" rogue-hk >/dev/null
$R paths update rogue-hk --src-client-id "$ROGUE_SIDE_CLIENT" --src-connection-id "$ROGUE_SIDE_CONN" \
  --dst-client-id "$ROGUE_CLIENT" --dst-connection-id "$ROGUE_CONN" >/dev/null
$R tx channel rogue-hk --src-port cargo --dst-port cargo --order unordered --version ics721-1 --max-retries 1 >> "$LOG" 2>&1 || true
grep -q "channel open try callback failed.*counterparty is not on the zone's corridor allowlist" "$LOG" \
  || { tail -20 "$LOG"; die "no refusal of ChanOpenTry in the relayer log"; }

step rogue "the rogue opens an ICS-20 transfer channel from its side; hongkong-1 must refuse ChanOpenTry"
$R tx channel rogue-hk --src-port transfer --dst-port transfer --order unordered --version ics20-1 --max-retries 1 >> "$LOG_TRANSFER" 2>&1 || true
grep -q "channel open try callback failed.*counterparty is not on the zone's corridor allowlist" "$LOG_TRANSFER" \
  || { tail -20 "$LOG_TRANSFER"; die "no refusal of the transfer ChanOpenTry in the relayer log"; }

step check "$HK_CHAIN has no cargo or transfer channel to the rogue; the corridor is unchanged"
for port in cargo transfer; do
  n=$(q "$HK_CHAIN" ibc channel connections "$ROGUE_CONN" | jq --arg p $port '[.channels[] | select(.port_id == $p)] | length')
  [ "$n" = 0 ] || die "$HK_CHAIN has $n $port channel(s) over the rogue connection $ROGUE_CONN"
done
n=$(rq ibc channel connections "$ROGUE_SIDE_CONN" | jq '[.channels[] | select(.port_id == "transfer" and .state == "STATE_OPEN")] | length')
[ "$n" = 0 ] || die "the rogue has $n open transfer channel(s) to $HK_CHAIN"
curl -sf "$(zone_api $HK_CHAIN)/tradechain/cargo/v1/corridor" | jq -r '.links[] | "  [hongkong-1] trusts \(.link.chain_id) via \(.link.client_id) / \(.link.connection_id), cargo channels \(.cargo_channels | join(","))"'
[ "$(curl -sf "$(zone_api $HK_CHAIN)/tradechain/cargo/v1/corridor" | jq -r '[.links[] | select(.link.connection_id == "'"$ROGUE_CONN"'")] | length')" = 0 ] \
  || die "the rogue connection is on hongkong-1's allowlist"
step rogue "cargo and transfer refused at Init and at Try with x/cargo's ErrUntrustedChannel; relayer logs: $LOG, $LOG_TRANSFER"
