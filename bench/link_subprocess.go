//go:build otelbridge_subprocess

package bench

import (
	"path/filepath"
	"runtime"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// In subprocess mode (build tag otelbridge_subprocess, built without cgo) the benchmarks run the
// test library's host program (`make rust` builds it) as a collector built with rust.mode
// subprocess does: the Rust components live in that child process and every call is a round
// trip over its socket (ffi/README.md, "Subprocess mode").
func init() {
	_, file, _, _ := runtime.Caller(0)
	bridge.UseHostProgramFile(filepath.Join(filepath.Dir(file), "..", "target", "release", "otelbridge-testlib-host"))
}

// rawCgoNop does not exist without cgo.
var rawCgoNop func()
