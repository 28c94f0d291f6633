package otelbridge

import (
	"context"
	"fmt"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// ReceiverFactories returns a factory for every receiver in the linked Rust library.
func ReceiverFactories() ([]receiver.Factory, error) {
	components, err := componentsOf(bridge.KindReceiver)
	if err != nil {
		return nil, err
	}
	factories := make([]receiver.Factory, 0, len(components))
	for _, c := range components {
		factories = append(factories, newReceiverFactory(c.Type, c, nil))
	}
	return factories, nil
}

// NewReceiverFactory returns the factory of the Rust receiver typ. If the linked library lacks
// it, the factory still exists and its config fails validation with the reason.
func NewReceiverFactory(typ string) receiver.Factory {
	c, err := lookup(bridge.KindReceiver, typ)
	return newReceiverFactory(typ, c, err)
}

// ReceiverFactoryFunc returns a NewFactory function for the Rust receiver typ, as the builder's
// generated packages expose it.
func ReceiverFactoryFunc(typ string) func() receiver.Factory {
	return func() receiver.Factory { return NewReceiverFactory(typ) }
}

func newReceiverFactory(typ string, c *bridge.Component, loadErr error) receiver.Factory {
	rs := &receivers{byConfig: map[*Config]*rustReceiver{}}
	var opts []receiver.FactoryOption
	if c == nil || c.Signals.Has(bridge.SignalTraces) {
		opts = append(opts, receiver.WithTraces(rs.createTraces, stability(c)))
	}
	if c == nil || c.Signals.Has(bridge.SignalMetrics) {
		opts = append(opts, receiver.WithMetrics(rs.createMetrics, stability(c)))
	}
	if c == nil || c.Signals.Has(bridge.SignalLogs) {
		opts = append(opts, receiver.WithLogs(rs.createLogs, stability(c)))
	}
	return receiver.NewFactory(component.MustNewType(typ),
		func() component.Config { return newConfig(c, loadErr) }, opts...)
}

// receivers shares one Rust instance among the pipelines of one receiver config, as Go's otlp
// receiver does: a receiver in a traces and a logs pipeline listens once, and feeds both.
type receivers struct {
	mu       sync.Mutex
	byConfig map[*Config]*rustReceiver
}

func (rs *receivers) createTraces(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Traces) (receiver.Traces, error) {
	return rs.get(set, cfg, func(n *nextConsumers) { n.traces = next })
}

func (rs *receivers) createMetrics(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Metrics) (receiver.Metrics, error) {
	return rs.get(set, cfg, func(n *nextConsumers) { n.metrics = next })
}

func (rs *receivers) createLogs(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Logs) (receiver.Logs, error) {
	return rs.get(set, cfg, func(n *nextConsumers) { n.logs = next })
}

// get returns the receiver of cfg, made on first use, with one more next consumer connected.
func (rs *receivers) get(set receiver.Settings, cfg component.Config, connect func(*nextConsumers)) (*rustReceiver, error) {
	config, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("%s: unexpected config type %T", set.ID, cfg)
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r, ok := rs.byConfig[config]
	if !ok {
		obs, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
			ReceiverID:             set.ID,
			Transport:              "otelbridge",
			ReceiverCreateSettings: set,
		})
		if err != nil {
			return nil, err
		}
		r = &rustReceiver{
			lifecycle: newLifecycle(set.ID, config, set.TelemetrySettings, "receiver", ""),
			consumers: nextConsumers{obs: obs},
			release:   func() { rs.release(config) },
		}
		rs.byConfig[config] = r
	}
	connect(&r.consumers)
	return r, nil
}

func (rs *receivers) release(config *Config) {
	rs.mu.Lock()
	delete(rs.byConfig, config)
	rs.mu.Unlock()
}

// rustReceiver is one Rust receiver instance, shared by the pipelines it feeds: the first Start
// starts it, the first Shutdown stops it (Rust stops intake, then drains what it accepted).
type rustReceiver struct {
	*lifecycle
	consumers nextConsumers
	release   func()

	startOnce, shutdownOnce sync.Once
	startErr, shutdownErr   error
}

// Start starts the Rust receiver once, with the consumers of every pipeline it feeds.
func (r *rustReceiver) Start(ctx context.Context, host component.Host) error {
	r.startOnce.Do(func() {
		r.next = r.consumers.bridge()
		r.startErr = r.lifecycle.Start(ctx, host)
	})
	return r.startErr
}

// Shutdown stops the Rust receiver once.
func (r *rustReceiver) Shutdown(ctx context.Context) error {
	r.shutdownOnce.Do(func() {
		r.shutdownErr = r.lifecycle.Shutdown(ctx)
		r.release()
	})
	return r.shutdownErr
}
