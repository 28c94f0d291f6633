// Package build runs a whole otelbridge build: the Rust library, the generated Go glue, and
// upstream's ocb for the Go distribution, printing each step with the time it took.
package build

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/otelbridge/otelbridge/builder/internal/manifest"
	"github.com/otelbridge/otelbridge/builder/internal/toolchain"
)

// Options are the command's flags: ocb's, with the same meaning, and ours.
type Options struct {
	Config               string
	SkipGenerate         bool
	SkipGetModules       bool
	SkipCompilation      bool
	SkipStrictVersioning bool
	LDFlags              string
	GCFlags              string
	Verbose              bool
	// OCB is the path of upstream's builder ("": beside this executable, then PATH).
	OCB string
	// Otelbridge is the otelbridge checkout used when the manifest's rust.otelbridge is empty.
	Otelbridge string
	// Log receives the step lines.
	Log io.Writer
}

// Run builds the distribution the manifest describes.
func Run(opts Options) error {
	m, err := manifest.Load(opts.Config)
	if err != nil {
		return fmt.Errorf("invalid manifest %s:\n%w", opts.Config, err)
	}
	for _, warning := range m.Warnings {
		fmt.Fprintf(opts.Log, "warning: %s\n", warning)
	}
	ocbPath, err := toolchain.FindOCB(opts.OCB)
	if err != nil {
		return fmt.Errorf("upstream's builder (ocb) not found: build it with `make builder`, or pass --ocb: %w", err)
	}
	ocb := toolchain.OCB{Path: ocbPath, Args: passThrough(opts)}
	if !m.HasCargo() {
		// Nothing of ours: upstream's builder does exactly what it always does.
		return step(opts.Log, "ocb (Go only)", func() error { return ocb.Run(opts.Config, skipFlags(opts)...) })
	}
	b, err := newRustBuild(m, opts)
	if err != nil {
		return err
	}
	return b.run(ocb)
}

// passThrough are ocb's flags other than the skips, which differ per step.
func passThrough(opts Options) []string {
	var args []string
	if opts.LDFlags != "" {
		args = append(args, "--ldflags", opts.LDFlags)
	}
	if opts.GCFlags != "" {
		args = append(args, "--gcflags", opts.GCFlags)
	}
	if opts.Verbose {
		args = append(args, "--verbose")
	}
	args = append(args, fmt.Sprintf("--skip-strict-versioning=%t", opts.SkipStrictVersioning))
	return args
}

func skipFlags(opts Options) []string {
	var args []string
	if opts.SkipGenerate {
		args = append(args, "--skip-generate")
	}
	if opts.SkipGetModules {
		args = append(args, "--skip-get-modules")
	}
	if opts.SkipCompilation {
		args = append(args, "--skip-compilation")
	}
	return args
}

// step runs one step, printing its name before and its duration after.
func step(log io.Writer, name string, f func() error) error {
	fmt.Fprintf(log, "==> %s\n", name)
	began := time.Now()
	err := f()
	elapsed := time.Since(began).Round(10 * time.Millisecond)
	if err != nil {
		fmt.Fprintf(log, "<== %s failed after %s\n", name, elapsed)
		return err
	}
	fmt.Fprintf(log, "<== %s: %s\n", name, elapsed)
	return nil
}

// outputDir is where ocb puts the distribution: dist.output_path, relative to the working
// directory as ocb reads it.
func outputDir(m *manifest.Manifest) (string, error) {
	if m.OutputPath == "" {
		return "", errors.New("dist.output_path is empty")
	}
	return filepath.Abs(m.OutputPath)
}

// fileExists reports whether path exists.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
