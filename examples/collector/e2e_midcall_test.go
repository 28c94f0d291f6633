package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/otelbridge/otelbridge/examples/collector/internal/sample"
)

// hangingBackend is an OTLP/HTTP backend that takes each request's body and then never answers,
// until the client drops the request (its connection closes) or the test ends; or, once answer
// is set, answers 200 at once.
type hangingBackend struct {
	url     string
	answer  atomic.Bool
	arrived chan string      // the x-e2e-pipeline header of each request, once its body is read
	dropped chan backendDrop // each request whose connection went away unanswered
	release chan struct{}    // closed when the test ends
	served  atomic.Int64     // requests answered 200
}

type backendDrop struct {
	pipeline string
	at       time.Time
}

func startHangingBackend(t *testing.T) *hangingBackend {
	t.Helper()
	b := &hangingBackend{
		arrived: make(chan string, 16),
		dropped: make(chan backendDrop, 16),
		release: make(chan struct{}),
	}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the body first: the server notices a closed connection only once it has.
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			return
		}
		if b.answer.Load() {
			b.served.Add(1)
			w.Header().Set("Content-Type", "application/x-protobuf")
			w.WriteHeader(http.StatusOK)
			return
		}
		pipeline := r.Header.Get("x-e2e-pipeline")
		b.arrived <- pipeline
		select {
		case <-r.Context().Done():
			b.dropped <- backendDrop{pipeline: pipeline, at: time.Now()}
		case <-b.release:
		}
	}))
	t.Cleanup(func() {
		close(b.release)
		server.Close()
	})
	b.url = server.URL
	return b
}

// midCallConfig has two pipelines, OTLP/gRPC in, redact, and the Rust otlphttp_rs exporter to
// backendURL, without the exporterhelper's queue or retries, so that each client's call waits
// for the export: traces/long (receiver otlp/long) with a 60s export timeout, traces/short
// (otlp/short) with 1s. Each exporter names its pipeline in an x-e2e-pipeline header.
func midCallConfig(longEndpoint, shortEndpoint, backendURL string) string {
	exporter := func(name, timeout string) string {
		return fmt.Sprintf(`
  otlphttp_rs/%s:
    endpoint: %s
    compression: none
    headers:
      x-e2e-pipeline: %s
    timeout: %s
    retry_on_failure:
      enabled: false
    sending_queue:
      enabled: false`, name, backendURL, name, timeout)
	}
	return fmt.Sprintf(`
receivers:
  otlp/long:
    protocols:
      grpc:
        endpoint: %s
  otlp/short:
    protocols:
      grpc:
        endpoint: %s
processors:%s
exporters:%s%s
service:
  telemetry:
    logs:
      level: info
    metrics:
      level: none
  pipelines:
    traces/long:
      receivers: [otlp/long]
      processors: [redact]
      exporters: [otlphttp_rs/long]
    traces/short:
      receivers: [otlp/short]
      processors: [redact]
      exporters: [otlphttp_rs/short]
`, longEndpoint, shortEndpoint, redactProcessorConfig, exporter("long", "60s"), exporter("short", "1s"))
}

