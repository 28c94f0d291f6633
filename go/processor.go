package otelbridge

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// ProcessorFactories returns a factory for every processor in the linked Rust library.
func ProcessorFactories() ([]processor.Factory, error) {
	components, err := componentsOf(bridge.KindProcessor)
	if err != nil {
		return nil, err
	}
	factories := make([]processor.Factory, 0, len(components))
	for _, c := range components {
		factories = append(factories, newProcessorFactory(c.Type, c, nil))
	}
	return factories, nil
}

// NewProcessorFactory returns the factory of the Rust processor typ. If the linked library lacks
// it, the factory still exists and its config fails validation with the reason.
func NewProcessorFactory(typ string) processor.Factory {
	c, err := lookup(bridge.KindProcessor, typ)
	return newProcessorFactory(typ, c, err)
}

func newProcessorFactory(typ string, c *bridge.Component, loadErr error) processor.Factory {
	var opts []processor.FactoryOption
	if c == nil || c.Signals.Has(bridge.SignalTraces) {
		opts = append(opts, processor.WithTraces(createTraces, stability(c)))
	}
	if c == nil || c.Signals.Has(bridge.SignalMetrics) {
		opts = append(opts, processor.WithMetrics(createMetrics, stability(c)))
	}
	if c == nil || c.Signals.Has(bridge.SignalLogs) {
		opts = append(opts, processor.WithLogs(createLogs, stability(c)))
	}
	return processor.NewFactory(component.MustNewType(typ),
		func() component.Config { return newConfig(c, loadErr) }, opts...)
}

// rustProcessor runs each batch through the Rust instance.
type rustProcessor struct {
	*lifecycle
}

func newRustProcessor(set processor.Settings, cfg component.Config) (*rustProcessor, []processorhelper.Option, error) {
	config, ok := cfg.(*Config)
	if !ok {
		return nil, nil, fmt.Errorf("%s: unexpected config type %T", set.ID, cfg)
	}
	p := &rustProcessor{lifecycle: newLifecycle(set.ID, config, set.Logger)}
	opts := []processorhelper.Option{
		processorhelper.WithStart(p.Start),
		processorhelper.WithShutdown(p.Shutdown),
		// Rust never touches the Go data: changes come back as a new batch.
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
	}
	return p, opts, nil
}

// consume sends one marshalled batch to Rust. It returns replaced bytes through unmarshal, or
// reports unchanged (keep) and dropped (skip).
func (p *rustProcessor) consume(ctx context.Context, signal bridge.Signal, data []byte, unmarshal func([]byte) error) (keep bool, err error) {
	instance, err := p.current()
	if err != nil {
		return false, err
	}
	res, err := instance.Consume(ctx, signal, data)
	if err != nil {
		return false, wrapError(p.id, err)
	}
	defer res.Free()
	switch res.Outcome {
	case bridge.OutcomeUnchanged:
		return true, nil
	case bridge.OutcomeDropped:
		return false, processorhelper.ErrSkipProcessingData
	}
	if err := unmarshal(res.Bytes()); err != nil {
		return false, wrapError(p.id, fmt.Errorf("reading the batch Rust returned: %w", err))
	}
	return false, nil
}

func createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	p, opts, err := newRustProcessor(set, cfg)
	if err != nil {
		return nil, err
	}
	var marshaler ptrace.ProtoMarshaler
	var unmarshaler ptrace.ProtoUnmarshaler
	process := func(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
		data, err := marshaler.MarshalTraces(td)
		if err != nil {
			return td, err
		}
		var out ptrace.Traces
		keep, err := p.consume(ctx, bridge.SignalTraces, data, func(b []byte) (err error) {
			out, err = unmarshaler.UnmarshalTraces(b)
			return err
		})
		if keep {
			return td, nil
		}
		return out, err
	}
	return processorhelper.NewTraces(ctx, set, cfg, next, process, opts...)
}

func createMetrics(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Metrics) (processor.Metrics, error) {
	p, opts, err := newRustProcessor(set, cfg)
	if err != nil {
		return nil, err
	}
	var marshaler pmetric.ProtoMarshaler
	var unmarshaler pmetric.ProtoUnmarshaler
	process := func(ctx context.Context, md pmetric.Metrics) (pmetric.Metrics, error) {
		data, err := marshaler.MarshalMetrics(md)
		if err != nil {
			return md, err
		}
		var out pmetric.Metrics
		keep, err := p.consume(ctx, bridge.SignalMetrics, data, func(b []byte) (err error) {
			out, err = unmarshaler.UnmarshalMetrics(b)
			return err
		})
		if keep {
			return md, nil
		}
		return out, err
	}
	return processorhelper.NewMetrics(ctx, set, cfg, next, process, opts...)
}

func createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	p, opts, err := newRustProcessor(set, cfg)
	if err != nil {
		return nil, err
	}
	var marshaler plog.ProtoMarshaler
	var unmarshaler plog.ProtoUnmarshaler
	process := func(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
		data, err := marshaler.MarshalLogs(ld)
		if err != nil {
			return ld, err
		}
		var out plog.Logs
		keep, err := p.consume(ctx, bridge.SignalLogs, data, func(b []byte) (err error) {
			out, err = unmarshaler.UnmarshalLogs(b)
			return err
		})
		if keep {
			return ld, nil
		}
		return out, err
	}
	return processorhelper.NewLogs(ctx, set, cfg, next, process, opts...)
}
