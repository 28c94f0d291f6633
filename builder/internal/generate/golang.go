package generate

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"golang.org/x/mod/modfile"

	"github.com/otelbridge/otelbridge/builder/internal/release"
)

// LinkModulePath is the Go module that links the Rust library.
const LinkModulePath = "otelbridge.local/link"

// Linkage is how the binary gets the Rust library: link.go is templates/link_<linkage>.go.tmpl.
type Linkage string

// The linkages: rust.mode and rust.link.
const (
	// CgoStatic links the static library into the binary with cgo.
	CgoStatic Linkage = "cgo_static"
	// CgoShared links with cgo against the shared library, which the binary finds beside itself
	// (rpath $ORIGIN).
	CgoShared Linkage = "cgo_shared"
	// DlopenEmbedded embeds the shared library in the binary (go:embed): the bridge, built
	// without cgo, loads it from memory.
	DlopenEmbedded Linkage = "dlopen_embedded"
	// DlopenShared names the shared library beside the binary: the bridge, built without cgo,
	// loads it from the executable's directory.
	DlopenShared Linkage = "dlopen_shared"
	// SubprocessEmbedded embeds the host program in the binary (go:embed): the bridge, built for
	// subprocess mode, runs it from memory.
	SubprocessEmbedded Linkage = "subprocess_embedded"
	// SubprocessBeside names the host program beside the binary: the bridge, built for
	// subprocess mode, runs it from the executable's directory.
	SubprocessBeside Linkage = "subprocess_beside"
)

// Link is the Go module that links the Rust library into the binary, or hands it to the bridge.
type Link struct {
	Manifest string
	// Module is the module path (LinkModulePath).
	Module string
	// Linkage selects link.go's template.
	Linkage Linkage
	// Library is the file name of the library copied beside link.go (cgo and dlopen).
	Library string
	// HostProgram is the file name of the host program copied beside link.go
	// (SubprocessEmbedded).
	HostProgram string
	// HostName is the host program's name (subprocess): the file beside the binary
	// (SubprocessBeside), or the name the embedded one runs as, which ps shows
	// (SubprocessEmbedded).
	HostName string
	// LinkName is the -l name of the shared library (CgoShared).
	LinkName string
	// NativeLibs are the system libraries the static library needs (CgoStatic).
	NativeLibs string
	// LibrarySHA256 is the static library's content hash, written into link.go (CgoStatic): Go's
	// build cache does not hash files named in #cgo LDFLAGS, so without it a changed library is
	// not relinked. (It does hash a go:embed file: the dlopen linkages need no hash.)
	LibrarySHA256 string
	// Release is the collector release of the build ("v0.165.0/v1.71.0"), and Requires the core
	// modules the link module requires at it: every core module the otelbridge Go module
	// requires (at the window's oldest release), so that minimal version selection raises them
	// all to the manifest's release.
	Release  string
	Requires []Require
}

// Dlopen tells whether the bridge loads the library, without cgo: the link module then imports
// it, and so requires the otelbridge Go module.
func (l Link) Dlopen() bool {
	return l.Linkage == DlopenEmbedded || l.Linkage == DlopenShared
}

// Subprocess tells whether the bridge runs the host program (rust.mode subprocess): the link
// module then imports it, and so requires the otelbridge Go module.
func (l Link) Subprocess() bool {
	return l.Linkage == SubprocessEmbedded || l.Linkage == SubprocessBeside
}

// Require is one requirement of a go.mod.
type Require struct{ Path, Version string }

// CoreRequires reads the go.mod at path (the otelbridge Go module's) and returns each core
// collector module it requires, directly or not, at release r: a v1.M requirement at r's v1
// version, a v0.N one at its v0 version.
func CoreRequires(path string, r release.Release) ([]Require, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	file, err := modfile.ParseLax(path, data, nil)
	if err != nil {
		return nil, err
	}
	var requires []Require
	for _, req := range file.Require {
		if release.IsCore(req.Mod.Path) {
			requires = append(requires, Require{Path: req.Mod.Path, Version: r.VersionLike(req.Mod.Version)})
		}
	}
	sort.Slice(requires, func(i, j int) bool { return requires[i].Path < requires[j].Path })
	return requires, nil
}

// WriteLink writes the link module into dir.
func WriteLink(dir string, link Link) error {
	switch link.Linkage {
	case CgoStatic, CgoShared, DlopenEmbedded, DlopenShared, SubprocessEmbedded, SubprocessBeside:
	default:
		return fmt.Errorf("link module: unknown linkage %q", link.Linkage)
	}
	if err := renderTo(filepath.Join(dir, "go.mod"), "link.go.mod.tmpl", link); err != nil {
		return err
	}
	return renderTo(filepath.Join(dir, "link.go"), "link_"+string(link.Linkage)+".go.tmpl", link)
}

// Component is the Go module through which ocb's generated code creates one Rust component.
type Component struct {
	Manifest string
	// Module is the module path, e.g. otelbridge.local/processor/redact.
	Module string
	// Package is the Go package name.
	Package string
	// Kind is the component kind, singular ("processor").
	Kind string
	// Type is the component type name.
	Type string
	// Entry names the manifest entry ("processor module at index 0"); Cargo is its cargo line.
	Entry, Cargo string
	// LinkModule is LinkModulePath.
	LinkModule string
	// Constructor is the otelbridge function that makes NewFactory.
	Constructor string
}

// Constructors of the otelbridge Go package, by kind.
var constructors = map[string]string{
	"receiver":  "ReceiverFactoryFunc",
	"processor": "ProcessorFactoryFunc",
	"exporter":  "ExporterFactoryFunc",
	"extension": "ExtensionFactoryFunc",
	"connector": "ConnectorFactoryFunc",
}

// NewComponent describes the Go module of the Rust component typ of kind (singular).
func NewComponent(manifest, kind, typ, entry, cargo string) (Component, error) {
	constructor, ok := constructors[kind]
	if !ok {
		return Component{}, fmt.Errorf("%s: %q is not a component kind", entry, kind)
	}
	return Component{
		Manifest:    manifest,
		Module:      fmt.Sprintf("otelbridge.local/%s/%s", kind, typ),
		Package:     typ + kind,
		Kind:        kind,
		Type:        typ,
		Entry:       entry,
		Cargo:       cargo,
		LinkModule:  LinkModulePath,
		Constructor: constructor,
	}, nil
}

// WriteComponent writes the component's module into dir.
func WriteComponent(dir string, c Component) error {
	if err := renderTo(filepath.Join(dir, "go.mod"), "component.go.mod.tmpl", c); err != nil {
		return err
	}
	return renderTo(filepath.Join(dir, "factory.go"), "factory.go.tmpl", c)
}
