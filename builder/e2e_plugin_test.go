package main

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/otelbridge/otelbridge/builder/internal/plugin"
	"github.com/otelbridge/otelbridge/builder/internal/toolchain"
)

// pluginManifest is a plugin manifest building the example crates named by their dependency
// line, under list ("processors: [...]"), into out.
func pluginManifest(name, out string, lists map[string][]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "dist:\n  name: %s\n  version: 0.3.0\n  output_path: %s\n", name, out)
	for _, list := range []string{"receivers", "processors", "exporters", "extensions", "connectors"} {
		if len(lists[list]) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s:\n", list)
		for _, crate := range lists[list] {
			fmt.Fprintf(&b, "  - cargo: %s = { path = %q }\n", crate, filepath.Join(repoRoot, "examples", strings.TrimPrefix(crate, "otelbridge-example-")))
		}
	}
	return b.String()
}

// buildPlugin runs `otelbridge-builder plugin` on manifest and fails the test unless it succeeds.
func buildPlugin(t *testing.T, manifest string) run {
	t.Helper()
	r := runTool(t, builderBinary, "plugin", "--config", manifest)
	if r.exitCode != 0 {
		t.Fatalf("otelbridge-builder plugin --config %s exited with %d:\n%s", manifest, r.exitCode, r.output())
	}
	return r
}

// Two plugins built side by side in one output directory: the redact processor alone, and the
// spanstats connector with the heartbeat extension. Each is an ELF shared object exporting the C
// ABI, with its manifest in a section of its own (the components as its registry lists them, the
// ABI of the checkout's header, the SDK and crate versions of its Cargo.lock, the rustc that
// built it), which the Go shim module's reader (go/plugin) reads as written, and a sha256sum
// file beside it. A second build changes nothing: the same file, the same digest.
func TestPluginsBuildWithTheirManifests(t *testing.T) {
	requireE2E(t)
	out := filepath.Join(t.TempDir(), "plugins")
	redact := filepath.Join(out, "otelbridge-plugin-redact.so")
	redactManifest := writeManifest(t, pluginManifest("otelbridge-plugin-redact", out,
		map[string][]string{"processors": {"otelbridge-example-redact"}}))
	r := buildPlugin(t, redactManifest)
	t.Logf("the redact plugin took %v (rust build %v):\n%s", r.elapsed.Round(time.Millisecond), stepDuration(t, r, "rust build (cargo)"), r.stderr)
	m := requirePlugin(t, redact)
	requirePluginComponents(t, m, []plugin.Component{
		{Type: "redact", Kind: "processor", Signals: []string{"traces", "metrics", "logs"}},
	})
	requireCrate(t, m, "otelbridge-example-redact")
	requireReaderAgrees(t, redact)
	logSize(t, "redact plugin", redact)
	shown := *m
	shown.Crates = nil
	data, _ := json.MarshalIndent(&shown, "", "  ")
	t.Logf("the redact plugin's manifest (%d crates left out):\n%s", len(m.Crates), data)

	spanstats := filepath.Join(out, "otelbridge-plugin-spanstats.so")
	buildPlugin(t, writeManifest(t, pluginManifest("otelbridge-plugin-spanstats", out, map[string][]string{
		"connectors": {"otelbridge-example-spanstats"}, "extensions": {"otelbridge-example-heartbeat"},
	})))
	m = requirePlugin(t, spanstats)
	// The manifest's order: extensions, then connectors.
	requirePluginComponents(t, m, []plugin.Component{
		{Type: "heartbeat", Kind: "extension", Signals: []string{}},
		{Type: "spanstats", Kind: "connector", Signals: []string{"traces"}, SignalsOut: []string{"metrics"}},
	})
	requireCrate(t, m, "otelbridge-example-spanstats")
	requireCrate(t, m, "otelbridge-example-heartbeat")

	before, err := os.ReadFile(redact + ".sha256")
	if err != nil {
		t.Fatal(err)
	}
	buildPlugin(t, redactManifest)
	if after, _ := os.ReadFile(redact + ".sha256"); !bytes.Equal(before, after) {
		t.Errorf("a second build changed the digest: %q, then %q", before, after)
	}
	requirePlugin(t, redact)
}

