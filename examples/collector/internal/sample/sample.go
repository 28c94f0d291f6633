// Package sample builds the telemetry a small checkout service might send, with the things the
// redact processor has to handle (e-mail addresses, card numbers, health-check noise), and sends
// it over OTLP/gRPC with the real pdata clients.
package sample

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// The sensitive values the samples contain.
const (
	EmailAnn = "ann@example.com"
	EmailBob = "bob.smith+shop@example.org"
	// CardSpaced and CardDashed are the Visa and Mastercard test numbers.
	CardSpaced = "4111 1111 1111 1111"
	CardDashed = "5500-0000-0000-0004"
	// HealthRoute is the route of the health-check spans, data points and log records that a
	// drop filter on http.route ^/health removes.
	HealthRoute = "/healthz"
	// ServiceName is the service.name resource attribute of every sample.
	ServiceName = "checkout"
)

// Counts of what Traces, Metrics and Logs contain.
const (
	// TraceSpans is the number of spans in Traces(), HealthSpans how many of them are health
	// checks: the redact processor keeps TraceSpans-HealthSpans.
	TraceSpans  = 5
	HealthSpans = 2
	// MetricPoints is the number of data points in Metrics(), HealthPoints how many are health
	// checks.
	MetricPoints = 4
	HealthPoints = 1
	// LogRecords is the number of records in Logs(), HealthLogs how many are health checks.
	LogRecords = 3
	HealthLogs = 1
)

func newResource(rs pcommon.Resource) {
	attrs := rs.Attributes()
	attrs.PutStr("service.name", ServiceName)
	attrs.PutStr("service.version", "1.4.2")
	attrs.PutStr("deployment.environment.name", "demo")
}

// Traces returns one batch of TraceSpans spans with fresh random trace and span IDs: a checkout
// request (user.email, a card number), a payment call, a cart read, and HealthSpans /healthz probes.
func Traces() ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	newResource(rs.Resource())
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("checkout/http")
	ss.Scope().SetVersion("1.4.2")

	now := time.Now()
	traceID := pcommon.TraceID(randomBytes16())
	span := func(name string, kind ptrace.SpanKind, parent pcommon.SpanID, start, dur time.Duration) ptrace.Span {
		s := ss.Spans().AppendEmpty()
		s.SetTraceID(traceID)
		s.SetSpanID(pcommon.SpanID(randomBytes8()))
		s.SetParentSpanID(parent)
		s.SetName(name)
		s.SetKind(kind)
		s.SetStartTimestamp(pcommon.NewTimestampFromTime(now.Add(start)))
		s.SetEndTimestamp(pcommon.NewTimestampFromTime(now.Add(start + dur)))
		s.Status().SetCode(ptrace.StatusCodeOk)
		return s
	}

	root := span("POST /checkout", ptrace.SpanKindServer, pcommon.NewSpanIDEmpty(), 0, 180*time.Millisecond)
	root.Attributes().PutStr("http.request.method", "POST")
	root.Attributes().PutStr("http.route", "/checkout")
	root.Attributes().PutInt("http.response.status_code", 200)
	root.Attributes().PutStr("user.email", EmailAnn)
	root.Attributes().PutStr("payment.card_number", CardSpaced)
	ev := root.Events().AppendEmpty()
	ev.SetName("order.placed")
	ev.SetTimestamp(pcommon.NewTimestampFromTime(now.Add(170 * time.Millisecond)))
	ev.Attributes().PutStr("order.id", "ord-20931")

	charge := span("charge card", ptrace.SpanKindClient, root.SpanID(), 20*time.Millisecond, 120*time.Millisecond)
	charge.Attributes().PutStr("peer.service", "payments")
	charge.Attributes().PutStr("payment.note", "charged card "+CardDashed+" for 42.00 EUR")
	charge.Attributes().PutStr("user.email", EmailAnn)

	cart := span("GET /cart", ptrace.SpanKindServer, pcommon.NewSpanIDEmpty(), 300*time.Millisecond, 15*time.Millisecond)
	cart.Attributes().PutStr("http.request.method", "GET")
	cart.Attributes().PutStr("http.route", "/cart")
	cart.Attributes().PutStr("user.email", EmailBob)

	for i := range HealthSpans {
		h := span("GET "+HealthRoute, ptrace.SpanKindServer, pcommon.NewSpanIDEmpty(), time.Duration(i)*time.Second, time.Millisecond)
		h.SetTraceID(pcommon.TraceID(randomBytes16()))
		h.Attributes().PutStr("http.request.method", "GET")
		h.Attributes().PutStr("http.route", HealthRoute)
		h.Attributes().PutInt("http.response.status_code", 200)
	}
	return td
}

