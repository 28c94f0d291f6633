package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// collectorBinary is the collector the suite runs: the one TestMain builds, or a prebuilt one.
var collectorBinary string

// Bounds of every wait on the collector process.
const (
	startTimeout = 20 * time.Second
	stopTimeout  = 20 * time.Second
)

// redactProcessorConfig is the redact section the tests run with (the same rules as config.yaml).
const redactProcessorConfig = `
  redact:
    rules:
      - pattern: '\b\d{4}[- ]?\d{4}[- ]?\d{4}[- ]?\d{4}\b'
      - pattern: '[\w.+-]+@[\w-]+\.[\w.]+'
        action: hash
    drop:
      - attribute: http.route
        pattern: ^/health
    mask_text: "[redacted]"
    summary_attribute: redact.count
`

// testConfig is a collector config: OTLP on receiverEndpoint, [redact, batch], and the otlp_grpc
// exporter to the test sink, for all three signals; heartbeat every 100ms; logs at info; its own
// metrics in Prometheus format on metricsEndpoint.
func testConfig(receiverEndpoint, sinkEndpoint, metricsEndpoint string, batchTimeout time.Duration) string {
	metricsHost, metricsPort, _ := net.SplitHostPort(metricsEndpoint)
	return fmt.Sprintf(`
extensions:
  heartbeat:
    interval: 100ms
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: %s
processors:%s
  batch:
    timeout: %s
exporters:
  otlp_grpc:
    endpoint: %s
    tls:
      insecure: true
service:
  extensions: [heartbeat]
  telemetry:
    logs:
      level: info
    metrics:
      level: detailed
      readers:
        - pull:
            exporter:
              prometheus:
                host: %s
                port: %s
  pipelines:
    traces:
      receivers: [otlp]
      processors: [redact, batch]
      exporters: [otlp_grpc]
    metrics:
      receivers: [otlp]
      processors: [redact, batch]
      exporters: [otlp_grpc]
    logs:
      receivers: [otlp]
      processors: [redact, batch]
      exporters: [otlp_grpc]
`, receiverEndpoint, redactProcessorConfig, batchTimeout, sinkEndpoint, metricsHost, metricsPort)
}

// collector is a running otelcol-example process.
type collector struct {
	t        testing.TB
	cmd      *exec.Cmd
	endpoint string // its receiver
	metrics  string // its own metrics, in Prometheus format, at http://<metrics>/metrics
	output   *syncBuffer
	exited   chan struct{} // closed once the process is reaped
}

// startCollector writes a config for a free port into a temp dir, starts the collector on it and
// waits until its receiver accepts connections. The process is killed when the test ends, if it
// is still running; its output is logged if the test failed, or always with E2E_COLLECTOR_OUTPUT=1.
func startCollector(t *testing.T, sinkEndpoint string, batchTimeout time.Duration) *collector {
	t.Helper()
	endpoint, metrics := freeEndpoint(t), freeEndpoint(t)
	c := runCollector(t, testConfig(endpoint, sinkEndpoint, metrics, batchTimeout), endpoint)
	c.metrics = metrics
	return c
}

// collectorOption changes how runCollector starts the collector's process.
type collectorOption func(t testing.TB, cmd *exec.Cmd)

// withEnv adds variables ("KEY=value") to the collector's environment.
func withEnv(vars ...string) collectorOption {
	return func(_ testing.TB, cmd *exec.Cmd) {
		cmd.Env = append(cmd.Environ(), vars...)
	}
}

// withAddressSpaceLimit starts the collector with its address space limited to limit bytes
// (RLIMIT_AS, set by sh's `ulimit -v`, which then execs the collector: the process the test
// sees is the collector's), so that memory leaking without bound fails an allocation in seconds
// instead of taking the machine's memory.
func withAddressSpaceLimit(limit uint64) collectorOption {
	return func(t testing.TB, cmd *exec.Cmd) {
		sh, err := exec.LookPath("sh")
		if err != nil {
			t.Fatalf("the address-space limit needs sh: %v", err)
		}
		script := fmt.Sprintf(`ulimit -v %d && exec "$0" "$@"`, limit>>10)
		cmd.Path = sh
		cmd.Args = append([]string{"sh", "-c", script}, cmd.Args...) // $0 is the collector
	}
}

// runCollector starts the collector on config and waits until endpoint accepts connections.
func runCollector(t testing.TB, configYAML, endpoint string, options ...collectorOption) *collector {
	t.Helper()
	config := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(config, []byte(configYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &collector{
		t:        t,
		cmd:      exec.Command(collectorBinary, "--config", config),
		endpoint: endpoint,
		output:   &syncBuffer{},
		exited:   make(chan struct{}),
	}
	for _, option := range options {
		option(t, c.cmd)
	}
	c.cmd.Stdout = c.output
	c.cmd.Stderr = c.output
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", collectorBinary, err)
	}
	go func() {
		_ = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		if !c.hasExited() {
			_ = c.cmd.Process.Kill()
			<-c.exited
		}
		if t.Failed() || os.Getenv("E2E_COLLECTOR_OUTPUT") == "1" {
			t.Logf("collector output:\n%s", c.output.String())
		}
	})
	c.waitReady()
	return c
}

func (c *collector) hasExited() bool {
	select {
	case <-c.exited:
		return true
	default:
		return false
	}
}

// waitReady waits until the receiver accepts connections.
func (c *collector) waitReady() {
	c.t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		conn, err := net.DialTimeout("tcp", c.endpoint, 200*time.Millisecond)
		if err == nil {
			_ = conn.Close()
			return
		}
		if c.hasExited() {
			c.t.Fatalf("the collector exited during startup (%v)", c.cmd.ProcessState)
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("the collector's receiver %s did not accept connections within %v", c.endpoint, startTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for the process to exit; it returns the exit code.
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

// waitExit waits up to timeout for the process to end by itself, and returns how it ended; nil
// if it is still running.
func (c *collector) waitExit(timeout time.Duration) *os.ProcessState {
	select {
	case <-c.exited:
		return c.cmd.ProcessState
	case <-time.After(timeout):
		return nil
	}
}

// logLines returns the lines of the collector's output that contain every one of substrings.
func (c *collector) logLines(substrings ...string) []string {
	var lines []string
	for line := range strings.SplitSeq(c.output.String(), "\n") {
		matches := true
		for _, s := range substrings {
			matches = matches && strings.Contains(line, s)
		}
		if matches {
			lines = append(lines, line)
		}
	}
	return lines
}

// freeEndpoint returns 127.0.0.1:<a port that was free a moment ago>.
func freeEndpoint(t testing.TB) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	defer lis.Close()
	return lis.Addr().String()
}

// waitFor polls cond every 50ms until it holds or timeout passes; it reports whether it held.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for the process's writes and the test's reads.
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
