#!/usr/bin/env bash
# Regenerate all Go code from proto/ offline: protoc from apt, plugins from the
# pinned tool module tools/proto, include paths from the Go module cache.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

command -v protoc >/dev/null || { echo "protoc not found: apt-get install -y protobuf-compiler libprotobuf-dev" >&2; exit 1; }
[ -f /usr/include/google/protobuf/descriptor.proto ] || { echo "google/protobuf includes missing: apt-get install -y libprotobuf-dev" >&2; exit 1; }

mkdir -p bin
(cd tools/proto && go build -o "$ROOT/bin/protoc-gen-gocosmos" github.com/cosmos/gogoproto/protoc-gen-gocosmos \
                && go build -o "$ROOT/bin/protoc-gen-grpc-gateway" github.com/grpc-ecosystem/grpc-gateway/protoc-gen-grpc-gateway)

moddir() { go list -m -f '{{.Dir}}' "$1"; }
go mod download github.com/cosmos/cosmos-sdk github.com/cosmos/cosmos-proto github.com/cosmos/gogoproto
SDK=$(moddir github.com/cosmos/cosmos-sdk)
COSMOS_PROTO=$(moddir github.com/cosmos/cosmos-proto)
GOGO=$(moddir github.com/cosmos/gogoproto)
GATEWAY=$(cd tools/proto && go list -m -f '{{.Dir}}' github.com/grpc-ecosystem/grpc-gateway)

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

dirs=$(find proto/tradechain -name '*.proto' -print0 2>/dev/null | xargs -0 -r -n1 dirname | sort -u)
if [ -z "$dirs" ]; then
  echo "proto-gen: no .proto files under proto/tradechain yet; nothing to generate"
  exit 0
fi
for dir in $dirs; do
  protoc \
    -I proto -I "$SDK/proto" -I "$COSMOS_PROTO/proto" -I "$GOGO" -I "$GATEWAY/third_party/googleapis" -I /usr/include \
    --plugin=protoc-gen-gocosmos="$ROOT/bin/protoc-gen-gocosmos" \
    --plugin=protoc-gen-grpc-gateway="$ROOT/bin/protoc-gen-grpc-gateway" \
    --gocosmos_out=plugins=grpc,Mgoogle/protobuf/any.proto=github.com/cosmos/gogoproto/types/any:"$OUT" \
    --grpc-gateway_out=logtostderr=true,allow_colon_final_segments=true:"$OUT" \
    "$dir"/*.proto
done

# Move generated files into the module tree, replacing the old ones.
find . -path ./tools -prune -o \( -name '*.pb.go' -o -name '*.pb.gw.go' \) -path './x/*' -print | xargs -r rm -f
cp -r "$OUT/github.com/tradechain/tradechain/." "$ROOT/"
echo "proto-gen: generated $(find "$OUT" -name '*.go' | wc -l) files from $(echo "$dirs" | wc -l) packages"
