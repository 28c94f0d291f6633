package shimtest

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// otlpFront is Go's real otlp receiver (gRPC and HTTP, with metadata) in front of next.
type otlpFront struct {
	grpcEndpoint, httpEndpoint string
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func startOTLPReceiver(t *testing.T, next consumer.Traces) otlpFront {
	t.Helper()
	front := otlpFront{grpcEndpoint: freePort(t), httpEndpoint: freePort(t)}
	factory := otlpreceiver.NewFactory()
	cfg := factory.CreateDefaultConfig()
	section := confmap.NewFromStringMap(map[string]any{"protocols": map[string]any{
		"grpc": map[string]any{"endpoint": front.grpcEndpoint, "include_metadata": true},
		"http": map[string]any{"endpoint": front.httpEndpoint, "include_metadata": true},
	}})
	if err := section.Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	r, err := factory.CreateTraces(context.Background(), receivertest.NewNopSettings(factory.Type()), cfg, next)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Shutdown(context.Background()) })
	return front
}

// exportGRPC sends td with the real OTLP gRPC client and the given headers.
func (f otlpFront) exportGRPC(t *testing.T, ctx context.Context, td ptrace.Traces, headers ...string) error {
	t.Helper()
	conn, err := grpc.NewClient(f.grpcEndpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(metadata.AppendToOutgoingContext(ctx, headers...), 10*time.Second)
	defer cancel()
	_, err = ptraceotlp.NewGRPCClient(conn).Export(ctx, ptraceotlp.NewExportRequestFromTraces(td))
	return err
}

// exportHTTP posts td as OTLP/HTTP protobuf and returns the response status.
func (f otlpFront) exportHTTP(t *testing.T, td ptrace.Traces, header, value string) int {
	t.Helper()
	body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+f.httpEndpoint+"/v1/traces", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set(header, value)
	client := http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Each Rust error kind reaches OTLP clients as the status code the collector's conventions give
// it. Go's otlp receiver derives the HTTP status from the gRPC code.
func TestOTLPClientsReceiveTheStatusOfEachRustErrorKind(t *testing.T) {
	p, _, _ := startedProbe(t, "status", nil)
	front := startOTLPReceiver(t, p)
	cases := []struct {
		action   string
		grpcCode uint32
		httpCode int
	}{
		{"pass", 0, 200},
		{"fail:permanent", 13, 500},
		{"fail:retryable", 14, 503},
		{"fail:cancelled", 1, 503},
		{"fail:deadline", 4, 503},
		{"fail:exhausted", 8, 429}, // the probe sets gRPC 8 and HTTP 429 explicitly
		{"fail:config", 3, 400},
		{"panic", 13, 500},
	}
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			err := front.exportGRPC(t, context.Background(), spans(1), "probe-action", tc.action)
			if got := uint32(status.Code(err)); got != tc.grpcCode {
				t.Errorf("gRPC client got code %d (%v), want %d", got, err, tc.grpcCode)
			}
			if tc.action == "panic" {
				waitUntilRunning(t, p) // the panicked instance is restarted (recovery.go)
			}
			if got := front.exportHTTP(t, spans(1), "Probe-Action", tc.action); got != tc.httpCode {
				t.Errorf("HTTP client got status %d, want %d", got, tc.httpCode)
			}
		})
	}
}

// What a client sends with its data — metadata, its address, its trace context — is what the Rust
// component reads from its Context.
func TestMetadataPeerAndTraceContextReachRust(t *testing.T) {
	previous := otel.GetTextMapPropagator()
	otel.SetTextMapPropagator(propagation.TraceContext{})
	t.Cleanup(func() { otel.SetTextMapPropagator(previous) })

	p, sink, _ := startedProbe(t, "forward", map[string]any{"action": "rewrite"})
	front := startOTLPReceiver(t, p)
	const traceID, spanID = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
	err := front.exportGRPC(t, context.Background(), spans(1),
		"x-tenant", "acme", "x-tenant", "beta",
		"traceparent", "00-"+traceID+"-"+spanID+"-01",
		"tracestate", "vendor=opaque")
	if err != nil {
		t.Fatal(err)
	}
	attrs := sink.AllTraces()[0].ResourceSpans().At(0).Resource().Attributes().AsRaw()
	want := map[string]any{
		"probe.md.x-tenant": "acme,beta",
		"probe.trace_id":    traceID,
		"probe.span_id":     spanID,
		"probe.trace_flags": "1",
		"probe.trace_state": "vendor=opaque",
	}
	for key, value := range want {
		if attrs[key] != value {
			t.Errorf("%s = %v, want %v (all: %v)", key, attrs[key], value, attrs)
		}
	}
	if peer, _ := attrs["probe.peer"].(string); !strings.HasPrefix(peer, "127.0.0.1:") {
		t.Errorf("probe.peer = %q, want the client's 127.0.0.1 address", peer)
	}
}

// Client metadata is bytes to HTTP and gRPC: a Latin-1 header value or a gRPC binary (-bin)
// value is accepted by Go's otlp receiver, so a Rust component behind it must take the batch too
// (it reads such a value as bytes, or lossily as text), never refuse it.
func TestMetadataThatIsNotUTF8ReachesRustAndTheBatchIsAccepted(t *testing.T) {
	p, sink, _ := startedProbe(t, "bytes", map[string]any{"action": "rewrite"})
	front := startOTLPReceiver(t, p)

	if got := front.exportHTTP(t, spans(1), "X-Tenant", "caf\xe9"); got != http.StatusOK {
		t.Fatalf("HTTP client with a Latin-1 header got status %d, want 200", got)
	}
	if err := front.exportGRPC(t, context.Background(), spans(1), "x-key-bin", "\xff\x00\x80"); err != nil {
		t.Fatalf("gRPC client with binary metadata got %v, want OK", err)
	}
	if got := sink.SpanCount(); got != 2 {
		t.Fatalf("the Rust processor passed on %d spans, want both batches' 2", got)
	}
	httpAttrs := sink.AllTraces()[0].ResourceSpans().At(0).Resource().Attributes().AsRaw()
	if got, want := httpAttrs["probe.md.x-tenant"], "caf\uFFFD"; got != want {
		t.Errorf("probe.md.x-tenant = %q, want the value read lossily as %q", got, want)
	}
	if got, want := httpAttrs["probe.md.x-tenant.hex"], "636166e9"; got != want {
		t.Errorf("probe.md.x-tenant.hex = %q, want the bytes the client sent, %q", got, want)
	}
	grpcAttrs := sink.AllTraces()[1].ResourceSpans().At(0).Resource().Attributes().AsRaw()
	if got, want := grpcAttrs["probe.md.x-key-bin.hex"], "ff0080"; got != want {
		t.Errorf("probe.md.x-key-bin.hex = %q, want the bytes the client sent, %q", got, want)
	}
}
