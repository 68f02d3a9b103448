#!/usr/bin/env bash
# DCSA fault cases against the running corridor (make test-web plays the demo
# with KEEP=1, whose DCSA legs start both gateways, the stand-in carrier and
# platform and the validating proxies; scripts/dcsa.sh). Every call to a
# gateway goes through a DCSA-validating proxy. Plays:
#   1. the proxy really rejects a malformed envelope (it never reaches the gateway);
#   2. a replayed envelope is answered DUPE, nothing doubled;
#   3. the receiving platform answers BSIG, then BENV: the bill goes back to
#      its holder each time, with the signed answer on chain;
#   4. the gateway is killed (SIGKILL) between the start and the finish of an
#      envelope (the exported bill coming back): after a restart the transfer
#      finishes, one bill, one import;
#   5. that bill's document arrives by another route (a second platform the
#      carrier also issued it on) at the other zone: DISE, never a second bill;
#   6. a bill exported to WAVE, its document arriving at the other zone by
#      another route (a chain that does not continue the export): DISE naming
#      the exporting zone, which keeps the keys (only a continuing chain is
#      handed over, as the demo's WAVE → hongkong-1 leg shows).
#   7. the bill of case 4, imported over PINT on one zone, surrendered on the
#      other after IBC: the carrier's endorsement chain holds the imported
#      transfer chain (the surrendering zone's gateway fetched it from the
#      importing zone's and checked it against the checksums on chain);
#   8. a bill issued by CLI: its export waits with a refusal saying to lodge
#      the carrier's issuance; lodged with `tradechaind gateway lodge-issuance`
#      (the stand-in carrier's own signed request), it goes to WAVE: RECE.
#   9. a bill goes shanghai-1 → WAVE → hongkong-1 (hand-over) → back to
#      shanghai-1 by IBC: shanghai-1 archives its EXPORTED tombstone with its
#      history (query handed-over) and the bill continues its history there;
#      both histories link entry to entry and to the records' heads (proved by
#      the light client), and the import's transfer chain holds the entry
#      shanghai-1 exported;
#  10. WAVE answers every start of a transfer with DISE (409, which DCSA's
#      OpenAPI does not list there: the validating proxy turns it into a 500,
#      unsigned): the export stays EXPORTING, the gateway keeps retrying and
#      reports it stalled with the operator action; the zone authority
#      withdraws it (tx cargo withdraw-export): the bill is the exporter's
#      again and the gateway stops sending.
source "$(dirname "$0")/lib.sh"
source "$ROOT/scripts/dcsa.sh"
[ -f "$DCSA_DIR/demo-bill" ] || die "the demo's DCSA legs did not run (DCSA=1 KEEP=1 scripts/demo.sh first)"
read -r PBILL HBILL PSUM < "$DCSA_DIR/demo-bill"
EXPORTER=$(addr $SH_CHAIN exporter) IMPORTER=$(addr $SH_CHAIN importer)
LEI_SHPE=529900SHPDPRECELE097
PP_BOLE=$((7411 + _o))
ok() { printf '  ok  %s\n' "$*"; }

# issue_via_gateway REF: the carrier issues a copy of the demo document with
# reference REF on shanghai-1 through the Issuance API; prints the bill id.
issue_via_gateway() {
  local ref=$1 doc="$DCSA_DIR/ebl-$1.json" sent
  jq --arg r "$ref" '.transportDocumentReference = $r | del(.documentParties.endorsee)' "$ROOT/tools/pintpeer/template/transport-document.json" > "$doc"
  sent=$(pp POST "http://127.0.0.1:$PP_CARRIER/control/issue" "$(jq -nc --arg u "http://127.0.0.1:$PX_ISS_SH" --arg lei $LEI_SHPE --arg p $SH_PLATFORM --slurpfile d "$doc" \
    '{url:$u,document:$d[0],issueTo:{partyName:"Shanghai Pudong Precision Electronics",sendToPlatform:$p,identifyingCodes:[{codeListProvider:"GLEIF",codeListName:"LEI",partyCode:$lei}]}}')")
  [ "$(echo "$sent" | jq -r .status)" = 204 ] || die "issuance of $ref not accepted: $sent"
  wait_bill $SH_CHAIN "COS-$ref" BILL_STATUS_ISSUED >&2
  echo "COS-$ref"
}
export_to_wave() { # BILL -> waits until the export is concluded; prints the response code
  tx $SH_CHAIN exporter cargo export-bill "$1" $WAVE "Wave Consignee Ltd" --code $WAVE:WC-1 >/dev/null
  for _ in $(seq 1 90); do
    [ "$(q $SH_CHAIN cargo bill "$1" | jq -r .bill.status)" != BILL_STATUS_EXPORTING ] && break; sleep 1
  done
  q $SH_CHAIN cargo bill "$1" | jq -r .bill.export.response_code
}

