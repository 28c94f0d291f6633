package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A manifest without cargo modules is upstream's: the builder hands it to ocb unchanged, and the
// collector it builds has exactly the components ocb's own build has.
func TestGoOnlyManifestMatchesUpstreamOCB(t *testing.T) {
	requireE2E(t)
	ours := filepath.Join(t.TempDir(), "dist")
	r := buildOK(t, writeManifest(t, goOnlyManifest(ours)))
	t.Logf("otelbridge-builder build took %v", r.elapsed.Round(time.Millisecond))
	if !strings.Contains(r.stderr, "==> ocb (Go only)") || strings.Contains(r.stderr, "cargo") {
		t.Errorf("the builder did more than run ocb for a Go-only manifest:\n%s", r.stderr)
	}

	upstream := filepath.Join(t.TempDir(), "dist")
	u := runTool(t, ocbBinary, "--config", writeManifest(t, goOnlyManifest(upstream)))
	if u.exitCode != 0 {
		t.Fatalf("ocb exited with %d:\n%s", u.exitCode, u.output())
	}
	t.Logf("ocb build took %v", u.elapsed.Round(time.Millisecond))

	got := runCommand(t, t.TempDir(), filepath.Join(ours, "otelcol-goonly"), "components")
	want := runCommand(t, t.TempDir(), filepath.Join(upstream, "otelcol-goonly"), "components")
	if got != want {
		t.Errorf("components of the builder's binary:\n%s\ncomponents of ocb's binary:\n%s", got, want)
	}
}
