//go:build !cgo || otelbridge_subprocess

package bridge

import (
	"fmt"
	"sync/atomic"
)

// telemetry runs the collector's code for Rust's log events, measurements, status reports and
// instruments, one at a time in the order Rust sent them, on a goroutine of its own: the event
// poller hands them over and goes back to completions and batches. Started with the poller.
var telemetry *telemetryTasks

// telemetryTasks is an ordered queue of tasks with one worker.
type telemetryTasks struct {
	tasks chan func()
	// dropped counts log events and measurements dropped while the queue was full (a logger
	// that blocks); the worker reports it.
	dropped atomic.Uint64
}

func newTelemetryTasks(capacity int) *telemetryTasks {
	t := &telemetryTasks{tasks: make(chan func(), capacity)}
	go t.run()
	return t
}

// add queues a task. A log event or measurement (droppable) is dropped and counted when the
// queue is full; anything else waits for room.
func (t *telemetryTasks) add(droppable bool, task func()) {
	if !droppable {
		t.tasks <- task
		return
	}
	select {
	case t.tasks <- task:
	default:
		t.dropped.Add(1)
	}
}

func (t *telemetryTasks) run() {
	for task := range t.tasks {
		if n := t.dropped.Swap(0); n > 0 {
			defaultLogger().Warn(fmt.Sprintf("otelbridge: %d log events and measurements of Rust components were dropped: "+
				"the collector's logger or meter did not take them as fast as they came", n))
		}
		runTask(task)
	}
}

func runTask(task func()) {
	defer func() {
		if r := recover(); r != nil {
			defaultLogger().Error(fmt.Sprintf("otelbridge: handling a log event, status report or measurement of the Rust library panicked: %v", r))
		}
	}()
	task()
}