step "proxy" "1. the validating proxy stops a malformed envelope before the gateway"
BAD='{"transportDocument":{"transportDocumentReference":"X"},"envelopeManifestSignedContent":"not a JWS","envelopeTransferChain":[]}'
res=$(curl -s -o "$DCSA_DIR/bad.out" -w '%{http_code} %{content_type}' -X POST -H 'Content-Type: application/json' --data-binary "$BAD" "http://127.0.0.1:$PX_PINT_HK/v3/envelopes")
log "through the proxy: $res — $(head -c 300 "$DCSA_DIR/bad.out")"
case "$res" in 422*problem+json*) ;; *) die "the proxy did not reject the malformed envelope ($res)";; esac
direct=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary "$BAD" "http://127.0.0.1:$GW_HK/v3/envelopes")
ok "the proxy answered 422 (problem+json); the gateway itself would answer $direct with DCSA's error object"

step "$WAVE → $HK_CHAIN" "2. WAVE replays the envelope $HK_CHAIN accepted: DUPE, nothing doubled"
before=$(q $HK_CHAIN cargo pint-envelopes "$PBILL" | jq '.envelopes | length')
status_before=$(q $HK_CHAIN cargo bill "$PBILL" | jq -r .bill.status)
REPLAY=$(pp POST "http://127.0.0.1:$PP_WAVE/control/replay" "$(jq -nc --arg id "$(cat "$DCSA_DIR/wave-import.id")" '{id:$id}')")
log "replayed: $(echo "$REPLAY" | jq -c '{state, responseCode, reason}')"
[ "$(echo "$REPLAY" | jq -r .responseCode)" = DUPE ] || die "a replayed envelope was not answered DUPE: $REPLAY"
[ "$(q $HK_CHAIN cargo pint-envelopes "$PBILL" | jq '.envelopes | length')" = "$before" ] || die "the replay imported the envelope again"
[ "$(q $HK_CHAIN cargo bill "$PBILL" | jq -r .bill.status)" = "$status_before" ] || die "the replay changed $PBILL"
[ "$(q $SH_CHAIN cargo bill "$PBILL" | jq -r .bill.export.continued_on)" = "$HK_CHAIN" ] || die "the replay changed $SH_CHAIN's tombstone"
ok "DUPE (signed), still $before imported envelope(s), $PBILL unchanged ($status_before)"

step "$SH_CHAIN → $WAVE" "3. the receiving platform answers BSIG, then BENV: the bill comes back to its holder each time"
B2=$(issue_via_gateway COSUF$(date +%s | tail -c 8))
for code in BSIG BENV; do
  pp POST "http://127.0.0.1:$PP_WAVE/control/mode" "{\"answer\":\"$code\",\"count\":1,\"reason\":\"fault injected by e2e-dcsa\"}" >/dev/null
  got=$(export_to_wave "$B2")
  [ "$got" = $code ] || die "export of $B2 concluded with $got, expected $code"
  q $SH_CHAIN cargo bill "$B2" | jq -r '.bill | "  [shanghai-1] \(.id): \(.status), holder \(.holder[0:16])…, export answer \(.export.response_code): \(.export.response_reason)"'
  [ "$(q $SH_CHAIN cargo bill "$B2" | jq -r '.bill.status + " " + .bill.holder')" = "BILL_STATUS_ISSUED $EXPORTER" ] || die "$B2 did not come back to the exporter after $code"
  ok "$code: $B2 back with the exporter, the signed answer kept on chain"
done
pp POST "http://127.0.0.1:$PP_WAVE/control/mode" '{"answer":""}' >/dev/null
[ "$(export_to_wave "$B2")" = RECE ] || die "$B2 could not be exported after the refusals"
ok "exported again: RECE, $B2 EXPORTED on $SH_CHAIN"

