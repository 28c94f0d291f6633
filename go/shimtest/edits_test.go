package shimtest

import (
	"context"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	otelbridge "github.com/otelbridge/otelbridge/go"
)

// The probe's edit-everywhere action uses every kind of edit on every kind of target; with
// edit-everywhere-resolved it applies the same edits in Rust (the SDK's Outcome::resolve) and
// returns the whole batch. Go's in-place application must give exactly that batch.

func TestEditsAppliedByGoMatchTheSDKsForTraces(t *testing.T) {
	edited, resolved := new(consumertest.TracesSink), new(consumertest.TracesSink)
	run := func(action string, sink *consumertest.TracesSink) {
		p, _ := startedProbeFeeding(t, action, map[string]any{"action": action}, sink)
		if err := p.ConsumeTraces(context.Background(), richTraces()); err != nil {
			t.Fatal(err)
		}
	}
	run("edit-everywhere", edited)
	run("edit-everywhere-resolved", resolved)
	var m ptrace.JSONMarshaler
	got, _ := m.MarshalTraces(edited.AllTraces()[0])
	want, _ := m.MarshalTraces(resolved.AllTraces()[0])
	if string(got) != string(want) {
		t.Fatalf("Go's edits differ from the SDK's:\n got %s\nwant %s", got, want)
	}
	if n := edited.AllTraces()[0].SpanCount(); n != 6 {
		t.Fatalf("%d spans left, want 6 of 12 (indices 0 and 3 of each scope dropped)", n)
	}
}

func TestEditsAppliedByGoMatchTheSDKsForMetricsAndLogs(t *testing.T) {
	factory := otelbridge.NewProcessorFactory("probe")
	results := map[string][2]string{}
	for _, action := range []string{"edit-everywhere", "edit-everywhere-resolved"} {
		metricsSink, logsSink := new(consumertest.MetricsSink), new(consumertest.LogsSink)
		mp, lp := startedMetricsAndLogsProbes(t, factory, action, metricsSink, logsSink)
		if err := mp.ConsumeMetrics(context.Background(), richMetrics()); err != nil {
			t.Fatal(err)
		}
		if err := lp.ConsumeLogs(context.Background(), richLogs()); err != nil {
			t.Fatal(err)
		}
		var mm pmetric.JSONMarshaler
		var lm plog.JSONMarshaler
		metricsJSON, _ := mm.MarshalMetrics(metricsSink.AllMetrics()[0])
		logsJSON, _ := lm.MarshalLogs(logsSink.AllLogs()[0])
		results[action] = [2]string{string(metricsJSON), string(logsJSON)}
	}
	got, want := results["edit-everywhere"], results["edit-everywhere-resolved"]
	if got[0] != want[0] {
		t.Fatalf("metrics: Go's edits differ from the SDK's:\n got %s\nwant %s", got[0], want[0])
	}
	if got[1] != want[1] {
		t.Fatalf("logs: Go's edits differ from the SDK's:\n got %s\nwant %s", got[1], want[1])
	}
}

func TestEditsThatDropEverythingDropTheBatch(t *testing.T) {
	p, sink, _ := startedProbe(t, "edit-all", map[string]any{"action": "edit-everywhere"})
	td := ptrace.NewTraces()
	// One span at index 0 of its scope: edit-everywhere drops it, then its scope and resource.
	td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().SetName("only")
	if err := p.ConsumeTraces(context.Background(), td); err != nil {
		t.Fatalf("dropping every span is a success: %v", err)
	}
	if n := len(sink.AllTraces()); n != 0 {
		t.Fatalf("%d batches reached the next consumer", n)
	}
}

func TestEditsBeyondTheBatchAreAPermanentErrorAndChangeNothing(t *testing.T) {
	p, sink, _ := startedProbe(t, "buggy", map[string]any{"action": "edit-out-of-range"})
	in := spans(2)
	err := p.ConsumeTraces(context.Background(), in)
	if err == nil || !consumererror.IsPermanent(err) {
		t.Fatalf("error = %v, want a permanent error", err)
	}
	for _, want := range []string{"probe/buggy", "edit 1 addresses resource 999, which the batch does not have"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q does not say %q", err, want)
		}
	}
	if _, ok := in.ResourceSpans().At(0).Resource().Attributes().Get("probe.seen"); ok {
		t.Fatal("the valid edit before the bad one was applied")
	}
	if n := len(sink.AllTraces()); n != 0 {
		t.Fatalf("%d batches went on", n)
	}
}

