package runtimeext

import (
	"context"
	"fmt"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
	"go.uber.org/zap"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// runtimeExtension has nothing to start or stop: its work is done when it is created, and the
// runtime outlives it (it is process-wide, and stays through config reloads).
type runtimeExtension struct {
	component.StartFunc
	component.ShutdownFunc
}

var _ extension.Extension = (*runtimeExtension)(nil)

// applied remembers which extension's settings the process took first, to name it when another
// one disagrees.
var applied struct {
	sync.Mutex
	by  component.ID
	set bool
}

// createExtension applies the settings (Validate has recorded them already when the collector
// validated its config; this covers a caller that does not validate): Rust instances are created
// at Start, but extensions start in an order the operator does not control, while every
// extension is created before anything starts.
func createExtension(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	config, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("%s: unexpected config type %T", set.ID, cfg)
	}
	settings, err := config.settingsJSON()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", set.ID, err)
	}
	applied.Lock()
	defer applied.Unlock()
	if err := bridge.ConfigureRuntimeSettings(settings, false); err != nil {
		if applied.set && applied.by != set.ID {
			return nil, fmt.Errorf("%s: %w (the settings in force are %s's)", set.ID, err, applied.by)
		}
		return nil, fmt.Errorf("%s: %w", set.ID, err)
	}
	if !applied.set {
		applied.by, applied.set = set.ID, true
	}
	// Operators see what the Rust runtime will run with; 0 is tokio's default (one worker per CPU,
	// unless OTELBRIDGE_WORKER_THREADS says otherwise).
	set.Logger.Info("otelbridge runtime settings recorded; they apply when the first Rust component starts",
		zap.Int("worker_threads", config.WorkerThreads),
		zap.Int("max_blocking_threads", config.MaxBlockingThreads),
		zap.Uint64("thread_stack_size", uint64(config.ThreadStackSize)),
		zap.Duration("thread_keep_alive", config.ThreadKeepAlive))
	return &runtimeExtension{}, nil
}
