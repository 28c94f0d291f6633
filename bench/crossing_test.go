package bench

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.opentelemetry.io/collector/processor/processortest"

	otelbridge "github.com/otelbridge/otelbridge/go"
)

// The sizes of the crossing benchmarks, in records (spans, data points, log records).
var crossingSizes = []int{1, 10, 100, 1000, 10000}

// BenchmarkCrossing measures one batch through a Rust processor, each figure with its Go
// baseline, for every signal and size (BenchmarkCrossing/<signal>/<size>/<variant>):
//
//   - go-marshal: Go's ProtoMarshaler alone, the baseline of rust-unchanged;
//   - rust-unchanged: the processorhelper path through the Rust probe with action pass (marshal,
//     cross, "unchanged", the original batch passed on);
//   - go-marshal-unmarshal: Go's marshal + unmarshal, the floor of any design that crosses as
//     bytes and the baseline of rust-rewrite;
//   - rust-rewrite: the probe with action rewrite (marshal, cross, Rust decode, add the resource
//     attribute probe.seen=true, encode, Go unmarshal of the result);
//   - rust-edit: the probe with action edit, the same change sent back as edits (the batch read
//     through a view, nothing decoded; Go applies the edits to its own batch). It mutates its
//     input, so it copies the batch first as go-pdata-change does (subtract go-copy);
//   - go-pdata-change: a Go processorhelper processor making the same change on the pdata, the
//     Go peer of rust-rewrite; it mutates its input, so each iteration first copies the batch
//     into a destination reused from one iteration to the next (CopyTo), which is included here;
//   - go-copy: that CopyTo alone, to subtract from go-pdata-change.
//
// The next consumer is consumertest.NewNop; one processor per signal and variant, started once.
func BenchmarkCrossing(b *testing.B) {
	b.Run("traces", func(b *testing.B) { benchCrossing(b, tracesSignal) })
	b.Run("metrics", func(b *testing.B) { benchCrossing(b, metricsSignal) })
	b.Run("logs", func(b *testing.B) { benchCrossing(b, logsSignal) })
}

// signal is what the crossing benchmarks need of one signal's pdata and processors.
type signal[T any] struct {
	batch     func(n int) T
	empty     func() T
	copyTo    func(src, dst T)
	marshal   func(T) ([]byte, error)
	unmarshal func([]byte) (T, error)
	// rust creates and starts a probe processor with action; change a Go processor that puts
	// probe.seen=true on every resource. Both return the processor's consume function.
	rust   func(tb testing.TB, action string, next any) func(context.Context, T) error
	change func(tb testing.TB, next any) func(context.Context, T) error
}

