package main

// End-to-end tests of otelbridge-builder as a real process: TestMain builds it (and upstream's
// ocb beside it) as `make builder` does; each test writes a manifest into its temp dir, runs the
// builder on it, and runs what it built. Every build shares the cargo target directory
// target/builder-tests, so compiled Rust dependencies are reused (a cold one takes about a
// minute, a warm one about a second). The tests run one after another: builds that share a
// target directory share its uplifted target/builder-tests/release/libotelbridge_dist.*.
// `go test -short` skips them.

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

var (
	// repoRoot is the otelbridge checkout (absolute).
	repoRoot string
	// builderBinary is the otelbridge-builder TestMain built; ocb is beside it.
	builderBinary string
	// ocbBinary is upstream's builder, pinned by go.mod's tool line.
	ocbBinary string
	// cargoTargetDir is the CARGO_TARGET_DIR of every build.
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
	cargoTargetDir = filepath.Join(root, "target", "builder-tests")
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
	ocbBinary = filepath.Join(dir, "ocb")
	// As `make builder` does.
	builds := [][]string{
		{"go", "build", "-ldflags", "-X main.otelbridgeRoot=" + root, "-o", builderBinary, "."},
		{"go", "build", "-o", ocbBinary, "go.opentelemetry.io/collector/cmd/builder"},
	}
	for _, args := range builds {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
		cancel()
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %v failed: %v\n%s", args, err, out)
			return 1
		}
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

// libraryCrateOutputs are the generated library crates' files in the shared target directory's
// release/deps (libotelbridge_dist-<hash>.a, otelbridge_dist-<hash>.d).
func libraryCrateOutputs() map[string]bool {
	names, _ := filepath.Glob(filepath.Join(cargoTargetDir, "release", "deps", "*otelbridge_dist-*"))
	set := make(map[string]bool, len(names))
	for _, name := range names {
		set[name] = true
	}
	return set
}

// requireE2E skips the test under -short.
func requireE2E(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end builder test; skipped with -short")
	}
}
