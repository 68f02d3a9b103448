#!/usr/bin/env bash
# The corridor demo: start both zones and the relayer (scripts/localnet.sh),
# then play the story step by step, printing on which zone each step happens.
# Exits 0 only if every check holds. The localnet is stopped at the end unless
# KEEP=1 is set.
source "$(dirname "$0")/lib.sh"

cleanup() { [ "${KEEP:-0}" = 1 ] || "$ROOT/scripts/localnet.sh" stop; }
trap cleanup EXIT

start=$(date +%s)
"$ROOT/scripts/localnet.sh" start

transfer_channel() {  # CHAIN -> channel id of the transfer port on that zone
  q "$1" ibc channel channels | jq -r '[.channels[] | select(.port_id=="transfer" and .state=="STATE_OPEN")][0].channel_id'
}

HK_TRANSFER=$(transfer_channel "$HK_CHAIN")
SH_TRANSFER=$(transfer_channel "$SH_CHAIN")

# --- ICS-20: utrade from Hong Kong to Shanghai -------------------------------
SENDER=$(addr "$HK_CHAIN" importer)
RECEIVER=$(addr "$SH_CHAIN" exporter)
AMOUNT=2500000
VOUCHER="ibc/$(printf 'transfer/%s/utrade' "$SH_TRANSFER" | sha256sum | cut -c1-64 | tr a-f A-F)"

step "$HK_CHAIN" "importer $SENDER sends ${AMOUNT}utrade to $RECEIVER on $SH_CHAIN over ICS-20 ($HK_TRANSFER)"
before_hk=$(balance "$HK_CHAIN" "$SENDER" utrade)
before_sh=$(balance "$SH_CHAIN" "$RECEIVER" "$VOUCHER")
tx "$HK_CHAIN" importer ibc-transfer transfer transfer "$HK_TRANSFER" "$RECEIVER" "${AMOUNT}utrade" >/dev/null
log "packet committed on $HK_CHAIN; waiting for the relayer to deliver it to $SH_CHAIN"

arrived=
for _ in $(seq 1 90); do
  now_sh=$(balance "$SH_CHAIN" "$RECEIVER" "$VOUCHER")
  if [ "$now_sh" -ge $((before_sh + AMOUNT)) ]; then arrived=1; break; fi
  sleep 1
done
[ -n "$arrived" ] || die "the ICS-20 transfer did not arrive on $SH_CHAIN within 90s (see $LOCALNET/rly.log)"

step "$SH_CHAIN" "tokens arrived"
after_hk=$(balance "$HK_CHAIN" "$SENDER" utrade)
printf '  %-11s importer  %s utrade (was %s)\n' "$HK_CHAIN" "$after_hk" "$before_hk"
printf '  %-11s exporter  %s %s (was %s)\n' "$SH_CHAIN" "$now_sh" "$VOUCHER" "$before_sh"
trace=$(q "$SH_CHAIN" ibc-transfer denom-trace "${VOUCHER#ibc/}")
printf '  denom trace on %s: %s\n' "$SH_CHAIN" "$(echo "$trace" | jq -c .denom_trace)"
[ "$(echo "$trace" | jq -r .denom_trace.base_denom)" = utrade ] || die "unexpected denom trace: $trace"
[ "$(echo "$trace" | jq -r .denom_trace.path)" = "transfer/$SH_TRANSFER" ] || die "unexpected denom trace path: $trace"
[ $((before_hk - after_hk)) -ge "$AMOUNT" ] || die "sender balance on $HK_CHAIN did not go down by $AMOUNT"

# --- One zone (shanghai-1): parties, eBL, milestones, letter of credit, DvP ---
Z=$SH_CHAIN
CARRIER=$(addr $Z carrier) EXPORTER=$(addr $Z exporter) IMPORTER=$(addr $Z importer)
CUSTOMS=$(addr $Z customs) BANK=$(addr $Z hkbank)
HKD=td-hkbk-hkd
# The carrier approved the example document for a sailing two days ago: the
# demo's copy carries those dates (the DCSA reference stays the same).
SHIPPED=$(date -u -d '-2 days' +%F) TODAY=$(date -u +%F)
DOC="$LOCALNET/ebl-shanghai-hongkong.json"
jq --arg d "$SHIPPED" '.shippedOnBoardDate = $d | .transports.plannedDepartureDate = $d' \
  "$ROOT/examples/ebl-shanghai-hongkong.json" > "$DOC"

step "$Z" "the zone admin registers the corridor parties"
tx $Z admin cargo register-party "$CARRIER" COS "COSCO Shipping Lines" CN CARRIER >/dev/null
tx $Z admin cargo register-party "$EXPORTER" SHPE "Shanghai Pudong Precision Electronics" CN TRADER >/dev/null
tx $Z admin cargo register-party "$IMPORTER" KBCT "Kowloon Bay Components Trading" HK TRADER >/dev/null
tx $Z admin cargo register-party "$CUSTOMS" CNSHACUS "Shanghai Customs District" CN CUSTOMS >/dev/null
tx $Z admin cargo register-party "$BANK" HKBK "Harbour Kowloon Bank" HK BANK >/dev/null
q $Z cargo parties | jq -r '.parties[] | "  \(.code)\t\(.roles | join(","))\t\(.address)"'

