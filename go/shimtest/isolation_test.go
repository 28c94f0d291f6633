//go:build otelbridge_subprocess

package shimtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componentstatus"
	"go.uber.org/zap/zapcore"
	"google.golang.org/grpc/codes"

	otelbridge "github.com/otelbridge/otelbridge/go"
)

// Subprocess mode's promise, at the shim: a Rust component that aborts, overflows its stack,
// exits or leaks ends only the host program. The call in flight fails retryably, the component
// reports a recoverable error, the shim logs how the host program ended, starts it again and
// creates and starts the instance again, and the collector serves again within seconds. (In
// process, each of these kills the collector: examples/collector's e2e_isolation_test.go shows
// it.)

func init() {
	// A leaking component is killed at 768 MiB of host program, long before the machine notices.
	os.Setenv("OTELBRIDGE_HOST_MEMORY_LIMIT_MIB", "768")
	// The tests end the host program again and again, quicker than any backoff would reset.
	os.Setenv("OTELBRIDGE_HOST_MAX_BACKOFF", "1s")
}

// faultsExtra puts the faults processor (examples/collector/e2e/faults) in the pipeline.
var faultsExtra = map[string]any{
	"processors": map[string]any{"faults": nil},
	"service": map[string]any{"pipelines": map[string]any{"traces": map[string]any{
		"processors": []any{"faults"},
	}}},
}

func TestAHostProgramThatDiesIsRestartedAndItsComponentsRecover(t *testing.T) {
	t.Setenv(otelbridge.ShutdownTimeoutEnv, "2s")
	for _, fault := range []struct{ name, ended string }{
		{"abort", "SIGABRT"},
		{"stack_overflow", "SIGABRT"},
		{"exit", "exited with status 7"},
		{"leak", "over its limit of 768 MiB"},
	} {
		t.Run(fault.name, func(t *testing.T) {
			c := startFaultCollector(t, faultsExtra)
			defer c.shutdown(t)
			before := hostPIDs(t)
			if err := c.exportFaultWithin(t, 10*time.Second, ""); err != nil {
				t.Fatalf("a batch before the fault = %v", err)
			}
			start := time.Now()
			err := c.exportFaultWithin(t, 30*time.Second, fault.name)
			switch {
			case fault.name == "leak":
				// The leaking batch itself passes; the leak goes on until the limit is reached.
			case err == nil:
				t.Fatal("the batch that ends the host program was accepted")
			case grpcCode(err) != codes.Unavailable:
				t.Errorf("the client was told %v (%v), want Unavailable: a retryable failure", grpcCode(err), err)
			}
			waitUntil(t, func() bool {
				return c.loggedAnywhere(zapcore.ErrorLevel, "the Rust host program") &&
					c.loggedAnywhere(zapcore.ErrorLevel, fault.ended)
			})
			// Serving again: the next batch through the same pipeline is taken.
			deadline := time.Now().Add(20 * time.Second)
			for c.exportFaultWithin(t, 5*time.Second, "") != nil {
				if time.Now().After(deadline) {
					t.Fatalf("no batch was taken within 20s of the fault; logs:\n%s", c.allLogs())
				}
				time.Sleep(50 * time.Millisecond)
			}
			t.Logf("%s: serving again %v after the fault", fault.name, time.Since(start).Round(time.Millisecond))
			waitUntil(t, func() bool {
				return containsInOrder(c.statuses.history("faults"), componentstatus.StatusRecoverableError, componentstatus.StatusOK)
			})
			if !c.loggedAnywhere(zapcore.InfoLevel, "running again") {
				t.Errorf("no log line says the host program runs again; logs:\n%s", c.allLogs())
			}
			after := hostPIDs(t)
			if len(after) != 1 || (len(before) == 1 && after[0] == before[0]) {
				t.Errorf("host programs before %v, after %v: want one new one", before, after)
			}
			if err := c.shutdown(t); err != nil {
				t.Errorf("Run after the restart returned %v", err)
			}
		})
	}
}

