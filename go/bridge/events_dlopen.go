//go:build !cgo && !otelbridge_subprocess

package bridge

import "unsafe"

// Without cgo, Rust's threads never call into Go. purego can run Go callbacks on foreign threads,
// but each such call attaches and detaches the thread (2–3 µs, serialized), freezes a tokio
// worker while Go has no free P (up to 190 ms measured), and rests on runtime internals that new
// Go releases have broken (ffi/README.md, "Hosts without cgo"). So the library queues what it
// would have called back, and one goroutine takes the events in order, many per crossing, while
// it waits in Rust (a blocking call: it holds a thread, not a P).

// eventBatch is how many events one crossing takes at most.
const eventBatch = 64

// startEventPoller starts the goroutine that drains the library's events, once, after the
// handshake. It runs for the life of the process, as the library does.
func startEventPoller() {
	telemetry = newTelemetryTasks(1 << 16)
	go pollEvents()
}

func pollEvents() {
	events := make([]otbEvent, eventBatch)
	forever := int64(-1)
	for {
		var count uintptr
		code := status32(call(fn.eventsNext, uintptr(forever), uintptr(unsafe.Pointer(&events[0])), eventBatch,
			uintptr(unsafe.Pointer(&count))))
		if code == eventsClosed {
			return
		}
		for i := range events[:count] {
			handleEvent(&events[i])
		}
		if count > 0 {
			call(fn.eventsFree, uintptr(unsafe.Pointer(&events[0])), count)
		}
	}
}
