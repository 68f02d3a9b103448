//go:build tools

// Package proto pins the protoc plugins that `make proto-gen` uses, so the
// generated code is reproducible offline: protoc-gen-gocosmos (gogoproto) and
// protoc-gen-grpc-gateway (v1, as the SDK's gateway uses).
package proto

import (
	_ "github.com/cosmos/gogoproto/protoc-gen-gocosmos"
	_ "github.com/grpc-ecosystem/grpc-gateway/protoc-gen-grpc-gateway"
)
