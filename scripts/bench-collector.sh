#!/usr/bin/env bash
# Whole-collector benchmark: one collector binary (built by otelbridge-builder from
# bench/collector/manifest.yaml) run with the Rust `redact` processor (bench/collector/rust.yaml),
# then with collector-contrib's `redactionprocessor` (bench/collector/contrib.yaml), same regexes,
# OTLP/gRPC in and the nop exporter out, driven at saturation by bench/cmd/loadgen.
#
# The same collector is also built without cgo (issue 14): a copy of the manifest derived here with
# `rust.mode: dlopen` (the default link, embedded: the library's .so inside the binary, loaded from
# memory), into build/bench-collector-nocgo, and run with rust.yaml as the variant rust-nocgo.
# And in subprocess mode (issue 15): a copy with `rust.mode: subprocess` (the default link,
# embedded: the host program inside the binary, run from memory as the collector's child), into
# build/bench-collector-subprocess, run with rust.yaml as the variant rust-subprocess.
#
# Rounds alternate rust, rust-nocgo, rust-subprocess, contrib, rust, ...; each starts a fresh
# collector, sends a warm-up, then a fixed number of spans from concurrent senders, and measures
# in that window:
#   spans/s       spans the receiver accepted (its own otelcol_receiver_accepted_spans) / wall time
#   cpu-s/Mspans  the collector's CPU time per million accepted spans: utime+stime
#                 (/proc/<pid>/stat) of the collector and of every process below it (in
#                 subprocess mode the host program; cutime+cstime too, for one that ended)
#   peak-rss-KiB  the collector's VmHWM (/proc/<pid>/status) at the end of the round, plus that
#                 of every process below it (the host program: each process's own peak, summed)
# Results go to stdout in Go benchmark format (one line per round; take medians), progress to
# stderr:
#   BenchmarkCollector/redaction/rust 1 <ns> ns/op <spans/s> spans/s <cpu> cpu-s/Mspans <KiB> peak-rss-KiB
#
# Knobs (environment): BENCH_COLLECTOR_ROUNDS (5 per variant), BENCH_COLLECTOR_SPANS (measured
# spans per round), BENCH_COLLECTOR_WARMUP_SPANS, BENCH_COLLECTOR_SENDERS (concurrent requests in
# flight), CARGO_TARGET_DIR (default target/bench-collector).
#
# Why not telemetrygen: it cannot saturate a collector on shared cores: it builds every span through the
# OpenTelemetry SDK, exports one batch at a time per process and drops what its queue cannot hold,
# so it spends most of the CPU itself. loadgen sends prepared requests through ptraceotlp's
# real gRPC client and leaves the cores to the collector.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

rounds=${BENCH_COLLECTOR_ROUNDS:-5}
spans=${BENCH_COLLECTOR_SPANS:-3000000}
warmup_spans=${BENCH_COLLECTOR_WARMUP_SPANS:-300000}
senders=${BENCH_COLLECTOR_SENDERS:-8}
collector=build/bench-collector/otelcol-bench
collector_nocgo=build/bench-collector-nocgo/otelcol-bench
collector_subprocess=build/bench-collector-subprocess/otelcol-bench
loadgen=bin/loadgen
workdir=$(mktemp -d "${TMPDIR:-/tmp}/bench-collector.XXXXXX")

log() { echo "bench-collector: $*" >&2; }
die() { log "$*"; exit 1; }

collector_pid=""
cleanup() {
	if [[ -n "$collector_pid" ]] && kill -0 "$collector_pid" 2>/dev/null; then
		kill "$collector_pid" 2>/dev/null || true
		wait "$collector_pid" 2>/dev/null || true
	fi
	rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# run_logged <what> <command...>: runs a build step quietly, shows its output only if it fails.
run_logged() {
	local what=$1
	shift
	log "$what"
	if ! "$@" >"$workdir/build.log" 2>&1; then
		cat "$workdir/build.log" >&2
		die "$what failed"
	fi
}

# --- build what is missing (both steps are incremental: a rebuild with nothing changed is quick)
[[ -x bin/otelbridge-builder ]] || run_logged "make builder" make builder
run_logged "building $collector (otelbridge-builder)" \
	env CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/bench-collector}" \
	bin/otelbridge-builder --config bench/collector/manifest.yaml
