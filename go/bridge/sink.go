package bridge

import (
	"context"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"
)

// Sink is where one instance's telemetry, and a receiver's or connector's data, go. Rust knows it
// by a number: the log events, status reports, metric instruments and batches of the instance
// carry it.
type Sink struct {
	// Logger receives the instance's tracing events.
	Logger *zap.Logger
	// Meter creates the instance's metric instruments and the bridge's own metrics of it (nil: none).
	Meter metric.Meter
	// ReportStatus receives the instance's status reports (nil: dropped).
	ReportStatus func(code StatusCode, message string)
	// Next receives the batches a receiver or connector produces (nil for other kinds).
	Next *Next
	// Attributes are added to every measurement of the instance, so instances of one component
	// (a processor in a traces and a logs pipeline, say) never report the same series.
	Attributes []attribute.KeyValue
}

var (
	sinksMu  sync.RWMutex
	sinks    = map[uint64]*Sink{}
	nextSink atomic.Uint64
)

// registerSink gives s a number and returns it with the most verbose log level it records.
func registerSink(s *Sink) (uint64, uint32) {
	if s.Logger == nil {
		s.Logger = zap.NewNop()
	}
	// The caller zap would name is the bridge's callback, never the Rust code that logged.
	s.Logger = s.Logger.WithOptions(zap.WithCaller(false))
	id := nextSink.Add(1)
	sinksMu.Lock()
	sinks[id] = s
	sinksMu.Unlock()
	return id, levelOf(s.Logger)
}

// releaseSink forgets a sink and its instruments; later events of it go to the default logger.
func releaseSink(ctx context.Context, id uint64) {
	awaitEvents(ctx)
	sinksMu.Lock()
	delete(sinks, id)
	sinksMu.Unlock()
	releaseInstruments(id)
}

// sinkFor returns the sink numbered id, or nil.
func sinkFor(id uint64) *Sink {
	sinksMu.RLock()
	defer sinksMu.RUnlock()
	return sinks[id]
}
