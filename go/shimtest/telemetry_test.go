package shimtest

import (
	"context"
	"sync"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	otelbridge "github.com/otelbridge/otelbridge/go"
)

// statusWatcher is a host that records the status events its components report.
type statusWatcher struct {
	component.Host
	mu     sync.Mutex
	events []*componentstatus.Event
}

func (w *statusWatcher) Report(event *componentstatus.Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.events = append(w.events, event)
}

func (w *statusWatcher) seen() []*componentstatus.Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]*componentstatus.Event(nil), w.events...)
}

func TestARustStatusChangeReachesTheStatusWatcher(t *testing.T) {
	factory := otelbridge.NewProcessorFactory("probe")
	p, err := factory.CreateTraces(context.Background(), processortest.NewNopSettings(factory.Type()),
		factory.CreateDefaultConfig(), consumertest.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	watcher := &statusWatcher{Host: componenttest.NewNopHost()}
	if err := p.Start(context.Background(), watcher); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Shutdown(context.Background()) }()
	for _, action := range []string{"status:recoverable", "status:ok"} {
		if err := p.ConsumeTraces(withAction(context.Background(), action), spans(1)); err != nil {
			t.Fatal(err)
		}
	}
	arrives(t, "two status events", func() bool { return len(watcher.seen()) >= 2 })
	events := watcher.seen()
	if len(events) != 2 {
		t.Fatalf("the watcher saw %d events, want 2", len(events))
	}
	first, second := events[0], events[1]
	if first.Status() != componentstatus.StatusRecoverableError || first.Err().Error() != "probe reports a recoverable error" {
		t.Fatalf("first event = %v %v", first.Status(), first.Err())
	}
	if second.Status() != componentstatus.StatusOK {
		t.Fatalf("second event = %v", second.Status())
	}
}

// sums returns the data points of every sum metric in rm, by metric name.
func sums(rm metricdata.ResourceMetrics) map[string][]metricdata.DataPoint[float64] {
	out := map[string][]metricdata.DataPoint[float64]{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if s, ok := m.Data.(metricdata.Sum[float64]); ok {
				out[m.Name] = s.DataPoints
			}
		}
	}
	return out
}

func int64Sums(rm metricdata.ResourceMetrics) map[string]int64 {
	out := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if s, ok := m.Data.(metricdata.Sum[int64]); ok {
				for _, dp := range s.DataPoints {
					out[m.Name] += dp.Value
				}
			}
		}
	}
	return out
}

func TestRustAndBridgeMetricsReachTheMeterProvider(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer func() { _ = provider.Shutdown(context.Background()) }()

	factory := otelbridge.NewProcessorFactory("probe")
	set := processortest.NewNopSettings(factory.Type())
	set.MeterProvider = provider
	p, err := factory.CreateTraces(context.Background(), set, factory.CreateDefaultConfig(), consumertest.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"pass", "pass", "fail:retryable"} {
		_ = p.ConsumeTraces(withAction(context.Background(), action), spans(1))
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	byAction := map[string]float64{}
	for _, dp := range sums(rm)["probe_batches"] {
		action, _ := dp.Attributes.Value("action")
		byAction[action.AsString()] += dp.Value
	}
	if byAction["pass"] != 2 || byAction["fail"] != 1 {
		t.Fatalf("probe_batches by action = %v, want pass 2, fail 1", byAction)
	}
	bridge := int64Sums(rm)
	// start, three consumes, shutdown; one failed.
	if bridge["otelbridge.calls"] != 5 || bridge["otelbridge.call.errors"] != 1 || bridge["otelbridge.calls.in_flight"] != 0 {
		t.Fatalf("bridge metrics = %v", bridge)
	}
}
