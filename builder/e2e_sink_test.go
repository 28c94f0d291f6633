package main

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	_ "google.golang.org/grpc/encoding/gzip" // the otlp exporter compresses with gzip by default
)

// traceSink is an OTLP/gRPC trace server in the test process that keeps what it receives.
type traceSink struct {
	ptraceotlp.UnimplementedGRPCServer
	endpoint string

	mu     sync.Mutex
	traces []ptrace.Traces
}

// startTraceSink serves on a free 127.0.0.1 port until the test ends.
func startTraceSink(t *testing.T) *traceSink {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("sink: listen: %v", err)
	}
	s := &traceSink{endpoint: lis.Addr().String()}
	srv := grpc.NewServer()
	ptraceotlp.RegisterGRPCServer(srv, s)
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(lis)
	}()
	t.Cleanup(func() {
		srv.Stop()
		<-served
	})
	return s
}

func (s *traceSink) Export(_ context.Context, req ptraceotlp.ExportRequest) (ptraceotlp.ExportResponse, error) {
	td := ptrace.NewTraces() // a copy: the request's memory is not ours after returning
	req.Traces().CopyTo(td)
	s.mu.Lock()
	s.traces = append(s.traces, td)
	s.mu.Unlock()
	return ptraceotlp.NewExportResponse(), nil
}

// waitForSpans waits up to timeout for at least n spans and returns every span received.
func (s *traceSink) waitForSpans(t *testing.T, n int, timeout time.Duration) []ptrace.Span {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		var spans []ptrace.Span
		for _, td := range s.traces {
			for _, rs := range td.ResourceSpans().All() {
				for _, ss := range rs.ScopeSpans().All() {
					for _, span := range ss.Spans().All() {
						spans = append(spans, span)
					}
				}
			}
		}
		s.mu.Unlock()
		if len(spans) >= n {
			return spans
		}
		if time.Now().After(deadline) {
			t.Fatalf("within %v the sink received %d spans; want %d", timeout, len(spans), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sendTraces exports td to the OTLP/gRPC receiver at endpoint, bounded by 10s.
func sendTraces(t *testing.T, endpoint string, td ptrace.Traces) {
	t.Helper()
	conn, err := grpc.NewClient(endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := ptraceotlp.NewGRPCClient(conn).Export(ctx, ptraceotlp.NewExportRequestFromTraces(td)); err != nil {
		t.Fatalf("exporting traces to %s: %v", endpoint, err)
	}
}
