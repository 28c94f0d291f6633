//go:build cgo

package bridge

// #include "otelbridge.h"
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

var (
	openOnce sync.Once
	opened   *Library
	openErr  error
)

// Open performs the handshake with the linked library (once per process) and reads its registry.
func Open() (*Library, error) {
	openOnce.Do(func() { opened, openErr = open() })
	return opened, openErr
}

func open() (*Library, error) {
	version := uint32(C.otelbridge_v1_abi_version())
	if major := version >> 16; major != abiMajor {
		return nil, fmt.Errorf("the linked Rust library speaks otelbridge ABI %d.%d, this collector %d.%d: rebuild both from the same otelbridge release",
			major, version&0xffff, abiMajor, abiMinor)
	}
	callbacks := hostCallbacks(levelOf(defaultLogger()))
	var info C.OtbLibraryInfo
	var status C.OtbStatus
	if C.otelbridge_v1_handshake(abiMajor, abiMinor, &callbacks, &info, &status) != C.OTB_STATUS_OK {
		return nil, fmt.Errorf("otelbridge handshake: %w", statusError(&status))
	}
	var entries *C.OtbComponentInfo
	var count C.size_t
	if C.otelbridge_v1_registry(&entries, &count, &status) != C.OTB_STATUS_OK {
		return nil, fmt.Errorf("otelbridge registry: %w", statusError(&status))
	}
	lib := &Library{ABIMajor: uint32(info.abi_major), ABIMinor: uint32(info.abi_minor)}
	for i, entry := range unsafe.Slice(entries, int(count)) {
		lib.Components = append(lib.Components, &Component{
			index:      uint32(i),
			Type:       C.GoStringN((*C.char)(unsafe.Pointer(entry.type_name.ptr)), C.int(entry.type_name.len)),
			Kind:       Kind(entry.kind),
			Signals:    Signals(entry.signals),
			SignalsOut: Signals(entry.signals_out),
			Stability:  Stability(entry.stability),
		})
	}
	return lib, nil
}

// ConfigureRuntime sets the Rust runtime's worker thread count (0: one per CPU). It only takes
// effect before the first component starts.
func ConfigureRuntime(workerThreads int) error {
	var status C.OtbStatus
	if C.otelbridge_v1_runtime_configure(C.uint32_t(workerThreads), &status) != C.OTB_STATUS_OK {
		return statusError(&status)
	}
	return nil
}

// ConfigureRuntimeSettings hands the Rust runtime its settings as JSON (the fields of
// otelbridge::runtime::RuntimeSettings), or with validateOnly only checks them. The settings take
// effect at the runtime's first use (the first start of a Rust component); until then a second,
// different call fails, and afterwards every call fails unless its settings are the running ones.
// Errors are *Error with CodeInvalidConfig, their message naming the field.
func ConfigureRuntimeSettings(settings []byte, validateOnly bool) error {
	if _, err := Open(); err != nil {
		return err
	}
	var status C.OtbStatus
	code := C.otelbridge_v1_runtime_configure_json(bytesPtr(settings), C.size_t(len(settings)), C.bool(validateOnly), &status)
	if code != C.OTB_STATUS_OK {
		return statusError(&status)
	}
	return nil
}

// Nop calls the library's empty function: the fixed cost of one call into Rust.
func Nop() {
	C.otelbridge_v1_nop(nil)
}
