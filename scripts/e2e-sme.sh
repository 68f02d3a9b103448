#!/usr/bin/env bash
# The SME page (issue 39) in Chromium on the shared corridor: the exporter
# (SHPE) grants the Hong Kong bank consent to all its trade data on both
# zones (the demo's finance leg granted and then revoked narrower ones); the
# bank signs each zone's document store challenge in the browser with the
# app's own signer (ADR-036), sees the track record with every record proved
# by the light client, reads the packing list through Hong Kong's store (hash
# checked in the browser, access record proved); a viewer without consent is
# told so and sees nothing; a revocation takes the page away; and through a
# lying proxy a changed record shows "proof failed". Expects the corridor up
# (scripts/web-test.sh calls it after the demo); screenshots in web/artifacts/.
source "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM (apt-get install -y chromium)"
[ -f "$ROOT/web/dist/trust-roots.json" ] || die "the web app's trust roots are not written (start the corridor with scripts/localnet.sh or demo.sh)"
curl -sf "http://127.0.0.1:$HK_RPC/status" >/dev/null || die "$HK_CHAIN is not running (this suite expects the corridor up)"
GW_HK_URL="http://127.0.0.1:$((8580 + _o))" GW_SH_URL="http://127.0.0.1:$((8480 + _o))"
for u in "$GW_HK_URL" "$GW_SH_URL"; do
  curl -sf "$u/docstore/v1/health" >/dev/null || die "no document store at $u/docstore/v1/ (the demo's DCSA legs start each zone's gateway)"
done

EXPORTER=$(addr $HK_CHAIN exporter) IMPORTER=$(addr $HK_CHAIN importer) BANK=$(addr $HK_CHAIN hkbank)

step "$SH_CHAIN" "Harbour Kowloon Bank is a party of shanghai-1 too (the SME's consent there names it)"
if ! q $SH_CHAIN cargo party "$BANK" >/dev/null 2>&1; then
  tx $SH_CHAIN admin cargo register-party "$BANK" HKBK "Harbour Kowloon Bank" HK BANK --lei 529900HARBKWLNBNK042 >/dev/null
fi
log "$(q $SH_CHAIN cargo party "$BANK" | jq -r '.party | "\(.code) \(.roles | join(",")) active=\(.active)"')"

step "$HK_CHAIN" "a fresh bill held by the exporter on $HK_CHAIN (the record the lying proxy will change)"
DOC="$LOCALNET/ebl-sme.json"
REF=SME$(date +%s)
jq --arg r "$REF" '.transportDocumentReference = $r | del(.documentParties.endorsee) | .transports.portOfLoading.UNLocationCode = "HKHKG" | .transports.portOfDischarge.UNLocationCode = "CNSHA"' \
  "$ROOT/examples/ebl-shanghai-hongkong.json" > "$DOC"
tx $HK_CHAIN carrier cargo issue-bill --document "$DOC" --issue-to "$EXPORTER" >/dev/null
BILL=COS-$REF
for _ in $(seq 1 60); do
  [ "$(q $HK_CHAIN cargo bill $BILL | jq -r .bill.holder)" = "$EXPORTER" ] && break
  sleep 1
done
[ "$(q $HK_CHAIN cargo bill $BILL | jq -r .bill.holder)" = "$EXPORTER" ] || die "$BILL is not held by the exporter: $(q $HK_CHAIN cargo bill $BILL | jq -c .bill)"

step "both zones" "the exporter grants the bank consent to all its trade data, for a credit review, 1 day"
until=$(date -u -d '+1 day' +%FT%TZ)
for Z in $HK_CHAIN $SH_CHAIN; do
  tx $Z exporter cargo grant-consent "$BANK" '*' "credit review for invoice financing" "$until" >/dev/null
done
C_HK=$(q $HK_CHAIN cargo consents --granter "$EXPORTER" | jq -r --arg g "$BANK" '[.consents[] | select(.grantee == $g and .scope == "*" and (.revoked | not))] | last | .id')
C_SH=$(q $SH_CHAIN cargo consents --granter "$EXPORTER" | jq -r --arg g "$BANK" '[.consents[] | select(.grantee == $g and .scope == "*" and (.revoked | not))] | last | .id')
log "consent $C_HK on $HK_CHAIN, $C_SH on $SH_CHAIN"
PACKING="$LOCALNET/packing-list-SHPE-2026-0418.json"
[ -f "$PACKING" ] || die "the demo's finance leg left no packing list ($PACKING)"
PACKING_HASH=$("$BIN" docstore hash "$PACKING")

step browser "the light client's encoders compiled for the lying proxy (web/e2e/.build)"
cd "$ROOT/web"
rm -rf e2e/.build
npx tsc --outDir e2e/.build --rootDir src --module es2022 --target es2022 --moduleResolution bundler --skipLibCheck --types node \
  src/lib/light/types.ts src/lib/light/keys.ts

step browser "web/e2e/sme.test.mjs in Chromium"
WEB_URL="http://127.0.0.1:$WEB_PORT" SME_ADDR="$EXPORTER" SME_BILL="$BILL" BANK_ADDR="$BANK" IMPORTER_ADDR="$IMPORTER" \
  BANK_MNEMONIC="${MNEMONIC[hkbank]}" IMPORTER_MNEMONIC="${MNEMONIC[importer]}" \
  PACKING_HASH="$PACKING_HASH" PACKING_FILE="$PACKING" TD_HASH="$(q $HK_CHAIN cargo bill $BILL | jq -r .bill.document_hash)" \
  PROOF_HK_REST="http://127.0.0.1:$HK_API" PROOF_HK_RPC="http://127.0.0.1:$HK_RPC" PROOF_SH_REST="http://127.0.0.1:$SH_API" PROOF_SH_RPC="http://127.0.0.1:$SH_RPC" \
  HK_GATEWAY_URL="$GW_HK_URL" SH_GATEWAY_URL="$GW_SH_URL" PROXY_WEB_PORT=$((WEB_PORT + 110)) CHROMIUM="$CHROMIUM" \
  REVOKE_CMD="source '$ROOT/scripts/lib.sh' && tx $HK_CHAIN exporter cargo revoke-consent $C_HK >/dev/null && echo 'consent $C_HK revoked on $HK_CHAIN'" \
  node --test --test-reporter=spec e2e/sme.test.mjs
rm -rf e2e/.build
