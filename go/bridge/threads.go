package bridge

import (
	"context"
	"runtime"
)

// A call into Rust polls the component's future on the calling goroutine's thread, and a
// goroutine inside a cgo call holds its OS thread: Go starts another thread for every other
// goroutine that wants to run meanwhile. Unbounded, a burst of large batches pinned hundreds of
// threads that Go never returns (and it kills the process at 10,000). So at most workSlots
// calls poll in Rust at once; the others wait as parked goroutines, which cost no thread.
// Work that goes on after the first poll runs on the Rust runtime's own threads.
var workSlots = make(chan struct{}, WorkSlotsPerProc*runtime.GOMAXPROCS(0))

// WorkSlotsPerProc is how many calls per GOMAXPROCS may poll in Rust at once: more than one, so
// a component that blocks its thread briefly does not stall the others, few enough to bound
// the threads.
const WorkSlotsPerProc = 4

// enterRust takes a work slot, or gives up when ctx ends first.
func enterRust(ctx context.Context) error {
	select {
	case workSlots <- struct{}{}:
		return nil
	default:
	}
	select {
	case workSlots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// leaveRust gives the slot back.
func leaveRust() { <-workSlots }
