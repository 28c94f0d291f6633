package build

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/otelbridge/otelbridge/builder/internal/generate"
	"github.com/otelbridge/otelbridge/builder/internal/manifest"
	"github.com/otelbridge/otelbridge/builder/internal/toolchain"
)

// rustBuild is a build whose manifest has cargo modules.
type rustBuild struct {
	opts     Options
	manifest *manifest.Manifest
	// root is the otelbridge checkout (its rust/otelbridge-abi, go/ and ffi/include).
	root string
	// out is the distribution's output directory; work is otelbridge's corner of it.
	out, work string
	// linkage is rust.mode and rust.link: how the binary gets the library.
	linkage generate.Linkage
	// cargo are the cargo modules in manifest order, with their parsed dependency.
	cargo []cargoModule
	// rust runs cargo in the shared target directory; lib names the distribution's library
	// target there (otelbridge_dist_<id>, distinct per output directory).
	rust toolchain.Cargo
	lib  string
	// linked is the library as the binary links it: libotelbridge_dist.a or .so in the link
	// module, whatever the crate's name (cgo and dlopen).
	linked toolchain.Library
	// In subprocess mode, hostBin is the crate's binary target (otelbridge_dist_<id>_host,
	// distinct per output directory like lib), hostProgram the program cargo built, and hostName
	// its name as the collector runs it: the file beside the binary (rust.link beside), and what
	// ps shows either way.
	hostBin, hostProgram, hostName string
}

// linkName is the -l name of the library in the link module (and beside a shared binary).
const linkName = "otelbridge_dist"

// hostProgramFile is the host program's file in the link module, which embeds it (subprocess,
// rust.link embedded).
const hostProgramFile = "otelbridge-host"

// hostProgramName is the name of a distribution's host program: the file beside the binary
// (subprocess, rust.link beside), and the name the embedded one runs as, both of which ps shows
// beside the collector's own: "otelcol-example-rust-host".
func hostProgramName(distName string) string {
	if distName == "" {
		return "otelbridge-rust-host"
	}
	return distName + "-rust-host"
}

// linkageOf is how the binary gets the library, from the manifest's resolved rust.mode and
// rust.link (Load refused the pairs that do not go together).
func linkageOf(r manifest.Rust) (generate.Linkage, error) {
	switch {
	case r.Mode == manifest.ModeCgo && r.Link == manifest.LinkStatic:
		return generate.CgoStatic, nil
	case r.Mode == manifest.ModeCgo && r.Link == manifest.LinkShared:
		return generate.CgoShared, nil
	case r.Mode == manifest.ModeDlopen && r.Link == manifest.LinkEmbedded:
		return generate.DlopenEmbedded, nil
	case r.Mode == manifest.ModeDlopen && r.Link == manifest.LinkShared:
		return generate.DlopenShared, nil
	case r.Mode == manifest.ModeSubprocess && r.Link == manifest.LinkEmbedded:
		return generate.SubprocessEmbedded, nil
	case r.Mode == manifest.ModeSubprocess && r.Link == manifest.LinkBeside:
		return generate.SubprocessBeside, nil
	}
	return "", fmt.Errorf("rust.mode %s with rust.link %s: not a way to build", r.Mode, r.Link)
}

// cdylib tells whether the library is a shared object (a cdylib to cargo): in every linkage but
// cgo's static one and subprocess mode's, whose host program links an rlib.
func (b *rustBuild) cdylib() bool { return b.linkage != generate.CgoStatic && !b.subprocess() }

// subprocess tells whether the build is of rust.mode subprocess: cargo builds the host program,
// which links the library crate as an rlib, instead of a library the binary links or loads.
func (b *rustBuild) subprocess() bool {
	return b.linkage == generate.SubprocessEmbedded || b.linkage == generate.SubprocessBeside
}

// besideBinary tells whether the shared object ships beside the binary, which finds it relative
// to itself.
func (b *rustBuild) besideBinary() bool {
	return b.linkage == generate.CgoShared || b.linkage == generate.DlopenShared
}

type cargoModule struct {
	index int // into manifest.Modules
	entry manifest.Module
	dep   manifest.CargoDependency
	crate string              // its name in Rust code
	rust  toolchain.Component // what the library registered for it
}

func newRustBuild(m *manifest.Manifest, opts Options, cache string) (*rustBuild, error) {
	out, err := outputDir(m)
	if err != nil {
		return nil, err
	}
	linkage, err := linkageOf(m.Rust)
	if err != nil {
		return nil, err
	}
	lib := fmt.Sprintf("%s_%x", linkName, sha256.Sum256([]byte(out)))[:len(linkName)+1+12]
	return newRustBuildOf(m, opts, cache, out, filepath.Join(out, "otelbridge"), linkage, lib)
}

