package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/otelbridge/otelbridge/examples/collector/internal/sample"
)

// The faults of the faults processor that no catch_unwind stops (e2e/faults, `faults.fault`):
// in-process each ends the collector; in subprocess mode (rustIsolated) only the host program,
// which the shim restarts while the collector stays up and loses nothing it accepted.

// faultCase is one fault, and how it ends the process it strikes in.
type faultCase struct {
	name string
	// died says whether the collector, the fault having struck in it, ended as this fault ends a
	// process: by status or signal, and what it wrote.
	died func(status syscall.WaitStatus, output string) bool
	// want says the same in words, for the failure message.
	want string
	// hostDeath has the words, one of which the log line saying that the host program died must
	// have, in subprocess mode: how it died.
	hostDeath []string
	// env is the collector's extra environment in subprocess mode.
	env []string
}

// faultCases are the four faults. In-process, the first poll of a call runs on the calling
// goroutine's thread, where Go's own handler takes a SIGABRT or SIGSEGV: it prints the signal
// ("SIGABRT: abort", "signal arrived during cgo execution") and exits with status 2. On a thread
// of Rust's runtime (the leak's task) the signal kills the process itself. In the host program,
// Rust's handler turns a stack overflow into an abort.
var faultCases = []faultCase{
	{
		name:      "abort",
		died:      func(ws syscall.WaitStatus, output string) bool { return crashedWith(ws, output, syscall.SIGABRT) },
		want:      "killed by SIGABRT, or Go's exit status 2 after SIGABRT: abort",
		hostDeath: []string{"SIGABRT"},
	},
	{
		name: "stack_overflow",
		died: func(ws syscall.WaitStatus, output string) bool {
			return crashedWith(ws, output, syscall.SIGSEGV) || crashedWith(ws, output, syscall.SIGABRT)
		},
		want:      "killed by SIGSEGV or SIGABRT, or Go's exit status 2 after either",
		hostDeath: []string{"SIGSEGV", "SIGABRT"},
	},
	{
		name:      "exit",
		died:      func(ws syscall.WaitStatus, _ string) bool { return ws.Exited() && ws.ExitStatus() == 7 },
		want:      "exit status 7",
		hostDeath: []string{"status 7"},
	},
	{
		name: "leak",
		// Under the address-space limit an allocation of the leak fails, and Rust aborts.
		died: func(ws syscall.WaitStatus, output string) bool {
			return crashedWith(ws, output, syscall.SIGABRT) && strings.Contains(output, "memory allocation of")
		},
		want: `SIGABRT (or Go's exit status 2 after it), with Rust's "memory allocation of ... failed"`,
		// Killed by the shim for its resident set, or by the kernel's OOM killer.
		hostDeath: []string{"memory", "SIGKILL"},
		env:       []string{"OTELBRIDGE_HOST_MEMORY_LIMIT_MIB=512"},
	},
}

// inProcessLeakLimit is the address space the collector gets in the in-process leak test. It
// starts with about 1.9 GiB of it reserved (measured with and without cgo: Go's and Rust's
// runtimes, thread stacks, malloc arenas; little of it resident), so it runs, and the leak fails
// an allocation after about 1 GiB, in 2-3 s (at 4 GiB: 7-9 s, and twice the memory).
const inProcessLeakLimit = 3 << 30

// crashedWith says whether a process was killed by sig, or is Go's crash for it: Go catches the
// signal, prints it ("SIGABRT: abort") and exits with status 2.
func crashedWith(ws syscall.WaitStatus, output string, sig syscall.Signal) bool {
	if ws.Signaled() {
		return ws.Signal() == sig
	}
	return ws.Exited() && ws.ExitStatus() == 2 && strings.Contains(output, signalNames[sig]+":")
}

// signalNames names the signals a fault may end a process with.
var signalNames = map[syscall.Signal]string{
	syscall.SIGABRT: "SIGABRT",
	syscall.SIGSEGV: "SIGSEGV",
	syscall.SIGKILL: "SIGKILL",
	syscall.SIGBUS:  "SIGBUS",
}

