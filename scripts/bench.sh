#!/usr/bin/env bash
# The benchmark suite (`make bench`): Go benchmarks against their baselines, criterion on the Rust
# side, the whole collector at saturation; then bench/cmd/report turns the output into
# bench/RESULTS.md. Every figure is a median of several runs, beside a baseline measured in the
# same run: the machine is shared and noisy. Raw output stays in build/bench/.
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

echo "==> criterion: the Rust work on those batches"
rm -rf "$root/target/criterion"
OTELBRIDGE_BENCH_BATCHES=$out/batches cargo bench --locked -p otelbridge-bench "${features[@]}" --bench work

inputs=("$out/go-bench.txt" "$out/go-memory.txt")
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
