// Package scaffold writes a new Rust component crate, for `otelbridge-builder new <kind> <name>`:
// a Cargo.toml depending on the otelbridge SDK, a config with defaults and validation, a small
// working component of the kind, and tests with the SDK's test kit, so that `cargo test` passes
// in it at once and a builder manifest can list it with one `cargo:` line.
//
// The templates are files under templates/ (embedded): common/ for every kind, <kind>/ for one;
// `_name_` in a file name becomes the crate name. They are rendered with text/template.
package scaffold

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
	"unicode"

	"github.com/pelletier/go-toml/v2"

	"github.com/otelbridge/otelbridge/builder/internal/manifest"
)

//go:embed all:templates
var templateFS embed.FS

// Kind is a component kind, as the builder manifest's lists name it in the singular.
type Kind string

// The kinds, in the order `new` lists them.
const (
	Processor Kind = "processor"
	Exporter  Kind = "exporter"
	Receiver  Kind = "receiver"
	Connector Kind = "connector"
	Extension Kind = "extension"
)

// Kinds are every kind, in the order `new` lists them.
var Kinds = []Kind{Processor, Exporter, Receiver, Connector, Extension}

// ParseKind reads the <kind> argument.
func ParseKind(s string) (Kind, error) {
	if slices.Contains(Kinds, Kind(s)) {
		return Kind(s), nil
	}
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return "", fmt.Errorf("invalid <kind> %q: want one of %s", s, strings.Join(names, ", "))
}

// List is the builder manifest's list of the kind ("processors").
func (k Kind) List() string { return string(k) + "s" }

// reservedNames cannot name the crate: Rust keywords (reserved ones included), the names cargo
// refuses for a package, and the crates the scaffold depends on (two crates of one name in a
// test's extern prelude do not compile).
var reservedNames = map[string]string{}

func init() {
	for _, word := range strings.Fields(`as async await break const continue crate do dyn else enum
		extern false fn for gen if impl in let loop match mod move mut pub ref return self static
		struct super trait true try type unsafe use where while abstract become box final macro
		override priv typeof unsized virtual yield union`) {
		reservedNames[word] = "a Rust keyword"
	}
	for _, name := range []string{"std", "core", "alloc", "proc_macro", "test"} {
		reservedNames[name] = "the name of a Rust built-in crate"
	}
	for _, name := range []string{"otelbridge", "serde", "tracing", "tokio"} {
		reservedNames[name] = "the name of a crate the component depends on"
	}
}

// CheckName checks the <name> argument: a component type the collector accepts (as
// otelbridge::ComponentType::new does: an ASCII letter, then ASCII letters, digits and '_', at
// most 63 characters) that can also name the crate.
func CheckName(name string) error {
	valid := name != "" && len(name) <= 63 && isASCIILetter(rune(name[0]))
	for _, c := range name {
		valid = valid && (isASCIILetter(c) || ('0' <= c && c <= '9') || c == '_')
	}
	if !valid {
		return fmt.Errorf("invalid <name> %q: a component type must start with an ASCII letter and contain only ASCII letters, digits and '_', at most 63 characters", name)
	}
	if why, ok := reservedNames[strings.ToLower(name)]; ok {
		return fmt.Errorf("invalid <name> %q: the crate takes the component's name, and %q is %s; choose another name", name, strings.ToLower(name), why)
	}
	return nil
}

func isASCIILetter(c rune) bool { return c < unicode.MaxASCII && unicode.IsLetter(c) }

// SDK is how the crate depends on otelbridge: exactly one field is set.
type SDK struct {
	Path    string // a directory: the otelbridge crate, or an otelbridge checkout
	Version string // a crates.io version requirement
	Git     string // a git repository URL
}

// PublishedVersion is the version requirement used when no otelbridge checkout is known.
const PublishedVersion = "0.1"

// ParseSDK reads the --sdk flag: path=DIR, version=V or git=URL.
func ParseSDK(s string) (SDK, error) {
	key, value, ok := strings.Cut(s, "=")
	if ok && value != "" {
		switch key {
		case "path":
			return SDK{Path: value}, nil
		case "version":
			return SDK{Version: value}, nil
		case "git":
			return SDK{Git: value}, nil
		}
	}
	return SDK{}, fmt.Errorf("invalid --sdk %q: want path=DIR (an otelbridge checkout or its rust/otelbridge crate), version=V (crates.io) or git=URL", s)
}

// FindSDK returns the otelbridge crate of the first of checkouts (otelbridge checkout
// directories; empty ones are skipped) that has one, or "".
func FindSDK(checkouts ...string) string {
	for _, dir := range checkouts {
		if dir == "" {
			continue
		}
		if crate, err := sdkCrate(dir); err == nil {
			return crate
		}
	}
	return ""
}

