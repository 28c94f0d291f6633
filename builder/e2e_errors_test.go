package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each failing build names the manifest entry at fault ("processor module at index 1") and shows
// cargo's output where cargo ran. All but the type clash fail before any Go step; an invalid
// manifest, before any step at all.
func TestBuildErrorsNameTheModuleEntry(t *testing.T) {
	requireE2E(t)
	goModules := `receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver ` + collectorV0 + `
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/debugexporter ` + collectorV0 + `
`
	batch := "  - gomod: go.opentelemetry.io/collector/processor/batchprocessor " + collectorV0 + "\n"
	tests := []struct {
		name       string
		processors func(t *testing.T) string // the processors list
		want       []string                  // in stderr
		stage      string                    // the last stage that ran: manifest, rust or go
	}{{
		name: "crate path does not exist",
		processors: func(t *testing.T) string {
			return `  - cargo: nosuch = { path = "` + filepath.Join(t.TempDir(), "nosuch") + `" }` + "\n" + batch
		},
		want:  []string{"processor module at index 0 (cargo: nosuch = ", "failed to load manifest for dependency `nosuch`"},
		stage: "rust",
	}, {
		name: "crate exports an extension listed as a processor",
		processors: func(*testing.T) string {
			return batch + `  - cargo: otelbridge-example-heartbeat = { path = "` + filepath.Join(repoRoot, "examples", "heartbeat") + `" }` + "\n"
		},
		want:  []string{"processor module at index 1 (cargo: otelbridge-example-heartbeat = ", `exports no processor: its factory() is the extension "heartbeat"`},
		stage: "rust",
	}, {
		name: "crate does not compile",
		processors: func(*testing.T) string {
			return batch + `  - cargo: otelbridge-test-broken = { path = "` + testCrate("broken") + `" }` + "\n"
		},
		want: []string{"processor module at index 1 (cargo: otelbridge-test-broken = ", "building the Rust library failed",
			"error[E0308]: mismatched types", "expected `Factory`, found `&str`", "could not compile `otelbridge-test-broken`"},
		stage: "rust",
	}, {
		name: "Rust and Go processors share the type batch",
		processors: func(*testing.T) string {
			return batch + `  - cargo: otelbridge-test-batchclash = { path = "` + testCrate("batchclash") + `" }` + "\n"
		},
		want: []string{`two processors have the type "batch"`, "the Rust processor module at index 1 (cargo: otelbridge-test-batchclash = ",
			"and the Go processor module at index 0 (gomod: go.opentelemetry.io/collector/processor/batchprocessor " + collectorV0 + ")"},
		stage: "go",
	}, {
		name: "module has both gomod and cargo",
		processors: func(*testing.T) string {
			return batch + `  - gomod: go.opentelemetry.io/collector/processor/memorylimiterprocessor ` + collectorV0 + `
    cargo: otelbridge-example-redact = { path = "` + filepath.Join(repoRoot, "examples", "redact") + `" }` + "\n"
		},
		want:  []string{"invalid manifest", "processor module at index 1: has both gomod and cargo; use one"},
		stage: "manifest",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "dist")
			manifest := "dist:\n  name: otelcol-broken\n  output_path: " + out + "\n" + goModules + "processors:\n" + tt.processors(t)
			r := buildFails(t, writeManifest(t, manifest))
			for _, want := range tt.want {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q", want)
				}
			}
			switch ran := strings.Contains(r.stderr, "==> go "); {
			case tt.stage == "manifest" && strings.Contains(r.stderr, "==>"):
				t.Errorf("a build step ran for an invalid manifest")
			case tt.stage == "manifest" && fileExists(out):
				t.Errorf("the output directory %s was created for an invalid manifest", out)
			case tt.stage == "rust" && ran:
				t.Errorf("a Go step ran after the Rust side failed")
			case tt.stage == "go" && !strings.Contains(r.stderr, "==> go build"):
				t.Errorf("the Go collector was not compiled")
			}
		})
	}
}

// fileExists reports whether path exists.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