step "$Z" "carrier COS issues the to-order eBL from the DCSA document to the exporter"
tx $Z carrier cargo issue-bill --document "$DOC" --issue-to "$EXPORTER" --endorsee "$EXPORTER" >/dev/null
BILL=COS-$(jq -r .transportDocumentReference "$DOC")
show_bill() { q "$1" cargo bill "$2" | jq -r '.bill | "  \(.id): \(.status) v\(.version) holder=\(.holder) lien=\(.lien.reference // "-") history=\(.history_len) head=\(.history_head[0:16])…"'; }
show_bill $Z "$BILL"

step "$Z" "carrier records LOAD and DEPA; customs records CUSR (released)"
tx $Z customs cargo record-milestone "$BILL" CUSR ACT CNSHA "${SHIPPED}T05:00:00Z" >/dev/null
tx $Z carrier cargo record-milestone "$BILL" LOAD ACT CNSHA "${SHIPPED}T06:00:00Z" >/dev/null
tx $Z carrier cargo record-milestone "$BILL" DEPA ACT CNSHA "${SHIPPED}T14:30:00Z" >/dev/null
q $Z cargo milestones "$BILL" | jq -r '.milestones[] | "  #\(.sequence) \(.event_code) \(.classifier) \(.location) \(.event_time)"'

step "$Z" "anyone can verify the transport document against the chain"
q $Z cargo verify-document "$DOC" | jq -r '.document | "  anchored: \(.doc_type) for \(.bill_id) by \(.anchored_by) at height \(.height)"'

step "$Z" "the bank mints its HKD deposit token and issues a letter of credit for the importer"
tx $Z hkbank tradefinance mint-deposit "5000000$HKD" >/dev/null
tx $Z hkbank tradefinance issue-lc "$IMPORTER" "$EXPORTER" "1250000$HKD" "$(date -u -d '+60 days' +%F)" "$TODAY" CNSHA HKHKG \
   --required-documents COMMERCIAL_INVOICE >/dev/null
LC=1
q $Z tradefinance lc $LC | jq -r '.letter_of_credit | "  LC \(.id): \(.status) \(.amount.amount)\(.amount.denom) escrowed, expiry \(.expiry), latest shipment \(.latest_shipment_date), requires \(.required_documents | join(","))"'

step "$Z" "the exporter anchors its commercial invoice and presents the eBL under the credit"
INVOICE_HASH=$(printf 'Commercial invoice SHPE-2026-0418: 320 cartons PCB assemblies, HKD 1,250,000, CIF Hong Kong\n' | sha256sum | cut -c1-64)
tx $Z exporter cargo anchor-document "$INVOICE_HASH" COMMERCIAL_INVOICE >/dev/null
show_balances() {
  printf '  exporter %s %s   bank %s %s   module escrow %s %s\n' \
    "$(balance $Z "$EXPORTER" $HKD)" $HKD "$(balance $Z "$BANK" $HKD)" $HKD \
    "$(q $Z tradefinance lc $LC | jq -r .letter_of_credit.escrow.amount)" $HKD
}
echo "  before:"; show_balances; show_bill $Z "$BILL"
tx $Z exporter tradefinance present-documents $LC "$BILL" "$INVOICE_HASH" >/dev/null
q $Z tradefinance presentation $LC | jq -r '.presentation | "  presentation: \(.status), examination deadline \(.deadline)"'
show_bill $Z "$BILL"

step "$Z" "the bank finds the documents complying: payment and title move in one transaction (DvP)"
tx $Z hkbank tradefinance examine-documents $LC comply >/dev/null
echo "  after:"; show_balances; show_bill $Z "$BILL"
[ "$(balance $Z "$EXPORTER" $HKD)" = 1250000 ] || die "the exporter was not paid"
[ "$(q $Z cargo bill "$BILL" | jq -r .bill.holder)" = "$IMPORTER" ] || die "the importer does not control the bill"
[ "$(curl -sf "$(zone_api $Z)/tradechain/tradefinance/v1/lcs/$LC" | jq -r .letter_of_credit.status)" = LC_STATUS_SETTLED ] \
  || die "the credit is not settled (REST /tradechain/tradefinance/v1/lcs/$LC)"
err=$(tx_expect_fail $Z exporter cargo endorse-bill "$BILL" "$CUSTOMS")
log "the exporter no longer controls the bill; its endorsement is refused on chain: $err"
err=$(tx_expect_fail $Z exporter bank send "$EXPORTER" "$(addr $Z relayer)" "1000$HKD")
log "deposit tokens go to registered parties only: $err"

step "$Z" "the importer surrenders the eBL for delivery; the carrier accepts"
tx $Z importer cargo request-surrender "$BILL" delivery >/dev/null
tx $Z carrier cargo accept-surrender "$BILL" >/dev/null
show_bill $Z "$BILL"
q $Z cargo history "$BILL" | jq -r '.entries[] | "  #\(.sequence) \(.action)\t\((.from // "") | if . == "" then "-" else . end) -> \((.to // "") | if . == "" then "-" else . end)  head \(.head[0:16])…"'
status=$(q $Z cargo bill "$BILL" | jq -r .bill.status)
[ "$status" = BILL_STATUS_SURRENDERED_FOR_DELIVERY ] || die "bill $BILL ended in $status, expected SURRENDERED_FOR_DELIVERY"
[ "$(q $Z cargo history "$BILL" | jq -r '[.entries[].action] | join(",")')" = "ISSUE,LIEN,LIEN_TRANSFER,SURRENDER_FOR_DELIVERY,SACC" ] \
  || die "unexpected history for $BILL: $(q $Z cargo history "$BILL" | jq -c '[.entries[].action]')"

step demo "all checks passed in $(( $(date +%s) - start ))s"