step "$WAVE → $SH_CHAIN" "4. the $SH_CHAIN gateway is killed between the start and the finish of an envelope"
B2SUM=$(q $SH_CHAIN cargo bill "$B2" | jq -r .bill.document_hash)
ATTACH=$(printf 'Packing list for %s: 320 cartons\n' "$B2" | base64 -w0)
# WAVE builds and signs the envelope (with one supporting document) but cannot
# deliver it (nothing listens at its URL): the envelope stays undecided.
OUT=$(pp POST "http://127.0.0.1:$PP_WAVE/control/transfer" "$(jq -nc --arg s "$B2SUM" --arg p $SH_PLATFORM --arg a "$ATTACH" \
  '{checksum:$s,url:"http://127.0.0.1:9",platform:$p,recipient:{partyName:"Kowloon Bay Components Trading",eblPlatform:$p,identifyingCodes:[{codeListProvider:$p,partyCode:"KBCT"}]},supportingDocuments:[{name:"packing-list.txt",mediaType:"text/plain",content:$a}]}')")
ENV=$(echo "$OUT" | jq -c .envelope)
[ "$ENV" != null ] || die "WAVE built no envelope: $OUT"
LAST=$(echo "$OUT" | jq -r .lastEnvelopeTransferChainEntrySignedContentChecksum)
# The envelope is delivered by hand, through the proxy: start ...
START=$(curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary "$ENV" "http://127.0.0.1:$PX_PINT_SH/v3/envelopes")
[ "$(echo "$START" | tail -1)" = 201 ] || die "start: $START"
REF=$(echo "$START" | head -1 | jq -r .envelopeReference) DSUM=$(echo "$START" | head -1 | jq -r '.missingAdditionalDocumentChecksums[0]')
log "started: 201, envelope $REF, missing document ${DSUM:0:16}…"
kill_gateway $SH_CHAIN
log "the $SH_CHAIN gateway was killed (SIGKILL); its store is all that is left"
restart_gateway $SH_CHAIN
st=$(curl -s -o "$DCSA_DIR/doc.out" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' --data-binary "\"$ATTACH\"" "http://127.0.0.1:$PX_PINT_SH/v3/envelopes/$REF/additional-documents/$DSUM")
[ "$st" = 204 ] || die "the document after the restart: $st $(cat "$DCSA_DIR/doc.out") (direct: $(curl -s -X PUT -H 'Content-Type: application/json' --data-binary "\"$ATTACH\"" "http://127.0.0.1:$GW_SH/v3/envelopes/$REF/additional-documents/$DSUM"))"
FIN=$(curl -s -w '\n%{http_code}' -X PUT "http://127.0.0.1:$PX_PINT_SH/v3/envelopes/$REF/finish-transfer")
for _ in $(seq 1 10); do   # 503 while the zone records it: PINT's sender retries the finish
  [ "$(echo "$FIN" | tail -1)" = 503 ] || break; sleep 3
  FIN=$(curl -s -w '\n%{http_code}' -X PUT "http://127.0.0.1:$PX_PINT_SH/v3/envelopes/$REF/finish-transfer")
done
[ "$(echo "$FIN" | tail -1)" = 200 ] || die "finish after the restart: $FIN"
CODE=$(echo "$FIN" | head -1 | jq -r 'split(".")[1] | @base64d | fromjson | .responseCode')
[ "$CODE" = RECE ] || die "finish after the restart answered $CODE"
wait_bill $SH_CHAIN "$B2" BILL_STATUS_ISSUED
[ "$(q $SH_CHAIN cargo bill "$B2" | jq -r .bill.holder)" = "$IMPORTER" ] || die "$B2 is not the importer's on $SH_CHAIN"
[ "$(q $SH_CHAIN cargo pint-envelopes "$B2" | jq '.envelopes | length')" = 1 ] || die "$B2 was imported more than once"
AGAIN=$(curl -s -X POST -H 'Content-Type: application/json' --data-binary "$ENV" "http://127.0.0.1:$PX_PINT_SH/v3/envelopes" | jq -r 'split(".")[1] | @base64d | fromjson | .responseCode')
[ "$AGAIN" = DUPE ] || die "the same envelope again after the restart: $AGAIN"
ok "RECE after the restart; $B2 back on $SH_CHAIN (its own history) held by the importer, imported once; the envelope again: DUPE"

step "BOLE → $HK_CHAIN" "5. $B2's document arrives by another route, at the other zone: DISE (live on $SH_CHAIN)"
cat > "$DCSA_DIR/bole.json" <<JSON
{"code":"BOLE","listen":"127.0.0.1:$PP_BOLE","dir":"$DCSA_DIR/bole",
 "parties":[{"partyName":"Bole Trader","identifyingCodes":[{"codeListProvider":"BOLE","partyCode":"BT-1"}]}],
 "peers":[{"code":"$HK_PLATFORM","jwks":"http://127.0.0.1:$GW_HK/.well-known/jwks.json","url":"http://127.0.0.1:$PX_PINT_HK"}],
 "carriers":[{"carrierCode":"COS","partyName":"COSCO Shipping Lines","identifyingCodes":[{"codeListProvider":"SMDG","partyCode":"COS"}],"jwks":"http://127.0.0.1:$PP_CARRIER/.well-known/jwks.json","url":"http://127.0.0.1:$PP_CARRIER"}]}
