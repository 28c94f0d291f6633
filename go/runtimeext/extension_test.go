package runtimeext

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
	"go.uber.org/zap"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// The runtime is process-wide and its settings are fixed once per process, so each test here runs
// its steps, in order, in a fresh process of this test binary: the parent re-runs itself with
// -test.run naming the test and freshProcessEnv set, and the child runs the steps.
const freshProcessEnv = "OTELBRIDGE_RUNTIMEEXT_FRESH_PROCESS"

// inFreshProcess runs steps in a child process (with env added to its environment), and reports
// the child's failures as this test's.
func inFreshProcess(t *testing.T, env []string, steps func(t *testing.T)) {
	t.Helper()
	if os.Getenv(freshProcessEnv) == t.Name() {
		steps(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), append(env, freshProcessEnv+"="+t.Name())...)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("in a fresh process: %v\n%s", err, out)
	}
}

func settings(name string) extension.Settings {
	set := extension.Settings{ID: component.NewIDWithName(componentType, name)}
	set.Logger = zap.NewNop()
	return set
}

func create(t *testing.T, name string, cfg *Config) (extension.Extension, error) {
	t.Helper()
	return NewFactory().Create(context.Background(), settings(name), cfg)
}

func config(change func(*Config)) *Config {
	cfg := createDefaultConfig().(*Config)
	change(cfg)
	return cfg
}

// startRustComponent starts an instance of the test library's probe processor, which starts the
// runtime, and returns its shutdown.
func startRustComponent(t *testing.T) func() {
	t.Helper()
	lib, err := bridge.Open()
	if err != nil {
		t.Fatal(err)
	}
	probe := lib.Find(bridge.KindProcessor, "probe")
	if probe == nil {
		t.Fatal("the test library has no probe processor: run make rust")
	}
	instance, err := probe.NewInstance("probe/runtimeext", []byte("{}"), bridge.Sink{})
	if err != nil {
		t.Fatal(err)
	}
	if err := instance.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return func() {
		if err := instance.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	}
}

// wantRuntimeThreads waits for the runtime's workers to exist (they start on their own threads)
// and checks how many threads are named otelbridge-rt: the workers, since nothing has asked for
// a blocking thread.
func wantRuntimeThreads(t *testing.T, want int) {
	t.Helper()
	n := 0
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if n = runtimeThreads(t); n >= want {
			break
		}
	}
	if n != want {
		t.Fatalf("%d runtime threads, want %d", n, want)
	}
}

func runtimeThreads(t *testing.T) int {
	t.Helper()
	// The process Rust runs in: this one, or the host program in subprocess mode.
	comms, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/comm", bridge.RustProcessID()))
	if err != nil || len(comms) == 0 {
		t.Skip("needs /proc/<pid>/task")
	}
	n := 0
	for _, comm := range comms {
		if name, err := os.ReadFile(comm); err == nil && strings.TrimSpace(string(name)) == "otelbridge-rt" {
			n++
		}
	}
	return n
}

func wantError(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", parts)
	}
	for _, part := range parts {
		if !strings.Contains(err.Error(), part) {
			t.Fatalf("error %q does not contain %q", err, part)
		}
	}
}

func TestSettingsTakeEffectEvenWhenARustComponentStartsFirst(t *testing.T) {
	inFreshProcess(t, nil, func(t *testing.T) {
		three := config(func(c *Config) { c.WorkerThreads = 3; c.ThreadStackSize = 4 * MiB })
		if err := three.Validate(); err != nil {
			t.Fatal(err)
		}
		ext, err := create(t, "", three)
		if err != nil {
			t.Fatal(err)
		}
		// A Rust component starts before this extension does: the settings are already in force.
		stop := startRustComponent(t)
		defer stop()
		if err := ext.Start(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		wantRuntimeThreads(t, 3)

		// A reload with the running settings is fine, at Validate and at Create.
		if err := three.Validate(); err != nil {
			t.Fatalf("the running settings refused: %v", err)
		}
		if _, err := create(t, "", three); err != nil {
			t.Fatalf("the running settings refused: %v", err)
		}
		// A reload that changes them is refused at Validate already, saying what runs.
		two := config(func(c *Config) { c.WorkerThreads = 2; c.ThreadStackSize = 4 * MiB })
		wantError(t, two.Validate(), "worker_threads: the otelbridge runtime is already running with 3, not 2", "restart the collector")
		_, err = create(t, "other", two)
		wantError(t, err, "otelbridge/other: worker_threads: the otelbridge runtime is already running with 3, not 2", "(the settings in force are otelbridge's)")

		// Shutdown leaves the runtime alone.
		if err := ext.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		wantError(t, two.Validate(), "already running with 3")
	})
}

func TestTwoInstancesMustAgree(t *testing.T) {
	inFreshProcess(t, nil, func(t *testing.T) {
		two := config(func(c *Config) { c.WorkerThreads = 2 })
		if _, err := create(t, "a", two); err != nil {
			t.Fatal(err)
		}
		if _, err := create(t, "b", config(func(c *Config) { c.WorkerThreads = 2 })); err != nil {
			t.Fatalf("identical settings refused: %v", err)
		}
		keepAlive := config(func(c *Config) { c.WorkerThreads = 2; c.ThreadKeepAlive *= 3 })
		_, err := create(t, "c", keepAlive)
		wantError(t, err, "otelbridge/c: thread_keep_alive: 30s conflicts with 10s, configured earlier in this process", "otelbridge/a's")
		// Once settings are recorded, Validate sees the conflict too (a reload before any start).
		wantError(t, keepAlive.Validate(), "thread_keep_alive: 30s conflicts with 10s")

		// The first settings are the ones that start.
		stop := startRustComponent(t)
		defer stop()
		wantRuntimeThreads(t, 2)
	})
}

// otelcol validate validates every config and creates no extension: two instances that disagree
// must fail there, the second naming the field.
func TestTwoInstancesThatDisagreeFailValidate(t *testing.T) {
	inFreshProcess(t, nil, func(t *testing.T) {
		if err := config(func(c *Config) { c.WorkerThreads = 2 }).Validate(); err != nil {
			t.Fatal(err)
		}
		if err := config(func(c *Config) { c.WorkerThreads = 2 }).Validate(); err != nil {
			t.Fatalf("identical settings refused: %v", err)
		}
		wantError(t, config(func(c *Config) { c.WorkerThreads = 3 }).Validate(),
			"worker_threads: 3 conflicts with 2, configured earlier in this process")
	})
}

func TestWithoutSettingsTheRuntimeRunsTheDefaultsAndTheEnvironment(t *testing.T) {
	inFreshProcess(t, []string{"OTELBRIDGE_WORKER_THREADS=3"}, func(t *testing.T) {
		stop := startRustComponent(t)
		defer stop()
		wantRuntimeThreads(t, 3) // OTELBRIDGE_WORKER_THREADS
		// Go's defaults are Rust's: the default config agrees with a runtime nobody configured.
		if err := createDefaultConfig().(*Config).Validate(); err != nil {
			t.Fatalf("the default config disagrees with the default runtime: %v", err)
		}
		if err := config(func(c *Config) { c.WorkerThreads = 3 }).Validate(); err != nil {
			t.Fatal(err)
		}
		wantError(t, config(func(c *Config) { c.WorkerThreads = 4 }).Validate(), "already running with 3, not 4")
		if _, err := create(t, "", createDefaultConfig().(*Config)); err != nil {
			t.Fatal(err)
		}
	})
}
