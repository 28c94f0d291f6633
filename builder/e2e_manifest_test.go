package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/otelbridge/otelbridge/builder/internal/release"
)

// Collector module versions of the newest release of the window, which the example manifest
// names.
var (
	collectorV0 = release.Newest.V0()
	collectorV1 = release.Newest.V1()
)

// coreVersion is a core collector module's gomod: its path and version.
var coreVersion = regexp.MustCompile(`(go\.opentelemetry\.io/collector/\S+) (v[01])\.\d+\.\d+`)

// contribVersion is a contrib module's gomod (the example's health_check): contrib releases with
// core, as v0.N.x.
var contribVersion = regexp.MustCompile(`(github\.com/open-telemetry/opentelemetry-collector-contrib/\S+) v0\.\d+\.\d+`)

// atRelease rewrites every core module's version in manifest to release r (v0.N.x to r's v0,
// v1.M.x to its v1), and every contrib module's to r's v0 (a contrib module of another release
// would raise the core modules to its own).
func atRelease(manifest string, r release.Release) string {
	manifest = coreVersion.ReplaceAllStringFunc(manifest, func(m string) string {
		sub := coreVersion.FindStringSubmatch(m)
		if sub[2] == "v1" {
			return sub[1] + " " + r.V1()
		}
		return sub[1] + " " + r.V0()
	})
	return contribVersion.ReplaceAllString(manifest, "$1 "+r.V0())
}

// relativeCargoPath is a relative `path = "..."` in a cargo line.
var relativeCargoPath = regexp.MustCompile(`path\s*=\s*"([^"/][^"]*)"`)

// exampleManifest is examples/builder-config.yaml with dist.output_path set to out, rust.mode
// set to mode and rust.link to link, its cargo paths made absolute, and the crates named in
// cratePaths (by dependency key) pointed at another directory. dist.cgo_enabled says whether
// mode is cgo; an empty mode removes it and rust.mode (the default, auto: without cgo), an empty
// link removes rust.link (the mode's default).
func exampleManifest(t *testing.T, out, mode, link string, cratePaths map[string]string) string {
	t.Helper()
	examples := filepath.Join(repoRoot, "examples")
	data, err := os.ReadFile(filepath.Join(examples, "builder-config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	dist := doc["dist"].(map[string]any)
	dist["output_path"] = out
	rust, _ := doc["rust"].(map[string]any)
	if rust == nil {
		rust = map[string]any{}
		doc["rust"] = rust
	}
	delete(dist, "cgo_enabled")
	delete(rust, "mode")
	if mode != "" {
		dist["cgo_enabled"] = mode == "cgo"
		rust["mode"] = mode
	}
	delete(rust, "link")
	if link != "" {
		rust["link"] = link
	}
	cargoLines := 0
	for _, list := range []string{"receivers", "processors", "exporters", "extensions", "connectors"} {
		entries, _ := doc[list].([]any)
		for _, e := range entries {
			entry := e.(map[string]any)
			line, ok := entry["cargo"].(string)
			if !ok {
				continue
			}
			cargoLines++
			key := strings.TrimSpace(strings.SplitN(line, "=", 2)[0])
			if dir, ok := cratePaths[key]; ok {
				line = key + ` = { path = "` + dir + `" }`
			}
			entry["cargo"] = relativeCargoPath.ReplaceAllStringFunc(line, func(m string) string {
				rel := relativeCargoPath.FindStringSubmatch(m)[1]
				return `path = "` + filepath.Join(examples, rel) + `"`
			})
		}
	}
	if cargoLines != 5 {
		t.Fatalf("examples/builder-config.yaml has %d cargo lines; these tests expect one Rust component of each kind", cargoLines)
	}
	content, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(content)
}

// writeManifest writes content to manifest.yaml in a new temp dir and returns its path.
func writeManifest(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "manifest.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// goOnlyManifest has only gomod modules: the otlp receiver, the batch processor and the debug
// exporter, with the example's providers.
func goOnlyManifest(out string) string {
	return `dist:
  name: otelcol-goonly
  description: Go-only collector (otelbridge builder e2e)
  output_path: ` + out + `
  version: 0.1.0
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver ` + collectorV0 + `
processors:
  - gomod: go.opentelemetry.io/collector/processor/batchprocessor ` + collectorV0 + `
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/debugexporter ` + collectorV0 + `
providers:
  - gomod: go.opentelemetry.io/collector/confmap/provider/envprovider ` + collectorV1 + `
  - gomod: go.opentelemetry.io/collector/confmap/provider/fileprovider ` + collectorV1 + `
  - gomod: go.opentelemetry.io/collector/confmap/provider/yamlprovider ` + collectorV1 + `
`
}

// testCrate is the absolute path of a crate under testdata/crates.
func testCrate(name string) string {
	return filepath.Join(repoRoot, "builder", "testdata", "crates", name)
}
