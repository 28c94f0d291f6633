//go:build !cgo && !otelbridge_subprocess

package bench

import (
	"path/filepath"
	"runtime"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// Without cgo the benchmarks load the test library's shared build through the shim's purego
// path, as a collector built without cgo does: the same figures, the other way of calling.
func init() {
	_, file, _, _ := runtime.Caller(0)
	bridge.UseLibraryFile(filepath.Join(filepath.Dir(file), "..", "target", "release", "libotelbridge_testlib.so"))
}

// rawCgoNop does not exist without cgo.
var rawCgoNop func()