// A Rust exporter's call that waits on its backend ends when the client cancels its request,
// when the client's deadline passes, and when the exporterhelper's timeout passes: the deadline
// and the cancellation reach Rust mid-call, through the Go receiver, the Rust processor and the
// exporterhelper, and the exporter drops its HTTP request (the backend sees the connection go).
// Afterwards the same exporters export again.
func TestRustExportEndsMidCallOnCancellationAndDeadlines(t *testing.T) {
	t.Parallel()
	backend := startHangingBackend(t)
	long, short := freeEndpoint(t), freeEndpoint(t)
	col := runCollector(t, midCallConfig(long, short, backend.url), long)
	// runCollector waited for otlp/long; the receivers start together, but wait for otlp/short too.
	(&collector{t: t, cmd: col.cmd, endpoint: short, exited: col.exited}).waitReady()

	longConn, err := sample.Dial(long)
	if err != nil {
		t.Fatal(err)
	}
	defer longConn.Close()
	shortConn, err := sample.Dial(short)
	if err != nil {
		t.Fatal(err)
	}
	defer shortConn.Close()

	// export starts one export on conn with ctx and waits until the backend has the request, so
	// that the Rust exporter's call is under way; it returns when the export was sent and a
	// channel with its result.
	export := func(t *testing.T, ctx context.Context, conn *grpc.ClientConn, pipeline string) (time.Time, <-chan error) {
		t.Helper()
		done := make(chan error, 1)
		sent := time.Now()
		go func() { done <- sample.SendTraces(ctx, conn, sample.Traces()) }()
		select {
		case got := <-backend.arrived:
			if got != pipeline {
				t.Fatalf("the backend got a request from pipeline %q, want %q", got, pipeline)
			}
		case err := <-done:
			t.Fatalf("the export returned before the backend had its request: %v", err)
		case <-time.After(10 * time.Second):
			t.Fatal("the backend did not get the request within 10s")
		}
		return sent, done
	}
	// dropped waits for the backend to see the request of pipeline go unanswered.
	dropped := func(t *testing.T, pipeline string, within time.Duration) time.Time {
		t.Helper()
		select {
		case d := <-backend.dropped:
			if d.pipeline != pipeline {
				t.Fatalf("the backend saw a request of pipeline %q dropped, want %q", d.pipeline, pipeline)
			}
			return d.at
		case <-time.After(within):
			t.Fatalf("the exporter of pipeline %s did not drop its request within %v: Rust's call did not end", pipeline, within)
			return time.Time{}
		}
	}

	t.Run("the client cancels", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		_, done := export(t, ctx, longConn, "long")
		time.Sleep(100 * time.Millisecond) // well into the call
		cancelled := time.Now()
		cancel()
		at := dropped(t, "long", 5*time.Second)
		t.Logf("request dropped %v after the client cancelled", at.Sub(cancelled).Round(time.Millisecond))
		if err := <-done; status.Code(err) != codes.Canceled {
			t.Errorf("export error = %v, want the client's cancellation", err)
		}
	})

	t.Run("the client's deadline passes", func(t *testing.T) {
		const deadline = 1500 * time.Millisecond
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		sent, done := export(t, ctx, longConn, "long")
		at := dropped(t, "long", 10*time.Second)
		took := at.Sub(sent)
		t.Logf("request dropped %v after sending, with a %v deadline (the exporter's timeout is 60s)", took.Round(time.Millisecond), deadline)
		if took < deadline-300*time.Millisecond || took > deadline+3*time.Second {
			t.Errorf("request dropped %v after sending, want about the client's deadline, %v", took, deadline)
		}
		// The collector's side of the call has the same deadline (grpc-timeout): when it ends
		// there first, the receiver answers with the pipeline's error, retryable, before the
		// client's own deadline fires. Either way the deadline is what ended it.
		if err := <-done; status.Code(err) != codes.DeadlineExceeded && !strings.Contains(err.Error(), "deadline exceeded") {
			t.Errorf("export error = %v, want the client's deadline exceeded", err)
		}
	})

	t.Run("the exporter's timeout passes", func(t *testing.T) {
		const timeout = time.Second
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		sent, done := export(t, ctx, shortConn, "short")
		at := dropped(t, "short", 10*time.Second)
		var err error
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the collector did not answer within 10s of a 1s export timeout")
		}
		answered := time.Since(sent)
		took := at.Sub(sent)
		t.Logf("request dropped %v after sending, with the exporter's timeout %v; the collector answered after %v: %v",
			took.Round(time.Millisecond), timeout, answered.Round(time.Millisecond), err)
		if took < timeout-300*time.Millisecond || took > timeout+3*time.Second {
			t.Errorf("request dropped %v after sending, want about the exporter's timeout, %v", took, timeout)
		}
		if err == nil || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Errorf("export error = %v, want the collector's failure before the client's 30s deadline", err)
		}
	})

	// The same exporters export again once the backend answers.
	backend.answer.Store(true)
	for pipeline, conn := range map[string]*grpc.ClientConn{"long": longConn, "short": shortConn} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := sample.SendTraces(ctx, conn, sample.Traces())
		cancel()
		if err != nil {
			t.Errorf("pipeline %s: an export after the abandoned ones failed: %v", pipeline, err)
		}
	}
	if n := backend.served.Load(); n != 2 {
		t.Errorf("the backend answered %d requests, want 2", n)
	}

	// Nothing else tells that Rust saw the cancellation: the bridge drops the component's future
	// when the call is cancelled or its deadline passes (otelbridge-abi's call.rs), so the
	// exporter's own handling, and its requests counter's "cancelled" outcome, never run. The
	// dropped HTTP request is the proof: with a 60s timeout, nothing else would drop it.
	if lines := col.logLines("past the call's deadline"); len(lines) > 0 {
		t.Errorf("a call held its thread past its deadline:\n%s", lines)
	}
	if code := col.stop(); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
}
