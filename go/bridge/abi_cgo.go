//go:build cgo && !otelbridge_subprocess

// This file and callbacks.go hold every cgo directive of the shim. The library itself is not
// linked here: the binary links exactly one Rust library (a static .a or a shared .so) through its
// own #cgo LDFLAGS (see go/internal/testlib).

package bridge

/*
#cgo CFLAGS: -I${SRCDIR}/../../ffi/include
#include <stdlib.h>
#include "otelbridge.h"

// Defined in callbacks.go with //export; declared here so their addresses can be taken.
extern void otelbridgeComplete(size_t waiter, OtbResult *result);
extern void otelbridgeLog(uint64_t sink, uint32_t level, uint8_t *message, size_t message_len, uint8_t *fields, size_t fields_len);
extern void otelbridgeReportStatus(uint64_t sink, uint32_t status, uint8_t *message, size_t message_len);
extern uint64_t otelbridgeCreateInstrument(uint64_t sink, uint32_t kind, uint8_t *name, size_t name_len, uint8_t *description, size_t description_len, uint8_t *unit, size_t unit_len);
extern void otelbridgeRecord(uint64_t id, double value, uint8_t *attributes, size_t attributes_len);
extern void otelbridgeConsume(uint64_t sink, uint32_t signal, int64_t deadline, uint8_t *ctx, size_t ctx_len, OtbBuf data, uint64_t completion);

static uint32_t otelbridge_handshake_with_callbacks(uint32_t major, uint32_t minor, uint32_t default_level, OtbLibraryInfo *info, OtbStatus *status) {
	OtbHostCallbacks callbacks = {
		.complete = (OtbCompleteFn)otelbridgeComplete,
		.log = (OtbLogFn)otelbridgeLog,
		.default_log_level = default_level,
		.report_status = (OtbReportStatusFn)otelbridgeReportStatus,
		.create_instrument = (OtbCreateInstrumentFn)otelbridgeCreateInstrument,
		.record = (OtbRecordFn)otelbridgeRecord,
		.consume = (OtbConsumeFn)otelbridgeConsume,
	};
	return otelbridge_v1_handshake(major, minor, &callbacks, info, status);
}

// The baseline of the fixed-cost benchmark: an empty C function, with the shape of otelbridge_v1_nop.
static void *otelbridge_raw_cgo_nop(void *arg) { return arg; }
*/
import "C"

import (
	"context"
	"unsafe"
)

// With cgo, Rust calls back into Go on its own threads, through the //export functions of
// callbacks.go: the fastest way, and the one cgo makes sound.

// loadLibrary has nothing to load: the binary links the library.
func loadLibrary() (string, error) { return "the linked Rust library", nil }

// awaitEvents has nothing to wait for: Rust calls back before it goes on.
func awaitEvents(context.Context) {}

func cBytes(b []byte) (*C.uint8_t, C.size_t) {
	return (*C.uint8_t)(unsafe.Pointer(bytesPtr(b))), C.size_t(len(b))
}

func cStatus(status *otbStatus) *C.OtbStatus { return (*C.OtbStatus)(unsafe.Pointer(status)) }

func abiVersion() uint32 { return uint32(C.otelbridge_v1_abi_version()) }

func abiHandshake(defaultLevel uint32, info *otbLibraryInfo, status *otbStatus) uint32 {
	return uint32(C.otelbridge_handshake_with_callbacks(abiMajor, abiMinor, C.uint32_t(defaultLevel),
		(*C.OtbLibraryInfo)(unsafe.Pointer(info)), cStatus(status)))
}

func abiRegistry(entries **otbComponentInfo, count *uintptr, status *otbStatus) uint32 {
	return uint32(C.otelbridge_v1_registry((**C.OtbComponentInfo)(unsafe.Pointer(entries)),
		(*C.size_t)(unsafe.Pointer(count)), cStatus(status)))
}

func abiConfigDefault(index uint32, out *otbBuf, status *otbStatus) uint32 {
	return uint32(C.otelbridge_v1_config_default(C.uint32_t(index), (*C.OtbBuf)(unsafe.Pointer(out)), cStatus(status)))
}

func abiConfigValidate(index uint32, json []byte, status *otbStatus) uint32 {
	ptr, n := cBytes(json)
	return uint32(C.otelbridge_v1_config_validate(C.uint32_t(index), ptr, n, cStatus(status)))
}

