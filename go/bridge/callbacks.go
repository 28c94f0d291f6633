//go:build cgo

package bridge

// #include "otelbridge.h"
import "C"

import (
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
	msg := ""
	if message != nil {
		msg = string(unsafe.Slice((*byte)(unsafe.Pointer(message)), int(messageLen)))
	}
	var flat []byte
	if fields != nil {
		flat = unsafe.Slice((*byte)(unsafe.Pointer(fields)), int(fieldsLen))
	}
	writeLog(uint64(sink), uint32(level), msg, flat)
}
