package bridge

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"time"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Next is where a Rust receiver or connector sends what it produces: the next consumer of each
// signal in the collector's pipelines.
type Next struct {
	// Signals are the signals some pipeline consumes from the component.
	Signals Signals
	// Consume hands one batch of OTLP protobuf bytes to the next consumer of signal. data is Rust
	// memory, valid only until Consume returns: unmarshal it, never keep it.
	Consume func(ctx context.Context, signal Signal, data []byte) error
}

// errNoNext answers batches that arrive for an instance that is gone.
var errNoNext = consumererror.NewPermanent(errors.New("otelbridge: the component that produced this batch is shut down"))

// consumeContext rebuilds what a Rust component attached to a batch as a Go context: metadata and
// peer address as client.Info, the span context as the remote parent, and the deadline.
func consumeContext(records []byte, deadlineUnixNano int64) (context.Context, context.CancelFunc, error) {
	info, spanContext, err := decodeContext(records)
	if err != nil {
		return nil, nil, err
	}
	ctx := client.NewContext(context.Background(), info)
	if spanContext.IsValid() {
		ctx = trace.ContextWithRemoteSpanContext(ctx, spanContext)
	}
	if deadlineUnixNano > 0 {
		ctx, cancel := context.WithDeadline(ctx, time.Unix(0, deadlineUnixNano))
		return ctx, cancel, nil
	}
	return ctx, func() {}, nil
}

// asRustError is how a Go consumer's error goes back to Rust: permanent or not as consumererror
// says, with the gRPC code the error carries; an error that came from Rust keeps its own kind.
func asRustError(err error) *Error {
	var rustErr *Error
	if errors.As(err, &rustErr) {
		out := *rustErr
		out.Permanent = out.Permanent || consumererror.IsPermanent(err)
		out.Message = err.Error()
		return &out
	}
	out := &Error{Code: CodeRetryable, Message: err.Error()}
	if consumererror.IsPermanent(err) {
		out.Code, out.Permanent = CodePermanent, true
	}
	if s, ok := status.FromError(err); ok && s.Code() != codes.OK && s.Code() != codes.Unknown {
		out.GRPCCode = int(s.Code())
		if s.Code() == codes.ResourceExhausted {
			out.Code = CodeResourceExhausted
		}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		out.Code = CodeDeadlineExceeded
	case errors.Is(err, context.Canceled):
		out.Code = CodeCancelled
	}
	return out
}

// peerAddr is a client address that is not an IP and port.
type peerAddr string

func (a peerAddr) Network() string { return "tcp" }
func (a peerAddr) String() string  { return string(a) }

// parseAddr turns Rust's peer address text into the net.Addr Go components expect.
func parseAddr(s string) net.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return net.TCPAddrFromAddrPort(ap)
	}
	return peerAddr(s)
}
