package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// pipelineConfig is one collector config in two flavours with the same shape: OTLP/HTTP in,
// redact, OTLP/HTTP out, and spanstats deriving span metrics from the traces pipeline into a
// metrics pipeline. rust: every component is a Rust one (otlphttp_rs receiver and exporter);
// otherwise the receiver and exporter are Go's otlp and otlphttp.
func pipelineConfig(rust bool, receiverEndpoint, sinkURL string) string {
	receiver := fmt.Sprintf(`
  otlphttp_rs:
    endpoint: %s`, receiverEndpoint)
	exporter := fmt.Sprintf(`
  otlphttp_rs:
    endpoint: %s
    headers:
      x-pipeline: rust`, sinkURL)
	in, out := "otlphttp_rs", "otlphttp_rs"
	if !rust {
		receiver = fmt.Sprintf(`
  otlp:
    protocols:
      http:
        endpoint: %s`, receiverEndpoint)
		exporter = fmt.Sprintf(`
  otlphttp:
    endpoint: %s
    headers:
      x-pipeline: go`, sinkURL)
		in, out = "otlp", "otlphttp"
	}
	return fmt.Sprintf(`
receivers:%s
processors:%s
exporters:%s
connectors:
  spanstats: {}
service:
  telemetry:
    logs:
      level: info
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [%s]
      processors: [redact]
      exporters: [%s, spanstats]
    metrics:
      receivers: [spanstats]
      exporters: [%s]
`, receiver, redactProcessorConfig, exporter, in, out, out)
}

// httpSink is an OTLP/HTTP backend that counts what it receives: spans, and the span count the
// spanstats connector's `spanstats.calls` data points add up to.
type httpSink struct {
	server *httptest.Server
	spans  atomic.Int64
	calls  atomic.Int64
	// headers are the x-pipeline values seen.
	mu      sync.Mutex
	headers map[string]int
}

func startHTTPSink(t testing.TB) *httpSink {
	s := &httpSink{headers: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/traces", func(w http.ResponseWriter, r *http.Request) {
		req := ptraceotlp.NewExportRequest()
		if !s.read(w, r, req.UnmarshalProto) {
			return
		}
		s.spans.Add(int64(req.Traces().SpanCount()))
	})
	mux.HandleFunc("/v1/metrics", func(w http.ResponseWriter, r *http.Request) {
		req := pmetricotlp.NewExportRequest()
		if !s.read(w, r, req.UnmarshalProto) {
			return
		}
		s.calls.Add(spanCalls(req.Metrics()))
	})
	s.server = httptest.NewServer(mux)
	t.Cleanup(s.server.Close)
	return s
}

// read decodes a (possibly gzipped) protobuf body and answers 200.
func (s *httpSink) read(w http.ResponseWriter, r *http.Request, unmarshal func([]byte) error) bool {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return false
		}
		body = gz
	}
	raw, err := io.ReadAll(body)
	if err == nil {
		err = unmarshal(raw)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return false
	}
	s.mu.Lock()
	s.headers[r.Header.Get("x-pipeline")]++
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK)
	return true
}

// spanCalls sums the spanstats.calls data points.
func spanCalls(md pmetric.Metrics) int64 {
	var total int64
	for _, rm := range md.ResourceMetrics().All() {
		for _, sm := range rm.ScopeMetrics().All() {
			for _, m := range sm.Metrics().All() {
				if m.Name() != "spanstats.calls" {
					continue
				}
				for _, dp := range m.Sum().DataPoints().All() {
					total += dp.IntValue()
				}
			}
		}
	}
	return total
}

// spanBatch makes a batch of n spans of two services, none of which redact drops.
func spanBatch(n int) []byte {
	td := ptrace.NewTraces()
	for service := range 2 {
		rs := td.ResourceSpans().AppendEmpty()
		rs.Resource().Attributes().PutStr("service.name", fmt.Sprintf("svc-%d", service))
		spans := rs.ScopeSpans().AppendEmpty().Spans()
		start := time.Now()
		for i := range n / 2 {
			span := spans.AppendEmpty()
			span.SetName(fmt.Sprintf("op-%d", i%4))
			span.SetTraceID(pcommon.TraceID([16]byte{1, byte(service), byte(i), byte(i >> 8)}))
			span.SetSpanID(pcommon.SpanID([8]byte{2, byte(service), byte(i), byte(i >> 8)}))
			span.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
			span.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(i%50) * time.Millisecond)))
			span.Attributes().PutStr("user.email", "someone@example.com")
		}
	}
	body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	if err != nil {
		panic(err)
	}
	return body
}