// Metrics returns MetricPoints data points: orders per customer (the user.email data point
// attribute), and request counts per route, one of them for /healthz.
func Metrics() pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	newResource(rm.Resource())
	sm := rm.ScopeMetrics().AppendEmpty()
	sm.Scope().SetName("checkout/metrics")
	now := pcommon.NewTimestampFromTime(time.Now())
	start := pcommon.NewTimestampFromTime(time.Now().Add(-time.Minute))

	orders := sm.Metrics().AppendEmpty()
	orders.SetName("shop.orders")
	orders.SetDescription("Orders placed, per customer")
	orders.SetUnit("{order}")
	sum := orders.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	for i, email := range []string{EmailAnn, EmailBob} {
		dp := sum.DataPoints().AppendEmpty()
		dp.SetStartTimestamp(start)
		dp.SetTimestamp(now)
		dp.SetIntValue(int64(3 + i))
		dp.Attributes().PutStr("user.email", email)
	}

	requests := sm.Metrics().AppendEmpty()
	requests.SetName("http.server.active_requests")
	requests.SetUnit("{request}")
	gauge := requests.SetEmptyGauge()
	for i, route := range []string{"/checkout", HealthRoute} {
		dp := gauge.DataPoints().AppendEmpty()
		dp.SetTimestamp(now)
		dp.SetIntValue(int64(7 - i))
		dp.Attributes().PutStr("http.route", route)
	}
	return md
}

// Logs returns LogRecords log records: a declined payment whose body holds a card number and
// whose user.email attribute holds an e-mail, an ordinary record, and a /healthz access log.
func Logs() plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	newResource(rl.Resource())
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("checkout/log")
	now := pcommon.NewTimestampFromTime(time.Now())

	declined := sl.LogRecords().AppendEmpty()
	declined.SetTimestamp(now)
	declined.SetObservedTimestamp(now)
	declined.SetSeverityNumber(plog.SeverityNumberWarn)
	declined.SetSeverityText("WARN")
	declined.Body().SetStr("payment declined for card " + CardSpaced + ": insufficient funds")
	declined.Attributes().PutStr("user.email", EmailAnn)
	declined.Attributes().PutStr("order.id", "ord-20932")

	placed := sl.LogRecords().AppendEmpty()
	placed.SetTimestamp(now)
	placed.SetSeverityNumber(plog.SeverityNumberInfo)
	placed.SetSeverityText("INFO")
	placed.Body().SetStr("order ord-20931 placed")

	health := sl.LogRecords().AppendEmpty()
	health.SetTimestamp(now)
	health.SetSeverityNumber(plog.SeverityNumberDebug)
	health.SetSeverityText("DEBUG")
	health.Body().SetStr("GET " + HealthRoute + " 200")
	health.Attributes().PutStr("http.route", HealthRoute)
	return ld
}

// Dial opens an insecure (plaintext) gRPC connection to endpoint, e.g. "127.0.0.1:4317".
func Dial(endpoint string) (*grpc.ClientConn, error) {
	conn, err := grpc.NewClient(endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", endpoint, err)
	}
	return conn, nil
}

// SendTraces exports td over conn.
func SendTraces(ctx context.Context, conn *grpc.ClientConn, td ptrace.Traces) error {
	_, err := ptraceotlp.NewGRPCClient(conn).Export(ctx, ptraceotlp.NewExportRequestFromTraces(td))
	if err != nil {
		return fmt.Errorf("exporting traces: %w", err)
	}
	return nil
}

// SendMetrics exports md over conn.
func SendMetrics(ctx context.Context, conn *grpc.ClientConn, md pmetric.Metrics) error {
	_, err := pmetricotlp.NewGRPCClient(conn).Export(ctx, pmetricotlp.NewExportRequestFromMetrics(md))
	if err != nil {
		return fmt.Errorf("exporting metrics: %w", err)
	}
	return nil
}

// SendLogs exports ld over conn.
func SendLogs(ctx context.Context, conn *grpc.ClientConn, ld plog.Logs) error {
	_, err := plogotlp.NewGRPCClient(conn).Export(ctx, plogotlp.NewExportRequestFromLogs(ld))
	if err != nil {
		return fmt.Errorf("exporting logs: %w", err)
	}
	return nil
}

// Send exports Traces(), Metrics() and Logs() once each to the OTLP/gRPC endpoint.
func Send(ctx context.Context, endpoint string) error {
	conn, err := Dial(endpoint)
	if err != nil {
		return err
	}
	defer conn.Close()
	return errors.Join(
		SendTraces(ctx, conn, Traces()),
		SendMetrics(ctx, conn, Metrics()),
		SendLogs(ctx, conn, Logs()),
	)
}

func randomBytes16() (b [16]byte) {
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return b
}

func randomBytes8() (b [8]byte) {
	_, _ = rand.Read(b[:])
	return b
}
