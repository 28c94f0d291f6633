package bridge

import (
	"context"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"go.uber.org/zap"
)

// Result is a successful call's outcome. Data (for OutcomeReplaced) is Rust memory: read it with
// Bytes, then Free it.
type Result struct {
	Outcome Outcome
	data    otbBuf
}

// Bytes views the replaced batch in Rust memory; valid until Free.
func (r *Result) Bytes() []byte {
	return r.data.bytes()
}

// Free releases the result's data. Safe to call twice.
func (r *Result) Free() {
	freeBuf(&r.data)
}

// frame holds what a call needs, pooled so a call allocates nothing.
type frame struct {
	// out is what Rust writes: an allocation of its own, free of Go pointers, because cgo's
	// pointer check reads the whole allocation a pointer argument points into.
	out *callOut
	ctx []byte
}

// callOut is what Rust writes during a call.
type callOut struct {
	result  otbResult
	pending unsafe.Pointer // OtbPending*, Rust memory
}

var frames = sync.Pool{New: func() any { return &frame{out: new(callOut)} }}

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

// invokeEntered polls the call once in Rust; if it must wait, it waits for the completion or for
// ctx, whichever comes first. The in-flight count drops when Rust is done with the call, which
// may be after a caller that gave up has returned.
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
	deadline := deadlineNanos(ctx)
	poll := abiInstanceCall(kind, i.handle, signal, deadline, f.ctx, data, &f.out.result, &f.out.pending)
	leaveRust()
	if poll == pollReady {
		res, err := takeResult(&f.out.result)
		f.reset()
		if deadline > 0 && time.Now().UnixNano() > deadline {
			res.Free()
			err = i.overran(kind, deadline)
		}
		timer.end(err)
		i.inFlight.Done()
		return res, err
	}
	pending := f.out.pending
	f.reset()
	return i.awaitPending(ctx, kind, pending, data, timer)
}

// awaitPending waits for a call that went on in the Rust runtime. Rust keeps reading data until
// the completion, so data stays pinned until then, even if the caller gives up first.
func (i *Instance) awaitPending(ctx context.Context, kind callKind, pending unsafe.Pointer, data []byte, timer callTimer) (Result, error) {
	var pinner runtime.Pinner
	if len(data) > 0 {
		pinner.Pin(unsafe.SliceData(data))
	}
	i.pending.Add(1)
	finish := func(err error) {
		i.pending.Add(-1)
		abiPendingFree(pending)
		pinner.Unpin()
		timer.end(err)
		i.inFlight.Done()
	}
	w := &pendingWaiter{done: make(chan otbResult, 1)}
	waiter := registerWaiter(w)
	var early otbResult
	if abiPendingAttach(pending, waiter, &early) == pollReady {
		takeWaiter(waiter)
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
		abiPendingCancel(pending)
		result := <-w.done
		res, err := takeResult(&result)
		finish(err)
		return res, err
	case <-ctx.Done():
		abiPendingCancel(pending)
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
	*f.out = callOut{}
	frames.Put(f)
}

// takeResult converts a result into a Result or an error, taking ownership of its buffers.
func takeResult(result *otbResult) (Result, error) {
	if Code(result.status.code) != CodeOK {
		freeBuf(&result.data)
		return Result{}, statusError(&result.status)
	}
	return Result{Outcome: Outcome(result.outcome), data: result.data}, nil
}

// freeResult releases a result nobody takes.
func freeResult(result *otbResult) {
	freeBuf(&result.status.message)
	freeBuf(&result.data)
}
