#!/usr/bin/env bash
# End-to-end abuse suite of the consent-gated document store (issue 39) on
# the shared corridor: expects both zones, the relayer and the demo's Hong
# Kong document store running — its gateway's /docstore/v1/, or a standalone
# store (scripts/web-test.sh plays the demo with KEEP=1 first; or `KEEP=1 make
# demo`). For the cross-zone case it uses Shanghai's gateway, or starts
# Shanghai's standalone store (recorded, so localnet.sh stop ends it).
source "$(dirname "$0")/lib.sh"
source "$ROOT/scripts/demo-finance.sh"
HK_DS=${DOCSTORE_URL:-$(docstore_of "$HK_CHAIN" "$DS_HK_PORT")}
curl -sf "$HK_DS/docstore/v1/health" >/dev/null || die "no document store at $HK_DS: play the demo with KEEP=1 first"

EXPORTER=$(addr $HK_CHAIN exporter) BANK=$(addr $HK_CHAIN hkbank)
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
DOCF="$WORK/proof-of-delivery.txt"
printf 'Proof of delivery KBCT-2026-0418, 320 cartons received %s\n' "$(date -u +%FT%TZ)" > "$DOCF"
H=$("$BIN" docstore hash "$DOCF")
tx $HK_CHAIN exporter cargo anchor-document "$H" OTHER >/dev/null
ds $HK_CHAIN exporter upload "$DOCF" --url "$HK_DS" >/dev/null
until=$(date -u -d '+1 day' +%FT%TZ)
tx $HK_CHAIN exporter cargo grant-consent "$BANK" "doc:$H" "trade finance e2e" "$until" >/dev/null
CID=$(q $HK_CHAIN cargo consents --grantee "$BANK" | jq -r --arg s "doc:$H" '[.consents[] | select(.scope == $s)] | last | .id')
URL="$HK_DS/docstore/v1/documents/$H?consent=$CID"

# curl_auth HEADERS-JSON METHOD URL [curl args]: one request with the signed headers; prints "CODE BODY".
curl_auth() {
  local hj=$1 m=$2 u=$3; shift 3
  local args=(); while IFS= read -r kv; do args+=(-H "$kv"); done < <(echo "$hj" | jq -r 'to_entries[] | "\(.key): \(.value)"')
  curl -s -o "$WORK/body" -w '%{http_code}' -X "$m" "${args[@]}" "$@" "$u"; printf ' %s' "$(head -c 400 "$WORK/body")"
}
expect() { # expect WHAT WANT-CODE WANT-TEXT "CODE BODY"
  local got=${4%% *}
  [ "$got" = "$2" ] || die "$1: HTTP $got, expected $2: ${4#* }"
  case "${4#* }" in *"$3"*) log "$1 → $2: ${4#* }" ;; *) die "$1: the answer does not say \"$3\": ${4#* }";; esac
}

step "$HK_CHAIN" "a replayed challenge signature is refused"
HDR=$(ds $HK_CHAIN hkbank sign-challenge --url "$HK_DS")
r=$(curl_auth "$HDR" GET "$URL"); [ "${r%% *}" = 200 ] || die "the first read failed: $r"
expect "the same signed challenge again" 401 "already used" "$(curl_auth "$HDR" GET "$URL")"

step "$SH_CHAIN → $HK_CHAIN" "a challenge of Shanghai's store, signed by the bank, is refused by Hong Kong's"
SH_DS=$(docstore_of "$SH_CHAIN" "$DS_SH_PORT")
SHHDR=$(ds $SH_CHAIN hkbank sign-challenge --url "$SH_DS")
expect "Shanghai's challenge at Hong Kong" 401 "challenge" "$(curl_auth "$SHHDR" GET "$URL")"

step "$HK_CHAIN" "other grantee, other scope, not a party"
expect "another bank with the bank's consent" 403 "was granted to" \
  "$(curl_auth "$(ds $HK_CHAIN importer sign-challenge --url "$HK_DS")" GET "$URL")"
