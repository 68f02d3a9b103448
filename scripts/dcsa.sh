#!/usr/bin/env bash
# DCSA legs of the corridor (sourced by demo.sh and e2e-dcsa.sh, after lib.sh):
# each zone's gateway (tradechaind gateway), the independent stand-in eBL
# platform WAVE and stand-in carrier COS (bin/pintpeer), and DCSA-validating
# proxies (tools/dcsa-proxy, Prism built from DCSA's OpenAPI files) in front of
# every DCSA endpoint, so every request and answer that crosses a gateway is
# checked against the specification.
#
# Each zone is its own eBL platform in PINT: shanghai-1 is TRSH, hongkong-1
# TRHK (genesis pint_platform_code; DCSA's list has no code for the corridor).

_o=${PORT_OFFSET:-0}
SH_PLATFORM=TRSH HK_PLATFORM=TRHK WAVE=WAVE
# GW_SH, GW_HK: the gateways (lib.sh: the web app proxies them too)
PP_WAVE=$((7401 + _o)) PP_CARRIER=$((7501 + _o))          # pintpeer platform and carrier
PX_PINT_SH=$((8481 + _o)) PX_PINT_HK=$((8581 + _o))       # PINT proxy -> gateway
PX_ISS_SH=$((8482 + _o))                                  # Issuance proxy -> SH gateway (carrier's requests)
PX_SUR_HK=$((8583 + _o))                                  # Surrender proxy -> HK gateway (carrier's answers)
PX_PINT_WAVE=$((7402 + _o))                               # PINT proxy -> WAVE (the gateways' envelopes)
PX_ISS_CAR=$((7502 + _o)) PX_SUR_CAR=$((7503 + _o))       # Issuance / Surrender proxy -> carrier
PINTPEER=${PINTPEER:-$ROOT/bin/pintpeer}
DCSA_DIR="$LOCALNET/dcsa"

gw_port()       { [ "$1" = "$SH_CHAIN" ] && echo $GW_SH || echo $GW_HK; }
gw_pint_proxy() { [ "$1" = "$SH_CHAIN" ] && echo $PX_PINT_SH || echo $PX_PINT_HK; }
platform_of()   { [ "$1" = "$SH_CHAIN" ] && echo $SH_PLATFORM || echo $HK_PLATFORM; }
other_zone()    { [ "$1" = "$SH_CHAIN" ] && echo $HK_CHAIN || echo $SH_CHAIN; }

wait_url() { # URL SECONDS WHAT
  local i
  for ((i = 0; i < $2 * 4; i++)); do curl -s -o /dev/null "$1" && return 0; sleep 0.25; done
  die "$3 did not come up at $1"
}

# proxy SPEC UPSTREAM_PORT PORT NAME: a DCSA-validating proxy (Prism, --errors).
proxy() {
  DCSA_EXTRA_PLATFORMS="$SH_PLATFORM,$HK_PLATFORM" "$ROOT/tools/dcsa-proxy/run.sh" "$1" "http://127.0.0.1:$2" "$3" > "$DCSA_DIR/proxy-$4.log" 2>&1 &
  record_pid "proxy-$4" $!
}

# start_gateway CHAIN: init (config, ES256 key) and start the zone's gateway.
start_gateway() {
  local c=$1 home
  home=$(zone_home "$c")
  "$BIN" gateway init --home "$home" --chain-id "$c" --node "$(zone_rpc "$c")" --key-name gateway --keyring-backend test \
    --platform-code "$(platform_of "$c")" --listen "127.0.0.1:$(gw_port "$c")" --public-url "http://127.0.0.1:$(gw_pint_proxy "$c")" \
    --carrier "COS,http://127.0.0.1:$PX_ISS_CAR/v3/ebl-issuance-responses,http://127.0.0.1:$PX_SUR_CAR/v3/ebl-surrender-requests,$DCSA_DIR/carrier.jwks.json" \
    --corridor-peer "$(platform_of "$(other_zone "$c")"),http://127.0.0.1:$(gw_port "$(other_zone "$c")")" \
    --export-stall-after 5s \
    > "$DCSA_DIR/$c-gateway.jwks.json" 2>/dev/null || die "gateway init on $c failed"
  "$BIN" gateway start --home "$home" >> "$DCSA_DIR/$c-gateway.log" 2>&1 &
  record_pid "gateway-$c" $!
  wait_url "http://127.0.0.1:$(gw_port "$c")/status" 30 "the $c gateway (see $DCSA_DIR/$c-gateway.log)"
}

