package bench

// Peer benchmarks: the Rust example processor `redact`, driven through the full Go path
// (otelbridge.NewProcessorFactory, processorhelper, marshal, the C ABI, Rust, unmarshal), against
// the collector-contrib processor that does the same job, created through its real factory. Both
// get the same pdata (the suite's traces(n) and logs(n), batches_test.go) and the same nop next
// consumer (consumertest.NewNop).
//
//   BenchmarkRedaction/<traces|logs>/<records>/<copy|rust|contrib>
//   BenchmarkFilter/<traces|logs>/<records>/<copy|rust|contrib>
//
// The contrib processors mutate their input in place, and the Rust one may hand back a new batch;
// so that no iteration sees the previous one's output, every iteration of both variants processes
// a fresh copy of a prepared original (CopyTo into new pdata, inside the timed loop). The `copy`
// variant measures that copy alone: subtract it from `rust` and `contrib` to get the processors'
// own cost.
//
// TestRedactionPeersAgree and TestFilterPeersAgree check, on the same batches, that the two
// configurations really do the same work, so the benchmarks compare like with like.

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/filterprocessor"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/redactionprocessor"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	otelbridge "github.com/otelbridge/otelbridge/go"
)

// peerSizes are the batch sizes, in records (spans or log records), of every peer benchmark.
var peerSizes = []int{1, 10, 100, 1000, 10000}

// The two values both redaction processors mask, written identically for both. Go's regexp (RE2)
// takes \w, \d and \b as ASCII classes; Rust's regex crate takes them as Unicode classes. On the
// ASCII test data below they match exactly the same text.
const (
	emailPattern = `[\w.+-]+@[\w-]+\.[\w.]+`
	cardPattern  = `\b\d{4}[- ]?\d{4}[- ]?\d{4}[- ]?\d{4}\b`
	// healthPattern selects the records both filters drop, by their http.route attribute.
	healthPattern = `^/health`
)

var (
	emailRegexp = regexp.MustCompile(emailPattern)
	cardRegexp  = regexp.MustCompile(cardPattern)
)

// The redaction configs. Both mask every match of the e-mail rule, then of the card rule, with
// "****" (contrib's fixed mask; redact's default mask_text), in the string values of resource,
// scope, span, span event and log record attributes and in string log bodies, keeping every key.
//
// What the one does that the other does not (none of it is exercised by the test data):
//   - redact also redacts span link attributes, strings nested in array and key-value-list
//     attribute values, and strings nested in map and array log bodies under every rule
//     (contrib only looks at map bodies key by key, and never inside array/map attribute values);
//   - contrib also looks up db.system(.name) in every attribute map (for its database sanitizer,
//     disabled here) and, with redact_all_types (off here), non-string values as strings;
//   - contrib with `summary: info|debug` adds audit attributes to every record it touched; it is
//     `silent` here, as redact's summary_attribute is unset: neither adds anything;
//   - redact returns a new batch when anything changed (so Go unmarshals it) and leaves Go's batch
//     untouched when nothing did; contrib rewrites values in place.
//
// Neither hashes (redact's `hash` action, contrib's hash_function): both mask.
var (
	rustRedactionConfig = map[string]any{
		"rules": []any{
			map[string]any{"pattern": emailPattern, "action": "mask"},
			map[string]any{"pattern": cardPattern, "action": "mask"},
		},
		"mask_text": "****",
	}
	contribRedactionConfig = map[string]any{
		"allow_all_keys": true,
		"blocked_values": []any{emailPattern, cardPattern},
		"summary":        "silent",
	}
)

// The filter configs: drop every span or log record whose own http.route attribute matches
// ^/health. redact has only a drop filter (no rules, so it redacts nothing); filter has one OTTL
// condition per signal.
//
// Differences: OTTL's IsMatch converts a non-string http.route (int, bool, map...) to a string
// and matches that, redact only looks at string values; an absent attribute is kept by both. When
// nothing is dropped redact passes Go's batch on untouched; when everything is, both skip the
// next consumer.
var (
	rustFilterConfig = map[string]any{
		"drop": []any{map[string]any{"attribute": "http.route", "pattern": healthPattern}},
	}
	contribFilterConfig = map[string]any{
		"error_mode":       "ignore",
		"trace_conditions": []any{`IsMatch(span.attributes["http.route"], "` + healthPattern + `")`},
		"log_conditions":   []any{`IsMatch(log.attributes["http.route"], "` + healthPattern + `")`},
	}
)

