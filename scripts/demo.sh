#!/usr/bin/env bash
# Runs the example collector (Go's OTLP receiver, batch processor and debug exporter beside every
# Rust kind: the `redact` processor, the `otlphttp_rs` exporter and receiver, the `spanstats`
# connector and the `heartbeat` extension, the runtime's threads set by the `otelbridge` extension) with examples/collector/config.yaml, sends it the
# sample telemetry of examples/collector/internal/sample once, stops it with SIGTERM, and
# summarises what each Rust component did.
#
# Usage: scripts/demo.sh [COLLECTOR]. COLLECTOR defaults to build/otelcol-example/otelcol-example,
# which `make demo` builds from examples/builder-config.yaml with bin/otelbridge-builder. Set DEMO_KEEP_LOG=1 to keep the full collector
# log (it is always kept when something fails).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
collector="${1:-$root/build/otelcol-example/otelcol-example}"
config="$root/examples/collector/config.yaml"
endpoint="127.0.0.1:4317"
start_timeout=20 # seconds to wait for the receiver port
batch_wait=3     # seconds to let the batch processor (timeout 200ms) and debug exporter finish
stop_timeout=15  # seconds to wait for the collector to exit after SIGTERM

if [[ -t 1 ]]; then bold=$'\e[1m' red=$'\e[31m' reset=$'\e[0m'; else bold='' red='' reset=''; fi
section() { printf '\n%s== %s ==%s\n' "$bold" "$1" "$reset"; }
die() { printf '%sdemo: %s%s\n' "$red" "$1" "$reset" >&2; exit 1; }

if [[ ! -x "$collector" ]]; then
	die "$collector is missing. Build it first: make builder && bin/otelbridge-builder --config examples/builder-config.yaml"
fi
command -v go >/dev/null || die "go is not on PATH (needed to build the sample sender)"

port_open() { (exec 3<>"/dev/tcp/${endpoint%:*}/${endpoint#*:}") 2>/dev/null; }
port_open && die "$endpoint already accepts connections: another collector is running; stop it first"

work="$(mktemp -d "${TMPDIR:-/tmp}/otelbridge-demo.XXXXXX")"
log="$work/collector.log"
pid=""
keep_log="${DEMO_KEEP_LOG:-0}"

cleanup() {
	local status=$?
	if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	if [[ $status -ne 0 || "$keep_log" == 1 ]]; then
		[[ -f "$log" ]] && printf '\nFull collector log: %s\n' "$log" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# Fail with the end of the log.
fail() {
	printf '%sdemo: %s%s\n' "$red" "$1" "$reset" >&2
	if [[ -s "$log" ]]; then
		echo "--- last lines of the collector log ---" >&2
		tail -n 20 "$log" >&2
	fi
	exit 1
}

section "Building the sample sender"
(cd "$root/examples/collector" && go build -o "$work/send" ./cmd/send) || fail "could not build examples/collector/cmd/send"
echo "ok: $work/send"

section "Starting the collector"
echo "$collector --config examples/collector/config.yaml  (log: $log)"
"$collector" --config "$config" >"$log" 2>&1 &
pid=$!

deadline=$((SECONDS + start_timeout))
until port_open; do
	kill -0 "$pid" 2>/dev/null || { wait "$pid" || true; fail "the collector exited during startup"; }
	((SECONDS < deadline)) || fail "the collector did not open $endpoint within ${start_timeout}s"
	sleep 0.1
done
echo "ready: OTLP/gRPC receiver on $endpoint (pid $pid)"

section "Sending sample telemetry"
"$work/send" -endpoint "$endpoint" >"$work/send.out" || fail "sending the samples failed"
cat "$work/send.out"
sleep "$batch_wait"

section "Stopping the collector (SIGTERM)"
kill -TERM "$pid"
deadline=$((SECONDS + stop_timeout))
while kill -0 "$pid" 2>/dev/null; do
	((SECONDS < deadline)) || fail "the collector did not exit within ${stop_timeout}s of SIGTERM"
	sleep 0.1
done
status=0
wait "$pid" || status=$?
pid=""
echo "exit status: $status"

# Log lines are "time<TAB>level<TAB>caller<TAB>message<TAB>{fields}"; print "time  message  (beats N)".
heartbeat_lines() {
	grep -E $'\t(heartbeat started|heartbeat stopped|otelbridge heartbeat)\t' "$log" |
		sed -E 's/^([^\t]*)\t[^\t]*\t[^\t]*\t([^\t]*)\t.*"(beats|interval)": "?([^,}"]*)"?.*/  \1  \2  (\3 \4)/'
}

section "Rust runtime settings (the otelbridge extension)"
settings="$(grep -E $'\totelbridge runtime settings recorded' "$log" | sed -E 's/.*("worker_threads")/\1/; s/}$//' || true)"
if [[ -z "$settings" ]]; then
	fail "the otelbridge extension logged no runtime settings"
fi
printf '  %s\n' "$settings"

section "Heartbeat (Rust extension)"
beats="$(heartbeat_lines)"
if [[ -z "$beats" ]]; then
	echo "  (no heartbeat lines in the log)"
elif (($(wc -l <<<"$beats") > 8)); then
	head -n 4 <<<"$beats"
	echo "  ..."
	tail -n 3 <<<"$beats"
else
	printf '%s\n' "$beats"
fi

section "Redacted values, as the debug exporter printed them"
# The debug exporter prints attributes as "     -> key: Str(value)" and log bodies as "Body: Str(...)".
redacted="$(grep -E -- '-> (user\.email|payment\.[a-z_]+|redact\.count): |^Body: ' "$log" |
	sed -E 's/^ +-> /  /; s/^Body: /  log body: /' | sort | uniq -c | sed -E 's/^ +([0-9]+) (.*)/\2   (x\1)/')" || true
