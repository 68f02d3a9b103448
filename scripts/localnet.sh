#!/usr/bin/env bash
# Start two single-validator zones (hongkong-1, shanghai-1) on loopback, link
# them with the Go relayer over an ICS-20 channel (transfer), an ICS-721
# channel for eBLs (cargo) and the corridor registry channel (registry), and
# keep everything running.
#   scripts/localnet.sh start   # (make localnet)
#   scripts/localnet.sh stop    # (make localnet-stop)
source "$(dirname "$0")/lib.sh"

start_zone() {
  local c=$1
  "$BIN" start --home "$(zone_home "$c")" > "$LOCALNET/$c.log" 2>&1 &
  record_pid "$c" $!
}

# trust_counterparty CHAIN OTHER: CHAIN's admin puts OTHER on CHAIN's corridor
# allowlist, over CHAIN's connection whose light client follows OTHER.
trust_counterparty() {
  local c=$1 other=$2 conn client
  for conn in $(q "$c" ibc connection connections | jq -r '.connections[] | select(.state == "STATE_OPEN") | .id'); do
    client=$(q "$c" ibc connection end "$conn" | jq -r .connection.client_id)
    if [ "$(q "$c" ibc client state "$client" | jq -r .client_state.chain_id)" = "$other" ]; then
      log "$c: corridor allowlist += $other over $client / $conn"
      tx "$c" admin cargo set-corridor-link "$other" "$client" "$conn" >/dev/null
      return 0
    fi
  done
  die "$c has no open connection to $other"
}

