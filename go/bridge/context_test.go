package bridge

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net"
	"testing"
	"time"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestContextRecordsCarryEveryMetadataKeyInOrder(t *testing.T) {
	ctx := client.NewContext(context.Background(), client.Info{Metadata: client.NewMetadata(map[string][]string{
		"b-key": {"2"},
		"a-key": {"x", "y"},
	})})
	got := encodeContext(nil, ctx)
	var want []byte
	for _, entry := range []struct {
		key    string
		values []string
	}{{"a-key", []string{"x", "y"}}, {"b-key", []string{"2"}}} {
		var record []byte
		record = appendString(record, entry.key)
		record = binary.LittleEndian.AppendUint32(record, uint32(len(entry.values)))
		for _, v := range entry.values {
			record = appendString(record, v)
		}
		want = append(want, contextMetadata)
		want = binary.LittleEndian.AppendUint32(want, uint32(len(record)))
		want = append(want, record...)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("records = %x\nwant      %x", got, want)
	}
	if len(encodeContext(nil, context.Background())) != 0 {
		t.Fatal("a context without metadata must encode to nothing")
	}
}

func TestDeadlinesCrossAsUnixNanoseconds(t *testing.T) {
	if deadlineNanos(context.Background()) != 0 {
		t.Fatal("no deadline must be 0")
	}
	at := time.Unix(1_700_000_000, 5)
	ctx, cancel := context.WithDeadline(context.Background(), at)
	defer cancel()
	if got := deadlineNanos(ctx); got != at.UnixNano() {
		t.Fatalf("deadline = %d, want %d", got, at.UnixNano())
	}
	// Past April 2262, UnixNano wraps into the past; the latest deadline an int64 holds is sent.
	far, cancelFar := context.WithDeadline(context.Background(), time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC))
	defer cancelFar()
	if got := deadlineNanos(far); got != math.MaxInt64 {
		t.Fatalf("deadline in 2300 = %d, want math.MaxInt64", got)
	}
}

func TestContextRecordsRoundTrip(t *testing.T) {
	traceID := trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	state, err := trace.ParseTraceState("vendor=x")
	if err != nil {
		t.Fatal(err)
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: traceID, SpanID: trace.SpanID{9, 9, 9, 9, 9, 9, 9, 9},
		TraceFlags: trace.FlagsSampled, TraceState: state, Remote: true,
	})
	ctx := client.NewContext(context.Background(), client.Info{
		Metadata: client.NewMetadata(map[string][]string{"x-tenant": {"a", "b"}, "empty": {}}),
		Addr:     &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 4318},
	})
	ctx = trace.ContextWithRemoteSpanContext(ctx, sc)

	info, gotSC, err := decodeContext(encodeContext(nil, ctx))
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Metadata.Get("x-tenant"); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("x-tenant = %v", got)
	}
	if info.Addr == nil || info.Addr.String() != "10.0.0.1:4318" {
		t.Errorf("addr = %v", info.Addr)
	}
	if !gotSC.Equal(sc) {
		t.Errorf("span context = %+v, want %+v", gotSC, sc)
	}
	if _, _, err := decodeContext([]byte{contextMetadata, 9, 0, 0, 0}); err == nil {
		t.Error("truncated records must be an error")
	}
	if got := parseAddr("unix-socket"); got.String() != "unix-socket" {
		t.Errorf("non-IP addresses keep their text, got %v", got)
	}
}

func TestGoErrorsGoBackToRustWithTheirKind(t *testing.T) {
	for _, tc := range []struct {
		err       error
		code      Code
		permanent bool
		grpc      int
	}{
		{errors.New("queue full"), CodeRetryable, false, 0},
		{consumererror.NewPermanent(errors.New("bad data")), CodePermanent, true, 0},
		{status.Error(codes.ResourceExhausted, "slow down"), CodeResourceExhausted, false, 8},
		{status.Error(codes.Unavailable, "later"), CodeRetryable, false, 14},
		{context.DeadlineExceeded, CodeDeadlineExceeded, false, 0},
		{fmt.Errorf("wrapped: %w", &Error{Code: CodeInvalidConfig, Permanent: true, Message: "x"}), CodeInvalidConfig, true, 0},
	} {
		got := asRustError(tc.err)
		if got.Code != tc.code || got.Permanent != tc.permanent || got.GRPCCode != tc.grpc || got.Message != tc.err.Error() {
			t.Errorf("%v: got %+v, want code %v permanent %v grpc %d", tc.err, got, tc.code, tc.permanent, tc.grpc)
		}
	}
}
