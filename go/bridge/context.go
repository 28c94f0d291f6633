package bridge

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/otel/trace"
)

// Context record tags (OTB_CONTEXT_*).
const (
	contextMetadata = 1 // one client.Info metadata key and its values
	contextPeerAddr = 2 // client.Info.Addr, as text
	contextTrace    = 3 // the span context: trace id, span id, flags, trace state
)

// latestDeadline is the last instant Unix nanoseconds in an int64 can say (April 2262).
var latestDeadline = time.Unix(0, math.MaxInt64)

// deadlineNanos is ctx's deadline in Unix nanoseconds, or 0 when it has none. A deadline past
// what an int64 holds is sent as the latest one it does (UnixNano would wrap it into the past,
// and Rust would see the call as already expired).
func deadlineNanos(ctx context.Context) int64 {
	deadline, ok := ctx.Deadline()
	switch {
	case !ok:
		return 0
	case deadline.After(latestDeadline):
		return math.MaxInt64
	default:
		return max(deadline.UnixNano(), 1)
	}
}

// encodeContext appends the context records of ctx to buf: one record per client.Info metadata
// key (in sorted key order so equal contexts encode equally), the client's address, and the span
// context.
func encodeContext(buf []byte, ctx context.Context) []byte {
	info := client.FromContext(ctx)
	buf = appendMetadata(buf, info.Metadata)
	if info.Addr != nil {
		addr := info.Addr.String()
		buf = append(buf, contextPeerAddr)
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(addr)))
		buf = append(buf, addr...)
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		state := sc.TraceState().String()
		traceID, spanID := sc.TraceID(), sc.SpanID()
		buf = append(buf, contextTrace)
		buf = binary.LittleEndian.AppendUint32(buf, uint32(16+8+1+len(state)))
		buf = append(buf, traceID[:]...)
		buf = append(buf, spanID[:]...)
		buf = append(buf, byte(sc.TraceFlags()))
		buf = append(buf, state...)
	}
	return buf
}

func appendMetadata(buf []byte, md client.Metadata) []byte {
	var keys []string
	for key := range md.Keys() {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		values := md.Get(key)
		size := 4 + len(key) + 4
		for _, v := range values {
			size += 4 + len(v)
		}
		buf = append(buf, contextMetadata)
		buf = binary.LittleEndian.AppendUint32(buf, uint32(size))
		buf = appendString(buf, key)
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(values)))
		for _, v := range values {
			buf = appendString(buf, v)
		}
	}
	return buf
}

// decodeContext reads the records a Rust component attached to a batch, the layout encodeContext
// writes: client.Info (metadata and address) and the span context. Unknown tags are skipped.
func decodeContext(records []byte) (client.Info, trace.SpanContext, error) {
	var info client.Info
	var spanContext trace.SpanContext
	md := map[string][]string{}
	errMalformed := errors.New("otelbridge: malformed context records from Rust")
	for len(records) > 0 {
		if len(records) < 5 {
			return info, spanContext, errMalformed
		}
		tag, n := records[0], int(binary.LittleEndian.Uint32(records[1:5]))
		if n > len(records)-5 {
			return info, spanContext, errMalformed
		}
		record := records[5 : 5+n]
		records = records[5+n:]
		switch tag {
		case contextMetadata:
			key, rest, ok := cutString(record)
			if !ok || len(rest) < 4 {
				return info, spanContext, errMalformed
			}
			count := int(binary.LittleEndian.Uint32(rest))
			rest = rest[4:]
			values := make([]string, 0, min(count, len(rest)/4))
			for range count {
				var value string
				if value, rest, ok = cutString(rest); !ok {
					return info, spanContext, errMalformed
				}
				values = append(values, value)
			}
			md[key] = values
		case contextPeerAddr:
			info.Addr = parseAddr(string(record))
		case contextTrace:
			if len(record) < 25 {
				return info, spanContext, errMalformed
			}
			state, err := trace.ParseTraceState(string(record[25:]))
			if err != nil {
				return info, spanContext, fmt.Errorf("otelbridge: trace state from Rust: %w", err)
			}
			spanContext = trace.NewSpanContext(trace.SpanContextConfig{
				TraceID:    trace.TraceID(record[:16]),
				SpanID:     trace.SpanID(record[16:24]),
				TraceFlags: trace.TraceFlags(record[24]),
				TraceState: state,
				Remote:     true,
			})
		}
	}
	if len(md) > 0 {
		info.Metadata = client.NewMetadata(md)
	}
	return info, spanContext, nil
}

// cutString reads a length-prefixed string (`[len: u32 LE][bytes]`) off the front of b; ok is
// false when b is too short.
func cutString(b []byte) (s string, rest []byte, ok bool) {
	if len(b) < 4 {
		return "", b, false
	}
	n := int(binary.LittleEndian.Uint32(b))
	if n > len(b)-4 {
		return "", b, false
	}
	return string(b[4 : 4+n]), b[4+n:], true
}

// appendString appends s in the layout cutString reads.
func appendString(buf []byte, s string) []byte {
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(s)))
	return append(buf, s...)
}
