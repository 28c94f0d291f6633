package bench

// The peers the benchmarks measure against, pinned at the contrib release of our collector.
import (
	_ "github.com/open-telemetry/opentelemetry-collector-contrib/processor/filterprocessor"
	_ "github.com/open-telemetry/opentelemetry-collector-contrib/processor/redactionprocessor"
	_ "github.com/otelbridge/otelbridge/go"
	_ "go.opentelemetry.io/collector/consumer/consumertest"
	_ "go.opentelemetry.io/collector/processor/processortest"
)
