// Command otelcol-example is an ordinary OpenTelemetry Collector whose pipelines mix Go components
// with Rust components linked through otelbridge.
package main

import (
	"log"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/envprovider"
	"go.opentelemetry.io/collector/confmap/provider/fileprovider"
	"go.opentelemetry.io/collector/confmap/provider/yamlprovider"
	"go.opentelemetry.io/collector/otelcol"
)

func main() {
	info := component.BuildInfo{
		Command:     "otelcol-example",
		Description: "OpenTelemetry Collector with Rust components (otelbridge example)",
		Version:     "0.1.0",
	}
	set := otelcol.CollectorSettings{
		BuildInfo: info,
		Factories: components,
		// Without providers, `--config file.yaml` fails with "at least one Provider must be supplied".
		ConfigProviderSettings: otelcol.ConfigProviderSettings{
			ResolverSettings: confmap.ResolverSettings{
				ProviderFactories: []confmap.ProviderFactory{
					fileprovider.NewFactory(),
					envprovider.NewFactory(),
					yamlprovider.NewFactory(),
				},
				DefaultScheme: "env",
			},
		},
	}
	cmd := otelcol.NewCommand(set)
	if err := cmd.Execute(); err != nil {
		log.Fatal(err)
	}
}
