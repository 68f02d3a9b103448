#!/usr/bin/env bash
# The corridor story's finance leg (issue 39), sourced by scripts/demo.sh and
# run at its end: data shared by consent. Uses demo.sh's variables
# (HK_CHAIN, SH_CHAIN, EXPORTER, BANK, BILL, DOC, INVOICE_HASH, INV, HKD).
#
# The exporter uploads its invoice, packing list and transport document to
# Hong Kong's document store, grants the Hong Kong bank consent to them; the
# bank reads them (each read recorded on chain before release), checks the
# exporter's track record on both zones, offers financing; the exporter
# revokes, and the bank's next read is refused.
#
# The store is the zone gateway's /docstore/v1/ when DOCSTORE_URL names it;
# otherwise a standalone `tradechaind docstore start` (recorded like every
# process the demo starts, so localnet.sh stop ends it).

DS_HK_PORT=${DS_HK_PORT:-$((8590 + ${PORT_OFFSET:-0}))}
DS_SH_PORT=${DS_SH_PORT:-$((8490 + ${PORT_OFFSET:-0}))}

# start_docstore CHAIN PORT: register a ROLE_PLATFORM key and run the
# standalone store for the zone on loopback.
start_docstore() {
  local c=$1 port=$2 home key=docstore
  home=$(zone_home "$c")
  "$BIN" keys show $key $KR --home "$home" >/dev/null 2>&1 || "$BIN" keys add $key $KR --home "$home" >/dev/null 2>&1
  local ds; ds=$("$BIN" keys show $key -a $KR --home "$home")
  if ! q "$c" cargo party "$ds" >/dev/null 2>&1; then
    tx "$c" admin cargo register-party "$ds" "$([ "$c" = "$HK_CHAIN" ] && echo DSHK || echo DSSH)" "Document store of $c" "$([ "$c" = "$HK_CHAIN" ] && echo HK || echo CN)" PLATFORM >/dev/null
    tx "$c" admin bank send "$(addr "$c" admin)" "$ds" 10000000utrade >/dev/null
  fi
  "$BIN" docstore start --home "$home" --chain-id "$c" --node "$(zone_rpc "$c")" --key-name $key \
    --keyring-backend test --listen "127.0.0.1:$port" >> "$LOCALNET/docstore-$c.log" 2>&1 &
  record_pid "docstore-$c" $!
  for _ in $(seq 1 40); do curl -sf "http://127.0.0.1:$port/docstore/v1/health" >/dev/null && return 0; sleep 0.5; done
  die "the document store of $c did not start (see $LOCALNET/docstore-$c.log)"
}

# ds CHAIN FROM args...: the docstore client as a party of the zone.
ds() { local c=$1 from=$2; shift 2; "$BIN" docstore "$@" --from "$from" $KR --home "$(zone_home "$c")" --chain-id "$c"; }

# docstore_of CHAIN PORT: the URL of CHAIN's document store — its gateway's
# /docstore/v1/ when the zone's gateway runs (the DCSA legs started it), else
# a standalone store started on PORT.
source "$ROOT/scripts/dcsa.sh"
docstore_of() {
  local c=$1 port=$2 gw
  gw="http://127.0.0.1:$(gw_port "$c")"
  if curl -sf "$gw/docstore/v1/health" >/dev/null 2>&1; then echo "$gw"; return; fi
  curl -sf "http://127.0.0.1:$port/docstore/v1/health" >/dev/null 2>&1 || start_docstore "$c" "$port" >&2
  echo "http://127.0.0.1:$port"
}

