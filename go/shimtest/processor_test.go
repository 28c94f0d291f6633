package shimtest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	otelbridge "github.com/otelbridge/otelbridge/go"
	"github.com/otelbridge/otelbridge/go/bridge"
)

func TestUnchangedBatchesPassThroughAsTheyCame(t *testing.T) {
	p, sink, _ := startedProbe(t, "pass", nil)
	td := spans(4)
	if err := p.ConsumeTraces(context.Background(), td); err != nil {
		t.Fatal(err)
	}
	got := sink.AllTraces()
	if len(got) != 1 || got[0].SpanCount() != 4 {
		t.Fatalf("sink got %d batches", len(got))
	}
	if _, ok := got[0].ResourceSpans().At(0).Resource().Attributes().Get("probe.seen"); ok {
		t.Fatal("an unchanged batch must be the original, not a rewritten one")
	}
}

func TestReplacedBatchesCarryRustsChanges(t *testing.T) {
	p, sink, _ := startedProbe(t, "rewrite", map[string]any{"action": "rewrite"})
	if err := p.ConsumeTraces(context.Background(), spans(4)); err != nil {
		t.Fatal(err)
	}
	attrs := sink.AllTraces()[0].ResourceSpans().At(0).Resource().Attributes()
	if v, ok := attrs.Get("probe.seen"); !ok || v.Str() != "true" {
		t.Fatalf("resource attributes = %v, want probe.seen=true", attrs.AsRaw())
	}
	if sink.SpanCount() != 4 {
		t.Fatalf("span count = %d", sink.SpanCount())
	}
}

func TestDroppedBatchesReachNobodyWithoutError(t *testing.T) {
	p, sink, _ := startedProbe(t, "drop", map[string]any{"action": "drop"})
	if err := p.ConsumeTraces(context.Background(), spans(4)); err != nil {
		t.Fatalf("a dropped batch is a success: %v", err)
	}
	if n := len(sink.AllTraces()); n != 0 {
		t.Fatalf("%d batches reached the next consumer", n)
	}
}

func TestWorkThatAwaitsCompletesThroughTheRuntime(t *testing.T) {
	p, sink, _ := startedProbe(t, "yield", nil)
	if err := p.ConsumeTraces(withAction(context.Background(), "yield"), spans(2)); err != nil {
		t.Fatal(err)
	}
	if _, ok := sink.AllTraces()[0].ResourceSpans().At(0).Resource().Attributes().Get("probe.seen"); !ok {
		t.Fatal("the batch rewritten after an await did not arrive")
	}
}

func TestMetadataReachesRust(t *testing.T) {
	p, sink, _ := startedProbe(t, "metadata", map[string]any{"action": "rewrite"})
	ctx := client.NewContext(context.Background(), client.Info{
		Metadata: client.NewMetadata(map[string][]string{"x-tenant": {"acme", "beta"}}),
	})
	if err := p.ConsumeTraces(ctx, spans(1)); err != nil {
		t.Fatal(err)
	}
	attrs := sink.AllTraces()[0].ResourceSpans().At(0).Resource().Attributes()
	if v, _ := attrs.Get("probe.md.x-tenant"); v.Str() != "acme,beta" {
		t.Fatalf("resource attributes = %v", attrs.AsRaw())
	}
}

func TestErrorsMapToCollectorErrors(t *testing.T) {
	p, _, _ := startedProbe(t, "errors", nil)
	cases := []struct {
		action     string
		code       bridge.Code
		permanent  bool
		retryAfter time.Duration
		isContext  error
	}{
		{"fail:permanent", bridge.CodePermanent, true, 0, nil},
		{"fail:retryable", bridge.CodeRetryable, false, 2 * time.Second, nil},
		{"fail:exhausted", bridge.CodeResourceExhausted, false, 0, nil},
		{"fail:cancelled", bridge.CodeCancelled, false, 0, context.Canceled},
		{"fail:deadline", bridge.CodeDeadlineExceeded, false, 0, context.DeadlineExceeded},
		{"fail:config", bridge.CodeInvalidConfig, true, 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			err := p.ConsumeTraces(withAction(context.Background(), tc.action), spans(1))
			var status *bridge.Error
			if !errors.As(err, &status) {
				t.Fatalf("error %v is not a *bridge.Error", err)
			}
			if status.Code != tc.code || status.RetryAfter != tc.retryAfter {
				t.Fatalf("status = %+v, want code %v retry-after %v", status, tc.code, tc.retryAfter)
			}
			if consumererror.IsPermanent(err) != tc.permanent {
				t.Fatalf("IsPermanent = %v, want %v", !tc.permanent, tc.permanent)
			}
			if !strings.Contains(err.Error(), "probe/errors: probe failed on purpose") {
				t.Fatalf("error %q does not name the component", err)
			}
			// A retry-after makes it an exporterhelper throttle error, which waits that long.
			if throttled := strings.HasPrefix(err.Error(), "Throttle ("+tc.retryAfter.String()+")"); throttled != (tc.retryAfter > 0) {
				t.Fatalf("throttle error = %v for retry-after %v: %v", throttled, tc.retryAfter, err)
			}
			if tc.isContext != nil && !errors.Is(err, tc.isContext) {
				t.Fatalf("errors.Is(%v, %v) = false", err, tc.isContext)
			}
		})
	}
}

