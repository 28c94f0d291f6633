//go:build !cgo

package otelbridge

import (
	"strings"
	"testing"
)

// Without cgo the shim still compiles, and a Rust component's config says why it cannot work.
func TestWithoutCgoConfigsFailWithAClearError(t *testing.T) {
	err := NewProcessorFactory("redact").CreateDefaultConfig().(*Config).Validate()
	if err == nil || !strings.Contains(err.Error(), "otelbridge requires cgo") {
		t.Fatalf("Validate() = %v, want the requires-cgo error", err)
	}
	if _, err := ProcessorFactories(); err == nil {
		t.Fatal("ProcessorFactories without cgo must fail")
	}
}
