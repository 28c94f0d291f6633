//go:build otelbridge_subprocess

package testlib

import (
	"path/filepath"
	"runtime"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// In subprocess mode, the tests run the test library's host program (`make rust` builds it) by
// its path in the checkout: the Rust components live in that child process.
func init() {
	_, file, _, _ := runtime.Caller(0)
	bridge.UseHostProgramFile(filepath.Join(filepath.Dir(file), "..", "..", "..", "target", "release", "otelbridge-testlib-host"))
}