// peerConfig is factory's default config with section laid over it, validated.
func peerConfig(tb testing.TB, factory processor.Factory, section map[string]any) any {
	tb.Helper()
	cfg := factory.CreateDefaultConfig()
	conf := confmap.NewFromStringMap(section)
	var err error
	if u, ok := cfg.(confmap.Unmarshaler); ok {
		err = u.Unmarshal(conf)
	} else {
		err = conf.Unmarshal(cfg)
	}
	if err != nil {
		tb.Fatalf("%s: %v", factory.Type(), err)
	}
	if v, ok := cfg.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			tb.Fatalf("%s: invalid config: %v", factory.Type(), err)
		}
	}
	return cfg
}

// started starts p and shuts it down when the test or benchmark ends.
func started(tb testing.TB, p component.Component) {
	tb.Helper()
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := p.Shutdown(context.Background()); err != nil {
			tb.Error(err)
		}
	})
}

// peerTracesProcessor creates and starts factory's traces processor with section, feeding next.
func peerTracesProcessor(tb testing.TB, factory processor.Factory, section map[string]any, next consumer.Traces) processor.Traces {
	tb.Helper()
	p, err := factory.CreateTraces(context.Background(), processortest.NewNopSettings(factory.Type()), peerConfig(tb, factory, section), next)
	if err != nil {
		tb.Fatal(err)
	}
	started(tb, p)
	return p
}

// peerLogsProcessor creates and starts factory's logs processor with section, feeding next.
func peerLogsProcessor(tb testing.TB, factory processor.Factory, section map[string]any, next consumer.Logs) processor.Logs {
	tb.Helper()
	p, err := factory.CreateLogs(context.Background(), processortest.NewNopSettings(factory.Type()), peerConfig(tb, factory, section), next)
	if err != nil {
		tb.Fatal(err)
	}
	started(tb, p)
	return p
}

// A peer: one variant of a benchmark, the factory and its config section.
type peer struct {
	variant string
	factory func() processor.Factory
	section map[string]any
}

func redactionPeers() []peer {
	return []peer{
		{"rust", func() processor.Factory { return otelbridge.NewProcessorFactory("redact") }, rustRedactionConfig},
		{"contrib", redactionprocessor.NewFactory, contribRedactionConfig},
	}
}

func filterPeers() []peer {
	return []peer{
		{"rust", func() processor.Factory { return otelbridge.NewProcessorFactory("redact") }, rustFilterConfig},
		{"contrib", filterprocessor.NewFactory, contribFilterConfig},
	}
}

func BenchmarkRedaction(b *testing.B) { benchmarkPeers(b, redactionPeers()) }

func BenchmarkFilter(b *testing.B) { benchmarkPeers(b, filterPeers()) }

// benchmarkPeers runs <signal>/<size>/<variant> for the copy baseline and each peer.
func benchmarkPeers(b *testing.B, peers []peer) {
	b.Run("traces", func(b *testing.B) {
		for _, n := range peerSizes {
			original := traces(n)
			b.Run(strconv.Itoa(n), func(b *testing.B) {
				b.Run("copy", func(b *testing.B) {
					benchTraces(b, original, func(context.Context, ptrace.Traces) error { return nil })
				})
				for _, p := range peers {
					b.Run(p.variant, func(b *testing.B) {
						proc := peerTracesProcessor(b, p.factory(), p.section, consumertest.NewNop())
						benchTraces(b, original, proc.ConsumeTraces)
					})
				}
			})
		}
	})
	b.Run("logs", func(b *testing.B) {
		for _, n := range peerSizes {
			original := logs(n)
			b.Run(strconv.Itoa(n), func(b *testing.B) {
				b.Run("copy", func(b *testing.B) {
					benchLogs(b, original, func(context.Context, plog.Logs) error { return nil })
				})
				for _, p := range peers {
					b.Run(p.variant, func(b *testing.B) {
						proc := peerLogsProcessor(b, p.factory(), p.section, consumertest.NewNop())
						benchLogs(b, original, proc.ConsumeLogs)
					})
				}
			})
		}
	})
}

