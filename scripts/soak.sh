#!/usr/bin/env bash
# make soak: the example collector (every Rust kind: bench/collector/soak.yaml) fed at a fixed
# rate by bench/cmd/loadgen for SOAK_DURATION (10m), its RSS and thread count sampled every 5 s.
# The figures (start, end, slope per minute) go to build/soak/soak.txt in Go benchmark format,
# and into bench/RESULTS.md: here when `make bench` has left its raw output in build/bench,
# else at the next `make bench`. The target is flat within noise; the samples are in
# build/soak/samples.csv. The collector must then stop cleanly on SIGTERM.
#
# Knobs: SOAK_DURATION (10m), SOAK_RATE (spans/s, 10000), SOAK_SENDERS (8).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
out=$root/build/soak
duration=${SOAK_DURATION:-10m}
rate=${SOAK_RATE:-10000}
senders=${SOAK_SENDERS:-8}
collector=build/otelcol-example/otelcol-example
mkdir -p "$out"

log() { echo "soak: $*" >&2; }
die() { log "$*"; exit 1; }

pid=""
cleanup() {
	if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT

log "building the example collector (otelbridge-builder) and loadgen"
make --no-print-directory builder >/dev/null
bin/otelbridge-builder --config examples/builder-config.yaml >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; die "the build failed"; }
(cd bench && go build -o ../bin/loadgen ./cmd/loadgen)

source scripts/ports.sh
ports=$(free_ports 2) || die "no free port found"
read -r otlp_port relay_port <<<"$ports"

SOAK_OTLP_ENDPOINT=127.0.0.1:$otlp_port SOAK_RELAY_ENDPOINT=127.0.0.1:$relay_port \
	"$collector" --config bench/collector/soak.yaml >"$out/collector.log" 2>&1 &
pid=$!
log "collector pid $pid; $rate spans/s for $duration"

bin/loadgen -endpoint "127.0.0.1:$otlp_port" -senders "$senders" -rate "$rate" -duration "$duration" \
	-collector-pid "$pid" -samples "$out/samples.csv" | tee "$out/soak.txt"
kill -0 "$pid" 2>/dev/null || die "the collector died during the soak (log: $out/collector.log)"
# Let the last batches through before stopping: the config relays through the collector's own
# otlphttp_rs receiver, which the collector stops before its exporters, so data still in the
# batch processor at SIGTERM would be refused by a receiver already gone.
sleep 3

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
((status == 0)) || die "the collector exited with $status after SIGTERM (log: $out/collector.log)"
if grep -qE $'\t(error|panic|fatal)\t' "$out/collector.log"; then
	grep -E $'\t(error|panic|fatal)\t' "$out/collector.log" | head -5 >&2
	die "the collector logged errors (log: $out/collector.log)"
fi
log "ok: the collector ran the soak and stopped cleanly; figures in $out/soak.txt"

if [[ -f build/bench/go-bench.txt ]]; then
	(cd bench && go run ./cmd/report -criterion "$root/target/criterion" -out RESULTS.md "$root"/build/bench/*.txt "$out/soak.txt")
	log "bench/RESULTS.md regenerated with the soak"
else
	log "bench/RESULTS.md takes these figures at the next make bench"
fi