func TestEditedBatchesCarryRustsChanges(t *testing.T) {
	p, sink, _ := startedProbe(t, "edit", map[string]any{"action": "edit"})
	in := spans(4)
	if err := p.ConsumeTraces(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	attrs := sink.AllTraces()[0].ResourceSpans().At(0).Resource().Attributes()
	if v, ok := attrs.Get("probe.seen"); !ok || v.Str() != "true" || attrs.Len() != 2 {
		t.Fatalf("resource attributes = %v, want service.name and probe.seen=true", attrs.AsRaw())
	}
	if sink.SpanCount() != 4 {
		t.Fatalf("span count = %d", sink.SpanCount())
	}
}

// richTraces has two resources, one with an empty scope, spans with attributes, events and links.
func richTraces() ptrace.Traces {
	td := ptrace.NewTraces()
	for r := range 2 {
		rs := td.ResourceSpans().AppendEmpty()
		rs.Resource().Attributes().PutStr("service.name", "svc")
		for s := range 2 {
			ss := rs.ScopeSpans().AppendEmpty()
			ss.Scope().SetName("scope")
			if r == 1 && s == 1 {
				continue // stays empty: drops must not remove it
			}
			for i := range 4 {
				span := ss.Spans().AppendEmpty()
				span.SetName("op")
				span.SetSpanID([8]byte{byte(r), byte(s), byte(i)})
				span.Attributes().PutStr("first", "x")
				span.Attributes().PutInt("second", int64(i))
				span.Attributes().PutStr("third", "z")
				for range 2 {
					span.Events().AppendEmpty().Attributes().PutStr("e", "v")
				}
				span.Links().AppendEmpty().Attributes().PutStr("l", "v")
			}
		}
	}
	return td
}

// richMetrics has every metric type, with exemplars where the type has them.
func richMetrics() pmetric.Metrics {
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	attrs := func(m pcommon.Map, p int) { m.PutStr("host", "a"); m.PutInt("p", int64(p)) }
	for i := range 8 {
		m := ms.AppendEmpty()
		m.SetName("m")
		m.Metadata().PutStr("meta", "x")
		for p := range 3 {
			switch i % 5 {
			case 0:
				dp := m.SetEmptyGauge().DataPoints()
				if p > 0 {
					dp = m.Gauge().DataPoints()
				}
				pt := dp.AppendEmpty()
				attrs(pt.Attributes(), p)
				pt.Exemplars().AppendEmpty().FilteredAttributes().PutStr("x", "y")
			case 1:
				if p == 0 {
					m.SetEmptySum()
				}
				pt := m.Sum().DataPoints().AppendEmpty()
				attrs(pt.Attributes(), p)
				pt.Exemplars().AppendEmpty()
			case 2:
				if p == 0 {
					m.SetEmptyHistogram()
				}
				attrs(m.Histogram().DataPoints().AppendEmpty().Attributes(), p)
			case 3:
				if p == 0 {
					m.SetEmptyExponentialHistogram()
				}
				attrs(m.ExponentialHistogram().DataPoints().AppendEmpty().Attributes(), p)
			case 4:
				if p == 0 {
					m.SetEmptySummary()
				}
				attrs(m.Summary().DataPoints().AppendEmpty().Attributes(), p)
			}
		}
	}
	return md
}

// richLogs has records with attributes and bodies in two scopes.
func richLogs() plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	for range 2 {
		records := rl.ScopeLogs().AppendEmpty().LogRecords()
		for i := range 5 {
			lr := records.AppendEmpty()
			lr.Body().SetStr("hello")
			lr.Attributes().PutStr("first", "x")
			lr.Attributes().PutInt("n", int64(i))
		}
	}
	return ld
}
