//go:build !asan

package shimtest

// underASan: see asan_on_test.go.
const underASan = false
