package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// procStatus returns the fields of /proc/<pid>/status.
func procStatus(t *testing.T, pid int) map[string]string {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	for line := range strings.SplitSeq(string(data), "\n") {
		if key, value, ok := strings.Cut(line, ":"); ok {
			fields[key] = strings.TrimSpace(value)
		}
	}
	return fields
}

// threadNames counts the threads of process pid by name (/proc/<pid>/task/<tid>/comm): Go's
// threads have the process's name, Rust's runtime names its own.
func threadNames(t *testing.T, pid int) map[string]int {
	t.Helper()
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	for _, task := range tasks {
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/comm", pid, task.Name()))
		if err != nil {
			continue // the thread has exited
		}
		names[strings.TrimSpace(string(comm))]++
	}
	return names
}

// allRustConfig is pipelineConfig's all-Rust pipeline (otlphttp_rs in and out, redact,
// spanstats) with the Rust heartbeat extension: every kind of Rust component.
func allRustConfig(endpoint, sinkURL string) string {
	config := pipelineConfig(true, endpoint, sinkURL)
	config = strings.Replace(config, "\nservice:\n", "\nservice:\n  extensions: [heartbeat]\n", 1)
	return "\nextensions:\n  heartbeat:\n    interval: 100ms\n" + config
}

// sendThroughRust feeds the all-Rust pipeline and waits until the sink has every span and its
// count from spanstats.
func sendThroughRust(t *testing.T, endpoint string, sink *httpSink) {
	t.Helper()
	before := sink.spans.Load()
	sent := feed(t, endpoint, 20, 50, 4)
	if !waitFor(15*time.Second, func() bool {
		return sink.spans.Load() == before+sent && sink.calls.Load() == sink.spans.Load()
	}) {
		t.Fatalf("the sink got %d of %d spans (%d spanstats calls)", sink.spans.Load()-before, sent, sink.calls.Load())
	}
}

// Go installs its signal handlers at start-up; Rust must install none and reset none (tokio's
// signal handling is not compiled in: make check-deps). The caught and ignored signals of the
// process are the same once every kind of Rust component has run as they were when it was
// ready (its library loaded, the components created and started), and the caught ones are those
// of this test process, a Go program in which no Rust has run.
func TestRustLeavesTheCaughtSignalsAsGoSetThem(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/<pid>/status")
	}
	t.Parallel()
	sink := startHTTPSink(t)
	endpoint := freeEndpoint(t)
	col := runCollector(t, allRustConfig(endpoint, sink.server.URL), endpoint)
	pid := col.cmd.Process.Pid
	ready := procStatus(t, pid)

	sendThroughRust(t, endpoint, sink)
	if !waitFor(5*time.Second, func() bool { return len(col.logLines("otelbridge heartbeat", `"beats": `)) >= 3 }) {
		t.Errorf("fewer than 3 heartbeat lines in the collector's output")
	}
	after := procStatus(t, pid)
	self := procStatus(t, os.Getpid())
	t.Logf("SigCgt %s, SigIgn %s at start-up; this Go test process: SigCgt %s, SigIgn %s",
		ready["SigCgt"], ready["SigIgn"], self["SigCgt"], self["SigIgn"])
	for _, mask := range []string{"SigCgt", "SigIgn"} {
		if ready[mask] == "" {
			t.Fatalf("/proc/%d/status has no %s", pid, mask)
		}
		if after[mask] != ready[mask] {
			t.Errorf("%s changed once Rust ran: %s at start-up, %s after traffic through every Rust component", mask, ready[mask], after[mask])
		}
	}
	// A process started with signals ignored (nohup) keeps them ignored, unless it asks for them
	// as the collector asks for SIGHUP: then the two Go processes differ for reasons of their own.
	if self["SigIgn"] == "0000000000000000" && ready["SigCgt"] != self["SigCgt"] {
		t.Errorf("the collector catches signals %s, this Go process %s: not Go's handlers alone", ready["SigCgt"], self["SigCgt"])
	}
	if code := col.stop(); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
}