finance_leg() {
  local HK_DS="${DOCSTORE_URL:-}"
  [ -n "$HK_DS" ] || HK_DS=$(docstore_of "$HK_CHAIN" "$DS_HK_PORT")
  export HK_DS

  step "$HK_CHAIN" "the exporter puts its invoice, packing list and transport document in Hong Kong's document store ($HK_DS)"
  local invoice="$LOCALNET/invoice-SHPE-2026-0418.txt" packing="$LOCALNET/packing-list-SHPE-2026-0418.json"
  printf 'Commercial invoice SHPE-2026-0418: 320 cartons PCB assemblies, HKD 1,250,000, CIF Hong Kong\n' > "$invoice"
  printf '{"packingListNumber":"PL-SHPE-2026-0418","invoice":"SHPE-2026-0418","cartons":320,"grossWeightKg":4160,"marks":"KBCT HONG KONG 1-320"}\n' > "$packing"
  PACKING_HASH=$("$BIN" docstore hash "$packing")
  tx $HK_CHAIN exporter cargo anchor-document "$PACKING_HASH" PACKING_LIST --bill-id "$BILL" >/dev/null
  local TD_HASH; TD_HASH=$(q $HK_CHAIN cargo bill "$BILL" | jq -r .bill.document_hash)
  for f in "$invoice" "$packing" "$DOC"; do
    h=$(ds $HK_CHAIN exporter upload "$f" --url "$HK_DS")
    log "uploaded $(basename "$f") → $h (encrypted at rest, checked against the anchor)"
  done
  err=$(ds $HK_CHAIN hkbank upload "$invoice" --url "$HK_DS" 2>&1) && die "the bank uploaded the exporter's invoice"
  log "only a document's owner uploads it: $err"

  step "$HK_CHAIN" "the exporter grants Harbour Kowloon Bank consent: its bill (transport document, packing list) and its invoice, for invoice financing, 30 days"
  local until; until=$(date -u -d '+30 days' +%FT%TZ)
  tx $HK_CHAIN exporter cargo grant-consent "$BANK" "$BILL" "invoice financing SHPE-2026-0418" "$until" >/dev/null
  tx $HK_CHAIN exporter cargo grant-consent "$BANK" "doc:$INVOICE_HASH" "invoice financing SHPE-2026-0418" "$until" >/dev/null
  local C_BILL C_INV
  C_BILL=$(q $HK_CHAIN cargo consents --grantee "$BANK" | jq -r --arg s "$BILL" '[.consents[] | select(.scope == $s)] | last | .id')
  C_INV=$(q $HK_CHAIN cargo consents --grantee "$BANK" | jq -r --arg s "doc:$INVOICE_HASH" '[.consents[] | select(.scope == $s)] | last | .id')
  q $HK_CHAIN cargo consents --granter "$EXPORTER" | jq -r '.consents[] | "  consent \(.id): \(.scope) to \(.grantee[0:16])… for \"\(.purpose)\" until \(.expires_at) revoked=\(.revoked // false)"'

  step "$HK_CHAIN" "the bank signs a challenge with its chain key (ADR-036) and reads the three documents; each read is on chain before the bytes leave"
  ds $HK_CHAIN hkbank fetch "$INVOICE_HASH" --consent "$C_INV" --url "$HK_DS" --out "$LOCALNET/bank-invoice.txt"
  ds $HK_CHAIN hkbank fetch "$PACKING_HASH" --consent "$C_BILL" --url "$HK_DS" --out "$LOCALNET/bank-packing.json"
  ds $HK_CHAIN hkbank fetch "$TD_HASH" --consent "$C_BILL" --url "$HK_DS" --out "$LOCALNET/bank-td.json"
  cmp -s "$invoice" "$LOCALNET/bank-invoice.txt" || die "the bank did not get the exporter's invoice"
  err=$(ds $HK_CHAIN hkbank fetch "$PACKING_HASH" --consent "$C_INV" --url "$HK_DS" 2>&1) && die "a consent to the invoice released the packing list"
  log "a consent to one document releases that document only: $err"
  echo "  the exporter's access log (q cargo access-records $EXPORTER):"
  q $HK_CHAIN cargo access-records "$EXPORTER" | jq -r '.records[] | "  #\(.id) block \(.height) \(.accessed_at): \(.grantee[0:16])… read \(.document_hash[0:16])… under consent \(.consent_id) (\(.purpose))"'
  [ "$(q $HK_CHAIN cargo access-records "$EXPORTER" | jq '.records | length')" -ge 3 ] || die "the reads are not all on the owner's access log"

  step "both zones" "the bank checks the exporter's corridor track record"
  for Z in $SH_CHAIN $HK_CHAIN; do
    q $Z cargo track-record "$EXPORTER" | jq -r --arg z $Z '.figures[] | select(.count != "0" and .count != 0) | "  [\($z)] \(.name): \(.count) (\(.ids | join(", ")))"'
    q $Z tradefinance track-record "$EXPORTER" | jq -r --arg z $Z '.figures[] | select(.count != "0" and .count != 0) | "  [\($z)] \(.name): \(.count) (\(.ids | join(", ")))"'
  done
  [ "$(q $HK_CHAIN tradefinance track-record "$EXPORTER" | jq -r '.figures[] | select(.name == "presentations_complying") | .count')" -ge 1 ] \
    || die "the exporter's complying presentation is not on its track record on $HK_CHAIN"
  [ "$(q $SH_CHAIN cargo track-record "$EXPORTER" | jq -r '.figures[] | select(.name == "bills_shipped") | .ids | index("'"$BILL"'") != null')" = true ] \
    || die "the bill the exporter shipped is not on its track record on $SH_CHAIN"

  step "$HK_CHAIN" "the bank offers to finance invoice $INV"
  tx $HK_CHAIN hkbank tradefinance offer-financing "$INV" "1000000$HKD" "1012500$HKD" "$(date -u -d '+90 days' +%F)" >/dev/null
  q $HK_CHAIN tradefinance invoice "$INV" | jq -r '.invoice | "  invoice \(.id): \(.status)"'

  step "$HK_CHAIN" "the exporter revokes both consents; from the next block the bank's reads are refused"
  tx $HK_CHAIN exporter cargo revoke-consent "$C_INV" >/dev/null
  tx $HK_CHAIN exporter cargo revoke-consent "$C_BILL" >/dev/null
  err=$(ds $HK_CHAIN hkbank fetch "$INVOICE_HASH" --consent "$C_INV" --url "$HK_DS" 2>&1) && die "a read under a revoked consent was served"
  log "refused: $err"
  case "$err" in *revoked*) ;; *) die "the refusal does not say the consent was revoked";; esac
}