setup_relayer() {
  local R="$RLY --home $LOCALNET/rly"
  rm -rf "$LOCALNET/rly"
  $R config init >/dev/null
  rly_chain_file "$HK_CHAIN" "$HK_RPC"; rly_chain_file "$SH_CHAIN" "$SH_RPC"
  $R chains add --file "$LOCALNET/rly-$HK_CHAIN.json" "$HK_CHAIN" >/dev/null
  $R chains add --file "$LOCALNET/rly-$SH_CHAIN.json" "$SH_CHAIN" >/dev/null
  $R keys restore "$HK_CHAIN" relayer "${MNEMONIC[relayer]}" >/dev/null
  $R keys restore "$SH_CHAIN" relayer "${MNEMONIC[relayer]}" >/dev/null
  $R paths new "$HK_CHAIN" "$SH_CHAIN" hk-sh >/dev/null
  # A zone admits transactions only from its parties, validator operators and
  # registered relayers: each zone's admin registers the relayer account first.
  local z
  for z in "$HK_CHAIN" "$SH_CHAIN"; do
    log "$z: registering the relayer account $(addr "$z" relayer) (role RELAYER)"
    tx "$z" admin cargo register-party "$(addr "$z" relayer)" RLY "Corridor relayer" HK RELAYER >/dev/null
  done
  log "relayer: creating light clients and the connection"
  $R tx connection hk-sh > "$LOCALNET/rly-link.log" 2>&1 || { tail -20 "$LOCALNET/rly-link.log"; die "rly tx connection failed"; }
  # The corridor allowlist: each zone's admin trusts the other zone over the
  # light client and connection rly just created; every port (transfer,
  # cargo, registry) refuses a channel over any other connection.
  trust_counterparty "$HK_CHAIN" "$SH_CHAIN"
  trust_counterparty "$SH_CHAIN" "$HK_CHAIN"
  for extra in ${EXTRA_CHANNELS-transfer:ics20-1 cargo:ics721-1 registry:tradechain-registry-1}; do   # PORT:VERSION, opened with rly tx channel
    local port=${extra%%:*} version=${extra#*:}
    log "relayer: opening channel $port <-> $port ($version, unordered)"
    $R tx channel hk-sh --src-port "$port" --dst-port "$port" --order unordered --version "$version" \
       >> "$LOCALNET/rly-link.log" 2>&1 || { tail -20 "$LOCALNET/rly-link.log"; die "rly tx channel $port failed"; }
  done
  # The corridor registry: each zone's admin names its registry channel, and
  # from then on bills and invoices wait for the other zone's confirmation.
  local c ch
  for c in "$HK_CHAIN" "$SH_CHAIN"; do
    ch=$(q "$c" ibc channel channels | jq -r '[.channels[] | select(.port_id=="registry" and .state=="STATE_OPEN")][0].channel_id // empty')
    [ -n "$ch" ] || continue
    log "$c: corridor registry channel = $ch"
    tx "$c" admin cargo set-registry-channel "$ch" >/dev/null
  done
  $R start hk-sh --log-format json > "$LOCALNET/rly.log" 2>&1 &
  record_pid rly $!
}

cmd_start() {
  require_tools
  [ -x "$RLY" ] || die "$RLY not built (make rly)"
  if [ -f "$LOCALNET/pids" ]; then
    log "a localnet is already recorded in $LOCALNET/pids; stopping it first"
    stop_recorded
  fi
  mkdir -p "$LOCALNET"
  for port in $HK_P2P $HK_RPC $HK_GRPC $HK_API $SH_P2P $SH_RPC $SH_GRPC $SH_API $WEB_PORT; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port on 127.0.0.1 is already in use"; fi
  done
  log "initialising $HK_CHAIN and $SH_CHAIN in $LOCALNET"
  init_zone "$HK_CHAIN" $HK_P2P $HK_RPC $HK_ABCI $HK_GRPC $HK_API
  init_zone "$SH_CHAIN" $SH_P2P $SH_RPC $SH_ABCI $SH_GRPC $SH_API
  start_zone "$HK_CHAIN"; start_zone "$SH_CHAIN"
  wait_height "$HK_CHAIN" 2; wait_height "$SH_CHAIN" 2
  log "both zones are producing blocks"
  setup_relayer
  start_web
  cat <<INFO

tradechain localnet is running (state in $LOCALNET):
  $HK_CHAIN  rpc tcp://127.0.0.1:$HK_RPC  rest http://127.0.0.1:$HK_API  grpc 127.0.0.1:$HK_GRPC  p2p $HK_P2P  home $(zone_home $HK_CHAIN)
  $SH_CHAIN  rpc tcp://127.0.0.1:$SH_RPC  rest http://127.0.0.1:$SH_API  grpc 127.0.0.1:$SH_GRPC  p2p $SH_P2P  home $(zone_home $SH_CHAIN)
  relayer    path hk-sh, home $LOCALNET/rly, log $LOCALNET/rly.log
  web app    http://127.0.0.1:$WEB_PORT/  (log $LOCALNET/web.log)
  channels   $(channels_summary)
  keys       ${ACCOUNTS[*]} (keyring-backend test, in each zone's home)
INFO
  # The demo stops the zones when it ends (unless KEEP=1): it prints these
  # itself then.
  [ "${STOPS_AT_EXIT:-0}" = 1 ] || try_lines
}

try_lines() {
  cat <<INFO

Try:  bin/tradechaind q cargo bills --home $(zone_home $HK_CHAIN)
      bin/tradechaind q bank balances \$(bin/tradechaind keys show exporter -a --keyring-backend test --home $(zone_home $HK_CHAIN)) --home $(zone_home $HK_CHAIN)
      curl -s http://127.0.0.1:$HK_API/tradechain/cargo/v1/bills | jq .
Stop: $([ "$LOCALNET" = "$ROOT/.localnet" ] || echo "LOCALNET=$LOCALNET ")make localnet-stop   (stops only the PIDs listed in $LOCALNET/pids)
INFO
}

channels_summary() {
  q "$HK_CHAIN" ibc channel channels | jq -r '[.channels[] | "\(.port_id)/\(.channel_id)->\(.counterparty.channel_id)"] | join(", ")'
}

case "${1:-start}" in
  start) cmd_start ;;
  try)   try_lines ;;
  stop)  stop_recorded ;;
  *) die "usage: $0 start|stop" ;;
esac
