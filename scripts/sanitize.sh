#!/usr/bin/env bash
# make sanitize: the Go shim's tests with the Rust test library instrumented by AddressSanitizer,
# under `go test -asan` (whose runtime also intercepts malloc in the Go side's C code and reports
# leaks at exit). Rust's sanitizers are unstable flags; RUSTC_BOOTSTRAP lets stable rustc take
# them (FACTS.md). The library goes to target/asan so the ordinary build is left alone.
# cgocheck2 and -race, the other two checkers of the boundary, run in `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-unknown-linux-gnu
echo "==> building the test library with -Zsanitizer=address ($target)"
RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zsanitizer=address" \
	cargo build --release --locked -p otelbridge-testlib --target "$target" --target-dir target/asan

# ASAN_OPTIONS: leaks are reported (and fail the run); Go's runtime keeps its own stacks, which
# ASan must not take for the C stack.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=0:halt_on_error=1}"
echo "==> go test -asan (go/shimtest, go/runtimeext) with the instrumented library"
(cd go/shimtest && go test -count=1 -asan -tags otelbridge_asan ./...)
(cd go && go test -count=1 -asan -tags otelbridge_asan ./runtimeext/ ./bridge/)
echo "ok: no AddressSanitizer finding"