if [[ -n "$redacted" ]]; then
	printf '%s\n' "$redacted"
	echo "  (e-mail addresses became 16-hex-digit SHA-256 tokens, card numbers [redacted];"
	echo "   redact.count is the number of values redacted in that resource)"
else
	echo "  (nothing: the debug exporter printed no batch)"
fi
leaks="$(grep -E -c '@example\.(com|org)|4111 1111|5500-0000' "$log" || true)"
if [[ "$leaks" != 0 ]]; then
	echo "  ${red}LEAK: $leaks lines of the collector's output still hold a sample e-mail address or card number${reset}"
else
	echo "  no sample e-mail address or card number appears anywhere in the collector's output"
fi

# Sums a field of one debug exporter's per-batch summary lines ("Traces", "Metrics", "Logs").
# Usage: exported EXPORTER_ID SIGNAL FIELD
exported() {
	grep -E $'\tinfo\t'"$2"$'\t' "$log" | grep -F "\"otelcol.component.id\": \"$1\"," |
		grep -oE "\"$3\": [0-9]+" | awk '{n += $NF} END {print n + 0}'
}

section "Sent vs exported (health checks dropped by redact)"
# send prints "sent spans=5 (health checks=2), metric data points=4 (health checks=1), ...".
read -r spans spans_h points points_h records records_h < <(grep -oE '=[0-9]+' "$work/send.out" | tr -d = | tr '\n' ' '; echo)
row() { printf '  %-15s %6s %15s %10s %10s\n' "$@"; }
mismatches=0
check() { # name sent health exported
	row "$1" "$2" "$3" $(($2 - $3)) "$4"
	(($2 - $3 == $4)) || mismatches=$((mismatches + 1))
}
row "" sent "health checks" expected exported
check spans "$spans" "$spans_h" "$(exported debug Traces spans)"
check "metric points" "$points" "$points_h" "$(exported debug Metrics 'data points')"
check "log records" "$records" "$records_h" "$(exported debug Logs 'log records')"

section "Relayed by the Rust otlphttp_rs exporter to the Rust otlphttp_rs receiver (127.0.0.1:4319)"
relay_row() { printf '  %-15s %8s %8s\n' "$@"; }
relay_check() { # name signal field
	local out back
	out=$(exported debug "$2" "$3")
	back=$(exported debug/relayed "$2" "$3")
	relay_row "$1" "$out" "$back"
	((out == back)) || mismatches=$((mismatches + 1))
}
relay_row "" exported relayed
relay_check spans Traces spans
relay_check "metric points" Metrics 'data points'
relay_check "log records" Logs 'log records'

section "Span statistics (the Rust spanstats connector, traces -> metrics)"
# The debug exporter prints each spanstats.calls data point as "-> span.name: Str(NAME)" ... "Value: N".
stats="$(awk '/-> Name: /{calls = ($0 ~ /spanstats\.calls$/)} calls && /-> span.name: Str\(/{sub(/.*Str\(/, ""); sub(/\)$/, ""); name = $0}
	calls && /^Value: /{print name "\t" $2}' "$log")"
if [[ -n "$stats" ]]; then
	awk -F'\t' '{printf "  %-20s %s call(s)\n", $1, $2}' <<<"$stats"
fi
counted=$(awk -F'\t' '{n += $2} END {print n + 0}' <<<"$stats")
echo "  spans counted: $counted (exported: $(exported debug Traces spans))"
((counted == $(exported debug Traces spans))) || mismatches=$((mismatches + 1))

section "Result"
if [[ $status -ne 0 ]]; then
	fail "the collector exited with status $status"
fi
errors="$(grep -c -E $'\t(error|fatal|panic)\t' "$log" || true)"
if [[ "$errors" != 0 ]]; then
	grep -E $'\t(error|fatal|panic)\t' "$log" | cut -c1-200 >&2
	fail "the collector logged $errors error(s)"
fi
((mismatches == 0)) || fail "the exported counts differ from the expected ones"
[[ "$leaks" == 0 ]] || fail "sensitive sample values reached the debug exporter"
echo "  ok: the collector exited cleanly (status 0) after SIGTERM; everything was redacted, relayed and counted"
