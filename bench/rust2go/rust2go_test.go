package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelbridge/otelbridge/bench/internal/batches"
	"github.com/otelbridge/otelbridge/go/bridge"
)

// TestMain refuses to run with cgo's pointer checks on: the code rust2go-cli generates for a
// `#[cgo_call]` function with arguments passes C an array of Go pointers to Go memory, which cgo's
// default check (GODEBUG cgocheck=1) rejects with a panic. run.sh sets cgocheck=0 for the whole
// process, so that both mechanisms run under the same setting.
func TestMain(m *testing.M) {
	if !cgocheckOff(os.Getenv("GODEBUG")) {
		fmt.Fprintln(os.Stderr, "bench/rust2go: run with GODEBUG=cgocheck=0 (as run.sh does): "+
			"rust2go's cgo calls pass C Go pointers to Go pointers")
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// cgocheckOff reports whether godebug turns cgo's pointer checks off (the last setting wins).
func cgocheckOff(godebug string) bool {
	off := false
	for setting := range strings.SplitSeq(godebug, ",") {
		if value, ok := strings.CutPrefix(strings.TrimSpace(setting), "cgocheck="); ok {
			off = value == "0"
		}
	}
	return off
}

// The batch of the traces cases, in spans: the size the suite's targets are set at.
const spans = 1000

// The outcomes rust2go's side answers with (peer.rs).
const (
	rust2goUnchanged = 0
	rust2goReplaced  = 1
)

// BenchmarkRust2go measures the same calls through otelbridge's ABI and through rust2go, in one
// process (BenchmarkRust2go/<case>/<mechanism>):
//
//   - empty: an empty Rust function (otelbridge_v1_nop; rust2go's nop) against an empty cgo call;
//   - traces-1000/unchanged: the batch's bytes to Rust, "unchanged" back (the probe's pass);
//     rust2go-unread is rust2go's call of a function that never reads its argument, which lets
//     the optimizer delete the copy rust2go makes of it;
//   - traces-1000/rewrite: Rust decodes with prost, adds the resource attribute probe.seen=true,
//     encodes, and Go unmarshals the bytes it gets back (the probe's rewrite); go-unmarshal, Go's
//     unmarshal of those bytes alone, is the part both mechanisms share.
//
// The batch is marshalled once, outside the loops: what is measured is the call, the Rust work
// and, for rewrite, Go's unmarshal of the result. The ABI side calls the test library's probe
// processor through go/bridge (no processorhelper, no metrics); rust2go's side runs the same
// Rust work (rust/src/lib.rs) behind rust2go's generated code (gen.go).
func BenchmarkRust2go(b *testing.B) {
	b.Run("empty", func(b *testing.B) {
		b.Run("raw-cgo", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rawCgoNop()
			}
		})
		b.Run("abi", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bridge.Nop()
			}
		})
		b.Run("rust2go", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				G2RPeerImpl{}.nop()
			}
		})
	})

	data := tracesBytes(b)
	pass := newProbe(b, "pass")
	rewrite := newProbe(b, "rewrite")
	ctx := context.Background()
	var u ptrace.ProtoUnmarshaler
	b.Run("traces-1000", func(b *testing.B) {
		b.Run("unchanged", func(b *testing.B) {
			b.Run("abi", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					res, err := pass.Consume(ctx, bridge.SignalTraces, data)
					if err != nil {
						b.Fatal(err)
					}
					if res.Outcome != bridge.OutcomeUnchanged {
						b.Fatalf("outcome %d, want unchanged", res.Outcome)
					}
					res.Free()
				}
			})
			b.Run("rust2go", func(b *testing.B) {
				request := TracesRequest{data: data}
				b.ReportAllocs()
				for b.Loop() {
					if resp := (G2RPeerImpl{}).pass(&request); resp.outcome != rust2goUnchanged {
						b.Fatalf("outcome %d (%s), want unchanged", resp.outcome, resp.error)
					}
				}
			})
			b.Run("rust2go-unread", func(b *testing.B) {
				request := TracesRequest{data: data}
				b.ReportAllocs()
				for b.Loop() {
					if resp := (G2RPeerImpl{}).pass_unread(&request); resp.outcome != rust2goUnchanged {
						b.Fatalf("outcome %d (%s), want unchanged", resp.outcome, resp.error)
					}
				}
			})
		})
		b.Run("rewrite", func(b *testing.B) {
			b.Run("go-unmarshal", func(b *testing.B) {
				rewritten := rust2goRewrite(b, data)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := u.UnmarshalTraces(rewritten); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("abi", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := abiRewrite(ctx, rewrite, data); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("rust2go", func(b *testing.B) {
				request := TracesRequest{data: data}
				b.ReportAllocs()
				for b.Loop() {
					resp := G2RPeerImpl{}.rewrite(&request)
					if resp.outcome != rust2goReplaced {
						b.Fatalf("outcome %d (%s), want replaced", resp.outcome, resp.error)
					}
					if _, err := u.UnmarshalTraces(resp.data); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	})
}

// Both mechanisms do the same thing: pass answers "unchanged", and rewrite returns the very same
// bytes, which differ from the batch only by the added attribute.
func TestRust2goAgreesWithABI(t *testing.T) {
	data := tracesBytes(t)
	ctx := context.Background()

	res, err := newProbe(t, "pass").Consume(ctx, bridge.SignalTraces, data)
	if err != nil {
		t.Fatal(err)
	}
	res.Free()
	if res.Outcome != bridge.OutcomeUnchanged {
		t.Errorf("ABI pass: outcome %d, want unchanged", res.Outcome)
	}
	for name, pass := range map[string]func(*TracesRequest) TracesResponse{
		"pass": G2RPeerImpl{}.pass, "pass_unread": G2RPeerImpl{}.pass_unread,
	} {
		if resp := pass(&TracesRequest{data: data}); resp.outcome != rust2goUnchanged || len(resp.data) != 0 {
			t.Errorf("rust2go %s: outcome %d with %d bytes, want unchanged without bytes", name, resp.outcome, len(resp.data))
		}
	}

	res, err = newProbe(t, "rewrite").Consume(ctx, bridge.SignalTraces, data)
	if err != nil {
		t.Fatal(err)
	}
	viaABI := bytes.Clone(res.Bytes())
	res.Free()
	viaRust2go := rust2goRewrite(t, data)
	if !bytes.Equal(viaABI, viaRust2go) {
		t.Fatalf("the rewrites differ: %d bytes through the ABI, %d through rust2go", len(viaABI), len(viaRust2go))
	}

	// The rewrite is Go's own change of the batch: probe.seen=true on every resource.
	want := batches.Traces(spans)
	for _, rs := range want.ResourceSpans().All() {
		rs.Resource().Attributes().PutStr("probe.seen", "true")
	}
	got, err := (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(viaRust2go)
	if err != nil {
		t.Fatal(err)
	}
	wantBytes, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(want)
	if err != nil {
		t.Fatal(err)
	}
	gotBytes, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gotBytes, wantBytes) {
		t.Error("the rewrite is not the batch with probe.seen=true on every resource")
	}
}

// tracesBytes is the suite's batch of 1,000 spans as Go's ProtoMarshaler encodes it.
func tracesBytes(tb testing.TB) []byte {
	tb.Helper()
	data, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(batches.Traces(spans))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// newProbe creates and starts the test library's probe processor with action, shut down when the
// test ends. Its sink has no meter: the bridge records no metrics of its own, and the probe's
// counter is a no-op, so the Rust side does what rust2go's side does.
func newProbe(tb testing.TB, action string) *bridge.Instance {
	tb.Helper()
	lib, err := bridge.Open()
	if err != nil {
		tb.Fatal(err)
	}
	probe := lib.Find(bridge.KindProcessor, "probe")
	if probe == nil {
		tb.Fatal("the test library has no probe processor")
	}
	inst, err := probe.NewInstance("probe/"+action, []byte(`{"action":"`+action+`"}`), bridge.Sink{})
	if err != nil {
		tb.Fatal(err)
	}
	if err := inst.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := inst.Shutdown(context.Background()); err != nil {
			tb.Error(err)
		}
	})
	return inst
}

// abiRewrite runs the probe's rewrite through the ABI and unmarshals the result, reading it in
// Rust memory, as the otelbridge processor does.
func abiRewrite(ctx context.Context, probe *bridge.Instance, data []byte) (ptrace.Traces, error) {
	res, err := probe.Consume(ctx, bridge.SignalTraces, data)
	if err != nil {
		return ptrace.Traces{}, err
	}
	defer res.Free()
	if res.Outcome != bridge.OutcomeReplaced {
		return ptrace.Traces{}, fmt.Errorf("the probe answered outcome %d, want replaced", res.Outcome)
	}
	return (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(res.Bytes())
}

// rust2goRewrite runs the rewrite through rust2go and returns the bytes it gives back.
func rust2goRewrite(tb testing.TB, data []byte) []byte {
	tb.Helper()
	resp := G2RPeerImpl{}.rewrite(&TracesRequest{data: data})
	if resp.outcome != rust2goReplaced {
		tb.Fatalf("rust2go rewrite: outcome %d (%s), want replaced", resp.outcome, resp.error)
	}
	return resp.data
}
