package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Bounds of every wait on a collector process.
const (
	startTimeout   = 30 * time.Second
	stopTimeout    = 20 * time.Second
	commandTimeout = 30 * time.Second
)

// redactConfig is a collector config: OTLP/gRPC in on receiver, the Rust redact processor
// (hashing e-mail addresses) and Go's batch processor, the otlp_grpc exporter to sink, and the
// Rust heartbeat extension.
func redactConfig(receiver, sink string) string {
	return fmt.Sprintf(`extensions:
  heartbeat:
    interval: 100ms
  otelbridge:
    worker_threads: 2
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: %s
processors:
  redact:
    rules:
      - pattern: '[\w.+-]+@[\w-]+\.[\w.]+'
        action: hash
  batch:
    timeout: 100ms
exporters:
  otlp_grpc:
    endpoint: %s
    tls:
      insecure: true
service:
  extensions: [heartbeat, otelbridge]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      processors: [redact, batch]
      exporters: [otlp_grpc]
`, receiver, sink)
}

// collector is a running collector process.
type collector struct {
	t        *testing.T
	cmd      *exec.Cmd
	endpoint string
	output   *syncBuffer
	exited   chan struct{} // closed once the process is reaped
}

// startCollector runs binary with config (written to a temp file), in working directory dir,
// and waits until its receiver at endpoint accepts connections. The process is killed when the
// test ends if it still runs; its output is logged if the test failed.
func startCollector(t *testing.T, binary, dir, endpoint, config string) *collector {
	t.Helper()
	configFile := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &collector{t: t, cmd: exec.Command(binary, "--config", configFile), endpoint: endpoint, output: &syncBuffer{}, exited: make(chan struct{})}
	c.cmd.Dir = dir
	c.cmd.Stdout, c.cmd.Stderr = c.output, c.output
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", binary, err)
	}
	go func() {
		_ = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			_ = c.cmd.Process.Kill()
			<-c.exited
		}
		if t.Failed() {
			t.Logf("collector output:\n%s", c.output.String())
		}
	})
	deadline := time.Now().Add(startTimeout)
	for {
		conn, err := net.DialTimeout("tcp", endpoint, 200*time.Millisecond)
		if err == nil {
			_ = conn.Close()
			return c
		}
		select {
		case <-c.exited:
			t.Fatalf("the collector exited during startup (%v)", c.cmd.ProcessState)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the collector's receiver %s did not accept connections within %v", endpoint, startTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM and returns the exit code, waiting at most stopTimeout.
func (c *collector) stop() int {
	c.t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		c.t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-c.exited:
	case <-time.After(stopTimeout):
		c.t.Fatalf("the collector did not exit within %v of SIGTERM", stopTimeout)
	}
	return c.cmd.ProcessState.ExitCode()
}

// runCommand runs binary with args in dir (bounded) and returns its combined output; it fails
// the test unless the command succeeds.
func runCommand(t *testing.T, dir, binary string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", binary, args, err, out)
	}
	return string(out)
}

// validateConfig runs binary's `validate` on config (written to a temp file), in another
// working directory, and returns its combined output and error.
func validateConfig(t *testing.T, binary, config string) (string, error) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(file, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "validate", "--config", file)
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// freeEndpoint returns 127.0.0.1:<a port that was free a moment ago>.
func freeEndpoint(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	defer lis.Close()
	return lis.Addr().String()
}

// syncBuffer is a bytes.Buffer safe for the process's writers and the test's readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