// benchTraces times consume on a fresh copy of original per iteration (the copy is timed too).
func benchTraces(b *testing.B, original ptrace.Traces, consume func(context.Context, ptrace.Traces) error) {
	ctx := context.Background()
	b.ReportAllocs()
	cpu := startCPUTime(b)
	for b.Loop() {
		td := ptrace.NewTraces()
		original.CopyTo(td)
		if err := consume(ctx, td); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report()
}

// benchLogs times consume on a fresh copy of original per iteration (the copy is timed too).
func benchLogs(b *testing.B, original plog.Logs, consume func(context.Context, plog.Logs) error) {
	ctx := context.Background()
	b.ReportAllocs()
	cpu := startCPUTime(b)
	for b.Loop() {
		ld := plog.NewLogs()
		original.CopyTo(ld)
		if err := consume(ctx, ld); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report()
}

// cpuTime measures the CPU time (user + system, every thread of the process: the benchmark's,
// the garbage collector's, Rust's runtime) a benchmark's loop takes. Reported as cpu-ns/op next
// to the wall-clock ns/op, it is not inflated by other processes competing for the machine.
type cpuTime struct {
	b     *testing.B
	start time.Duration
}

func startCPUTime(b *testing.B) cpuTime {
	return cpuTime{b: b, start: processCPUTime(b)}
}

func (c cpuTime) report() {
	if c.b.N > 0 {
		c.b.ReportMetric(float64((processCPUTime(c.b)-c.start).Nanoseconds())/float64(c.b.N), "cpu-ns/op")
	}
}

func processCPUTime(b *testing.B) time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		b.Fatal(err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// ---------------------------------------------------------------------------------------------
// Extra test data for the equivalence tests (the benchmarks use the suite's traces(n) and
// logs(n) of batches_test.go): one resource and one scope; every record has 10 attributes, among
// them user.email on every record, card on every other record in three spellings (4111111111111111,
// 4111-1111-..., 4111 1111 ...), and http.route "/health" on every tenth (records 9, 19, ...);
// log bodies carry an e-mail address. ASCII, so Go's and Rust's regex classes agree on it.

// peerRecordAttributes fills the attributes of record i.
func peerRecordAttributes(attrs pcommon.Map, i int) {
	attrs.EnsureCapacity(10)
	route := "/api/v1/orders/{id}"
	if i%10 == 9 {
		route = "/health"
	}
	attrs.PutStr("http.route", route)
	attrs.PutStr("http.request.method", "GET")
	attrs.PutInt("http.response.status_code", 200)
	attrs.PutStr("url.full", "https://shop.example.com/api/v1/orders/"+strconv.Itoa(100000+i))
	attrs.PutStr("client.address", fmt.Sprintf("10.%d.%d.%d", i/65536%256, i/256%256, i%256))
	attrs.PutStr("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)")
	attrs.PutInt("thread.id", int64(i%64))
	attrs.PutStr("request.id", fmt.Sprintf("req-%08x", i))
	attrs.PutStr("user.email", fmt.Sprintf("user.%d+shop@mail-%d.example.com", i, i%7))
	if i%2 == 0 {
		seps := []string{"", "-", " "}
		s := seps[i/2%3]
		attrs.PutStr("card", fmt.Sprintf("4111%s1111%s1111%s%04d", s, s, s, i%10000))
	} else {
		attrs.PutBool("cache.hit", i%3 == 0)
	}
}

// peerResource fills a resource's attributes (no sensitive values).
func peerResource(r pcommon.Resource) {
	attrs := r.Attributes()
	attrs.PutStr("service.name", "checkout")
	attrs.PutStr("service.version", "1.4.2")
	attrs.PutStr("host.name", "checkout-7d9f8b6c5-x2x9q")
	attrs.PutStr("deployment.environment.name", "production")
}

// peerTraces is a batch of n spans in one resource and one scope.
func peerTraces(n int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	peerResource(rs.Resource())
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("github.com/otelbridge/otelbridge/bench")
	ss.Scope().SetVersion("1.0.0")
	spans := ss.Spans()
	spans.EnsureCapacity(n)
	start := pcommon.Timestamp(1_700_000_000_000_000_000)
	for i := range n {
		span := spans.AppendEmpty()
		span.SetName("GET /api/v1/orders/{id}")
		span.SetKind(ptrace.SpanKindServer)
		span.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)})
		span.SetSpanID(pcommon.SpanID{9, 9, 9, 9, byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)})
		span.SetStartTimestamp(start + pcommon.Timestamp(i)*1000)
		span.SetEndTimestamp(start + pcommon.Timestamp(i)*1000 + 250_000)
		span.Status().SetCode(ptrace.StatusCodeOk)
		peerRecordAttributes(span.Attributes(), i)
	}
	return td
}

