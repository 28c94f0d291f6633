package bridge

import (
	"context"
	"reflect"
	"testing"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/otel/trace"
)

// FuzzDecodeContext: any context records Rust attaches to a batch it sends (a receiver's or a
// connector's) decode or fail with an error, never a panic; what decodes encodes to records that
// decode to the same metadata and span context.
func FuzzDecodeContext(f *testing.F) {
	ctx := client.NewContext(context.Background(), client.Info{Metadata: client.NewMetadata(map[string][]string{
		"x-tenant": {"a", "b"}, "x-bin": {"\xff\x00"},
	})})
	f.Add(encodeContext(nil, ctx))
	f.Add([]byte{contextPeerAddr, 15, 0, 0, 0, '1', '2', '7', '.', '0', '.', '0', '.', '1', ':', '4', '3', '1', '7', '0'})
	f.Add(append([]byte{contextTrace, 33, 0, 0, 0}, append(make([]byte, 25), "vendor=x"...)...))
	f.Fuzz(func(t *testing.T, records []byte) {
		info, sc, err := decodeContext(records)
		if err != nil {
			return
		}
		again := client.NewContext(context.Background(), info)
		if sc.IsValid() {
			again = trace.ContextWithSpanContext(again, sc)
		}
		info2, sc2, err := decodeContext(encodeContext(nil, again))
		if err != nil {
			t.Fatalf("records Go encodes do not decode: %v", err)
		}
		for key := range info.Metadata.Keys() {
			if !reflect.DeepEqual(info.Metadata.Get(key), info2.Metadata.Get(key)) {
				t.Fatalf("metadata %q: %q, then %q", key, info.Metadata.Get(key), info2.Metadata.Get(key))
			}
		}
		if sc.IsValid() && !sc.Equal(sc2) {
			t.Fatalf("span context %v, then %v", sc, sc2)
		}
	})
}
