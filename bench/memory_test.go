package bench

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// BenchmarkMemory measures what the bridge keeps and allocates per call:
//
//   - rss-1m-calls: 1,000,000 calls through the Rust probe on small batches of 10 spans (see
//     smallTraces: the bridge's per-call resources are what is measured, not the batch), from
//     GOMAXPROCS goroutines, each alternating pass and rewrite (the action chosen per call
//     through the probe-action metadata). It ignores b.N: one run is the measurement. It reports
//     the resident set size after a warm-up of 100,000 calls (rss-before-KiB) and its growth over
//     the million calls (rss-growth-KiB), both after runtime.GC and debug.FreeOSMemory, and the
//     wall time per call (ns/call). go-growth-KiB is the part of the growth the Go runtime
//     accounts for (memory it obtained from the OS and has not released), so that rss-growth-KiB
//     minus go-growth-KiB is what the Rust library and the C allocator kept.
//   - allocs-per-call: the processorhelper path with action pass on 100 spans (allocs/op).
func BenchmarkMemory(b *testing.B) {
	b.Run("rss-1m-calls", func(b *testing.B) {
		consume := tracesSignal.rust(b, "pass", consumertest.NewNop())
		rewrite := client.NewContext(context.Background(), client.Info{
			Metadata: client.NewMetadata(map[string][]string{"probe-action": {"rewrite"}}),
		})
		contexts := [2]context.Context{context.Background(), rewrite}
		batch := smallTraces(10)
		// The calls are spread over GOMAXPROCS goroutines, as a collector's pipelines would make
		// them, which also keeps the run short.
		run := func(calls int) {
			workers := runtime.GOMAXPROCS(0)
			errs := make(chan error, workers)
			for w := range workers {
				go func() {
					var first error
					share := calls / workers
					if w < calls%workers {
						share++
					}
					for i := range share {
						if err := consume(contexts[i%2], batch); err != nil && first == nil {
							first = err
						}
					}
					errs <- first
				}()
			}
			for range workers {
				if err := <-errs; err != nil {
					b.Fatal(err)
				}
			}
		}
		const calls = 1_000_000
		// Reach steady state first: sync.Pools, the C allocator's arenas and the runtime's threads.
		// After a warm-up of 10,000 calls the growth that followed was the same (~1.7 MiB) whether
		// 1,000,000 or 3,000,000 calls came after: warm-up, not a leak. It still varies from run to
		// run (new runtime threads, the scavenger), so scripts/bench.sh takes the median of three.
		run(100_000)
		before, goBefore := residentKiB(b), goResidentKiB()
		start := time.Now()
		run(calls)
		elapsed := time.Since(start)
		after, goAfter := residentKiB(b), goResidentKiB()
		b.ReportMetric(float64(after-before), "rss-growth-KiB")
		b.ReportMetric(float64(before), "rss-before-KiB")
		b.ReportMetric(float64(goAfter-goBefore), "go-growth-KiB")
		b.ReportMetric(float64(elapsed.Nanoseconds())/calls, "ns/call")
	})
	b.Run("allocs-per-call", func(b *testing.B) {
		consume := tracesSignal.rust(b, "pass", consumertest.NewNop())
		batch := traces(100)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if err := consume(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// smallTraces makes a batch of n spans with two attributes each under one resource: what goes
// through the bridge in every call (handles, buffers, pins, results) without the cost of the
// realistic batches, which would make a million calls take minutes.
func smallTraces(n int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "checkout")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("bench")
	for i := range n {
		span := ss.Spans().AppendEmpty()
		span.SetName("GET /api/v1/cart")
		span.SetTraceID(pcommon.TraceID{1, byte(i)})
		span.SetSpanID(pcommon.SpanID{2, byte(i)})
		span.SetStartTimestamp(pcommon.Timestamp(1_767_323_045_000_000_000 + i))
		span.SetEndTimestamp(pcommon.Timestamp(1_767_323_045_001_000_000 + i))
		span.Attributes().PutStr("user.email", "someone@example.com")
		span.Attributes().PutInt("http.response.status_code", 200)
	}
	return td
}

// goResidentKiB is the memory the Go runtime holds from the OS and has not returned to it, in KiB
// (read right after residentKiB, which has collected and returned what it could).
func goResidentKiB() int64 {
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	return int64(stats.Sys-stats.HeapReleased) / 1024
}

// residentKiB is VmRSS from /proc/self/status, in KiB, after returning what Go can to the OS.
func residentKiB(tb testing.TB) int64 {
	tb.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Fatalf("reading the resident set size: %v", err)
	}
	lines := bufio.NewScanner(bytes.NewReader(status))
	for lines.Scan() {
		fields := bytes.Fields(lines.Bytes())
		if len(fields) == 3 && string(fields[0]) == "VmRSS:" && string(fields[2]) == "kB" {
			kib, err := strconv.ParseInt(string(fields[1]), 10, 64)
			if err != nil {
				tb.Fatalf("reading the resident set size: %v", err)
			}
			return kib
		}
	}
	tb.Fatalf("no VmRSS in /proc/self/status")
	return 0
}
