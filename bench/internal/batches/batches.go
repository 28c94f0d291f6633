// Package batches makes the benchmark suite's batches, deterministic so that the Go
// benchmarks and the Rust ones (through cmd/batches) measure the very same bytes.
package batches

import (
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The benchmark batches. A batch of n records (spans, data points, log records) is laid out as a
// collector receives it from many services: up to 10 records per scope, up to 10 scopes per
// resource, as many resources as that takes (1 → 1×1×1, 1000 → 10×10×10, 10000 → 100×10×10).
// Every resource carries service.name and five more attributes; every span and log record carries
// about 10 attributes (strings and ints). The peer benchmarks rely on three of them:
//
//   - user.email, an e-mail address, on every record;
//   - card, a 16-digit card number, on every other record (the 1st, 3rd, 5th, ...);
//   - http.route = "/health" on every 10th record (the 10th, 20th, ...); the others have an API
//     route.
//
// Data points carry 8 attributes. Everything is deterministic: the same n gives the same batch.
const (
	recordsPerScope    = 10
	scopesPerResource  = 10
	recordsPerResource = recordsPerScope * scopesPerResource
)

// batchEpoch is the start time of every batch.
var batchEpoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

var (
	services = []string{"checkout", "cart", "payment", "shipping", "frontend", "catalog", "email"}
	routes   = []string{"/api/v1/cart", "/api/v1/checkout", "/api/v1/products/{id}", "/api/v1/orders/{id}"}
	methods  = []string{"GET", "POST", "PUT", "GET"}
)

// layout calls add for every record of a batch of n, with the record's number and the resource
// and scope indexes it belongs to, after calling newResource/newScope when one begins.
func layout(n int, newResource func(r int), newScope func(r, s int), add func(i int)) {
	for i := range n {
		if i%recordsPerResource == 0 {
			newResource(i / recordsPerResource)
		}
		if i%recordsPerScope == 0 {
			newScope(i/recordsPerResource, i%recordsPerResource/recordsPerScope)
		}
		add(i)
	}
}

func fillResource(res pcommon.Resource, r int) {
	attrs := res.Attributes()
	attrs.EnsureCapacity(6)
	attrs.PutStr("service.name", services[r%len(services)])
	attrs.PutStr("service.version", "1.4.2")
	attrs.PutStr("service.instance.id", fmt.Sprintf("%08x-6c2e-4b1e-9a43-%012x", r, r*7919))
	attrs.PutStr("host.name", fmt.Sprintf("node-%03d.eu-west-1.compute.internal", r))
	attrs.PutStr("deployment.environment.name", "production")
	attrs.PutStr("telemetry.sdk.language", "go")
}

func fillScope(scope pcommon.InstrumentationScope, s int) {
	scope.SetName(fmt.Sprintf("go.opentelemetry.io/contrib/instrumentation/lib%d", s))
	scope.SetVersion("0.62.0")
}

// route is the http.route of span or log record i: "/health" for every 10th.
func route(i int) string {
	if i%10 == 9 {
		return "/health"
	}
	return routes[i%len(routes)]
}

// statusCode is the HTTP status of record i: every 3rd failed.
func statusCode(i int) int64 {
	if i%3 == 2 {
		return 503
	}
	return 200
}

// fillRecordAttributes puts the ~10 attributes of span or log record i.
func fillRecordAttributes(attrs pcommon.Map, i int) {
	attrs.EnsureCapacity(11)
	attrs.PutStr("http.request.method", methods[i%len(methods)])
	attrs.PutStr("http.route", route(i))
	attrs.PutStr("url.path", fmt.Sprintf("%s?session=%d", route(i), i))
	attrs.PutInt("http.response.status_code", statusCode(i))
	attrs.PutStr("server.address", "shop.example.com")
	attrs.PutInt("server.port", 443)
	attrs.PutStr("client.address", fmt.Sprintf("10.%d.%d.%d", i>>16&0xff, i>>8&0xff, i&0xff))
	attrs.PutStr("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	attrs.PutStr("user.email", fmt.Sprintf("user%d@example.com", i))
	attrs.PutInt("retry.count", int64(i%4))
	if i%2 == 0 {
		attrs.PutStr("card", fmt.Sprintf("4111%012d", i))
	}
}

func traceID(i int) pcommon.TraceID {
	return pcommon.TraceID{0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6, 0x33, byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)}
}

func spanID(i int) pcommon.SpanID {
	return pcommon.SpanID{0x05, 0x1f, 0x81, 0x0c, byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)}
}

