#!/usr/bin/env bash
# Regenerate code from proto/ offline: protoc from apt, plugins from the pinned
# tool module tools/proto (Go) and web/'s pinned packages (TypeScript), include
# paths from the Go module cache. `protocgen.sh` writes the Go code and the
# OpenAPI document, `protocgen.sh ts` the web app's TypeScript; make proto-gen
# runs both. Everything generated is committed, so building never needs protoc.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

command -v protoc >/dev/null || { echo "protoc not found: apt-get install -y protobuf-compiler libprotobuf-dev" >&2; exit 1; }
[ -f /usr/include/google/protobuf/descriptor.proto ] || { echo "google/protobuf includes missing: apt-get install -y libprotobuf-dev" >&2; exit 1; }

mkdir -p bin
(cd tools/proto && go build -o "$ROOT/bin/protoc-gen-gocosmos" github.com/cosmos/gogoproto/protoc-gen-gocosmos \
                && go build -o "$ROOT/bin/protoc-gen-grpc-gateway" github.com/grpc-ecosystem/grpc-gateway/protoc-gen-grpc-gateway \
                && go build -o "$ROOT/bin/protoc-gen-swagger" github.com/grpc-ecosystem/grpc-gateway/protoc-gen-swagger)

moddir() { go list -m -f '{{.Dir}}' "$1"; }
go mod download github.com/cosmos/cosmos-sdk github.com/cosmos/cosmos-proto github.com/cosmos/gogoproto
SDK=$(moddir github.com/cosmos/cosmos-sdk)
COSMOS_PROTO=$(moddir github.com/cosmos/cosmos-proto)
GOGO=$(moddir github.com/cosmos/gogoproto)
GATEWAY=$(cd tools/proto && go list -m -f '{{.Dir}}' github.com/grpc-ecosystem/grpc-gateway)

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# `protocgen.sh ts`: the web app's TypeScript encoders of the messages it
# signs and of the history entries it re-hashes (ts-proto from web/'s pinned
# packages), written to web/src/gen and committed like the Go code (make web
# and make demo never run protoc; make proto-check fails when it is stale).
# No version stamp in the files: they must not change with the protoc release.
if [ "${1:-}" = ts ]; then
  PLUGIN="$ROOT/web/node_modules/.bin/protoc-gen-ts_proto"
  [ -x "$PLUGIN" ] || { echo "ts-proto not installed: run npm ci in web/" >&2; exit 1; }
  protoc \
    -I proto -I "$SDK/proto" -I "$COSMOS_PROTO/proto" -I "$GOGO" -I /usr/include \
    --plugin=protoc-gen-ts_proto="$PLUGIN" \
    --ts_proto_out="$OUT" \
    --ts_proto_opt=esModuleInterop=true,forceLong=bigint,outputServices=false,useDate=false,importSuffix=.js,annotateFilesWithVersion=false \
    proto/tradechain/cargo/v1/tx.proto proto/tradechain/cargo/v1/types.proto \
    proto/tradechain/tradefinance/v1/tx.proto proto/tradechain/tradefinance/v1/types.proto
  rm -rf "$ROOT/web/src/gen" && mkdir -p "$ROOT/web/src/gen" && cp -r "$OUT/." "$ROOT/web/src/gen/"
  echo "proto-gen: TypeScript in web/src/gen ($(find "$OUT" -name '*.ts' | wc -l) files)"
  exit 0
fi

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

# The REST surface as one OpenAPI 2.0 document (docs/openapi, served by the
# node under /swagger/ when api.swagger = true): each module's Query service,
# its operations tagged and prefixed with the module's name.
mkdir -p "$OUT/swagger" "$OUT/openapi"
for dir in $dirs; do
  [ -f "$dir/query.proto" ] || continue
  module=$(basename "$(dirname "$dir")")
  protoc \
    -I proto -I "$SDK/proto" -I "$COSMOS_PROTO/proto" -I "$GOGO" -I "$GATEWAY/third_party/googleapis" -I /usr/include \
    --plugin=protoc-gen-swagger="$ROOT/bin/protoc-gen-swagger" \
    --swagger_out=logtostderr=true,allow_merge=true,fqn_for_swagger_name=true,simple_operation_ids=true,merge_file_name="$module":"$OUT/swagger" \
    "$dir/query.proto"
  jq --arg m "$module" '(.paths[][] | .operationId) |= ($m + "_" + .) | (.paths[][] | .tags) = [$m]' \
    "$OUT/swagger/$module.swagger.json" > "$OUT/openapi/$module.json"
done
mkdir -p docs/openapi
jq -S -s '{swagger: "2.0",
  info: {title: "tradechain REST API", version: "v2",
         description: "x/cargo (parties, electronic bills of lading, milestones, documents, the corridor registry) and x/tradefinance (letters of credit, invoices, financings) of a tradechain zone. Generated from proto/ by make proto-gen. The SDK modules (bank, auth, gov, ibc...) keep their own routes under /cosmos and /ibc."},
  consumes: ["application/json"], produces: ["application/json"],
  paths: (map(.paths) | add), definitions: (map(.definitions) | add)}' "$OUT"/openapi/*.json > docs/openapi/tradechain.swagger.json

# Move generated files into the module tree, replacing the old ones.
find . -path ./tools -prune -o \( -name '*.pb.go' -o -name '*.pb.gw.go' \) -path './x/*' -print | xargs -r rm -f
cp -r "$OUT/github.com/tradechain/tradechain/." "$ROOT/"
echo "proto-gen: generated $(find "$OUT" -name '*.go' | wc -l) files from $(echo "$dirs" | wc -l) packages"
