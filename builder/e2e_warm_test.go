package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// A second build of an unchanged manifest compiles nothing: the Rust library in the link module
// keeps its file (time and content), and the Go binary its content and inode (`go build` only
// touches an up-to-date binary's time).
func TestWarmBuildCompilesNothing(t *testing.T) {
	requireE2E(t)
	out := filepath.Join(t.TempDir(), "dist")
	manifest := writeManifest(t, exampleManifest(t, out, "cgo", "static", nil))
	library := filepath.Join(out, "otelbridge", "go", "link", "libotelbridge_dist.a")
	binary := filepath.Join(out, "otelcol-example")

	first := buildOK(t, manifest)
	t.Logf("first build (new output dir): %v, rust build %v", first.elapsed.Round(time.Millisecond), stepDuration(t, first, "rust build (cargo)"))
	lib1, bin1 := stateOf(t, library), stateOf(t, binary)

	warm := buildOK(t, manifest)
	t.Logf("warm build: %v, rust build %v, go build %v", warm.elapsed.Round(time.Millisecond),
		stepDuration(t, warm, "rust build (cargo)"), stepDuration(t, warm, "go build (ocb)"))
	lib2, bin2 := stateOf(t, library), stateOf(t, binary)
	if !lib2.modTime.Equal(lib1.modTime) || !bytes.Equal(lib2.content, lib1.content) {
		t.Errorf("the warm build rewrote %s (mtime %v -> %v, same content: %t)", library, lib1.modTime, lib2.modTime, bytes.Equal(lib2.content, lib1.content))
	}
	if !bytes.Equal(bin2.content, bin1.content) || !os.SameFile(bin1.info, bin2.info) {
		t.Errorf("the warm build relinked %s (same content: %t)", binary, bytes.Equal(bin2.content, bin1.content))
	}
	t.Logf("binary mtime %v -> %v (go build touches an up-to-date target)", bin1.modTime, bin2.modTime)
}

// Editing one Rust component recompiles that crate and the library crate, nothing else, and the
// rebuilt binary carries the change (Go's cache alone would not relink it: it does not hash the
// archive #cgo LDFLAGS names).
func TestEditedRustComponentRecompilesOnlyItsCrateAndRelinks(t *testing.T) {
	requireE2E(t)
	heartbeat := copyHeartbeat(t)
	out := filepath.Join(t.TempDir(), "dist")
	manifest := writeManifest(t, exampleManifest(t, out, "cgo", "static", map[string]string{"otelbridge-example-heartbeat": heartbeat}))
	library := filepath.Join(out, "otelbridge", "go", "link", "libotelbridge_dist.a")
	binary := filepath.Join(out, "otelcol-example")
	first := buildOK(t, manifest)
	t.Logf("first build (heartbeat copied): %v, rust build %v", first.elapsed.Round(time.Millisecond), stepDuration(t, first, "rust build (cargo)"))
	lib1 := stateOf(t, library)

	source := filepath.Join(heartbeat, "src", "extension.rs")
	replaceIn(t, source, `"heartbeat stopped"`, `"heartbeat stopped (edited)"`)
	deps := depsTimes(t)
	edited := buildOK(t, manifest)
	rustTime := stepDuration(t, edited, "rust build (cargo)")
	t.Logf("build after editing heartbeat: %v, rust build %v", edited.elapsed.Round(time.Millisecond), rustTime)
	if bytes.Equal(stateOf(t, library).content, lib1.content) {
		t.Errorf("the library did not change after editing %s", source)
	}
	if !bytes.Contains(stateOf(t, binary).content, []byte("heartbeat stopped (edited)")) {
		t.Errorf("the rebuilt binary lacks the edited log message: Go did not relink the new library")
	}
	var recompiled []string
	for name, modTime := range depsTimes(t) {
		if before, ok := deps[name]; !ok || !before.Equal(modTime) {
			recompiled = append(recompiled, name)
		}
	}
	slices.Sort(recompiled)
	t.Logf("files written in %s/release/deps: %v", cargoTargetDir, recompiled)
	for _, name := range recompiled {
		if !strings.Contains(name, "heartbeat") && !strings.Contains(name, "otelbridge_dist") {
			t.Errorf("cargo rebuilt %s; want only the heartbeat crate and the library crate", name)
		}
	}
	if !slices.ContainsFunc(recompiled, func(name string) bool { return strings.HasPrefix(name, "libheartbeat-") }) {
		t.Errorf("cargo did not rebuild the heartbeat crate")
	}
	if rustTime > 20*time.Second {
		t.Errorf("the rust build after one edit took %v; a cold one compiles every dependency in about a minute", rustTime)
	}
}
