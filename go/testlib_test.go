//go:build cgo

package otelbridge

// The Rust test components: probe (processor) and probeext (extension).
import _ "github.com/otelbridge/otelbridge/go/internal/testlib"
