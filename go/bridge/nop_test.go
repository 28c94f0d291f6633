package bridge_test

import (
	"testing"

	"github.com/otelbridge/otelbridge/go/bridge"
	_ "github.com/otelbridge/otelbridge/go/internal/testlib"
)

// The fixed cost of one call into the Rust library, with cgo or without (purego): compare with
// BenchmarkRawCgoNop.
func BenchmarkABINop(b *testing.B) {
	if _, err := bridge.Open(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		bridge.Nop()
	}
}
