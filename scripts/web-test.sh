#!/usr/bin/env bash
# make test-web: the web app in a real browser against a real corridor.
# Plays the demo (both zones, the relayer, the web app; KEEP=1 so they stay
# up), issues a fresh blank-endorsed bill on hongkong-1 to the exporter, then
# runs web/e2e with Debian's Chromium (playwright-core). Screenshots land in
# web/artifacts/. Stops everything it started.
source "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM (apt-get install -y chromium)"
[ -f "$ROOT/web/dist/index.html" ] || die "the web app is not built (make web)"

trap '"$ROOT/scripts/localnet.sh" stop' EXIT
log "playing the demo for the browser to look at (log: $LOCALNET/demo.log)"
mkdir -p "$LOCALNET"
KEEP=1 NO_COLOR=1 "$ROOT/scripts/demo.sh" > "$LOCALNET.demo.log" 2>&1 || { tail -30 "$LOCALNET.demo.log"; die "the demo failed"; }
mv "$LOCALNET.demo.log" "$LOCALNET/demo.log"

DOC="$LOCALNET/ebl-shanghai-hongkong.json"
DEMO_BILL=COS-$(jq -r .transportDocumentReference "$DOC")
DOC_HASH=$(q $HK_CHAIN cargo verify-document "$DOC" | jq -r .document.hash)
CARRIER=$(addr $HK_CHAIN carrier) EXPORTER=$(addr $HK_CHAIN exporter) IMPORTER=$(addr $HK_CHAIN importer)

step "$HK_CHAIN" "a fresh blank-endorsed eBL for the browser to transfer and send"
WEB_DOC="$LOCALNET/ebl-web.json"
REF=WEB$(date +%s)
jq --arg r "$REF" '.transportDocumentReference = $r | del(.documentParties.endorsee) | .transports.portOfLoading.UNLocationCode = "HKHKG" | .transports.portOfDischarge.UNLocationCode = "CNSHA"' \
  "$DOC" > "$WEB_DOC"
tx $HK_CHAIN carrier cargo issue-bill --document "$WEB_DOC" --issue-to "$EXPORTER" >/dev/null
WEB_BILL=COS-$REF
for _ in $(seq 1 60); do
  [ "$(q $HK_CHAIN cargo bill $WEB_BILL | jq -r .bill.status)" = BILL_STATUS_ISSUED ] && break
  sleep 1
done
[ "$(q $HK_CHAIN cargo bill $WEB_BILL | jq -r '.bill.status + " " + .bill.mode')" = "BILL_STATUS_ISSUED BILL_MODE_BLANK" ] \
  || die "$WEB_BILL is not an issued blank-endorsed bill: $(q $HK_CHAIN cargo bill $WEB_BILL | jq -c .bill)"
log "$WEB_BILL issued on $HK_CHAIN to the exporter; the corridor registry confirmed it"

step browser "web/e2e in Chromium against http://127.0.0.1:$WEB_PORT/"
cd "$ROOT/web"
WEB_URL="http://127.0.0.1:$WEB_PORT" DOC_FILE="$DOC" DOC_HASH="$DOC_HASH" DEMO_BILL="$DEMO_BILL" WEB_BILL="$WEB_BILL" \
  EXPORTER_ADDR="$EXPORTER" IMPORTER_ADDR="$IMPORTER" \
  EXPORTER_MNEMONIC="${MNEMONIC[exporter]}" IMPORTER_MNEMONIC="${MNEMONIC[importer]}" HKBANK_MNEMONIC="${MNEMONIC[hkbank]}" \
  CHROMIUM="$CHROMIUM" \
  node --test --test-reporter=spec e2e/corridor.test.mjs

"$ROOT/scripts/e2e-dcsa.sh"   # DCSA gateways: fault cases (the demo started the gateways, pintpeer and the proxies)
"$ROOT/scripts/e2e-consent.sh"   # issue 39: the consent-gated document store's abuse suite
"$ROOT/scripts/e2e-proofs.sh"
"$ROOT/scripts/e2e-proofs-cli.sh"
(source "$ROOT/scripts/dcsa.sh"; WEB_URL="http://127.0.0.1:$WEB_PORT" EXPORTER_ADDR="$EXPORTER" IMPORTER_ADDR="$IMPORTER" EXPORTER_MNEMONIC="${MNEMONIC[exporter]}" IMPORTER_MNEMONIC="${MNEMONIC[importer]}" CARRIER_CONTROL_URL="http://127.0.0.1:$PP_CARRIER" ISSUANCE_URL="http://127.0.0.1:$PX_ISS_SH" CHROMIUM="$CHROMIUM" node --test --test-reporter=spec e2e/dcsa.test.mjs)   # issue 37: a bill's PINT imports and exports on its page (after the DCSA suite, whose bills it reads)
"$ROOT/scripts/e2e-sme.sh"   # issue 39: the SME page — ADR-036 sign-in in the browser, every record proved, a lying proxy

step "$SH_CHAIN" "stopped: the app answers from hongkong-1 and says what it could not ask"
SH_PID=$(awk -v n="$SH_CHAIN" '$2 == n {print $1}' "$LOCALNET/pids" | tail -1)
kill "$SH_PID"
for _ in $(seq 1 40); do kill -0 "$SH_PID" 2>/dev/null || break; sleep 0.25; done
WEB_URL="http://127.0.0.1:$WEB_PORT" DOC_FILE="$DOC" CHROMIUM="$CHROMIUM" node --test --test-reporter=spec e2e/zone-down.mjs
log "screenshots: $(ls "$ROOT"/web/artifacts/*.png | xargs -n1 basename | tr '\n' ' ')"
