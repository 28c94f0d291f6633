package main

// End-to-end tests of the otelcol-example binary as a process: OTLP in over gRPC, the Rust redact
// processor and the Go batch processor, OTLP out to a server in the test process; the Rust
// heartbeat extension; SIGTERM; `validate`. All traffic stays on 127.0.0.1. The collector is the
// hand-written example built with cgo, or a prebuilt one (TestMain): the same suite runs against
// both.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.yaml.in/yaml/v3"

	"github.com/otelbridge/otelbridge/examples/collector/internal/sample"
)

// The collector the suite runs. By default TestMain builds the hand-written example (this
// package) with -tags e2e and cgo: link_e2e.go links rustLibrary, the example's Rust components
// and the tests' faults processor (e2e/faults). OTELBRIDGE_E2E_COLLECTOR names a prebuilt
// collector instead: `make test-e2e` runs the suite a second time against the example built by
// otelbridge-builder without cgo (a manifest derived by internal/e2emanifest, which adds the
// faults processor). OTELBRIDGE_E2E_CGO_ENABLED, when set, is the CGO_ENABLED setting the
// prebuilt collector's build info must show (`go version -m`); the suite's own build must show 1.
//
// OTELBRIDGE_E2E_MODE=subprocess says that the prebuilt collector runs its Rust components in a
// supervised host program of their own (rust.mode: subprocess); unset, they run in-process. The
// tests of the faults that no catch_unwind stops (e2e_isolation_test.go) expect different ends.
const (
	envCollector  = "OTELBRIDGE_E2E_COLLECTOR"
	envCgoEnabled = "OTELBRIDGE_E2E_CGO_ENABLED"
	envMode       = "OTELBRIDGE_E2E_MODE"
	rustLibrary   = "../../target/release/libotelbridge_example_collector_e2e.a"
)

// rustIsolated reports whether the collector under test runs its Rust components in a host
// program of their own (OTELBRIDGE_E2E_MODE=subprocess), so that an abort, a stack overflow, an
// exit or a leak in one of them ends that program and not the collector.
func rustIsolated() bool {
	return os.Getenv(envMode) == "subprocess"
}

// modeName names the mode of the collector under test for the log.
func modeName() string {
	if rustIsolated() {
		return "subprocess"
	}
	return "in-process"
}

// requiredComponents are the components the suite's configs use, by kind as `components` lists
// them: a collector without one of them is refused up front rather than failing test by test.
var requiredComponents = map[string][]string{
	"receivers":  {"otlp", "otlphttp_rs"},
	"processors": {"batch", "redact", "faults"},
	"exporters":  {"debug", "otlp_grpc", "otlphttp_rs"},
	"connectors": {"spanstats"},
	"extensions": {"heartbeat", "otelbridge"},
}

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if mode := os.Getenv(envMode); mode != "" && mode != "subprocess" {
		fmt.Fprintf(os.Stderr, "e2e: %s=%s: want subprocess, or unset for in-process\n", envMode, mode)
		return 1
	}
	if rustIsolated() && os.Getenv(envCollector) == "" {
		fmt.Fprintf(os.Stderr, "e2e: %s=subprocess needs %s: the suite's own build runs Rust in-process\n", envMode, envCollector)
		return 1
	}
	wantCgo, origin := os.Getenv(envCgoEnabled), ""
	if prebuilt := os.Getenv(envCollector); prebuilt != "" {
		binary, err := filepath.Abs(prebuilt)
		if err == nil {
			_, err = os.Stat(binary)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %s=%s: %v\n", envCollector, prebuilt, err)
			return 1
		}
		collectorBinary, origin = binary, "prebuilt, "+envCollector
	} else {
		if _, err := os.Stat(rustLibrary); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %s is missing: run `make rust` (cargo build --release -p otelbridge-example-collector-e2e) first\n", rustLibrary)
			return 1
		}
		dir, err := os.MkdirTemp("", "otelcol-example-e2e")
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
			return 1
		}
		defer os.RemoveAll(dir)
		collectorBinary = filepath.Join(dir, "otelcol-example")
		// A new output path: go build links again, with the library as it is now.
		build := exec.CommandContext(ctx, "go", "build", "-tags", "e2e", "-o", collectorBinary, ".")
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: go build -tags e2e -o %s . failed: %v\n%s", collectorBinary, err, out)
			return 1
		}
		wantCgo, origin = "1", "hand-written, go build -tags e2e"
	}
	info, err := checkCollector(ctx, collectorBinary, wantCgo)
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %s: %v\n", collectorBinary, err)
		return 1
	}
	fmt.Printf("e2e: collector %s (%s; Rust %s): %s\n", collectorBinary, origin, modeName(), info)
	return m.Run()
}

