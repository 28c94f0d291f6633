//go:build cgo && !otelbridge_subprocess

package bridge

// #include "otelbridge.h"
import "C"

import (
	"fmt"
	"unsafe"
)

// The host callbacks Rust calls on its own threads. Each hands over to the shim's handler
// (completeWaiter, writeLog, reportStatus, createInstrument, recordMeasurement, deliver), which the
// event poller of a build without cgo (events_dlopen.go) calls too; none may block or panic into
// Rust.

//export otelbridgeComplete
func otelbridgeComplete(waiter C.size_t, result *C.OtbResult) {
	defer func() { _ = recover() }()
	completeWaiter(uintptr(waiter), *(*otbResult)(unsafe.Pointer(result)))
}

//export otelbridgeLog
func otelbridgeLog(sink C.uint64_t, level C.uint32_t, message *C.uint8_t, messageLen C.size_t, fields *C.uint8_t, fieldsLen C.size_t) {
	defer func() { _ = recover() }()
	writeLog(uint64(sink), uint32(level), string(borrowed(message, messageLen)), borrowed(fields, fieldsLen))
}

//export otelbridgeReportStatus
func otelbridgeReportStatus(sink C.uint64_t, code C.uint32_t, message *C.uint8_t, messageLen C.size_t) {
	defer func() { _ = recover() }()
	reportStatus(uint64(sink), StatusCode(code), string(borrowed(message, messageLen)))
}

//export otelbridgeCreateInstrument
func otelbridgeCreateInstrument(sink C.uint64_t, kind C.uint32_t, name *C.uint8_t, nameLen C.size_t, description *C.uint8_t, descriptionLen C.size_t, unit *C.uint8_t, unitLen C.size_t) (id C.uint64_t) {
	defer func() {
		if recover() != nil {
			id = 0
		}
	}()
	id = C.uint64_t(nextInstrument.Add(1))
	if !createInstrument(uint64(id), uint64(sink), InstrumentKind(kind), string(borrowed(name, nameLen)),
		string(borrowed(description, descriptionLen)), string(borrowed(unit, unitLen))) {
		return 0
	}
	return id
}

//export otelbridgeRecord
func otelbridgeRecord(id C.uint64_t, value C.double, attributes *C.uint8_t, attributesLen C.size_t) {
	defer func() { _ = recover() }()
	recordMeasurement(uint64(id), float64(value), borrowed(attributes, attributesLen))
}

//export otelbridgeConsume
func otelbridgeConsume(sink C.uint64_t, signal C.uint32_t, deadline C.int64_t, ctx *C.uint8_t, ctxLen C.size_t, data C.OtbBuf, completion C.uint64_t) {
	batch := *(*otbBuf)(unsafe.Pointer(&data))
	defer func() {
		if r := recover(); r != nil {
			freeBuf(&batch)
			completeConsume(uint64(completion), fmt.Errorf("otelbridge: consuming a batch from Rust panicked: %v", r))
		}
	}()
	// The context records are Rust's only during the call: the goroutine gets a copy.
	records := append([]byte(nil), borrowed(ctx, ctxLen)...)
	go deliver(uint64(sink), Signal(signal), int64(deadline), records, batch, uint64(completion))
}

// borrowed views bytes Rust lends for the call.
func borrowed(p *C.uint8_t, n C.size_t) []byte {
	return otbStr{ptr: (*byte)(unsafe.Pointer(p)), len: uintptr(n)}.bytes()
}
