//go:build !cgo || otelbridge_subprocess

package bridge

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// A host that takes the library's event queue instead of being called back (a build without cgo,
// and subprocess mode, whose host program forwards the queue over its socket) handles each event
// here, on the goroutine that took it.

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
	mark := nextMark.Add(1)
	done := make(chan struct{})
	marks.Store(mark, done)
	if !abiEventsMark(mark) {
		marks.Delete(mark)
		return
	}
	timer := time.NewTimer(awaitEventsLimit)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		marks.Delete(mark)
	case <-ctx.Done():
		// A shutdown whose deadline has passed still gives the events already on their way
		// (the last log lines, a warning about tasks it aborted) a moment to reach the
		// instance's logger instead of the default one.
		grace := time.NewTimer(awaitEventsGrace)
		defer grace.Stop()
		select {
		case <-done:
		case <-grace.C:
			marks.Delete(mark)
		}
	}
}

// awaitEventsGrace is how long awaitEvents still waits once its ctx has ended.
const awaitEventsGrace = 250 * time.Millisecond
