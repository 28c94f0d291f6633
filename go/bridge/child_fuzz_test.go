//go:build otelbridge_subprocess

package bridge

import (
	"testing"

	"github.com/otelbridge/otelbridge/go/bridge/internal/wire"
)

// FuzzHostFrames: whatever a broken host program sends, the collector's side decodes it or
// returns an error (and the run is killed), never panics.
func FuzzHostFrames(f *testing.F) {
	event := wire.Begin(nil, wire.Event)
	event.U32(eventLog)
	event.U32(2)
	event.U64(1)
	event.U64(0)
	event.I64(0)
	event.U64(0)
	event.Bytes([]byte("a log line"))
	event.Bytes(nil)
	f.Add(wire.Event, event.Finish(0)[wire.HeaderSize:])
	reply := wire.Begin(nil, wire.Reply)
	reply.U64(1)
	reply.Status(&wire.Status{Code: 6, Message: []byte("bad field")})
	f.Add(wire.Reply, reply.Finish(0)[wire.HeaderSize:])
	complete := wire.Begin(nil, wire.Complete)
	complete.U64(2)
	complete.Status(&wire.Status{})
	complete.U32(0)
	complete.Bytes([]byte{1, 2, 3})
	f.Add(wire.Complete, complete.Finish(0)[wire.HeaderSize:])
	if telemetry == nil {
		telemetry = newTelemetryTasks(1 << 10)
	}
	f.Fuzz(func(t *testing.T, typ byte, body []byte) {
		run := &child{requests: map[uint64]*request{}, exited: make(chan struct{})}
		// Request 1 waits for a REPLY, request 2 is a CALL whose REPLY said pending.
		run.requests[1] = &request{reply: make(chan []byte, 1)}
		run.requests[2] = &request{reply: make(chan []byte, 1), pending: &remotePending{finished: make(chan struct{})}, replied: true}
		_ = run.handleFrame(typ, body)
	})
}
