//go:build !cgo && !otelbridge_subprocess

package bridge

import (
	"runtime"
	"unsafe"

	"github.com/ebitengine/purego"
)

// Without cgo, the shim calls the library it loaded (load_dlopen.go) through purego.SyscallN:
// plain integer and pointer arguments, no allocation, about 100 ns a call. Every function is
// resolved once, at load time. Rust never calls back into Go: what it would have called back
// waits in its event queue, which events_dlopen.go drains.

// fn holds the address of each ABI function the shim calls.
var fn struct {
	abiVersion, handshakeEvents, registry                          uintptr
	configDefault, configValidate                                  uintptr
	instanceCreate, instanceCreateWithNext                         uintptr
	instanceStart, instanceShutdown, instanceConsume, instanceFree uintptr
	pendingAttach, pendingCancel, pendingFree, consumeComplete     uintptr
	runtimeConfigure, runtimeConfigureJSON, bufRelease, nop        uintptr
	eventsNext, eventsFree, eventsMark                             uintptr
}

// symbols names each ABI function the shim needs, with where its address goes.
var symbols = []struct {
	name string
	addr *uintptr
}{
	{"otelbridge_v1_abi_version", &fn.abiVersion},
	{"otelbridge_v1_handshake_events", &fn.handshakeEvents},
	{"otelbridge_v1_registry", &fn.registry},
	{"otelbridge_v1_config_default", &fn.configDefault},
	{"otelbridge_v1_config_validate", &fn.configValidate},
	{"otelbridge_v1_instance_create", &fn.instanceCreate},
	{"otelbridge_v1_instance_create_with_next", &fn.instanceCreateWithNext},
	{"otelbridge_v1_instance_start", &fn.instanceStart},
	{"otelbridge_v1_instance_shutdown", &fn.instanceShutdown},
	{"otelbridge_v1_instance_consume", &fn.instanceConsume},
	{"otelbridge_v1_instance_free", &fn.instanceFree},
	{"otelbridge_v1_pending_attach", &fn.pendingAttach},
	{"otelbridge_v1_pending_cancel", &fn.pendingCancel},
	{"otelbridge_v1_pending_free", &fn.pendingFree},
	{"otelbridge_v1_consume_complete", &fn.consumeComplete},
	{"otelbridge_v1_runtime_configure", &fn.runtimeConfigure},
	{"otelbridge_v1_runtime_configure_json", &fn.runtimeConfigureJSON},
	{"otelbridge_v1_buf_release", &fn.bufRelease},
	{"otelbridge_v1_nop", &fn.nop},
	{"otelbridge_v1_events_next", &fn.eventsNext},
	{"otelbridge_v1_events_free", &fn.eventsFree},
	{"otelbridge_v1_events_mark", &fn.eventsMark},
}

// call calls a C function with integer and pointer arguments. Like SyscallN it is
// go:uintptrescapes: a pointer converted to uintptr in its argument list escapes, stays alive for
// the call, and the compiler assumes the callee may write through it.
//
//go:uintptrescapes
func call(f uintptr, args ...uintptr) uintptr {
	r, _, _ := purego.SyscallN(f, args...)
	return r
}

// status32 reads a uint32_t return value: the upper half of the register is not the callee's.
func status32(r uintptr) uint32 { return uint32(r) }

func boolArg(b bool) uintptr {
	if b {
		return 1
	}
	return 0
}

func abiVersion() uint32 { return status32(call(fn.abiVersion)) }

func abiHandshake(defaultLevel uint32, info *otbLibraryInfo, status *otbStatus) uint32 {
	code := status32(call(fn.handshakeEvents, abiMajor, abiMinor, uintptr(defaultLevel),
		uintptr(unsafe.Pointer(info)), uintptr(unsafe.Pointer(status))))
	if code == uint32(CodeOK) {
		startEventPoller()
	}
	return code
}

func abiRegistry(entries **otbComponentInfo, count *uintptr, status *otbStatus) uint32 {
	return status32(call(fn.registry, uintptr(unsafe.Pointer(entries)), uintptr(unsafe.Pointer(count)),
		uintptr(unsafe.Pointer(status))))
}

func abiConfigDefault(index uint32, out *otbBuf, status *otbStatus) uint32 {
	return status32(call(fn.configDefault, uintptr(index), uintptr(unsafe.Pointer(out)), uintptr(unsafe.Pointer(status))))
}

func abiConfigValidate(index uint32, json []byte, status *otbStatus) uint32 {
	return status32(call(fn.configValidate, uintptr(index), uintptr(unsafe.Pointer(bytesPtr(json))), uintptr(len(json)),
		uintptr(unsafe.Pointer(status))))
}

