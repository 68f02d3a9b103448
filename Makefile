# tradechain — see README.md and docs/. Everything here runs on loopback.
SHELL     := /bin/bash
GO        ?= go
BINDIR    := $(CURDIR)/bin
LDFLAGS   := -X github.com/cosmos/cosmos-sdk/version.Name=tradechain \
             -X github.com/cosmos/cosmos-sdk/version.AppName=tradechaind \
             -X github.com/cosmos/cosmos-sdk/version.Version=$(shell git describe --tags --always --dirty 2>/dev/null || echo dev) \
             -X github.com/cosmos/cosmos-sdk/version.Commit=$(shell git rev-parse HEAD 2>/dev/null)
GOTEST    := $(GO) test -count=1

.PHONY: all build install rly cosmovisor test-upgrade demo e2e web test-web localnet localnet-stop test test-sim test-faults test-rogue bench bench-ibc fuzz loadtest simd \
        proto-gen proto-check docs-gen lint clean

all: build

build:
	@mkdir -p $(BINDIR)
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BINDIR)/tradechaind ./cmd/tradechaind

install:
	$(GO) install -ldflags '$(LDFLAGS)' ./cmd/tradechaind

# The Go relayer, from the pinned tool module tools/relayer.
rly: $(BINDIR)/rly
$(BINDIR)/rly: tools/relayer/go.mod tools/relayer/go.sum
	@mkdir -p $(BINDIR)
	cd tools/relayer && $(GO) build -ldflags "-X github.com/cosmos/relayer/v2/cmd.Version=v2.6.0" -o $(BINDIR)/rly github.com/cosmos/relayer/v2

# cosmovisor v1.5.0, from the pinned tool module tools/cosmovisor: it switches
# a node to the binary of a named upgrade at its height (make test-upgrade).
cosmovisor: $(BINDIR)/cosmovisor
$(BINDIR)/cosmovisor: tools/cosmovisor/go.mod tools/cosmovisor/go.sum
	@mkdir -p $(BINDIR)
	cd tools/cosmovisor && $(GO) build -o $(BINDIR)/cosmovisor cosmossdk.io/tools/cosmovisor/cmd/cosmovisor

# ibc-go v8.8.0's simd (a plain SDK v0.50 chain), from the pinned tool module
# tools/simd, as the load test's baseline; and simd-appdb, the same simd whose
# start command takes goleveldb options (loadtest -simd-settings same).
simd: $(BINDIR)/simd $(BINDIR)/simd-appdb
$(BINDIR)/simd: tools/simd/go.mod tools/simd/go.sum
	@mkdir -p $(BINDIR)
	cd tools/simd && $(GO) build -o $(BINDIR)/simd github.com/cosmos/ibc-go/v8/testing/simapp/simd
$(BINDIR)/simd-appdb: tools/simd/go.mod tools/simd/go.sum tools/simd/appdb/main.go
	@mkdir -p $(BINDIR)
	cd tools/simd && $(GO) build -o $(BINDIR)/simd-appdb ./appdb

# Sustained load on a single-validator zone, beside simd (see
# docs/performance.md). LOADFLAGS passes options, e.g. LOADFLAGS='-rates 500,1000'.
LOADFLAGS ?=
loadtest: build simd
	$(GO) run ./cmd/loadtest $(LOADFLAGS)

# The independent stand-in eBL platform and carrier (tools/pintpeer, written
# from the DCSA specifications alone) for the DCSA end-to-end tests.
.PHONY: pintpeer dcsa-proxy test-dcsa-proxy
pintpeer:
	@mkdir -p $(BINDIR)
	$(GO) build -o $(BINDIR)/pintpeer ./tools/pintpeer

# The DCSA-validating proxy: Stoplight Prism pinned in
# tools/dcsa-proxy/package-lock.json (npm ci); start one with
# tools/dcsa-proxy/run.sh SPEC UPSTREAM PORT.
dcsa-proxy: tools/dcsa-proxy/node_modules/.installed
tools/dcsa-proxy/node_modules/.installed: tools/dcsa-proxy/package-lock.json tools/dcsa-proxy/package.json
	@command -v npm >/dev/null || { echo "npm not found: apt-get install -y nodejs npm" >&2; exit 1; }
	cd tools/dcsa-proxy && npm ci --no-audit --no-fund
	@touch $@

# Proves the proxy rejects malformed DCSA traffic and passes well-formed
# traffic between two pintpeer platforms and the carrier (binds loopback
# ports: flock /tmp/tradechain-net.lock make test-dcsa-proxy). About 1 minute.
test-dcsa-proxy: pintpeer dcsa-proxy
	./tools/dcsa-proxy/test.sh

localnet: build rly web
	./scripts/localnet.sh start

localnet-stop:
	./scripts/localnet.sh stop

demo: build rly web pintpeer dcsa-proxy
	./scripts/demo.sh

# The corridor web app (web/, TypeScript + Preact + CosmJS, packages pinned
# in web/package-lock.json): installed with npm ci, its hashing checked
# against the chain's own vectors (vitest), type-checked and bundled into
# web/dist. Its message encoders (web/src/gen, ts-proto) are generated from
# proto/ by make proto-gen and committed, so this needs no protoc. make
# localnet and make demo serve it on http://127.0.0.1:5173/.
web: web/node_modules/.installed
	cd web && npm run --silent test && npm run --silent build