// peerLogs is a batch of n log records in one resource and one scope.
func peerLogs(n int) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	peerResource(rl.Resource())
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("github.com/otelbridge/otelbridge/bench")
	records := sl.LogRecords()
	records.EnsureCapacity(n)
	start := pcommon.Timestamp(1_700_000_000_000_000_000)
	for i := range n {
		lr := records.AppendEmpty()
		lr.SetTimestamp(start + pcommon.Timestamp(i)*1000)
		lr.SetObservedTimestamp(start + pcommon.Timestamp(i)*1000 + 500)
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		lr.SetSeverityText("INFO")
		lr.Body().SetStr(fmt.Sprintf("order %d placed by user.%d+shop@mail-%d.example.com", 100000+i, i, i%7))
		lr.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)})
		peerRecordAttributes(lr.Attributes(), i)
	}
	return ld
}

// ---------------------------------------------------------------------------------------------
// Equivalence.

// peerDataSets are the batches the equivalence tests run on: the suite's (what the benchmarks
// measure) and this file's (card numbers with separators, e-mail addresses in log bodies).
var peerDataSets = []struct {
	name   string
	traces func(int) ptrace.Traces
	logs   func(int) plog.Logs
}{
	{"suite", traces, logs},
	{"peer", peerTraces, peerLogs},
}

// TestRedactionPeersAgree runs both redaction processors on the same batches and checks that
// both mask every value matching the e-mail or card pattern, leave every other value as it was,
// let no string value through that still matches either pattern, and pass on identical batches.
func TestRedactionPeersAgree(t *testing.T) {
	const n = 1000
	peers := redactionPeers()
	for _, data := range peerDataSets {
		t.Run(data.name+"/traces", func(t *testing.T) {
			original := data.traces(n)
			outputs := make([]ptrace.Traces, len(peers))
			for i, p := range peers {
				outputs[i] = runTraces(t, p, original)
				if got := outputs[i].SpanCount(); got != n {
					t.Fatalf("%s passed on %d spans, want %d", p.variant, got, n)
				}
				checkRedacted(t, p.variant, traceAttributeMaps(original), traceAttributeMaps(outputs[i]))
			}
			sameTraces(t, outputs[0], outputs[1])
		})
		t.Run(data.name+"/logs", func(t *testing.T) {
			original := data.logs(n)
			outputs := make([]plog.Logs, len(peers))
			for i, p := range peers {
				outputs[i] = runLogs(t, p, original)
				if got := outputs[i].LogRecordCount(); got != n {
					t.Fatalf("%s passed on %d log records, want %d", p.variant, got, n)
				}
				checkRedacted(t, p.variant, logAttributeMaps(original), logAttributeMaps(outputs[i]))
			}
			sameLogs(t, outputs[0], outputs[1])
		})
	}
}