// A reload (SIGHUP) shuts every pipeline and its Rust instances down and creates and starts new
// ones. Rust's threads (its runtime's, named otelbridge-rt: every thread not named as the
// process is counted) return to their count after each reload, with traffic through every kind
// of Rust component between. Go's threads are only bounded: the Go runtime keeps the threads it
// started, idle, so their count climbs to a plateau, and only a thread left behind by each
// reload would keep it climbing through the second half of the reloads.
func TestThreadsReturnToTheirCountAfterReloads(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/<pid>/status")
	}
	t.Parallel()
	sink := startHTTPSink(t)
	endpoint := freeEndpoint(t)
	col := runCollector(t, allRustConfig(endpoint, sink.server.URL), endpoint)
	pid := col.cmd.Process.Pid
	goName := procStatus(t, pid)["Name"]
	// In subprocess mode Rust's threads are the host program's, every one of them.
	host := 0
	if rustIsolated() {
		host = hostProgramOf(t, pid)
	}
	count := func() (goThreads, rustThreads int) {
		if host != 0 {
			for _, n := range threadNames(t, pid) {
				goThreads += n
			}
			for _, n := range threadNames(t, host) {
				rustThreads += n
			}
			return goThreads, rustThreads
		}
		for name, n := range threadNames(t, pid) {
			if name == goName {
				goThreads += n
			} else {
				rustThreads += n
			}
		}
		return goThreads, rustThreads
	}

	const reloads = 20
	sendThroughRust(t, endpoint, sink)
	goBefore, rustBefore := count()
	if rustBefore == 0 {
		t.Fatalf("no thread of the process is named other than %q: where are Rust's?", goName)
	}
	goCounts := []int{goBefore}
	for reload := 1; reload <= reloads; reload++ {
		if err := col.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		if !waitFor(20*time.Second, func() bool { return len(col.logLines("Everything is ready")) == reload+1 }) {
			t.Fatalf("the collector was not ready again within 20s of reload %d", reload)
		}
		col.waitReady()
		sendThroughRust(t, endpoint, sink)
		var rust int
		// The host program's worker pool grows under load and shrinks when idle: there, the
		// count must not grow past the first; in-process it returns to it exactly.
		if !waitFor(15*time.Second, func() bool {
			_, rust = count()
			return rust == rustBefore || (host != 0 && rust < rustBefore)
		}) {
			var hostThreads map[string]int
			if host != 0 {
				hostThreads = threadNames(t, host)
			}
			t.Fatalf("after reload %d, %d Rust threads, want the %d there were before the first reload (collector: %v, host program: %v)",
				reload, rust, rustBefore, threadNames(t, pid), hostThreads)
		}
		goThreads, _ := count()
		goCounts = append(goCounts, goThreads)
	}
	t.Logf("%d Rust threads before the first of %d reloads, and as many (in subprocess mode: at most as many) after each; Go's threads before and after each reload: %v", rustBefore, reloads, goCounts)
	if host != 0 && hostProgramOf(t, pid) != host {
		t.Errorf("the host program was replaced during the reloads: a reload must not restart it")
	}
	if growth := goCounts[reloads] - goCounts[reloads/2]; growth >= reloads/4 {
		t.Errorf("Go's threads grew by %d over the last %d reloads: %v", growth, reloads/2, goCounts)
	}
	if code := col.stop(); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
}

// hostProgramOf is the pid of the collector's one child process, its Rust host program.
func hostProgramOf(t *testing.T, collector int) int {
	t.Helper()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var children []int
	for _, path := range stats {
		stat, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after its last ')'.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 1 && fields[0] != "Z" && fields[1] == strconv.Itoa(collector) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
			children = append(children, pid)
		}
	}
	if len(children) != 1 {
		t.Fatalf("the collector (pid %d) has children %v, want its one host program", collector, children)
	}
	return children[0]
}
