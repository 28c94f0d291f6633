package bridge

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// callKind is what a call does.
type callKind int

const (
	callStart callKind = iota
	callShutdown
	callConsume
)

func (k callKind) String() string {
	switch k {
	case callStart:
		return "start"
	case callShutdown:
		return "shutdown"
	}
	return "consume"
}

// callMetrics are the bridge's own metrics of one instance: calls, errors by kind, calls in
// flight and call latency, attributed by operation (and by the sink's attributes, such as the
// processor instance's signal).
type callMetrics struct {
	calls    metric.Int64Counter
	errors   metric.Int64Counter
	inFlight metric.Int64UpDownCounter
	duration metric.Float64Histogram
	// attrs are precomputed per call kind, so a call allocates no attribute set.
	attrs map[callKind]metric.MeasurementOption
}

// newCallMetrics creates the instruments with meter; nil records nothing. Every measurement
// carries extra.
func newCallMetrics(meter metric.Meter, extra []attribute.KeyValue) *callMetrics {
	if meter == nil {
		return nil
	}
	m := &callMetrics{attrs: map[callKind]metric.MeasurementOption{}}
	var errs [4]error
	m.calls, errs[0] = meter.Int64Counter("otelbridge.calls",
		metric.WithDescription("Calls into the Rust component"), metric.WithUnit("{call}"))
	m.errors, errs[1] = meter.Int64Counter("otelbridge.call.errors",
		metric.WithDescription("Calls into the Rust component that failed, by error kind"), metric.WithUnit("{call}"))
	m.inFlight, errs[2] = meter.Int64UpDownCounter("otelbridge.calls.in_flight",
		metric.WithDescription("Calls into the Rust component not yet completed"), metric.WithUnit("{call}"))
	m.duration, errs[3] = meter.Float64Histogram("otelbridge.call.duration",
		metric.WithDescription("Time from a call's start to its completion"), metric.WithUnit("s"))
	for _, err := range errs {
		if err != nil {
			return nil
		}
	}
	for _, kind := range []callKind{callStart, callShutdown, callConsume} {
		attrs := append([]attribute.KeyValue{attribute.String("operation", kind.String())}, extra...)
		m.attrs[kind] = metric.WithAttributeSet(attribute.NewSet(attrs...))
	}
	return m
}

// callTimer measures one call; its zero value (no metrics) does nothing.
type callTimer struct {
	m     *callMetrics
	attrs metric.MeasurementOption
	began time.Time
}

// begin records a call's start.
func (m *callMetrics) begin(kind callKind) callTimer {
	if m == nil {
		return callTimer{}
	}
	t := callTimer{m: m, attrs: m.attrs[kind], began: time.Now()}
	m.inFlight.Add(context.Background(), 1, t.attrs)
	return t
}

// end records the call's completion.
func (t callTimer) end(err error) {
	if t.m == nil {
		return
	}
	ctx := context.Background()
	t.m.inFlight.Add(ctx, -1, t.attrs)
	t.m.calls.Add(ctx, 1, t.attrs)
	t.m.duration.Record(ctx, time.Since(t.began).Seconds(), t.attrs)
	if err != nil {
		t.m.errors.Add(ctx, 1, t.attrs, metric.WithAttributes(attribute.String("error.kind", errorKind(err))))
	}
}

// errorKind names an error for the errors counter.
func errorKind(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Code.String()
	}
	return "context"
}
