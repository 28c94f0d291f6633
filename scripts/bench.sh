#!/usr/bin/env bash
# The benchmark suite (`make bench`): Go benchmarks against their baselines, criterion on the Rust
# side, the whole collector at saturation; then bench/cmd/report turns the output into
# bench/RESULTS.md. Every figure is a median of several runs, beside a baseline measured in the
# same run: the machine is shared and noisy. Raw output stays in build/bench/.
#
# cgo against no-cgo (issue 14) and in-process against subprocess (issue 15): the empty call and
# traces at 1 and 1,000 spans in BENCH_MODES_ROUNDS alternating rounds (default twice BENCH_COUNT)
# of three test binaries, one built with cgo, one with CGO_ENABLED=0, one with CGO_ENABLED=0 and
# the build tag otelbridge_subprocess (the test library's host program as a child process); the
# whole collector built the three ways (scripts/bench-collector.sh).
#
# BENCH_ALLOCATOR=mimalloc measures the library built with otelbridge-abi's `mimalloc` feature
# instead (criterion too), into bench/RESULTS-mimalloc.md; the whole-collector and rust2go steps
# are skipped then, and the test library is rebuilt with the system allocator at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/build/bench
count=${BENCH_COUNT:-5}
allocator=${BENCH_ALLOCATOR:-system}
results=RESULTS.md
features=()
case $allocator in
system) ;;
mimalloc)
	results=RESULTS-mimalloc.md
	out=$out/mimalloc
	features=(--features mimalloc)
	echo "==> the test library with mimalloc"
	cargo build --release --locked -p otelbridge-testlib "${features[@]}"
	scripts/stamp-rust-libs.sh
	trap 'cargo build --release --locked -p otelbridge-testlib && scripts/stamp-rust-libs.sh' EXIT
	;;
*)
	echo "BENCH_ALLOCATOR must be system or mimalloc, not $allocator" >&2
	exit 2
	;;
esac
mkdir -p "$out"

echo "==> batches for criterion (the same bytes the Go benchmarks send)"
(cd bench && go run ./cmd/batches -dir "$out/batches")

echo "==> Go benchmarks (count $count)"
(cd bench && go test -run '^$' -bench '^Benchmark(Fixed|Crossing|Redaction|Filter)$' \
	-benchmem -benchtime 300ms -count "$count" -timeout 60m ./...) | tee "$out/go-bench.txt"
(cd bench && go test -run '^$' -bench '^BenchmarkMemory$' -benchmem -benchtime 1x -count 3 \
	-timeout 20m ./...) | tee "$out/go-memory.txt"

# cgo against no-cgo (issue 14) and in-process against subprocess (issue 15): the same
# benchmarks compiled three times, with cgo (the test library's .a linked), with CGO_ENABLED=0
# (its .so loaded through the shim's purego path) and with CGO_ENABLED=0 -tags
# otelbridge_subprocess (every call a round trip to target/release/otelbridge-testlib-host, the
# test library's host program, over a socket pair), run in alternating rounds (cgo, no-cgo,
# subprocess, cgo, ...) so the machine's drift falls on all alike. Each line is tagged with its
# mode (BenchmarkModes/<cgo|nocgo|subprocess>/Fixed/abi) for cmd/report. At 1 span only the
# unchanged call runs: the per-call cost of a small batch, the rest is measured at 1,000.
mode_rounds=${BENCH_MODES_ROUNDS:-$((2 * count))}
echo "==> cgo, no-cgo and subprocess: $mode_rounds alternating rounds"
mkdir -p "$out/modes"
(cd bench && go test -c -o "$out/modes/cgo.test" .)
(cd bench && CGO_ENABLED=0 go test -c -o "$out/modes/nocgo.test" .)
(cd bench && CGO_ENABLED=0 go test -c -tags otelbridge_subprocess -o "$out/modes/subprocess.test" .)
: >"$out/go-modes.txt"
for ((round = 1; round <= mode_rounds; round++)); do
	for mode in cgo nocgo subprocess; do
		echo "round $round: $mode"
		for filter in '^BenchmarkFixed$/^abi$' '^BenchmarkCrossing$/^traces$/^1$/^rust-unchanged$' \
			'^BenchmarkCrossing$/^traces$/^1000$/^(rust-(unchanged|edit|rewrite)|go-(copy|marshal))$'; do
			(cd bench && "$out/modes/$mode.test" -test.run '^$' -test.bench "$filter" -test.benchmem \
				-test.benchtime 300ms -test.count 1 -test.timeout 30m) |
				sed -E "s#^Benchmark([A-Za-z0-9]+)/#BenchmarkModes/$mode/\1/#" >>"$out/go-modes.txt"
		done
	done
done
grep '^BenchmarkModes/' "$out/go-modes.txt"

echo "==> criterion: the Rust work on those batches"
rm -rf "$root/target/criterion"
OTELBRIDGE_BENCH_BATCHES=$out/batches cargo bench --locked -p otelbridge-bench "${features[@]}" --bench work

inputs=("$out/go-bench.txt" "$out/go-memory.txt" "$out/go-modes.txt")
command="make bench"
if [[ $allocator == system ]]; then
	echo "==> whole collector at saturation"
	scripts/bench-collector.sh | tee "$out/collector.txt"

	echo "==> rust2go peer"
	bench/rust2go/run.sh | tee "$out/rust2go.txt"
	inputs+=("$out/collector.txt" "$out/rust2go.txt")
else
	command="BENCH_ALLOCATOR=$allocator make bench"
fi

# The soak (make soak) takes 10 minutes and is not rerun here: its last figures go in, if any.
if [[ $allocator == system && -f build/soak/soak.txt ]]; then
	inputs+=("$root/build/soak/soak.txt")
fi

echo "==> bench/$results"
(cd bench && go run ./cmd/report -criterion "$root/target/criterion" -out "$results" \
	-allocator "$allocator" -command "$command" "${inputs[@]}")
echo "bench/$results regenerated"