JSON
"$PINTPEER" platform -config "$DCSA_DIR/bole.json" > "$DCSA_DIR/bole.log" 2>&1 &
record_pid pintpeer-bole $!
wait_url "http://127.0.0.1:$PP_BOLE/control/health" 20 "the second stand-in platform BOLE"
curl -sf "http://127.0.0.1:$PP_BOLE/.well-known/jwks.json" > "$DCSA_DIR/bole.jwks.json"
tx $HK_CHAIN admin cargo set-ebl-platform BOLE "Second stand-in platform" "http://127.0.0.1:$PP_BOLE" "$DCSA_DIR/bole.jwks.json" >/dev/null
# The carrier issues the same transport document again, on BOLE.
sent=$(pp POST "http://127.0.0.1:$PP_CARRIER/control/issue" "$(jq -nc --arg u "http://127.0.0.1:$PP_BOLE" --slurpfile d "$DCSA_DIR/ebl-${B2#COS-}.json" \
  '{url:$u,document:$d[0],issueTo:{partyName:"Bole Trader",sendToPlatform:"BOLE",identifyingCodes:[{codeListProvider:"BOLE",partyCode:"BT-1"}]}}')")
[ "$(echo "$sent" | jq -r .status)" = 204 ] || die "BOLE did not take the issuance: $sent"
for _ in $(seq 1 30); do [ "$(pp GET "http://127.0.0.1:$PP_BOLE/control/bills/$B2SUM" | jq -r .status)" = HELD ] && break; sleep 1; done
# With a supporting document, so the answer comes from finish-transfer (whose
# OpenAPI lists 409 for DISE; the start endpoint's does not).
OUT=$(pp POST "http://127.0.0.1:$PP_BOLE/control/transfer" "$(jq -nc --arg s "$B2SUM" --arg p $HK_PLATFORM --arg a "$ATTACH" \
  '{checksum:$s,recipient:{partyName:"Kowloon Bay Components Trading",eblPlatform:$p,identifyingCodes:[{codeListProvider:$p,partyCode:"KBCT"}]},supportingDocuments:[{name:"packing-list.txt",mediaType:"text/plain",content:$a}]}')")
log "BOLE → $HK_CHAIN: $(echo "$OUT" | jq -c '{state, responseCode, reason}')"
[ "$(echo "$OUT" | jq -r .responseCode)" = DISE ] || die "the document live on $SH_CHAIN was not disputed: $OUT"
[ "$(q $SH_CHAIN cargo bill "$B2" | jq -r '.bill.status + " " + .bill.holder')" = "BILL_STATUS_ISSUED $IMPORTER" ] || die "$B2 changed on $SH_CHAIN"
st=$(q $HK_CHAIN cargo bill "$B2" 2>/dev/null | jq -r .bill.status || true)
case "$st" in ""|null|BILL_STATUS_REJECTED_DUPLICATE) ;; *) die "$HK_CHAIN has a live $B2 ($st)";; esac
ok "DISE (signed): $B2 stays one bill, live on $SH_CHAIN with the importer; $HK_CHAIN: ${st:-no bill}"

step "BOLE → $HK_CHAIN" "6. a bill $SH_CHAIN exported, its document arriving at $HK_CHAIN by another route: DISE naming $SH_CHAIN (no hand-over)"
B3=$(issue_via_gateway COSUX$(date +%s | tail -c 8))
[ "$(export_to_wave "$B3")" = RECE ] || die "$B3 could not be exported"
B3SUM=$(q $SH_CHAIN cargo bill "$B3" | jq -r .bill.document_hash)
# The carrier issues the same transport document on BOLE too; BOLE's chain
# never held the entry $SH_CHAIN's export sent, so $SH_CHAIN keeps the keys.
sent=$(pp POST "http://127.0.0.1:$PP_CARRIER/control/issue" "$(jq -nc --arg u "http://127.0.0.1:$PP_BOLE" --slurpfile d "$DCSA_DIR/ebl-${B3#COS-}.json" \
  '{url:$u,document:$d[0],issueTo:{partyName:"Bole Trader",sendToPlatform:"BOLE",identifyingCodes:[{codeListProvider:"BOLE",partyCode:"BT-1"}]}}')")