// howItEnded is a process's end in words: "killed by SIGABRT (aborted)", "exit status 7".
func howItEnded(state *os.ProcessState) string {
	ws, ok := state.Sys().(syscall.WaitStatus)
	if ok && ws.Signaled() {
		return fmt.Sprintf("killed by %s (%s)", signalNames[ws.Signal()], ws.Signal())
	}
	return state.String()
}

// faultTraces is sample.Traces with a resource that asks the faults processor for fault.
func faultTraces(fault string) ptrace.Traces {
	td := sample.Traces()
	td.ResourceSpans().At(0).Resource().Attributes().PutStr("faults.fault", fault)
	return td
}

// hostProgramDied returns the collector's log lines that say its Rust host program died, and how:
// "... the Rust host program was killed by signal SIGABRT ...", "... exited with status 7 ...".
// The match is loose on purpose, and here alone, so that it is one place to adjust.
func hostProgramDied(col *collector) []string {
	var lines []string
	for _, line := range col.logLines("Rust host program") {
		if strings.Contains(line, "exited") || strings.Contains(line, "killed") {
			lines = append(lines, line)
		}
	}
	return lines
}

// TestRustFaultIsolation: a Rust component that aborts, overflows its stack, exits or leaks
// memory without bound ends the collector in-process (its exit status shows how), and only its
// host program in subprocess mode, where the collector stays up and healthy, takes batches
// again within 15s, and delivers every batch a client was told was accepted.
func TestRustFaultIsolation(t *testing.T) {
	t.Parallel()
	for _, fault := range faultCases {
		t.Run(fault.name, func(t *testing.T) {
			t.Parallel()
			if rustIsolated() {
				faultEndsOnlyTheHostProgram(t, fault)
			} else {
				faultEndsTheCollector(t, fault)
			}
		})
	}
}

