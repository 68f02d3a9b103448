#!/usr/bin/env bash
# Start one DCSA-validating proxy (Stoplight Prism, proxy mode, --errors) on
# loopback, in the foreground (exec: $! of a backgrounded call is Prism's PID).
#
#   tools/dcsa-proxy/run.sh SPEC UPSTREAM PORT
#
# SPEC     PINT | ISS | SUR (the vendored DCSA files in third_party/dcsa/,
#          through the overlay below), or a path to an OpenAPI file used as is.
# UPSTREAM base URL the proxy forwards valid requests to (http://127.0.0.1:N).
# PORT     loopback port the proxy listens on.
#
# Environment:
#   DCSA_EXTRA_PLATFORMS  the corridor's platform code(s) the overlay adds to
#                         DCSA's eblPlatform list (comma-separated; default TRCH).
#   DCSA_OVERLAY=0        use DCSA's file unchanged instead of the overlay.
#   PRISM_LOG             Prism's log level (default warn).
#
# Every request and response is validated against the spec; with --errors a
# request that violates it gets a 422 problem+json from the proxy and never
# reaches UPSTREAM, and a response that violates it is replaced by a 500 error.
# Needs `make dcsa-proxy` (npm ci) first; nothing is downloaded at run time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
[ $# -eq 3 ] || { sed -n '2,24p' "$0" >&2; exit 2; }
spec=$1 upstream=$2 port=$3
prism="$here/node_modules/.bin/prism"
[ -x "$prism" ] || { echo "dcsa-proxy: Prism is not installed; run: make dcsa-proxy" >&2; exit 1; }
case "$spec" in
  PINT) src="$root/third_party/dcsa/EBL_PINT_v3.0.0.yaml" ;;
  ISS)  src="$root/third_party/dcsa/EBL_ISS_v3.0.4.yaml" ;;
  SUR)  src="$root/third_party/dcsa/EBL_SUR_v3.0.4.yaml" ;;
  *)    src="$spec" ;;
esac
[ -f "$src" ] || { echo "dcsa-proxy: no such spec: $src" >&2; exit 1; }
file=$src
if [ "$spec" = PINT ] || [ "$spec" = ISS ] || [ "$spec" = SUR ]; then
  if [ "${DCSA_OVERLAY:-1}" != 0 ]; then
    codes=${DCSA_EXTRA_PLATFORMS:-TRCH}
    file="$here/overlay/${codes//,/_}/$(basename "${src%.yaml}").json"
    if [ ! -f "$file" ] || [ "$src" -nt "$file" ] || [ "$here/overlay.js" -nt "$file" ]; then
      DCSA_EXTRA_PLATFORMS=$codes node "$here/overlay.js" "$src" "$file.tmp.$$"
      mv "$file.tmp.$$" "$file"
    fi
  fi
fi
exec "$prism" proxy --errors -h 127.0.0.1 -p "$port" -v "${PRISM_LOG:-warn}" "$file" "$upstream"
