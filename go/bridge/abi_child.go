//go:build otelbridge_subprocess

package bridge

import (
	"sync"
	"time"
	"unsafe"

	"github.com/otelbridge/otelbridge/go/bridge/internal/wire"
)

// In subprocess mode the shim's core calls these functions as it calls the library in-process,
// and each becomes a frame to the host program (ffi/README.md, "Subprocess mode"). Handles are
// Go objects: an instance remembers what created it, so the supervisor can create it again in
// the next run of the host program; a pending call is waited for here. Buffers the host program
// sends are Go memory: releasing them is the garbage collector's work.

// remoteInstance is an instance in the host program: the handle the core holds.
type remoteInstance struct {
	// What created it, for the next run.
	index  uint32
	id     []byte
	config []byte
	sink   uint64
	level  uint32
	next   *Signals
	seq    uint64

	mu sync.Mutex
	// run and number name the instance in the host program: calls made while run has ended
	// fail at once, retryably, until the supervisor has created it again.
	run    *child
	number uint64
	// started is set once a start succeeded: the next run starts the instance again only then.
	// stopping is set when a shutdown begins: the next run no longer creates it.
	started, stopping, freed bool
}

// remotePending is a CALL that goes on in the host program after its first poll.
type remotePending struct {
	run *child
	req uint64

	mu     sync.Mutex
	done   bool
	result otbResult
	waiter uintptr
	// finished is closed once the result has arrived (the supervisor waits on it).
	finished chan struct{}
}

// complete hands the result to the attached waiter, or keeps it for attach.
func (p *remotePending) complete(result otbResult) {
	p.mu.Lock()
	if p.done {
		p.mu.Unlock()
		return
	}
	p.done = true
	waiter := p.waiter
	if waiter == 0 {
		p.result = result
	}
	p.mu.Unlock()
	close(p.finished)
	if waiter != 0 {
		completeWaiter(waiter, result)
	}
}

// goBuf presents bytes of a frame as a buffer "Rust" handed over: the core reads and frees it
// as in-process, and freeing is a no-op here.
func goBuf(b []byte) otbBuf {
	if len(b) == 0 {
		return otbBuf{}
	}
	return otbBuf{ptr: unsafe.SliceData(b), len: uintptr(len(b)), cap: uintptr(len(b))}
}

func decodeStatus(d *wire.Decoder) otbStatus {
	s := d.Status()
	return otbStatus{
		code:         s.Code,
		permanent:    s.Permanent,
		grpcCode:     s.GRPCCode,
		httpCode:     s.HTTPCode,
		retryAfterNs: s.RetryAfterNs,
		message:      goBuf(s.Message),
	}
}

func decodeResult(d *wire.Decoder) otbResult {
	return otbResult{status: decodeStatus(d), outcome: d.U32(), data: goBuf(d.Bytes())}
}

// errorStatus is e as the status a failed ABI call writes.
func errorStatus(e *Error) otbStatus {
	return otbStatus{code: uint32(e.Code), permanent: e.Permanent, message: goBuf([]byte(e.Message))}
}

func failedResult(e *Error) otbResult { return otbResult{status: errorStatus(e)} }

// answer decodes a REPLY's status into *status, or the run's failure when the reply is nil
// (the process ended first), and returns its code.
func answer(run *child, body []byte, status *otbStatus, rest func(d *wire.Decoder)) uint32 {
	if body == nil {
		*status = errorStatus(run.failure())
		return status.code
	}
	d := wire.NewDecoder(body)
	s := decodeStatus(d)
	if rest != nil {
		rest(d)
	}
	if d.Err() != nil {
		run.kill("sent a broken REPLY (" + d.Err().Error() + "), and was killed")
		*status = errorStatus(run.failure())
		return status.code
	}
	*status = s
	return s.code
}

// loadLibrary starts the first run of the host program.
func loadLibrary() (string, error) { return supervisor.start() }

// abiVersion is the shim's own: the host program checks the shim's version in HELLO, with the
// library's rules, and refuses there.
func abiVersion() uint32 { return abiMajor<<16 | abiMinor }

func abiHandshake(defaultLevel uint32, info *otbLibraryInfo, status *otbStatus) uint32 {
	return supervisor.hello(defaultLevel, info, status)
}

// registryEntries keeps the registry the host program sent, as the library keeps its own: the
// core reads it in place.
var registryEntries []otbComponentInfo

