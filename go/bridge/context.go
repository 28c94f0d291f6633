package bridge

import (
	"context"
	"encoding/binary"
	"sort"

	"go.opentelemetry.io/collector/client"
)

// contextMetadata is the record tag of one metadata entry (OTB_CONTEXT_METADATA).
const contextMetadata = 1

// deadlineNanos is ctx's deadline in Unix nanoseconds, or 0 when it has none.
func deadlineNanos(ctx context.Context) int64 {
	if deadline, ok := ctx.Deadline(); ok {
		return max(deadline.UnixNano(), 1)
	}
	return 0
}

// encodeContext appends the context records of ctx to buf: one record per client.Info metadata
// key, in sorted key order so equal contexts encode equally.
func encodeContext(buf []byte, ctx context.Context) []byte {
	md := client.FromContext(ctx).Metadata
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

func appendString(buf []byte, s string) []byte {
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(s)))
	return append(buf, s...)
}
