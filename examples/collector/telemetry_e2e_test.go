package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/otelbridge/otelbridge/examples/collector/internal/sample"
)

// scrape returns the collector's own metrics in Prometheus text format.
func scrape(t *testing.T, endpoint string) string {
	t.Helper()
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + endpoint + "/metrics")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// A Rust component's own metric, and the bridge's metrics of it, appear on the collector's
// metrics endpoint next to Go components' metrics, attributed to the component.
func TestRustMetricsAppearOnTheCollectorMetricsEndpoint(t *testing.T) {
	t.Parallel()
	sink := startSink(t)
	col := startCollector(t, sink.endpoint, 200*time.Millisecond)
	conn, err := sample.Dial(col.endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	send(t, func(ctx context.Context) error { return sample.SendTraces(ctx, conn, sample.Traces()) })
	// What the processor did, as the exported data says: the sum of its redact.count attributes.
	var want float64
	ok := waitFor(15*time.Second, func() bool {
		traces, _, _ := sink.received()
		want = 0
		for _, td := range traces {
			for i := 0; i < td.ResourceSpans().Len(); i++ {
				if n, found := td.ResourceSpans().At(i).Resource().Attributes().Get("redact.count"); found {
					want += float64(n.Int())
				}
			}
		}
		return want > 0
	})
	if !ok {
		t.Fatal("no redacted traces reached the sink")
	}

	redacted := regexp.MustCompile(`(?m)^otelcol_processor_redact_values_redacted\{[^}]*otelcol_component_id="redact"[^}]*otelcol_signal="traces"[^}]*\} (\S+)$`)
	calls := regexp.MustCompile(`(?m)^otelbridge_calls\{[^}]*operation="consume"[^}]*otelcol_component_id="redact"[^}]*\} (\S+)$`)
	var body string
	ok = waitFor(15*time.Second, func() bool {
		body = scrape(t, col.metrics)
		return redacted.MatchString(body) && calls.MatchString(body)
	})
	if !ok {
		t.Fatalf("the Rust metrics did not appear on the metrics endpoint:\n%s", body)
	}
	if value, _ := strconv.ParseFloat(redacted.FindStringSubmatch(body)[1], 64); value != want {
		t.Errorf("otelcol_processor_redact_values_redacted{otelcol_signal=traces} = %v, want %v (the redact.count the data carries)", value, want)
	}
	if n, _ := strconv.ParseFloat(calls.FindStringSubmatch(body)[1], 64); n < 1 {
		t.Errorf("otelbridge_calls for consume = %v, want at least 1", n)
	}
	if code := col.stop(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}
