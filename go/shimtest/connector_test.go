package shimtest

import (
	"context"
	"errors"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pmetric"

	otelbridge "github.com/otelbridge/otelbridge/go"
)

func TestRustConnectorTurnsSpansIntoMetrics(t *testing.T) {
	factory := otelbridge.NewConnectorFactory("spanstats")
	if factory.TracesToMetricsStability() == 0 {
		t.Fatal("spanstats must be registered as a traces-to-metrics connector")
	}
	if _, err := factory.CreateTracesToTraces(context.Background(), connectortest.NewNopSettings(factory.Type()),
		factory.CreateDefaultConfig(), new(consumertest.TracesSink)); err == nil {
		t.Fatal("spanstats declares no traces-to-traces route; creating one must fail")
	}
	sink := new(consumertest.MetricsSink)
	c, err := factory.CreateTracesToMetrics(context.Background(), connectortest.NewNopSettings(factory.Type()),
		factory.CreateDefaultConfig(), sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := c.ConsumeTraces(context.Background(), spans(4)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	var calls int64
	for _, md := range sink.AllMetrics() {
		calls += sumOf(md, "spanstats.calls")
	}
	if calls != 12 {
		t.Fatalf("spanstats.calls adds up to %d, want the 12 spans consumed", calls)
	}
}

func TestRustConnectorPassesItsNextConsumersErrorUpstream(t *testing.T) {
	factory := otelbridge.NewConnectorFactory("spanstats")
	full, _ := consumer.NewMetrics(func(context.Context, pmetric.Metrics) error {
		return consumererror.NewPermanent(errors.New("metrics pipeline refuses"))
	})
	c, err := factory.CreateTracesToMetrics(context.Background(), connectortest.NewNopSettings(factory.Type()),
		factory.CreateDefaultConfig(), full)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Shutdown(context.Background()) }()
	err = c.ConsumeTraces(context.Background(), spans(2))
	if !consumererror.IsPermanent(err) {
		t.Fatalf("err = %v, want the metrics pipeline's permanent error", err)
	}
}

// sumOf adds up the integer data points of the sum metric name.
func sumOf(md pmetric.Metrics, name string) int64 {
	var total int64
	for _, rm := range md.ResourceMetrics().All() {
		for _, sm := range rm.ScopeMetrics().All() {
			for _, m := range sm.Metrics().All() {
				if m.Name() == name {
					for _, dp := range m.Sum().DataPoints().All() {
						total += dp.IntValue()
					}
				}
			}
		}
	}
	return total
}