// TestFilterPeersAgree runs both filters on the same batches and checks that both keep exactly
// the records whose http.route does not match ^/health, in order, and pass on identical batches.
func TestFilterPeersAgree(t *testing.T) {
	health := regexp.MustCompile(healthPattern)
	routeOf := func(attrs pcommon.Map) string {
		v, _ := attrs.Get("http.route")
		return v.Str()
	}
	peers := filterPeers()
	for _, data := range peerDataSets {
		for _, n := range []int{1, 10, 1000} {
			t.Run(fmt.Sprintf("%s/traces/%d", data.name, n), func(t *testing.T) {
				original := data.traces(n)
				var want []string
				forEachSpan(original, func(s ptrace.Span) {
					if !health.MatchString(routeOf(s.Attributes())) {
						want = append(want, s.SpanID().String())
					}
				})
				if n >= 10 && len(want) != n-n/10 {
					t.Fatalf("test data: %d of %d spans are health checks, want every 10th", n-len(want), n)
				}
				outputs := make([]ptrace.Traces, len(peers))
				for i, p := range peers {
					outputs[i] = runTraces(t, p, original)
					var got []string
					forEachSpan(outputs[i], func(s ptrace.Span) { got = append(got, s.SpanID().String()) })
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("%s kept %d spans %v, want %d %v", p.variant, len(got), got, len(want), want)
					}
				}
				sameTraces(t, outputs[0], outputs[1])
			})
			t.Run(fmt.Sprintf("%s/logs/%d", data.name, n), func(t *testing.T) {
				original := data.logs(n)
				var want []string
				forEachLogRecord(original, func(r plog.LogRecord) {
					if !health.MatchString(routeOf(r.Attributes())) {
						want = append(want, r.Body().Str())
					}
				})
				if n >= 10 && len(want) != n-n/10 {
					t.Fatalf("test data: %d of %d log records are health checks, want every 10th", n-len(want), n)
				}
				outputs := make([]plog.Logs, len(peers))
				for i, p := range peers {
					outputs[i] = runLogs(t, p, original)
					var got []string
					forEachLogRecord(outputs[i], func(r plog.LogRecord) { got = append(got, r.Body().Str()) })
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("%s kept %d log records, want %d", p.variant, len(got), len(want))
					}
				}
				sameLogs(t, outputs[0], outputs[1])
			})
		}
	}
	// A batch of nothing but health checks: both drop it whole and skip the next consumer.
	t.Run("all-dropped", func(t *testing.T) {
		original := peerTraces(10)
		original.ResourceSpans().At(0).ScopeSpans().At(0).Spans().RemoveIf(func(s ptrace.Span) bool {
			return !health.MatchString(routeOf(s.Attributes()))
		})
		if original.SpanCount() == 0 {
			t.Fatal("test data: no health check")
		}
		for _, p := range peers {
			if out := runTraces(t, p, original); out.SpanCount() != 0 {
				t.Errorf("%s passed on %d spans, want none", p.variant, out.SpanCount())
			}
		}
	})
}

// runTraces passes a copy of original through a fresh processor of p and returns what reached
// the next consumer (an empty batch if nothing did).
func runTraces(t *testing.T, p peer, original ptrace.Traces) ptrace.Traces {
	t.Helper()
	sink := new(consumertest.TracesSink)
	proc := peerTracesProcessor(t, p.factory(), p.section, sink)
	td := ptrace.NewTraces()
	original.CopyTo(td)
	if err := proc.ConsumeTraces(context.Background(), td); err != nil {
		t.Fatalf("%s: %v", p.variant, err)
	}
	switch got := sink.AllTraces(); len(got) {
	case 0:
		return ptrace.NewTraces()
	case 1:
		return got[0]
	default:
		t.Fatalf("%s passed on %d batches, want 1", p.variant, len(got))
		return ptrace.Traces{}
	}
}

// runLogs is runTraces for logs.
func runLogs(t *testing.T, p peer, original plog.Logs) plog.Logs {
	t.Helper()
	sink := new(consumertest.LogsSink)
	proc := peerLogsProcessor(t, p.factory(), p.section, sink)
	ld := plog.NewLogs()
	original.CopyTo(ld)
	if err := proc.ConsumeLogs(context.Background(), ld); err != nil {
		t.Fatalf("%s: %v", p.variant, err)
	}
	switch got := sink.AllLogs(); len(got) {
	case 0:
		return plog.NewLogs()
	case 1:
		return got[0]
	default:
		t.Fatalf("%s passed on %d batches, want 1", p.variant, len(got))
		return plog.Logs{}
	}
}

func forEachSpan(td ptrace.Traces, f func(ptrace.Span)) {
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, s := range ss.Spans().All() {
				f(s)
			}
		}
	}
}

func forEachLogRecord(ld plog.Logs, f func(plog.LogRecord)) {
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, r := range sl.LogRecords().All() {
				f(r)
			}
		}
	}
}