web/node_modules/.installed: web/package-lock.json web/package.json
	@command -v npm >/dev/null || { echo "npm not found: apt-get install -y nodejs npm" >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund
	@touch $@

# The web app in Debian's Chromium (playwright-core) against the demo's
# corridor: verify an anchored and a tampered eBL, transfer a bill, send one
# to the other zone, a refused action, the browse pages. Screenshots in
# web/artifacts/. About 4 minutes.
test-web: build rly web pintpeer dcsa-proxy
	./scripts/web-test.sh

# The whole test suite: unit, keeper, app, in-process IBC and the single-node
# end-to-end test against the real binary.
test:
	$(GOTEST) -timeout 30m ./...

# In-process FinalizeBlock benchmark: blocks of 100 pre-signed txs.
bench:
	$(GO) test -run '^$$' -bench 'DeliverBlock|FinanceBlock' -benchtime 30x -count 3 ./x/cargo/ ./x/tradefinance/

# The real two-zone run through rly, with its assertions (the demo is the e2e test).
e2e: build rly
	./scripts/demo.sh

# A third chain calling itself shanghai-1, linked to hongkong-1 by rly, tries
# to open a cargo channel from each side and is refused (corridor allowlist).
# About 2.5 minutes.
test-rogue: build rly
	./scripts/rogue-ibc.sh

# Cross-zone latency: N eBL transfers and N ICS-20 transfers through rly.
bench-ibc: build rly
	./scripts/bench-ibc.sh

# The SDK's randomized app simulation with x/cargo and x/tradefinance
# operations (every invariant checked every SIM_PERIOD blocks and at the end):
# full run, import/export (every store compared), a second run after import,
# and determinism (3 seeds x 5 runs, identical app hashes). Sized for CI; the
# long profile is `make test-sim SIM_BLOCKS=500 SIM_BLOCK_SIZE=200 SIM_DET_BLOCKS=100`.
SIM_SEED       ?= 6
SIM_BLOCKS     ?= 50
SIM_BLOCK_SIZE ?= 100
SIM_PERIOD     ?= 5
SIM_DET_BLOCKS ?= 20
SIMFLAGS = -Enabled=true -Commit=true -Seed=$(SIM_SEED) -BlockSize=$(SIM_BLOCK_SIZE) -Period=$(SIM_PERIOD)
test-sim:
	./scripts/test-sim.sh $(SIM_BLOCKS) 'TestFullAppSimulation|TestAppImportExport|TestAppSimulationAfterImport' $(SIMFLAGS)
	./scripts/test-sim.sh $(SIM_DET_BLOCKS) 'TestAppStateDeterminism' $(SIMFLAGS)

# Fault tests on real processes (loopback, bounded, only PIDs they start): a
# 4-validator zone with a validator SIGKILLed and restarted and another
# SIGSTOPped for 30 s under load; SIGKILL mid-block and replay; governance
# admits a fifth validator and removes one while blocks go on; a new node
# joins by state sync; the relayer SIGKILLed with eBL transfers in flight; a
# timeout refund. About 7 minutes.
test-faults: build rly
	$(GOTEST) -tags faults -timeout 20m -v -run 'TestFault' ./cmd/tradechaind/
	./scripts/faults-ibc.sh

# Two upgrades rehearsed on real processes, v1 → v2 → v3: releases v1.0.0 and
# v2 (4545d6a) built from their commits; v1 plays its own corridor demo under
# cosmovisor, hongkong-1 grows to four validators and two of them get
# third-party delegations (v1's open staking); governance passes
# MsgSoftwareUpgrade v2, then v3, on both zones and cosmovisor switches every
# node at each height (v2, then this build); the exports before and after
# each upgrade are compared; under v3 a delegator undelegates, an operator's
# self-unbond is refused, the authority removes a delegated validator (it
# leaves the set, every delegation unbonds), and a bill and an ICS-20 transfer
# cross. About 12 minutes, 4 of them building v1 and v2 (state in .upgrade/).
test-upgrade: build rly cosmovisor
	./scripts/upgrade-rehearsal.sh

# Each fuzz target for a fixed time (FUZZTIME, default 30s).
FUZZTIME ?= 30s
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./scripts/fuzz.sh

# Go code, the OpenAPI document and the web app's TypeScript encoders, all
# committed.
proto-gen: web/node_modules/.installed
	./scripts/protocgen.sh
	./scripts/protocgen.sh ts

# Fails when the committed generated code differs from what proto-gen makes.
PROTO_GENERATED := '*.pb.go' '*.pb.gw.go' docs/openapi/tradechain.swagger.json web/src/gen
proto-check: proto-gen
	@if [ -n "$$(git status --porcelain -- $(PROTO_GENERATED))" ]; then \
	  git status --porcelain -- $(PROTO_GENERATED); \
	  echo "generated protobuf code is stale: run 'make proto-gen' and commit the result"; exit 1; \
	fi
	@echo "proto-check: generated code is up to date"

# The reference generated from the code: docs/cli, one page per tradechaind
# command, rendered from the command tree (internal/clidoc), and the tables of
# registered errors in docs/cargo.md, docs/tradefinance.md and
# docs/who-can-do-what.md. make test fails when either is stale
# (TestCLIReference, TestErrorTables); the OpenAPI document is proto-gen's.
docs-gen:
	$(GOTEST) ./cmd/tradechaind/cmd -run '^TestCLIReference$$' -update-cli-docs
	$(GOTEST) ./internal/docscheck -run '^TestErrorTables$$' -update-docs

lint:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)

clean:
	rm -rf $(BINDIR) .localnet .testnet