INVOICE_HASH=$(printf 'Commercial invoice SHPE-2026-0418: 320 cartons PCB assemblies, HKD 1,250,000, CIF Hong Kong\n' | sha256sum | cut -c1-64)
expect "the exporter's invoice under a consent to another document" 403 "covers doc:$H only" \
  "$(curl_auth "$(ds $HK_CHAIN hkbank sign-challenge --url "$HK_DS")" GET "$HK_DS/docstore/v1/documents/$INVOICE_HASH?consent=$CID")"
expect "an unsigned request" 401 "sign a challenge" "$(curl -s -o "$WORK/body" -w '%{http_code}' "$URL"; printf ' %s' "$(cat "$WORK/body")")"

step "$HK_CHAIN" "uploads: bytes not matching the hash, 100 MB"
printf 'tampered\n' >> "$DOCF"
expect "bytes not matching the anchored hash" 422 "hash_mismatch" \
  "$(curl_auth "$(ds $HK_CHAIN exporter sign-challenge --url "$HK_DS")" PUT "$HK_DS/docstore/v1/documents/$H" --data-binary "@$DOCF")"
head -c $((100 << 20)) /dev/zero > "$WORK/big"
expect "a 100 MB upload" 413 "the limit is" \
  "$(curl_auth "$(ds $HK_CHAIN exporter sign-challenge --url "$HK_DS")" PUT "$HK_DS/docstore/v1/documents/$H" --data-binary "@$WORK/big")"
rm -f "$WORK/big"

step "$HK_CHAIN" "100 parallel reads (1,000 run in go test ./internal/docstore -run TestThousandParallelDownloads): all served, all on the access log"
before=$(q $HK_CHAIN cargo access-records "$EXPORTER" --count-total | jq -r .pagination.total)
seq 1 100 | xargs -P 50 -I{} sh -c '"$0" docstore fetch "$1" --consent "$2" --url "$3" --from hkbank --keyring-backend test --home "$4" --chain-id "$5" --out /dev/null 2>/dev/null || echo FAIL' \
  "$BIN" "$H" "$CID" "$HK_DS" "$(zone_home $HK_CHAIN)" $HK_CHAIN > "$WORK/par"
! grep -q FAIL "$WORK/par" || die "$(grep -c FAIL "$WORK/par") of 100 parallel reads failed"
after=$(q $HK_CHAIN cargo access-records "$EXPORTER" --count-total | jq -r .pagination.total)
[ $((after - before)) = 100 ] || die "access records: $before → $after, expected +100"
log "100 reads served, access records $before → $after"

step "$HK_CHAIN" "revoked, then expired"
tx $HK_CHAIN exporter cargo revoke-consent "$CID" >/dev/null
expect "a read under the revoked consent" 403 "revoked" "$(curl_auth "$(ds $HK_CHAIN hkbank sign-challenge --url "$HK_DS")" GET "$URL")"
DOC2="$WORK/cert-origin.txt"; printf 'Certificate of origin CN-SHA-2026-0418\n' > "$DOC2"
H2=$("$BIN" docstore hash "$DOC2")
tx $HK_CHAIN exporter cargo anchor-document "$H2" CERTIFICATE_OF_ORIGIN >/dev/null 2>&1 || true
ds $HK_CHAIN exporter upload "$DOC2" --url "$HK_DS" >/dev/null
tx $HK_CHAIN exporter cargo grant-consent "$BANK" "doc:$H2" "expiry e2e" "$(date -u -d '+8 seconds' +%FT%TZ)" >/dev/null
C2=$(q $HK_CHAIN cargo consents --grantee "$BANK" | jq -r --arg s "doc:$H2" '[.consents[] | select(.scope == $s)] | last | .id')
sleep 10
expect "a read under the expired consent" 403 "expired" \
  "$(curl_auth "$(ds $HK_CHAIN hkbank sign-challenge --url "$HK_DS")" GET "$HK_DS/docstore/v1/documents/$H2?consent=$C2")"
step e2e-consent "all checks passed"