// postTraces sends one OTLP/HTTP protobuf request, again while the receiver asks for a retry.
func postTraces(ctx context.Context, endpoint string, body []byte) error {
	for {
		err := postOnce(ctx, endpoint, body)
		var retry retryable
		if !errors.As(err, &retry) {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// retryable is a 429 or 503 answer: the client may send the same request again.
type retryable int

func (r retryable) Error() string { return fmt.Sprintf("status %d", int(r)) }

// feed posts batches of spansPerBatch spans from senders goroutines; it returns the spans sent.
func feed(t testing.TB, endpoint string, batches, spansPerBatch, senders int) int64 {
	body := spanBatch(spansPerBatch)
	var next atomic.Int64
	var sent atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, senders)
	for range senders {
		wg.Go(func() {
			for next.Add(1) <= int64(batches) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				err := postTraces(ctx, endpoint, body)
				cancel()
				if err != nil {
					errs <- err
					return
				}
				sent.Add(int64(spansPerBatch))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("sending: %v", err)
	}
	return sent.Load()
}

func TestAllRustPipelineDeliversEverySpanAndItsStats(t *testing.T) {
	t.Parallel()
	sink := startHTTPSink(t)
	endpoint := freeEndpoint(t)
	col := runCollector(t, pipelineConfig(true, endpoint, sink.server.URL), endpoint)

	sent := feed(t, endpoint, 40, 50, 4)
	if code := col.stop(); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
	// Every span the Rust receiver answered 200 for went through redact to the Rust exporter, and
	// through spanstats (delta counts) to the metrics pipeline's Rust exporter: nothing lost at
	// shutdown, nothing twice.
	if got := sink.spans.Load(); got != sent {
		t.Errorf("spans exported = %d, want the %d sent", got, sent)
	}
	if got := sink.calls.Load(); got != sent {
		t.Errorf("spanstats.calls total = %d, want the %d spans sent", got, sent)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if sink.headers["rust"] == 0 || len(sink.headers) != 1 {
		t.Errorf("x-pipeline headers seen = %v, want only the Rust exporter's", sink.headers)
	}
}

// BenchmarkPipelineThroughput runs the same pipeline, as a real collector process fed over
// OTLP/HTTP, with Rust and with Go receiver and exporter, and reports spans per second from the
// first request to the last span at the backend. Not part of `make test`:
//
//	go test -run '^$' -bench PipelineThroughput -benchtime 3x
func BenchmarkPipelineThroughput(b *testing.B) {
	const batches, spansPerBatch, senders = 400, 100, 4
	for _, flavour := range []struct {
		name string
		rust bool
	}{{"rust", true}, {"go", false}} {
		b.Run(flavour.name, func(b *testing.B) {
			sink := startHTTPSink(b)
			endpoint := freeEndpoint(b)
			col := runCollector(b, pipelineConfig(flavour.rust, endpoint, sink.server.URL), endpoint)
			defer col.stop()
			feed(b, endpoint, 20, spansPerBatch, senders) // warm up
			if !waitFor(10*time.Second, func() bool { return sink.calls.Load() == sink.spans.Load() && sink.spans.Load() == 20*spansPerBatch }) {
				b.Fatal("warm-up spans did not arrive")
			}
			b.ResetTimer()
			var total time.Duration
			for range b.N {
				sink.spans.Store(0)
				sink.calls.Store(0)
				start := time.Now()
				sent := feed(b, endpoint, batches, spansPerBatch, senders)
				if !waitFor(60*time.Second, func() bool { return sink.spans.Load() == sent && sink.calls.Load() == sent }) {
					b.Fatalf("%d of %d spans arrived", sink.spans.Load(), sent)
				}
				total += time.Since(start)
			}
			b.ReportMetric(float64(b.N*batches*spansPerBatch)/total.Seconds(), "spans/s")
		})
	}
}

func TestAllRustPipelineSigtermUnderLoadLosesNothingAccepted(t *testing.T) {
	t.Parallel()
	sink := startHTTPSink(t)
	endpoint := freeEndpoint(t)
	col := runCollector(t, pipelineConfig(true, endpoint, sink.server.URL), endpoint)

	const spansPerBatch = 20
	body := spanBatch(spansPerBatch)
	var accepted, refused atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				err := postOnce(ctx, endpoint, body)
				cancel()
				if err != nil {
					refused.Add(1)
					return // the receiver is going away
				}
				accepted.Add(spansPerBatch)
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	code := col.stop()
	close(stop)
	wg.Wait()
	if code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
	t.Logf("%d spans accepted, %d requests refused during shutdown", accepted.Load(), refused.Load())
	if accepted.Load() == 0 {
		t.Fatal("no batch was accepted")
	}
	// Every span answered 200 reached the backend once, and so did its count in spanstats.
	if got := sink.spans.Load(); got != accepted.Load() {
		t.Errorf("spans exported = %d, want the %d accepted", got, accepted.Load())
	}
	if got := sink.calls.Load(); got != accepted.Load() {
		t.Errorf("spanstats.calls total = %d, want the %d accepted", got, accepted.Load())
	}
}

// postOnce sends one OTLP/HTTP protobuf request; anything but 200 is an error.
func postOnce(ctx context.Context, endpoint string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+endpoint+"/v1/traces", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return nil
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return retryable(resp.StatusCode)
	}
	return fmt.Errorf("status %s", resp.Status)
}
