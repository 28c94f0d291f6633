package bridge

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestEveryKindHasAGRPCAndAnHTTPStatus(t *testing.T) {
	cases := []struct {
		code Code
		grpc codes.Code
		http int
	}{
		{CodePermanent, codes.Internal, 500},
		{CodeRetryable, codes.Unavailable, 503},
		{CodeCancelled, codes.Canceled, 499},
		{CodeDeadlineExceeded, codes.DeadlineExceeded, 504},
		{CodeResourceExhausted, codes.ResourceExhausted, 429},
		{CodeInvalidConfig, codes.InvalidArgument, 400},
		{CodePanicked, codes.Internal, 500},
		{CodeInternal, codes.Internal, 500},
	}
	for _, tc := range cases {
		t.Run(tc.code.String(), func(t *testing.T) {
			err := fmt.Errorf("wrapped: %w", &Error{Code: tc.code, Message: "boom"})
			s, ok := status.FromError(err)
			if !ok || s.Code() != tc.grpc {
				t.Fatalf("gRPC status through wrapping = %v (found %v), want %v", s.Code(), ok, tc.grpc)
			}
			var rustErr *Error
			if !errors.As(err, &rustErr) || rustErr.HTTPStatus() != tc.http {
				t.Fatalf("HTTP status = %d, want %d", rustErr.HTTPStatus(), tc.http)
			}
		})
	}
}

func TestExplicitCodesWin(t *testing.T) {
	err := &Error{Code: CodeRetryable, GRPCCode: int(codes.Aborted), HTTPCode: 409, Message: "conflict"}
	if err.GRPCStatus().Code() != codes.Aborted || err.HTTPStatus() != 409 {
		t.Fatalf("got %v / %d", err.GRPCStatus().Code(), err.HTTPStatus())
	}
}

func TestCancellationKindsMatchTheContextErrors(t *testing.T) {
	if !errors.Is(&Error{Code: CodeCancelled}, context.Canceled) || !errors.Is(&Error{Code: CodeDeadlineExceeded}, context.DeadlineExceeded) {
		t.Fatal("cancelled and deadline errors must match context's errors")
	}
}
