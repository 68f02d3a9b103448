#!/usr/bin/env bash
# Runs the app simulations (see `make test-sim`). A simulation the SDK skips
# (its random validator set went empty) fails the run rather than passing
# vacuously.
set -euo pipefail
blocks=$1; shift
pattern=$1; shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
go test -count=1 ./app/ -timeout 60m -v -run "$pattern" -NumBlocks="$blocks" "$@" 2>&1 |
  sed -E 's/Simulating\.\.\. block [0-9]+\/[0-9]+, operation [0-9]+\/[0-9]+\.? ?//g' | tee "$log" |
  grep -E '^(=== RUN|--- |PASS|FAIL|ok|Simulation complete)|sim_test.go|compared|app hash|Error|panic' || true
if grep -q -- '--- SKIP' "$log"; then
  echo "test-sim: a simulation was skipped (empty validator set): pick another SIM_SEED" >&2
  exit 1
fi
grep -q '^ok' "$log"
