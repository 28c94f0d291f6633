package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otelbridge/otelbridge/builder/internal/release"
)

// A manifest without cargo modules is upstream's: the builder hands it to ocb of the manifest's
// release unchanged, and the collector it builds has exactly the components ocb's own build has,
// at both ends of the window.
func TestGoOnlyManifestMatchesUpstreamOCB(t *testing.T) {
	requireE2E(t)
	for _, r := range []release.Release{release.Oldest, release.Newest} {
		t.Run(r.V0(), func(t *testing.T) {
			ours := filepath.Join(t.TempDir(), "dist")
			b := buildOK(t, writeManifest(t, atRelease(goOnlyManifest(ours), r)))
			t.Logf("otelbridge-builder build took %v", b.elapsed.Round(time.Millisecond))
			if !strings.Contains(b.stderr, "==> ocb (Go only)") || strings.Contains(b.stderr, "cargo") {
				t.Errorf("the builder did more than run ocb for a Go-only manifest:\n%s", b.stderr)
			}
			if strings.Contains(b.stderr, "warning:") {
				t.Errorf("the builder warned about a Go-only manifest of one release:\n%s", b.stderr)
			}

			upstream := filepath.Join(t.TempDir(), "dist")
			u := runTool(t, ocbBinary(t, r), "--config", writeManifest(t, atRelease(goOnlyManifest(upstream), r)))
			if u.exitCode != 0 {
				t.Fatalf("ocb %s exited with %d:\n%s", r.V0(), u.exitCode, u.output())
			}
			t.Logf("ocb build took %v", u.elapsed.Round(time.Millisecond))

			got := runCommand(t, t.TempDir(), filepath.Join(ours, "otelcol-goonly"), "components")
			want := runCommand(t, t.TempDir(), filepath.Join(upstream, "otelcol-goonly"), "components")
			if got != want {
				t.Errorf("components of the builder's binary:\n%s\ncomponents of ocb's binary:\n%s", got, want)
			}
			requireRelease(t, filepath.Join(ours, "otelcol-goonly"), r)
		})
	}
}
