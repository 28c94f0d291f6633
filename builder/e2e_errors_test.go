package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otelbridge/otelbridge/builder/internal/release"
)

// Each failing build names the manifest entry at fault ("processor module at index 1") and shows
// cargo's output where cargo ran. All but the type clash fail before any Go step; an invalid
// manifest (core modules of different releases or outside the window included), before any
// step at all.
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
		release    release.Release           // of every core module, when not the newest
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
	}, {
		name: "core modules of two releases",
		processors: func(*testing.T) string {
			return `  - cargo: otelbridge-example-redact = { path = "` + filepath.Join(repoRoot, "examples", "redact") + `" }` + "\n" +
				"  - gomod: go.opentelemetry.io/collector/processor/batchprocessor " + release.Oldest.V0() + "\n"
		},
		want: []string{"invalid manifest", "the core collector modules name different releases; use one release for all of them:",
			"  receiver module at index 0 (gomod: go.opentelemetry.io/collector/receiver/otlpreceiver " + collectorV0 + "): release " + release.Newest.String(),
			"  exporter module at index 0 (gomod: go.opentelemetry.io/collector/exporter/debugexporter " + collectorV0 + "): release " + release.Newest.String(),
			"  processor module at index 1 (gomod: go.opentelemetry.io/collector/processor/batchprocessor " + release.Oldest.V0() + "): release " + release.Oldest.String(),
		},
		stage: "manifest",
	}, {
		name: "core modules older than the window",
		processors: func(*testing.T) string {
			return `  - cargo: otelbridge-example-redact = { path = "` + filepath.Join(repoRoot, "examples", "redact") + `" }` + "\n" + batch
		},
		release: release.Oldest - 1,
		want: []string{"invalid manifest", "release " + (release.Oldest - 1).String() + " is outside the supported window, " + release.WindowText() + ":",
			"  receiver module at index 0 (gomod: go.opentelemetry.io/collector/receiver/otlpreceiver " + (release.Oldest - 1).V0() + ")",
			"  processor module at index 1 (gomod: go.opentelemetry.io/collector/processor/batchprocessor " + (release.Oldest - 1).V0() + ")",
		},
		stage: "manifest",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "dist")
			manifest := "dist:\n  name: otelcol-broken\n  output_path: " + out + "\n  cgo_enabled: true\n" + goModules + "processors:\n" + tt.processors(t)
			if tt.release != 0 {
				manifest = atRelease(manifest, tt.release)
			}
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

// --ocb must name ocb of the manifest's release: another release's would build its own core.
func TestOCBOfAnotherReleaseIsRefused(t *testing.T) {
	requireE2E(t)
	other := ocbBinary(t, release.Oldest)
	out := filepath.Join(t.TempDir(), "dist")
	r := runTool(t, builderBinary, "--ocb", other, "--config", writeManifest(t, goOnlyManifest(out)))
	if r.exitCode == 0 {
		t.Fatalf("the build succeeded with ocb %s for a manifest at %s:\n%s", release.Oldest.V0(), release.Newest, r.output())
	}
	want := "--ocb " + other + " is ocb " + release.Oldest.V0() + ", but the manifest's core modules are at release " + release.Newest.String()
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
	}
	if strings.Contains(r.stderr, "==>") {
		t.Errorf("a build step ran:\n%s", r.stderr)
	}
}

// A mistyped command is named, with the commands there are, instead of asking for --config.
func TestAnUnknownCommandIsNamed(t *testing.T) {
	requireE2E(t)
	r := runTool(t, builderBinary, "nwe", "processor", "x")
	if r.exitCode != 2 || !strings.Contains(r.stderr, `unknown command "nwe": the commands are new, plugin and releases`) {
		t.Fatalf("exit %d; want 2 naming the command:\n%s", r.exitCode, r.output())
	}
}