func benchCrossing[T any](b *testing.B, s signal[T]) {
	nop := consumertest.NewNop()
	unchanged := s.rust(b, "pass", nop)
	rewrite := s.rust(b, "rewrite", nop)
	edit := s.rust(b, "edit", nop)
	change := s.change(b, nop)
	ctx := context.Background()
	for _, n := range crossingSizes {
		batch := s.batch(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.Run("go-marshal", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.marshal(batch); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("rust-unchanged", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := unchanged(ctx, batch); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("go-marshal-unmarshal", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					buf, err := s.marshal(batch)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := s.unmarshal(buf); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("rust-rewrite", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := rewrite(ctx, batch); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("rust-edit", func(b *testing.B) {
				work := s.empty()
				s.copyTo(batch, work)
				b.ReportAllocs()
				for b.Loop() {
					s.copyTo(batch, work)
					if err := edit(ctx, work); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("go-pdata-change", func(b *testing.B) {
				work := s.empty()
				s.copyTo(batch, work) // the first copy allocates the whole tree; the loop reuses it
				b.ReportAllocs()
				for b.Loop() {
					s.copyTo(batch, work)
					if err := change(ctx, work); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("go-copy", func(b *testing.B) {
				work := s.empty()
				s.copyTo(batch, work)
				b.ReportAllocs()
				for b.Loop() {
					s.copyTo(batch, work)
				}
			})
		})
	}
}

// The probe's change, made by a Go processor: the resource attribute probe.seen=true.
const seenKey, seenValue = "probe.seen", "true"

var goChangeType = component.MustNewType("gochange")

// newProbe returns the probe's factory, settings and config with action.
func newProbe(tb testing.TB, action string) (processor.Factory, processor.Settings, component.Config) {
	tb.Helper()
	factory := otelbridge.NewProcessorFactory("probe")
	cfg := factory.CreateDefaultConfig().(*otelbridge.Config)
	if err := cfg.Unmarshal(confmap.NewFromStringMap(map[string]any{"action": action})); err != nil {
		tb.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		tb.Fatal(err)
	}
	set := processortest.NewNopSettings(factory.Type())
	set.ID = component.MustNewIDWithName("probe", action)
	return factory, set, cfg
}

// mutates is the Go peer's capability: it changes the batch in place.
var mutates = processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: true})

var tracesSignal = signal[ptrace.Traces]{
	batch:     traces,
	empty:     ptrace.NewTraces,
	copyTo:    ptrace.Traces.CopyTo,
	marshal:   (&ptrace.ProtoMarshaler{}).MarshalTraces,
	unmarshal: (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces,
	rust: func(tb testing.TB, action string, next any) func(context.Context, ptrace.Traces) error {
		factory, set, cfg := newProbe(tb, action)
		p, err := factory.CreateTraces(context.Background(), set, cfg, next.(consumer.Traces))
		if err != nil {
			tb.Fatal(err)
		}
		started(tb, p)
		return p.ConsumeTraces
	},
	change: func(tb testing.TB, next any) func(context.Context, ptrace.Traces) error {
		p, err := processorhelper.NewTraces(context.Background(), processortest.NewNopSettings(goChangeType), &struct{}{},
			next.(consumer.Traces), func(_ context.Context, td ptrace.Traces) (ptrace.Traces, error) {
				rss := td.ResourceSpans()
				for i := range rss.Len() {
					rss.At(i).Resource().Attributes().PutStr(seenKey, seenValue)
				}
				return td, nil
			}, mutates)
		if err != nil {
			tb.Fatal(err)
		}
		started(tb, p)
		return p.ConsumeTraces
	},
}

var metricsSignal = signal[pmetric.Metrics]{
	batch:     metrics,
	empty:     pmetric.NewMetrics,
	copyTo:    pmetric.Metrics.CopyTo,
	marshal:   (&pmetric.ProtoMarshaler{}).MarshalMetrics,
	unmarshal: (&pmetric.ProtoUnmarshaler{}).UnmarshalMetrics,
	rust: func(tb testing.TB, action string, next any) func(context.Context, pmetric.Metrics) error {
		factory, set, cfg := newProbe(tb, action)
		p, err := factory.CreateMetrics(context.Background(), set, cfg, next.(consumer.Metrics))
		if err != nil {
			tb.Fatal(err)
		}
		started(tb, p)
		return p.ConsumeMetrics
	},
	change: func(tb testing.TB, next any) func(context.Context, pmetric.Metrics) error {
		p, err := processorhelper.NewMetrics(context.Background(), processortest.NewNopSettings(goChangeType), &struct{}{},
			next.(consumer.Metrics), func(_ context.Context, md pmetric.Metrics) (pmetric.Metrics, error) {
				rms := md.ResourceMetrics()
				for i := range rms.Len() {
					rms.At(i).Resource().Attributes().PutStr(seenKey, seenValue)
				}
				return md, nil
			}, mutates)
		if err != nil {
			tb.Fatal(err)
		}
		started(tb, p)
		return p.ConsumeMetrics
	},
}

var logsSignal = signal[plog.Logs]{
	batch:     logs,
	empty:     plog.NewLogs,
	copyTo:    plog.Logs.CopyTo,
	marshal:   (&plog.ProtoMarshaler{}).MarshalLogs,
	unmarshal: (&plog.ProtoUnmarshaler{}).UnmarshalLogs,
	rust: func(tb testing.TB, action string, next any) func(context.Context, plog.Logs) error {
		factory, set, cfg := newProbe(tb, action)
		p, err := factory.CreateLogs(context.Background(), set, cfg, next.(consumer.Logs))
		if err != nil {
			tb.Fatal(err)
		}
		started(tb, p)
		return p.ConsumeLogs
	},
	change: func(tb testing.TB, next any) func(context.Context, plog.Logs) error {
		p, err := processorhelper.NewLogs(context.Background(), processortest.NewNopSettings(goChangeType), &struct{}{},
			next.(consumer.Logs), func(_ context.Context, ld plog.Logs) (plog.Logs, error) {
				rls := ld.ResourceLogs()
				for i := range rls.Len() {
					rls.At(i).Resource().Attributes().PutStr(seenKey, seenValue)
				}
				return ld, nil
			}, mutates)
		if err != nil {
			tb.Fatal(err)
		}
		started(tb, p)
		return p.ConsumeLogs
	},
}

// The benchmarked variants do what they claim: rust-unchanged passes the batch on as it came,
// rust-rewrite and go-pdata-change make the same change (compared as Go's encoding of the batch
// the next consumer receives).
func TestCrossingVariantsAgree(t *testing.T) {
	t.Run("traces", func(t *testing.T) {
		var pass, rewrite, change consumertest.TracesSink
		checkVariantsAgree(t, tracesSignal, &pass, &rewrite, &change, func(sink any) ptrace.Traces {
			all := sink.(*consumertest.TracesSink).AllTraces()
			if len(all) != 1 {
				t.Fatalf("next consumer got %d batches, want 1", len(all))
			}
			return all[0]
		})
	})
	t.Run("metrics", func(t *testing.T) {
		var pass, rewrite, change consumertest.MetricsSink
		checkVariantsAgree(t, metricsSignal, &pass, &rewrite, &change, func(sink any) pmetric.Metrics {
			all := sink.(*consumertest.MetricsSink).AllMetrics()
			if len(all) != 1 {
				t.Fatalf("next consumer got %d batches, want 1", len(all))
			}
			return all[0]
		})
	})
	t.Run("logs", func(t *testing.T) {
		var pass, rewrite, change consumertest.LogsSink
		checkVariantsAgree(t, logsSignal, &pass, &rewrite, &change, func(sink any) plog.Logs {
			all := sink.(*consumertest.LogsSink).AllLogs()
			if len(all) != 1 {
				t.Fatalf("next consumer got %d batches, want 1", len(all))
			}
			return all[0]
		})
	})
}

func checkVariantsAgree[T any](t *testing.T, s signal[T], passSink, rewriteSink, changeSink any, got func(any) T) {
	encode := func(data T) []byte {
		t.Helper()
		buf, err := s.marshal(data)
		if err != nil {
			t.Fatal(err)
		}
		return buf
	}
	ctx := context.Background()
	const n = 1000
	original := encode(s.batch(n))
	if err := s.rust(t, "pass", passSink)(ctx, s.batch(n)); err != nil {
		t.Fatal(err)
	}
	if err := s.rust(t, "rewrite", rewriteSink)(ctx, s.batch(n)); err != nil {
		t.Fatal(err)
	}
	if err := s.change(t, changeSink)(ctx, s.batch(n)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(encode(got(passSink)), original) {
		t.Error("rust-unchanged changed the batch")
	}
	changed := encode(got(changeSink))
	if bytes.Equal(changed, original) {
		t.Error("go-pdata-change left the batch as it was")
	}
	if !bytes.Equal(encode(got(rewriteSink)), changed) {
		t.Error("rust-rewrite and go-pdata-change made different changes")
	}
}