// Traces makes a batch of n spans.
func Traces(n int) ptrace.Traces {
	td := ptrace.NewTraces()
	var rs ptrace.ResourceSpans
	var ss ptrace.ScopeSpans
	layout(n, func(r int) {
		rs = td.ResourceSpans().AppendEmpty()
		fillResource(rs.Resource(), r)
	}, func(_, s int) {
		ss = rs.ScopeSpans().AppendEmpty()
		fillScope(ss.Scope(), s)
	}, func(i int) {
		span := ss.Spans().AppendEmpty()
		span.SetTraceID(traceID(i / 4))
		span.SetSpanID(spanID(i))
		if i%4 != 0 {
			span.SetParentSpanID(spanID(i - i%4))
		}
		span.SetName(methods[i%len(methods)] + " " + route(i))
		span.SetKind(ptrace.SpanKindServer)
		start := batchEpoch.Add(time.Duration(i) * time.Millisecond)
		span.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
		span.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(time.Duration(1+i%50) * time.Millisecond)))
		if i%3 == 2 {
			span.Status().SetCode(ptrace.StatusCodeError)
			span.Status().SetMessage("upstream unavailable")
		} else {
			span.Status().SetCode(ptrace.StatusCodeOk)
		}
		fillRecordAttributes(span.Attributes(), i)
	})
	return td
}

// Logs makes a batch of n log records.
func Logs(n int) plog.Logs {
	ld := plog.NewLogs()
	var rl plog.ResourceLogs
	var sl plog.ScopeLogs
	layout(n, func(r int) {
		rl = ld.ResourceLogs().AppendEmpty()
		fillResource(rl.Resource(), r)
	}, func(_, s int) {
		sl = rl.ScopeLogs().AppendEmpty()
		fillScope(sl.Scope(), s)
	}, func(i int) {
		record := sl.LogRecords().AppendEmpty()
		at := pcommon.NewTimestampFromTime(batchEpoch.Add(time.Duration(i) * time.Millisecond))
		record.SetTimestamp(at)
		record.SetObservedTimestamp(at)
		if i%3 == 2 {
			record.SetSeverityNumber(plog.SeverityNumberError)
			record.SetSeverityText("ERROR")
			record.Body().SetStr(fmt.Sprintf("request %d failed: upstream unavailable after %d retries", i, i%4))
		} else {
			record.SetSeverityNumber(plog.SeverityNumberInfo)
			record.SetSeverityText("INFO")
			record.Body().SetStr(fmt.Sprintf("request %d served in %d ms", i, 1+i%50))
		}
		record.SetTraceID(traceID(i / 4))
		record.SetSpanID(spanID(i))
		fillRecordAttributes(record.Attributes(), i)
	})
	return ld
}

// metricsPerScope is how many metrics share the (up to) 10 data points of a scope: the 1st, 3rd,
// ... data point of a scope belongs to a cumulative int sum, the 2nd, 4th, ... to a double gauge.
const metricsPerScope = 2

// Metrics makes a batch of n data points.
func Metrics(n int) pmetric.Metrics {
	md := pmetric.NewMetrics()
	var rm pmetric.ResourceMetrics
	var sm pmetric.ScopeMetrics
	var sum pmetric.Sum
	var gauge pmetric.Gauge
	var haveSum, haveGauge bool
	layout(n, func(r int) {
		rm = md.ResourceMetrics().AppendEmpty()
		fillResource(rm.Resource(), r)
	}, func(_, s int) {
		sm = rm.ScopeMetrics().AppendEmpty()
		fillScope(sm.Scope(), s)
		haveSum, haveGauge = false, false
	}, func(i int) {
		start := pcommon.NewTimestampFromTime(batchEpoch)
		at := pcommon.NewTimestampFromTime(batchEpoch.Add(time.Duration(i) * time.Millisecond))
		var dp pmetric.NumberDataPoint
		if i%metricsPerScope == 0 {
			if !haveSum {
				haveSum = true
				m := sm.Metrics().AppendEmpty()
				m.SetName("http.server.request.count")
				m.SetDescription("Number of HTTP requests served")
				m.SetUnit("{request}")
				sum = m.SetEmptySum()
				sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
				sum.SetIsMonotonic(true)
			}
			dp = sum.DataPoints().AppendEmpty()
			dp.SetIntValue(int64(1000 + i))
		} else {
			if !haveGauge {
				haveGauge = true
				m := sm.Metrics().AppendEmpty()
				m.SetName("process.memory.usage")
				m.SetDescription("Resident memory of the process")
				m.SetUnit("By")
				gauge = m.SetEmptyGauge()
			}
			dp = gauge.DataPoints().AppendEmpty()
			dp.SetDoubleValue(float64(i) * 1024.5)
		}
		dp.SetStartTimestamp(start)
		dp.SetTimestamp(at)
		attrs := dp.Attributes()
		attrs.EnsureCapacity(8)
		attrs.PutStr("http.request.method", methods[i%len(methods)])
		attrs.PutStr("http.route", routes[i%len(routes)])
		attrs.PutInt("http.response.status_code", statusCode(i))
		attrs.PutStr("server.address", "shop.example.com")
		attrs.PutInt("server.port", 443)
		attrs.PutStr("network.protocol.version", "1.1")
		attrs.PutStr("url.scheme", "https")
		attrs.PutInt("shard", int64(i))
	})
	return md
}
