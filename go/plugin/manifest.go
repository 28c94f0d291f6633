// Package plugin reads the manifest of an otelbridge plugin: a shared library of Rust components
// built on its own by `otelbridge-builder plugin`, which a collector loads at start-up. The
// manifest is JSON in the library's ELF section SectionName, a section the dynamic loader never
// maps, so it is read here with debug/elf without loading the library or running any of its code.
//
// This package holds the manifest's one Go definition and its JSON field names; the builder,
// which writes the manifest, is another module and keeps its own copy of the struct, held to this
// one by a shared fixture (testdata/manifest.json) that both modules' tests compare against.
package plugin // import "github.com/otelbridge/otelbridge/go/plugin"

import (
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// SectionName is the ELF section that holds a plugin's manifest: not allocated (SHF_ALLOC unset),
// so the dynamic loader never maps it and it costs the collector no memory.
const SectionName = ".otelbridge.manifest"

// FormatVersion is the manifest format this package reads (the manifest's "manifest_version").
// Fields are only ever added within a version, and readers ignore fields they do not know; a
// change that would mislead an older reader (a field removed, renamed or given another meaning)
// takes a new version, which this package refuses.
const FormatVersion = 1

// Manifest is what a plugin says of itself.
type Manifest struct {
	// ManifestVersion is the format version, FormatVersion.
	ManifestVersion int `json:"manifest_version"`
	// Name is the plugin's name, the builder manifest's dist.name (the file is <name>.so).
	Name string `json:"name"`
	// Version is dist.version, the plugin's own version ("" when the manifest gives none).
	Version string `json:"version,omitempty"`
	// ABI is the otelbridge C ABI the library speaks: what its otelbridge_v1_abi_version()
	// returns, (major << 16) | minor. A host refuses another major; within a major, a library of
	// minor N serves a host of any minor up to N (ffi/README.md, "Versioning").
	ABI ABIVersion `json:"abi"`
	// SDKVersion is the version of the otelbridge crate (the Rust SDK) in the plugin's Cargo.lock.
	SDKVersion string `json:"sdk_version"`
	// Rustc is the compiler that built the library.
	Rustc Rustc `json:"rustc"`
	// Target is the target triple the library was built for ("x86_64-unknown-linux-gnu").
	Target string `json:"target"`
	// Profile is the cargo profile the library was built with ("release").
	Profile string `json:"profile"`
	// Components are the library's registry, in its order (the builder manifest's).
	Components []Component `json:"components"`
	// Crates are every package of the plugin's Cargo.lock but the builder's generated one, in the
	// lock file's order (by name, then version).
	Crates []Crate `json:"crates"`
}

// ABIVersion is an otelbridge C ABI version.
type ABIVersion struct {
	Major uint32 `json:"major"`
	Minor uint32 `json:"minor"`
}

// String is "major.minor".
func (v ABIVersion) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Rustc is what `rustc -vV` says of itself.
type Rustc struct {
	// Release is its version ("1.95.0").
	Release string `json:"release"`
	// CommitHash is the commit it was built from ("unknown" for some distributions' builds).
	CommitHash string `json:"commit_hash"`
	// Host is its host triple.
	Host string `json:"host"`
}

// Component is one entry of the library's registry.
type Component struct {
	// Type is the name operators write in the collector config ("redact").
	Type string `json:"type"`
	// Kind is "receiver", "processor", "exporter", "extension" or "connector".
	Kind string `json:"kind"`
	// Signals are the signals it consumes (a receiver: produces), of "traces", "metrics",
	// "logs", in that order.
	Signals []string `json:"signals"`
	// SignalsOut are the signals a connector produces; empty for other kinds.
	SignalsOut []string `json:"signals_out,omitempty"`
	// Stability is the collector's stability level, as component.StabilityLevel prints it in
	// lower case: "undefined", "unmaintained", "deprecated", "development", "alpha", "beta" or
	// "stable".
	Stability string `json:"stability"`
}

// Crate is one package of the plugin's Cargo.lock.
type Crate struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Source is where it came from, as Cargo.lock says ("registry+https://github.com/rust-lang/crates.io-index",
	// "git+https://...#<commit>"); absent for a path dependency, which Cargo.lock gives none.
	Source string `json:"source,omitempty"`
	// Checksum is the registry package's SHA-256, as Cargo.lock has it; absent for path and git
	// dependencies.
	Checksum string `json:"checksum,omitempty"`
}

// ErrNoManifest is returned (wrapped) for an ELF file without the manifest section: not an
// otelbridge plugin.
var ErrNoManifest = errors.New("no " + SectionName + " section: not an otelbridge plugin")

// ReadFile reads the manifest of the plugin at path, without loading it. Errors name the file.
func ReadFile(path string) (*Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Read reads the manifest of the plugin r holds: an ELF file.
func Read(r io.ReaderAt) (*Manifest, error) {
	data, err := Section(r)
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// Section returns the manifest section's bytes of the ELF file r holds, unparsed.
func Section(r io.ReaderAt) ([]byte, error) {
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, fmt.Errorf("not an ELF file: %w", err)
	}
	defer f.Close()
	s := f.Section(SectionName)
	if s == nil {
		return nil, ErrNoManifest
	}
	if s.Type == elf.SHT_NOBITS {
		return nil, fmt.Errorf("the %s section holds no data (SHT_NOBITS)", SectionName)
	}
	data, err := s.Data()
	if err != nil {
		return nil, fmt.Errorf("reading the %s section: %w", SectionName, err)
	}
	return data, nil
}

// Parse reads a manifest's JSON, refusing a format version other than FormatVersion and a
// manifest without the fields every plugin has (its ABI version and at least one component).
func Parse(data []byte) (*Manifest, error) {
	var version struct {
		ManifestVersion *int `json:"manifest_version"`
	}
	if err := json.Unmarshal(data, &version); err != nil {
		return nil, fmt.Errorf("the %s section is not a JSON manifest: %w", SectionName, err)
	}
	if version.ManifestVersion == nil {
		return nil, fmt.Errorf("the manifest has no manifest_version")
	}
	if *version.ManifestVersion != FormatVersion {
		return nil, fmt.Errorf("manifest_version %d: this collector reads version %d (a plugin from a newer otelbridge-builder?)", *version.ManifestVersion, FormatVersion)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("reading the manifest: %w", err)
	}
	switch {
	case m.ABI.Major == 0:
		return nil, fmt.Errorf("the manifest gives no ABI major version")
	case len(m.Components) == 0:
		return nil, fmt.Errorf("the manifest lists no component")
	}
	return &m, nil
}
