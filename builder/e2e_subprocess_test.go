package main

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The example manifest with rust.mode: subprocess builds a collector without cgo and with the
// build tag otelbridge_subprocess, whose Rust components run in a host program of their own:
// first with the host program beside the binary (rust.link beside), found from any working
// directory; then, in the same output directory, embedded (the default), one file that runs the
// example pipeline. The second build reuses the first's host program: only Go relinks.
//
// It needs the Go transport of subprocess mode (go/bridge/abi_child.go) and the host program
// (otelbridge_abi::host::serve) to run the collector.
func TestExampleManifestBuildsForSubprocessMode(t *testing.T) {
	requireE2E(t)
	out := filepath.Join(t.TempDir(), "dist")
	binary := filepath.Join(out, "otelcol-example")
	beside := filepath.Join(out, "otelcol-example-rust-host")

	r := buildOK(t, writeManifest(t, exampleManifest(t, out, "subprocess", "beside", nil)))
	t.Logf("build for subprocess mode, host program beside the binary, took %v (rust build %v)", r.elapsed.Round(time.Millisecond), stepDuration(t, r, "rust build (cargo)"))
	requireLogLine(t, r, "rust mode subprocess, link beside (rust.mode: subprocess)")
	requireCgoEnabled(t, binary, false)
	requireBuildTag(t, binary, "otelbridge_subprocess")
	info, err := os.Stat(beside)
	if err != nil {
		t.Fatalf("no host program beside the binary: %v", err)
	}
	if info.Mode().Perm()&0o111 != 0o111 {
		t.Errorf("%s has mode %v; want it executable", beside, info.Mode().Perm())
	}
	if fileExists(filepath.Join(out, "libotelbridge_dist.so")) {
		t.Errorf("a library is beside the binary, which runs a host program")
	}
	logSize(t, "binary for subprocess mode", binary)
	logSize(t, "host program", beside)
	requireStatic(t, binary)
	requireComponents(t, binary) // from another working directory
	requireValidateChecksRustConfig(t, binary)
	requireMissingHostProgramIsNamed(t, binary, beside)
	requireHostProgramRuns(t, binary, beside)

	r = buildOK(t, writeManifest(t, exampleManifest(t, out, "subprocess", "", nil)))
	t.Logf("build for subprocess mode, host program embedded, took %v (rust build %v)", r.elapsed.Round(time.Millisecond), stepDuration(t, r, "rust build (cargo)"))
	requireLogLine(t, r, "rust mode subprocess, link embedded (rust.mode: subprocess)")
	requireCgoEnabled(t, binary, false)
	requireBuildTag(t, binary, "otelbridge_subprocess")
	if fileExists(beside) {
		t.Errorf("%s is still beside the binary, which embeds the host program", beside)
	}
	logSize(t, "binary embedding the host program", binary)
	requireStatic(t, binary) // loads nothing: unlike dlopen's, the binary needs no C library
	requireComponents(t, binary)
	requireValidateChecksRustConfig(t, binary)
	requireHostProgramRuns(t, binary, "otelcol-example-rust-host")
	requireRedactsEmails(t, binary, t.TempDir())
}

// A manifest that asks for subprocess mode and cgo is refused before any step, naming both keys.
func TestSubprocessModeWithCgoIsRefused(t *testing.T) {
	requireE2E(t)
	out := filepath.Join(t.TempDir(), "dist")
	manifest := exampleManifest(t, out, "subprocess", "", nil) + "\n"
	manifest = strings.Replace(manifest, "cgo_enabled: false", "cgo_enabled: true", 1)
	r := buildFails(t, writeManifest(t, manifest))
	want := "rust.mode: subprocess builds without cgo, but dist.cgo_enabled is true; remove dist.cgo_enabled (or set it false), or use rust.mode: cgo to run the Rust components in-process"
	if !strings.Contains(r.stderr, "invalid manifest") || !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q", want)
	}
	if strings.Contains(r.stderr, "==>") || fileExists(out) {
		t.Errorf("a build step ran for an invalid manifest")
	}
}

