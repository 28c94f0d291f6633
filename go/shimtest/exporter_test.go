package shimtest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	otelbridge "github.com/otelbridge/otelbridge/go"
	"github.com/otelbridge/otelbridge/go/bridge"
)

// These tests drive the Rust otlphttp_rs exporter (examples/otlphttp-exporter) through the real
// Go factory and exporterhelper, against a real local OTLP/HTTP server.

// otlpExport is one request the backend received, decoded.
type otlpExport struct {
	at     time.Time
	path   string
	header http.Header
	// items is the span, data point or log record count of the decoded batch.
	items int
	// service is the service.name of the first resource.
	service string
	// decodeErr is why the body could not be read as the OTLP of its path.
	decodeErr error
}

// otlpBackend is a local OTLP/HTTP server that records and decodes every request, then answers
// as its answer function says (200 when nil).
type otlpBackend struct {
	url    string
	answer func(attempt int, w http.ResponseWriter, r *http.Request)
	// arrived gets a value as each request has been recorded; dropped gets one for each request
	// whose client went away before it was answered.
	arrived, dropped chan struct{}
	// release unblocks the requests that hang; it is closed when the test ends.
	release chan struct{}

	mu       sync.Mutex
	received []otlpExport
}

func newOTLPBackend(t *testing.T, answer func(attempt int, w http.ResponseWriter, r *http.Request)) *otlpBackend {
	t.Helper()
	b := &otlpBackend{
		answer:  answer,
		arrived: make(chan struct{}, 100),
		dropped: make(chan struct{}, 100),
		release: make(chan struct{}),
	}
	return b.start(t)
}

// newHangingOTLPBackend is a backend that answers no request before the test ends.
func newHangingOTLPBackend(t *testing.T) *otlpBackend {
	t.Helper()
	b := &otlpBackend{
		arrived: make(chan struct{}, 100),
		dropped: make(chan struct{}, 100),
		release: make(chan struct{}),
	}
	b.answer = func(_ int, w http.ResponseWriter, r *http.Request) { b.hang(w, r) }
	return b.start(t)
}

func (b *otlpBackend) start(t *testing.T) *otlpBackend {
	srv := httptest.NewServer(http.HandlerFunc(b.serve))
	b.url = srv.URL
	// Cleanups run last first: hanging handlers are released, then the server closes.
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(b.release) })
	return b
}

func (b *otlpBackend) serve(w http.ResponseWriter, r *http.Request) {
	export := decodeOTLPExport(r)
	b.mu.Lock()
	b.received = append(b.received, export)
	attempt := len(b.received)
	b.mu.Unlock()
	select {
	case b.arrived <- struct{}{}:
	default:
	}
	if b.answer == nil {
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
		return
	}
	b.answer(attempt, w, r)
}

// hang answers only when the test ends, or notes that the client dropped the request.
func (b *otlpBackend) hang(w http.ResponseWriter, r *http.Request) {
	select {
	case <-b.release:
		w.WriteHeader(http.StatusServiceUnavailable)
	case <-r.Context().Done():
		b.dropped <- struct{}{}
	}
}

func (b *otlpBackend) exports() []otlpExport {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.received)
}

// waitFor waits up to 5s for a value on ch.
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting until %s", what)
	}
}

// decodeOTLPExport reads the body as the exporter sent it: gunzipped if it says gzip, then
// decoded as the OTLP protobuf of its path.
func decodeOTLPExport(r *http.Request) otlpExport {
	export := otlpExport{at: time.Now(), path: r.URL.Path, header: r.Header.Clone()}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		export.decodeErr = err
		return export
	}
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			body, err = io.ReadAll(zr)
		}
		if err != nil {
			export.decodeErr = fmt.Errorf("gunzip: %w", err)
			return export
		}
	}
	switch r.URL.Path {
	case "/v1/traces":
		var u ptrace.ProtoUnmarshaler
		td, err := u.UnmarshalTraces(body)
		export.decodeErr = err
		export.items = td.SpanCount()
		if td.ResourceSpans().Len() > 0 {
			export.service = serviceName(td.ResourceSpans().At(0).Resource().Attributes().AsRaw())
		}
	case "/v1/metrics":
		var u pmetric.ProtoUnmarshaler
		md, err := u.UnmarshalMetrics(body)
		export.decodeErr = err
		export.items = md.DataPointCount()
		if md.ResourceMetrics().Len() > 0 {
			export.service = serviceName(md.ResourceMetrics().At(0).Resource().Attributes().AsRaw())
		}
	case "/v1/logs":
		var u plog.ProtoUnmarshaler
		ld, err := u.UnmarshalLogs(body)
		export.decodeErr = err
		export.items = ld.LogRecordCount()
		if ld.ResourceLogs().Len() > 0 {
			export.service = serviceName(ld.ResourceLogs().At(0).Resource().Attributes().AsRaw())
		}
	default:
		export.decodeErr = fmt.Errorf("unexpected path %q", r.URL.Path)
	}
	return export
}

