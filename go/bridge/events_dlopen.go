//go:build !cgo

package bridge

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

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

// handleEvent does what the matching callback of a cgo build does (callbacks.go). Completions
// and batches are handled here, at once; what runs the collector's own code (loggers, status
// reporters, meters) goes to the telemetry goroutine, in order, so that a logger or reporter
// that blocks holds up no call. (With cgo it holds up only the thread that logged.)
func handleEvent(e *otbEvent) {
	defer func() {
		if r := recover(); r != nil {
			defaultLogger().Error(fmt.Sprintf("otelbridge: handling an event of the Rust library panicked: %v", r))
		}
	}()
	switch e.kind {
	case eventComplete:
		completeWaiter(uintptr(e.handle), e.result)
	case eventConsume:
		// The batch is the goroutine's now: Rust must not free it with the event.
		batch := e.data
		e.data = otbBuf{}
		records := append([]byte(nil), e.text.bytes()...)
		go deliver(e.handle, Signal(e.code), e.deadlineUnixNano, records, batch, e.id)
	case eventLog:
		// The event's buffers are freed once the batch is handled: the task keeps copies.
		sink, level, message, fields := e.handle, e.code, string(e.text.bytes()), append([]byte(nil), e.data.bytes()...)
		telemetry.add(true, func() { writeLog(sink, level, message, fields) })
	case eventRecord:
		id, value, attributes := e.id, e.value, append([]byte(nil), e.data.bytes()...)
		telemetry.add(true, func() { recordMeasurement(id, value, attributes) })
	case eventStatus:
		sink, code, message := e.handle, StatusCode(e.code), string(e.text.bytes())
		telemetry.add(false, func() { reportStatus(sink, code, message) })
	case eventInstrument:
		name, rest, _ := cutString(e.text.bytes())
		description, rest, _ := cutString(rest)
		unit, _, _ := cutString(rest)
		id, sink, kind := e.id, e.handle, InstrumentKind(e.code)
		telemetry.add(false, func() { createInstrument(id, sink, kind, name, description, unit) })
	case eventMark:
		// Behind every log event and status report queued before it.
		mark := e.handle
		telemetry.add(false, func() {
			if done, ok := marks.LoadAndDelete(mark); ok {
				close(done.(chan struct{}))
			}
		})
	}
}

// marks are the channels awaitEvents waits on, by mark number.
var (
	marks    sync.Map // uint64 -> chan struct{}
	nextMark atomic.Uint64
)

// awaitEventsLimit bounds how long awaitEvents waits for a poller held up (by a slow log writer).
const awaitEventsLimit = 5 * time.Second

// awaitEvents returns once every event Rust queued before the call has been handled (or after
// awaitEventsLimit, or when ctx ends): the last log events and status reports of an instance reach its
// logger and host before its sink is forgotten.
func awaitEvents(ctx context.Context) {
	if fn.eventsMark == 0 {
		return
	}
	mark := nextMark.Add(1)
	done := make(chan struct{})
	marks.Store(mark, done)
	call(fn.eventsMark, uintptr(mark))
	timer := time.NewTimer(awaitEventsLimit)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		marks.Delete(mark)
	case <-ctx.Done():
		marks.Delete(mark)
	}
}
