package shimtest

import (
	"context"
	"testing"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// A Rust pass-through processor on a batch of 1,000 spans (marshal, cross, "unchanged"), against
// Go's own marshal + unmarshal of the same batch: the floor of any design that crosses as bytes.
func BenchmarkPassThrough1000Spans(b *testing.B) {
	p, _ := startedProbeFeeding(b, "bench", nil, consumertest.NewNop())
	td := spans(1000)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := p.ConsumeTraces(ctx, td); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGoMarshalUnmarshal1000Spans(b *testing.B) {
	td := spans(1000)
	var marshaler ptrace.ProtoMarshaler
	var unmarshaler ptrace.ProtoUnmarshaler
	b.ReportAllocs()
	for b.Loop() {
		buf, err := marshaler.MarshalTraces(td)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := unmarshaler.UnmarshalTraces(buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGoMarshal1000Spans(b *testing.B) {
	td := spans(1000)
	var marshaler ptrace.ProtoMarshaler
	b.ReportAllocs()
	for b.Loop() {
		if _, err := marshaler.MarshalTraces(td); err != nil {
			b.Fatal(err)
		}
	}
}
