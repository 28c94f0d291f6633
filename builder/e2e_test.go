package main

// End-to-end tests of otelbridge-builder as a real process: TestMain builds it as `make builder`
// does; each test writes a manifest into its temp dir, runs the builder on it, and runs what it
// built. Every build uses one builder cache, target/builder-tests (OTELBRIDGE_CACHE): ocb of each
// release is installed there once, and the cargo target directory in it is shared, as it is
// between a user's builds, so compiled Rust dependencies are reused (a cold build takes about a
// minute, a warm one about a second). `go test -short` skips them.

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otelbridge/otelbridge/builder/internal/release"
	"github.com/otelbridge/otelbridge/builder/internal/toolchain"
)

var (
	// repoRoot is the otelbridge checkout (absolute).
	repoRoot string
	// builderBinary is the otelbridge-builder TestMain built.
	builderBinary string
	// testCache is the OTELBRIDGE_CACHE of every build.
	testCache string
	// cargoTargetDir is the cargo target directory the builder uses in testCache.
	cargoTargetDir string
)

func TestMain(m *testing.M) {
	os.Exit(setUp(m))
}

func setUp(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		return m.Run() // the e2e tests skip themselves
	}
	root, err := filepath.Abs("..")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	repoRoot = root
	testCache = filepath.Join(root, "target", "builder-tests")
	cargoTargetDir = filepath.Join(testCache, "cargo-target")
	for _, tool := range []string{"cargo", "cc", "go", "ldd"} {
		if _, err := exec.LookPath(tool); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %s is not on PATH (scripts/check-toolchains.sh)\n", tool)
			return 1
		}
	}
	dir, err := os.MkdirTemp("", "otelbridge-builder-e2e")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	builderBinary = filepath.Join(dir, "otelbridge-builder")
	// As `make builder` does.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	out, err := exec.CommandContext(ctx, "go", "build", "-ldflags", "-X main.otelbridgeRoot="+root, "-o", builderBinary, ".").CombinedOutput()
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: building otelbridge-builder failed: %v\n%s", err, out)
		return 1
	}
	before := libraryCrateOutputs()
	defer func() {
		// Every new output directory is a new library crate to cargo, with its own ~35 MB archive
		// in deps/ that no later build reuses: remove this run's.
		for name := range libraryCrateOutputs() {
			if !before[name] {
				_ = os.Remove(name)
			}
		}
	}()
	return m.Run()
}

// libraryCrateOutputs are the generated library crates' files in the shared target directory:
// each output directory has its own crate, otelbridge_dist_<id>, whose library is in release/
// (libotelbridge_dist_<id>.a) and release/deps (libotelbridge_dist_<id>-<hash>.a, ...), and each
// plugin its own, otelbridge_plugin_<id>.
func libraryCrateOutputs() map[string]bool {
	set := map[string]bool{}
	for _, dir := range []string{"release", filepath.Join("release", "deps")} {
		for _, pattern := range []string{"*otelbridge_dist_*", "*otelbridge_plugin_*"} {
			names, _ := filepath.Glob(filepath.Join(cargoTargetDir, dir, pattern))
			for _, name := range names {
				set[name] = true
			}
		}
	}
	return set
}

// ocbBinary is upstream's ocb of release r, as the builder installs it into the test cache.
func ocbBinary(t *testing.T, r release.Release) string {
	t.Helper()
	path, err := toolchain.InstalledOCB(testCache, r, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// toolEnv is the environment of every builder and ocb run: the test cache, and no
// CARGO_TARGET_DIR of the caller's (which would win over the cache's target directory).
func toolEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CARGO_TARGET_DIR=") && !strings.HasPrefix(kv, "OTELBRIDGE_CACHE=") {
			env = append(env, kv)
		}
	}
	return append(env, "OTELBRIDGE_CACHE="+testCache)
}

// requireE2E skips the test under -short.
func requireE2E(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end builder test; skipped with -short")
	}
}
