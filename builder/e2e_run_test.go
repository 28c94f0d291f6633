package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// buildTimeout bounds one builder or ocb run (a cold one compiles every Rust dependency and the
// whole Go collector).
const buildTimeout = 8 * time.Minute

// run is one finished builder (or ocb) process.
type run struct {
	stdout, stderr string
	exitCode       int
	elapsed        time.Duration
}

// output is what the process printed, stderr first (the builder's steps and errors).
func (r run) output() string { return r.stderr + r.stdout }

// runTool runs binary with args in the test cache (toolEnv), bounded by buildTimeout and the test's
// deadline; a process that cannot start or runs out of time fails the test.
func runTool(t *testing.T, binary string, args ...string) run {
	t.Helper()
	timeout := buildTimeout
	if deadline, ok := t.Deadline(); ok && time.Until(deadline)-30*time.Second < timeout {
		timeout = time.Until(deadline) - 30*time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = toolEnv()
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	began := time.Now()
	err := cmd.Run()
	r := run{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(began)}
	if ctx.Err() != nil {
		t.Fatalf("%s %v did not finish within %v:\n%s", filepath.Base(binary), args, timeout, r.output())
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("running %s: %v", binary, err)
	}
	r.exitCode = cmd.ProcessState.ExitCode()
	return r
}

// buildOK runs the builder on manifest and fails the test unless it succeeds.
func buildOK(t *testing.T, manifest string) run {
	t.Helper()
	r := runTool(t, builderBinary, "--config", manifest)
	if r.exitCode != 0 {
		t.Fatalf("otelbridge-builder --config %s exited with %d:\n%s", manifest, r.exitCode, r.output())
	}
	return r
}

// buildFails runs the builder on manifest and fails the test unless it exits non-zero.
func buildFails(t *testing.T, manifest string) run {
	t.Helper()
	r := runTool(t, builderBinary, "--config", manifest)
	if r.exitCode == 0 {
		t.Fatalf("otelbridge-builder --config %s succeeded; want an error:\n%s", manifest, r.output())
	}
	t.Logf("otelbridge-builder exited with %d; stderr:\n%s", r.exitCode, r.stderr)
	return r
}

// stepDuration is the time the builder printed for a finished step ("<== rust build (cargo): 460ms").
func stepDuration(t *testing.T, r run, step string) time.Duration {
	t.Helper()
	m := regexp.MustCompile(`(?m)^<== ` + regexp.QuoteMeta(step) + `: (\S+)$`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no timing for step %q in the builder's output:\n%s", step, r.stderr)
	}
	d, err := time.ParseDuration(m[1])
	if err != nil {
		t.Fatalf("step %q: %v", step, err)
	}
	return d
}
