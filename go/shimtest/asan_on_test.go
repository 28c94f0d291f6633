//go:build asan

package shimtest

// underASan: `go test -asan` (make sanitize). Freed memory then sits in AddressSanitizer's
// quarantine, so RSS measures the sanitizer, not the bridge; LeakSanitizer checks for leaks in
// that run instead.
const underASan = true
