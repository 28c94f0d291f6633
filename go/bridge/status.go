//go:build cgo

package bridge

// #include "otelbridge.h"
import "C"

import "time"

// statusError turns a failed status into an *Error and frees its message.
func statusError(status *C.OtbStatus) error {
	if status.code == C.OTB_STATUS_OK {
		freeBuf(status.message)
		return nil
	}
	return &Error{
		Code:       Code(status.code),
		Permanent:  bool(status.permanent),
		RetryAfter: time.Duration(status.retry_after_ns),
		GRPCCode:   int(status.grpc_code),
		HTTPCode:   int(status.http_code),
		Message:    bufString(status.message),
	}
}