// requirePlugin checks the plugin file at path and returns its manifest: an ELF shared object
// exporting otelbridge_v1_abi_version, whose manifest section is not loaded and decodes strictly,
// with the ABI version of the checkout's header, the SDK version of its Cargo.lock, this rustc,
// and a sha256sum file beside it that matches.
func requirePlugin(t *testing.T, path string) *plugin.Manifest {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	if f.Type != elf.ET_DYN {
		t.Errorf("%s: ELF type %v, want a shared object", path, f.Type)
	}
	symbols, err := f.DynamicSymbols()
	if err != nil {
		t.Fatalf("%s: dynamic symbols: %v", path, err)
	}
	exported := false
	for _, s := range symbols {
		if s.Name == "otelbridge_v1_abi_version" && s.Section != elf.SHN_UNDEF && elf.ST_TYPE(s.Info) == elf.STT_FUNC {
			exported = true
		}
	}
	if !exported {
		t.Errorf("%s does not export otelbridge_v1_abi_version", path)
	}
	section := f.Section(plugin.SectionName)
	if section == nil {
		t.Fatalf("%s has no %s section", path, plugin.SectionName)
	}
	if section.Type != elf.SHT_PROGBITS || section.Flags&elf.SHF_ALLOC != 0 {
		t.Errorf("%s: the manifest section is %v, %v; want PROGBITS and not allocated", path, section.Type, section.Flags)
	}
	data, err := section.Data()
	if err != nil {
		t.Fatal(err)
	}
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	var m plugin.Manifest
	if err := decoder.Decode(&m); err != nil {
		t.Fatalf("%s: the manifest does not decode: %v\n%s", path, err, data)
	}
	if m.ManifestVersion != plugin.FormatVersion || m.Name+".so" != filepath.Base(path) || m.Version != "0.3.0" {
		t.Errorf("%s: manifest version %d, name %q, version %q", path, m.ManifestVersion, m.Name, m.Version)
	}
	major, minor, err := toolchain.ABIVersion(filepath.Join(repoRoot, "ffi", "include"))
	if err != nil {
		t.Fatal(err)
	}
	if m.ABI != (plugin.ABIVersion{Major: major, Minor: minor}) {
		t.Errorf("%s: ABI %+v; otelbridge.h declares %d.%d", path, m.ABI, major, minor)
	}
	rustc, err := toolchain.Rustc(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	if m.Rustc.Release != rustc.Release || m.Rustc.Host != rustc.Host || m.Rustc.CommitHash != rustc.CommitHash ||
		m.Target != rustc.Host || m.Profile != "release" {
		t.Errorf("%s: rustc %+v, target %q, profile %q; want rustc %+v, its host, release", path, m.Rustc, m.Target, m.Profile, rustc)
	}
	sdk := requireCrate(t, &m, "otelbridge")
	if m.SDKVersion == "" || m.SDKVersion != sdk.Version {
		t.Errorf("%s: SDK version %q, and the otelbridge crate's %q", path, m.SDKVersion, sdk.Version)
	}
	requireCrate(t, &m, "otelbridge-abi")
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	digest, err := os.ReadFile(path + ".sha256")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%x  %s\n", sha256.Sum256(content), filepath.Base(path)); string(digest) != want {
		t.Errorf("%s.sha256 holds %q; the file's digest is %q", path, digest, want)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("%s: mode %v, %v; want 0644", path, info.Mode(), err)
	}
	return &m
}

// requirePluginComponents checks the manifest's components (their stability: only that it is named).
func requirePluginComponents(t *testing.T, m *plugin.Manifest, want []plugin.Component) {
	t.Helper()
	got := append([]plugin.Component(nil), m.Components...)
	for i := range got {
		if got[i].Stability == "" {
			t.Errorf("%s: the %s %q has no stability", m.Name, got[i].Kind, got[i].Type)
		}
		got[i].Stability = ""
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: components\n got %+v\nwant %+v", m.Name, got, want)
	}
}

// requireCrate checks that the manifest lists the crate, at the version the checkout's
// Cargo.lock has for it (the examples and the SDK are the checkout's path crates).
func requireCrate(t *testing.T, m *plugin.Manifest, name string) plugin.Crate {
	t.Helper()
	lock, err := plugin.ReadLock(filepath.Join(repoRoot, "Cargo.lock"), "")
	if err != nil {
		t.Fatal(err)
	}
	want := ""
	for _, c := range lock.Crates {
		if c.Name == name {
			want = c.Version
		}
	}
	for _, c := range m.Crates {
		if c.Name == name {
			if c.Version == "" || c.Version != want {
				t.Errorf("%s: crate %s at %q; the checkout's Cargo.lock has %q", m.Name, name, c.Version, want)
			}
			return c
		}
	}
	t.Errorf("%s: no crate %s among %d", m.Name, name, len(m.Crates))
	return plugin.Crate{}
}

// requireReaderAgrees runs the collector side's reader, the Go shim module's go/plugin, on the
// plugin (its TestReadBuiltPlugin), and checks that it reads the section's manifest whole.
func requireReaderAgrees(t *testing.T, path string) {
	t.Helper()
	read := filepath.Join(t.TempDir(), "read.json")
	cmd := exec.Command("go", "test", "-count=1", "-run", "^TestReadBuiltPlugin$", "-v", "./plugin")
	cmd.Dir = filepath.Join(repoRoot, "go")
	cmd.Env = append(os.Environ(), "OTELBRIDGE_PLUGIN_FILE="+path, "OTELBRIDGE_PLUGIN_MANIFEST_OUT="+read)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go/plugin's reader on %s: %v\n%s", path, err, out)
	}
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	written, err := f.Section(plugin.SectionName).Data()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(read)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(written, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("go/plugin reads %s otherwise than it is written:\n got %s\nwant %s", path, got, written)
	}
}

// A plugin manifest with a Go module is refused before anything is built, naming the entry.
func TestPluginWithAGoModuleIsRefused(t *testing.T) {
	requireE2E(t)
	out := filepath.Join(t.TempDir(), "plugins")
	manifest := writeManifest(t, pluginManifest("p", out, map[string][]string{"processors": {"otelbridge-example-redact"}})+
		"exporters:\n  - gomod: go.opentelemetry.io/collector/exporter/debugexporter "+collectorV0+"\n")
	r := runTool(t, builderBinary, "plugin", "--config", manifest)
	want := "exporter module at index 0: gomod go.opentelemetry.io/collector/exporter/debugexporter " + collectorV0 +
		" cannot be in a plugin, which holds Rust components only (cargo:); build Go components into the collector\n"
	if r.exitCode != 1 || !strings.HasSuffix(r.stderr, want) {
		t.Errorf("exit %d; want 1 and the line %q:\n%s", r.exitCode, want, r.output())
	}
	if fileExists(out) {
		t.Errorf("%s exists: the refused plugin built something", out)
	}
}
