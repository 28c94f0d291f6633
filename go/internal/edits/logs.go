package edits

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Logs applies edits to ld in place.
func Logs(ld plog.Logs, wire []byte) error {
	return apply(logs{ld}, wire)
}

type logs struct{ ld plog.Logs }

func (b logs) record(t target) (plog.LogRecord, bool) {
	rl := b.ld.ResourceLogs()
	if t.kind != kindRecord || !inRange(t.at[0], rl.Len()) {
		return plog.LogRecord{}, false
	}
	sl := rl.At(t.at[0]).ScopeLogs()
	if !inRange(t.at[1], sl.Len()) {
		return plog.LogRecord{}, false
	}
	records := sl.At(t.at[1]).LogRecords()
	if !inRange(t.at[2], records.Len()) {
		return plog.LogRecord{}, false
	}
	return records.At(t.at[2]), true
}

func (b logs) attributes(t target) (pcommon.Map, bool) {
	rl := b.ld.ResourceLogs()
	switch t.kind {
	case kindResource:
		if inRange(t.at[0], rl.Len()) {
			return rl.At(t.at[0]).Resource().Attributes(), true
		}
	case kindScope:
		if inRange(t.at[0], rl.Len()) {
			if sl := rl.At(t.at[0]).ScopeLogs(); inRange(t.at[1], sl.Len()) {
				return sl.At(t.at[1]).Scope().Attributes(), true
			}
		}
	case kindRecord:
		if record, ok := b.record(t); ok {
			return record.Attributes(), true
		}
	}
	return pcommon.Map{}, false
}

func (b logs) body(t target) (pcommon.Value, bool) {
	record, ok := b.record(t)
	if !ok {
		return pcommon.Value{}, false
	}
	return record.Body(), true
}

func (b logs) droppable(t target) bool {
	_, ok := b.record(t)
	return ok
}

func (b logs) drop(drops map[target]struct{}) {
	resources := b.ld.ResourceLogs()
	removeIndexed(resources.Len(), resources.RemoveIf, func(r int, rl plog.ResourceLogs) bool {
		scopes := rl.ScopeLogs()
		return removeIndexed(scopes.Len(), scopes.RemoveIf, func(s int, sl plog.ScopeLogs) bool {
			records := sl.LogRecords()
			return removeIndexed(records.Len(), records.RemoveIf, func(i int, _ plog.LogRecord) bool {
				_, ok := drops[target{kind: kindRecord, at: [5]int{r, s, i}}]
				return ok
			})
		})
	})
}
