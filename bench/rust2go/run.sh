#!/usr/bin/env bash
# The rust2go peer benchmark (not part of `make test`; a step of scripts/bench.sh): installs the
# pinned rust2go-cli, builds the Rust side, regenerates gen.go from rust/src/peer.rs, checks that
# both mechanisms give the same answers, then prints standard Go benchmark output on stdout
# (everything else goes to stderr, so the output can be tee'd straight to the report).
set -euo pipefail
cd "$(dirname "$0")"
here=$PWD
root=$(cd ../.. && pwd)

# rust2go-cli generates the Go side; its version goes with the rust2go crate in rust/Cargo.toml.
cli_version=0.4.2
cli=$root/build/tools/bin/rust2go-cli
if [[ ! -x $cli ]] || [[ $("$cli" --version 2>/dev/null) != "rust2go-cli $cli_version" ]]; then
	echo "==> installing rust2go-cli $cli_version" >&2
	cargo install --locked --root "$root/build/tools" "rust2go-cli@$cli_version" >&2
fi

# Our ABI's side is the otelbridge test library (`make rust` builds it).
if [[ ! -f $root/target/release/libotelbridge_testlib.a ]]; then
	echo "==> building the otelbridge test library" >&2
	(cd "$root" && cargo build --release --locked -p otelbridge-testlib) >&2
fi

echo "==> building the rust2go side" >&2
(cd rust && CARGO_TARGET_DIR=$root/build/rust2go-target cargo build --release --locked) >&2

# gen.go is checked in, so the Go module vets and builds without the cli; regenerating it here
# keeps it in step with peer.rs (the cli also runs go fmt on it).
echo "==> generating gen.go with rust2go-cli" >&2
"$cli" --src rust/src/peer.rs --dst gen.go >&2
if ! git -C "$here" diff --quiet -- gen.go 2>/dev/null; then
	echo "note: gen.go changed; commit it with rust/src/peer.rs" >&2
fi

# rust2go's cgo-mode calls pass C Go pointers to Go pointers, which cgo's default pointer check
# rejects with a panic; both mechanisms run with the check off (see rust2go_test.go).
export GODEBUG=cgocheck=0
echo "==> the mechanisms agree" >&2
go test -count=1 -run '^TestRust2go' . >&2

echo "==> benchmarks (count ${BENCH_COUNT:-5})" >&2
go test -run '^$' -bench . -benchmem -count "${BENCH_COUNT:-5}" -timeout 60m .
