package build

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/otelbridge/otelbridge/builder/internal/generate"
	"github.com/otelbridge/otelbridge/builder/internal/manifest"
	"github.com/otelbridge/otelbridge/builder/internal/plugin"
	"github.com/otelbridge/otelbridge/builder/internal/toolchain"
)

// PluginOptions are the flags of `otelbridge-builder plugin`.
type PluginOptions struct {
	Config string
	// Otelbridge is the otelbridge checkout used when the manifest's rust.otelbridge is empty.
	Otelbridge string
	// Log receives the step lines.
	Log io.Writer
}

// pluginLinkName is the prefix of a plugin's library crate, whose library target is
// otelbridge_plugin_<id> (distinct per output directory and plugin name, as a distribution's
// otelbridge_dist_<id> is per output directory).
const pluginLinkName = "otelbridge_plugin"

// Plugin builds the plugin the manifest describes: one shared library of its cargo modules, with
// its manifest in the ELF section plugin.SectionName, as <dist.output_path>/<dist.name>.so, and
// beside it <file>.sha256, in sha256sum's format.
func Plugin(opts PluginOptions) error {
	m, err := manifest.LoadPlugin(opts.Config)
	if err != nil {
		return fmt.Errorf("invalid plugin manifest %s:\n%w", opts.Config, err)
	}
	for _, warning := range m.Warnings {
		fmt.Fprintf(opts.Log, "warning: %s\n", warning)
	}
	// Before anything is built: without objcopy the library would have no manifest.
	objcopy, err := toolchain.FindObjcopy()
	if err != nil {
		return err
	}
	cache, err := toolchain.CacheDir()
	if err != nil {
		return err
	}
	out, err := outputDir(m)
	if err != nil {
		return err
	}
	file := m.PluginFile()
	id := sha256.Sum256([]byte(out + "\x00" + file))
	lib := fmt.Sprintf("%s_%x", pluginLinkName, id)[:len(pluginLinkName)+1+12]
	work := filepath.Join(out, "otelbridge", "plugin-"+m.Name)
	// A plugin is a cdylib, built like the shared library of rust.mode dlopen.
	b, err := newRustBuildOf(m, Options{Log: opts.Log, Otelbridge: opts.Otelbridge}, cache, out, work, generate.DlopenShared, lib)
	if err != nil {
		return err
	}
	p := &pluginBuild{rustBuild: b, objcopy: objcopy, file: filepath.Join(out, file)}
	return p.run()
}

// pluginBuild is a plugin's build: a rustBuild's crate and cargo run, then the manifest.
type pluginBuild struct {
	*rustBuild
	objcopy toolchain.Objcopy
	// file is the plugin's path: <output>/<dist.name>.so.
	file string
	// staged is the library in the work directory, as the registry reader links it
	// (libotelbridge_dist.so), first as cargo built it, then with its manifest.
	staged   string
	registry toolchain.Registry
	// written is the plugin's manifest, json its section's content.
	written *plugin.Manifest
	json    []byte
	// digest is the plugin file's SHA-256.
	digest [sha256.Size]byte
}

func (p *pluginBuild) run() error {
	log := p.opts.Log
	modules := "cargo modules"
	if len(p.cargo) == 1 {
		modules = "cargo module"
	}
	fmt.Fprintf(log, "plugin %s, of %d %s\n", p.file, len(p.cargo), modules)
	if err := step(log, "generate the Rust crate", p.generateCrate); err != nil {
		return err
	}
	if err := step(log, "rust build (cargo)", p.buildPlugin); err != nil {
		return err
	}
	if err := step(log, "plugin manifest", p.writeManifest); err != nil {
		return err
	}
	if err := step(log, "plugin file (objcopy, sha256)", p.writePlugin); err != nil {
		return err
	}
	fmt.Fprintf(log, "plugin %s: %s", p.file, p.written.Summary())
	fmt.Fprintf(log, "sha256 %x, in %s\n", p.digest, p.file+".sha256")
	return nil
}

// buildPlugin builds the cdylib, stages it in the work directory, and reads its registry and
// ABI version through its C ABI, checking the registry against the cargo modules.
func (p *pluginBuild) buildPlugin() error {
	lib, err := p.rust.BuildLibrary(p.crateDir(), p.lib, p.profile(), p.manifest.Rust.Features, true)
	if err != nil {
		return p.blame("building the Rust library", err)
	}
	p.staged = filepath.Join(p.work, "lib"+linkName+".so")
	if err := generate.CopyIfChanged(lib.Path, p.staged); err != nil {
		return err
	}
	p.registry, err = toolchain.DescribeLibrary(toolchain.Library{Path: p.staged}, p.includeDir(), p.work, true)
	if err != nil {
		return err
	}
	return p.checkRegistry(p.registry.Components)
}