# The no-cgo manifest: the same file with four lines changed, each checked to be there so that a
# change to manifest.yaml cannot quietly leave this copy with cgo; cargo paths made absolute, as the
# copy lives elsewhere.
derive() { # derive <manifest> <pattern> <replacement>: a sed substitution that must match one line
	grep -qE "$2" "$1" || die "bench/collector/manifest.yaml has no line matching $2: update the derivation of $(basename "$1")"
	sed -i -E "s|$2|$3|" "$1"
}
manifest_nocgo=$workdir/manifest-nocgo.yaml
cp bench/collector/manifest.yaml "$manifest_nocgo"
derive "$manifest_nocgo" '^(  output_path: build/bench-collector)$' '\1-nocgo'
derive "$manifest_nocgo" '^  cgo_enabled: true.*$' '  cgo_enabled: false'
derive "$manifest_nocgo" '^  link: static$' '  mode: dlopen # the default link without cgo: embedded'
derive "$manifest_nocgo" 'path = "\.\./\.\./' "path = \"$root/"
run_logged "building $collector_nocgo (otelbridge-builder, rust.mode dlopen)" \
	env CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/bench-collector}" \
	bin/otelbridge-builder --config "$manifest_nocgo"
# The subprocess manifest: the same four lines, for rust.mode subprocess (built without cgo, with
# the build tag otelbridge_subprocess the builder adds).
manifest_subprocess=$workdir/manifest-subprocess.yaml
cp bench/collector/manifest.yaml "$manifest_subprocess"
derive "$manifest_subprocess" '^(  output_path: build/bench-collector)$' '\1-subprocess'
derive "$manifest_subprocess" '^  cgo_enabled: true.*$' '  cgo_enabled: false'
derive "$manifest_subprocess" '^  link: static$' '  mode: subprocess # the default link: embedded'
derive "$manifest_subprocess" 'path = "\.\./\.\./' "path = \"$root/"
run_logged "building $collector_subprocess (otelbridge-builder, rust.mode subprocess)" \
	env CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/bench-collector}" \
	bin/otelbridge-builder --config "$manifest_subprocess"
run_logged "building $loadgen" bash -c 'cd bench && go build -o ../bin/loadgen ./cmd/loadgen'

source scripts/ports.sh