[ "$(echo "$sent" | jq -r .status)" = 204 ] || die "BOLE did not take the issuance: $sent"
for _ in $(seq 1 30); do [ "$(pp GET "http://127.0.0.1:$PP_BOLE/control/bills/$B3SUM" | jq -r .status)" = HELD ] && break; sleep 1; done
# Its own supporting document (one hongkong-1's gateway has not seen), so the
# gateway answers at finish-transfer, after the registry's round trip.
ATTACH3=$(printf 'Packing list for %s: 320 cartons\n' "$B3" | base64 -w0)
OUT=$(pp POST "http://127.0.0.1:$PP_BOLE/control/transfer" "$(jq -nc --arg s "$B3SUM" --arg p $HK_PLATFORM --arg a "$ATTACH3" \
  '{checksum:$s,recipient:{partyName:"Harbour Kowloon Bank",eblPlatform:$p,identifyingCodes:[{codeListProvider:$p,partyCode:"HKBK"}]},supportingDocuments:[{name:"packing-list.txt",mediaType:"text/plain",content:$a}]}')")
log "BOLE → $HK_CHAIN: $(echo "$OUT" | jq -c '{state, responseCode, reason}')"
[ "$(echo "$OUT" | jq -r .responseCode)" = DISE ] || die "a document $SH_CHAIN exported, arriving by another route, was not disputed: $OUT"
case "$(echo "$OUT" | jq -r .reason)" in *"$SH_CHAIN"*) ;; *) die "the DISE does not name $SH_CHAIN: $OUT";; esac
[ "$(q $SH_CHAIN cargo bill "$B3" | jq -r '.bill.status + " " + (.bill.export.continued_on // "")')" = "BILL_STATUS_EXPORTED " ] || die "$B3 changed on $SH_CHAIN"
[ "$(q $HK_CHAIN cargo registry-key "$B3SUM" | jq -r '.keys[] | select(.kind == "KEY_KIND_TRANSPORT_DOCUMENT") | .status + " " + .holder_zone')" = "RESERVATION_STATUS_HELD_REMOTE $SH_CHAIN" ] \
  || die "$HK_CHAIN does not know $SH_CHAIN still holds the document"
st=$(q $HK_CHAIN cargo bill "$B3" 2>/dev/null | jq -r .bill.status || true)
case "$st" in ""|null|BILL_STATUS_REJECTED_DUPLICATE) ;; *) die "$HK_CHAIN has a live $B3 ($st)";; esac
ok "DISE (signed, naming $SH_CHAIN): $B3 stays EXPORTED on $SH_CHAIN with its keys; $HK_CHAIN: ${st:-no bill}"

step "$SH_CHAIN → $HK_CHAIN" "7. $B2, imported over PINT on $SH_CHAIN, goes to $HK_CHAIN by IBC and is surrendered there with its imported transfer chain"
SH_CARGO=$(q $SH_CHAIN ibc channel channels | jq -r '[.channels[] | select(.port_id=="cargo" and .state=="STATE_OPEN")][0].channel_id')
tx $SH_CHAIN importer cargo send-bill "$B2" "$SH_CARGO" "$IMPORTER" >/dev/null
# $HK_CHAIN already has a REJECTED_DUPLICATE record under this id (case 5),
# itself LOCAL: the arrival is the live bill replacing it.
for _ in $(seq 1 90); do [ "$(q $HK_CHAIN cargo bill "$B2" 2>/dev/null | jq -r .bill.status)" = BILL_STATUS_ISSUED ] && break; sleep 1; done
[ "$(q $HK_CHAIN cargo bill "$B2" | jq -r .bill.status)" = BILL_STATUS_ISSUED ] || die "$B2 did not arrive on $HK_CHAIN"
[ "$(q $HK_CHAIN cargo location "$B2" | jq -r .location)" = LOCAL ] || die "$B2 is not LOCAL on $HK_CHAIN"
# $HK_CHAIN holds BOLE's envelope of case 5 (the DISE'd import), never WAVE's:
# WAVE's entries can only come from $SH_CHAIN's gateway.
[ "$(q $HK_CHAIN cargo pint-envelopes "$B2" | jq --arg w "$WAVE" '[.envelopes[] | select(.platform == $w)] | length')" = 0 ] || die "$HK_CHAIN unexpectedly holds $WAVE's envelope of $B2"
tx $HK_CHAIN importer cargo request-surrender "$B2" delivery >/dev/null
SR=
for _ in $(seq 1 60); do
  SR=$(pp GET "http://127.0.0.1:$PP_CARRIER/control/surrender-requests" | jq -c --arg r "${B2#COS-}" '[.[] | select(.body.transportDocumentReference == $r)][-1] // empty')
  [ -n "$SR" ] && break; sleep 1
