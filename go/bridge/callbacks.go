//go:build cgo

package bridge

// #include "otelbridge.h"
import "C"

import (
	"fmt"
	"runtime/cgo"
	"unsafe"
)

// otelbridgeComplete receives the result of a pending call on a Rust runtime thread and hands it
// to the goroutine waiting for it. It must not block and must not panic into Rust.
//
//export otelbridgeComplete
func otelbridgeComplete(waiter C.size_t, result *C.OtbResult) {
	defer func() { _ = recover() }()
	handle := cgo.Handle(waiter)
	w := handle.Value().(*pendingWaiter)
	handle.Delete()
	w.done <- *result // buffered: never blocks
}

// otelbridgeLog writes one Rust tracing event to its component's zap logger.
//
//export otelbridgeLog
func otelbridgeLog(sink C.uint64_t, level C.uint32_t, message *C.uint8_t, messageLen C.size_t, fields *C.uint8_t, fieldsLen C.size_t) {
	defer func() { _ = recover() }()
	msg := goString(message, messageLen)
	var flat []byte
	if fields != nil {
		flat = unsafe.Slice((*byte)(unsafe.Pointer(fields)), int(fieldsLen))
	}
	writeLog(uint64(sink), uint32(level), msg, flat)
}

// otelbridgeReportStatus forwards a Rust component's status to its host.
//
//export otelbridgeReportStatus
func otelbridgeReportStatus(sink C.uint64_t, code C.uint32_t, message *C.uint8_t, messageLen C.size_t) {
	defer func() { _ = recover() }()
	reportStatus(uint64(sink), StatusCode(code), goString(message, messageLen))
}

// otelbridgeCreateInstrument creates a metric instrument with a Rust component's meter.
//
//export otelbridgeCreateInstrument
func otelbridgeCreateInstrument(sink C.uint64_t, kind C.uint32_t, name *C.uint8_t, nameLen C.size_t, description *C.uint8_t, descriptionLen C.size_t, unit *C.uint8_t, unitLen C.size_t) (id C.uint64_t) {
	defer func() {
		if recover() != nil {
			id = 0
		}
	}()
	return C.uint64_t(createInstrument(uint64(sink), InstrumentKind(kind),
		goString(name, nameLen), goString(description, descriptionLen), goString(unit, unitLen)))
}

// otelbridgeRecord records one measurement of a Rust component's instrument.
//
//export otelbridgeRecord
func otelbridgeRecord(id C.uint64_t, value C.double, attributes *C.uint8_t, attributesLen C.size_t) {
	defer func() { _ = recover() }()
	var flat []byte
	if attributes != nil {
		flat = unsafe.Slice((*byte)(unsafe.Pointer(attributes)), int(attributesLen))
	}
	recordMeasurement(uint64(id), float64(value), flat)
}

// otelbridgeConsume takes a batch a Rust receiver or connector produced. It must not block the
// Rust runtime thread it runs on: the batch is consumed on a goroutine, which answers Rust through
// otelbridge_v1_consume_complete.
//
//export otelbridgeConsume
func otelbridgeConsume(sink C.uint64_t, signal C.uint32_t, deadline C.int64_t, ctx *C.uint8_t, ctxLen C.size_t, data C.OtbBuf, completion C.uint64_t) {
	defer func() {
		if r := recover(); r != nil {
			freeBuf(data)
			completeConsume(uint64(completion), fmt.Errorf("otelbridge: consuming a batch from Rust panicked: %v", r))
		}
	}()
	var records []byte
	if ctx != nil {
		records = C.GoBytes(unsafe.Pointer(ctx), C.int(ctxLen))
	}
	go deliver(uint64(sink), Signal(signal), int64(deadline), records, data, uint64(completion))
}

func goString(p *C.uint8_t, n C.size_t) string {
	if p == nil {
		return ""
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
}
