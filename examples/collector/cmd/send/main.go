// Command send exports the sample traces, metrics and logs (internal/sample) once to an OTLP/gRPC
// endpoint, in plaintext:
//
//	go run ./cmd/send -endpoint 127.0.0.1:4317
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/otelbridge/otelbridge/examples/collector/internal/sample"
)

func main() {
	endpoint := flag.String("endpoint", "127.0.0.1:4317", "OTLP/gRPC endpoint (host:port)")
	timeout := flag.Duration("timeout", 10*time.Second, "give up after this long")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := sample.Send(ctx, *endpoint); err != nil {
		fmt.Fprintf(os.Stderr, "send: %v\n", err)
		os.Exit(1)
	}
	// scripts/demo.sh reads these counts.
	fmt.Printf("sent spans=%d (health checks=%d), metric data points=%d (health checks=%d), log records=%d (health checks=%d) to %s\n",
		sample.TraceSpans, sample.HealthSpans, sample.MetricPoints, sample.HealthPoints,
		sample.LogRecords, sample.HealthLogs, *endpoint)
}
