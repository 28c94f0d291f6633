package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// copyHeartbeat copies examples/heartbeat's sources into a temp dir, with a Cargo.toml of its
// own (the original inherits from the repository's workspace), and returns the directory.
func copyHeartbeat(t *testing.T) string {
	t.Helper()
	from := filepath.Join(repoRoot, "examples", "heartbeat", "src")
	dir := filepath.Join(t.TempDir(), "heartbeat")
	if err := os.CopyFS(filepath.Join(dir, "src"), os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
	manifest := `[package]
name = "otelbridge-example-heartbeat"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
name = "heartbeat"

[dependencies]
otelbridge = { path = "` + filepath.Join(repoRoot, "rust", "otelbridge") + `" }
serde = { version = "1", features = ["derive"] }
tokio-util = { version = "0.7", default-features = false }
tracing = "0.1"

[workspace]
`
	if err := os.WriteFile(filepath.Join(dir, "Cargo.toml"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// replaceIn replaces old with new in the file at path, which must contain old.
func replaceIn(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %s", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fileState is a file's identity, time and content at one moment.
type fileState struct {
	info    os.FileInfo
	modTime time.Time
	content []byte
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fileState{info: info, modTime: info.ModTime(), content: content}
}

// depsTimes are the modification times of the files cargo compiled into the shared target
// directory's release/deps.
func depsTimes(t *testing.T) map[string]time.Time {
	t.Helper()
	dir := filepath.Join(cargoTargetDir, "release", "deps")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	times := make(map[string]time.Time, len(entries))
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		times[e.Name()] = info.ModTime()
	}
	return times
}
