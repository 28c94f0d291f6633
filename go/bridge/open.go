package bridge

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

// Open loads the Rust library if the binary does not link it (a build without cgo), performs the
// handshake (once per process) and reads the registry.
func Open() (*Library, error) {
	openOnce.Do(func() { opened, openErr = open() })
	return opened, openErr
}

func open() (*Library, error) {
	name, err := loadLibrary()
	if err != nil {
		return nil, err
	}
	version := abiVersion()
	if major := version >> 16; major != abiMajor {
		return nil, fmt.Errorf("%s speaks otelbridge ABI %d.%d, this collector %d.%d: rebuild both from the same otelbridge release",
			name, major, version&0xffff, abiMajor, abiMinor)
	}
	var info otbLibraryInfo
	var status otbStatus
	if abiHandshake(levelOf(defaultLogger()), &info, &status) != uint32(CodeOK) {
		return nil, fmt.Errorf("otelbridge handshake with %s: %w", name, statusError(&status))
	}
	var entries *otbComponentInfo
	var count uintptr
	if abiRegistry(&entries, &count, &status) != uint32(CodeOK) {
		return nil, fmt.Errorf("otelbridge registry of %s: %w", name, statusError(&status))
	}
	lib := &Library{ABIMajor: info.abiMajor, ABIMinor: info.abiMinor}
	for i, entry := range unsafe.Slice(entries, int(count)) {
		lib.Components = append(lib.Components, &Component{
			index:      uint32(i),
			Type:       string(entry.typeName.bytes()),
			Kind:       Kind(entry.kind),
			Signals:    Signals(entry.signals),
			SignalsOut: Signals(entry.signalsOut),
			Stability:  Stability(entry.stability),
		})
	}
	return lib, nil
}

// ConfigureRuntime sets the Rust runtime's worker thread count (0: one per CPU). It only takes
// effect before the first component starts.
func ConfigureRuntime(workerThreads int) error {
	if _, err := Open(); err != nil {
		return err
	}
	var status otbStatus
	if abiRuntimeConfigure(uint32(workerThreads), &status) != uint32(CodeOK) {
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
	var status otbStatus
	if abiRuntimeConfigureJSON(settings, validateOnly, &status) != uint32(CodeOK) {
		return statusError(&status)
	}
	return nil
}

// Nop calls the library's empty function: the fixed cost of one call into Rust.
func Nop() {
	abiNop()
}
