package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"google.golang.org/grpc/status"

	"github.com/otelbridge/otelbridge/examples/collector/internal/sample"
)

// faultsConfig is OTLP/gRPC in, the tests' faults processor (it panics on a batch whose
// resource has faults.panic, and aborts, overflows its stack, exits or leaks as faults.fault
// asks) and redact, OTLP/gRPC out to the sink; no batch processor, so each client's call is
// answered by the pipeline itself.
func faultsConfig(receiverEndpoint, sinkEndpoint string) string {
	return fmt.Sprintf(`
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: %s
processors:
  faults: {}%s
exporters:
  otlp_grpc:
    endpoint: %s
    tls:
      insecure: true
service:
  telemetry:
    logs:
      level: info
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      processors: [faults, redact]
      exporters: [otlp_grpc]
`, receiverEndpoint, redactProcessorConfig, sinkEndpoint)
}

// A Rust processor that panics mid-call fails that call, not the process: the client is told,
// the shim replaces the failed instance with a new one, batches flow again, and SIGTERM still
// delivers every batch that was accepted, and nothing of the one that panicked.
func TestAPanickingRustProcessorIsReplaced(t *testing.T) {
	t.Parallel()
	sink := startSink(t)
	endpoint := freeEndpoint(t)
	col := runCollector(t, faultsConfig(endpoint, sink.endpoint), endpoint)
	conn, err := sample.Dial(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	want := map[pcommon.SpanID]bool{}
	export := func(td ptrace.Traces) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		kept := keptSpanIDs(td)
		err := sample.SendTraces(ctx, conn, td)
		if err == nil {
			for _, id := range kept {
				want[id] = true
			}
		}
		return err
	}
	if err := export(sample.Traces()); err != nil {
		t.Fatalf("a batch before the panic was refused: %v", err)
	}

	const message = "e2e asked for a panic"
	panicking := sample.Traces()
	panicking.ResourceSpans().At(0).Resource().Attributes().PutStr("faults.panic", message)
	start := time.Now()
	err = export(panicking)
	if err == nil {
		t.Fatal("the batch that makes faults panic was accepted")
	}
	t.Logf("the panicking call failed after %v: %v (gRPC %s)", time.Since(start).Round(time.Millisecond), err, status.Code(err))
	if !strings.Contains(err.Error(), "panicked") || !strings.Contains(err.Error(), message) {
		t.Errorf("the client's error does not say that the processor panicked, with its message: %v", err)
	}
	if !waitFor(10*time.Second, func() bool {
		return len(col.logLines("Rust component panicked", "faults: "+message)) == 1
	}) {
		t.Errorf("no log line says that the faults processor panicked with %q", message)
	}

	// Calls made while the instance is replaced are refused, retryably; then batches flow again.
	refused := 0
	if !waitFor(20*time.Second, func() bool {
		if err := export(sample.Traces()); err != nil {
			refused++
			return false
		}
		return true
	}) {
		t.Fatalf("no batch was accepted within 20s of the panic (%d refused)", refused)
	}
	t.Logf("%d batches refused while the instance was replaced", refused)
	// The collector's output is read from its pipe as it comes: the line may trail the batch.
	if !waitFor(10*time.Second, func() bool {
		return len(col.logLines("Rust component running again after a panic")) == 1
	}) {
		t.Errorf(`want one "Rust component running again after a panic" line`)
	}
	if err := export(sample.Traces()); err != nil {
		t.Errorf("a batch after the restart was refused: %v", err)
	}

	if code := col.stop(); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
	for _, crash := range []string{"fatal error:", "SIGSEGV", "SIGABRT", "goroutine 1 ["} {
		if strings.Contains(col.output.String(), crash) {
			t.Errorf("the collector's output has %q", crash)
		}
	}
	for _, id := range keptSpanIDs(panicking) {
		if want[id] {
			t.Fatal("test bug: the panicking batch counted as accepted")
		}
	}
	requireDeliveredExactly(t, sink, want)
}
