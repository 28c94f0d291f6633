# otelbridge: `make demo` builds and runs the example collector; `make test` runs every test.
# Go and Rust come with the machine; everything else the targets below fetch themselves.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CARGO ?= cargo
GO ?= go
RUST_LIBS := -p otelbridge-testlib -p otelbridge-example-collector -p otelbridge-example-collector-e2e
COLLECTOR := bin/otelcol-example
# The collector releases otelbridge supports, oldest first: one list, in the builder
# (builder/internal/release), which the shim is tested against at both ends.
RELEASES = $(shell cd builder && $(GO) run . releases)
OLDEST_RELEASE = $(firstword $(RELEASES))
NEWEST_RELEASE = $(lastword $(RELEASES))

.PHONY: help
help: ## List the targets.
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

.PHONY: toolchains
toolchains: ## Check that Go and Rust are installed.
	@scripts/check-toolchains.sh

.PHONY: rust
rust: toolchains ## Build the Rust static libraries the Go tests and the example collector link.
	$(CARGO) build --release --locked $(RUST_LIBS)
	scripts/stamp-rust-libs.sh

.PHONY: builder
builder: toolchains ## Build bin/otelbridge-builder (it installs upstream's ocb of each manifest's release into its cache).
	cd builder && $(GO) build -ldflags "-X main.otelbridgeRoot=$(CURDIR)" -o ../bin/otelbridge-builder .

.PHONY: collector
collector: rust ## Build the example collector (Go + Rust) into bin/.
	# go build keeps an existing binary whose Go inputs are unchanged: it does not hash the .a
	# that #cgo LDFLAGS names, so remove the binary to relink a changed Rust library.
	rm -f $(COLLECTOR)
	cd examples/collector && $(GO) build -o ../../$(COLLECTOR) .

.PHONY: demo
demo: builder ## Build the example collector from examples/builder-config.yaml, run it, show what Rust did.
	bin/otelbridge-builder --config examples/builder-config.yaml
	scripts/demo.sh build/otelcol-example/otelcol-example

.PHONY: header
header: ## Regenerate ffi/include/otelbridge.h from the ABI crate.
	OTELBRIDGE_BLESS=1 $(CARGO) test --release --locked -p otelbridge-abi --test header

.PHONY: test
test: lint test-rust test-c check-deps test-go test-e2e test-builder test-fuzz ## Run every test (what CI runs).

.PHONY: lint
lint: toolchains ## Formatting, clippy (and the MSRV), go vet, and the SDK crate as crates.io would get it.
	$(CARGO) fmt --all --check
	# incompatible_msrv: no std API newer than the workspace's rust-version (Cargo.toml), the one
	# MSRV check a single toolchain can make; language features and dependencies are checked by hand.
	$(CARGO) clippy --release --locked --workspace --all-targets -- -D warnings -D clippy::incompatible_msrv
	# The SDK crate packaged for crates.io, built alone from the package's files (dev profile: about
	# a minute the first time, seconds after). Offline: clippy above fetched every crate it needs.
	# Dirty trees are allowed, so it checks work in progress too; its LICENSE is a copy of the root's.
	cmp LICENSE rust/otelbridge/LICENSE
	$(CARGO) package --locked --offline --allow-dirty -p otelbridge
	# The SDK's and the ABI crate's rustdoc: no broken link (missing docs are denied by clippy).
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --locked --offline --no-deps --all-features -p otelbridge -p otelbridge-abi
	@unformatted=$$(gofmt -l go examples builder bench); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	cd go && $(GO) vet ./...
	cd go/shimtest && $(GO) vet ./...
	# The benchmark modules are not tested here, but they must build against the shim as it is.
	cd bench && $(GO) vet ./...
	cd bench && CGO_ENABLED=0 $(GO) vet -tags otelbridge_subprocess ./...
	cd bench/rust2go && $(GO) vet ./...
	scripts/check-collector-release.sh bench $(NEWEST_RELEASE)
	scripts/check-collector-release.sh bench/rust2go $(NEWEST_RELEASE)
	scripts/check-collector-release.sh examples/collector $(NEWEST_RELEASE)
	cd go && CGO_ENABLED=0 $(GO) vet ./...
	cd go/shimtest && CGO_ENABLED=0 $(GO) vet ./...
	cd go && CGO_ENABLED=0 $(GO) vet -tags otelbridge_subprocess ./...
	cd go/shimtest && CGO_ENABLED=0 $(GO) vet -tags otelbridge_subprocess ./...
	# The shim requires the oldest supported release, so it never raises a user's versions.
	scripts/check-collector-release.sh go $(OLDEST_RELEASE)
	scripts/check-collector-release.sh go/shimtest $(OLDEST_RELEASE)

