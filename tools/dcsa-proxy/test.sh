#!/usr/bin/env bash
# Proves the DCSA-validating proxy (tools/dcsa-proxy/run.sh) really validates:
# well-formed PINT / Issuance / Surrender traffic between the stand-in carrier
# and two stand-in platforms (bin/pintpeer) passes through it, and malformed
# requests and responses are stopped by it (the upstream never sees a rejected
# request). Real processes on loopback ports: on a shared machine run it under
# the network lock, like every test that binds ports:
#
#   flock /tmp/tradechain-net.lock make test-dcsa-proxy   (builds bin/pintpeer, npm ci for Prism)
#
# Ports: PINTPEER_PORT_BASE (default 17400) .. +12. KEEP=1 keeps the work directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
PP=${PINTPEER:-$root/bin/pintpeer}
[ -x "$PP" ] || { echo "build it first: make pintpeer" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is required" >&2; exit 1; }
base=${PINTPEER_PORT_BASE:-17400}
C=$((base + 1)) A=$((base + 2)) B=$((base + 3))
PX_PINT_B=$((base + 10)) PX_ISS_A=$((base + 11)) PX_SUR_C=$((base + 12))
work=$(mktemp -d /tmp/dcsa-proxy-test.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done; exit 1; }
ok() { echo "ok   $*"; }
wait_port() { # url, seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
  return 1
}

# --- the carrier and two platforms --------------------------------------
alice='{"partyName":"Alice Exporters Ltd","identifyingCodes":[{"codeListProvider":"GLEIF","partyCode":"5493001KJTIIGC8Y1R12","codeListName":"LEI"}]}'
bob='{"partyName":"Bob Importers Ltd","identifyingCodes":[{"codeListProvider":"BOLE","partyCode":"BOB-7"}]}'
carrier_codes='[{"codeListProvider":"SMDG","partyCode":"COS","codeListName":"LCL"}]'
cat > "$work/carrier.json" <<EOF
{"carrierCode":"COS","partyName":"COSCO Shipping Lines","identifyingCodes":$carrier_codes,"listen":"127.0.0.1:$C","dir":"$work/carrier"}
EOF
# A: carrier answers go straight to the carrier; B's surrender requests go through the SUR proxy.
cat > "$work/a.json" <<EOF
{"code":"WAVE","listen":"127.0.0.1:$A","dir":"$work/a","parties":[$alice],
 "peers":[{"code":"BOLE","jwks":"http://127.0.0.1:$B/.well-known/jwks.json","url":"http://127.0.0.1:$PX_PINT_B"}],
 "carriers":[{"carrierCode":"COS","partyName":"COSCO Shipping Lines","identifyingCodes":$carrier_codes,"jwks":"http://127.0.0.1:$C/.well-known/jwks.json","url":"http://127.0.0.1:$C"}]}
EOF
cat > "$work/b.json" <<EOF
{"code":"BOLE","listen":"127.0.0.1:$B","dir":"$work/b","parties":[$bob],
 "peers":[{"code":"WAVE","jwks":"http://127.0.0.1:$A/.well-known/jwks.json","url":"http://127.0.0.1:$A"}],
 "carriers":[{"carrierCode":"COS","partyName":"COSCO Shipping Lines","identifyingCodes":$carrier_codes,"jwks":"http://127.0.0.1:$C/.well-known/jwks.json","url":"http://127.0.0.1:$PX_SUR_C"}]}
EOF
"$PP" carrier -config "$work/carrier.json" > "$work/carrier.log" 2>&1 & pids+=($!)
"$PP" platform -config "$work/a.json" > "$work/a.log" 2>&1 & pids+=($!)
"$PP" platform -config "$work/b.json" > "$work/b.log" 2>&1 & pids+=($!)
for p in $C $A $B; do wait_port "http://127.0.0.1:$p/control/health" 20 || fail "pintpeer on $p did not start"; done

# --- three proxies, started together; their start time is measured ------
t0=$(date +%s%N)
"$here/run.sh" PINT "http://127.0.0.1:$B" $PX_PINT_B > "$work/prism-pint.log" 2>&1 & pids+=($!); prism_pids=($!)
"$here/run.sh" ISS "http://127.0.0.1:$A" $PX_ISS_A > "$work/prism-iss.log" 2>&1 & pids+=($!); prism_pids+=($!)
"$here/run.sh" SUR "http://127.0.0.1:$C" $PX_SUR_C > "$work/prism-sur.log" 2>&1 & pids+=($!); prism_pids+=($!)
for p in $PX_PINT_B $PX_ISS_A $PX_SUR_C; do wait_port "http://127.0.0.1:$p/" 180 || fail "prism on $p did not start"; done
t1=$(date +%s%N)
cpu=0
for p in "${prism_pids[@]}"; do
  ticks=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
  cpu=$((cpu + ticks))
done
echo "prism: 3 proxies ready in $(( (t1 - t0) / 1000000 )) ms wall, $((cpu * 1000 / $(getconf CLK_TCK))) ms CPU together (load: $(cut -d' ' -f1 /proc/loadavg))"

# post METHOD URL BODY -> sets $status and $body
call() {
  local out
  out=$(curl -s -w '\n%{http_code}' -X "$1" -H 'Content-Type: application/json' -H 'API-Version: 3' --data-binary "$3" "$2")
  status=${out##*$'\n'}
  body=${out%$'\n'*}
}
received_b() { curl -s "http://127.0.0.1:$B/control/received" | jq length; }
isstd() { jq -c --arg tdr "$1" '.transportDocumentReference=$tdr' "$root/tools/pintpeer/template/transport-document.json"; }

# --- well-formed traffic passes -----------------------------------------
issue_to='{"partyName":"Alice Exporters Ltd","sendToPlatform":"WAVE","identifyingCodes":[{"codeListProvider":"GLEIF","partyCode":"5493001KJTIIGC8Y1R12","codeListName":"LEI"}]}'
vis=$(printf '%%PDF-1.7 carrier rendering' | base64 -w0)
call POST "http://127.0.0.1:$C/control/issue" "$(jq -nc --arg url "http://127.0.0.1:$PX_ISS_A" --argjson to "$issue_to" --arg vis "$vis" \
  '{url:$url, transportDocumentReference:"PROXY-OK-1", issueTo:$to, eBLVisualisationByCarrier:{name:"bl.pdf",contentType:"application/pdf",content:$vis}}')"
[ "$(jq -r .status <<<"$body")" = 204 ] || fail "issuance through the ISS proxy: $body"
sum=$(jq -r .documentChecksum <<<"$body")
ok "PUT /v3/ebl-issuance-requests (DCSA transport document, signed manifest) passes the ISS proxy: 204"
for i in $(seq 50); do [ "$(curl -s "http://127.0.0.1:$C/control/issuance-responses" | jq -r '[.[]|select(.body.transportDocumentReference=="PROXY-OK-1")][0].body.issuanceResponseCode')" = ISSU ] && break; sleep 0.1; done
[ "$(curl -s "http://127.0.0.1:$A/control/bills/$sum" | jq -r .status)" = HELD ] || fail "A does not hold the issued bill"

transfer=$(jq -nc --arg sum "$sum" --argjson to "$bob" '{checksum:$sum, recipient:($to + {eblPlatform:"BOLE"})}')
call POST "http://127.0.0.1:$A/control/transfer" "$transfer"
[ "$(jq -r '.state + " " + .responseCode' <<<"$body")" = "ACCEPTED RECE" ] || fail "transfer through the PINT proxy: $body"
[ "$(jq -r '[.attempts[].httpStatus]|join(",")' <<<"$body")" = "201,204,200" ] || fail "unexpected exchange: $body"
out_id=$(jq -r .id <<<"$body")
ok "POST /v3/envelopes (201), PUT additional-documents (204), PUT finish-transfer (200 RECE, signed) pass the PINT proxy, requests and responses"
call POST "http://127.0.0.1:$A/control/replay" "{\"id\":\"$out_id\"}"
[ "$(jq -r .responseCode <<<"$body")" = DUPE ] || fail "replay: $body"
ok "a replayed envelope passes the proxy and is answered DUPE"

# --- malformed requests are stopped before the upstream -----------------
envelope=$(curl -s "http://127.0.0.1:$A/control/sent" | jq -c --arg id "$out_id" '.[]|select(.id==$id)|.envelope')
n=$(received_b)
call POST "http://127.0.0.1:$PX_PINT_B/v3/envelopes" "$(jq -c 'del(.envelopeManifestSignedContent)' <<<"$envelope")"
[ "$status" = 422 ] && grep -q envelopeManifestSignedContent <<<"$body" || fail "an envelope without envelopeManifestSignedContent: $status $body"
[ "$(received_b)" = "$n" ] || fail "the upstream saw the malformed envelope"
ok "envelope without envelopeManifestSignedContent: 422 from the proxy, never reaches the platform"
call POST "http://127.0.0.1:$PX_PINT_B/v3/envelopes" "$(jq -c '.transportDocument.transportDocumentTypeCode="XYZ"' <<<"$envelope")"
[ "$status" = 422 ] && grep -q transportDocumentTypeCode <<<"$body" || fail "a bad transportDocumentTypeCode: $status $body"
call POST "http://127.0.0.1:$PX_PINT_B/v3/envelopes" "$(jq -c '.envelopeTransferChain=["not a JWS"]' <<<"$envelope")"
[ "$status" = 422 ] || fail "a chain entry that is not a compact JWS: $status $body"
[ "$(received_b)" = "$n" ] || fail "the upstream saw a malformed envelope"
ok "bad transportDocumentTypeCode enum, non-JWS chain entry: 422, never reach the platform"
call PUT "http://127.0.0.1:$PX_PINT_B/v3/envelopes/abc/additional-documents/not-a-checksum" '"UmF3"'
[ "$status" = 422 ] || fail "a documentChecksum path parameter that is not 64 hex: $status $body"
ok "additional document with a malformed checksum in the path: 422"

call POST "http://127.0.0.1:$PX_ISS_A/v3/ebl-issuance-responses" '{"transportDocumentReference":"PROXY-OK-1","issuanceResponseCode":"ISSX"}'
[ "$status" = 422 ] && grep -q issuanceResponseCode <<<"$body" || fail "issuanceResponseCode ISSX: $status $body"
ok "IssuanceResponse with issuanceResponseCode ISSX (not ISSU|BREQ|REFU): 422"
call POST "http://127.0.0.1:$PX_SUR_C/v3/ebl-surrender-responses" '{"surrenderRequestReference":"Z1","action":"SURX"}'
[ "$status" = 422 ] && grep -q action <<<"$body" || fail "surrender answer SURX: $status $body"
ok "SurrenderRequestAnswer with action SURX (not SURR|SREJ): 422"
call POST "http://127.0.0.1:$PX_SUR_C/v3/ebl-surrender-requests" '{"surrenderRequestReference":"Z1","transportDocumentReference":"PROXY-OK-1","surrenderRequestCode":"DELIVER"}'
[ "$status" = 422 ] || fail "surrenderRequestCode DELIVER: $status $body"
[ "$(curl -s "http://127.0.0.1:$C/control/surrender-requests" | jq length)" = 0 ] || fail "the carrier saw the malformed surrender request"
ok "SurrenderRequestDetails with surrenderRequestCode DELIVER: 422, never reaches the carrier"

# The overlay: DCSA's listed platform codes and the corridor's code pass; others fail.
for code_want in ZZZZ:422 TRCH:204; do
  code=${code_want%:*} want=${code_want#*:}
  to=$(jq -c --arg c "$code" '.sendToPlatform=$c' <<<"$issue_to")
  call POST "http://127.0.0.1:$C/control/issue" "$(jq -nc --arg url "http://127.0.0.1:$PX_ISS_A" --argjson to "$to" --arg tdr "PROXY-$code" '{url:$url, transportDocumentReference:$tdr, issueTo:$to}')"
  [ "$(jq -r .status <<<"$body")" = "$want" ] || fail "issueTo.sendToPlatform $code: want $want, got $body"
done
ok "overlay: issueTo.sendToPlatform ZZZZ (not DCSA's list) 422; the corridor's code TRCH passes the proxy (204)"

# --- a malformed response is stopped too --------------------------------
curl -s -X POST "http://127.0.0.1:$B/control/mode" -d '{"malformed":true}' >/dev/null
call POST "http://127.0.0.1:$PX_PINT_B/v3/envelopes" "$envelope"
[ "$status" -ge 500 ] || fail "a 201 without envelopeReference must not pass the proxy: $status $body"
grep -q envelopeReference <<<"$body" || fail "the proxy's error should name envelopeReference: $body"
ok "EnvelopeTransferStartedResponse without envelopeReference: the proxy answers $status instead"

# --- surrender through the SUR proxy ------------------------------------
curl -s -X POST "http://127.0.0.1:$C/control/mode" -d "{\"surrender\":\"SURR\",\"url\":\"http://127.0.0.1:$B\"}" >/dev/null
call POST "http://127.0.0.1:$B/control/surrender" "{\"checksum\":\"$sum\"}"
[ "$status" = 200 ] || fail "surrender request through the SUR proxy: $status $body"
for i in $(seq 50); do [ "$(curl -s "http://127.0.0.1:$B/control/bills/$sum" | jq -r .status)" = SURRENDERED ] && break; sleep 0.1; done
[ "$(curl -s "http://127.0.0.1:$B/control/bills/$sum" | jq -r .status)" = SURRENDERED ] || fail "the carrier's SURR did not surrender the bill"
ok "POST /v3/ebl-surrender-requests (endorsement chain) passes the SUR proxy; the carrier's SURR surrenders the bill"
echo "dcsa-proxy: all checks passed"
