// Package shimtest is the Go shim's behavioural suite: every Rust component kind through its
// real collector factory, driven by the collector's own test helpers and contract checkers.
//
// It is a module of its own so that what only these tests need (otlpreceiver, receivertest,
// the *test helpers) stays out of the module graph of every collector that uses the shim. Its
// go.mod requires the oldest supported collector release; `make test-go` also runs it at the
// newest (scripts/pin-collector-release.sh).
package shimtest

// The Rust test components: probe (processor) and probeext (extension).
import _ "github.com/otelbridge/otelbridge/go/internal/testlib"