# --- one round
# round <variant> <collector binary> <config>: prints one benchmark line.
round() {
	local variant=$1 binary=$2 config=$3 otlp_port metrics_port ports result attempt
	# A port free when picked may be taken before the collector binds it (other work on the
	# machine): then the round starts again on other ports, a few times.
	for ((attempt = 1; ; attempt++)); do
		ports=$(free_ports 2) || die "no free port found"
		read -r otlp_port metrics_port <<<"$ports"

		BENCH_OTLP_ENDPOINT=127.0.0.1:$otlp_port BENCH_METRICS_PORT=$metrics_port \
			"$binary" --config "bench/collector/$config.yaml" >"$workdir/collector.log" 2>&1 &
		collector_pid=$!

		# loadgen waits for the receiver, warms up, then measures; it fails on any refused export.
		if result=$("$loadgen" -endpoint "127.0.0.1:$otlp_port" -senders "$senders" \
			-spans "$spans" -warmup-spans "$warmup_spans" \
			-metrics "http://127.0.0.1:$metrics_port/metrics" -collector-pid "$collector_pid"); then
			break
		fi
		if ((attempt < 3)) && ! kill -0 "$collector_pid" 2>/dev/null &&
			grep -q 'address already in use' "$workdir/collector.log"; then
			wait "$collector_pid" 2>/dev/null || true
			collector_pid=""
			log "$variant: a port was taken before the collector bound it; again on other ports"
			continue
		fi
		cat "$workdir/collector.log" >&2
		die "$variant: the load generator failed"
	done
	kill -0 "$collector_pid" 2>/dev/null || { cat "$workdir/collector.log" >&2; die "$variant: the collector exited"; }
	kill "$collector_pid"
	if ! wait "$collector_pid"; then
		cat "$workdir/collector.log" >&2
		die "$variant: the collector did not shut down cleanly"
	fi
	collector_pid=""

	# sent=.. requests=.. ns=.. loadgen_cpu_s=.. accepted=.. collector_cpu_s=.. collector_hwm_kib=..
	# collector_processes=..
	local sent ns loadgen_cpu accepted cpu hwm processes
	sent=$(field sent "$result")
	ns=$(field ns "$result")
	loadgen_cpu=$(field loadgen_cpu_s "$result")
	accepted=$(field accepted "$result")
	cpu=$(field collector_cpu_s "$result")
	hwm=$(field collector_hwm_kib "$result")
	processes=$(field collector_processes "$result")
	# In subprocess mode the host program's CPU and memory are the collector's: measured only if
	# loadgen found it below the collector. The other variants run no child.
	if [[ $variant == *-subprocess ]]; then
		((processes == 2)) || die "$variant: loadgen measured $processes processes, not the collector and its host program"
	else
		((processes == 1)) || die "$variant: loadgen measured $processes processes, not the collector alone"
	fi
	[[ "$accepted" == "$sent" ]] || log "$variant: sent $sent spans but the receiver accepted $accepted"
	((accepted > 0)) || die "$variant: the receiver accepted no span"

	awk -v v="$variant" -v ns="$ns" -v n="$accepted" -v cpu="$cpu" -v hwm="$hwm" -v lg="$loadgen_cpu" '
		BEGIN {
			secs = ns / 1e9
			printf "BenchmarkCollector/redaction/%s 1 %.0f ns/op %.0f spans/s %.3f cpu-s/Mspans %d peak-rss-KiB\n",
				v, ns, n / secs, cpu / (n / 1e6), hwm
			printf "bench-collector: %-15s %d spans in %.1f s: collector %.1f cores, loadgen %.2f cores\n",
				v, n, secs, cpu / secs, lg / secs > "/dev/stderr"
		}'
}

field() { # field <key> <key=value ...>
	local kv
	for kv in $2; do
		[[ "${kv%%=*}" == "$1" ]] && { echo "${kv#*=}"; return; }
	done
	die "no $1 in loadgen's output: $2"
}

# idle_percent: how idle the CPUs were over the last second (/proc/stat), to warn of a busy machine.
idle_percent() {
	local a b
	read -r -a a < <(grep '^cpu ' /proc/stat)
	sleep 1
	read -r -a b < <(grep '^cpu ' /proc/stat)
	local total=0 i
	for ((i = 1; i < ${#a[@]}; i++)); do total=$((total + b[i] - a[i])); done
	echo $(((b[4] + b[5] - a[4] - a[5]) * 100 / (total > 0 ? total : 1)))
}

idle=$(idle_percent)
((idle >= 90)) || log "warning: the CPUs were only $idle% idle before the run: other work competes with the collector, expect noisy figures"
log "$rounds rounds per variant, $spans spans each after $warmup_spans of warm-up, $senders senders, $(nproc) CPUs"
echo "goos: linux"
echo "goarch: $(go env GOARCH)"
echo "pkg: github.com/otelbridge/otelbridge/bench/collector"
for ((i = 1; i <= rounds; i++)); do
	round rust "$collector" rust
	round rust-nocgo "$collector_nocgo" rust
	round rust-subprocess "$collector_subprocess" rust
	round contrib "$collector" contrib
done
