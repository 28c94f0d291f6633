package manifest

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const cargoManifest = `
colour: red
dist:
  name: acme
  output_path: build/acme
  cgo_enabled: false
  colour: blue
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v0.162.0
    gomodd: typo
processors:
  - gomod: go.opentelemetry.io/collector/processor/batchprocessor v0.162.0
  - cargo: redact = { path = "redact" }
    name: myredact
exporters:
  - cargo: export = "1.2"
replaces:
  - example.com/a => example.com/b v1.0.0
rust:
  link: shared
`

// derive derives a manifest and parses the result back.
func derive(t *testing.T, m *Manifest, goModules map[int]GoModule, added []GoModule, replaces []string) map[string]any {
	t.Helper()
	out, err := m.Derive(goModules, added, replaces)
	if err != nil {
		t.Fatalf("Derive: %v", err)
	}
	doc, err := parseYAML(out)
	if err != nil {
		t.Fatalf("Derive wrote no YAML: %v\n%s", err, out)
	}
	return doc
}

func TestDeriveRoundTripChangesOnlyWhatItDocuments(t *testing.T) {
	m := load(t, cargoManifest)
	got := derive(t, m, map[int]GoModule{
		2: {GoMod: "example.com/gen/redact v0.0.0", Import: "example.com/gen/redact/x", Name: "redactprocessor"},
		3: {GoMod: "example.com/gen/export v0.0.0", Name: "exportexporter"},
	}, []GoModule{{GoMod: "example.com/ext v0.0.0", Import: "example.com/ext/runtime"}}, []string{"example.com/gen/redact => /work/redact"})

	want := deepCopy(m.Raw).(map[string]any)
	want["processors"].([]any)[1] = map[string]any{"gomod": "example.com/gen/redact v0.0.0", "import": "example.com/gen/redact/x", "name": "myredact"}
	want["exporters"].([]any)[0] = map[string]any{"gomod": "example.com/gen/export v0.0.0", "name": "exportexporter"}
	want["extensions"] = []any{map[string]any{"gomod": "example.com/ext v0.0.0", "import": "example.com/ext/runtime"}}
	delete(want, "rust")
	want["dist"].(map[string]any)["cgo_enabled"] = false // rust.mode auto: dlopen, as dist.cgo_enabled is false
	want["replaces"] = append(want["replaces"].([]any), "example.com/gen/redact => /work/redact")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("derived:\n got %v\nwant %v", got, want)
	}
}

func TestDerivePreservesUnknownKeys(t *testing.T) {
	m := load(t, cargoManifest)
	got := derive(t, m, map[int]GoModule{2: {GoMod: "r v0"}, 3: {GoMod: "e v0"}}, nil, nil)
	if got["colour"] != "red" || got["dist"].(map[string]any)["colour"] != "blue" ||
		got["receivers"].([]any)[0].(map[string]any)["gomodd"] != "typo" {
		t.Errorf("unknown keys lost: %v", got)
	}
}

func TestDerivePinsTheDefaultOutputPath(t *testing.T) {
	m := load(t, `processors: [{cargo: r = "1"}]`)
	got := derive(t, m, map[int]GoModule{0: {GoMod: "r v0"}}, nil, nil)
	if path := got["dist"].(map[string]any)["output_path"]; path != m.OutputPath || path == "" {
		t.Errorf("output_path %v, want %q", path, m.OutputPath)
	}
}

func TestDeriveMatchesKeysAsOCBDoesAndOCBManifestLoadsBack(t *testing.T) {
	m := load(t, "Dist: {CGO_Enabled: false, output_path: out}\nProcessors: {cargo: r = \"1\", gomodd: x}\nRust: {link: shared}")
	out, err := m.Derive(map[int]GoModule{0: {GoMod: "example.com/r v0.0.0", Name: "rp"}}, nil, []string{"example.com/r => ./r"})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ocb.yaml")
	if err := os.WriteFile(file, out, 0o600); err != nil {
		t.Fatal(err)
	}
	back, err := Load(file)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := []Module{{Kind: Processors, GoMod: "example.com/r v0.0.0", Name: "rp"}}
	if !reflect.DeepEqual(back.Modules, want) || back.HasCargo() || len(back.Warnings) != 0 {
		t.Errorf("loaded back: %+v, warnings %q\n%s", back.Modules, back.Warnings, out)
	}
	if strings.Contains(string(out), "CGO_Enabled") || strings.Contains(string(out), "Rust") || !strings.Contains(string(out), "cgo_enabled: false") {
		t.Errorf("derived:\n%s", out)
	}
}

func TestDeriveRejectsMissingOrMisplacedGoModules(t *testing.T) {
	m := load(t, "dist: {output_path: out}\nreceivers: [{gomod: g v1}, {cargo: c = '1'}]")
	for _, tc := range []struct {
		goModules map[int]GoModule
		want      string
	}{
		{nil, "receiver module at index 1: no Go module given for its cargo dependency"},
		{map[int]GoModule{1: {Name: "x"}}, "receiver module at index 1: no Go module given for its cargo dependency"},
		{map[int]GoModule{0: {GoMod: "x v0"}, 1: {GoMod: "c v0"}}, "go module for receiver module at index 0: it is not a cargo module"},
		{map[int]GoModule{1: {GoMod: "c v0"}, 5: {GoMod: "x v0"}}, "go module for module 5: the manifest has 2 modules"},
	} {
		if _, err := m.Derive(tc.goModules, nil, nil); err == nil || err.Error() != tc.want {
			t.Errorf("%v: error %v, want %s", tc.goModules, err, tc.want)
		}
	}
}
