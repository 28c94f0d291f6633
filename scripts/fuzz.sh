#!/usr/bin/env bash
# Runs otelbridge's fuzz targets: the cargo-fuzz targets of fuzz/ (the ABI and the Rust SDK) and
# Go's native fuzz tests through the ABI (go/shimtest, go/internal/edits, go/bridge).
#
#   scripts/fuzz.sh short   each target ~10 s (make test-fuzz, part of make test)
#   scripts/fuzz.sh long    each target FUZZ_SECONDS seconds, default 600 (make fuzz)
#
# The Go targets link target/release/libotelbridge_testlib.a: build it first (make rust).
# cargo-fuzz is installed once into build/tools. Inputs found while fuzzing go to build/fuzz/ (the
# checked-in seeds in fuzz/corpus/ and testdata/fuzz/ are only read). For each target it prints
# the executions run and the crashes found; any crash fails the run and names the input that
# reproduces it.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
mode=${1:-short}
case "$mode" in
short) seconds=10 ;;
long) seconds=${FUZZ_SECONDS:-600} ;;
*)
	echo "usage: scripts/fuzz.sh short|long (long: FUZZ_SECONDS per target, default 600)" >&2
	exit 2
	;;
esac

rust_targets=(config_json context_records otlp_views edits abi_consume otlphttp_request)
# module directory, package, fuzz test, and build tags if it needs any
go_targets=(
	"go/shimtest . FuzzTracesThroughRust"
	"go/shimtest . FuzzConfigThroughRust"
	"go/shimtest . FuzzClientMetadataReachesRust"
	"go ./internal/edits FuzzApply"
	"go ./bridge FuzzDecodeContext"
	"go ./bridge FuzzHostFrames otelbridge_subprocess"
)

tools=$root/build/tools
if [[ ! -x $tools/bin/cargo-fuzz ]]; then
	echo "installing cargo-fuzz into build/tools"
	cargo install --locked --quiet --root "$tools" cargo-fuzz
fi
export PATH=$tools/bin:$PATH
# cargo-fuzz needs nightly flags (-Zsanitizer); RUSTC_BOOTSTRAP lets the stable toolchain take
# them.
export RUSTC_BOOTSTRAP=1

work=$root/build/fuzz
mkdir -p "$work"
summary=()
failed=0

# report NAME EXECS CRASH_INPUT: one summary line per target, with its wall time (build
# included) since the last report.
step_start=$SECONDS
report() {
	local crashes=0
	if [[ -n $3 ]]; then
		crashes=1
		failed=1
	fi
	summary+=("$(printf '%-32s %12s execs  %d crashes  %4ss  %s' "$1" "$2" "$crashes" $((SECONDS - step_start)) "$3")")
	step_start=$SECONDS
}

if [[ $mode == short ]]; then
	# The fuzz crate is outside the workspace, so `make lint` does not see it.
	cargo fmt --manifest-path fuzz/Cargo.toml --check
fi

echo "building the Rust fuzz targets"
cargo fuzz build --fuzz-dir fuzz
echo "built in $((SECONDS - step_start))s"
step_start=$SECONDS
triple=$(rustc -vV | sed -n 's/^host: //p')
for target in "${rust_targets[@]}"; do
	echo "fuzzing $target (Rust) for ${seconds}s"
	mkdir -p "$work/corpus/$target" "$work/artifacts/$target"
	log=$work/$target.log
	status=0
	# New inputs go to the first corpus directory; the seeds are read from the second.
	ASAN_OPTIONS=detect_odr_violation=0 "fuzz/target/$triple/release/$target" \
		-max_total_time="$seconds" -timeout=30 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/$target/" \
		"$work/corpus/$target" "fuzz/corpus/$target" >"$log" 2>&1 || status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	crash=""
	if [[ $status -ne 0 ]]; then
		crash=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
		crash=${crash:-"(no input written; see $log)"}
		grep -E -m 20 -A 3 "panicked at|ERROR: AddressSanitizer|ERROR: LeakSanitizer|ERROR: libFuzzer" "$log" || true
	fi
	report "$target" "${execs:-?}" "$crash"
done

for entry in "${go_targets[@]}"; do
	read -r module package target tags <<<"$entry"
	echo "fuzzing $target (Go) for ${seconds}s"
	log=$work/$target.log
	status=0
	(cd "$module" && go test -tags "${tags:-}" -run '^$' -fuzz "^$target\$" -fuzztime "${seconds}s" \
		-fuzzminimizetime 2s "$package") >"$log" 2>&1 || status=$?
	execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	crash=""
	if [[ $status -ne 0 ]]; then
		crash=$(sed -n 's/.*Failing input written to //p' "$log" | tail -1)
		if [[ -n $crash ]]; then
			crash=$module/${package#./}/$crash
			crash=${crash//\/.\//\/}
		else
			crash="(no input written; see $log)"
		fi
		grep -E -m 20 -B 2 -A 6 -- "--- FAIL|panic:" "$log" || true
	fi
	report "$target" "${execs:-?}" "$crash"
done

echo
echo "fuzzing ($mode, ${seconds}s per target, ${SECONDS}s in all):"
printf '  %s\n' "${summary[@]}"
if [[ $failed -ne 0 ]]; then
	echo "crashes found: reproduce with the input named above (Rust: fuzz/target/$triple/release/<target> <input>; Go: go test -run <Fuzz>/<name> in its package)" >&2
	exit 1
fi
