// Package manifest reads a builder manifest: upstream's schema (ocb's, the same at every release
// of the window), where an entry of the five component lists may give `cargo:` (a Cargo.toml
// dependency line) instead of `gomod:`, plus a `rust:` section. It reads the document as ocb does (YAML, then mapstructure with weakly
// typed input and case-insensitive keys), so every manifest ocb accepts loads here too.
package manifest

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-viper/mapstructure/v2"
	"go.yaml.in/yaml/v3"

	"github.com/otelbridge/otelbridge/builder/internal/release"
)

// Kind is a component list of the manifest.
type Kind string

// The five component lists, which may hold cargo modules.
const (
	Receivers  Kind = "receivers"
	Processors Kind = "processors"
	Exporters  Kind = "exporters"
	Extensions Kind = "extensions"
	Connectors Kind = "connectors"
)

// Kinds are the component lists in the order Manifest.Modules holds them.
var Kinds = []Kind{Receivers, Processors, Exporters, Extensions, Connectors}

// Singular is the kind's name for one component: "receiver", "processor", ...
func (k Kind) Singular() string { return strings.TrimSuffix(string(k), "s") }

// Module is one entry of a component list.
type Module struct {
	Kind   Kind
	Index  int    // position in its list
	GoMod  string // `gomod:` (upstream)
	Import string // `import:` (upstream)
	Name   string // `name:` (upstream)
	Path   string // `path:` (upstream; relative to the working directory ocb runs in)
	// Cargo is `cargo:`, a Cargo.toml dependency line, inserted literally:
	// `redact = { path = "../examples/redact" }`, `myexporter = "1.2"`.
	Cargo string
}

// String names the module as ocb does: "processor module at index 2".
func (m Module) String() string {
	return fmt.Sprintf("%s module at index %d", m.Kind.Singular(), m.Index)
}

// Rust is the `rust:` section (ours).
type Rust struct {
	// Mode is rust.mode resolved: ModeCgo, ModeDlopen or ModeSubprocess (Load resolves auto to
	// one of the first two). ModeReason says why, for the build log: "rust.mode: cgo", "auto:
	// dist.cgo_enabled is not true".
	Mode       Mode
	ModeReason string
	// Link is rust.link, else the mode's default: static (default) or shared with cgo, embedded
	// (default) or shared with dlopen, embedded (default) or beside with subprocess.
	Link     Link
	Profile  string   // cargo profile (default "release")
	Features []string // extra cargo features, e.g. "redact/simd"
	// Patches are the `[patch.<source>]` entries: source ("crates-io" or a git URL) -> dependency
	// lines, as `cargo:` lines, with any relative `path` already made absolute (against the
	// manifest's directory).
	Patches map[string][]string
	// Otelbridge is the otelbridge checkout whose rust/otelbridge-abi and go/ the build uses
	// ("" when not given: the caller fills it in); absolute, a relative one resolved against
	// the manifest's directory.
	Otelbridge string
}

// Manifest is a loaded builder manifest.
type Manifest struct {
	File string         // absolute path of the manifest file
	Raw  map[string]any // the whole document, as parsed, for pass-through to ocb
	// Name is dist.name; when empty, what ocb's `go build` then names the binary: the last
	// element of dist.module (ocb's default module gives "builder").
	Name string
	// OutputPath is dist.output_path as written (relative ones are relative to the working
	// directory, as for ocb). When the manifest gives none, Load does what ocb does, a fresh
	// os.MkdirTemp("", "otelcol-distribution"), and Derive writes it into ocb's manifest.
	OutputPath string
	// OutputPathGiven tells whether the manifest gives dist.output_path.
	OutputPathGiven bool
	// Version is dist.version as written (a plugin's manifest records it).
	Version string
	// Plugin tells whether the manifest was loaded as a plugin's (LoadPlugin).
	Plugin bool
	// BuildTags is dist.build_tags as written: Derive adds SubprocessTag to it in subprocess mode.
	BuildTags string
	// Modules are every entry of the five component lists, in Kinds order, then index order.
	Modules []Module
	Rust    Rust
	// Release is the collector release the build is for: the one every core module
	// (go.opentelemetry.io/collector/...) names, else the newest of the window. ReleaseNamed
	// tells which.
	Release      release.Release
	ReleaseNamed bool
	// Warnings name each key unknown to both ocb and us, which ocb ignores:
	// `unknown key "dist.colour" (ignored)`, `unknown key "processors[1].gomodd" (ignored)`.
	Warnings []string
}

// ocb's defaults (config.go, NewDefaultConfig) that the typed view needs.
const (
	defaultDistModule = "go.opentelemetry.io/collector/cmd/builder"
	defaultProfile    = "release"
)

