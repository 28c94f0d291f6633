package runtimeext

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// Config is the Rust runtime's settings (otelbridge::runtime::RuntimeSettings on the Rust side,
// which checks them). They are tokio's multi-thread runtime settings, with tokio's defaults.
type Config struct {
	// WorkerThreads is how many threads run Rust tasks (default = 0: OTELBRIDGE_WORKER_THREADS
	// when set, else one per CPU; at most 1024).
	WorkerThreads int `mapstructure:"worker_threads" json:"worker_threads"`
	// MaxBlockingThreads is the most threads for blocking work beyond the workers: file I/O, DNS
	// lookups, spawn_blocking (default = 512).
	MaxBlockingThreads int `mapstructure:"max_blocking_threads" json:"max_blocking_threads"`
	// ThreadStackSize is the stack size of each runtime thread: a number of bytes, or a binary
	// unit, as in 512KiB or 4MiB (default = 2MiB; at least 64KiB).
	ThreadStackSize ByteSize `mapstructure:"thread_stack_size" json:"thread_stack_size"`
	// ThreadKeepAlive is how long an idle blocking thread waits for work before it exits
	// (default = 10s).
	ThreadKeepAlive time.Duration `mapstructure:"thread_keep_alive" json:"thread_keep_alive"`
	// GlobalQueueInterval is how many tasks a worker runs between two looks at the global task
	// queue (default = 0: tuned by the scheduler).
	GlobalQueueInterval int `mapstructure:"global_queue_interval" json:"global_queue_interval"`
	// EventInterval is how many tasks a worker runs between two polls for I/O and timer events
	// (default = 61).
	EventInterval int `mapstructure:"event_interval" json:"event_interval"`
	// MaxIOEventsPerTick is the most I/O events handled in one poll (default = 1024).
	MaxIOEventsPerTick int `mapstructure:"max_io_events_per_tick" json:"max_io_events_per_tick"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

func createDefaultConfig() component.Config {
	return &Config{
		MaxBlockingThreads: 512,
		ThreadStackSize:    2 * MiB,
		ThreadKeepAlive:    10 * time.Second,
		EventInterval:      61,
		MaxIOEventsPerTick: 1024,
	}
}

// Validate checks what Go can (no negative values), then hands the settings to Rust, which checks
// the ranges and records them as this process's runtime settings: the first valid settings win,
// and any that differ from them, or from those of a runtime already running, are an error naming
// the field. Recording at Validate is what makes two otelbridge/... instances that disagree fail
// `otelcol validate`, which validates every config but creates no extension; a config that
// validates is the one the collector then runs, and a reload's new config is validated again.
func (c *Config) Validate() error {
	return c.configure(false)
}

// configure runs the checks of Validate; with validateOnly it records nothing.
func (c *Config) configure(validateOnly bool) error {
	var errs []error
	for _, field := range []struct {
		name  string
		value int
	}{
		{"worker_threads", c.WorkerThreads},
		{"max_blocking_threads", c.MaxBlockingThreads},
		{"global_queue_interval", c.GlobalQueueInterval},
		{"event_interval", c.EventInterval},
		{"max_io_events_per_tick", c.MaxIOEventsPerTick},
	} {
		if field.value < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative", field.name))
		}
	}
	if c.ThreadKeepAlive < 0 {
		errs = append(errs, errors.New("thread_keep_alive must not be negative"))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	settings, err := c.settingsJSON()
	if err != nil {
		return err
	}
	return bridge.ConfigureRuntimeSettings(settings, validateOnly)
}

// settingsJSON is the config as Rust reads it: durations and sizes as text ("10s", "2MiB").
func (c *Config) settingsJSON() ([]byte, error) {
	type fields Config // the same fields, without the methods
	settings, err := json.Marshal(struct {
		*fields
		ThreadKeepAlive string `json:"thread_keep_alive"` // shadows the embedded nanoseconds
	}{(*fields)(c), c.ThreadKeepAlive.String()})
	if err != nil {
		return nil, fmt.Errorf("encoding the runtime settings: %w", err)
	}
	return settings, nil
}