done
[ -n "$SR" ] || die "the carrier received no surrender request for $B2"
read -r SR_FIRST SR_N SR_PLATFORMS < <(echo "$SR" | jq -r '.body.endorsementChain | "\(.[0].actionCode) \(length) \([.[] | .auditReference | split("/")[0]] | unique | join(","))"')
[ "$SR_FIRST" = ISSUE ] || die "the surrender request's endorsement chain does not start with the ISSUE: $SR_FIRST"
case ",$SR_PLATFORMS," in *",$WAVE,"*) ;; *) die "the endorsement chain sent from $HK_CHAIN lacks the $WAVE transfer chain entries (platforms: $SR_PLATFORMS)";; esac
grep -q "imported transfer chain fetched from the corridor" "$DCSA_DIR/$HK_CHAIN-gateway.log" \
  || die "$HK_CHAIN's gateway did not fetch $B2's transfer chain from $SH_CHAIN's"
ok "endorsement chain of $SR_N links ($(echo "$SR" | jq -r '[.body.endorsementChain[] | .actionCode] | join(" → ")')), entries of $SR_PLATFORMS: fetched from $SH_CHAIN's gateway, checked against $HK_CHAIN's history"
ANS=$(pp POST "http://127.0.0.1:$PP_CARRIER/control/surrender-response" "$(jq -nc --arg u "http://127.0.0.1:$PX_SUR_HK" --arg r "$(echo "$SR" | jq -r .body.surrenderRequestReference)" '{url:$u,surrenderRequestReference:$r,action:"SURR"}')")
wait_bill $HK_CHAIN "$B2" BILL_STATUS_SURRENDERED_FOR_DELIVERY
ok "SURR: $B2 surrendered on $HK_CHAIN"

step "$SH_CHAIN" "8. a bill issued by CLI is exported once the carrier lodges its issuance with the gateway"
L=COSULODGE$(date +%s | tail -c 6)
LDOC="$DCSA_DIR/ebl-$L.json" LREQ="$DCSA_DIR/issuance-$L.json"
jq --arg r "$L" '.transportDocumentReference = $r | del(.documentParties.endorsee)' "$ROOT/tools/pintpeer/template/transport-document.json" > "$LDOC"
# The stand-in carrier signs an issuance request for it (sent nowhere: it
# issues by CLI, so the gateway sees neither the document nor the manifest).
sent=$(pp POST "http://127.0.0.1:$PP_CARRIER/control/issue" "$(jq -nc --arg u "http://127.0.0.1:9" --arg lei $LEI_SHPE --arg p $SH_PLATFORM --slurpfile d "$LDOC" \
  '{url:$u,document:$d[0],issueTo:{partyName:"Shanghai Pudong Precision Electronics",sendToPlatform:$p,identifyingCodes:[{codeListProvider:"GLEIF",codeListName:"LEI",partyCode:$lei}]}}')")
echo "$sent" | jq '.request | if type == "string" then fromjson else . end' > "$LREQ"
jq .document "$LREQ" > "$LDOC"
tx $SH_CHAIN carrier cargo issue-bill --document "$LDOC" --issue-to "$EXPORTER" >/dev/null
wait_bill $SH_CHAIN "COS-$L" BILL_STATUS_ISSUED
tx $SH_CHAIN exporter cargo export-bill "COS-$L" $WAVE "Wave Consignee Ltd" --code $WAVE:WC-1 >/dev/null
code=
for _ in $(seq 1 60); do
  ans=$(curl -s "http://127.0.0.1:$GW_SH/corridor/v1/bills/COS-$L/export")
  code=$(echo "$ans" | jq -r '.errors[0].errorCode // empty'); [ "$code" = 7011 ] && break; sleep 1
done
[ "$code" = 7011 ] || die "the unlodged export was not refused with 7011: $ans"
echo "$ans" | jq -r '.errors[0].errorCodeMessage' | grep -q "lodge-issuance COS-$L" || die "the refusal does not say to lodge: $ans"
ok "refused while unlodged (DCSA error 7011): $(echo "$ans" | jq -r '.errors[0].errorCodeMessage' | cut -c1-120)…"
"$BIN" gateway lodge-issuance "COS-$L" --request "$LREQ" --gateway "http://127.0.0.1:$GW_SH" >/dev/null || die "lodging refused"
wait_bill $SH_CHAIN "COS-$L" BILL_STATUS_EXPORTED
[ "$(q $SH_CHAIN cargo bill "COS-$L" | jq -r .bill.export.response_code)" = RECE ] || die "COS-$L not RECE'd"
ok "lodged, exported to $WAVE: RECE (signed, on chain)"

step "$SH_CHAIN → $WAVE → $HK_CHAIN → $SH_CHAIN" "9. a bill handed over to $HK_CHAIN comes back to $SH_CHAIN by IBC and continues its own history there"
# links JSON-ENTRIES HEAD: the entries chain prev_head → head, in sequence,
# and end at HEAD (the record's history head); prints the actions.
links() {
  echo "$1" | jq -e -r --arg head "$2" '
    . as $e | (if length == 0 then error("no entries") else . end)
    | (range(1; length) as $i | if $e[$i].prev_head != $e[$i-1].head or (($e[$i].sequence|tonumber) != ($e[$i-1].sequence|tonumber) + 1)
        then error("entry \($e[$i].sequence) does not chain to \($e[$i-1].sequence)") else empty end),
      (if $e[-1].head != $head then error("the history ends at \($e[-1].head), the record says \($head)") else empty end),
      ([.[] | .action] | join(" → "))'
}
B9=$(issue_via_gateway COSURET$(date +%s | tail -c 6))
[ "$(export_to_wave "$B9")" = RECE ] || die "$B9 could not be exported"
B9SUM=$(q $SH_CHAIN cargo bill "$B9" | jq -r .bill.document_hash)
B9LAST=$(q $SH_CHAIN cargo bill "$B9" | jq -r .bill.export.last_entry_checksum)
OUT=$(pp POST "http://127.0.0.1:$PP_WAVE/control/transfer" "$(jq -nc --arg s "$B9SUM" --arg p $HK_PLATFORM '{checksum:$s,recipient:{partyName:"Harbour Kowloon Bank",eblPlatform:$p,identifyingCodes:[{codeListProvider:$p,partyCode:"HKBK"}]}}')")
[ "$(echo "$OUT" | jq -r .responseCode)" = RECE ] || die "$HK_CHAIN's gateway did not accept $B9 from $WAVE: $OUT"
wait_bill $HK_CHAIN "$B9" BILL_STATUS_ISSUED
[ "$(q $SH_CHAIN cargo bill "$B9" | jq -r .bill.export.continued_on)" = "$HK_CHAIN" ] || die "$SH_CHAIN did not hand $B9 over to $HK_CHAIN"
TOMB=$(q $SH_CHAIN cargo bill "$B9" | jq -c .bill)
ok "$B9: $SH_CHAIN → $WAVE (RECE) → $HK_CHAIN (RECE, keys handed over; $SH_CHAIN's tombstone continued on $HK_CHAIN)"
HK_CARGO=$(q $HK_CHAIN ibc channel channels | jq -r '[.channels[] | select(.port_id=="cargo" and .state=="STATE_OPEN")][0].channel_id')
tx $HK_CHAIN hkbank cargo send-bill "$B9" "$HK_CARGO" "$EXPORTER" >/dev/null
for _ in $(seq 1 90); do [ "$(q $SH_CHAIN cargo bill "$B9" | jq -r .bill.status)" = BILL_STATUS_ISSUED ] && break; sleep 1; done
B9SH=$(q $SH_CHAIN cargo bill "$B9" | jq -c .bill)
[ "$(echo "$B9SH" | jq -r '.status + " " + .holder')" = "BILL_STATUS_ISSUED $EXPORTER" ] || die "$B9 did not come back to $SH_CHAIN: $B9SH"
# The acknowledgement reaches $HK_CHAIN after the packet reached $SH_CHAIN.
for _ in $(seq 1 60); do [ "$(q $HK_CHAIN cargo bill "$B9" | jq -r .bill.status)" = BILL_STATUS_TRANSFERRED_OUT ] && break; sleep 1; done
[ "$(q $HK_CHAIN cargo bill "$B9" | jq -r .bill.status)" = BILL_STATUS_TRANSFERRED_OUT ] || die "$HK_CHAIN still has a live $B9"
# The archive: the tombstone as it was, and its history, linked to its head.
ARCH=$(q $SH_CHAIN cargo handed-over "$B9")
[ "$(echo "$ARCH" | jq '.bills | length')" = 1 ] || die "$SH_CHAIN archived $(echo "$ARCH" | jq '.bills | length') tombstones of $B9"
[ "$(echo "$ARCH" | jq -c '.bills[0].bill')" = "$TOMB" ] || die "the archived tombstone is not the one $SH_CHAIN had: $(echo "$ARCH" | jq -c '.bills[0].bill')"
case "$(echo "$ARCH" | jq -r '.bills[0].arrival')" in "ibc:cargo/"*) ;; *) die "the archive does not say the bill came back by IBC: $ARCH";; esac
ARCH_ACTIONS=$(links "$(echo "$ARCH" | jq -c '[.history[] | .entry]')" "$(echo "$TOMB" | jq -r .history_head)") || die "$B9's archived history does not verify"
case "$ARCH_ACTIONS" in "ISSUE → "*"EXPORT_ACCEPTED → EXPORT_CONTINUED") ;; *) die "unexpected archived history: $ARCH_ACTIONS";; esac
# The live history: what $HK_CHAIN carried (its import first), then RECEIVE.
HIST=$(q $SH_CHAIN cargo history "$B9" | jq -c .entries)
LIVE_ACTIONS=$(links "$HIST" "$(echo "$B9SH" | jq -r .history_head)") || die "$B9's history on $SH_CHAIN does not verify"
case "$LIVE_ACTIONS" in "IMPORTED → "*"SEND → RECEIVE") ;; *) die "unexpected history on $SH_CHAIN: $LIVE_ACTIONS";; esac
echo "$HIST" | jq -e --arg z "$HK_CHAIN" --arg last "$B9LAST" '.[0] | .chain_id == $z and (.pint.entry_checksums | index($last) != null)' >/dev/null \
  || die "$B9's history on $SH_CHAIN does not start with $HK_CHAIN's import continuing what $SH_CHAIN exported ($B9LAST)"
