package runtimeext

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
)

// The tests in this file only validate: nothing in this process configures the runtime (the
// extension's own tests run in fresh processes, see extension_test.go).

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tuned := &Config{
		WorkerThreads:       4,
		MaxBlockingThreads:  64,
		ThreadStackSize:     4 * MiB,
		ThreadKeepAlive:     30 * time.Second,
		GlobalQueueInterval: 31,
		EventInterval:       31,
		MaxIOEventsPerTick:  256,
	}
	bytes := createDefaultConfig().(*Config)
	bytes.ThreadStackSize = MiB
	for _, tt := range []struct {
		id   component.ID
		want *Config
	}{
		{component.NewID(componentType), createDefaultConfig().(*Config)},
		{component.NewIDWithName(componentType, "tuned"), tuned},
		{component.NewIDWithName(componentType, "bytes"), bytes},
	} {
		t.Run(tt.id.String(), func(t *testing.T) {
			sub, err := cm.Sub(tt.id.String())
			if err != nil {
				t.Fatal(err)
			}
			cfg := createDefaultConfig().(*Config)
			if err := sub.Unmarshal(cfg); err != nil {
				t.Fatal(err)
			}
			if *cfg != *tt.want {
				t.Fatalf("got %+v, want %+v", *cfg, *tt.want)
			}
			// Checked, not recorded: Validate would record the first and refuse the others.
			if err := cfg.configure(true); err != nil {
				t.Fatalf("valid config refused: %v", err)
			}
			// The collector marshals configs back out; sizes must come back as they went in.
			out := confmap.New()
			if err := out.Marshal(cfg); err != nil {
				t.Fatal(err)
			}
			again := createDefaultConfig().(*Config)
			if err := out.Unmarshal(again); err != nil {
				t.Fatal(err)
			}
			if *again != *cfg {
				t.Fatalf("round trip: got %+v, want %+v", *again, *cfg)
			}
		})
	}
}

func TestUnknownKeysAndBadSizesFailToLoad(t *testing.T) {
	for _, tt := range []struct {
		raw  map[string]any
		want string
	}{
		{map[string]any{"worker_thread": 4}, "worker_thread"},
		{map[string]any{"thread_stack_size": "2MB"}, `unknown unit "MB"`},
		{map[string]any{"thread_stack_size": -1}, "thread_stack_size"},
	} {
		cfg := createDefaultConfig().(*Config)
		err := confmap.NewFromStringMap(tt.raw).Unmarshal(cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: got %v, want an error containing %q", tt.raw, err, tt.want)
		}
	}
}

func TestValidateNamesTheField(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"negative workers (Go)", func(c *Config) { c.WorkerThreads = -1 }, "worker_threads must not be negative"},
		{"negative keep-alive (Go)", func(c *Config) { c.ThreadKeepAlive = -time.Second }, "thread_keep_alive must not be negative"},
		{"no blocking threads (Rust)", func(c *Config) { c.MaxBlockingThreads = 0 }, "max_blocking_threads: must be at least 1"},
		{"tiny stack (Rust)", func(c *Config) { c.ThreadStackSize = 16 * KiB }, "thread_stack_size: must be at least 64KiB"},
		{"too many workers (Rust)", func(c *Config) { c.WorkerThreads = 5000 }, "worker_threads: must be at most 1024"},
		{"no event interval (Rust)", func(c *Config) { c.EventInterval = 0 }, "event_interval: must be at least 1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			tt.change(cfg)
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestByteSize(t *testing.T) {
	for text, want := range map[string]ByteSize{
		"0": 0, "4096": 4096, "4096B": 4096, "512KiB": 512 * KiB, "2MiB": 2 * MiB, "2 MiB": 2 * MiB, "1GiB": GiB,
	} {
		var got ByteSize
		if err := got.UnmarshalText([]byte(text)); err != nil || got != want {
			t.Errorf("%q: got %d, %v; want %d", text, got, err, want)
		}
	}
	for text, want := range map[string]string{
		"2MB":                     `unknown unit "MB"`,
		"1.5MiB":                  `unknown unit ".5MiB"`,
		"MiB":                     "expected a whole number",
		"":                        "expected a whole number",
		"99999999999999999999GiB": "too large",
		"17179869184GiB":          "too large",
	} {
		var got ByteSize
		if err := got.UnmarshalText([]byte(text)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error containing %q", text, err, want)
		}
	}
	for size, want := range map[ByteSize]string{0: "0B", 1000: "1000B", 2 * MiB: "2MiB", 1536 * KiB: "1536KiB", 3 * GiB: "3GiB"} {
		if got := size.String(); got != want {
			t.Errorf("%d: got %q, want %q", size, got, want)
		}
	}
}

func TestSettingsJSONIsWhatRustReads(t *testing.T) {
	cfg := config(func(c *Config) { c.ThreadKeepAlive = 90 * time.Second; c.ThreadStackSize = 3 * MiB })
	got, err := cfg.settingsJSON()
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(got, &fields); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"worker_threads": 0.0, "max_blocking_threads": 512.0, "thread_stack_size": "3MiB", "thread_keep_alive": "1m30s",
		"global_queue_interval": 0.0, "event_interval": 61.0, "max_io_events_per_tick": 1024.0,
	}
	if !reflect.DeepEqual(fields, want) {
		t.Fatalf("got %s, want %v", got, want)
	}
}