// checkCollector checks binary's build info (`go version -m`): an otelbridge collector, with
// CGO_ENABLED=wantCgo unless that is empty; and that it has requiredComponents. It returns a
// summary of the build for the log.
func checkCollector(ctx context.Context, binary, wantCgo string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "version", "-m", binary).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go version -m: %v\n%s", err, out)
	}
	var goVersion, mainPath, cgo string
	var bridge bool
	for i, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		switch {
		case i == 0 && len(fields) == 2:
			goVersion = fields[1]
		case len(fields) >= 2 && fields[0] == "path":
			mainPath = fields[1]
		case len(fields) >= 2 && fields[0] == "dep" && fields[1] == "github.com/otelbridge/otelbridge/go":
			bridge = true
		case len(fields) == 2 && fields[0] == "build" && strings.HasPrefix(fields[1], "CGO_ENABLED="):
			cgo = strings.TrimPrefix(fields[1], "CGO_ENABLED=")
		}
	}
	if !bridge {
		return "", fmt.Errorf("not an otelbridge collector: go version -m lists no github.com/otelbridge/otelbridge/go\n%s", out)
	}
	if wantCgo != "" && cgo != wantCgo {
		return "", fmt.Errorf("go version -m shows CGO_ENABLED=%s, want CGO_ENABLED=%s\n%s", cgo, wantCgo, out)
	}
	have, err := listComponents(ctx, binary)
	if err != nil {
		return "", err
	}
	var missing []string
	for kind, names := range requiredComponents {
		for _, name := range names {
			if !have[kind+"/"+name] {
				missing = append(missing, kind+"/"+name)
			}
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return "", fmt.Errorf("the suite needs %v, which `components` does not list (a builder-built collector needs the faults processor of examples/collector/e2e/faults: see internal/e2emanifest)", missing)
	}
	return fmt.Sprintf("%s, main module %s, CGO_ENABLED=%s", goVersion, mainPath, cgo), nil
}

// listComponents returns the components binary has, as `components` lists them: kind/name
// ("extensions/heartbeat").
func listComponents(ctx context.Context, binary string) (map[string]bool, error) {
	out, err := exec.CommandContext(ctx, binary, "components").Output()
	if err != nil {
		return nil, fmt.Errorf("components: %v", err)
	}
	var listed map[string]any
	if err := yaml.Unmarshal(out, &listed); err != nil {
		return nil, fmt.Errorf("components: %v\n%s", err, out)
	}
	have := map[string]bool{}
	for kind, entries := range listed {
		entries, _ := entries.([]any)
		for _, e := range entries {
			if entry, ok := e.(map[string]any); ok {
				have[kind+"/"+fmt.Sprint(entry["name"])] = true
			}
		}
	}
	return have, nil
}

// hashed is what the redact processor's hash action makes of value.
func hashed(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])[:16]
}

