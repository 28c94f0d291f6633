package bench

import (
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelbridge/otelbridge/bench/internal/batches"
)

// The benchmark batches (see package batches): n spans, data points or log records.
func traces(n int) ptrace.Traces    { return batches.Traces(n) }
func metrics(n int) pmetric.Metrics { return batches.Metrics(n) }
func logs(n int) plog.Logs          { return batches.Logs(n) }