// A host program that stops answering (here: stopped by SIGSTOP) fails its health check, is
// killed and replaced.
func TestAHostProgramThatStopsAnsweringIsKilledAndReplaced(t *testing.T) {
	c := startFaultCollector(t, faultsExtra)
	defer c.shutdown(t)
	pids := hostPIDs(t)
	if len(pids) != 1 {
		t.Fatalf("host programs: %v, want one", pids)
	}
	if err := syscall.Kill(pids[0], syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { return c.loggedAnywhere(zapcore.ErrorLevel, "did not answer its health check") })
	deadline := time.Now().Add(20 * time.Second)
	for c.exportFaultWithin(t, 5*time.Second, "") != nil {
		if time.Now().After(deadline) {
			t.Fatalf("no batch was taken within 20s; logs:\n%s", c.allLogs())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if after := hostPIDs(t); len(after) != 1 || after[0] == pids[0] {
		t.Errorf("host programs after: %v, want one other than %d", after, pids[0])
	}
}

const orphanChildEnv = "OTELBRIDGE_SHIMTEST_ORPHAN_CHILD"

// The host program dies with the collector, even when the collector is killed by SIGKILL.
func TestTheHostProgramDiesWithACollectorKilledBySigkill(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestTheHostProgramDiesWithACollectorKilledBySigkill$")
	cmd.Env = append(os.Environ(), orphanChildEnv+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var line [64]byte
	n, _ := out.Read(line[:])
	host, err := strconv.Atoi(strings.TrimSpace(string(line[:n])))
	if err != nil {
		t.Fatalf("the child printed %q, not its host program's pid", line[:n])
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	waitUntil(t, func() bool { return syscall.Kill(host, 0) == syscall.ESRCH || zombie(host) })
}

func init() {
	if os.Getenv(orphanChildEnv) == "" {
		return
	}
	// The child: open the library (which starts the host program), say its pid, and wait to be killed.
	if _, err := otelbridge.ProcessorFactories(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pids := childPIDs(os.Getpid())
	if len(pids) != 1 {
		fmt.Fprintln(os.Stderr, "host programs:", pids)
		os.Exit(1)
	}
	fmt.Println(pids[0])
	time.Sleep(time.Minute)
	os.Exit(1)
}

// exportFaultWithin sends one span whose resource asks the faults processor for fault ("": none).
func (c *faultCollector) exportFaultWithin(t *testing.T, timeout time.Duration, fault string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	td := spans(1)
	if fault != "" {
		td.ResourceSpans().At(0).Resource().Attributes().PutStr("faults.fault", fault)
	}
	return c.otlp.exportGRPC(t, ctx, td)
}

// loggedAnywhere reports whether any entry at level or above contains text, in its message or fields.
func (c *faultCollector) loggedAnywhere(level zapcore.Level, text string) bool {
	for _, entry := range c.logs.All() {
		if entry.Level >= level && (strings.Contains(entry.Message, text) || strings.Contains(fmt.Sprint(entry.ContextMap()), text)) {
			return true
		}
	}
	return false
}

func (c *faultCollector) allLogs() string {
	var b strings.Builder
	for _, entry := range c.logs.All() {
		fmt.Fprintf(&b, "%s %s %v\n", entry.Level, entry.Message, entry.ContextMap())
	}
	return b.String()
}

func containsInOrder(history []componentstatus.Status, want ...componentstatus.Status) bool {
	for _, s := range history {
		if len(want) > 0 && s == want[0] {
			want = want[1:]
		}
	}
	return len(want) == 0
}

// hostPIDs are the test binary's living host programs.
func hostPIDs(t *testing.T) []int {
	t.Helper()
	return childPIDs(os.Getpid())
}

// childPIDs are the living (not zombie) children of parent that run a host program.
func childPIDs(parent int) []int {
	var pids []int
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		stat, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after its last ')'.
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) < 2 || fields[0] == "Z" || fields[1] != strconv.Itoa(parent) {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
		if cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); strings.Contains(string(cmdline), "host") {
			pids = append(pids, pid)
		}
	}
	return pids
}

// zombie reports whether pid has exited and waits for a parent to reap it.
func zombie(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(fields) > 0 && fields[0] == "Z"
}

// A collector shut down while its host program is being restarted (the shim has seen the end,
// 100 ms; the next run starts after 250 ms) shuts down cleanly: an instance that ended with its
// host program has nothing left to shut down, and the next run does not bring it back. (A
// shutdown call in flight when the host program dies fails with how it died.)
func TestShutdownWhileTheHostProgramRestartsIsClean(t *testing.T) {
	for _, wait := range []time.Duration{100 * time.Millisecond, 260 * time.Millisecond, 300 * time.Millisecond, time.Second} {
		c := startFaultCollector(t, faultsExtra)
		pids := hostPIDs(t)
		if len(pids) != 1 {
			t.Fatalf("host programs: %v, want one", pids)
		}
		if err := syscall.Kill(pids[0], syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		time.Sleep(wait)
		if err := c.shutdown(t); err != nil {
			t.Errorf("shut down %v after the host program was killed: Run returned %v", wait, err)
		}
	}
}