# restart_gateway CHAIN: stop the gateway by its PID (SIGKILL: no clean
# shutdown) and start it again on the same store.
kill_gateway() {
  local c=$1 pid
  pid=$(awk -v n="gateway-$c" '$2 == n {print $1}' "$LOCALNET/pids" | tail -1)
  [ -n "$pid" ] || die "no gateway of $c recorded"
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  grep -v "^$pid gateway-$c\$" "$LOCALNET/pids" > "$LOCALNET/pids.tmp" && mv "$LOCALNET/pids.tmp" "$LOCALNET/pids"
}
restart_gateway() {
  local c=$1
  "$BIN" gateway start --home "$(zone_home "$c")" >> "$DCSA_DIR/$c-gateway.log" 2>&1 &
  record_pid "gateway-$c" $!
  wait_url "http://127.0.0.1:$(gw_port "$c")/status" 30 "the $c gateway after its restart"
}

# dcsa_up: everything the DCSA legs need, on both zones. Expects the parties
# (carrier COS, exporter SHPE, importer KBCT, bank HKBK) registered.
dcsa_up() {
  [ -x "$PINTPEER" ] || die "$PINTPEER not built (make pintpeer)"
  [ -x "$ROOT/tools/dcsa-proxy/node_modules/.bin/prism" ] || die "the DCSA-validating proxy is not installed (make dcsa-proxy)"
  mkdir -p "$DCSA_DIR"
  local carrier_codes='[{"codeListProvider":"SMDG","partyCode":"COS"}]'
  # The stand-in carrier, its keys, and the stand-in platform WAVE with one party.
  cat > "$DCSA_DIR/carrier.json" <<JSON
{"carrierCode":"COS","partyName":"COSCO Shipping Lines","identifyingCodes":$carrier_codes,"listen":"127.0.0.1:$PP_CARRIER","dir":"$DCSA_DIR/carrier"}
JSON
  "$PINTPEER" carrier -config "$DCSA_DIR/carrier.json" > "$DCSA_DIR/carrier.log" 2>&1 &
  record_pid pintpeer-carrier $!
  wait_url "http://127.0.0.1:$PP_CARRIER/control/health" 20 "the stand-in carrier"
  curl -sf "http://127.0.0.1:$PP_CARRIER/.well-known/jwks.json" > "$DCSA_DIR/carrier.jwks.json"

  local Z A
  for Z in $SH_CHAIN $HK_CHAIN; do
    A=$(addr $Z gateway)
    log "$Z: the gateway's own account $A is registered as a PLATFORM party"
    tx $Z admin cargo register-party "$A" "GW$(platform_of $Z)" "Corridor DCSA gateway $(platform_of $Z)" "$([ $Z = $SH_CHAIN ] && echo CN || echo HK)" PLATFORM >/dev/null
    log "$Z: carrier COS grants the gateway MsgIssueBill, MsgAcceptSurrender and MsgRejectSurrender (authz), nothing else"
    for m in MsgIssueBill MsgAcceptSurrender MsgRejectSurrender; do
      tx $Z carrier authz grant "$A" generic --msg-type "/tradechain.cargo.v1.$m" >/dev/null
    done
    start_gateway $Z
  done
  cat > "$DCSA_DIR/wave.json" <<JSON
{"code":"$WAVE","listen":"127.0.0.1:$PP_WAVE","dir":"$DCSA_DIR/wave",
 "parties":[{"partyName":"Wave Consignee Ltd","identifyingCodes":[{"codeListProvider":"$WAVE","partyCode":"WC-1"}]}],
 "peers":[{"code":"$SH_PLATFORM","jwks":"http://127.0.0.1:$GW_SH/.well-known/jwks.json","url":"http://127.0.0.1:$PX_PINT_SH"},
          {"code":"$HK_PLATFORM","jwks":"http://127.0.0.1:$GW_HK/.well-known/jwks.json","url":"http://127.0.0.1:$PX_PINT_HK"}],
 "carriers":[{"carrierCode":"COS","partyName":"COSCO Shipping Lines","identifyingCodes":$carrier_codes,"jwks":"http://127.0.0.1:$PP_CARRIER/.well-known/jwks.json","url":"http://127.0.0.1:$PP_CARRIER"}]}
JSON
  "$PINTPEER" platform -config "$DCSA_DIR/wave.json" > "$DCSA_DIR/wave.log" 2>&1 &
  record_pid pintpeer-wave $!
  wait_url "http://127.0.0.1:$PP_WAVE/control/health" 20 "the stand-in platform WAVE"
  curl -sf "http://127.0.0.1:$PP_WAVE/.well-known/jwks.json" > "$DCSA_DIR/wave.jwks.json"

  # Which platforms each zone trusts is on chain: WAVE, the other zone's
  # gateway (a bill may leave one zone and come back through the other), and
  # its own (the chain verifies the entries its gateway signed).
  for Z in $SH_CHAIN $HK_CHAIN; do
    tx $Z admin cargo set-ebl-platform $WAVE "Stand-in eBL platform" "http://127.0.0.1:$PX_PINT_WAVE" "$DCSA_DIR/wave.jwks.json" >/dev/null
    for Y in $SH_CHAIN $HK_CHAIN; do
      tx $Z admin cargo set-ebl-platform "$(platform_of $Y)" "Corridor gateway $Y" "http://127.0.0.1:$(gw_pint_proxy $Y)" "$DCSA_DIR/$Y-gateway.jwks.json" >/dev/null
    done
    q $Z cargo ebl-platforms | jq -r --arg z $Z '.platforms[] | "  [\($z)] trusts \(.code) \(.name) at \(.endpoint)"'
  done

  log "DCSA-validating proxies (Prism, --errors) in front of every DCSA endpoint"
  proxy PINT $GW_SH $PX_PINT_SH pint-sh
  proxy PINT $GW_HK $PX_PINT_HK pint-hk
  proxy PINT $PP_WAVE $PX_PINT_WAVE pint-wave
  proxy ISS $GW_SH $PX_ISS_SH iss-sh
  proxy ISS $PP_CARRIER $PX_ISS_CAR iss-carrier
  proxy SUR $PP_CARRIER $PX_SUR_CAR sur-carrier
  proxy SUR $GW_HK $PX_SUR_HK sur-hk
  local p
  for p in $PX_PINT_SH $PX_PINT_HK $PX_PINT_WAVE $PX_ISS_SH $PX_ISS_CAR $PX_SUR_CAR $PX_SUR_HK; do
    wait_url "http://127.0.0.1:$p/" 240 "the DCSA proxy on $p (see $DCSA_DIR/proxy-*.log)"
  done
}

# pp METHOD URL [BODY]: call a pintpeer control endpoint; prints the answer.
pp() {
  if [ $# -ge 3 ]; then curl -s -X "$1" -H 'Content-Type: application/json' --data-binary "$3" "$2"
  else curl -s -X "$1" "$2"; fi
}

# wait_bill CHAIN BILL STATUS [SECONDS]
wait_bill() {
  local got=""
  for _ in $(seq 1 "${4:-90}"); do
    got=$(q "$1" cargo bill "$2" 2>/dev/null | jq -r .bill.status)
    [ "$got" = "$3" ] && return 0; sleep 1
  done
  die "bill $2 on $1 is $got, expected $3"
}
