module github.com/otelbridge/otelbridge/bench/rust2go

go 1.26.0

require (
	github.com/ihciah/rust2go v0.0.0-00010101000000-000000000000
	github.com/otelbridge/otelbridge/bench v0.0.0
	github.com/otelbridge/otelbridge/go v0.0.0
	go.opentelemetry.io/collector/pdata v1.71.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/hashicorp/go-version v1.9.0 // indirect
	github.com/json-iterator/go v1.1.12 // indirect
	github.com/modern-go/concurrent v0.0.0-20180306012644-bacd9c7ef1dd // indirect
	github.com/modern-go/reflect2 v1.0.3-0.20250322232337-35a7c28c31ee // indirect
	go.opentelemetry.io/collector/client v1.71.0 // indirect
	go.opentelemetry.io/collector/consumer/consumererror v0.165.0 // indirect
	go.opentelemetry.io/collector/featuregate v1.71.0 // indirect
	go.opentelemetry.io/collector/pdata/pprofile v0.165.0 // indirect
	go.opentelemetry.io/otel v1.47.0 // indirect
	go.opentelemetry.io/otel/metric v1.47.0 // indirect
	go.opentelemetry.io/otel/trace v1.47.0 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	go.uber.org/zap v1.28.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260817212433-ac3dfec99bb1 // indirect
	google.golang.org/grpc v1.85.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

replace (
	// The Go module proxy refuses rust2go's Go packages (403); standin/ has the one the
	// generated code uses.
	github.com/ihciah/rust2go => ./standin
	// bench/internal/batches: the batches the rest of the suite measures.
	github.com/otelbridge/otelbridge/bench => ..
	github.com/otelbridge/otelbridge/go => ../../go
)
