package edits

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Traces applies edits to td in place.
func Traces(td ptrace.Traces, wire []byte) error {
	return apply(traces{td}, wire)
}

type traces struct{ td ptrace.Traces }

func (b traces) span(t target) (ptrace.Span, bool) {
	rs := b.td.ResourceSpans()
	if !inRange(t.at[0], rs.Len()) {
		return ptrace.Span{}, false
	}
	ss := rs.At(t.at[0]).ScopeSpans()
	if !inRange(t.at[1], ss.Len()) {
		return ptrace.Span{}, false
	}
	spans := ss.At(t.at[1]).Spans()
	if !inRange(t.at[2], spans.Len()) {
		return ptrace.Span{}, false
	}
	return spans.At(t.at[2]), true
}

func (b traces) attributes(t target) (pcommon.Map, bool) {
	rs := b.td.ResourceSpans()
	switch t.kind {
	case kindResource:
		if inRange(t.at[0], rs.Len()) {
			return rs.At(t.at[0]).Resource().Attributes(), true
		}
	case kindScope:
		if inRange(t.at[0], rs.Len()) {
			if ss := rs.At(t.at[0]).ScopeSpans(); inRange(t.at[1], ss.Len()) {
				return ss.At(t.at[1]).Scope().Attributes(), true
			}
		}
	case kindRecord:
		if span, ok := b.span(t); ok {
			return span.Attributes(), true
		}
	case kindEvent:
		if span, ok := b.span(t); ok && inRange(t.at[3], span.Events().Len()) {
			return span.Events().At(t.at[3]).Attributes(), true
		}
	case kindLink:
		if span, ok := b.span(t); ok && inRange(t.at[3], span.Links().Len()) {
			return span.Links().At(t.at[3]).Attributes(), true
		}
	}
	return pcommon.Map{}, false
}

func (traces) body(target) (pcommon.Value, bool) { return pcommon.Value{}, false }

func (b traces) droppable(t target) bool {
	if t.kind != kindRecord && t.kind != kindEvent && t.kind != kindLink {
		return false
	}
	_, ok := b.attributes(t)
	return ok
}

func (b traces) drop(drops map[target]struct{}) {
	dropped := func(t target) bool { _, ok := drops[t]; return ok }
	resources := b.td.ResourceSpans()
	removeIndexed(resources.Len(), resources.RemoveIf, func(r int, rs ptrace.ResourceSpans) bool {
		scopes := rs.ScopeSpans()
		return removeIndexed(scopes.Len(), scopes.RemoveIf, func(s int, ss ptrace.ScopeSpans) bool {
			spans := ss.Spans()
			return removeIndexed(spans.Len(), spans.RemoveIf, func(i int, span ptrace.Span) bool {
				if dropped(target{kind: kindRecord, at: [5]int{r, s, i}}) {
					return true
				}
				removeIndexed(span.Events().Len(), span.Events().RemoveIf, func(e int, _ ptrace.SpanEvent) bool {
					return dropped(target{kind: kindEvent, at: [5]int{r, s, i, e}})
				})
				removeIndexed(span.Links().Len(), span.Links().RemoveIf, func(l int, _ ptrace.SpanLink) bool {
					return dropped(target{kind: kindLink, at: [5]int{r, s, i, l}})
				})
				return false
			})
		})
	})
}
