package toolchain

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/otelbridge/otelbridge/builder/internal/release"
)

// Once ocb of a release is in the cache, it is used as it is: no go command runs (none is on
// PATH here), so nothing touches the network.
func TestInstalledOCBIsReusedWithoutRunningGo(t *testing.T) {
	cache := t.TempDir()
	path := OCBPath(cache, release.Newest)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	got, err := InstalledOCB(cache, release.Newest, io.Discard)
	if err != nil || got != path {
		t.Fatalf("InstalledOCB = %q, %v; want %q", got, err, path)
	}
}

// An install that fails leaves nothing a later build would take for ocb.
func TestFailedOCBInstallLeavesNothing(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("PATH", t.TempDir()) // no go
	if _, err := InstalledOCB(cache, release.Oldest, io.Discard); err == nil {
		t.Fatal("InstalledOCB succeeded without go")
	}
	entries, err := os.ReadDir(filepath.Dir(OCBPath(cache, release.Oldest)))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("the failed install left %v", entries)
	}
}

func TestCacheDirIsOTELBRIDGE_CACHEElseTheUsersCacheDirectory(t *testing.T) {
	t.Setenv("OTELBRIDGE_CACHE", "/srv/otelbridge-cache")
	if dir, err := CacheDir(); err != nil || dir != "/srv/otelbridge-cache" {
		t.Errorf("CacheDir() = %q, %v", dir, err)
	}
	t.Setenv("OTELBRIDGE_CACHE", "")
	t.Setenv("XDG_CACHE_HOME", "/home/ann/.cache")
	if dir, err := CacheDir(); err != nil || dir != "/home/ann/.cache/otelbridge" {
		t.Errorf("CacheDir() = %q, %v", dir, err)
	}
	t.Setenv("CARGO_TARGET_DIR", "")
	if dir, err := TargetDir("/c"); err != nil || dir != "/c/cargo-target" {
		t.Errorf("TargetDir() = %q, %v", dir, err)
	}
	t.Setenv("CARGO_TARGET_DIR", "/t")
	if dir, err := TargetDir("/c"); err != nil || dir != "/t" {
		t.Errorf("TargetDir() with CARGO_TARGET_DIR = %q, %v", dir, err)
	}
}
