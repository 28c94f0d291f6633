//go:build !cgo || otelbridge_subprocess

package otelbridge

import (
	"strings"
	"testing"
)

// Without cgo a collector loads its Rust library, in subprocess mode it runs its host program;
// one that names none still starts, and a Rust component's config says why it cannot work.
func TestWithoutCgoAndWithoutALibraryConfigsFailWithAClearError(t *testing.T) {
	err := NewProcessorFactory("redact").CreateDefaultConfig().(*Config).Validate()
	if err == nil || !strings.Contains(err.Error(), "names no Rust") {
		t.Fatalf("Validate() = %v, want the no-library error", err)
	}
	if _, err := ProcessorFactories(); err == nil {
		t.Fatal("ProcessorFactories without a library must fail")
	}
}
