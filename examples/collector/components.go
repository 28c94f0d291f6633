package main

import (
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/debugexporter"
	"go.opentelemetry.io/collector/exporter/otlpexporter"
	"go.opentelemetry.io/collector/exporter/otlphttpexporter"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/batchprocessor"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/service/telemetry/otelconftelemetry"

	"github.com/otelbridge/otelbridge/go"
	"github.com/otelbridge/otelbridge/go/runtimeext"
)

// components mixes Go components with every Rust one of the linked library: the otlphttp_rs
// receiver and exporter, redact, spanstats and heartbeat; and the otelbridge runtime extension.
func components() (otelcol.Factories, error) {
	var factories otelcol.Factories
	// The collector refuses to start without a telemetry factory (service::telemetry).
	factories.Telemetry = otelconftelemetry.NewFactory()

	rustReceivers, err := otelbridge.ReceiverFactories()
	if err != nil {
		return factories, err
	}
	if factories.Receivers, err = otelcol.MakeFactoryMap[receiver.Factory](append(rustReceivers, otlpreceiver.NewFactory())...); err != nil {
		return factories, err
	}
	rustProcessors, err := otelbridge.ProcessorFactories()
	if err != nil {
		return factories, err
	}
	if factories.Processors, err = otelcol.MakeFactoryMap[processor.Factory](append(rustProcessors, batchprocessor.NewFactory())...); err != nil {
		return factories, err
	}
	rustExporters, err := otelbridge.ExporterFactories()
	if err != nil {
		return factories, err
	}
	if factories.Exporters, err = otelcol.MakeFactoryMap[exporter.Factory](append(rustExporters,
		debugexporter.NewFactory(), otlpexporter.NewFactory(), otlphttpexporter.NewFactory())...); err != nil {
		return factories, err
	}
	rustConnectors, err := otelbridge.ConnectorFactories()
	if err != nil {
		return factories, err
	}
	if factories.Connectors, err = otelcol.MakeFactoryMap[connector.Factory](rustConnectors...); err != nil {
		return factories, err
	}
	rustExtensions, err := otelbridge.ExtensionFactories()
	if err != nil {
		return factories, err
	}
	factories.Extensions, err = otelcol.MakeFactoryMap[extension.Factory](append(rustExtensions, runtimeext.NewFactory())...)
	return factories, err
}
