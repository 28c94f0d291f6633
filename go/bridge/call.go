//go:build cgo

package bridge

// #include "otelbridge.h"
import "C"

import (
	"context"
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"

	"go.uber.org/zap"
)

// Result is a successful call's outcome. Data (for OutcomeReplaced) is Rust memory: read it with
// Bytes, then Free it.
type Result struct {
	Outcome Outcome
	data    C.OtbBuf
}

// Bytes views the replaced batch in Rust memory; valid until Free.
func (r *Result) Bytes() []byte {
	if r.data.ptr == nil {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(r.data.ptr)), int(r.data.len))
}

// Free releases the result's data. Safe to call twice.
func (r *Result) Free() {
	freeBuf(r.data)
	r.data = C.OtbBuf{}
}

// frame holds what C writes during a call, pooled so a call allocates nothing.
type frame struct {
	result  C.OtbResult
	pending *C.OtbPending
	ctx     []byte
}

var frames = sync.Pool{New: func() any { return new(frame) }}

// pendingWaiter receives the completion of a pending call.
type pendingWaiter struct {
	done chan C.OtbResult
}

// call runs one call if the instance accepts work.
func (i *Instance) call(ctx context.Context, kind callKind, signal Signal, data []byte) (Result, error) {
	if !i.enter() {
		return Result{}, ErrClosed
	}
	return i.invokeEntered(ctx, kind, signal, data)
}

// invoke runs one call without the closing check (for Shutdown itself).
func (i *Instance) invoke(ctx context.Context, kind callKind, signal Signal, data []byte) (Result, error) {
	i.inFlight.Add(1)
	return i.invokeEntered(ctx, kind, signal, data)
}

// invokeEntered polls the call once in Rust; if it must wait, it waits for the completion
// callback or for ctx, whichever comes first. The in-flight count drops when Rust is done with
// the call, which may be after a caller that gave up has returned.
func (i *Instance) invokeEntered(ctx context.Context, kind callKind, signal Signal, data []byte) (Result, error) {
	if err := ctx.Err(); err != nil {
		i.inFlight.Done()
		return Result{}, context.Cause(ctx)
	}
	if err := enterRust(ctx); err != nil {
		i.inFlight.Done()
		return Result{}, err
	}
	timer := i.metrics.begin(kind)
	f := frames.Get().(*frame)
	f.ctx = encodeContext(f.ctx[:0], ctx)
	deadline := C.int64_t(deadlineNanos(ctx))
	ctxPtr, ctxLen := bytesPtr(f.ctx), C.size_t(len(f.ctx))
	var poll C.OtbPoll
	switch kind {
	case callStart:
		poll = C.otelbridge_v1_instance_start(i.handle, deadline, ctxPtr, ctxLen, &f.result, &f.pending)
	case callShutdown:
		poll = C.otelbridge_v1_instance_shutdown(i.handle, deadline, ctxPtr, ctxLen, &f.result, &f.pending)
	case callConsume:
		poll = C.otelbridge_v1_instance_consume(i.handle, C.uint32_t(signal), deadline, ctxPtr, ctxLen,
			bytesPtr(data), C.size_t(len(data)), &f.result, &f.pending)
	}
	leaveRust()
	if poll == C.OTB_POLL_READY {
		res, err := takeResult(&f.result)
		f.reset()
		if deadline > 0 && time.Now().UnixNano() > int64(deadline) {
			res.Free()
			err = i.overran(kind, int64(deadline))
		}
		timer.end(err)
		i.inFlight.Done()
		return res, err
	}
	pending := f.pending
	f.reset()
	return i.awaitPending(ctx, kind, pending, data, timer)
}

// awaitPending waits for a call that went on in the Rust runtime. Rust keeps reading data until
// the completion, so data stays pinned until then, even if the caller gives up first.
func (i *Instance) awaitPending(ctx context.Context, kind callKind, pending *C.OtbPending, data []byte, timer callTimer) (Result, error) {
	var pinner runtime.Pinner
	if len(data) > 0 {
		pinner.Pin(unsafe.SliceData(data))
	}
	i.pending.Add(1)
	finish := func(err error) {
		i.pending.Add(-1)
		C.otelbridge_v1_pending_free(pending)
		pinner.Unpin()
		timer.end(err)
		i.inFlight.Done()
	}
	w := &pendingWaiter{done: make(chan C.OtbResult, 1)}
	handle := cgo.NewHandle(w)
	var early C.OtbResult
	if C.otelbridge_v1_pending_attach(pending, C.size_t(handle), &early) == C.OTB_POLL_READY {
		handle.Delete()
		res, err := takeResult(&early)
		finish(err)
		return res, err
	}
	select {
	case result := <-w.done:
		res, err := takeResult(&result)
		finish(err)
		return res, err
	case <-i.abandon:
		// Shutdown's deadline passed: the call fails as cancelled, and Rust answers at once.
		C.otelbridge_v1_pending_cancel(pending)
		result := <-w.done
		res, err := takeResult(&result)
		finish(err)
		return res, err
	case <-ctx.Done():
		C.otelbridge_v1_pending_cancel(pending)
		if kind == callShutdown {
			// Rust answers at once, once it has aborted what the instance left running and
			// logged it: the instance and its sink are released only after that.
			result := <-w.done
			res, err := takeResult(&result)
			res.Free()
			finish(err)
			return Result{}, context.Cause(ctx)
		}
		go func() {
			result := <-w.done
			res, err := takeResult(&result)
			res.Free()
			finish(err)
		}()
		return Result{}, context.Cause(ctx)
	}
}

// overran answers a call that held its calling thread past its deadline: Rust can only end a call
// where it awaits, so a component that computes or blocks without awaiting finishes whenever it
// finishes. Its result is dropped, as it would have been had the call waited in the runtime: the
// caller's deadline has passed, and it has been (or will be) told so. The operator learns which
// component did it.
func (i *Instance) overran(kind callKind, deadline int64) error {
	late := time.Since(time.Unix(0, deadline))
	logger := defaultLogger()
	if s := sinkFor(i.sink); s != nil {
		logger = s.Logger
	}
	logger.Warn("Rust component held its calling thread past the call's deadline without awaiting; "+
		"its result was dropped (blocking work belongs in tokio's spawn_blocking)",
		zap.String("operation", kind.String()), zap.Duration("past_deadline", late))
	return &Error{Code: CodeDeadlineExceeded, Message: "the call held its thread past its deadline by " + late.String()}
}

func (f *frame) reset() {
	f.result = C.OtbResult{}
	f.pending = nil
	frames.Put(f)
}

// takeResult converts a C result into a Result or an error, taking ownership of its buffers.
func takeResult(result *C.OtbResult) (Result, error) {
	if result.status.code != C.OTB_STATUS_OK {
		freeBuf(result.data)
		return Result{}, statusError(&result.status)
	}
	return Result{Outcome: Outcome(result.outcome), data: result.data}, nil
}
