#!/usr/bin/env bash
# Side by side: the fixed-cost and crossing benchmarks (bench/fixed_test.go, crossing_test.go) at
# a base revision and at the working tree, in one run on one machine, compared by benchstat.
# For a change to a hot path or the ABI: `make bench-compare BASE=<revision>` (not in make test).
#
# The two trees are measured in alternating rounds (base, tree, base, ...), so drift in a noisy
# machine's speed falls on both sides alike. BENCH_COUNT rounds (default 6); BENCH_FILTER picks
# the benchmarks (default both).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
base=${1:?usage: scripts/bench-compare.sh <base revision>}
count=${BENCH_COUNT:-6}
filter=${BENCH_FILTER:-'^Benchmark(Fixed|Crossing)$'}
out=$root/build/bench-compare
# benchstat, pinned (golang.org/x/perf has no tagged releases).
benchstat=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

rm -rf "$out"
mkdir -p "$out"
git worktree add --detach --quiet "$out/base" "$base"
trap 'git worktree remove --force "$out/base"' EXIT

echo "==> the Rust library at $base and in the working tree"
(cd "$out/base" && make rust)
make rust

echo "==> $count alternating rounds of $filter"
for round in $(seq "$count"); do
	for side in base tree; do
		dir=$root/bench
		[[ $side == base ]] && dir=$out/base/bench
		echo "round $round: $side"
		(cd "$dir" && go test -run '^$' -bench "$filter" -benchmem -benchtime 300ms -count 1 \
			-timeout 30m .) >>"$out/$side.txt"
	done
done

echo "==> base = $(git rev-parse --short "$base"), tree = $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + changes')"
go run "$benchstat" -col .file "$out/base.txt" "$out/tree.txt" | tee "$out/benchstat.txt"
