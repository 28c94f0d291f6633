package toolchain

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/otelbridge/otelbridge/builder/internal/release"
)

// OCBModule is upstream's builder, installed with `go install OCBModule@<release>`.
const OCBModule = "go.opentelemetry.io/collector/cmd/builder"

// OCB is upstream's collector builder, run as it is.
type OCB struct {
	// Path is its executable.
	Path string
	// Args are the flags passed through to every run (--ldflags, --gcflags, --verbose,
	// --skip-strict-versioning).
	Args []string
}

// CacheDir is the builder's own cache: $OTELBRIDGE_CACHE, else otelbridge in the user's cache
// directory (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache on Linux). It holds ocb of each
// release (ocb/<v0.N.0>/builder) and the shared cargo target directory (cargo-target).
func CacheDir() (string, error) {
	if dir := os.Getenv("OTELBRIDGE_CACHE"); dir != "" {
		return filepath.Abs(dir)
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory (set OTELBRIDGE_CACHE): %w", err)
	}
	return filepath.Join(dir, "otelbridge"), nil
}

// OCBPath is where ocb of release r lives in the cache.
func OCBPath(cache string, r release.Release) string {
	return filepath.Join(cache, "ocb", r.V0(), "builder")
}

// InstalledOCB returns ocb of release r from the cache, installing it first when it is not
// there (`go install`, announced on log). Once installed, it is used without running go or
// touching the network. The install is atomic: go installs into a fresh directory beside the
// final path, and the binary is renamed into place, so an interrupted or concurrent install
// never leaves a partial file where a later build would run it.
func InstalledOCB(cache string, r release.Release, log io.Writer) (string, error) {
	final := OCBPath(cache, r)
	if info, err := os.Stat(final); err == nil && info.Mode().IsRegular() {
		return final, nil
	}
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(dir, ".install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(log, "installing ocb %s into %s (once)\n", r.V0(), final)
	// Outside any module or workspace, for this machine: a cross-compiling GOOS/GOARCH or a
	// GOFLAGS=-mod=... of the caller would make go install fail.
	env := []string{"GOBIN=" + tmp, "GOWORK=off", "GOFLAGS=", "GOOS=", "GOARCH="}
	if _, _, err := run(tmp, env, "go", "install", OCBModule+"@"+r.V0()); err != nil {
		return "", fmt.Errorf("installing upstream's builder (ocb) %s: %w", r.V0(), err)
	}
	if err := os.Rename(filepath.Join(tmp, "builder"), final); err != nil {
		return "", err
	}
	return final, nil
}

// OCBVersion is what `ocb version` prints as its version ("ocb version v0.165.0", on stderr).
func OCBVersion(path string) (string, error) {
	stdout, stderr, err := run("", nil, path, "version")
	if err != nil {
		return "", err
	}
	fields := strings.Fields(string(stdout) + " " + string(stderr))
	if len(fields) == 0 {
		return "", fmt.Errorf("%s version printed nothing", path)
	}
	return fields[len(fields)-1], nil
}

// CheckOCB checks that the ocb at path (given with --ocb) is of release r: ocb of another release
// would build its own release's core whatever the manifest says.
func CheckOCB(path string, r release.Release) error {
	if _, err := exec.LookPath(path); err != nil {
		return fmt.Errorf("--ocb %s: %w", path, err)
	}
	version, err := OCBVersion(path)
	if err != nil {
		return fmt.Errorf("--ocb %s: asking its version: %w", path, err)
	}
	if version != r.V0() {
		return fmt.Errorf("--ocb %s is ocb %s, but the manifest's core modules are at release %s, which ocb %s builds "+
			"(leave out --ocb and the builder installs that one into its cache)", path, version, r, r.V0())
	}
	return nil
}

// Run runs ocb on manifest with the pass-through flags and extra (the --skip-* of one step). Its
// output streams to ours, as ocb's own would.
func (o OCB) Run(manifest string, extra ...string) error {
	args := append([]string{"--config", manifest}, o.Args...)
	args = append(args, extra...)
	cmd := exec.Command(o.Path, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = os.Environ()
	if err := cmd.Run(); err != nil {
		return &CommandError{Command: "ocb " + strings.Join(args, " "), Err: err}
	}
	return nil
}
