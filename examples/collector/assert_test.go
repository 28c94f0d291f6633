package main

import (
	"slices"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelbridge/otelbridge/examples/collector/internal/sample"
)

// requireCount checks the redact.count summary attribute of a resource.
func requireCount(t *testing.T, res pcommon.Resource, want int64) {
	t.Helper()
	v, ok := res.Attributes().Get("redact.count")
	switch {
	case !ok:
		t.Errorf("resource has no redact.count: %v", res.Attributes().AsRaw())
	case v.Type() != pcommon.ValueTypeInt || v.Int() != want:
		t.Errorf("redact.count = %s (%s), want %d", v.AsString(), v.Type(), want)
	}
}

// requireAttrs checks string attributes.
func requireAttrs(t *testing.T, what string, attrs pcommon.Map, want map[string]string) {
	t.Helper()
	for key, w := range want {
		v, ok := attrs.Get(key)
		if !ok {
			t.Errorf("%s: no attribute %s in %v", what, key, attrs.AsRaw())
			continue
		}
		if v.Str() != w {
			t.Errorf("%s: %s = %q, want %q", what, key, v.Str(), w)
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// keptSpanIDs returns the IDs of the spans of td that the redact processor keeps (not health
// checks).
func keptSpanIDs(td ptrace.Traces) []pcommon.SpanID {
	var ids []pcommon.SpanID
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				if route, _ := span.Attributes().Get("http.route"); route.Str() != sample.HealthRoute {
					ids = append(ids, span.SpanID())
				}
			}
		}
	}
	return ids
}

// requireDeliveredExactly checks that the sink received each span of want exactly once, and
// nothing else.
func requireDeliveredExactly(t *testing.T, sink *sink, want map[pcommon.SpanID]bool) {
	t.Helper()
	traces, _, _ := sink.received()
	got := map[pcommon.SpanID]int{}
	total := 0
	for _, td := range traces {
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, span := range ss.Spans().All() {
					got[span.SpanID()]++
					total++
				}
			}
		}
	}
	if total != len(want) {
		t.Errorf("the sink received %d spans, want exactly the %d accepted non-health spans", total, len(want))
	}
	unexpected, duplicated, lost := 0, 0, 0
	for id, n := range got {
		switch {
		case !want[id]:
			unexpected++
		case n > 1:
			duplicated++
		}
	}
	for id := range want {
		if got[id] == 0 {
			lost++
		}
	}
	if unexpected+duplicated+lost > 0 {
		t.Errorf("of %d accepted spans: %d lost, %d received more than once; %d received spans were never accepted",
			len(want), lost, duplicated, unexpected)
	}
}
