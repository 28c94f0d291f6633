package toolchain

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// OCB is upstream's collector builder, run as it is.
type OCB struct {
	// Path is its executable.
	Path string
	// Args are the flags passed through to every run (--ldflags, --gcflags, --verbose,
	// --skip-strict-versioning).
	Args []string
}

// FindOCB locates ocb: the explicit path if given, else `ocb` beside this executable, else on PATH.
func FindOCB(explicit string) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	if self, err := os.Executable(); err == nil {
		beside := filepath.Join(filepath.Dir(self), "ocb")
		if _, err := os.Stat(beside); err == nil {
			return beside, nil
		}
	}
	return exec.LookPath("ocb")
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
