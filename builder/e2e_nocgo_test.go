package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The example manifest builds a collector without cgo (rust.mode dlopen) that loads its Rust
// library at start-up: first with the library beside the binary (rust.link shared), found from
// any working directory; then, in the same output directory, with the default manifest (no
// rust.mode, no dist.cgo_enabled: auto takes dlopen, the library embedded), one file that runs
// the example pipeline. The second build reuses the first's Rust library: only Go relinks.
func TestExampleManifestBuildsWithoutCgo(t *testing.T) {
	requireE2E(t)
	out := filepath.Join(t.TempDir(), "dist")
	binary := filepath.Join(out, "otelcol-example")
	beside := filepath.Join(out, "libotelbridge_dist.so")

	r := buildOK(t, writeManifest(t, exampleManifest(t, out, "dlopen", "shared", nil)))
	t.Logf("build without cgo, library beside the binary, took %v (rust build %v)", r.elapsed.Round(time.Millisecond), stepDuration(t, r, "rust build (cargo)"))
	requireLogLine(t, r, "rust mode dlopen, link shared (rust.mode: dlopen)")
	requireCgoEnabled(t, binary, false)
	if !fileExists(beside) {
		t.Fatalf("no %s beside the binary", beside)
	}
	logSize(t, "binary without cgo", binary)
	logSize(t, "shared library", beside)
	requireComponents(t, binary) // from another working directory
	requireValidateChecksRustConfig(t, binary)
	requireMissingLibraryIsNamed(t, binary, beside)

	r = buildOK(t, writeManifest(t, exampleManifest(t, out, "", "", nil)))
	t.Logf("build without cgo, library embedded, took %v (rust build %v)", r.elapsed.Round(time.Millisecond), stepDuration(t, r, "rust build (cargo)"))
	requireLogLine(t, r, "rust mode dlopen, link embedded (auto: dist.cgo_enabled is not true)")
	requireCgoEnabled(t, binary, false)
	if fileExists(beside) {
		t.Errorf("%s is still beside the binary, which embeds the library", beside)
	}
	logSize(t, "binary embedding the library", binary)
	if libs := runCommand(t, t.TempDir(), "ldd", binary); strings.Contains(libs, "otelbridge") {
		t.Errorf("ldd lists an otelbridge library for the embedded build:\n%s", libs)
	}
	requireComponents(t, binary)
	requireValidateChecksRustConfig(t, binary)
	requireRedactsEmails(t, binary, t.TempDir())
}

// requireLogLine checks that the builder printed line.
func requireLogLine(t *testing.T, r run, line string) {
	t.Helper()
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(line) + `$`).MatchString(r.stderr) {
		t.Errorf("the builder did not print %q:\n%s", line, r.stderr)
	}
}

// requireCgoEnabled checks the CGO_ENABLED setting `go version -m` shows for binary.
func requireCgoEnabled(t *testing.T, binary string, enabled bool) {
	t.Helper()
	want := map[bool]string{false: "CGO_ENABLED=0", true: "CGO_ENABLED=1"}[enabled]
	info := runCommand(t, t.TempDir(), "go", "version", "-m", binary)
	if !regexp.MustCompile(`(?m)^\s*build\s+` + want + `$`).MatchString(info) {
		t.Errorf("go version -m %s does not show %s:\n%s", binary, want, info)
	}
}

// requireValidateChecksRustConfig runs `validate` on the redact config, which must pass, and on
// one with a misspelt field of the Rust redact processor, which Rust must refuse, naming it.
func requireValidateChecksRustConfig(t *testing.T, binary string) {
	t.Helper()
	config := redactConfig("127.0.0.1:4317", "127.0.0.1:4318")
	if out, err := validateConfig(t, binary, config); err != nil {
		t.Errorf("%s validate with the redact processor: %v\n%s", binary, err, out)
	}
	misspelt := strings.Replace(config, "action: hash", "actoin: hash", 1)
	out, err := validateConfig(t, binary, misspelt)
	if err == nil || !regexp.MustCompile(`processors::redact: rules\[0\]\.actoin: unknown field`).MatchString(out) {
		t.Errorf("%s validate with a misspelt redact field: %v; want Rust's error naming processors::redact and rules[0].actoin:\n%s", binary, err, out)
	}
}

// requireMissingLibraryIsNamed moves the library beside the binary away: `validate` of a config
// that uses a Rust component then fails, naming the file and the reason, and the binary does not
// crash.
func requireMissingLibraryIsNamed(t *testing.T, binary, library string) {
	t.Helper()
	away := library + ".away"
	if err := os.Rename(library, away); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := os.Rename(away, library); err != nil {
			t.Fatal(err)
		}
	}()
	out, err := validateConfig(t, binary, redactConfig("127.0.0.1:4317", "127.0.0.1:4318"))
	want := "loading the Rust library " + library + ": cannot open shared object file: No such file or directory"
	if err == nil || !strings.Contains(out, want) || strings.Contains(out, "panic") || strings.Contains(out, "SIGSEGV") {
		t.Errorf("%s validate without its library: %v; want an error saying %q:\n%s", binary, err, want, out)
	}
}