// statusHost records the component status events a component reports, as the collector's
// status aggregator (and so health checks) would see them.
type statusHost struct {
	component.Host
	mu     sync.Mutex
	events []componentstatus.Status
}

func (h *statusHost) Report(ev *componentstatus.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, ev.Status())
}

func (h *statusHost) statuses() []componentstatus.Status {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]componentstatus.Status(nil), h.events...)
}

// A panic fails its batch permanently and the process goes on; the instance is failed, reported
// as a recoverable error, answers retryably while it is created and started again, and reports
// its recovery.
func TestAPanickedInstanceIsReportedRestartedAndRecovers(t *testing.T) {
	factory := otelbridge.NewProcessorFactory("probe")
	set := processortest.NewNopSettings(factory.Type())
	set.ID = component.MustNewIDWithName("probe", "panics")
	core, logs := observer.New(zap.DebugLevel)
	set.Logger = zap.New(core)
	sink := new(consumertest.TracesSink)
	p, err := factory.CreateTraces(context.Background(), set, probeConfig(t, factory, nil), sink)
	if err != nil {
		t.Fatal(err)
	}
	host := &statusHost{Host: componenttest.NewNopHost()}
	if err := p.Start(context.Background(), host); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	healthy, healthySink, _ := startedProbe(t, "healthy", nil)

	err = p.ConsumeTraces(withAction(context.Background(), "panic"), spans(1))
	if err == nil || !strings.Contains(err.Error(), "probe panicked on purpose") || !consumererror.IsPermanent(err) {
		t.Fatalf("a panic gave %v, want a permanent error with the panic message", err)
	}
	if got := logs.FilterMessageSnippet("Rust component panicked").Len(); got != 1 {
		t.Errorf("%d log lines say the component panicked, want 1: %v", got, logs.All())
	}
	if err := healthy.ConsumeTraces(context.Background(), spans(1)); err != nil || healthySink.SpanCount() != 1 {
		t.Fatalf("another instance stopped working: %v", err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := p.ConsumeTraces(context.Background(), spans(1))
		if err == nil {
			break
		}
		if consumererror.IsPermanent(err) {
			t.Fatalf("a call after the panic failed permanently: %v (clients would drop their data)", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the instance did not recover: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if sink.SpanCount() != 1 {
		t.Fatalf("the recovered instance passed on %d spans, want 1", sink.SpanCount())
	}
	want := []componentstatus.Status{componentstatus.StatusRecoverableError, componentstatus.StatusOK}
	if got := host.statuses(); !slices.Equal(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
	if got := logs.FilterMessageSnippet("running again after a panic").Len(); got != 1 {
		t.Errorf("%d log lines say the component recovered, want 1", got)
	}
}

func TestCancellingTheContextReturnsAtOnceAndStopsRust(t *testing.T) {
	p, _, _ := startedProbe(t, "cancel", nil)
	ctx, cancel := context.WithCancel(withAction(context.Background(), "sleep:30s"))
	time.AfterFunc(50*time.Millisecond, cancel)
	began := time.Now()
	err := p.ConsumeTraces(ctx, spans(1))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ConsumeTraces = %v, want context.Canceled", err)
	}
	if waited := time.Since(began); waited > 10*time.Second {
		t.Fatalf("the goroutine waited %v for a cancelled call", waited)
	}
	// Shutdown waits for the cancelled call to finish in Rust; it must be quick.
	shutdownCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
	defer done()
	if err := p.Shutdown(shutdownCtx); err != nil {
		t.Fatalf("Shutdown after a cancelled call = %v", err)
	}
}

func TestADeadlineExpiringMidCallEndsIt(t *testing.T) {
	p, _, _ := startedProbe(t, "deadline", nil)
	ctx, cancel := context.WithTimeout(withAction(context.Background(), "sleep:30s"), 100*time.Millisecond)
	defer cancel()
	err := p.ConsumeTraces(ctx, spans(1))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ConsumeTraces = %v, want a deadline error", err)
	}
}

// A deadline past what Unix nanoseconds in an int64 hold (April 2262) is far away, not expired.
func TestADeadlineCenturiesAwayIsNotTakenAsExpired(t *testing.T) {
	p, sink, _ := startedProbe(t, "far-deadline", nil)
	ctx, cancel := context.WithDeadline(context.Background(), time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC))
	defer cancel()
	if err := p.ConsumeTraces(ctx, spans(1)); err != nil {
		t.Fatalf("ConsumeTraces with a deadline in 2300 = %v, want success", err)
	}
	if sink.SpanCount() != 1 {
		t.Fatalf("the batch did not go on: %d spans", sink.SpanCount())
	}
}

func TestRustLogsReachTheComponentLogger(t *testing.T) {
	p, _, logs := startedProbe(t, "logs", nil)
	if err := p.ConsumeTraces(withAction(context.Background(), "log"), spans(1)); err != nil {
		t.Fatal(err)
	}
	arrives(t, "the log entry", func() bool { return logs.FilterMessage("probe saw a batch").Len() > 0 })
	entries := logs.FilterMessage("probe saw a batch").All()
	if len(entries) != 1 {
		t.Fatalf("%d matching entries in %v", len(entries), logs.All())
	}
	entry := entries[0]
	fields := entry.ContextMap()
	if entry.Level != zapcore.InfoLevel || fields["probe.ok"] != true || fields["ratio"] != 0.5 {
		t.Fatalf("entry = %v %v", entry.Level, fields)
	}
	if n, ok := fields["batch.bytes"].(uint64); !ok || n == 0 {
		t.Fatalf("batch.bytes = %#v", fields["batch.bytes"])
	}
}

func TestConcurrentCallsAndShutdown(t *testing.T) {
	p, sink, _ := startedProbe(t, "concurrent", nil)
	actions := []string{"pass", "rewrite", "yield", "drop", "sleep:1ms"}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				action := actions[(g+i)%len(actions)]
				if err := p.ConsumeTraces(withAction(context.Background(), action), spans(3)); err != nil {
					t.Errorf("%s: %v", action, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := 8 * 50 * 4 / 5 * 3; sink.SpanCount() != want {
		t.Fatalf("span count = %d, want %d (all but the dropped)", sink.SpanCount(), want)
	}
}

func TestMetricsAndLogsCrossToo(t *testing.T) {
	metricsSink, logsSink := new(consumertest.MetricsSink), new(consumertest.LogsSink)
	mp, lp := startedMetricsAndLogsProbes(t, otelbridge.NewProcessorFactory("probe"), "rewrite", metricsSink, logsSink)
	md := pmetric.NewMetrics()
	md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty().SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(3)
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("hello")
	if err := mp.ConsumeMetrics(context.Background(), md); err != nil {
		t.Fatal(err)
	}
	if err := lp.ConsumeLogs(context.Background(), ld); err != nil {
		t.Fatal(err)
	}
	gotMetrics := metricsSink.AllMetrics()[0].ResourceMetrics().At(0)
	if _, ok := gotMetrics.Resource().Attributes().Get("probe.seen"); !ok || gotMetrics.ScopeMetrics().At(0).Metrics().At(0).Gauge().DataPoints().At(0).IntValue() != 3 {
		t.Fatal("the rewritten metrics lost data or the mark")
	}
	gotLogs := logsSink.AllLogs()[0].ResourceLogs().At(0)
	if _, ok := gotLogs.Resource().Attributes().Get("probe.seen"); !ok || gotLogs.ScopeLogs().At(0).LogRecords().At(0).Body().Str() != "hello" {
		t.Fatal("the rewritten logs lost data or the mark")
	}
}

// Go's pdata never checks that text is UTF-8, so a client's Latin-1 span name reaches Rust; a
// component that decodes the batch must get it (lossily), not refuse the whole batch.
func TestBatchesWithTextThatIsNotUTF8AreDecodedNotRefused(t *testing.T) {
	p, sink, _ := startedProbe(t, "latin1", map[string]any{"action": "rewrite"})
	td := spans(2)
	span := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	span.SetName("caf\xe9")
	span.Attributes().PutStr("user", "J\xfcrgen")
	span.Attributes().PutEmptyBytes("raw").FromRaw([]byte{0xff, 0xfe})
	if err := p.ConsumeTraces(context.Background(), td); err != nil {
		t.Fatalf("a batch pdata accepted was refused: %v", err)
	}
	got := sink.AllTraces()
	if len(got) != 1 || got[0].SpanCount() != 2 {
		t.Fatalf("sink got %d batches", len(got))
	}
	out := got[0].ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	if out.Name() != "caf\uFFFD" {
		t.Errorf("name = %q, want the invalid byte replaced by U+FFFD", out.Name())
	}
	if v, _ := out.Attributes().Get("user"); v.Str() != "J\uFFFDrgen" {
		t.Errorf("user = %q", v.Str())
	}
	if v, _ := out.Attributes().Get("raw"); string(v.Bytes().AsRaw()) != "\xff\xfe" {
		t.Errorf("bytes values are no text and cross as sent: raw = %x", v.Bytes().AsRaw())
	}
}
