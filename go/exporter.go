package otelbridge

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// ExporterFactories returns a factory for every exporter in the linked Rust library.
func ExporterFactories() ([]exporter.Factory, error) {
	components, err := componentsOf(bridge.KindExporter)
	if err != nil {
		return nil, err
	}
	factories := make([]exporter.Factory, 0, len(components))
	for _, c := range components {
		factories = append(factories, newExporterFactory(c.Type, c, nil))
	}
	return factories, nil
}

// NewExporterFactory returns the factory of the Rust exporter typ. If the linked library lacks
// it, the factory still exists and its config fails validation with the reason.
func NewExporterFactory(typ string) exporter.Factory {
	c, err := lookup(bridge.KindExporter, typ)
	return newExporterFactory(typ, c, err)
}

// ExporterFactoryFunc returns a NewFactory function for the Rust exporter typ, as the builder's
// generated packages expose it.
func ExporterFactoryFunc(typ string) func() exporter.Factory {
	return func() exporter.Factory { return NewExporterFactory(typ) }
}

func newExporterFactory(typ string, c *bridge.Component, loadErr error) exporter.Factory {
	var opts []exporter.FactoryOption
	if c == nil || c.Signals.Has(bridge.SignalTraces) {
		opts = append(opts, exporter.WithTraces(createTracesExporter, stability(c)))
	}
	if c == nil || c.Signals.Has(bridge.SignalMetrics) {
		opts = append(opts, exporter.WithMetrics(createMetricsExporter, stability(c)))
	}
	if c == nil || c.Signals.Has(bridge.SignalLogs) {
		opts = append(opts, exporter.WithLogs(createLogsExporter, stability(c)))
	}
	return exporter.NewFactory(component.MustNewType(typ),
		func() component.Config { return newExporterConfig(c, loadErr) }, opts...)
}

// ExporterHelperConfig holds the settings Go's exporterhelper applies around a Rust exporter,
// with the keys and defaults of Go exporters.
type ExporterHelperConfig struct {
	TimeoutConfig exporterhelper.TimeoutConfig                             `mapstructure:",squash"`
	QueueConfig   configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	RetryConfig   configretry.BackOffConfig                                `mapstructure:"retry_on_failure"`
}

// exporterHelperKeys are the keys of ExporterHelperConfig: Go reads them, Rust never sees them.
var exporterHelperKeys = []string{"timeout", "sending_queue", "retry_on_failure"}

// ExporterConfig is a Rust exporter's config: one section, in which exporterhelper's `timeout`,
// `retry_on_failure` and `sending_queue` sit beside the keys of the Rust exporter's own config.
type ExporterConfig struct {
	ExporterHelperConfig `mapstructure:",squash"`
	// rust is the rest of the section, which the Rust exporter reads and validates. Unexported,
	// so the collector's validation walk does not validate it twice.
	rust *Config
}

var (
	_ component.Config    = (*ExporterConfig)(nil)
	_ confmap.Unmarshaler = (*ExporterConfig)(nil)
	_ confmap.Marshaler   = (*ExporterConfig)(nil)
)

func newExporterConfig(c *bridge.Component, loadErr error) *ExporterConfig {
	return &ExporterConfig{
		ExporterHelperConfig: ExporterHelperConfig{
			TimeoutConfig: exporterhelper.NewDefaultTimeoutConfig(),
			QueueConfig:   configoptional.Some(exporterhelper.NewDefaultQueueConfig()),
			RetryConfig:   configretry.NewDefaultBackOffConfig(),
		},
		rust: newConfig(c, loadErr),
	}
}

// Unmarshal splits the section: exporterhelper's keys to Go, the rest to the Rust config.
func (c *ExporterConfig) Unmarshal(conf *confmap.Conf) error {
	helper, rest := map[string]any{}, conf.ToStringMap()
	for _, key := range exporterHelperKeys {
		if value, ok := rest[key]; ok {
			helper[key] = value
			delete(rest, key)
		}
	}
	if err := confmap.NewFromStringMap(helper).Unmarshal(&c.ExporterHelperConfig); err != nil {
		return err
	}
	return c.rust.Unmarshal(confmap.NewFromStringMap(rest))
}

// Marshal writes both parts back into one section.
func (c ExporterConfig) Marshal(conf *confmap.Conf) error {
	if err := conf.Marshal(c.ExporterHelperConfig); err != nil {
		return err
	}
	return c.rust.Marshal(conf)
}

// Validate asks Rust about its part; the collector validates exporterhelper's part itself.
func (c *ExporterConfig) Validate() error {
	return c.rust.Validate()
}

// Rust is the part of the section the Rust exporter reads.
func (c *ExporterConfig) Rust() *Config {
	return c.rust
}

// newRustExporter makes the lifecycle of one exporter instance and the exporterhelper options
// that apply the operator's settings around it.
func newRustExporter(set exporter.Settings, cfg component.Config, signal bridge.Signal) (*lifecycle, []exporterhelper.Option, error) {
	config, ok := cfg.(*ExporterConfig)
	if !ok {
		return nil, nil, fmt.Errorf("%s: unexpected config type %T", set.ID, cfg)
	}
	l := newLifecycle(set.ID, config.rust, set.TelemetrySettings, "exporter", signal.String())
	opts := []exporterhelper.Option{
		exporterhelper.WithStart(l.Start),
		exporterhelper.WithShutdown(l.Shutdown),
		exporterhelper.WithTimeout(config.TimeoutConfig),
		exporterhelper.WithRetry(config.RetryConfig),
		exporterhelper.WithQueue(config.QueueConfig),
		// Rust reads an encoded copy: the batch itself is never changed.
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
	}
	return l, opts, nil
}

func createTracesExporter(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Traces, error) {
	l, opts, err := newRustExporter(set, cfg, bridge.SignalTraces)
	if err != nil {
		return nil, err
	}
	var m ptrace.ProtoMarshaler
	return exporterhelper.NewTraces(ctx, set, cfg, pushFunc(l, bridge.SignalTraces, m.MarshalTraces), opts...)
}

func createMetricsExporter(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Metrics, error) {
	l, opts, err := newRustExporter(set, cfg, bridge.SignalMetrics)
	if err != nil {
		return nil, err
	}
	var m pmetric.ProtoMarshaler
	return exporterhelper.NewMetrics(ctx, set, cfg, pushFunc(l, bridge.SignalMetrics, m.MarshalMetrics), opts...)
}

func createLogsExporter(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	l, opts, err := newRustExporter(set, cfg, bridge.SignalLogs)
	if err != nil {
		return nil, err
	}
	var m plog.ProtoMarshaler
	return exporterhelper.NewLogs(ctx, set, cfg, pushFunc(l, bridge.SignalLogs, m.MarshalLogs), opts...)
}
