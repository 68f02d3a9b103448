#!/usr/bin/env bash
# The browser's light client against a lying server (issue 38): a fresh
# bearer bill on hongkong-1, then web/e2e/proofs.test.mjs in Chromium through
# web/e2e/lying-proxy.mjs — forged anchor, changed holder, replay from before
# a transfer, a header of foreign validators: each "proof failed", never
# green; the genuine answers green. Expects the corridor up (scripts/web-test.sh
# calls it with the demo's corridor running); screenshots in web/artifacts/.
source "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM (apt-get install -y chromium)"
[ -f "$ROOT/web/dist/trust-roots.json" ] || die "the web app's trust roots are not written (start the corridor with scripts/localnet.sh or demo.sh)"
curl -sf "http://127.0.0.1:$HK_RPC/status" >/dev/null || die "$HK_CHAIN is not running (this suite expects the corridor up)"

step "$HK_CHAIN" "a fresh blank-endorsed eBL for the lying proxy to lie about"
EXPORTER=$(addr $HK_CHAIN exporter) IMPORTER=$(addr $HK_CHAIN importer)
DOC="$LOCALNET/ebl-proofs.json"
REF=PRF$(date +%s)
jq --arg r "$REF" '.transportDocumentReference = $r | del(.documentParties.endorsee) | .transports.portOfLoading.UNLocationCode = "HKHKG" | .transports.portOfDischarge.UNLocationCode = "CNSHA"' \
  "$ROOT/examples/ebl-shanghai-hongkong.json" > "$DOC"
tx $HK_CHAIN carrier cargo issue-bill --document "$DOC" --issue-to "$EXPORTER" >/dev/null
BILL=COS-$REF
for _ in $(seq 1 60); do
  [ "$(q $HK_CHAIN cargo bill $BILL | jq -r .bill.status)" = BILL_STATUS_ISSUED ] && break
  sleep 1
done
[ "$(q $HK_CHAIN cargo bill $BILL | jq -r '.bill.holder')" = "$EXPORTER" ] || die "$BILL is not held by the exporter: $(q $HK_CHAIN cargo bill $BILL | jq -c .bill)"
DOC_HASH=$(q $HK_CHAIN cargo verify-document "$DOC" | jq -r .document.hash)
FORGED="$LOCALNET/ebl-proofs-forged.json"
jq '.transports.portOfDischarge.UNLocationCode = "CNNGB"' "$DOC" > "$FORGED"
log "$BILL issued to the exporter; its document $DOC_HASH"

step "$HK_CHAIN" "a proof bundle of $BILL from the CLI, linked to the web app's trust root"
TRUST_ROOT="$LOCALNET/trust-root-$HK_CHAIN.json"
jq --arg c "$HK_CHAIN" '.zones[$c] | {chain_id: $c, height, hash}' "$ROOT/web/dist/trust-roots.json" > "$TRUST_ROOT"
BUNDLE="$LOCALNET/bundle-$BILL.json"
q $HK_CHAIN cargo prove-bill "$BILL" --trust-root "$TRUST_ROOT" --output-file "$BUNDLE" >/dev/null
"$BIN" verify-bundle "$BUNDLE" --trust-root "$TRUST_ROOT" >/dev/null || die "the CLI does not verify its own bundle"
log "bundle: $(wc -c < "$BUNDLE") bytes, verified by tradechaind verify-bundle"

step browser "the light client's encoders compiled for the proxy (web/e2e/.build)"
cd "$ROOT/web"
rm -rf e2e/.build
npx tsc --outDir e2e/.build --rootDir src --module es2022 --target es2022 --moduleResolution bundler --skipLibCheck --types node \
  src/lib/light/types.ts src/lib/light/keys.ts

step browser "web/e2e/proofs.test.mjs in Chromium, hongkong-1 behind the lying proxy"
PROOF_BILL="$BILL" PROOF_BUNDLE="$BUNDLE" PROOF_DOC_FILE="$DOC" PROOF_DOC_HASH="$DOC_HASH" FORGED_DOC_FILE="$FORGED" \
  EXPORTER_ADDR="$EXPORTER" IMPORTER_ADDR="$IMPORTER" \
  PROOF_HK_REST="http://127.0.0.1:$HK_API" PROOF_HK_RPC="http://127.0.0.1:$HK_RPC" PROOF_SH_REST="http://127.0.0.1:$SH_API" PROOF_SH_RPC="http://127.0.0.1:$SH_RPC" \
  PROXY_WEB_PORT=$((WEB_PORT + 100)) CHROMIUM="$CHROMIUM" \
  TRANSFER_CMD="source '$ROOT/scripts/lib.sh' && tx $HK_CHAIN exporter cargo transfer-bill $BILL $IMPORTER >/dev/null && echo '$BILL transferred to the importer'" \
  node --test --test-reporter=spec e2e/proofs.test.mjs
rm -rf e2e/.build
log "light-client timings: $(jq -c . "$ROOT/web/artifacts/proof-timings.json" 2>/dev/null)"
