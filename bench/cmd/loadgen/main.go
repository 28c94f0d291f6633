// Command loadgen drives a collector's OTLP/gRPC traces endpoint at saturation for
// scripts/bench-collector.sh: N concurrent senders, each with its own real OTLP client
// (ptraceotlp.NewGRPCClient), send one prepared request over and over until the total span count
// is reached, each sender keeping exactly one request in flight.
//
// The spans look like telemetrygen's (traces of one client span and its server children) with the
// values a redaction processor is there for: an e-mail address and a card number, next to string
// attributes that match nothing. The request is built once per sender, so the generator spends
// its CPU on marshalling and gRPC only and leaves the machine's cores to the collector.
// (telemetrygen itself builds every span through the OpenTelemetry SDK, exports one batch at a
// time per process and drops what its queue cannot hold, so on two shared cores it is the
// bottleneck, not the collector.)
//
// With -rate it soaks instead (soak.go: a fixed rate for -duration, the collector's RSS and
// threads sampled). Otherwise it first sends -warmup-spans (not measured), then -spans, and
// prints one line on stdout:
//
//	sent=<spans> requests=<n> ns=<elapsed> loadgen_cpu_s=<s> [accepted=<spans>] [collector_cpu_s=<s> collector_hwm_kib=<KiB> collector_processes=<n>]
//
// accepted is how many spans the collector's receiver took in the measured window, from its own
// metrics (otelcol_receiver_accepted_spans at -metrics); collector_cpu_s the user+system CPU the
// collector (-collector-pid) and every process below it spent in that window and
// collector_hwm_kib the sum of their peak RSS (VmHWM) at the end, both from /proc
// (proctree.go); collector_processes how many processes that is at the end: 1, or 2 for a
// collector in subprocess mode (the collector and its host program).
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

func main() {
	endpoint := flag.String("endpoint", "127.0.0.1:4317", "the collector's OTLP/gRPC endpoint")
	senders := flag.Int("senders", 8, "concurrent senders, each with its own connection and one request in flight")
	total := flag.Int64("spans", 1_000_000, "spans to send in the measured window (rounded up to whole requests)")
	warmup := flag.Int64("warmup-spans", 0, "spans to send before the measured window")
	traces := flag.Int("traces", 50, "traces per request")
	children := flag.Int("child-spans", 9, "child spans per trace (each trace has one more, its root)")
	timeout := flag.Duration("timeout", 30*time.Second, "deadline of one export")
	metricsURL := flag.String("metrics", "", "the collector's Prometheus endpoint (http://host:port/metrics), to count accepted spans")
	pid := flag.Int("collector-pid", 0, "the collector's process id, to measure its CPU time and peak RSS")
	rate := flag.Float64("rate", 0, "soak mode: spans per second to send, for -duration (see soak.go)")
	duration := flag.Duration("duration", 10*time.Minute, "soak mode: how long to send")
	sampleEvery := flag.Duration("sample", 5*time.Second, "soak mode: how often to sample the collector's RSS and threads")
	samplesCSV := flag.String("samples", "", "soak mode: a CSV file for every sample")
	flag.Parse()
	if *senders < 1 || *total < 1 || *warmup < 0 || *traces < 1 || *children < 0 {
		fmt.Fprintln(os.Stderr, "loadgen: -senders, -spans and -traces must be positive, -warmup-spans and -child-spans not negative")
		os.Exit(2)
	}
	perRequest := int64(*traces * (1 + *children))

	clients := make([]ptraceotlp.GRPCClient, *senders)
	payloads := make([]ptraceotlp.ExportRequest, *senders)
	for i := range clients {
		// One connection per sender: separate HTTP/2 connections, as separate clients would be.
		conn, err := grpc.NewClient(*endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			fail("connecting to %s: %v", *endpoint, err)
		}
		defer conn.Close()
		clients[i] = ptraceotlp.NewGRPCClient(conn)
		payloads[i] = ptraceotlp.NewExportRequestFromTraces(buildTraces(*traces, *children))
	}

	waitReady(clients[0], payloads[0], *timeout)
	if *rate > 0 {
		if *pid == 0 {
			fail("soak mode (-rate) needs -collector-pid")
		}
		soak(clients, payloads, perRequest, soakOptions{
			rate: *rate, duration: *duration, sample: *sampleEvery, samplesCSV: *samplesCSV, pid: *pid, timeout: *timeout,
		})
		return
	}
	if *warmup > 0 {
		send(clients, payloads, (*warmup+perRequest-1)/perRequest, *timeout)
	}

	requests := (*total + perRequest - 1) / perRequest
	acceptedBefore := acceptedSpans(*metricsURL)
	collectorBefore, _ := treeCPUSeconds(*pid)
	before := cpuSeconds()
	start := time.Now()
	send(clients, payloads, requests, *timeout)
	elapsed := time.Since(start)
	cpu := cpuSeconds() - before
	collectorAfter, processes := treeCPUSeconds(*pid)
	collectorCPU := collectorAfter - collectorBefore
	accepted := acceptedSpans(*metricsURL) - acceptedBefore

	fmt.Printf("sent=%d requests=%d ns=%d loadgen_cpu_s=%.3f", requests*perRequest, requests, elapsed.Nanoseconds(), cpu)
	if *metricsURL != "" {
		fmt.Printf(" accepted=%d", accepted)
	}
	if *pid != 0 {
		fmt.Printf(" collector_cpu_s=%.2f collector_hwm_kib=%d collector_processes=%d", collectorCPU, treePeakRSSKiB(*pid), processes)
	}
	fmt.Println()
}

