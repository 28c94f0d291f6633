// Command otelcol-example is an ordinary OpenTelemetry Collector whose pipelines mix Go components
// with Rust components linked through otelbridge.
package main

import (
	"log"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/otelcol"
)

func main() {
	info := component.BuildInfo{
		Command:     "otelcol-example",
		Description: "OpenTelemetry Collector with Rust components (otelbridge example)",
		Version:     "0.1.0",
	}
	cmd := otelcol.NewCommand(otelcol.CollectorSettings{BuildInfo: info, Factories: components})
	if err := cmd.Execute(); err != nil {
		log.Fatal(err)
	}
}
