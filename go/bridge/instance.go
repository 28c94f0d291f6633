package bridge

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Instance is a created Rust component instance. Its calls may run concurrently; Shutdown waits
// for the calls in flight, including calls whose callers gave up on their context.
type Instance struct {
	handle  unsafe.Pointer // OtbInstance*, Rust memory
	sink    uint64
	metrics *callMetrics

	mu       sync.Mutex
	closing  bool
	inFlight sync.WaitGroup
	// pending counts the calls waiting in the Rust runtime; abandon, closed when Shutdown's
	// deadline passes, cancels them.
	pending atomic.Int64
	abandon chan struct{}
}

// NewInstance creates an instance of c with collector id id and a JSON config. Its logs, status
// and metrics go to sink, and so does its data when it is a receiver or connector (sink.Next).
// Nothing runs until Start.
func (c *Component) NewInstance(id string, configJSON []byte, sink Sink) (*Instance, error) {
	sinkID, level := registerSink(&sink)
	var handle unsafe.Pointer
	var status otbStatus
	var next *Signals
	if sink.Next != nil {
		next = &sink.Next.Signals
	}
	if abiInstanceCreate(c.index, []byte(id), configJSON, sinkID, level, next, &handle, &status) != uint32(CodeOK) {
		releaseSink(context.Background(), sinkID)
		return nil, statusError(&status)
	}
	return &Instance{
		handle:  handle,
		sink:    sinkID,
		metrics: newCallMetrics(sink.Meter, sink.Attributes),
		abandon: make(chan struct{}),
	}, nil
}

// Start starts the instance.
func (i *Instance) Start(ctx context.Context) error {
	res, err := i.call(ctx, callStart, 0, nil)
	res.Free()
	return err
}

// Consume runs one batch of OTLP protobuf bytes through the instance. data must stay unchanged
// until Consume returns. The caller frees the result's data.
func (i *Instance) Consume(ctx context.Context, signal Signal, data []byte) (Result, error) {
	return i.call(ctx, callConsume, signal, data)
}

// Shutdown refuses new calls, waits for those in flight (or for ctx), then shuts the Rust
// instance down and releases it. Later calls of Shutdown return nil.
func (i *Instance) Shutdown(ctx context.Context) error {
	i.mu.Lock()
	if i.closing {
		i.mu.Unlock()
		return nil
	}
	i.closing = true
	i.mu.Unlock()

	drained := make(chan struct{})
	go func() {
		i.inFlight.Wait()
		close(drained)
	}()
	select {
	case <-drained:
		return i.shutdownRust(ctx)
	case <-ctx.Done():
		// The caller cannot wait longer: calls waiting in Rust are cancelled (they fail), and
		// the instance is shut down and released once every call has ended, so nothing leaks.
		cancelled := i.pending.Load()
		close(i.abandon)
		go func() {
			<-drained
			_ = i.shutdownRust(context.Background())
		}()
		return fmt.Errorf("the shutdown deadline passed with calls in flight: %d waiting in Rust were cancelled: %w", cancelled, context.Cause(ctx))
	}
}

// shutdownRust shuts the Rust instance down and releases it and its sink.
func (i *Instance) shutdownRust(ctx context.Context) error {
	res, err := i.invoke(ctx, callShutdown, 0, nil)
	res.Free()
	abiInstanceFree(i.handle)
	releaseSink(ctx, i.sink)
	return err
}

// enter registers a call, unless the instance is shutting down.
func (i *Instance) enter() bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.closing {
		return false
	}
	i.inFlight.Add(1)
	return true
}