// defaultProviders are ocb's default `providers:`, at ocb's own release (the manifest's). ocb
// decodes the manifest over them, so a manifest's providers[i] (i < 5) keeps the default gomod
// when it gives none.
var defaultProviders = []entry{
	{GoMod: "go.opentelemetry.io/collector/confmap/provider/envprovider " + release.Newest.V1()},
	{GoMod: "go.opentelemetry.io/collector/confmap/provider/fileprovider " + release.Newest.V1()},
	{GoMod: "go.opentelemetry.io/collector/confmap/provider/httpprovider " + release.Newest.V1()},
	{GoMod: "go.opentelemetry.io/collector/confmap/provider/httpsprovider " + release.Newest.V1()},
	{GoMod: "go.opentelemetry.io/collector/confmap/provider/yamlprovider " + release.Newest.V1()},
}

// document is the typed view: ocb's schema (its keys and Go types, so that decoding accepts
// and rejects what ocb's does) plus ours (`cargo` in entries, `rust`).
type document struct {
	Dist         distribution `mapstructure:"dist"`
	Exporters    []entry      `mapstructure:"exporters"`
	Extensions   []entry      `mapstructure:"extensions"`
	Receivers    []entry      `mapstructure:"receivers"`
	Processors   []entry      `mapstructure:"processors"`
	Connectors   []entry      `mapstructure:"connectors"`
	Telemetry    entry        `mapstructure:"telemetry"`
	Providers    []entry      `mapstructure:"providers"`
	Converters   []entry      `mapstructure:"converters"`
	Replaces     []string     `mapstructure:"replaces"`
	Excludes     []string     `mapstructure:"excludes"`
	ConfResolver confResolver `mapstructure:"conf_resolver"`
	Rust         rustSection  `mapstructure:"rust"`
}

type distribution struct {
	Module                  string  `mapstructure:"module"`
	Name                    string  `mapstructure:"name"`
	Go                      string  `mapstructure:"go"`
	Description             string  `mapstructure:"description"`
	OutputPath              *string `mapstructure:"output_path"` // nil: not given
	Version                 string  `mapstructure:"version"`
	BuildTags               string  `mapstructure:"build_tags"`
	DebugCompilation        bool    `mapstructure:"debug_compilation"`
	CGoEnabled              *bool   `mapstructure:"cgo_enabled"` // nil: not given
	UseAbsoluteReplacePaths bool    `mapstructure:"use_absolute_replace_paths"`
}

type entry struct {
	Name   string `mapstructure:"name"`
	Import string `mapstructure:"import"`
	GoMod  string `mapstructure:"gomod"`
	Path   string `mapstructure:"path"`
	Cargo  string `mapstructure:"cargo"`
}

type confResolver struct {
	DefaultURIScheme string `mapstructure:"default_uri_scheme"`
}

type rustSection struct {
	Mode       *string             `mapstructure:"mode"`    // nil: not given
	Link       *string             `mapstructure:"link"`    // nil: not given
	Profile    *string             `mapstructure:"profile"` // nil: not given
	Features   []string            `mapstructure:"features"`
	Patches    map[string][]string `mapstructure:"patches"`
	Otelbridge string              `mapstructure:"otelbridge"`
}

// lists are the document's five component lists, in Kinds order.
func (d *document) lists() [][]entry {
	return [][]entry{d.Receivers, d.Processors, d.Exporters, d.Extensions, d.Connectors}
}

// Load reads the manifest at path, fills the typed view and validates it. The error joins every
// problem found. When only validation fails, the manifest is returned too (for its Warnings);
// when the file cannot be read or is not YAML, it is nil. rust.mode auto is resolved with
// FindCCompiler.
func Load(path string) (*Manifest, error) {
	return loadWith(path, FindCCompiler)
}

// LoadPlugin reads the manifest of a plugin (`otelbridge-builder plugin`): the same schema, of
// which a plugin takes dist.name (its file's name), dist.output_path, dist.version, the cargo
// modules of the five component lists and the rust section but rust.mode and rust.link (a plugin
// is always a shared library). A gomod module, a Go-only key (providers, converters, telemetry,
// replaces, excludes, conf_resolver), rust.mode, rust.link, a missing dist.name, or no cargo
// module at all is an error naming it.
// Rust.Mode and Rust.Link are left empty.
func LoadPlugin(path string) (*Manifest, error) {
	return loadAs(path, FindCCompiler, true)
}

// loadWith is Load, with findCC telling whether a C compiler exists.
func loadWith(path string, findCC CCompiler) (*Manifest, error) {
	return loadAs(path, findCC, false)
}

