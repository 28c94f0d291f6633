package bench

import (
	"testing"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// The fixed cost of one call into the Rust library through the ABI (otelbridge_v1_nop), against
// its baseline: an empty C function of the same shape, the cost of cgo alone (in a build with
// cgo; without, `make bench` sets the abi figure beside the cgo build's).
func BenchmarkFixed(b *testing.B) {
	// Open the library before the loop, not in its first call (without cgo that loads it, in
	// subprocess mode it starts the host program). Nop reports no error: a library that cannot
	// be opened would otherwise be measured as a call that does nothing.
	if _, err := bridge.Open(); err != nil {
		b.Fatal(err)
	}
	if rawCgoNop != nil {
		b.Run("raw-cgo", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rawCgoNop()
			}
		})
	}
	b.Run("abi", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bridge.Nop()
		}
	})
}