q $SH_CHAIN cargo prove-bill "$B9" --output-file "$DCSA_DIR/b9-proof.json" >/dev/null || die "the light client could not prove $B9 on $SH_CHAIN"
ok "archive: $ARCH_ACTIONS (linked to the tombstone's head)"
ok "live on $SH_CHAIN: $LIVE_ACTIONS (linked to the proved record's head; its import holds $SH_CHAIN's exported entry ${B9LAST:0:16}…)"

step "$SH_CHAIN → $WAVE" "10. WAVE answers every start with DISE (409: not a PINT status there, the proxy answers 500): no signed answer, then the zone authority withdraws the export"
B10=$(issue_via_gateway COSUWDR$(date +%s | tail -c 6))
pp POST "http://127.0.0.1:$PP_WAVE/control/mode" '{"answer":"DISE","at":"start","reason":"already held here (injected by e2e-dcsa)"}' >/dev/null
tx $SH_CHAIN exporter cargo export-bill "$B10" $WAVE "Wave Consignee Ltd" --code $WAVE:WC-1 >/dev/null
ST=
for _ in $(seq 1 60); do
  ST=$(curl -s "http://127.0.0.1:$GW_SH/corridor/v1/bills/$B10/export")
  [ "$(echo "$ST" | jq -r '.stalled // false')" = true ] && break; sleep 1
