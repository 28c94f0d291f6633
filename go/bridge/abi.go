package bridge

import (
	"structs"
	"unsafe"
)

// The C ABI's structs as Go declares them, so that the shim has one representation whether it
// calls the library through cgo or through purego (a build without cgo). Their layout is the
// header's; abilayout_test.go checks it field by field against cgo's view of the header.
//
// The ABI's rules, stated once (the full protocol is in ffi/README.md):
//   - Go memory passed to Rust is borrowed for the call only, except the data of a consume call
//     that returns pollPending: Go pins it until the completion has arrived.
//   - Every otbBuf Rust returns is Go's to release, exactly once (freeBuf); Go reads it in place
//     and copies what it keeps before freeing it.
//   - Go objects never cross: a pending call's waiter crosses as a number from waiters, a
//     logger as a sink number.
//   - Handles (OtbInstance*, OtbPending*) are unsafe.Pointers to Rust memory Go never reads.

// otbBuf is OtbBuf: bytes Rust allocated and handed to Go.
type otbBuf struct {
	_   structs.HostLayout
	ptr *byte
	len uintptr
	cap uintptr
}

// otbStr is OtbStr: bytes borrowed for a call.
type otbStr struct {
	_   structs.HostLayout
	ptr *byte
	len uintptr
}

// otbStatus is OtbStatus.
type otbStatus struct {
	_            structs.HostLayout
	code         uint32
	permanent    bool
	grpcCode     int32
	httpCode     int32
	retryAfterNs int64
	message      otbBuf
}

// otbResult is OtbResult.
type otbResult struct {
	_       structs.HostLayout
	status  otbStatus
	outcome uint32
	data    otbBuf
}

// otbHostStatus is OtbHostStatus: how a Go consumer answered a batch from Rust.
type otbHostStatus struct {
	_            structs.HostLayout
	code         uint32
	permanent    bool
	grpcCode     int32
	httpCode     int32
	retryAfterNs int64
	message      otbStr
}

// otbLibraryInfo is OtbLibraryInfo.
type otbLibraryInfo struct {
	_              structs.HostLayout
	abiMajor       uint32
	abiMinor       uint32
	componentCount uintptr
}

// otbComponentInfo is OtbComponentInfo.
type otbComponentInfo struct {
	_          structs.HostLayout
	typeName   otbStr
	kind       uint32
	signals    uint32
	signalsOut uint32
	stability  uint32
}

// otbEvent is OtbEvent: what Rust would have called back, queued (ABI 1.6).
type otbEvent struct {
	_                structs.HostLayout
	kind             uint32
	code             uint32
	handle           uint64
	id               uint64
	deadlineUnixNano int64
	value            float64
	text             otbBuf
	data             otbBuf
	result           otbResult
}

// The ABI's poll results.
const (
	pollReady   = 0
	pollPending = 1
)

// The kinds of otbEvent, as OTB_EVENT_*.
const (
	eventComplete   = 1
	eventLog        = 2
	eventStatus     = 3
	eventInstrument = 4
	eventRecord     = 5
	eventConsume    = 6
	eventMark       = 7
)

// What otelbridge_v1_events_next returns, as OTB_EVENTS_*.
const (
	eventsOK     = 0
	eventsClosed = 1
)

// bytes views the buffer in Rust memory; valid until it is freed.
func (b *otbBuf) bytes() []byte {
	if b.ptr == nil {
		return nil
	}
	return unsafe.Slice(b.ptr, int(b.len))
}

// bytes views borrowed bytes.
func (s otbStr) bytes() []byte {
	if s.ptr == nil {
		return nil
	}
	return unsafe.Slice(s.ptr, int(s.len))
}

// freeBuf releases a buffer Rust handed to Go and zeroes it. Safe on an empty buffer.
func freeBuf(buf *otbBuf) {
	if buf.ptr != nil {
		abiBufRelease(buf)
	}
	*buf = otbBuf{}
}

// bufString copies a Rust buffer into a Go string and frees it.
func bufString(buf *otbBuf) string {
	s := string(buf.bytes())
	freeBuf(buf)
	return s
}

// bytesPtr points at the first byte of b, or is nil for an empty slice (never a dangling pointer).
func bytesPtr(b []byte) *byte {
	if len(b) == 0 {
		return nil
	}
	return unsafe.SliceData(b)
}