// newRustBuildOf is a build of the manifest's cargo modules into the library crate lib, which is
// generated under work; out is the output directory.
func newRustBuildOf(m *manifest.Manifest, opts Options, cache, out, work string, linkage generate.Linkage, lib string) (*rustBuild, error) {
	targetDir, err := toolchain.TargetDir(cache)
	if err != nil {
		return nil, err
	}
	root := m.Rust.Otelbridge
	if root == "" {
		root = opts.Otelbridge
	}
	if root == "" || !fileExists(filepath.Join(root, "rust", "otelbridge-abi", "Cargo.toml")) {
		return nil, fmt.Errorf("no otelbridge checkout at %q: set rust.otelbridge in the manifest to its path", root)
	}
	b := &rustBuild{
		opts: opts, manifest: m, root: root, out: out, work: work, linkage: linkage,
		rust: toolchain.Cargo{TargetDir: targetDir},
		lib:  lib,
	}
	b.hostName = hostProgramName(m.Name)
	if b.subprocess() {
		b.hostBin = b.lib + "_host"
	}
	dir := filepath.Dir(m.File)
	var errs []error
	for i, module := range m.Modules {
		if module.Cargo == "" {
			continue
		}
		dep, err := module.CargoDependency(dir)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b.cargo = append(b.cargo, cargoModule{index: i, entry: module, dep: dep})
	}
	return b, errors.Join(errs...)
}

func (b *rustBuild) crateDir() string { return filepath.Join(b.work, "rust") }

func (b *rustBuild) run(ocb toolchain.OCB) error {
	log := b.opts.Log
	derived := filepath.Join(b.work, "ocb-manifest.yaml")
	if !b.opts.SkipGenerate {
		if err := step(log, "generate the Rust crate", b.generateCrate); err != nil {
			return err
		}
	}
	// The generated Go code names the Rust components' types, which only the built library
	// knows: the library is built in every mode.
	if err := step(log, "rust build (cargo)", b.buildLibrary); err != nil {
		return err
	}
	if !b.opts.SkipGenerate {
		if err := step(log, "generate the Go glue", func() error { return b.generateGo(derived) }); err != nil {
			return err
		}
	}
	if !b.opts.SkipGenerate || !b.opts.SkipGetModules {
		// ocb writes go.mod only when it also gets the modules, so these two run as one.
		skips := []string{"--skip-compilation"}
		if b.opts.SkipGenerate {
			skips = append(skips, "--skip-generate")
		}
		if b.opts.SkipGetModules {
			skips = append(skips, "--skip-get-modules")
		}
		if err := step(log, "go sources and modules (ocb)", func() error { return ocb.Run(derived, skips...) }); err != nil {
			return err
		}
	}
	if b.opts.SkipCompilation {
		return nil
	}
	return step(log, "go build (ocb)", func() error {
		if err := ocb.Run(derived, "--skip-generate", "--skip-get-modules"); err != nil {
			return err
		}
		if err := b.placeBesideBinary(); err != nil {
			return err
		}
		binary := filepath.Join(b.out, b.manifest.Name)
		if err := b.checkComponents(binary); err != nil {
			return err
		}
		return checkRelease(binary, b.out, b.manifest)
	})
}

// placeBesideBinary copies the shared library, or the host program, beside the binary, which
// finds it there from any working directory, or removes the copy an earlier build of another
// linkage left there: a binary that does not use it ships without it.
func (b *rustBuild) placeBesideBinary() error {
	beside := filepath.Join(b.out, "lib"+linkName+".so")
	if b.besideBinary() {
		if err := generate.CopyIfChanged(b.linked.Path, beside); err != nil {
			return err
		}
	} else if err := removeIfThere(beside); err != nil {
		return err
	}
	host := filepath.Join(b.out, b.hostName)
	if b.linkage == generate.SubprocessBeside {
		return generate.CopyExecutableIfChanged(b.hostProgram, host)
	}
	return removeIfThere(host)
}

