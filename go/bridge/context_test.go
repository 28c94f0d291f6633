package bridge

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"
	"time"

	"go.opentelemetry.io/collector/client"
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
}