// loadAs is Load, or LoadPlugin when plugin is set, with findCC telling whether a C compiler
// exists.
func loadAs(path string, findCC CCompiler, plugin bool) (*Manifest, error) {
	file, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	raw, err := parseYAML(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}

	doc := document{Dist: distribution{Module: defaultDistModule}, Providers: append([]entry(nil), defaultProviders...)}
	var meta mapstructure.Metadata
	decoder, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		Result:           &doc,
		TagName:          "mapstructure",
		WeaklyTypedInput: true, // as ocb's koanf: `version: 1` is the string "1"
		Metadata:         &meta,
	})
	if err != nil {
		return nil, err
	}
	problems := decodeProblems(decoder.Decode(raw))

	m := &Manifest{File: file, Raw: raw, Name: doc.Dist.Name, Version: doc.Dist.Version, BuildTags: doc.Dist.BuildTags, Plugin: plugin}
	if m.Name == "" {
		m.Name = goBinaryName(doc.Dist.Module)
	}
	if doc.Dist.OutputPath != nil {
		m.OutputPath, m.OutputPathGiven = *doc.Dist.OutputPath, true
	}
	for i, list := range doc.lists() {
		for index, e := range list {
			m.Modules = append(m.Modules, Module{Kind: Kinds[i], Index: index, GoMod: e.GoMod, Import: e.Import, Name: e.Name, Path: e.Path, Cargo: e.Cargo})
		}
	}
	m.Rust = rustFrom(doc.Rust, filepath.Dir(file))
	m.Warnings = m.warnings(meta.Unused)
	if plugin {
		m.Warnings = append(m.Warnings, pluginWarnings(raw)...)
	}

	problems = append(problems, m.validate(&doc, undecoded(problems), findCC)...)
	if len(problems) > 0 {
		return m, errors.Join(problems...)
	}
	if doc.Dist.OutputPath == nil {
		if m.OutputPath, err = os.MkdirTemp("", "otelcol-distribution"); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// CargoModules are the modules given by `cargo:`, in Modules order.
func (m *Manifest) CargoModules() []Module {
	var out []Module
	for _, module := range m.Modules {
		if module.Cargo != "" {
			out = append(out, module)
		}
	}
	return out
}

// HasCargo reports whether any module is given by `cargo:`.
func (m *Manifest) HasCargo() bool {
	for _, module := range m.Modules {
		if module.Cargo != "" {
			return true
		}
	}
	return false
}

// parseYAML reads the document as ocb's koanf does: a YAML mapping, with keys made strings.
func parseYAML(data []byte) (map[string]any, error) {
	var raw map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	if raw == nil {
		raw = map[string]any{}
	}
	for key, value := range raw {
		raw[key] = stringKeys(value)
	}
	return raw, nil
}

func stringKeys(value any) any {
	switch v := value.(type) {
	case map[string]any:
		for key, item := range v {
			v[key] = stringKeys(item)
		}
		return v
	case map[any]any:
		out := make(map[string]any, len(v))
		for key, item := range v {
			out[fmt.Sprint(key)] = stringKeys(item)
		}
		return out
	case []any:
		for i, item := range v {
			v[i] = stringKeys(item)
		}
		return v
	}
	return value
}

// decodeProblems splits mapstructure's joined error into one error per field.
func decodeProblems(err error) []error {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range joined.Unwrap() {
			out = append(out, decodeProblems(e)...)
		}
		return out
	}
	var decodeErr *mapstructure.DecodeError
	if !errors.As(err, &decodeErr) || err == error(decodeErr) {
		return []error{err}
	}
	// The "decoding failed due to the following error(s)" wrapper around the joined errors.
	return decodeProblems(errors.Unwrap(err))
}

// undecoded are the paths ("receivers[0]", "dist.cgo_enabled") of the values that did not
// decode: validation leaves their entries alone rather than report them twice.
func undecoded(problems []error) []string {
	var paths []string
	for _, problem := range problems {
		var decodeErr *mapstructure.DecodeError
		if errors.As(problem, &decodeErr) {
			paths = append(paths, decodeErr.Name())
		}
	}
	return paths
}

// rustFrom fills the `rust:` section's defaults and resolves its paths against dir. Patch
// lines that do not parse are kept as written (validate reports them). The mode and link are
// validate's: they depend on dist.cgo_enabled and on the C compiler.
func rustFrom(section rustSection, dir string) Rust {
	r := Rust{Profile: defaultProfile, Features: section.Features, Otelbridge: section.Otelbridge}
	if section.Profile != nil {
		r.Profile = *section.Profile
	}
	if r.Otelbridge != "" && !filepath.IsAbs(r.Otelbridge) {
		r.Otelbridge = filepath.Join(dir, r.Otelbridge)
	}
	if section.Patches != nil {
		r.Patches = make(map[string][]string, len(section.Patches))
		for source, lines := range section.Patches {
			resolved := make([]string, len(lines))
			for i, line := range lines {
				resolved[i] = line
				if dep, err := parseCargoLine(line, dir); err == nil {
					resolved[i] = dep.Line
				}
			}
			r.Patches[source] = resolved
		}
	}
	return r
}

// goBinaryName is the name `go build` gives the main package of module when ocb passes it
// `-o ""` (an empty dist.name): the module path's last element, or the one before a major
// version suffix such as "v2".
func goBinaryName(module string) string {
	elem := path.Base(module)
	if elem != module && isMajorVersion(elem) {
		elem = path.Base(path.Dir(module))
	}
	if elem == "." || elem == "/" {
		return ""
	}
	return elem
}

func isMajorVersion(elem string) bool {
	if len(elem) < 2 || elem[0] != 'v' || elem[1] == '0' || elem == "v1" {
		return false
	}
	for _, c := range elem[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
