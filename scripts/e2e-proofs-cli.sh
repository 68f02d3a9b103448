#!/usr/bin/env bash
# End-to-end: proof bundles from a running zone and their offline
# verification (issue 38, Go side). Expects the corridor running (web-test.sh
# plays the demo with KEEP=1 and calls this before the zones go down), or any
# running hongkong-1 with a bill (BILL=... to choose it).
#   prove-bill / prove-document / prove-registry against the node's RPC,
#   verify-bundle offline against a trust root taken from the node first,
#   and the lies: a changed record, "anchored" for a forged document, a
#   replayed older answer asked for as current, a foreign trust root.
source "$(dirname "$0")/lib.sh"
Z=${ZONE:-$HK_CHAIN}
RPC=$(zone_rpc "$Z")
W=$(mktemp -d "${TMPDIR:-/tmp}/e2e-proofs-cli.XXXXXX")
trap 'rm -rf "$W"' EXIT
verify() { "$BIN" verify-bundle "$@" --trust-root "$W/root.json"; }
refused() { # refused WHAT PATTERN verify-bundle-args...
  local what=$1 pat=$2 out; shift 2
  if out=$(verify "$@" 2>&1); then die "a lie verified ($what): $out"; fi
  grep -q "proof failed: .*$pat" <<<"$out" || die "$what: want 'proof failed: ...$pat', got: $out"
  log "refused ($what): $(echo "$out" | grep -o 'proof failed: .*' | cut -c1-150)"
}

step "$Z" "trust root from the node, then proofs of a bill, its document, its registry key and a forged document"
"$BIN" q cargo trust-root --node "$RPC" > "$W/root.json"
log "trust root: $(jq -c . "$W/root.json")"
H0=$(jq -r .height "$W/root.json")
wait_height "$Z" $((H0 + 2))
BILL=${BILL:-$(q "$Z" cargo bills | jq -r '[.bills[] | select(.status != "BILL_STATUS_TRANSFERRED_OUT")][0].id // empty')}
[ -n "$BILL" ] || die "no bill on $Z to prove"
"$BIN" q cargo prove-bill "$BILL" --node "$RPC" --trust-root "$W/root.json" --output-file "$W/bill.json" --pdf "$W/bill.pdf"
SIZE=$(stat -c %s "$W/bill.json")
log "bundle for bill $BILL: $SIZE bytes (limit 16384); PDF $(stat -c %s "$W/bill.pdf") bytes"
[ "$SIZE" -le 16384 ] || die "a bundle for one bill is $SIZE bytes, over 16 KB"
head -c 5 "$W/bill.pdf" | grep -q '%PDF-' || die "the PDF is not a PDF"
OUT=$(verify "$W/bill.json" --max-age 2m)
echo "$OUT" | head -4
grep -q "proved against $Z's validators at height" <<<"$OUT" || die "verify-bundle did not say what it proved"
HOLDER=$(q "$Z" cargo bill "$BILL" | jq -r .bill.holder)
grep -q "holder $HOLDER" <<<"$OUT" || die "verify-bundle's holder is not the zone's ($HOLDER)"

DOC_HASH=$(q "$Z" cargo bill "$BILL" | jq -r .bill.document_hash)
"$BIN" q cargo prove-document "$DOC_HASH" --node "$RPC" --trust-root "$W/root.json" --output-file "$W/doc.json" 2>/dev/null
FORGED=$(printf 'forged %s' "$(date +%s%N)" | sha256sum | cut -c1-64)
"$BIN" q cargo prove-document "$FORGED" --node "$RPC" --trust-root "$W/root.json" --output-file "$W/forged.json" 2>/dev/null
[ "$(jq -r .record "$W/forged.json")" = null ] || die "a forged document's bundle carries a record"
ABS=$(verify "$W/forged.json") || die "the forged document's proof of absence failed: $ABS"
grep -q "NOT ANCHORED: $FORGED" <<<"$ABS" || die "the forged document was not proved absent: $ABS"
log "forged document $FORGED: proved NOT ANCHORED (ICS-23 non-existence)"
"$BIN" q cargo prove-registry "TRANSPORT_DOCUMENT:$DOC_HASH" --node "$RPC" --trust-root "$W/root.json" --output-file "$W/reg.json" 2>/dev/null
REG=$(verify "$W/reg.json") || die "the registry key's proof failed: $REG"
grep -q "registry key KEY_KIND_TRANSPORT_DOCUMENT $DOC_HASH: .*(reference $BILL)" <<<"$REG" || die "the registry key was not proved: $REG"
log "registry key of the document: $(grep "^registry key" <<<"$REG" | cut -c1-140)"

step "$Z" "the four lies"
jq --slurpfile d "$W/doc.json" '.record = $d[0].record' "$W/forged.json" > "$W/lie-a.json"
refused "(a) anchored, for a forged document" "Merkle proof" "$W/lie-a.json"
jq --slurpfile d "$W/doc.json" '.subject = {hash: "'"$FORGED"'"} | .record = $d[0].record | .proof_ops = $d[0].proof_ops' "$W/forged.json" > "$W/lie-a2.json"
refused "(a) anchored, another document's proof" "Merkle proof" "$W/lie-a2.json"
# (b) the record's bytes changed: the holder's address is in it; flip one of its characters.
python3 - "$W/bill.json" "$HOLDER" "$W/lie-b.json" <<'PY'
import base64, json, sys
b = json.load(open(sys.argv[1])); rec = base64.b64decode(b["record"]); h = sys.argv[2].encode()
assert h in rec, "holder not in the record"
i = rec.index(h) + len(h) - 2
rec = rec[:i] + (b"q" if rec[i:i+1] != b"q" else b"p") + rec[i+1:]
b["record"] = base64.b64encode(rec).decode(); json.dump(b, open(sys.argv[3], "w"))
PY
refused "(b) the bill's holder changed" "Merkle proof" "$W/lie-b.json"
# (c) a genuine but older answer, asked for as current.
wait_height "$Z" $(( $(jq -r .height "$W/bill.json") + 4 ))
NOW_H=$(curl -sf "http://127.0.0.1:$(rpc_port "$Z")/status" | jq -r .result.sync_info.latest_block_height)
refused "(c) a replayed older answer (min height)" "stale\|older answer\|or later" "$W/bill.json" --min-height $((NOW_H - 1))
# (d) a root that is not the zone's: another header hash at the same height.
jq '.hash = "'"$(printf '%064d' 0)"'"' "$W/root.json" > "$W/foreign-root.json"
if out=$("$BIN" verify-bundle "$W/bill.json" --trust-root "$W/foreign-root.json" 2>&1); then die "verified against a foreign root: $out"; fi
grep -q "proof failed: .*is not your trust root" <<<"$out" || die "(d) foreign root: $out"
log "refused ((d) a trust root that is not the zone's): $(echo "$out" | grep -o 'proof failed: .*' | cut -c1-150)"
if out=$("$BIN" verify-bundle "$W/bill.json" 2>&1); then die "verified without a trust root"; fi
grep -q "proof failed: .*trust root" <<<"$out" || die "no trust root: $out"
log "e2e-proofs-cli: ok (bundle $SIZE bytes; $(echo "$OUT" | grep -o 'verified in .*'))"
