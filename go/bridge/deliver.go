//go:build cgo

package bridge

// #include <stdlib.h>
// #include "otelbridge.h"
import "C"

import (
	"fmt"
	"unsafe"
)

// deliver consumes one batch a Rust receiver or connector produced, on its own goroutine, then
// frees the batch and answers Rust.
func deliver(sinkID uint64, signal Signal, deadline int64, records []byte, data C.OtbBuf, completion uint64) {
	err := consumeBatch(sinkID, signal, deadline, records, data)
	freeBuf(data)
	completeConsume(completion, err)
}

func consumeBatch(sinkID uint64, signal Signal, deadline int64, records []byte, data C.OtbBuf) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("otelbridge: the next consumer panicked: %v", r)
		}
	}()
	s := sinkFor(sinkID)
	if s == nil || s.Next == nil {
		return errNoNext
	}
	ctx, cancel, err := consumeContext(records, deadline)
	if err != nil {
		return err
	}
	defer cancel()
	var bytes []byte
	if data.ptr != nil {
		bytes = unsafe.Slice((*byte)(unsafe.Pointer(data.ptr)), int(data.len))
	}
	return s.Next.Consume(ctx, signal, bytes)
}

// completeConsume answers Rust: OK for nil, else the error as Rust's status.
func completeConsume(completion uint64, err error) {
	if err == nil {
		C.otelbridge_v1_consume_complete(C.uint64_t(completion), nil)
		return
	}
	e := asRustError(err)
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