// faultEndsTheCollector: in-process, one batch that asks for the fault ends the collector.
func faultEndsTheCollector(t *testing.T, fault faultCase) {
	sink := startSink(t)
	endpoint := freeEndpoint(t)
	var options []collectorOption
	if fault.name == "leak" {
		options = append(options, withAddressSpaceLimit(inProcessLeakLimit))
	}
	col := runCollector(t, faultsConfig(endpoint, sink.endpoint), endpoint, options...)
	conn, err := sample.Dial(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := exportTraces(conn, sample.Traces()); err != nil {
		t.Fatalf("a batch before the fault was refused: %v", err)
	}

	start := time.Now()
	err = exportTraces(conn, faultTraces(fault.name))
	state := col.waitExit(30 * time.Second)
	if state == nil {
		t.Fatalf("the collector still runs 30s after the %s batch (its export returned %v)", fault.name, err)
	}
	ws, _ := state.Sys().(syscall.WaitStatus)
	t.Logf("the collector %s %v after the %s batch (whose export returned: %v); it wrote: %s",
		howItEnded(state), time.Since(start).Round(time.Millisecond), fault.name, err, crashLines(col.output.String()))
	if !fault.died(ws, col.output.String()) {
		t.Errorf("the collector %s, want %s", howItEnded(state), fault.want)
	}
}

// crashLines picks the lines of a crash's output that say what happened, for the log.
func crashLines(output string) string {
	var picked []string
	for line := range strings.SplitSeq(output, "\n") {
		for _, mark := range []string{"memory allocation of", "overflowed its stack", "SIGABRT", "SIGSEGV", "fatal error", "out of memory", "signal "} {
			if strings.Contains(line, mark) {
				picked = append(picked, strings.TrimSpace(line))
				break
			}
		}
	}
	if len(picked) == 0 {
		return "(nothing about it)"
	}
	return fmt.Sprintf("%q", picked[:min(len(picked), 4)])
}

// withHealthCheck adds the health_check extension on endpoint to config.
func withHealthCheck(config, endpoint string) string {
	config = strings.Replace(config, "\nservice:\n", "\nservice:\n  extensions: [health_check]\n", 1)
	return fmt.Sprintf("\nextensions:\n  health_check:\n    endpoint: %s\n", endpoint) + config
}

// healthy says whether the health_check extension on endpoint answers 200.
func healthy(endpoint string) bool {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + endpoint + "/")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// faultEndsOnlyTheHostProgram: in subprocess mode, the fault ends the host program while senders
// keep a steady load on the collector, which stays up and healthy, takes batches again within
// 15s, and delivers, after SIGTERM, every batch a client was told was accepted.
func faultEndsOnlyTheHostProgram(t *testing.T, fault faultCase) {
	have, err := listComponents(context.Background(), collectorBinary)
	if err != nil {
		t.Fatal(err)
	}
	if !have["extensions/health_check"] {
		t.Fatalf("the collector has no health_check extension: a subprocess build for this suite needs "+
			"github.com/open-telemetry/opentelemetry-collector-contrib/extension/healthcheckextension in its manifest (%s)", collectorBinary)
	}
	sink := startSink(t)
	endpoint, health := freeEndpoint(t), freeEndpoint(t)
	col := runCollector(t, withHealthCheck(faultsConfig(endpoint, sink.endpoint), health), endpoint, withEnv(fault.env...))
	conn, err := sample.Dial(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if !waitFor(10*time.Second, func() bool { return healthy(health) }) {
		t.Fatalf("the health check on %s did not answer 200 within 10s of start", health)
	}

	var counts tally
	stopLoad := startLoad(4, 10*time.Millisecond, func() bool {
		_ = counts.export(conn, sample.Traces())
		return true
	})
	defer stopLoad()
	if !waitFor(10*time.Second, func() bool { _, accepted, _ := counts.counts(); return accepted >= 20 }) {
		t.Fatal("fewer than 20 batches were accepted within 10s of start, before the fault")
	}

	start := time.Now()
	err = counts.export(conn, faultTraces(fault.name))
	t.Logf("the %s batch's export returned after %v: %v", fault.name, time.Since(start).Round(time.Millisecond), err)
	// The leak returns, and leaks on after it; the others end the host program mid-call, which
	// fails as retryable (so clients and exporterhelper retry).
	if fault.name != "leak" && err == nil {
		t.Errorf("the %s batch was accepted", fault.name)
	}
	if err != nil && status.Code(err) != codes.Unavailable {
		t.Errorf("the %s batch's export failed with gRPC %s, want %s (retryable): %v", fault.name, status.Code(err), codes.Unavailable, err)
	}
	var died []string
	if !waitFor(15*time.Second, func() bool { died = hostProgramDied(col); return len(died) > 0 }) {
		t.Fatalf("no log line says that the Rust host program died within 15s of the %s batch", fault.name)
	}
	t.Logf("%v after the %s batch the collector logged: %s", time.Since(start).Round(time.Millisecond), fault.name, died[0])
	if !slices.ContainsFunc(died, func(line string) bool {
		return slices.ContainsFunc(fault.hostDeath, func(how string) bool { return strings.Contains(line, how) })
	}) {
		t.Errorf("no line saying that the host program died says how (one of %q):\n%s", fault.hostDeath, strings.Join(died, "\n"))
	}

	// Batches are taken again, within 15s of the fault, while the load goes on.
	if !waitFor(15*time.Second-time.Since(start), func() bool { return counts.export(conn, sample.Traces()) == nil }) {
		t.Fatalf("no batch was accepted within 15s of the %s batch", fault.name)
	}
	t.Logf("batches are accepted again %v after the %s batch", time.Since(start).Round(time.Millisecond), fault.name)
	if !waitFor(15*time.Second, func() bool { return healthy(health) }) {
		t.Errorf("the health check on %s did not answer 200 after the %s", health, fault.name)
	}
	time.Sleep(time.Second) // the load on the restarted host program
	stopLoad()
	if col.hasExited() {
		t.Fatalf("the collector died with its host program: %s", howItEnded(col.cmd.ProcessState))
	}
	if code := col.stop(); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}

	sent, accepted, refused := counts.counts()
	delivered, lost := counts.delivered(sink)
	t.Logf("%s: %d batches sent, %d accepted, %d refused, %d delivered, %d lost",
		fault.name, sent, accepted, refused, delivered, lost)
	if lost != 0 {
		t.Errorf("%d accepted batches were lost", lost)
	}
	requireDeliveredExactly(t, sink, counts.want())
}
