//go:build cgo

// This file holds every cgo directive of otelbridge. The ABI's rules, stated once (the full
// protocol is in ffi/README.md):
//
//   - Go memory passed to Rust is borrowed for the call only, except the data of a consume call
//     that returns OTB_POLL_PENDING: Go pins it until the completion callback has run.
//   - Every OtbBuf Rust returns is Go's to release, exactly once, with otelbridge_v1_buf_free;
//     Go reads it in place (unsafe.Slice) and copies what it keeps before freeing it.
//   - Go objects never cross: a pending call's waiter crosses as a cgo.Handle, a logger as a
//     sink number.
//   - The library itself is not linked here: the binary links exactly one Rust library (a
//     static .a or a shared .so) through its own #cgo LDFLAGS (see go/internal/testlib).

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

static OtbHostCallbacks otelbridge_host_callbacks(uint32_t default_level) {
	OtbHostCallbacks callbacks = {
		.complete = (OtbCompleteFn)otelbridgeComplete,
		.log = (OtbLogFn)otelbridgeLog,
		.default_log_level = default_level,
		.report_status = (OtbReportStatusFn)otelbridgeReportStatus,
		.create_instrument = (OtbCreateInstrumentFn)otelbridgeCreateInstrument,
		.record = (OtbRecordFn)otelbridgeRecord,
		.consume = (OtbConsumeFn)otelbridgeConsume,
	};
	return callbacks;
}

// The baseline of the fixed-cost benchmark: an empty C function, with the shape of otelbridge_v1_nop.
static void *otelbridge_raw_cgo_nop(void *arg) { return arg; }
*/
import "C"

import "unsafe"

// bytesPtr points at the first byte of b, or is nil for an empty slice (never a dangling pointer).
func bytesPtr(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b)))
}

// hostCallbacks are the functions Rust calls back into Go through.
func hostCallbacks(defaultLevel uint32) C.OtbHostCallbacks {
	return C.otelbridge_host_callbacks(C.uint32_t(defaultLevel))
}

// rawCgoNop calls an empty C function: the cost of cgo alone, for benchmarks.
func rawCgoNop() {
	C.otelbridge_raw_cgo_nop(nil)
}

// freeBuf releases a buffer Rust handed to Go.
func freeBuf(buf C.OtbBuf) {
	if buf.ptr != nil {
		C.otelbridge_v1_buf_free(buf)
	}
}

// bufString copies a Rust buffer into a Go string and frees it.
func bufString(buf C.OtbBuf) string {
	if buf.ptr == nil {
		return ""
	}
	s := C.GoStringN((*C.char)(unsafe.Pointer(buf.ptr)), C.int(buf.len))
	freeBuf(buf)
	return s
}