// sdkCrate is the absolute directory of the otelbridge crate at dir: dir itself, or the
// rust/otelbridge of a checkout.
func sdkCrate(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for _, candidate := range []string{filepath.Join(abs, "rust", "otelbridge"), abs} {
		if packageName(filepath.Join(candidate, "Cargo.toml")) == "otelbridge" {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("%s is neither the otelbridge crate nor an otelbridge checkout (no Cargo.toml of the package otelbridge there or in rust/otelbridge)", dir)
}

// packageName is the package name of a Cargo.toml, "" if it has none or cannot be read.
func packageName(manifest string) string {
	var doc struct {
		Package struct {
			Name string `toml:"name"`
		} `toml:"package"`
	}
	data, err := os.ReadFile(manifest)
	if err != nil || toml.Unmarshal(data, &doc) != nil {
		return ""
	}
	return doc.Package.Name
}

// Options say what to write.
type Options struct {
	Kind Kind
	Name string
	// Dir is the crate directory, as the user wrote it; "" is ./<name>.
	Dir string
	// SDK is the otelbridge dependency; the zero value is DefaultSDK, or PublishedVersion if
	// that is "".
	SDK SDK
	// DefaultSDK is the otelbridge crate of the checkout the builder was built from ("" if
	// unknown).
	DefaultSDK string
}

// Result is what Write did.
type Result struct {
	// Dir is the crate directory, as given (or ./<name>).
	Dir string
	// Crate is the package name; Lib, its library's name in Rust code.
	Crate, Lib string
	// Files are the files written, relative to Dir, in the order written.
	Files []string
	// Dependency is the Cargo.toml line of the otelbridge dependency, and SDKNote says what it
	// is and why.
	Dependency, SDKNote string
	// WorkspaceNote says how the crate relates to an enclosing cargo workspace ("" if none).
	WorkspaceNote string
	// CargoLine is the value of the builder manifest's `cargo:` key for the crate, for a
	// manifest in the current directory.
	CargoLine string
}

// data is what the templates see.
type data struct {
	Name  string // the component type
	Crate string // the package name
	Lib   string // the library's name in Rust code
	Camel string // the name in CamelCase, to prefix type names
	Kind  Kind
	// SDK is the otelbridge dependency's value in Cargo.toml, SDKTesting the same with the
	// testing feature.
	SDK, SDKTesting string
	// Workspace is the enclosing workspace the crate is not a member of ("" if none): the crate
	// then declares a workspace of its own.
	Workspace string
}

// Write writes the crate. It refuses a directory that exists and is not empty.
func Write(opts Options) (*Result, error) {
	if _, err := ParseKind(string(opts.Kind)); err != nil {
		return nil, err
	}
	if err := CheckName(opts.Name); err != nil {
		return nil, err
	}
	dir := opts.Dir
	if dir == "" {
		dir = "." + string(filepath.Separator) + opts.Name
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := checkEmpty(absDir); err != nil {
		return nil, err
	}
	crate := strings.ToLower(opts.Name)
	d := data{Name: opts.Name, Crate: crate, Lib: crate, Camel: camel(opts.Name), Kind: opts.Kind}
	res := &Result{Dir: dir, Crate: crate, Lib: crate}

	sdk, note, err := dependency(opts, absDir)
	if err != nil {
		return nil, err
	}
	d.SDK, d.SDKTesting = sdk.value(false), sdk.value(true)
	res.Dependency, res.SDKNote = "otelbridge = "+d.SDK, note
	root, member := enclosingWorkspace(absDir)
	switch {
	case root != "" && member:
		res.WorkspaceNote = fmt.Sprintf("a member of the cargo workspace %s (its members include %s)", root, dir)
	case root != "":
		d.Workspace = root
		res.WorkspaceNote = fmt.Sprintf("a workspace of its own: %s is a cargo workspace that does not list it (to make it a member, list it there and remove [workspace] from its Cargo.toml)", root)
	}

	files, err := render(d)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		target := filepath.Join(absDir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(target, f.content, 0o644); err != nil {
			return nil, err
		}
		res.Files = append(res.Files, f.name)
	}
	res.CargoLine = fmt.Sprintf("%s = { path = %s }", crate, manifest.TOMLString(filepath.ToSlash(dir)))
	return res, nil
}

// checkEmpty refuses a directory that exists and is not empty, or a file in its place.
func checkEmpty(dir string) error {
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s exists and is not a directory; choose another --dir", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s exists and is not empty: nothing was written (choose another --dir, or remove it)", dir)
	}
	return nil
}

// camel is name in CamelCase: each '_'-separated part capitalized ("span_count" -> "SpanCount").
func camel(name string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(name, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// sdkSpec is the otelbridge dependency: exactly one of its fields is set.
type sdkSpec struct{ path, version, git string }

// value is the dependency's value in Cargo.toml, with the testing feature if testing.
func (s sdkSpec) value(testing bool) string {
	features := ""
	if testing {
		features = `, features = ["testing"]`
	}
	switch {
	case s.path != "":
		return "{ path = " + manifest.TOMLString(s.path) + features + " }"
	case s.git != "":
		return "{ git = " + manifest.TOMLString(s.git) + features + " }"
	case testing:
		return "{ version = " + manifest.TOMLString(s.version) + features + " }"
	default:
		return manifest.TOMLString(s.version)
	}
}

// dependency is the otelbridge dependency of a crate at crateDir, and a note saying what it is.
func dependency(opts Options, crateDir string) (sdkSpec, string, error) {
	switch sdk := opts.SDK; {
	case sdk.Path != "":
		crate, err := sdkCrate(sdk.Path)
		if err != nil {
			return sdkSpec{}, "", fmt.Errorf("--sdk path=%s: %w", sdk.Path, err)
		}
		return sdkSpec{path: pathFrom(crateDir, crate)}, "--sdk path: the SDK there", nil
	case sdk.Version != "":
		return sdkSpec{version: sdk.Version}, "--sdk version: the published SDK, from crates.io", nil
	case sdk.Git != "":
		return sdkSpec{git: sdk.Git}, "--sdk git: the SDK of a git repository", nil
	case opts.DefaultSDK != "":
		return sdkSpec{path: pathFrom(crateDir, opts.DefaultSDK)},
			"the SDK of the checkout this builder was built from; --sdk version=" + PublishedVersion + " for the published one", nil
	default:
		return sdkSpec{version: PublishedVersion},
			"the published SDK: this builder knows no otelbridge checkout; --sdk path=DIR for one", nil
	}
}

// pathFrom is target as a crate at crateDir names it: relative when it is near (at most three
// levels up, and below the same top directory), so the two can move together; absolute
// otherwise.
func pathFrom(crateDir, target string) string {
	rel, err := filepath.Rel(crateDir, target)
	if err != nil {
		return filepath.ToSlash(target)
	}
	up := strings.Count(filepath.ToSlash(rel)+"/", "../")
	depth := strings.Count(filepath.ToSlash(filepath.Clean(crateDir)), "/")
	if up > 3 || up >= depth {
		return filepath.ToSlash(target) // not near, or near only through the root
	}
	return filepath.ToSlash(rel)
}

// enclosingWorkspace finds the cargo workspace cargo would take dir's crate to belong to: the
// nearest ancestor whose Cargo.toml has a [workspace] table. It says whether that workspace's
// members (globs relative to its root, less its exclude list) include dir; root is "" if there
// is no such workspace.
func enclosingWorkspace(dir string) (root string, member bool) {
	for parent := filepath.Dir(dir); ; parent = filepath.Dir(parent) {
		var doc struct {
			Workspace *struct {
				Members []string `toml:"members"`
				Exclude []string `toml:"exclude"`
			} `toml:"workspace"`
		}
		data, err := os.ReadFile(filepath.Join(parent, "Cargo.toml"))
		if err == nil && toml.Unmarshal(data, &doc) == nil && doc.Workspace != nil {
			rel, err := filepath.Rel(parent, dir)
			if err != nil {
				return parent, false
			}
			rel = filepath.ToSlash(rel)
			matches := func(patterns []string) bool {
				return slices.ContainsFunc(patterns, func(p string) bool {
					ok, _ := path.Match(path.Clean(p), rel)
					return ok
				})
			}
			return parent, matches(doc.Workspace.Members) && !matches(doc.Workspace.Exclude)
		}
		if parent == filepath.Dir(parent) {
			return "", false
		}
	}
}

// file is one rendered file.
type file struct {
	name    string // relative to the crate directory, with '/'
	content []byte
}

// render renders the common templates and the kind's, in a fixed order: Cargo.toml and
// .gitignore, then src/lib.rs, src/config.rs, the component, the tests.
func render(d data) ([]file, error) {
	var files []file
	for _, dir := range []string{"templates/common", "templates/" + string(d.Kind)} {
		err := fs.WalkDir(templateFS, dir, func(name string, entry fs.DirEntry, err error) error {
			if err != nil || entry.IsDir() {
				return err
			}
			text, err := templateFS.ReadFile(name)
			if err != nil {
				return err
			}
			tmpl, err := template.New(name).Option("missingkey=error").Parse(string(text))
			if err != nil {
				return err
			}
			var out bytes.Buffer
			if err := tmpl.Execute(&out, d); err != nil {
				return err
			}
			target := strings.TrimSuffix(strings.TrimPrefix(name, dir+"/"), ".tmpl")
			target = strings.ReplaceAll(target, "_name_", d.Crate)
			files = append(files, file{name: target, content: out.Bytes()})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("rendering the %s templates: %w", d.Kind, err)
		}
	}
	order := func(name string) int {
		for i, prefix := range []string{"Cargo.toml", ".gitignore", "src/lib.rs", "src/config.rs", "src/", "tests/"} {
			if strings.HasPrefix(name, prefix) {
				return i
			}
		}
		return 99
	}
	slices.SortStableFunc(files, func(a, b file) int { return order(a.name) - order(b.name) })
	return files, nil
}
