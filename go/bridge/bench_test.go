//go:build cgo && !otelbridge_subprocess

package bridge

import (
	"testing"

	_ "github.com/otelbridge/otelbridge/go/internal/testlib"
)

// The fixed cost of a call into the Rust library, against an empty C function: compare with
// `go test -bench 'Nop' ./bridge`.
func BenchmarkRawCgoNop(b *testing.B) {
	for b.Loop() {
		rawCgoNop()
	}
}
