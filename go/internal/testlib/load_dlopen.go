//go:build !cgo && !otelbridge_subprocess

package testlib

import (
	"path/filepath"
	"runtime"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// Without cgo, the tests load the test library's shared build (`make rust` builds it beside the
// static one) through the shim's dlopen path, by its path in the checkout.
func init() {
	_, file, _, _ := runtime.Caller(0)
	bridge.UseLibraryFile(filepath.Join(filepath.Dir(file), "..", "..", "..", "target", "release", "libotelbridge_testlib.so"))
}
