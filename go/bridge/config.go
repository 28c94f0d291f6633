//go:build cgo

package bridge

// #include "otelbridge.h"
import "C"

import "unsafe"

// DefaultConfig returns the component's default config as JSON.
func (c *Component) DefaultConfig() ([]byte, error) {
	var out C.OtbBuf
	var status C.OtbStatus
	if C.otelbridge_v1_config_default(C.uint32_t(c.index), &out, &status) != C.OTB_STATUS_OK {
		return nil, statusError(&status)
	}
	json := C.GoBytes(unsafe.Pointer(out.ptr), C.int(out.len))
	freeBuf(out)
	return json, nil
}

// ValidateConfig checks a JSON config; the error names the offending field's path.
func (c *Component) ValidateConfig(json []byte) error {
	var status C.OtbStatus
	if C.otelbridge_v1_config_validate(C.uint32_t(c.index), bytesPtr(json), C.size_t(len(json)), &status) != C.OTB_STATUS_OK {
		return statusError(&status)
	}
	return nil
}
