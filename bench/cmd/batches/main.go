// Command batches writes the benchmark batches as OTLP protobuf files (<signal>-<records>.pb), so
// that criterion measures the Rust work on the very bytes the Go benchmarks send.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/otelbridge/otelbridge/bench/internal/batches"
)

func main() {
	dir := flag.String("dir", "batches", "where to write the files")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fail(err)
	}
	for _, n := range []int{1, 10, 100, 1000, 10000} {
		for signal, marshal := range map[string]func() ([]byte, error){
			"traces":  ptraceotlp.NewExportRequestFromTraces(batches.Traces(n)).MarshalProto,
			"metrics": pmetricotlp.NewExportRequestFromMetrics(batches.Metrics(n)).MarshalProto,
			"logs":    plogotlp.NewExportRequestFromLogs(batches.Logs(n)).MarshalProto,
		} {
			data, err := marshal()
			if err != nil {
				fail(err)
			}
			if err := os.WriteFile(filepath.Join(*dir, fmt.Sprintf("%s-%d.pb", signal, n)), data, 0o644); err != nil {
				fail(err)
			}
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "batches:", err)
	os.Exit(1)
}