.PHONY: test-rust
test-rust: toolchains ## Rust unit and ABI tests, and the header staleness check.
	$(CARGO) test --release --locked --workspace --exclude otelbridge-bench

.PHONY: test-c
test-c: rust ## Plain C programs drive a component through the header, with callbacks and with the event queue; the header compiles as C++.
	mkdir -p build
	cc -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iffi/include ffi/tests/smoke.c \
		target/release/libotelbridge_testlib.a -lm -ldl -lpthread -lrt -lgcc_s -o build/abi-smoke
	build/abi-smoke
	cc -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iffi/include ffi/tests/events.c \
		target/release/libotelbridge_testlib.a -lm -ldl -lpthread -lrt -lgcc_s -o build/abi-events
	build/abi-events
	echo '#include "otelbridge.h"' | c++ -std=c++17 -Wall -Werror -Iffi/include -x c++ -fsyntax-only -

.PHONY: check-deps
check-deps: ## Prove no crate installs signal handlers in the Go process (tokio signal/process).
	@scripts/check-no-signal-handlers.sh

.PHONY: test-go
test-go: rust ## The Go shim's tests with cgo and without (purego), at the oldest and newest supported release, under cgocheck2 and -race.
	# go/shimtest is a module of its own, so its test-only dependencies stay out of users' graphs.
	for dir in go go/shimtest; do \
		(cd $$dir && $(GO) test -count=1 ./... && \
		 GOEXPERIMENT=cgocheck2 $(GO) test -count=1 ./... && \
		 $(GO) test -count=1 -race -short ./...); \
	done
	# The same suite at the newest release: a copy of its go.mod with every collector module moved.
	scripts/pin-collector-release.sh go/shimtest $(NEWEST_RELEASE) $(CURDIR)/build/newest-release/shimtest.mod
	cd go/shimtest && $(GO) test -count=1 -modfile=$(CURDIR)/build/newest-release/shimtest.mod ./...
	# The same suites without cgo: the shim loads the test library's .so through purego
	# (-race needs cgo, so race tests stay on the cgo path above).
	for dir in go go/shimtest; do (cd $$dir && CGO_ENABLED=0 $(GO) test -count=1 ./...); done
	# The same suites in subprocess mode (tag otelbridge_subprocess): the Rust components run in
	# the test library's host program, a child process. Built without cgo, as the builder builds
	# it, then with -race, which needs cgo (the subprocess transport itself has no cgo).
	for dir in go go/shimtest; do \
		(cd $$dir && CGO_ENABLED=0 $(GO) test -count=1 -tags otelbridge_subprocess ./... && \
		 $(GO) test -count=1 -race -short -tags otelbridge_subprocess ./...); \
	done

# Where test-e2e builds the example collector without cgo, and for subprocess mode.
E2E_NOCGO := build/e2e-nocgo
E2E_SUBPROCESS := build/e2e-subprocess