// requireStatic checks that binary is statically linked: it has no program interpreter (the
// dynamic loader, which `ldd` lists), as a Go binary built without cgo that loads nothing.
func requireStatic(t *testing.T, binary string) {
	t.Helper()
	f, err := elf.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s has a program interpreter: it is dynamically linked", binary)
		}
	}
}

// requireBuildTag checks that `go version -m` shows binary was built with tag.
func requireBuildTag(t *testing.T, binary, tag string) {
	t.Helper()
	info := runCommand(t, t.TempDir(), "go", "version", "-m", binary)
	m := regexp.MustCompile(`(?m)^\s*build\s+-tags=(\S+)$`).FindStringSubmatch(info)
	if m == nil || !slices.Contains(strings.Split(m[1], ","), tag) {
		t.Errorf("go version -m %s does not show the build tag %s:\n%s", binary, tag, info)
	}
}

// requireMissingHostProgramIsNamed moves the host program beside the binary away: `validate` of
// a config that uses a Rust component then fails, naming the file, and the binary does not crash.
func requireMissingHostProgramIsNamed(t *testing.T, binary, program string) {
	t.Helper()
	away := program + ".away"
	if err := os.Rename(program, away); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := os.Rename(away, program); err != nil {
			t.Fatal(err)
		}
	}()
	out, err := validateConfig(t, binary, redactConfig("127.0.0.1:4317", "127.0.0.1:4318"))
	want := "the Rust host program " + program
	if err == nil || !strings.Contains(out, want) || strings.Contains(out, "panic") || strings.Contains(out, "SIGSEGV") {
		t.Errorf("%s validate without its host program: %v; want an error naming %q:\n%s", binary, err, want, out)
	}
}

// requireHostProgramRuns runs binary with the redact config: a child process whose name (argv[0],
// what ps shows) is argv0 serves its Rust components; killed, it is started again from the same
// program (from memory, when it is embedded); it is gone once the collector has stopped.
func requireHostProgramRuns(t *testing.T, binary, argv0 string) {
	t.Helper()
	sink := startTraceSink(t)
	endpoint := freeEndpoint(t)
	col := startCollector(t, binary, t.TempDir(), endpoint, redactConfig(endpoint, sink.endpoint))
	child, seen := hostProgramOf(col.cmd.Process.Pid, argv0, 0)
	if child == 0 {
		t.Errorf("no child process of the collector runs as %q; its children: %v", argv0, seen)
	} else {
		if err := syscall.Kill(child, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		// The shim restarts it after a backoff of 250 ms.
		if child, seen = hostProgramOf(col.cmd.Process.Pid, argv0, child); child == 0 {
			t.Errorf("the host program was not started again within 10s of a kill; the collector's children: %v", seen)
		}
	}
	if code := col.stop(); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
	if child == 0 {
		return
	}
	for deadline := time.Now().Add(5 * time.Second); processExists(child); {
		if time.Now().After(deadline) {
			t.Errorf("the host program (pid %d) outlived the collector by 5s", child)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// hostProgramOf waits up to 10s for a live child process of pid, other than not, that runs as
// argv0, and returns it (0 if there is none), with what it saw of the children.
func hostProgramOf(pid int, argv0 string, not int) (int, []string) {
	var seen []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		seen = nil
		for _, child := range childrenOf(pid) {
			args := cmdline(child)
			seen = append(seen, fmt.Sprintf("%d %q", child, args))
			// The shim may say more after the name ("... (embedded in the binary)").
			if child != not && processExists(child) && len(args) > 0 && (args[0] == argv0 || strings.HasPrefix(args[0], argv0+" ")) {
				return child, seen
			}
		}
	}
	return 0, seen
}

// childrenOf lists the processes whose parent is pid.
func childrenOf(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var children []int
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			children = append(children, n)
		}
	}
	return children
}

// cmdline is a process's arguments, argv[0] first.
func cmdline(pid int) []string {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return nil
	}
	return strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
}

// processExists reports whether pid is a live process (a zombie counts as gone).
func processExists(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}
