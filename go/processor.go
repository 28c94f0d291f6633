package otelbridge

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.uber.org/zap"

	"github.com/otelbridge/otelbridge/go/bridge"
	"github.com/otelbridge/otelbridge/go/internal/edits"
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

// ProcessorFactoryFunc returns a NewFactory function for the Rust processor typ, as the builder's
// generated packages expose it.
func ProcessorFactoryFunc(typ string) func() processor.Factory {
	return func() processor.Factory { return NewProcessorFactory(typ) }
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

func newRustProcessor(set processor.Settings, cfg component.Config, signal string) (*rustProcessor, []processorhelper.Option, error) {
	config, ok := cfg.(*Config)
	if !ok {
		return nil, nil, fmt.Errorf("%s: unexpected config type %T", set.ID, cfg)
	}
	p := &rustProcessor{lifecycle: newLifecycle(set.ID, config, set.TelemetrySettings, "processor", signal)}
	opts := []processorhelper.Option{
		processorhelper.WithStart(p.Start),
		processorhelper.WithShutdown(p.Shutdown),
		// Edits from Rust are applied to the batch in place, as contrib's processors change theirs.
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: true}),
	}
	return p, opts, nil
}

// codec is how one signal's pdata crosses: as OTLP protobuf bytes, and back as a replacement or
// as edits to apply in place.
type codec[T any] struct {
	marshal   func(T) ([]byte, error)
	unmarshal func([]byte) (T, error)
	edit      func(T, []byte) error
	isEmpty   func(T) bool
}

// processFunc makes the processorhelper function of one signal: marshal the batch once, run it
// through Rust, then pass the original on (unchanged), skip it (dropped), apply Rust's edits to
// it, or unmarshal the replacement from Rust memory before freeing it.
func processFunc[T any](p *rustProcessor, signal bridge.Signal, c codec[T]) func(context.Context, T) (T, error) {
	return func(ctx context.Context, in T) (T, error) {
		data, err := c.marshal(in)
		if err != nil {
			return in, wrapError(p.id, err)
		}
		res, err := p.consume(ctx, signal, data)
		if err != nil {
			return in, err
		}
		defer res.Free()
		switch res.Outcome {
		case bridge.OutcomeUnchanged:
			return in, nil
		case bridge.OutcomeDropped:
			return in, processorhelper.ErrSkipProcessingData
		case bridge.OutcomeEdited:
			if err := c.edit(in, res.Bytes()); err != nil {
				// The same edits would fail again: a retry cannot help.
				return in, p.refuse(fmt.Errorf("applying the edits Rust returned: %w", err))
			}
			if c.isEmpty(in) {
				return in, processorhelper.ErrSkipProcessingData
			}
			return in, nil
		}
		out, err := c.unmarshal(res.Bytes())
		if err != nil {
			return in, p.refuse(fmt.Errorf("reading the batch Rust returned: %w", err))
		}
		return out, nil
	}
}

// refuse fails a batch the Rust processor answered with something Go cannot use. That is a bug
// of the component, not of the data's sender, who only sees an error: the log says which
// component it was.
func (p *rustProcessor) refuse(err error) error {
	p.telemetry.Logger.Error("Rust processor returned a result Go cannot apply; the batch is refused", zap.Error(err))
	return consumererror.NewPermanent(wrapError(p.id, err))
}

func createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	p, opts, err := newRustProcessor(set, cfg, "traces")
	if err != nil {
		return nil, err
	}
	var m ptrace.ProtoMarshaler
	var u ptrace.ProtoUnmarshaler
	return processorhelper.NewTraces(ctx, set, cfg, next, processFunc(p, bridge.SignalTraces, codec[ptrace.Traces]{
		m.MarshalTraces, u.UnmarshalTraces, edits.Traces,
		func(td ptrace.Traces) bool { return td.ResourceSpans().Len() == 0 },
	}), opts...)
}

func createMetrics(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Metrics) (processor.Metrics, error) {
	p, opts, err := newRustProcessor(set, cfg, "metrics")
	if err != nil {
		return nil, err
	}
	var m pmetric.ProtoMarshaler
	var u pmetric.ProtoUnmarshaler
	return processorhelper.NewMetrics(ctx, set, cfg, next, processFunc(p, bridge.SignalMetrics, codec[pmetric.Metrics]{
		m.MarshalMetrics, u.UnmarshalMetrics, edits.Metrics,
		func(md pmetric.Metrics) bool { return md.ResourceMetrics().Len() == 0 },
	}), opts...)
}

func createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	p, opts, err := newRustProcessor(set, cfg, "logs")
	if err != nil {
		return nil, err
	}
	var m plog.ProtoMarshaler
	var u plog.ProtoUnmarshaler
	return processorhelper.NewLogs(ctx, set, cfg, next, processFunc(p, bridge.SignalLogs, codec[plog.Logs]{
		m.MarshalLogs, u.UnmarshalLogs, edits.Logs,
		func(ld plog.Logs) bool { return ld.ResourceLogs().Len() == 0 },
	}), opts...)
}
