#!/usr/bin/env bash
# make fuzz: each fuzz target for FUZZTIME. A target fails on a real finding
# (go test writes the crashing input under its testdata/fuzz/ and fails).
# Go 1.26's fuzz coordinator can also fail a target with a bare "context
# deadline exceeded" when -fuzztime ends while a worker is mid-call
# (go.dev/issue/75804, fixed in Go 1.27) — no input, nothing to reproduce.
# That one case is accepted after the target's corpus replays clean.
set -uo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-30s}
GO=${GO:-go}
targets=(
  "./x/cargo/dcsa/ FuzzCanonicalize" "./x/cargo/dcsa/ FuzzParse"
  "./x/cargo/types/ FuzzMsgValidateBasic" "./x/tradefinance/types/ FuzzMsgValidateBasic"
  "./x/cargo/types/ FuzzDecodePacketData" "./x/cargo/types/ FuzzBillJSON"
  "./x/cargo/types/ FuzzDecodeReservationPacket" "./x/cargo/ FuzzOnRecvPacket"
  "./internal/lightproof/ FuzzParseBundle" "./internal/lightproof/ FuzzJoinQRParts"
  "./x/cargo/dcsa/pint/ FuzzParse" "./x/cargo/dcsa/pint/ FuzzParseJWKS" "./x/cargo/dcsa/pint/ FuzzVerifyEnvelope"
)
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  corpus="${pkg%/}/testdata/fuzz/$name"
  before=$(ls "$corpus" 2>/dev/null | sort)
  echo "$GO test $pkg -run '^\$' -fuzz '^$name\$' -fuzztime $FUZZTIME"
  out=$($GO test "$pkg" -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" 2>&1); rc=$?
  echo "$out"
  [ $rc = 0 ] && continue
  after=$(ls "$corpus" 2>/dev/null | sort)
  if [ "$before" = "$after" ] && echo "$out" | grep -q '^    context deadline exceeded$' \
     && ! echo "$out" | grep -qE 'Failing input written|panic:'; then
    echo "fuzz: $name stopped on Go's fuzz-deadline race (go.dev/issue/75804), no input written; replaying its corpus"
    $GO test "$pkg" -run "^$name\$" -count=1 || { echo "fuzz: $name corpus replay failed" >&2; exit 1; }
    continue
  fi
  echo "fuzz: $name found a failing input (see $corpus)" >&2
  exit 1
done
