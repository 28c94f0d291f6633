package bridge

import (
	"sync"
	"sync/atomic"
)

// pendingWaiter receives the completion of a pending call.
type pendingWaiter struct {
	done chan otbResult
}

// waiters maps the numbers that cross the ABI as a pending call's waiter to the Go waiter: Go
// objects never cross, and runtime/cgo's handles do not exist without cgo.
var waiters struct {
	sync.Map // uintptr -> *pendingWaiter
	next     atomic.Uintptr
}

// registerWaiter gives w a number, never 0.
func registerWaiter(w *pendingWaiter) uintptr {
	id := waiters.next.Add(1)
	waiters.Store(id, w)
	return id
}

// takeWaiter returns the waiter numbered id and forgets it, or nil.
func takeWaiter(id uintptr) *pendingWaiter {
	w, ok := waiters.LoadAndDelete(id)
	if !ok {
		return nil
	}
	return w.(*pendingWaiter)
}

// completeWaiter hands a pending call's result to the goroutine waiting for it. It never blocks:
// it runs on a Rust runtime thread (cgo) or on the event poller (no cgo).
func completeWaiter(id uintptr, result otbResult) {
	w := takeWaiter(id)
	if w == nil {
		r := result
		freeResult(&r)
		return
	}
	w.done <- result // buffered: never blocks
}
