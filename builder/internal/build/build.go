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
	// OCB is the path of upstream's builder; "": ocb of the manifest's release, from the
	// builder's cache (installed there on first use).
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
	cache, err := toolchain.CacheDir()
	if err != nil {
		return err
	}
	ocbPath, err := findOCB(opts, m, cache)
	if err != nil {
		return err
	}
	ocb := toolchain.OCB{Path: ocbPath, Args: passThrough(opts)}
	if !m.HasCargo() {
		// Nothing of ours: upstream's builder does exactly what it always does.
		if err := step(opts.Log, "ocb (Go only)", func() error { return ocb.Run(opts.Config, skipFlags(opts)...) }); err != nil {
			return err
		}
		// ocb accepts a binary of mixed releases (a contrib module of another release raises
		// core modules past the manifest's): say so, but keep upstream's result.
		if !opts.SkipCompilation && m.OutputPathGiven {
			out, err := outputDir(m)
			if err == nil {
				if err := checkRelease(filepath.Join(out, m.Name), out, m); err != nil {
					fmt.Fprintf(opts.Log, "warning: %v\n", err)
				}
			}
		}
		return nil
	}
	fmt.Fprintf(opts.Log, "rust mode %s, link %s (%s)\n", m.Rust.Mode, m.Rust.Link, m.Rust.ModeReason)
	b, err := newRustBuild(m, opts, cache)
	if err != nil {
		return err
	}
	return b.run(ocb)
}

// findOCB is ocb of the manifest's release: --ocb if given (checked to be of that release), else
// the one in the builder's cache, installed there on first use.
func findOCB(opts Options, m *manifest.Manifest, cache string) (string, error) {
	source := "the manifest's core modules"
	if !m.ReleaseNamed {
		source = "the newest supported: the manifest names no core module"
	}
	fmt.Fprintf(opts.Log, "collector release %s (%s)\n", m.Release, source)
	if opts.OCB != "" {
		return opts.OCB, toolchain.CheckOCB(opts.OCB, m.Release)
	}
	return toolchain.InstalledOCB(cache, m.Release, opts.Log)
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
