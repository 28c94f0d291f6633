#!/usr/bin/env bash
# The benchmark suite (`make bench`): Go benchmarks against their baselines, criterion on the Rust
# side, the whole collector at saturation; then bench/cmd/report turns the output into
# bench/RESULTS.md. Every figure is a median of several runs, beside a baseline measured in the
# same run: the machine is shared and noisy. Raw output stays in build/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/build/bench
count=${BENCH_COUNT:-5}
mkdir -p "$out"

echo "==> batches for criterion (the same bytes the Go benchmarks send)"
(cd bench && go run ./cmd/batches -dir "$out/batches")

echo "==> Go benchmarks (count $count)"
(cd bench && go test -run '^$' -bench '^Benchmark(Fixed|Crossing|Redaction|Filter)$' \
	-benchmem -benchtime 300ms -count "$count" -timeout 60m ./...) | tee "$out/go-bench.txt"
(cd bench && go test -run '^$' -bench '^BenchmarkMemory$' -benchmem -benchtime 1x -count 1 \
	-timeout 20m ./...) | tee "$out/go-memory.txt"

echo "==> criterion: the Rust work on those batches"
rm -rf "$root/target/criterion"
OTELBRIDGE_BENCH_BATCHES=$out/batches cargo bench --locked -p otelbridge-bench --bench work

echo "==> whole collector at saturation"
scripts/bench-collector.sh | tee "$out/collector.txt"

echo "==> rust2go peer"
bench/rust2go/run.sh | tee "$out/rust2go.txt"

echo "==> bench/RESULTS.md"
(cd bench && go run ./cmd/report -criterion "$root/target/criterion" -out RESULTS.md \
	-command 'make bench' "$out/go-bench.txt" "$out/go-memory.txt" "$out/collector.txt" "$out/rust2go.txt")
echo "bench/RESULTS.md regenerated"
