package bridge

import "time"

// statusError turns a failed status into an *Error and frees its message.
func statusError(status *otbStatus) error {
	if Code(status.code) == CodeOK {
		freeBuf(&status.message)
		return nil
	}
	return &Error{
		Code:       Code(status.code),
		Permanent:  status.permanent,
		RetryAfter: time.Duration(status.retryAfterNs),
		GRPCCode:   int(status.grpcCode),
		HTTPCode:   int(status.httpCode),
		Message:    bufString(&status.message),
	}
}
