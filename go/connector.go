package otelbridge

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// ConnectorFactories returns a factory for every connector in the linked Rust library.
func ConnectorFactories() ([]connector.Factory, error) {
	components, err := componentsOf(bridge.KindConnector)
	if err != nil {
		return nil, err
	}
	factories := make([]connector.Factory, 0, len(components))
	for _, c := range components {
		factories = append(factories, newConnectorFactory(c.Type, c, nil))
	}
	return factories, nil
}

// NewConnectorFactory returns the factory of the Rust connector typ. If the linked library lacks
// it, the factory still exists (with no signal pairs) and its config fails validation with the
// reason.
func NewConnectorFactory(typ string) connector.Factory {
	c, err := lookup(bridge.KindConnector, typ)
	return newConnectorFactory(typ, c, err)
}

// ConnectorFactoryFunc returns a NewFactory function for the Rust connector typ, as the builder's
// generated packages expose it.
func ConnectorFactoryFunc(typ string) func() connector.Factory {
	return func() connector.Factory { return NewConnectorFactory(typ) }
}

// newConnectorFactory registers every pair of an input and an output signal the Rust connector
// declares; each pair the collector connects gets its own Rust instance.
func newConnectorFactory(typ string, c *bridge.Component, loadErr error) connector.Factory {
	var opts []connector.FactoryOption
	add := func(in, out bridge.Signal, opt func(component.StabilityLevel) connector.FactoryOption) {
		if c != nil && c.Signals.Has(in) && c.SignalsOut.Has(out) {
			opts = append(opts, opt(stability(c)))
		}
	}
	const t, m, l = bridge.SignalTraces, bridge.SignalMetrics, bridge.SignalLogs
	add(t, t, func(s component.StabilityLevel) connector.FactoryOption {
		return connector.WithTracesToTraces(func(_ context.Context, set connector.Settings, cfg component.Config, next consumer.Traces) (connector.Traces, error) {
			return newRustConnector(set, cfg, t, t, nextConsumers{traces: next})
		}, s)
	})
	add(t, m, func(s component.StabilityLevel) connector.FactoryOption {
		return connector.WithTracesToMetrics(func(_ context.Context, set connector.Settings, cfg component.Config, next consumer.Metrics) (connector.Traces, error) {
			return newRustConnector(set, cfg, t, m, nextConsumers{metrics: next})
		}, s)
	})
	add(t, l, func(s component.StabilityLevel) connector.FactoryOption {
		return connector.WithTracesToLogs(func(_ context.Context, set connector.Settings, cfg component.Config, next consumer.Logs) (connector.Traces, error) {
			return newRustConnector(set, cfg, t, l, nextConsumers{logs: next})
		}, s)
	})
	add(m, t, func(s component.StabilityLevel) connector.FactoryOption {
		return connector.WithMetricsToTraces(func(_ context.Context, set connector.Settings, cfg component.Config, next consumer.Traces) (connector.Metrics, error) {
			return newRustConnector(set, cfg, m, t, nextConsumers{traces: next})
		}, s)
	})
	add(m, m, func(s component.StabilityLevel) connector.FactoryOption {
		return connector.WithMetricsToMetrics(func(_ context.Context, set connector.Settings, cfg component.Config, next consumer.Metrics) (connector.Metrics, error) {
			return newRustConnector(set, cfg, m, m, nextConsumers{metrics: next})
		}, s)
	})
	add(m, l, func(s component.StabilityLevel) connector.FactoryOption {
		return connector.WithMetricsToLogs(func(_ context.Context, set connector.Settings, cfg component.Config, next consumer.Logs) (connector.Metrics, error) {
			return newRustConnector(set, cfg, m, l, nextConsumers{logs: next})
		}, s)
	})
	add(l, t, func(s component.StabilityLevel) connector.FactoryOption {
		return connector.WithLogsToTraces(func(_ context.Context, set connector.Settings, cfg component.Config, next consumer.Traces) (connector.Logs, error) {
			return newRustConnector(set, cfg, l, t, nextConsumers{traces: next})
		}, s)
	})
	add(l, m, func(s component.StabilityLevel) connector.FactoryOption {
		return connector.WithLogsToMetrics(func(_ context.Context, set connector.Settings, cfg component.Config, next consumer.Metrics) (connector.Logs, error) {
			return newRustConnector(set, cfg, l, m, nextConsumers{metrics: next})
		}, s)
	})
	add(l, l, func(s component.StabilityLevel) connector.FactoryOption {
		return connector.WithLogsToLogs(func(_ context.Context, set connector.Settings, cfg component.Config, next consumer.Logs) (connector.Logs, error) {
			return newRustConnector(set, cfg, l, l, nextConsumers{logs: next})
		}, s)
	})
	return connector.NewFactory(component.MustNewType(typ),
		func() component.Config { return newConfig(c, loadErr) }, opts...)
}

// rustConnector consumes one signal into the Rust instance, which sends what it derives to the
// next consumer of the output signal.
type rustConnector struct {
	*lifecycle
	consumeTraces  func(context.Context, ptrace.Traces) error
	consumeMetrics func(context.Context, pmetric.Metrics) error
	consumeLogs    func(context.Context, plog.Logs) error
}

func newRustConnector(set connector.Settings, cfg component.Config, in, out bridge.Signal, next nextConsumers) (*rustConnector, error) {
	config, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("%s: unexpected config type %T", set.ID, cfg)
	}
	l := newLifecycle(set.ID, config, set.TelemetrySettings, "connector", in.String())
	l.signalOut = out.String()
	l.next = next.bridge()
	var tm ptrace.ProtoMarshaler
	var mm pmetric.ProtoMarshaler
	var lm plog.ProtoMarshaler
	return &rustConnector{
		lifecycle:      l,
		consumeTraces:  pushFunc(l, bridge.SignalTraces, tm.MarshalTraces),
		consumeMetrics: pushFunc(l, bridge.SignalMetrics, mm.MarshalMetrics),
		consumeLogs:    pushFunc(l, bridge.SignalLogs, lm.MarshalLogs),
	}, nil
}

// Capabilities says the connector never changes the data it is given: Rust reads a copy.
func (c *rustConnector) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: false}
}

// ConsumeTraces hands a batch of spans to Rust.
func (c *rustConnector) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	return c.consumeTraces(ctx, td)
}

// ConsumeMetrics hands a batch of metrics to Rust.
func (c *rustConnector) ConsumeMetrics(ctx context.Context, md pmetric.Metrics) error {
	return c.consumeMetrics(ctx, md)
}

// ConsumeLogs hands a batch of log records to Rust.
func (c *rustConnector) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	return c.consumeLogs(ctx, ld)
}