// send has the senders send `requests` requests in all, one in flight each, and fails the
// program if any export fails: a benchmark of a collector that refuses data measures nothing.
func send(clients []ptraceotlp.GRPCClient, payloads []ptraceotlp.ExportRequest, requests int64, timeout time.Duration) {
	var next atomic.Int64 // requests claimed so far
	var failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func(client ptraceotlp.GRPCClient, payload ptraceotlp.ExportRequest) {
			defer wg.Done()
			for next.Add(1) <= requests {
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				_, err := client.Export(ctx, payload)
				cancel()
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}(clients[i], payloads[i])
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		fail("%d of %d exports failed; the first: %v", n, requests, firstErr.Load())
	}
}

// acceptedSpans sums otelcol_receiver_accepted_spans over its series in the collector's
// Prometheus endpoint (0 without one).
func acceptedSpans(url string) int64 {
	if url == "" {
		return 0
	}
	client := http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		fail("reading the collector's metrics: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fail("reading the collector's metrics: %s", resp.Status)
	}
	var sum float64
	found := false
	scanner := bufio.NewScanner(resp.Body)
	scanner.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for scanner.Scan() {
		// name{labels} value [timestamp], or name value [timestamp]; label values may hold spaces.
		line := scanner.Text()
		name, rest := line, ""
		if i := strings.IndexAny(line, "{ "); i >= 0 {
			name, rest = line[:i], line[i:]
		}
		if name != "otelcol_receiver_accepted_spans" && name != "otelcol_receiver_accepted_spans_total" {
			continue
		}
		if strings.HasPrefix(rest, "{") {
			rest = rest[strings.LastIndexByte(rest, '}')+1:]
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		value, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			continue
		}
		sum += value
		found = true
	}
	if err := scanner.Err(); err != nil {
		fail("reading the collector's metrics: %v", err)
	}
	if !found {
		fail("the collector's metrics at %s have no otelcol_receiver_accepted_spans", url)
	}
	return int64(sum)
}

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on every Linux architecture Go runs
// the collector on.
const clockTicks = 100

// peakRSSKiB is a process's VmHWM from /proc/<pid>/status.
func peakRSSKiB(pid int) int64 {
	return procStatus(pid, "VmHWM")[0]
}

// procStatus reads fields of /proc/<pid>/status, in the order of keys: the number each holds
// (sizes in KiB, counts as they are). A field that is missing or not a number fails the program.
func procStatus(pid int, keys ...string) []int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		fail("reading the collector's status: %v", err)
	}
	values := make([]int64, len(keys))
	found := 0
	for line := range strings.SplitSeq(string(status), "\n") {
		key, value, _ := strings.Cut(line, ":")
		i := slices.Index(keys, key)
		if i < 0 {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			fail("reading the collector's status: cannot parse %q", line)
		}
		values[i] = n
		found++
	}
	if found != len(keys) {
		fail("reading the collector's status: /proc/%d/status lacks one of %v", pid, keys)
	}
	return values
}

// waitReady sends one request until the collector takes it, for up to 30 seconds.
func waitReady(client ptraceotlp.GRPCClient, payload ptraceotlp.ExportRequest, timeout time.Duration) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		_, err := client.Export(ctx, payload)
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			fail("the collector did not take a request within 30s: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// buildTraces makes one request's worth of spans: `traces` traces of a client root span and
// `children` server spans, under one resource and scope, like telemetrygen's.
func buildTraces(traces, children int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "loadgen")
	rs.Resource().Attributes().PutStr("host.name", "bench-host-01")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("loadgen")
	ss.Scope().SetVersion("0.1.0")
	spans := ss.Spans()
	spans.EnsureCapacity(traces * (1 + children))
	now := time.Now()
	for t := 0; t < traces; t++ {
		var traceID pcommon.TraceID
		randomize(traceID[:])
		root := spans.AppendEmpty()
		rootID := fillSpan(root, traceID, pcommon.SpanID{}, "lets-go", ptrace.SpanKindClient, now)
		for c := 0; c < children; c++ {
			fillSpan(spans.AppendEmpty(), traceID, rootID, "okey-dokey-"+strconv.Itoa(c), ptrace.SpanKindServer, now)
		}
	}
	return td
}

func fillSpan(span ptrace.Span, traceID pcommon.TraceID, parent pcommon.SpanID, name string, kind ptrace.SpanKind, start time.Time) pcommon.SpanID {
	var id pcommon.SpanID
	randomize(id[:])
	span.SetTraceID(traceID)
	span.SetSpanID(id)
	span.SetParentSpanID(parent)
	span.SetName(name)
	span.SetKind(kind)
	span.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
	span.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(123 * time.Microsecond)))
	attrs := span.Attributes()
	attrs.EnsureCapacity(7)
	attrs.PutStr("network.peer.address", "1.2.3.4")
	attrs.PutStr("peer.service", "telemetrygen-server")
	attrs.PutStr("http.route", "/api/v1/orders/{id}")
	attrs.PutStr("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36")
	attrs.PutStr("user.email", "alice.smith@example.com") // redacted (e-mail)
	attrs.PutStr("payment.card", "4111 1111 1111 1111")   // redacted (card number)
	attrs.PutInt("http.response.status_code", 200)
	span.Status().SetCode(ptrace.StatusCodeUnset)
	return id
}

func randomize(b []byte) {
	if _, err := rand.Read(b); err != nil {
		fail("random ids: %v", err)
	}
}

// cpuSeconds is this process's user and system CPU time so far.
func cpuSeconds() float64 {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano()).Seconds()
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadgen: "+format+"\n", args...)
	os.Exit(1)
}