done
log "export status: $(echo "$ST" | jq -c '{state, unsignedAnswers, lastUnsignedAnswer: (.lastUnsignedAnswer // "" | .[0:120])}')"
[ "$(echo "$ST" | jq -r '.stalled // false')" = true ] || die "the export of $B10 was not reported stalled: $ST"
[ "$(echo "$ST" | jq -r .unsignedAnswers)" -ge 2 ] || die "fewer than 2 unsigned answers recorded: $ST"
echo "$ST" | jq -r .operatorAction | grep -q "withdraw-export $B10" || die "the stalled export does not name the operator action: $ST"
[ "$(q $SH_CHAIN cargo bill "$B10" | jq -r .bill.status)" = BILL_STATUS_EXPORTING ] || die "an unsigned answer concluded $B10"
ok "no signed answer: $B10 stays EXPORTING; the gateway retried $(echo "$ST" | jq -r .unsignedAnswers) times and reports it stalled with the operator action"
tx $SH_CHAIN admin cargo withdraw-export "$B10" "WAVE answered 409 to every start and confirmed it holds no envelope of this bill" >/dev/null
wait_bill $SH_CHAIN "$B10" BILL_STATUS_ISSUED
[ "$(q $SH_CHAIN cargo bill "$B10" | jq -r .bill.holder)" = "$EXPORTER" ] || die "$B10 is not the exporter's again"
[ "$(q $SH_CHAIN cargo history "$B10" | jq -r '.entries[-1].action')" = EXPORT_WITHDRAWN ] || die "no EXPORT_WITHDRAWN entry for $B10"
for _ in $(seq 1 60); do
  ST=$(curl -s "http://127.0.0.1:$GW_SH/corridor/v1/bills/$B10/export")
  [ "$(echo "$ST" | jq -r .state)" = WITHDRAWN ] && break; sleep 1
done
[ "$(echo "$ST" | jq -r .state)" = WITHDRAWN ] || die "the gateway did not stop the withdrawn export: $ST"
N=$(echo "$ST" | jq -r .unsignedAnswers); sleep 5
[ "$(curl -s "http://127.0.0.1:$GW_SH/corridor/v1/bills/$B10/export" | jq -r .unsignedAnswers)" = "$N" ] || die "the gateway still sends the withdrawn export of $B10"
pp POST "http://127.0.0.1:$PP_WAVE/control/mode" '{}' >/dev/null
ok "withdrawn by the zone authority: $B10 back with the exporter (EXPORT_WITHDRAWN), the gateway stopped sending (state WITHDRAWN after $N unsigned answers)"

step dcsa "all DCSA fault cases passed"