// traceAttributeMaps lists every resource, scope and span attribute map of td, in order.
func traceAttributeMaps(td ptrace.Traces) []pcommon.Map {
	var maps []pcommon.Map
	for _, rs := range td.ResourceSpans().All() {
		maps = append(maps, rs.Resource().Attributes())
		for _, ss := range rs.ScopeSpans().All() {
			maps = append(maps, ss.Scope().Attributes())
			for _, s := range ss.Spans().All() {
				maps = append(maps, s.Attributes())
			}
		}
	}
	return maps
}

// logAttributeMaps lists every resource, scope and log record attribute map of ld, in order, and
// each string log body as a map {"body": ...}.
func logAttributeMaps(ld plog.Logs) []pcommon.Map {
	var maps []pcommon.Map
	for _, rl := range ld.ResourceLogs().All() {
		maps = append(maps, rl.Resource().Attributes())
		for _, sl := range rl.ScopeLogs().All() {
			maps = append(maps, sl.Scope().Attributes())
			for _, r := range sl.LogRecords().All() {
				maps = append(maps, r.Attributes())
				body := pcommon.NewMap()
				if r.Body().Type() == pcommon.ValueTypeStr {
					body.PutStr("body", r.Body().Str())
				}
				maps = append(maps, body)
			}
		}
	}
	return maps
}

// checkRedacted checks map by map that after is before with every string value matching the
// e-mail or card pattern masked (no match left, "****" in its place) and every other value as it
// was; and that the data had e-mail and card values to mask.
func checkRedacted(t *testing.T, variant string, before, after []pcommon.Map) {
	t.Helper()
	if len(after) != len(before) {
		t.Fatalf("%s: %d attribute maps, want %d", variant, len(after), len(before))
	}
	var emails, cards, masked int
	for i := range before {
		if got, want := after[i].Len(), before[i].Len(); got != want {
			t.Errorf("%s: map %d has %d attributes, want %d", variant, i, got, want)
		}
		for k, v := range before[i].All() {
			got, ok := after[i].Get(k)
			if !ok {
				t.Errorf("%s: map %d lost %s", variant, i, k)
				continue
			}
			sensitive := false
			if v.Type() == pcommon.ValueTypeStr {
				if emailRegexp.MatchString(v.Str()) {
					emails++
					sensitive = true
				}
				if cardRegexp.MatchString(v.Str()) {
					cards++
					sensitive = true
				}
			}
			switch {
			case !sensitive:
				if !got.Equal(v) {
					t.Errorf("%s: map %d: %s = %q, want it untouched (%q)", variant, i, k, got.AsString(), v.AsString())
				}
			case emailRegexp.MatchString(got.Str()) || cardRegexp.MatchString(got.Str()) || !strings.Contains(got.Str(), "****"):
				t.Errorf("%s: map %d: %s = %q (was %q), want it masked", variant, i, k, got.Str(), v.Str())
			default:
				masked++
			}
		}
	}
	if emails == 0 || cards == 0 {
		t.Fatalf("test data: %d e-mail and %d card values, want some of each", emails, cards)
	}
	t.Logf("%s masked %d values (%d e-mails, %d cards)", variant, masked, emails, cards)
}

// sameTraces fails unless rust and contrib passed on the same batch (same OTLP JSON).
func sameTraces(t *testing.T, rust, contrib ptrace.Traces) {
	t.Helper()
	var m ptrace.JSONMarshaler
	a, errA := m.MarshalTraces(rust)
	b, errB := m.MarshalTraces(contrib)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	sameJSON(t, a, b)
}

// sameLogs fails unless rust and contrib passed on the same batch (same OTLP JSON).
func sameLogs(t *testing.T, rust, contrib plog.Logs) {
	t.Helper()
	var m plog.JSONMarshaler
	a, errA := m.MarshalLogs(rust)
	b, errB := m.MarshalLogs(contrib)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	sameJSON(t, a, b)
}

func sameJSON(t *testing.T, rust, contrib []byte) {
	t.Helper()
	if string(rust) == string(contrib) {
		return
	}
	i := 0
	for i < len(rust) && i < len(contrib) && rust[i] == contrib[i] {
		i++
	}
	from := max(0, i-120)
	t.Errorf("rust and contrib outputs differ at byte %d:\nrust:    ...%s\ncontrib: ...%s",
		i, rust[from:min(len(rust), i+120)], contrib[from:min(len(contrib), i+120)])
}
