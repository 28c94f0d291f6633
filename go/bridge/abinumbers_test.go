//go:build cgo

package bridge

import (
	"testing"

	"go.opentelemetry.io/collector/component"
)

// The shim's copies of the ABI's numbers must equal the header's, one by one.
func TestEveryABINumberInGoEqualsTheHeaders(t *testing.T) {
	for _, n := range abiNumbers() {
		if n.goValue != n.header {
			t.Errorf("%s = %d, but the header's %s = %d", n.name, n.goValue, n.headerName, n.header)
		}
	}
}

// The shim's declarations of the ABI's structs must lay out as the header's, field by field.
func TestEveryABIStructInGoHasTheHeadersLayout(t *testing.T) {
	for _, l := range abiLayouts() {
		if l.goValue != l.cgo {
			t.Errorf("%s: %d in Go, %d in the header", l.name, l.goValue, l.cgo)
		}
	}
}

// Stability crosses as the collector's own component.StabilityLevel value.
func TestTheHeadersStabilityLevelsAreTheCollectors(t *testing.T) {
	want := []component.StabilityLevel{
		component.StabilityLevelUndefined, component.StabilityLevelUnmaintained,
		component.StabilityLevelDeprecated, component.StabilityLevelDevelopment,
		component.StabilityLevelAlpha, component.StabilityLevelBeta, component.StabilityLevelStable,
	}
	for i, level := range headerStabilities() {
		if level != uint64(want[i]) {
			t.Errorf("header stability %d = %d, the collector's %v = %d", i, level, want[i], want[i])
		}
	}
}