func serviceName(attrs map[string]any) string {
	name, _ := attrs["service.name"].(string)
	return name
}

// gauge makes a batch of n gauge data points.
func gauge(n int) pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "checkout")
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("queue.depth")
	points := m.SetEmptyGauge().DataPoints()
	for i := range n {
		point := points.AppendEmpty()
		point.SetIntValue(int64(i))
		point.Attributes().PutInt("shard", int64(i))
	}
	return md
}

// logRecords makes a batch of n log records.
func logRecords(n int) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "checkout")
	records := rl.ScopeLogs().AppendEmpty().LogRecords()
	for i := range n {
		records.AppendEmpty().Body().SetStr(fmt.Sprintf("order %d placed", i))
	}
	return ld
}

// otlpHTTPRsSection is the exporter's section for backend b, with extra keys laid over it.
func otlpHTTPRsSection(b *otlpBackend, extra map[string]any) map[string]any {
	section := map[string]any{"endpoint": b.url}
	maps.Copy(section, extra)
	return section
}

// otlpHTTPRsConfig reads section as the collector does: the factory's default config, the
// section unmarshalled over it, then validated.
func otlpHTTPRsConfig(t *testing.T, factory exporter.Factory, section map[string]any) component.Config {
	t.Helper()
	cfg := factory.CreateDefaultConfig()
	if err := confmap.NewFromStringMap(section).Unmarshal(cfg); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if err := confmap.Validate(cfg); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	return cfg
}

// startExporter starts c and shuts it down when the test ends.
func startExporter(t *testing.T, c component.Component) {
	t.Helper()
	if err := c.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = c.Shutdown(ctx)
	})
}

// startedOTLPHTTPRsTraces creates and starts an otlphttp_rs traces exporter with section.
func startedOTLPHTTPRsTraces(t *testing.T, section map[string]any) exporter.Traces {
	t.Helper()
	factory := otelbridge.NewExporterFactory("otlphttp_rs")
	cfg := otlpHTTPRsConfig(t, factory, section)
	exp, err := factory.CreateTraces(context.Background(), exportertest.NewNopSettings(factory.Type()), cfg)
	if err != nil {
		t.Fatalf("CreateTraces: %v", err)
	}
	startExporter(t, exp)
	return exp
}

// A synchronous exporter with fast retries: the call's result is the export's result.
var syncFastRetries = map[string]any{
	"retry_on_failure": map[string]any{"enabled": true, "initial_interval": "10ms", "max_interval": "50ms"},
	"sending_queue":    map[string]any{"enabled": false},
}