.PHONY: test-e2e
test-e2e: rust builder ## The example collector as a real process, fed over OTLP: built with cgo, then by the builder without, then for subprocess mode.
	# go test in the package's directory (local directory mode) prints TestMain's line naming the
	# collector it runs; the module's other packages have no tests.
	cd examples/collector && $(GO) vet ./... && $(GO) test -count=1
	# The same suite against the example as otelbridge-builder builds it without cgo (rust.mode
	# dlopen, the library embedded in the binary): examples/builder-config.yaml builds with cgo, so
	# a manifest derived from it, with the suite's faults processor added as its own build has it.
	# The builder cache is test-builder's, so the Rust dependencies compile once for both.
	cd examples/collector && $(GO) run ./internal/e2emanifest -in ../builder-config.yaml \
		-out $(CURDIR)/$(E2E_NOCGO)/builder-config.yaml -dist $(CURDIR)/$(E2E_NOCGO)
	OTELBRIDGE_CACHE=$(CURDIR)/target/builder-tests bin/otelbridge-builder --config $(E2E_NOCGO)/builder-config.yaml
	@$(GO) version -m $(E2E_NOCGO)/otelcol-example | grep -E '^\s+build\s+CGO_ENABLED=0$$' || \
		{ echo "$(E2E_NOCGO)/otelcol-example: go version -m does not show CGO_ENABLED=0"; exit 1; }
	cd examples/collector && OTELBRIDGE_E2E_COLLECTOR=$(CURDIR)/$(E2E_NOCGO)/otelcol-example \
		OTELBRIDGE_E2E_CGO_ENABLED=0 $(GO) test -count=1
	# Once more against the example built for subprocess mode (rust.mode subprocess, the host
	# program embedded in the binary, built without cgo and with the tag otelbridge_subprocess):
	# its Rust components run in a supervised child process, so the suite's fault tests expect the
	# collector to outlive an abort, a stack overflow, an exit and a leak of a Rust component.
	cd examples/collector && $(GO) run ./internal/e2emanifest -mode subprocess -in ../builder-config.yaml \
		-out $(CURDIR)/$(E2E_SUBPROCESS)/builder-config.yaml -dist $(CURDIR)/$(E2E_SUBPROCESS)
	OTELBRIDGE_CACHE=$(CURDIR)/target/builder-tests bin/otelbridge-builder --config $(E2E_SUBPROCESS)/builder-config.yaml
	@$(GO) version -m $(E2E_SUBPROCESS)/otelcol-example | grep -E '^\s+build\s+-tags=([^ ]*,)?otelbridge_subprocess(,[^ ]*)?$$' || \
		{ echo "$(E2E_SUBPROCESS)/otelcol-example: go version -m does not show the build tag otelbridge_subprocess"; exit 1; }
	cd examples/collector && OTELBRIDGE_E2E_COLLECTOR=$(CURDIR)/$(E2E_SUBPROCESS)/otelcol-example \
		OTELBRIDGE_E2E_CGO_ENABLED=0 OTELBRIDGE_E2E_MODE=subprocess $(GO) test -count=1

.PHONY: test-builder
test-builder: toolchains ## The builder: manifest tables, golden files, and real builds (static, shared, errors).
	cd builder && $(GO) vet ./... && $(GO) test -count=1 -timeout 25m ./...

.PHONY: test-fuzz
test-fuzz: rust ## A short run (~10 s) of every fuzz target, Rust (cargo-fuzz, fuzz/) and Go (go test -fuzz).
	scripts/fuzz.sh short

.PHONY: fuzz
fuzz: rust ## Long fuzzing runs of every target (FUZZ_SECONDS each, default 600; not in make test).
	scripts/fuzz.sh long

.PHONY: bench
bench: rust builder ## The benchmark suite against baselines and Go-native peers; regenerates bench/RESULTS.md (not in make test; ~20 min).
	scripts/bench.sh

.PHONY: bench-compare
bench-compare: toolchains ## The fixed-cost and crossing benchmarks at BASE and in the working tree, side by side (benchstat).
	scripts/bench-compare.sh $(or $(BASE),HEAD)

.PHONY: soak
soak: toolchains ## 10 minutes at a fixed rate through the example collector; RSS and threads into bench/RESULTS.md (not in make test).
	scripts/soak.sh

.PHONY: sanitize
sanitize: toolchains ## The Go shim's tests with the Rust library under AddressSanitizer (go test -asan; not in make test).
	scripts/sanitize.sh

.PHONY: clean
clean: ## Remove build outputs.
	$(CARGO) clean
	rm -rf bin build