func abiRegistry(entries **otbComponentInfo, count *uintptr, status *otbStatus) uint32 {
	run := supervisor.ready()
	body := run.roundTrip(wire.Registry, nil)
	var infos []otbComponentInfo
	code := answer(run, body, status, func(d *wire.Decoder) {
		n := d.U32()
		for i := uint32(0); i < n && d.Err() == nil; i++ {
			name := d.Bytes()
			infos = append(infos, otbComponentInfo{
				typeName:   otbStr{ptr: bytesPtr(name), len: uintptr(len(name))},
				kind:       d.U32(),
				signals:    d.U32(),
				signalsOut: d.U32(),
				stability:  d.U32(),
			})
		}
	})
	if code == uint32(CodeOK) {
		registryEntries = infos
		*count = uintptr(len(infos))
		if len(infos) > 0 {
			*entries = &registryEntries[0]
		}
	}
	return code
}

func abiConfigDefault(index uint32, out *otbBuf, status *otbStatus) uint32 {
	run := supervisor.ready()
	body := run.roundTrip(wire.ConfigDefault, func(e *wire.Encoder) { e.U32(index) })
	return answer(run, body, status, func(d *wire.Decoder) { *out = goBuf(d.Bytes()) })
}

func abiConfigValidate(index uint32, json []byte, status *otbStatus) uint32 {
	run := supervisor.ready()
	body := run.roundTrip(wire.ConfigValidate, func(e *wire.Encoder) {
		e.U32(index)
		e.Bytes(json)
	})
	return answer(run, body, status, nil)
}

func abiInstanceCreate(index uint32, id, config []byte, sink uint64, level uint32, next *Signals, handle *unsafe.Pointer, status *otbStatus) uint32 {
	inst := &remoteInstance{
		index:  index,
		id:     append([]byte(nil), id...),
		config: append([]byte(nil), config...),
		sink:   sink,
		level:  level,
	}
	if next != nil {
		n := *next
		inst.next = &n
	}
	run := supervisor.ready()
	number, code := createRemote(run, inst, status)
	if code != uint32(CodeOK) {
		return code
	}
	inst.run, inst.number = run, number
	supervisor.track(inst)
	*handle = unsafe.Pointer(inst)
	return code
}

// createRemote creates inst in the run, returning its number there.
func createRemote(run *child, inst *remoteInstance, status *otbStatus) (uint64, uint32) {
	body := run.roundTrip(wire.Create, func(e *wire.Encoder) {
		e.U32(inst.index)
		e.Bytes(inst.id)
		e.Bytes(inst.config)
		e.U64(inst.sink)
		e.U32(inst.level)
		e.Bool(inst.next != nil)
		if inst.next != nil {
			e.U32(uint32(*inst.next))
		} else {
			e.U32(0)
		}
	})
	var number uint64
	code := answer(run, body, status, func(d *wire.Decoder) { number = d.U64() })
	return number, code
}

var wireCallKinds = [...]byte{callStart: wire.CallStart, callShutdown: wire.CallShutdown, callConsume: wire.CallConsume}

func abiInstanceCall(kind callKind, handle unsafe.Pointer, signal Signal, deadline int64, ctx, data []byte, result *otbResult, pending *unsafe.Pointer) uint32 {
	inst := (*remoteInstance)(handle)
	inst.mu.Lock()
	run, number := inst.run, inst.number
	if kind == callShutdown {
		inst.stopping = true
	}
	inst.mu.Unlock()
	if !run.alive() {
		if kind == callShutdown {
			// The instance ended with the run it lived in, and the next will not create it:
			// there is nothing left to shut down.
			*result = otbResult{}
			return pollReady
		}
		*result = failedResult(run.failure())
		return pollReady
	}
	p := callRemote(run, number, wireCallKinds[kind], signal, deadline, ctx, data, result)
	if p == nil {
		if kind == callStart && Code(result.status.code) == CodeOK {
			inst.markStarted(run)
		}
		return pollReady
	}
	if kind == callStart {
		// Marked now: a run that ends before the start completes starts it in the next.
		inst.markStarted(run)
	}
	*pending = unsafe.Pointer(p)
	return pollPending
}

// markStarted records a start made in run, unless the instance has moved on since.
func (inst *remoteInstance) markStarted(run *child) {
	inst.mu.Lock()
	if inst.run == run {
		inst.started = true
	}
	inst.mu.Unlock()
}

