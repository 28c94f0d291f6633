// Package plugin writes the manifest of an otelbridge plugin: JSON in the library's ELF section
// SectionName, read by the collector without loading the library.
//
// The collector's reader, and the format's definition, is the Go shim module's package
// github.com/otelbridge/otelbridge/go/plugin. The builder cannot import it (requiring the shim
// module would put the collector's modules in the builder's module graph and raise the builder's
// own dependencies), so Manifest here is a copy of that package's struct, field for field and
// name for name; TestManifestMatchesTheReadersFixture holds the two to one shared fixture,
// go/plugin/testdata/manifest.json, which the reader's tests read strictly.
package plugin

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/otelbridge/otelbridge/builder/internal/toolchain"
)

// SectionName is the ELF section holding the manifest (go/plugin.SectionName).
const SectionName = ".otelbridge.manifest"

// FormatVersion is the manifest format written (go/plugin.FormatVersion).
const FormatVersion = 1

// Manifest is go/plugin.Manifest.
type Manifest struct {
	ManifestVersion int         `json:"manifest_version"`
	Name            string      `json:"name"`
	Version         string      `json:"version,omitempty"`
	ABI             ABIVersion  `json:"abi"`
	SDKVersion      string      `json:"sdk_version"`
	Rustc           Rustc       `json:"rustc"`
	Target          string      `json:"target"`
	Profile         string      `json:"profile"`
	Components      []Component `json:"components"`
	Crates          []Crate     `json:"crates"`
}

// ABIVersion is go/plugin.ABIVersion.
type ABIVersion struct {
	Major uint32 `json:"major"`
	Minor uint32 `json:"minor"`
}

// Rustc is go/plugin.Rustc.
type Rustc struct {
	Release    string `json:"release"`
	CommitHash string `json:"commit_hash"`
	Host       string `json:"host"`
}

// Component is go/plugin.Component.
type Component struct {
	Type       string   `json:"type"`
	Kind       string   `json:"kind"`
	Signals    []string `json:"signals"`
	SignalsOut []string `json:"signals_out,omitempty"`
	Stability  string   `json:"stability"`
}

// Crate is go/plugin.Crate.
type Crate struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Source   string `json:"source,omitempty"`
	Checksum string `json:"checksum,omitempty"`
}

// Marshal is the manifest as the section holds it: indented JSON, ending in a newline, so that
// `objcopy --dump-section` or `readelf -p` shows it readably.
func (m *Manifest) Marshal() ([]byte, error) {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Build is what the builder knows of a built plugin.
type Build struct {
	Name, Version string
	Registry      toolchain.Registry
	Rustc         toolchain.RustcVersion
	// Target is the triple cargo built for (the host's: the builder passes no --target).
	Target  string
	Profile string
	Lock    *Lock
}

// New is the manifest of a built plugin.
func New(b Build) (*Manifest, error) {
	m := &Manifest{
		ManifestVersion: FormatVersion,
		Name:            b.Name,
		Version:         b.Version,
		ABI:             ABIVersion{Major: b.Registry.ABIMajor, Minor: b.Registry.ABIMinor},
		SDKVersion:      b.Lock.SDKVersion,
		Rustc:           Rustc{Release: b.Rustc.Release, CommitHash: b.Rustc.CommitHash, Host: b.Rustc.Host},
		Target:          b.Target,
		Profile:         b.Profile,
		Crates:          b.Lock.Crates,
	}
	for _, c := range b.Registry.Components {
		stability, ok := stabilityNames[c.Stability]
		if !ok {
			return nil, fmt.Errorf("the %s %q has stability %d, which is not an OTB_STABILITY_* value", c.Kind, c.Type, c.Stability)
		}
		component := Component{Type: c.Type, Kind: c.Kind, Signals: SignalNames(c.Signals), Stability: stability}
		if c.Kind == "connector" {
			component.SignalsOut = SignalNames(c.SignalsOut)
		}
		m.Components = append(m.Components, component)
	}
	return m, nil
}

// signalBits are the OTB_SIGNAL_BIT_* masks, in the order manifests list them.
var signalBits = []struct {
	bit  uint32
	name string
}{{1 << 0, "traces"}, {1 << 1, "metrics"}, {1 << 2, "logs"}}

// SignalNames are the signals of an OTB_SIGNAL_BIT_* mask, in the order traces, metrics, logs
// (never nil: a component of no signal, an extension, has the empty list).
func SignalNames(mask uint32) []string {
	names := []string{}
	for _, s := range signalBits {
		if mask&s.bit != 0 {
			names = append(names, s.name)
		}
	}
	return names
}

// stabilityNames are the OTB_STABILITY_* values' names: component.StabilityLevel's, in lower case.
var stabilityNames = map[uint32]string{
	0: "undefined", 1: "unmaintained", 2: "deprecated", 3: "development", 4: "alpha", 5: "beta", 6: "stable",
}

// Summary is the manifest in a few lines, for the build log.
func (m *Manifest) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ABI %d.%d, otelbridge %s, rustc %s, %s, profile %s, %d crates\n",
		m.ABI.Major, m.ABI.Minor, m.SDKVersion, m.Rustc.Release, m.Target, m.Profile, len(m.Crates))
	for _, c := range m.Components {
		signals := strings.Join(c.Signals, ", ")
		if len(c.SignalsOut) > 0 {
			signals += " -> " + strings.Join(c.SignalsOut, ", ")
		}
		if signals == "" {
			signals = "no signals"
		}
		fmt.Fprintf(&b, "  %s %s (%s; %s)\n", c.Kind, c.Type, signals, c.Stability)
	}
	return b.String()
}