// removeIfThere removes the file at path, if there is one.
func removeIfThere(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// generateCrate writes the Rust crate, asks cargo what each dependency is called in code, then
// writes the registration.
func (b *rustBuild) generateCrate() error {
	crate := generate.RustCrate{
		Manifest:  b.manifest.File,
		DistName:  b.manifest.Name,
		Package:   strings.ReplaceAll(b.lib, "_", "-"),
		Lib:       b.lib,
		CrateType: map[bool]string{false: "staticlib", true: "cdylib"}[b.cdylib()],
		ABIPath:   filepath.Join(b.root, "rust", "otelbridge-abi"),
	}
	if b.subprocess() {
		// The host program links the library crate as Rust links any crate.
		crate.CrateType, crate.Bin = "rlib", b.hostBin
	}
	for _, c := range b.cargo {
		crate.Modules = append(crate.Modules, generate.RustModule{Module: c.entry.String(), Line: c.dep.Line})
	}
	sources := make([]string, 0, len(b.manifest.Rust.Patches))
	for source := range b.manifest.Rust.Patches {
		sources = append(sources, source)
	}
	sort.Strings(sources)
	for _, source := range sources {
		crate.Patches = append(crate.Patches, generate.Patch{Source: source, Lines: b.manifest.Rust.Patches[source]})
	}
	if err := generate.WriteCargoToml(b.crateDir(), crate); err != nil {
		return err
	}
	// main.rs names only the library crate: it is complete before cargo metadata runs, which
	// wants every target's file to exist.
	if err := generate.WriteMainRs(b.crateDir(), crate); err != nil {
		return err
	}
	names, err := b.rust.CrateNames(b.crateDir())
	if err != nil {
		return b.blame("resolving the Rust crates (cargo metadata)", err)
	}
	for i := range b.cargo {
		name, ok := names[b.cargo[i].dep.Key]
		if !ok {
			return fmt.Errorf("%s (cargo: %s): cargo does not list the dependency %q", b.cargo[i].entry, b.cargo[i].entry.Cargo, b.cargo[i].dep.Key)
		}
		b.cargo[i].crate = name
		crate.Modules[i].Crate = name
	}
	return generate.WriteLibRs(b.crateDir(), crate)
}

// buildLibrary builds the one Rust library (or, in subprocess mode, the host program that links
// it) and reads its registry, checking that each cargo module registered a component of the kind
// its list says.
func (b *rustBuild) buildLibrary() error {
	if b.subprocess() {
		return b.buildHostProgram()
	}
	lib, err := b.rust.BuildLibrary(b.crateDir(), b.lib, b.profile(), b.manifest.Rust.Features, b.cdylib())
	if err != nil {
		return b.blame("building the Rust library", err)
	}
	if err := b.installLibrary(lib); err != nil {
		return err
	}
	components, err := toolchain.Describe(b.linked, filepath.Join(b.root, "ffi", "include"), b.work, b.cdylib())
	if err != nil {
		return err
	}
	return b.checkRegistry(components)
}

// buildHostProgram builds the host program of subprocess mode, installs it into the link module
// (or names it there), and reads its registry through the host program's protocol, as the
// collector will: this also proves that the program starts and serves.
func (b *rustBuild) buildHostProgram() error {
	program, err := b.rust.BuildHostProgram(b.crateDir(), b.hostBin, b.profile(), b.manifest.Rust.Features)
	if err != nil {
		return b.blame("building the Rust host program", err)
	}
	b.hostProgram = program
	if err := b.installHostProgram(); err != nil {
		return err
	}
	major, minor, err := toolchain.ABIVersion(filepath.Join(b.root, "ffi", "include"))
	if err != nil {
		return err
	}
	components, err := toolchain.DescribeHostProgram(program, major, minor)
	if err != nil {
		return err
	}
	return b.checkRegistry(components)
}

// checkRegistry matches the library's registry to the cargo modules, in order.
func (b *rustBuild) checkRegistry(components []toolchain.Component) error {
	if len(components) != len(b.cargo) {
		return fmt.Errorf("the Rust library registered %d components for %d cargo modules", len(components), len(b.cargo))
	}
	var errs []error
	for i, c := range components {
		module := &b.cargo[i]
		module.rust = c
		if want := module.entry.Kind.Singular(); c.Kind != want {
			errs = append(errs, fmt.Errorf("%s (cargo: %s): the crate exports no %s: its factory() is the %s %q",
				module.entry, module.entry.Cargo, want, c.Kind, c.Type))
		}
	}
	return errors.Join(errs...)
}

func (b *rustBuild) profile() string {
	if b.manifest.Rust.Profile == "" {
		return "release"
	}
	return b.manifest.Rust.Profile
}

// blame names the cargo modules a failed cargo run talks about, and shows cargo's output.
func (b *rustBuild) blame(doing string, err error) error {
	var cmdErr *toolchain.CommandError
	if !errors.As(err, &cmdErr) {
		return err
	}
	var named []string
	for _, c := range b.cargo {
		if strings.Contains(cmdErr.Output, "`"+c.dep.Key+"`") || (c.dep.Package != "" && strings.Contains(cmdErr.Output, "`"+c.dep.Package+"`")) {
			named = append(named, fmt.Sprintf("%s (cargo: %s)", c.entry, c.entry.Cargo))
		}
	}
	if len(named) == 0 {
		return fmt.Errorf("%s failed:\n%w", doing, err)
	}
	return fmt.Errorf("%s: %s failed:\n%w", strings.Join(named, ", "), doing, err)
}

func (b *rustBuild) goDir() string { return filepath.Join(b.work, "go") }

func (b *rustBuild) linkDir() string { return filepath.Join(b.goDir(), "link") }

// installLibrary copies the built library into the link module under the name the binary links
// or loads (libotelbridge_dist.a or .so), and writes the link module: link.go, which links,
// embeds or names the library, and go.mod, which raises the otelbridge Go module's core modules
// to the manifest's release. It runs with every flag, --skip-generate included, so the binary
// never links a stale library.
func (b *rustBuild) installLibrary(lib toolchain.Library) error {
	content, err := os.ReadFile(lib.Path)
	if err != nil {
		return err
	}
	b.linked = toolchain.Library{Path: filepath.Join(b.linkDir(), "lib"+linkName+filepath.Ext(lib.Path)), NativeLibs: lib.NativeLibs}
	requires, err := generate.CoreRequires(filepath.Join(b.root, "go", "go.mod"), b.manifest.Release)
	if err != nil {
		return fmt.Errorf("reading the otelbridge Go module's requirements: %w", err)
	}
	link := generate.Link{
		Manifest:   b.manifest.File,
		Module:     generate.LinkModulePath,
		Linkage:    b.linkage,
		Library:    filepath.Base(b.linked.Path),
		LinkName:   linkName,
		NativeLibs: lib.NativeLibs,
		Release:    b.manifest.Release.String(),
		Requires:   requires,
	}
	if b.linkage == generate.CgoStatic {
		link.LibrarySHA256 = fmt.Sprintf("%x", sha256.Sum256(content))
	}
	if err := generate.WriteFile(b.linked.Path, content); err != nil {
		return err
	}
	// The host program an earlier subprocess build embedded: no use to this one.
	if err := removeIfThere(filepath.Join(b.linkDir(), hostProgramFile)); err != nil {
		return err
	}
	return generate.WriteLink(b.linkDir(), link)
}

// installHostProgram writes the link module of subprocess mode: link.go embeds the host program,
// copied beside it (rust.link embedded), or names the file beside the binary (beside); go.mod
// raises the otelbridge Go module's core modules to the manifest's release, as for a library. It
// runs with every flag, --skip-generate included, so the binary never embeds a stale program.
func (b *rustBuild) installHostProgram() error {
	requires, err := generate.CoreRequires(filepath.Join(b.root, "go", "go.mod"), b.manifest.Release)
	if err != nil {
		return fmt.Errorf("reading the otelbridge Go module's requirements: %w", err)
	}
	link := generate.Link{
		Manifest: b.manifest.File,
		Module:   generate.LinkModulePath,
		Linkage:  b.linkage,
		HostName: b.hostName,
		Release:  b.manifest.Release.String(),
		Requires: requires,
	}
	embedded := filepath.Join(b.linkDir(), hostProgramFile)
	if b.linkage == generate.SubprocessEmbedded {
		link.HostProgram = hostProgramFile
		if err := generate.CopyIfChanged(b.hostProgram, embedded); err != nil {
			return err
		}
	} else if err := removeIfThere(embedded); err != nil {
		return err
	}
	// The libraries an earlier build of another mode linked or embedded: no use to this one.
	for _, ext := range []string{".a", ".so"} {
		if err := removeIfThere(filepath.Join(b.linkDir(), "lib"+linkName+ext)); err != nil {
			return err
		}
	}
	return generate.WriteLink(b.linkDir(), link)
}

// generateGo writes one Go module per Rust component, and the manifest ocb builds: the user's,
// with each cargo module replaced by its Go module and the runtime extension added.
func (b *rustBuild) generateGo(derived string) error {
	goDir, linkDir := b.goDir(), b.linkDir()
	replaces := []string{
		"github.com/otelbridge/otelbridge/go => " + filepath.Join(b.root, "go"),
		generate.LinkModulePath + " => " + linkDir,
	}
	goModules := map[int]manifest.GoModule{}
	for _, c := range b.cargo {
		component, err := generate.NewComponent(b.manifest.File, c.rust.Kind, c.rust.Type, c.entry.String(), c.entry.Cargo)
		if err != nil {
			return err
		}
		dir := filepath.Join(goDir, c.rust.Kind, c.rust.Type)
		if err := generate.WriteComponent(dir, component); err != nil {
			return err
		}
		replaces = append(replaces, component.Module+" => "+dir)
		goModules[c.index] = manifest.GoModule{GoMod: component.Module + " v0.0.0", Name: component.Package}
	}
	content, err := b.manifest.Derive(goModules, b.runtimeExtension(), replaces)
	if err != nil {
		return err
	}
	return os.WriteFile(derived, content, 0o644)
}

// runtimeImport is the otelbridge runtime extension, which configures the Rust runtime from the
// collector config (`extensions: { otelbridge: ... }`).
const runtimeImport = "github.com/otelbridge/otelbridge/go/runtimeext"

// runtimeExtension is what the distribution gets beside its cargo modules: the otelbridge
// runtime extension, unless the manifest lists it already.
func (b *rustBuild) runtimeExtension() []manifest.GoModule {
	for _, module := range b.manifest.Modules {
		if module.Import == runtimeImport {
			return nil
		}
	}
	return []manifest.GoModule{{GoMod: "github.com/otelbridge/otelbridge/go v0.0.0", Import: runtimeImport}}
}

// checkComponents runs the new binary's `components` command: it fails when two components of
// one kind share a type (a Go module and a Rust crate, say), which is named here.
func (b *rustBuild) checkComponents(binary string) error {
	output, err := exec.Command(binary, "components").CombinedOutput()
	if err == nil {
		return nil
	}
	text := string(output)
	for _, c := range b.cargo {
		if !strings.Contains(text, fmt.Sprintf("%q", c.rust.Type)) {
			continue
		}
		goModule := "a Go module"
		if m, ok := b.goModuleOfType(c.entry.Kind, c.rust.Type); ok {
			goModule = fmt.Sprintf("the Go %s (gomod: %s)", m, m.GoMod)
		}
		return fmt.Errorf("two %ss have the type %q: the Rust %s (cargo: %s) and %s",
			c.rust.Kind, c.rust.Type, c.entry, c.entry.Cargo, goModule)
	}
	return fmt.Errorf("the built collector does not start: %s", strings.TrimSpace(text))
}

// goModuleOfType finds the Go module of kind whose factory has type typ, by running a small
// program in the distribution's module that prints each Go factory's type (only on this error
// path: the packages are already compiled).
func (b *rustBuild) goModuleOfType(kind manifest.Kind, typ string) (manifest.Module, bool) {
	var modules []manifest.Module
	var program strings.Builder
	program.WriteString("package main\n\nimport (\n\t\"fmt\"\n")
	for _, m := range b.manifest.Modules {
		if m.Kind == kind && m.GoMod != "" {
			fmt.Fprintf(&program, "\tm%d %q\n", len(modules), importPath(m))
			modules = append(modules, m)
		}
	}
	program.WriteString(")\n\nfunc main() {\n")
	for i := range modules {
		fmt.Fprintf(&program, "\tfmt.Println(m%d.NewFactory().Type())\n", i)
	}
	program.WriteString("}\n")
	dir := filepath.Join(b.out, "otelbridge-typecheck")
	defer os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return manifest.Module{}, false
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(program.String()), 0o644); err != nil {
		return manifest.Module{}, false
	}
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = dir
	// With cgo and the tags as the distribution was compiled, so that its packages come from
	// Go's cache.
	cgo := "CGO_ENABLED=0"
	if b.manifest.Rust.Mode == manifest.ModeCgo {
		cgo = "CGO_ENABLED=1"
	}
	if b.subprocess() {
		cmd.Args = []string{"go", "run", "-tags", manifest.SubprocessTag, "."}
	}
	cmd.Env = append(os.Environ(), cgo)
	out, err := cmd.Output()
	if err != nil {
		return manifest.Module{}, false
	}
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if i < len(modules) && line == typ {
			return modules[i], true
		}
	}
	return manifest.Module{}, false
}

// importPath is the Go package a module entry provides: its import, else its module path.
func importPath(m manifest.Module) string {
	if m.Import != "" {
		return m.Import
	}
	return strings.Fields(m.GoMod)[0]
}
