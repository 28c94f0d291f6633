package bridge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ErrClosed is returned by calls on an instance that is shutting down or shut down.
var ErrClosed = errors.New("the component is shut down")

// Code is the kind of a failed call, numbered as the C ABI's OTB_STATUS_* codes.
type Code uint32

// The status codes.
const (
	CodeOK                Code = 0
	CodePermanent         Code = 1
	CodeRetryable         Code = 2
	CodeCancelled         Code = 3
	CodeDeadlineExceeded  Code = 4
	CodeResourceExhausted Code = 5
	CodeInvalidConfig     Code = 6
	CodePanicked          Code = 7
	CodeInternal          Code = 8
)

func (c Code) String() string {
	switch c {
	case CodeOK:
		return "ok"
	case CodePermanent:
		return "permanent"
	case CodeRetryable:
		return "retryable"
	case CodeCancelled:
		return "cancelled"
	case CodeDeadlineExceeded:
		return "deadline exceeded"
	case CodeResourceExhausted:
		return "resource exhausted"
	case CodeInvalidConfig:
		return "invalid configuration"
	case CodePanicked:
		return "panicked"
	case CodeInternal:
		return "internal"
	}
	return fmt.Sprintf("code(%d)", uint32(c))
}

// Error is a failed call's status, as Rust reported it.
type Error struct {
	// Code is the error kind.
	Code Code
	// Permanent is true when retrying cannot help.
	Permanent bool
	// RetryAfter is how long to wait before retrying (0 when unset).
	RetryAfter time.Duration
	// GRPCCode and HTTPCode are explicit status codes (0 when unset).
	GRPCCode, HTTPCode int
	// Message says what went wrong.
	Message string
}

func (e *Error) Error() string {
	return e.Message
}

// defaultCodes are the gRPC and HTTP codes of each kind when Rust set none.
var defaultCodes = map[Code]struct {
	grpc codes.Code
	http int
}{
	CodePermanent:         {codes.Internal, http.StatusInternalServerError},
	CodeRetryable:         {codes.Unavailable, http.StatusServiceUnavailable},
	CodeCancelled:         {codes.Canceled, 499}, // nginx's "client closed request"; net/http has no name for it
	CodeDeadlineExceeded:  {codes.DeadlineExceeded, http.StatusGatewayTimeout},
	CodeResourceExhausted: {codes.ResourceExhausted, http.StatusTooManyRequests},
	CodeInvalidConfig:     {codes.InvalidArgument, http.StatusBadRequest},
	CodePanicked:          {codes.Internal, http.StatusInternalServerError},
	CodeInternal:          {codes.Internal, http.StatusInternalServerError},
}

// GRPCStatus is the gRPC status a receiver returns for this error (grpc's status.FromError finds
// it through any wrapping): the code Rust set, else the kind's default.
func (e *Error) GRPCStatus() *status.Status {
	code := codes.Code(e.GRPCCode)
	if e.GRPCCode == 0 {
		code = codes.Internal
		if d, ok := defaultCodes[e.Code]; ok {
			code = d.grpc
		}
	}
	return status.New(code, e.Message)
}

// HTTPStatus is the HTTP status for this error: the code Rust set, else the kind's default.
func (e *Error) HTTPStatus() int {
	if e.HTTPCode != 0 {
		return e.HTTPCode
	}
	if d, ok := defaultCodes[e.Code]; ok {
		return d.http
	}
	return http.StatusInternalServerError
}

// Unwrap lets errors.Is match context.Canceled and context.DeadlineExceeded.
func (e *Error) Unwrap() error {
	switch e.Code {
	case CodeCancelled:
		return context.Canceled
	case CodeDeadlineExceeded:
		return context.DeadlineExceeded
	}
	return nil
}
