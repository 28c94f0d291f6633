package runtimeext

import (
	"testing"

	"go.opentelemetry.io/collector/component"

	// Links the test library (make rust) into this package's test binary.
	_ "github.com/otelbridge/otelbridge/go/internal/testlib"
)

func TestNewFactory(t *testing.T) {
	f := NewFactory()
	if got := f.Type().String(); got != "otelbridge" {
		t.Fatalf("type %q, want otelbridge", got)
	}
	if got := f.Stability(); got != component.StabilityLevelAlpha {
		t.Fatalf("stability %v", got)
	}
	cfg, ok := f.CreateDefaultConfig().(*Config)
	if !ok {
		t.Fatalf("default config is %T", f.CreateDefaultConfig())
	}
	if cfg.WorkerThreads != 0 || cfg.ThreadStackSize != 2*MiB || cfg.MaxBlockingThreads != 512 {
		t.Fatalf("default config %+v", *cfg)
	}
}
