package shimtest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// What loading and running Rust does to the process as a whole, measured in a child process of
// its own (the test binary run again), so that no other test has run Rust in it before.

// processReport is what the child measures.
type processReport struct {
	// SigCgt before any Rust ran, once Rust's runtime has run components, and at the end.
	CaughtBefore, CaughtRunning, CaughtAfter string
	// Threads once the runtime runs (after a first instance), after each later cycle.
	ThreadsWarm   int
	ThreadsCycles []int
}

const processChildEnv = "OTELBRIDGE_SHIMTEST_PROCESS_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(processChildEnv) != "" {
		os.Exit(processChild())
	}
	os.Exit(m.Run())
}

// processChild creates, runs and shuts down probe instances, and prints what it saw.
func processChild() int {
	var report processReport
	report.CaughtBefore = procStatus("SigCgt")
	t := &testing.T{}
	cycle := func() {
		p, _ := startedProbeFeeding(t, "process", nil, consumertest.NewNop())
		for range 50 {
			if err := p.ConsumeTraces(withAction(context.Background(), "log"), spans(20)); err != nil {
				panic(err)
			}
		}
		if err := p.Shutdown(context.Background()); err != nil {
			panic(err)
		}
	}
	cycle()
	report.CaughtRunning = procStatus("SigCgt")
	// Threads are counted where Rust runs: this process, or the host program in subprocess mode.
	rust := bridge.RustProcessID()
	report.ThreadsWarm = atoi(procStatusOf(rust, "Threads"))
	for range 20 {
		cycle()
		report.ThreadsCycles = append(report.ThreadsCycles, atoi(procStatusOf(rust, "Threads")))
	}
	report.CaughtAfter = procStatus("SigCgt")
	if err := json.NewEncoder(os.Stdout).Encode(report); err != nil {
		return 1
	}
	return 0
}

func runProcessChild(t *testing.T) processReport {
	t.Helper()
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skipf("no /proc: %v", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), processChildEnv+"=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the child process failed: %v\n%s", err, out)
	}
	var report processReport
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &report); err != nil {
		t.Fatalf("the child's report %q: %v", out, err)
	}
	return report
}

// The library installs no signal handler (check-deps keeps tokio's signal handling out of it), so
// the set of caught signals is Go's alone, before and after Rust has run.
func TestRustLeavesTheCaughtSignalsAsGoSetThem(t *testing.T) {
	report := runProcessChild(t)
	t.Logf("SigCgt: %s before Rust, %s running, %s after", report.CaughtBefore, report.CaughtRunning, report.CaughtAfter)
	if report.CaughtRunning != report.CaughtBefore || report.CaughtAfter != report.CaughtBefore {
		t.Fatalf("the caught-signal mask changed: %s before Rust ran, %s while it ran, %s after",
			report.CaughtBefore, report.CaughtRunning, report.CaughtAfter)
	}
}

// Instances come and go without leaving threads behind: once the runtime runs, twenty more
// create-run-shutdown cycles end where the first one did (Go may keep an idle thread or two).
func TestThreadsReturnToTheirCountAfterEachShutdown(t *testing.T) {
	report := runProcessChild(t)
	t.Logf("threads: %d after the first instance, then %v", report.ThreadsWarm, report.ThreadsCycles)
	last := report.ThreadsCycles[len(report.ThreadsCycles)-1]
	if last > report.ThreadsWarm+2 {
		t.Fatalf("%d threads after 20 more instances, %d after the first", last, report.ThreadsWarm)
	}
}

func procStatus(field string) string { return procStatusOf(os.Getpid(), field) }

// procStatusOf reads a field of /proc/<pid>/status.
func procStatusOf(pid int, field string) string {
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return ""
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