func abiInstanceCreate(index uint32, id, config []byte, sink uint64, level uint32, next *Signals, handle *unsafe.Pointer, status *otbStatus) uint32 {
	if next != nil {
		return status32(call(fn.instanceCreateWithNext, uintptr(index),
			uintptr(unsafe.Pointer(bytesPtr(id))), uintptr(len(id)),
			uintptr(unsafe.Pointer(bytesPtr(config))), uintptr(len(config)),
			uintptr(sink), uintptr(level), uintptr(*next),
			uintptr(unsafe.Pointer(handle)), uintptr(unsafe.Pointer(status))))
	}
	return status32(call(fn.instanceCreate, uintptr(index),
		uintptr(unsafe.Pointer(bytesPtr(id))), uintptr(len(id)),
		uintptr(unsafe.Pointer(bytesPtr(config))), uintptr(len(config)),
		uintptr(sink), uintptr(level),
		uintptr(unsafe.Pointer(handle)), uintptr(unsafe.Pointer(status))))
}

func abiInstanceCall(kind callKind, handle unsafe.Pointer, signal Signal, deadline int64, ctx, data []byte, result *otbResult, pending *unsafe.Pointer) uint32 {
	switch kind {
	case callStart, callShutdown:
		f := fn.instanceStart
		if kind == callShutdown {
			f = fn.instanceShutdown
		}
		return status32(call(f, uintptr(handle), uintptr(deadline),
			uintptr(unsafe.Pointer(bytesPtr(ctx))), uintptr(len(ctx)),
			uintptr(unsafe.Pointer(result)), uintptr(unsafe.Pointer(pending))))
	default:
		return status32(call(fn.instanceConsume, uintptr(handle), uintptr(signal), uintptr(deadline),
			uintptr(unsafe.Pointer(bytesPtr(ctx))), uintptr(len(ctx)),
			uintptr(unsafe.Pointer(bytesPtr(data))), uintptr(len(data)),
			uintptr(unsafe.Pointer(result)), uintptr(unsafe.Pointer(pending))))
	}
}

func abiInstanceFree(handle unsafe.Pointer) { call(fn.instanceFree, uintptr(handle)) }

func abiPendingAttach(pending unsafe.Pointer, waiter uintptr, result *otbResult) uint32 {
	return status32(call(fn.pendingAttach, uintptr(pending), waiter, uintptr(unsafe.Pointer(result))))
}

func abiPendingCancel(pending unsafe.Pointer) { call(fn.pendingCancel, uintptr(pending)) }

func abiPendingFree(pending unsafe.Pointer) { call(fn.pendingFree, uintptr(pending)) }

func abiConsumeComplete(completion uint64, e *Error) {
	if e == nil {
		call(fn.consumeComplete, uintptr(completion), 0)
		return
	}
	message := []byte(e.Message)
	status := &otbHostStatus{
		code:         uint32(e.Code),
		permanent:    e.Permanent,
		grpcCode:     int32(e.GRPCCode),
		httpCode:     int32(e.HTTPCode),
		retryAfterNs: e.RetryAfter.Nanoseconds(),
		message:      otbStr{ptr: bytesPtr(message), len: uintptr(len(message))},
	}
	call(fn.consumeComplete, uintptr(completion), uintptr(unsafe.Pointer(status)))
	// Rust reads the message through the status during the call: keep it until then.
	runtime.KeepAlive(message)
}

func abiRuntimeConfigure(workers uint32, status *otbStatus) uint32 {
	return status32(call(fn.runtimeConfigure, uintptr(workers), uintptr(unsafe.Pointer(status))))
}

func abiRuntimeConfigureJSON(json []byte, validateOnly bool, status *otbStatus) uint32 {
	return status32(call(fn.runtimeConfigureJSON, uintptr(unsafe.Pointer(bytesPtr(json))), uintptr(len(json)),
		boolArg(validateOnly), uintptr(unsafe.Pointer(status))))
}

func abiBufRelease(buf *otbBuf) { call(fn.bufRelease, uintptr(unsafe.Pointer(buf))) }

func abiNop() {
	if fn.nop == 0 {
		if _, err := Open(); err != nil {
			return
		}
	}
	call(fn.nop, 0)
}

// abiEventsMark queues a mark behind every event queued so far; false if there is no library.
func abiEventsMark(mark uint64) bool {
	if fn.eventsMark == 0 {
		return false
	}
	call(fn.eventsMark, uintptr(mark))
	return true
}
