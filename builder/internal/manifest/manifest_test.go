package manifest

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// write puts a manifest in a fresh directory and returns its path. TMPDIR points into the test's
// directory too, where Load makes the default output directory.
func write(t *testing.T, content string) string {
	t.Helper()
	t.Setenv("TMPDIR", t.TempDir())
	file := filepath.Join(t.TempDir(), "builder-config.yaml")
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// load loads a manifest that must be valid.
func load(t *testing.T, content string) *Manifest {
	t.Helper()
	m, err := Load(write(t, content))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return m
}

// Manifests ocb v0.162.0 accepts (each checked with its binary and every --skip-* flag).
var upstreamManifests = map[string]string{
	"readme example": `
dist:
  name: otelcol-custom
  description: Local OpenTelemetry Collector binary
  output_path: /tmp/dist
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/debugexporter v0.162.0
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v0.162.0
processors:
  - gomod: go.opentelemetry.io/collector/processor/batchprocessor v0.162.0
providers:
  - gomod: go.opentelemetry.io/collector/confmap/provider/envprovider v1.68.0
`,
	"every upstream key": `
dist:
  module: example.com/acme/otelcol
  name: acme
  go: /usr/local/go/bin/go
  description: "Acme distribution"
  output_path: ./out
  version: "1.0.0"
  build_tags: netgo
  debug_compilation: false
  cgo_enabled: false
  use_absolute_replace_paths: true
receivers:
  - gomod: example.com/acme/receiver v1.0.0
    import: example.com/acme/receiver/sub
    name: acmereceiver
    path: .
processors:
  - gomod: go.opentelemetry.io/collector/processor/batchprocessor v0.162.0
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/debugexporter v0.162.0
extensions:
  - gomod: go.opentelemetry.io/collector/extension/zpagesextension v0.162.0
connectors:
  - gomod: go.opentelemetry.io/collector/connector/forwardconnector v0.162.0
providers:
  - gomod: go.opentelemetry.io/collector/confmap/provider/envprovider v1.68.0
converters:
  - gomod: example.com/acme/converter v1.0.0
telemetry:
  gomod: go.opentelemetry.io/collector/service v0.162.0
  import: go.opentelemetry.io/collector/service/telemetry/otelconftelemetry
replaces:
  - example.com/a => example.com/b v1.0.0
excludes:
  - example.com/c v0.1.0
conf_resolver:
  default_uri_scheme: env
`,
	"empty document": ``,
	"null sections":  "dist:\nreceivers:\ntelemetry:\nproviders:\n",
	"weakly typed values, as koanf reads them": `
dist: {name: 7, version: 1.0, cgo_enabled: "true", output_path: /tmp/x}
receivers: {gomod: example.com/r v1.0.0}
replaces: example.com/a => example.com/b v1.0.0
`,
	"keys in another case, as mapstructure matches them": `
DIST: {Name: x, Output_Path: /tmp/x}
Receivers: [{GoMod: example.com/r v1.0.0}]
`,
	"a provider inherits the default provider's gomod": "dist: {output_path: /tmp/x}\nproviders: [{name: envp}]\n",
}

func TestLoadUpstreamManifestsCleanly(t *testing.T) {
	for name, content := range upstreamManifests {
		t.Run(name, func(t *testing.T) {
			m := load(t, content)
			if len(m.Warnings) > 0 {
				t.Errorf("warnings: %q", m.Warnings)
			}
			if m.HasCargo() || len(m.CargoModules()) > 0 {
				t.Error("HasCargo without cargo modules")
			}
		})
	}
}

func TestLoadAcceptsCargoAndRustAlongsideEveryUpstreamKey(t *testing.T) {
	content := strings.Replace(upstreamManifests["every upstream key"], "processors:\n", "processors:\n  - cargo: redact = { path = \"redact\" }\n", 1)
	m := load(t, content+"rust: {link: shared, profile: release, features: [redact/simd], patches: {crates-io: [x = '1']}, otelbridge: /src/otelbridge}\n")
	if len(m.Warnings) > 0 || len(m.CargoModules()) != 1 {
		t.Errorf("warnings %q, cargo modules %+v", m.Warnings, m.CargoModules())
	}
}

func TestLoadListsModulesInKindsThenIndexOrder(t *testing.T) {
	m := load(t, `
exporters: [{gomod: e0 v1}, {cargo: e1 = "1", name: ex}]
receivers: [{gomod: r0 v1, import: r0/x, path: ./r0}]
connectors: [{cargo: c0 = "2"}]
processors: [{gomod: p0 v1}, {gomod: p1 v1}]
extensions: [{gomod: x0 v1}]
`)
	want := []Module{
		{Kind: Receivers, Index: 0, GoMod: "r0 v1", Import: "r0/x", Path: "./r0"},
		{Kind: Processors, Index: 0, GoMod: "p0 v1"},
		{Kind: Processors, Index: 1, GoMod: "p1 v1"},
		{Kind: Exporters, Index: 0, GoMod: "e0 v1"},
		{Kind: Exporters, Index: 1, Cargo: `e1 = "1"`, Name: "ex"},
		{Kind: Extensions, Index: 0, GoMod: "x0 v1"},
		{Kind: Connectors, Index: 0, Cargo: `c0 = "2"`},
	}
	if !reflect.DeepEqual(m.Modules, want) {
		t.Errorf("Modules:\n got %+v\nwant %+v", m.Modules, want)
	}
	if !m.HasCargo() || !reflect.DeepEqual(m.CargoModules(), []Module{want[4], want[6]}) {
		t.Errorf("CargoModules: %+v", m.CargoModules())
	}
	if got := want[1].String(); got != "processor module at index 0" {
		t.Errorf("String: %q", got)
	}
}

func TestLoadNameDefaultsToTheBinaryGoBuildNames(t *testing.T) {
	for content, want := range map[string]string{
		"dist: {name: otelcol-acme}":         "otelcol-acme",
		"dist: {}":                           "builder", // ocb's default module ends in /builder
		"dist: {module: example.com/a/col}":  "col",
		"dist: {module: example.com/col/v2}": "col",
	} {
		if m := load(t, content); m.Name != want {
			t.Errorf("%s: Name %q, want %q", content, m.Name, want)
		}
	}
}

func TestLoadOutputPathAsWrittenElseAFreshTemporaryDirectory(t *testing.T) {
	if m := load(t, "dist: {output_path: build/out}"); m.OutputPath != "build/out" {
		t.Errorf("OutputPath %q, want it as written", m.OutputPath)
	}
	m := load(t, "dist: {name: x}")
	if base := filepath.Base(m.OutputPath); !strings.HasPrefix(base, "otelcol-distribution") {
		t.Errorf("OutputPath %q, want a directory made like ocb's", m.OutputPath)
	}
	if info, err := os.Stat(m.OutputPath); err != nil || !info.IsDir() {
		t.Errorf("OutputPath %q: not a directory: %v", m.OutputPath, err)
	}
}

func TestLoadRustDefaults(t *testing.T) {
	m := load(t, "dist: {output_path: /tmp/x}")
	want := Rust{Mode: ModeDlopen, ModeReason: "auto: dist.cgo_enabled is not true", Link: LinkEmbedded, Profile: "release"}
	if !reflect.DeepEqual(m.Rust, want) {
		t.Errorf("Rust %+v, want %+v", m.Rust, want)
	}
}

func TestLoadRustResolvesPathsAgainstTheManifestDirectory(t *testing.T) {
	m := load(t, `
rust:
  link: shared
  profile: dist-opt
  features: [redact/simd]
  otelbridge: ../otelbridge
  patches:
    crates-io:
      - serde = { path = "vendor/serde" }
      - bytes = "1.5"
`)
	dir := filepath.Dir(m.File)
	want := Rust{
		Mode: ModeDlopen, ModeReason: "auto: dist.cgo_enabled is not true",
		Link: LinkShared, Profile: "dist-opt", Features: []string{"redact/simd"},
		Otelbridge: filepath.Join(filepath.Dir(dir), "otelbridge"),
		Patches: map[string][]string{"crates-io": {
			`serde = { path = "` + filepath.Join(dir, "vendor/serde") + `" }`,
			`bytes = "1.5"`,
		}},
	}
	if !reflect.DeepEqual(m.Rust, want) {
		t.Errorf("Rust\n got %+v\nwant %+v", m.Rust, want)
	}
}

func TestLoadReturnsTheManifestWithItsWarningsWhenInvalid(t *testing.T) {
	m, err := Load(write(t, "dist: {colour: red}\nreceivers: [{}]"))
	if err == nil || m == nil || len(m.Warnings) != 1 {
		t.Fatalf("Load = %v, %v; want the manifest, its warning and an error", m, err)
	}
}

func TestLoadFailsOnUnreadableOrNonYAMLFiles(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("missing file: no error")
	}
	if m, err := Load(write(t, "- a list\n")); err == nil || m != nil {
		t.Errorf("a YAML list: %v, %v", m, err)
	}
}

func TestKindSingular(t *testing.T) {
	var got []string
	for _, k := range Kinds {
		got = append(got, k.Singular())
	}
	if want := "receiver processor exporter extension connector"; strings.Join(got, " ") != want {
		t.Errorf("got %q", got)
	}
}