func TestExporterSendsEachSignalAsGzippedOTLPWithTheConfiguredHeaders(t *testing.T) {
	b := newOTLPBackend(t, nil)
	factory := otelbridge.NewExporterFactory("otlphttp_rs")
	cfg := otlpHTTPRsConfig(t, factory, otlpHTTPRsSection(b, map[string]any{
		"headers":       map[string]any{"x-tenant": "acme"},
		"sending_queue": map[string]any{"enabled": false},
	}))
	set := exportertest.NewNopSettings(factory.Type())
	ctx := context.Background()

	cases := []struct {
		signal string
		items  int
		export func(t *testing.T) error
	}{
		{"traces", 7, func(t *testing.T) error {
			exp, err := factory.CreateTraces(ctx, set, cfg)
			if err != nil {
				t.Fatal(err)
			}
			startExporter(t, exp)
			return exp.ConsumeTraces(ctx, spans(7))
		}},
		{"metrics", 5, func(t *testing.T) error {
			exp, err := factory.CreateMetrics(ctx, set, cfg)
			if err != nil {
				t.Fatal(err)
			}
			startExporter(t, exp)
			return exp.ConsumeMetrics(ctx, gauge(5))
		}},
		{"logs", 3, func(t *testing.T) error {
			exp, err := factory.CreateLogs(ctx, set, cfg)
			if err != nil {
				t.Fatal(err)
			}
			startExporter(t, exp)
			return exp.ConsumeLogs(ctx, logRecords(3))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.signal, func(t *testing.T) {
			before := len(b.exports())
			if err := tc.export(t); err != nil {
				t.Fatalf("export: %v", err)
			}
			got := b.exports()[before:]
			if len(got) != 1 {
				t.Fatalf("the server got %d requests, want 1", len(got))
			}
			e := got[0]
			if e.decodeErr != nil {
				t.Fatalf("decoding the request: %v", e.decodeErr)
			}
			if e.path != "/v1/"+tc.signal {
				t.Errorf("path = %q, want /v1/%s", e.path, tc.signal)
			}
			if e.items != tc.items || e.service != "checkout" {
				t.Errorf("the server decoded %d items of %q, want %d of checkout", e.items, e.service, tc.items)
			}
			for name, want := range map[string]string{
				"X-Tenant":         "acme",
				"Content-Encoding": "gzip",
				"Content-Type":     "application/x-protobuf",
			} {
				if v := e.header.Get(name); v != want {
					t.Errorf("header %s = %q, want %q", name, v, want)
				}
			}
			if ua := e.header.Get("User-Agent"); !strings.HasPrefix(ua, "otelbridge-otlphttp-rs/") {
				t.Errorf("User-Agent = %q", ua)
			}
		})
	}
}

func TestExporterRetriesRetryableAnswersUntilOneSucceeds(t *testing.T) {
	b := newOTLPBackend(t, func(attempt int, w http.ResponseWriter, _ *http.Request) {
		if attempt <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	exp := startedOTLPHTTPRsTraces(t, otlpHTTPRsSection(b, syncFastRetries))
	if err := exp.ConsumeTraces(context.Background(), spans(4)); err != nil {
		t.Fatalf("ConsumeTraces = %v, want nil after the retries", err)
	}
	got := b.exports()
	if len(got) != 3 {
		t.Fatalf("the server saw %d attempts, want 3", len(got))
	}
	for i, e := range got {
		if e.decodeErr != nil || e.items != 4 {
			t.Errorf("attempt %d: %d spans (%v), want the same 4", i+1, e.items, e.decodeErr)
		}
	}
}

func TestExporterDropsABatchThePermanentAnswerRefusesWithoutRetrying(t *testing.T) {
	b := newOTLPBackend(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "span 3 has no trace id")
	})
	exp := startedOTLPHTTPRsTraces(t, otlpHTTPRsSection(b, syncFastRetries))
	err := exp.ConsumeTraces(context.Background(), spans(4))
	if err == nil || !consumererror.IsPermanent(err) {
		t.Fatalf("ConsumeTraces = %v, want a permanent error", err)
	}
	for _, want := range []string{"otlphttp_rs", "400", "span 3 has no trace id"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if n := len(b.exports()); n != 1 {
		t.Fatalf("the server saw %d attempts, want 1 (no retry of a permanent error)", n)
	}
}

func TestExporterWaitsTheRetryAfterTheServerAsks(t *testing.T) {
	b := newOTLPBackend(t, func(attempt int, w http.ResponseWriter, _ *http.Request) {
		if attempt == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	exp := startedOTLPHTTPRsTraces(t, otlpHTTPRsSection(b, syncFastRetries))
	if err := exp.ConsumeTraces(context.Background(), spans(2)); err != nil {
		t.Fatalf("ConsumeTraces = %v, want nil after the retry", err)
	}
	got := b.exports()
	if len(got) != 2 {
		t.Fatalf("the server saw %d attempts, want 2", len(got))
	}
	// initial_interval is 10ms: only Retry-After explains a wait of a second.
	if wait := got[1].at.Sub(got[0].at); wait < time.Second {
		t.Fatalf("the retry came %v after the first attempt, want at least the 1s of Retry-After", wait)
	}
}

func TestExporterQueueIsDrainedAtShutdown(t *testing.T) {
	b := newOTLPBackend(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		time.Sleep(50 * time.Millisecond)
		w.WriteHeader(http.StatusOK)
	})
	factory := otelbridge.NewExporterFactory("otlphttp_rs")
	cfg := otlpHTTPRsConfig(t, factory, otlpHTTPRsSection(b, map[string]any{
		"sending_queue": map[string]any{"enabled": true, "num_consumers": 1, "queue_size": 100},
	}))
	exp, err := factory.CreateTraces(context.Background(), exportertest.NewNopSettings(factory.Type()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := exp.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}

	const batches = 20
	sent := 0
	for i := 1; i <= batches; i++ {
		if err := exp.ConsumeTraces(context.Background(), spans(i)); err != nil {
			t.Fatalf("batch %d: ConsumeTraces = %v", i, err)
		}
		sent += i
	}
	// A synchronous exporter would have sent all 20 by now; one consumer at 50ms each has not.
	if n := len(b.exports()); n >= batches {
		t.Fatalf("the server already had %d requests when the last batch was queued: the queue is not in use", n)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := exp.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v", err)
	}
	got := b.exports()
	var sizes []int
	received := 0
	for _, e := range got {
		if e.decodeErr != nil {
			t.Fatalf("decoding a request: %v", e.decodeErr)
		}
		sizes = append(sizes, e.items)
		received += e.items
	}
	slices.Sort(sizes)
	if len(got) != batches || received != sent {
		t.Fatalf("after Shutdown the server had %d requests with %d spans, want %d with %d", len(got), received, batches, sent)
	}
	for i, size := range sizes {
		if size != i+1 {
			t.Fatalf("batch sizes received = %v, want each of 1..%d once", sizes, batches)
		}
	}
}

func TestExporterTimeoutCancelsTheRustRequest(t *testing.T) {
	b := newHangingOTLPBackend(t)
	const timeout = 200 * time.Millisecond
	exp := startedOTLPHTTPRsTraces(t, otlpHTTPRsSection(b, map[string]any{
		"timeout":          timeout.String(),
		"retry_on_failure": map[string]any{"enabled": false},
		"sending_queue":    map[string]any{"enabled": false},
	}))

	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- exp.ConsumeTraces(context.Background(), spans(1)) }()
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("ConsumeTraces did not return within 5s of a 200ms timeout")
	}
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ConsumeTraces = %v, want a deadline exceeded error", err)
	}
	if elapsed < timeout/2 {
		t.Fatalf("ConsumeTraces returned after %v, before the timeout could pass", elapsed)
	}
	if n := len(b.exports()); n != 1 {
		t.Fatalf("the server saw %d requests, want 1", n)
	}
	// Rust dropped the request: its connection closed before any answer.
	waitFor(t, b.dropped, "the Rust exporter dropped the timed-out request")
}

func TestExporterShutdownPastItsDeadlineCancelsTheExportInFlight(t *testing.T) {
	b := newHangingOTLPBackend(t)
	exp := startedOTLPHTTPRsTraces(t, otlpHTTPRsSection(b, map[string]any{
		"timeout":          "0s", // no timeout: only Shutdown can end the call
		"retry_on_failure": map[string]any{"enabled": false},
		"sending_queue":    map[string]any{"enabled": false},
	}))

	done := make(chan error, 1)
	go func() { done <- exp.ConsumeTraces(context.Background(), spans(1)) }()
	waitFor(t, b.arrived, "the server saw the export")
	select {
	case err := <-done:
		t.Fatalf("ConsumeTraces returned before Shutdown: %v", err)
	default:
	}

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := exp.Shutdown(ctx)
	if err == nil || !strings.Contains(err.Error(), "the shutdown deadline passed with calls in flight: 1 waiting in Rust were cancelled") {
		t.Fatalf("Shutdown = %v, want the calls-in-flight error", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown's error %v does not wrap the context's deadline", err)
	}
	if waited := time.Since(start); waited < 100*time.Millisecond {
		t.Errorf("Shutdown returned after %v, before its deadline", waited)
	}

	select {
	case err := <-done:
		var rustErr *bridge.Error
		if !errors.As(err, &rustErr) || rustErr.Code != bridge.CodeCancelled {
			t.Fatalf("the export in flight = %v, want it cancelled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the export in flight did not end after Shutdown")
	}
	waitFor(t, b.dropped, "the Rust exporter dropped the cancelled request")
}

func TestExporterConfigIsOneSectionSplitBetweenGoAndRust(t *testing.T) {
	factory := otelbridge.NewExporterFactory("otlphttp_rs")
	read := func(section map[string]any) (component.Config, error) {
		cfg := factory.CreateDefaultConfig()
		if err := confmap.NewFromStringMap(section).Unmarshal(cfg); err != nil {
			return nil, err
		}
		return cfg, confmap.Validate(cfg)
	}

	t.Run("split", func(t *testing.T) {
		cfg, err := read(map[string]any{
			"endpoint":         "http://127.0.0.1:4318",
			"compression":      "none",
			"timeout":          "3s",
			"retry_on_failure": map[string]any{"enabled": true, "initial_interval": "10ms"},
			"sending_queue":    map[string]any{"enabled": true, "num_consumers": 2},
		})
		if err != nil {
			t.Fatal(err)
		}
		c := cfg.(*otelbridge.ExporterConfig)
		if c.TimeoutConfig.Timeout != 3*time.Second || c.RetryConfig.InitialInterval != 10*time.Millisecond ||
			!c.QueueConfig.HasValue() || c.QueueConfig.Get().NumConsumers != 2 {
			t.Fatalf("exporterhelper's part = %+v", c.ExporterHelperConfig)
		}
		rust := c.Rust().Values()
		if rust["endpoint"] != "http://127.0.0.1:4318" || rust["compression"] != "none" {
			t.Fatalf("Rust's part = %v", rust)
		}
		for _, key := range []string{"timeout", "retry_on_failure", "sending_queue"} {
			if _, ok := rust[key]; ok {
				t.Errorf("Rust's part has exporterhelper's key %q: %v", key, rust)
			}
		}
	})

	t.Run("unknown key", func(t *testing.T) {
		_, err := read(map[string]any{"endpiont": "http://127.0.0.1:4318"})
		if err == nil || !strings.Contains(err.Error(), "endpiont") {
			t.Fatalf("Validate = %v, want an error naming endpiont", err)
		}
	})

	t.Run("unknown key in exporterhelper's part", func(t *testing.T) {
		_, err := read(map[string]any{
			"endpoint":         "http://127.0.0.1:4318",
			"retry_on_failure": map[string]any{"enabeld": true},
		})
		if err == nil || !strings.Contains(err.Error(), "enabeld") {
			t.Fatalf("reading the config = %v, want an error naming enabeld", err)
		}
	})

	t.Run("negative timeout", func(t *testing.T) {
		_, err := read(map[string]any{"endpoint": "http://127.0.0.1:4318", "timeout": "-1s"})
		if err == nil || !strings.Contains(err.Error(), "timeout value must be greater than or equal to 0") {
			t.Fatalf("Validate = %v, want exporterhelper's timeout error", err)
		}
	})

	t.Run("marshal", func(t *testing.T) {
		cfg, err := read(map[string]any{
			"endpoint":         "http://127.0.0.1:4318",
			"headers":          map[string]any{"x-tenant": "acme"},
			"retry_on_failure": map[string]any{"initial_interval": "10ms"},
		})
		if err != nil {
			t.Fatal(err)
		}
		conf := confmap.New()
		if err := conf.Marshal(cfg); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"endpoint", "headers::x-tenant", "compression", "timeout", "retry_on_failure", "sending_queue"} {
			if !conf.IsSet(key) {
				t.Errorf("the marshalled config lacks %q: %v", key, conf.ToStringMap())
			}
		}
		if v := conf.Get("endpoint"); v != "http://127.0.0.1:4318" {
			t.Errorf("endpoint = %v", v)
		}
		// What was written reads back to the same config. (The queue is left out: confmap
		// marshals exporterhelper's sizer as an empty map, for Go exporters too.)
		again, err := read(conf.ToStringMap())
		if err != nil {
			t.Fatalf("reading the marshalled config back: %v", err)
		}
		a, b := cfg.(*otelbridge.ExporterConfig), again.(*otelbridge.ExporterConfig)
		if a.RetryConfig != b.RetryConfig || a.TimeoutConfig != b.TimeoutConfig ||
			fmt.Sprint(a.Rust().Values()) != fmt.Sprint(b.Rust().Values()) {
			t.Fatalf("round trip changed the config:\n%+v %v\n%+v %v", a.ExporterHelperConfig, a.Rust().Values(), b.ExporterHelperConfig, b.Rust().Values())
		}
	})
}