// callRemote makes one CALL and waits for its REPLY: a result (nil returned) or a pending call.
func callRemote(run *child, number uint64, kind byte, signal Signal, deadline int64, ctx, data []byte, result *otbResult) *remotePending {
	p := &remotePending{run: run, finished: make(chan struct{})}
	req, r := run.register(p)
	if r == nil {
		*result = failedResult(run.failure())
		return nil
	}
	p.req = req
	frame := framePool.Get().(*[]byte)
	e := wire.Begin(*frame, wire.Call)
	e.U64(req)
	e.U64(number)
	e.U8(kind)
	e.U32(uint32(signal))
	e.I64(deadline)
	e.Bytes(ctx)
	e.BytesLen(len(data))
	built := e.Finish(len(data))
	sent := run.send(built, data)
	*frame = built[:0]
	framePool.Put(frame)
	if !sent {
		run.forget(req)
		*result = failedResult(run.failure())
		return nil
	}
	body := <-r.reply
	if body == nil {
		*result = failedResult(run.failure())
		return nil
	}
	d := wire.NewDecoder(body)
	res := decodeResult(d)
	poll := d.U8()
	if d.Err() != nil {
		run.kill("sent a broken REPLY (" + d.Err().Error() + "), and was killed")
		*result = failedResult(run.failure())
		return nil
	}
	if poll == pollPending {
		return p
	}
	*result = res
	return nil
}

// framePool reuses the buffers CALL frames are built in.
var framePool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

func abiInstanceFree(handle unsafe.Pointer) {
	inst := (*remoteInstance)(handle)
	supervisor.untrack(inst)
	inst.mu.Lock()
	inst.freed = true
	run, number := inst.run, inst.number
	inst.mu.Unlock()
	if run != nil && run.alive() {
		run.free(number)
	}
}

// free releases instance number in the run.
func (c *child) free(number uint64) {
	e := wire.Begin(nil, wire.Free)
	e.U64(number)
	c.send(e.Finish(0), nil)
}

func abiPendingAttach(pending unsafe.Pointer, waiter uintptr, result *otbResult) uint32 {
	p := (*remotePending)(pending)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		*result = p.result
		p.result = otbResult{}
		return pollReady
	}
	p.waiter = waiter
	return pollPending
}

func abiPendingCancel(pending unsafe.Pointer) {
	p := (*remotePending)(pending)
	if p.run.alive() {
		e := wire.Begin(nil, wire.Cancel)
		e.U64(p.req)
		p.run.send(e.Finish(0), nil)
	}
}

// abiPendingFree has nothing to release: the host program freed its handle when it sent the
// result.
func abiPendingFree(unsafe.Pointer) {}

func abiConsumeComplete(completion uint64, e *Error) {
	gen, local := splitGeneration(completion)
	run := supervisor.current()
	if run == nil || run.gen != gen || !run.alive() {
		// The run that sent the batch has ended, and with it whatever waited for this answer.
		return
	}
	f := wire.Begin(nil, wire.Consumed)
	f.U64(local)
	f.Bool(e != nil)
	if e != nil {
		f.Status(&wire.Status{
			Code:         uint32(e.Code),
			Permanent:    e.Permanent,
			GRPCCode:     int32(e.GRPCCode),
			HTTPCode:     int32(e.HTTPCode),
			RetryAfterNs: e.RetryAfter.Nanoseconds(),
			Message:      []byte(e.Message),
		})
	}
	run.send(f.Finish(0), nil)
}

func abiRuntimeConfigure(workers uint32, status *otbStatus) uint32 {
	return supervisor.configureRuntime(wire.RuntimeWorkers, func(e *wire.Encoder) { e.U32(workers) }, false, status)
}

func abiRuntimeConfigureJSON(json []byte, validateOnly bool, status *otbStatus) uint32 {
	settings := append([]byte(nil), json...)
	return supervisor.configureRuntime(wire.RuntimeJSON, func(e *wire.Encoder) {
		e.Bool(validateOnly)
		e.Bytes(settings)
	}, validateOnly, status)
}

// abiBufRelease has nothing to release: buffers from the host program are Go memory.
func abiBufRelease(*otbBuf) {}

func abiEventsMark(mark uint64) bool {
	run := supervisor.current()
	if run == nil || !run.alive() {
		return false
	}
	e := wire.Begin(nil, wire.Mark)
	e.U64(mark)
	return run.send(e.Finish(0), nil)
}

// abiNop makes an empty round trip to a worker of the host program: the fixed cost of a call.
func abiNop() {
	if _, err := Open(); err != nil {
		return
	}
	supervisor.current().roundTrip(wire.Nop, nil)
}

// hostCallTimeout bounds the calls the supervisor makes itself (a start in the next run).
const hostCallTimeout = 30 * time.Second