func abiInstanceCreate(index uint32, id, config []byte, sink uint64, level uint32, next *Signals, handle *unsafe.Pointer, status *otbStatus) uint32 {
	idPtr, idLen := cBytes(id)
	configPtr, configLen := cBytes(config)
	out := (**C.OtbInstance)(unsafe.Pointer(handle))
	if next != nil {
		return uint32(C.otelbridge_v1_instance_create_with_next(C.uint32_t(index), idPtr, idLen, configPtr, configLen,
			C.uint64_t(sink), C.uint32_t(level), C.uint32_t(*next), out, cStatus(status)))
	}
	return uint32(C.otelbridge_v1_instance_create(C.uint32_t(index), idPtr, idLen, configPtr, configLen,
		C.uint64_t(sink), C.uint32_t(level), out, cStatus(status)))
}

func abiInstanceCall(kind callKind, handle unsafe.Pointer, signal Signal, deadline int64, ctx, data []byte, result *otbResult, pending *unsafe.Pointer) uint32 {
	instance := (*C.OtbInstance)(handle)
	ctxPtr, ctxLen := cBytes(ctx)
	res := (*C.OtbResult)(unsafe.Pointer(result))
	pend := (**C.OtbPending)(unsafe.Pointer(pending))
	switch kind {
	case callStart:
		return uint32(C.otelbridge_v1_instance_start(instance, C.int64_t(deadline), ctxPtr, ctxLen, res, pend))
	case callShutdown:
		return uint32(C.otelbridge_v1_instance_shutdown(instance, C.int64_t(deadline), ctxPtr, ctxLen, res, pend))
	default:
		dataPtr, dataLen := cBytes(data)
		return uint32(C.otelbridge_v1_instance_consume(instance, C.uint32_t(signal), C.int64_t(deadline), ctxPtr, ctxLen,
			dataPtr, dataLen, res, pend))
	}
}

func abiInstanceFree(handle unsafe.Pointer) {
	C.otelbridge_v1_instance_free((*C.OtbInstance)(handle))
}

func abiPendingAttach(pending unsafe.Pointer, waiter uintptr, result *otbResult) uint32 {
	return uint32(C.otelbridge_v1_pending_attach((*C.OtbPending)(pending), C.size_t(waiter),
		(*C.OtbResult)(unsafe.Pointer(result))))
}

func abiPendingCancel(pending unsafe.Pointer) {
	C.otelbridge_v1_pending_cancel((*C.OtbPending)(pending))
}

func abiPendingFree(pending unsafe.Pointer) {
	C.otelbridge_v1_pending_free((*C.OtbPending)(pending))
}

func abiConsumeComplete(completion uint64, e *Error) {
	if e == nil {
		C.otelbridge_v1_consume_complete(C.uint64_t(completion), nil)
		return
	}
	// The message crosses in C memory: a Go pointer may not sit inside the status Go passes.
	message := C.CBytes([]byte(e.Message))
	defer C.free(message)
	status := C.OtbHostStatus{
		code:           C.uint32_t(e.Code),
		permanent:      C.bool(e.Permanent),
		grpc_code:      C.int32_t(e.GRPCCode),
		http_code:      C.int32_t(e.HTTPCode),
		retry_after_ns: C.int64_t(e.RetryAfter.Nanoseconds()),
		message:        C.OtbStr{ptr: (*C.uint8_t)(message), len: C.size_t(len(e.Message))},
	}
	C.otelbridge_v1_consume_complete(C.uint64_t(completion), &status)
}

func abiRuntimeConfigure(workers uint32, status *otbStatus) uint32 {
	return uint32(C.otelbridge_v1_runtime_configure(C.uint32_t(workers), cStatus(status)))
}

func abiRuntimeConfigureJSON(json []byte, validateOnly bool, status *otbStatus) uint32 {
	ptr, n := cBytes(json)
	return uint32(C.otelbridge_v1_runtime_configure_json(ptr, n, C.bool(validateOnly), cStatus(status)))
}

func abiBufRelease(buf *otbBuf) {
	C.otelbridge_v1_buf_release((*C.OtbBuf)(unsafe.Pointer(buf)))
}

func abiNop() { C.otelbridge_v1_nop(nil) }

// rawCgoNop calls an empty C function: the cost of cgo alone, for benchmarks.
func rawCgoNop() {
	C.otelbridge_raw_cgo_nop(nil)
}
