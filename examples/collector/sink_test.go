package main

import (
	"context"
	"net"
	"sync"
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
)

// sink is an OTLP/gRPC server in the test process that records every batch it receives.
type sink struct {
	endpoint string

	mu      sync.Mutex
	traces  []ptrace.Traces
	metrics []pmetric.Metrics
	logs    []plog.Logs
}

// startSink serves OTLP/gRPC on a free 127.0.0.1 port until the test ends.
func startSink(t *testing.T) *sink {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("sink: listen: %v", err)
	}
	s := &sink{endpoint: lis.Addr().String()}
	srv := grpc.NewServer()
	ptraceotlp.RegisterGRPCServer(srv, &traceSink{s: s})
	pmetricotlp.RegisterGRPCServer(srv, &metricSink{s: s})
	plogotlp.RegisterGRPCServer(srv, &logSink{s: s})
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

type traceSink struct {
	ptraceotlp.UnimplementedGRPCServer
	s *sink
}

func (ts *traceSink) Export(_ context.Context, req ptraceotlp.ExportRequest) (ptraceotlp.ExportResponse, error) {
	td := ptrace.NewTraces() // a copy: the request's memory is not ours after returning
	req.Traces().CopyTo(td)
	ts.s.mu.Lock()
	ts.s.traces = append(ts.s.traces, td)
	ts.s.mu.Unlock()
	return ptraceotlp.NewExportResponse(), nil
}

type metricSink struct {
	pmetricotlp.UnimplementedGRPCServer
	s *sink
}

func (ms *metricSink) Export(_ context.Context, req pmetricotlp.ExportRequest) (pmetricotlp.ExportResponse, error) {
	md := pmetric.NewMetrics()
	req.Metrics().CopyTo(md)
	ms.s.mu.Lock()
	ms.s.metrics = append(ms.s.metrics, md)
	ms.s.mu.Unlock()
	return pmetricotlp.NewExportResponse(), nil
}

type logSink struct {
	plogotlp.UnimplementedGRPCServer
	s *sink
}

func (ls *logSink) Export(_ context.Context, req plogotlp.ExportRequest) (plogotlp.ExportResponse, error) {
	ld := plog.NewLogs()
	req.Logs().CopyTo(ld)
	ls.s.mu.Lock()
	ls.s.logs = append(ls.s.logs, ld)
	ls.s.mu.Unlock()
	return plogotlp.NewExportResponse(), nil
}

// received returns the batches received so far.
func (s *sink) received() ([]ptrace.Traces, []pmetric.Metrics, []plog.Logs) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ptrace.Traces(nil), s.traces...),
		append([]pmetric.Metrics(nil), s.metrics...),
		append([]plog.Logs(nil), s.logs...)
}

// counts returns how many spans, data points and log records were received so far.
func (s *sink) counts() (spans, points, records int) {
	traces, metrics, logs := s.received()
	for _, td := range traces {
		spans += td.SpanCount()
	}
	for _, md := range metrics {
		points += md.DataPointCount()
	}
	for _, ld := range logs {
		records += ld.LogRecordCount()
	}
	return spans, points, records
}
