package edits

import (
	"fmt"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// batch is how edits reach one signal's data.
type batch interface {
	// attributes returns the attribute map at t, if the batch has t.
	attributes(t target) (pcommon.Map, bool)
	// body returns the body at t (log records only).
	body(t target) (pcommon.Value, bool)
	// droppable says whether t exists and is a kind this signal drops.
	droppable(t target) bool
	// drop removes the targets in drops, then the containers that emptied.
	drop(drops map[target]struct{})
}

// apply checks every edit against b, then applies them in order, drops last. Nothing changes if
// any edit is malformed or addresses something b lacks.
func apply(b batch, wire []byte) error {
	edits, err := parse(wire)
	if err != nil {
		return err
	}
	var drops map[target]struct{}
	for n := range edits {
		e := &edits[n]
		var ok bool
		switch e.op {
		case opSet, opRemove:
			_, ok = b.attributes(e.at)
		case opSetBody:
			_, ok = b.body(e.at)
		case opDrop:
			if ok = b.droppable(e.at); ok {
				if drops == nil {
					drops = make(map[target]struct{})
				}
				drops[e.at] = struct{}{}
			}
		}
		if !ok {
			return fmt.Errorf("edit %d addresses %v, which the batch does not have", n, e.at)
		}
	}
	for n := range edits {
		e := &edits[n]
		switch e.op {
		case opSet:
			m, _ := b.attributes(e.at)
			e.setValue(m.PutEmpty(existingKey(m, string(e.key))))
		case opRemove:
			m, _ := b.attributes(e.at)
			m.Remove(existingKey(m, string(e.key)))
		case opSetBody:
			v, _ := b.body(e.at)
			e.setValue(v)
		}
	}
	if drops != nil {
		b.drop(drops)
	}
	return nil
}

// inRange says whether i indexes a slice of length n.
func inRange(i, n int) bool { return i >= 0 && i < n }

// removeIndexed removes the items of a pdata slice that drop accepts, given each item's index
// before any removal, through the slice's own RemoveIf; it reports whether that emptied a
// non-empty slice.
func removeIndexed[T any](length int, removeIf func(func(T) bool), drop func(int, T) bool) bool {
	if length == 0 {
		return false
	}
	i := -1
	removed := 0
	removeIf(func(item T) bool {
		i++
		if drop(i, item) {
			removed++
			return true
		}
		return false
	})
	return removed == length
}