// send runs one export with a 10s deadline and fails the test if it is not accepted.
func send(t *testing.T, export func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := export(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestTracesMetricsLogsAreRedactedByRust(t *testing.T) {
	t.Parallel()
	sink := startSink(t)
	col := startCollector(t, sink.endpoint, 200*time.Millisecond)

	conn, err := sample.Dial(col.endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	send(t, func(ctx context.Context) error { return sample.SendTraces(ctx, conn, sample.Traces()) })
	send(t, func(ctx context.Context) error { return sample.SendMetrics(ctx, conn, sample.Metrics()) })
	send(t, func(ctx context.Context) error { return sample.SendLogs(ctx, conn, sample.Logs()) })

	wantSpans := sample.TraceSpans - sample.HealthSpans
	wantPoints := sample.MetricPoints - sample.HealthPoints
	wantRecords := sample.LogRecords - sample.HealthLogs
	if !waitFor(15*time.Second, func() bool {
		spans, points, records := sink.counts()
		return spans >= wantSpans && points >= wantPoints && records >= wantRecords
	}) {
		spans, points, records := sink.counts()
		t.Fatalf("within 15s the sink got %d spans, %d data points, %d log records; want %d, %d, %d",
			spans, points, records, wantSpans, wantPoints, wantRecords)
	}
	// The beats come every 100ms: wait for a few before stopping.
	if !waitFor(5*time.Second, func() bool { return len(col.logLines("otelbridge heartbeat", `"beats": `)) >= 3 }) {
		t.Errorf("fewer than 3 heartbeat lines in the collector's output")
	}
	if code := col.stop(); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}

	traces, metrics, logs := sink.received()
	annHash, bobHash := hashed(sample.EmailAnn), hashed(sample.EmailBob)

	t.Run("traces", func(t *testing.T) {
		spans := map[string]ptrace.Span{}
		for _, td := range traces {
			for _, rs := range td.ResourceSpans().All() {
				requireCount(t, rs.Resource(), 5) // 3 e-mails, 2 card numbers
				for _, ss := range rs.ScopeSpans().All() {
					for _, span := range ss.Spans().All() {
						spans[span.Name()] = span
					}
				}
			}
		}
		if len(spans) != wantSpans {
			t.Fatalf("got spans %v, want %d (no /healthz)", keys(spans), wantSpans)
		}
		for name, span := range spans {
			if route, ok := span.Attributes().Get("http.route"); ok && strings.HasPrefix(route.Str(), "/health") {
				t.Errorf("span %q with http.route %s was not dropped", name, route.Str())
			}
		}
		requireAttrs(t, "POST /checkout", spans["POST /checkout"].Attributes(), map[string]string{
			"user.email":          annHash,
			"payment.card_number": "[redacted]",
			"http.route":          "/checkout",
		})
		requireAttrs(t, "charge card", spans["charge card"].Attributes(), map[string]string{
			"user.email":   annHash,
			"payment.note": "charged card [redacted] for 42.00 EUR",
		})
		requireAttrs(t, "GET /cart", spans["GET /cart"].Attributes(), map[string]string{"user.email": bobHash})
	})

	t.Run("metrics", func(t *testing.T) {
		var emails, routes []string
		for _, md := range metrics {
			for _, rm := range md.ResourceMetrics().All() {
				requireCount(t, rm.Resource(), 2) // 2 e-mails
				for _, sm := range rm.ScopeMetrics().All() {
					for _, m := range sm.Metrics().All() {
						var points pmetric.NumberDataPointSlice
						switch m.Type() {
						case pmetric.MetricTypeSum:
							points = m.Sum().DataPoints()
						case pmetric.MetricTypeGauge:
							points = m.Gauge().DataPoints()
						default:
							t.Fatalf("unexpected metric %s of type %s", m.Name(), m.Type())
						}
						for _, dp := range points.All() {
							if v, ok := dp.Attributes().Get("user.email"); ok {
								emails = append(emails, v.Str())
							}
							if v, ok := dp.Attributes().Get("http.route"); ok {
								routes = append(routes, v.Str())
							}
						}
					}
				}
			}
		}
		if fmt.Sprint(emails) != fmt.Sprint([]string{annHash, bobHash}) {
			t.Errorf("data point e-mails = %v, want the hashes [%s %s]", emails, annHash, bobHash)
		}
		if fmt.Sprint(routes) != "[/checkout]" {
			t.Errorf("data point routes = %v, want [/checkout] (/healthz dropped)", routes)
		}
	})

	t.Run("logs", func(t *testing.T) {
		var bodies []string
		for _, ld := range logs {
			for _, rl := range ld.ResourceLogs().All() {
				requireCount(t, rl.Resource(), 2) // 1 card number, 1 e-mail
				for _, sl := range rl.ScopeLogs().All() {
					for _, lr := range sl.LogRecords().All() {
						bodies = append(bodies, lr.Body().Str())
						if strings.HasPrefix(lr.Body().Str(), "payment declined") {
							requireAttrs(t, "declined log", lr.Attributes(), map[string]string{"user.email": annHash})
						}
					}
				}
			}
		}
		want := []string{"payment declined for card [redacted]: insufficient funds", "order ord-20931 placed"}
		if fmt.Sprint(bodies) != fmt.Sprint(want) {
			t.Errorf("log bodies = %q, want %q (health check dropped)", bodies, want)
		}
	})

	t.Run("no sensitive value anywhere", func(t *testing.T) {
		var all strings.Builder
		for _, td := range traces {
			b, _ := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
			all.Write(b)
		}
		for _, md := range metrics {
			b, _ := (&pmetric.JSONMarshaler{}).MarshalMetrics(md)
			all.Write(b)
		}
		for _, ld := range logs {
			b, _ := (&plog.JSONMarshaler{}).MarshalLogs(ld)
			all.Write(b)
		}
		for _, secret := range []string{sample.EmailAnn, sample.EmailBob, sample.CardSpaced, sample.CardDashed, "@example."} {
			if strings.Contains(all.String(), secret) {
				t.Errorf("%q reached the exporter", secret)
			}
		}
	})

	t.Run("heartbeat", func(t *testing.T) {
		if len(col.logLines("heartbeat started", `"interval": "100ms"`)) != 1 {
			t.Errorf(`want one "heartbeat started" line with interval 100ms`)
		}
		if len(col.logLines("heartbeat stopped", `"beats": `)) != 1 {
			t.Errorf(`want one "heartbeat stopped" line with the beat count`)
		}
		if lines := col.logLines("\terror\t"); len(lines) > 0 {
			t.Errorf("the collector logged errors:\n%s", strings.Join(lines, "\n"))
		}
	})
}

func TestSigtermDeliversEveryAcceptedBatch(t *testing.T) {
	t.Parallel()
	sink := startSink(t)
	// The batch processor holds everything for 5s: only the shutdown can deliver it in time.
	col := startCollector(t, sink.endpoint, 5*time.Second)
	conn, err := sample.Dial(col.endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	const batches = 20
	want := map[pcommon.SpanID]bool{}
	start := time.Now()
	for i := range batches {
		td := sample.Traces()
		kept := keptSpanIDs(td)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := sample.SendTraces(ctx, conn, td)
		cancel()
		if err != nil {
			t.Fatalf("batch %d was not accepted: %v", i, err)
		}
		for _, id := range kept {
			want[id] = true
		}
	}
	sent := time.Since(start)
	spansBefore, _, _ := sink.counts()
	if code := col.stop(); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
	t.Logf("%d batches accepted in %v; %d of %d spans exported before SIGTERM", batches, sent.Round(time.Millisecond), spansBefore, len(want))
	if sent < 4*time.Second && spansBefore != 0 {
		t.Errorf("%d spans were exported before SIGTERM although the batch timeout is 5s", spansBefore)
	}
	if wantTotal := batches * (sample.TraceSpans - sample.HealthSpans); len(want) != wantTotal {
		t.Fatalf("test bug: %d distinct span IDs sent, want %d", len(want), wantTotal)
	}
	requireDeliveredExactly(t, sink, want)
}

func TestValidateReportsTheRustFieldError(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, collectorBinary, "validate", "--config", "testdata/bad-config.yaml").CombinedOutput()
	exitErr, ok := err.(*exec.ExitError)
	if !ok || exitErr.ExitCode() == 0 {
		t.Fatalf("validate: err = %v, want a non-zero exit; output:\n%s", err, out)
	}
	for _, want := range []string{"processors::redact", "rules[1].pattern", "regex parse error"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("validate output does not contain %q:\n%s", want, out)
		}
	}

	// The good config validates.
	out, err = exec.CommandContext(ctx, collectorBinary, "validate", "--config", "config.yaml").CombinedOutput()
	if err != nil {
		t.Errorf("validate config.yaml: %v\n%s", err, out)
	}
}

// ${env:VAR} values that look like numbers or booleans reach Rust string fields as their text,
// as they reach Go components' string fields.
func TestEnvExpandedScalarsReadIntoRustStringFields(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	config := "yaml:processors::redact::mask_text: ${env:OTELBRIDGE_E2E_MASK}"
	cmd := exec.CommandContext(ctx, collectorBinary, "validate", "--config", "config.yaml", "--config", config)
	cmd.Env = append(cmd.Environ(), "OTELBRIDGE_E2E_MASK=1234")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("validate with mask_text from a numeric env var: %v\n%s", err, out)
	}
}