func (p *pluginBuild) includeDir() string { return filepath.Join(p.root, "ffi", "include") }

// writeManifest writes the plugin's manifest from the registry, the crate's Cargo.lock and rustc,
// into the work directory.
func (p *pluginBuild) writeManifest() error {
	m := p.manifest
	lock, err := plugin.ReadLock(filepath.Join(p.crateDir(), "Cargo.lock"), generatedPackage(p.lib))
	if err != nil {
		return fmt.Errorf("reading the plugin's Cargo.lock: %w", err)
	}
	rustc, err := toolchain.Rustc(p.crateDir())
	if err != nil {
		return fmt.Errorf("asking rustc its version: %w", err)
	}
	p.written, err = plugin.New(plugin.Build{
		Name: m.Name, Version: m.Version, Registry: p.registry, Rustc: rustc,
		Target: rustc.Host, Profile: p.profile(), Lock: lock,
	})
	if err != nil {
		return err
	}
	if p.json, err = p.written.Marshal(); err != nil {
		return err
	}
	return generate.WriteFile(p.manifestPath(), p.json)
}

func (p *pluginBuild) manifestPath() string { return filepath.Join(p.work, "manifest.json") }

// generatedPackage is the package name of the library crate lib (Cargo.toml's [package] name).
func generatedPackage(lib string) string {
	return strings.ReplaceAll(lib, "_", "-")
}

// writePlugin adds the manifest section to the staged library, checks the result (the section
// reads back as written; the library still loads and lists the same registry), then puts it in
// place with its digest file. Each file is written beside its final name and renamed over it, so
// a collector running the previous plugin keeps its mapping intact, and nothing ever loads half
// a file.
func (p *pluginBuild) writePlugin() error {
	sectioned := p.staged + ".manifest"
	if err := p.objcopy.AddSection(p.staged, sectioned, plugin.SectionName, p.manifestPath()); err != nil {
		return fmt.Errorf("adding the manifest section to the library: %w", err)
	}
	if err := os.Rename(sectioned, p.staged); err != nil {
		return err
	}
	if err := p.checkSection(p.staged); err != nil {
		return err
	}
	again, err := toolchain.DescribeLibrary(toolchain.Library{Path: p.staged}, p.includeDir(), p.work, true)
	if err != nil {
		return fmt.Errorf("the library with its manifest section: %w", err)
	}
	if !reflect.DeepEqual(again, p.registry) {
		return fmt.Errorf("the library with its manifest section lists another registry: %+v, not %+v", again, p.registry)
	}
	content, err := os.ReadFile(p.staged)
	if err != nil {
		return err
	}
	p.digest = sha256.Sum256(content)
	line := fmt.Sprintf("%x  %s\n", p.digest, filepath.Base(p.file))
	if err := os.MkdirAll(filepath.Dir(p.file), 0o755); err != nil {
		return err
	}
	if err := replaceFile(p.file, content); err != nil {
		return err
	}
	return replaceFile(p.file+".sha256", []byte(line))
}

// checkSection reads the manifest section of the library at path with debug/elf, as the
// collector will, and compares it with the manifest written.
func (p *pluginBuild) checkSection(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("reading the plugin as ELF: %w", err)
	}
	defer f.Close()
	s := f.Section(plugin.SectionName)
	if s == nil {
		return fmt.Errorf("objcopy added no %s section", plugin.SectionName)
	}
	if s.Flags&elf.SHF_ALLOC != 0 || s.Type != elf.SHT_PROGBITS {
		return fmt.Errorf("the %s section is %v with flags %v; want PROGBITS, not allocated", plugin.SectionName, s.Type, s.Flags)
	}
	data, err := s.Data()
	if err != nil {
		return err
	}
	if !bytes.Equal(data, p.json) {
		return fmt.Errorf("the %s section does not hold the manifest written", plugin.SectionName)
	}
	return nil
}

// replaceFile puts content at path, mode 0644, unless the file holds it already: written to a
// temporary file beside it, then renamed over it.
func replaceFile(path string, content []byte) error {
	if current, err := os.ReadFile(path); err == nil && bytes.Equal(current, content) {
		return os.Chmod(path, 0o644)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	_, err = tmp.Write(content)
	err = errors.Join(err, tmp.Chmod(0o644), tmp.Close())
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
