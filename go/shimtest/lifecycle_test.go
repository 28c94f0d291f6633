package shimtest

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"

	otelbridge "github.com/otelbridge/otelbridge/go"
	"github.com/otelbridge/otelbridge/go/bridge"
)

func TestShutdownWithoutStartIsSafe(t *testing.T) {
	factory := otelbridge.NewProcessorFactory("probe")
	p, err := factory.CreateTraces(context.Background(), processortest.NewNopSettings(factory.Type()),
		factory.CreateDefaultConfig(), new(consumertest.TracesSink))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := p.Shutdown(context.Background()); err != nil {
			t.Fatalf("Shutdown without Start = %v", err)
		}
	}
	ext := newProbeExt(t, nil)
	if err := ext.Shutdown(context.Background()); err != nil {
		t.Fatalf("extension Shutdown without Start = %v", err)
	}
}

func TestShutdownTwiceIsSafe(t *testing.T) {
	p, _, _ := startedProbe(t, "twice", nil)
	for range 2 {
		if err := p.Shutdown(context.Background()); err != nil {
			t.Fatalf("Shutdown = %v", err)
		}
	}
	err := p.ConsumeTraces(context.Background(), spans(1))
	if err == nil || !strings.Contains(err.Error(), "shut down") {
		t.Fatalf("a call after Shutdown = %v, want a shut-down error", err)
	}
}

func TestTwoFullLifecyclesInOneProcess(t *testing.T) {
	for round := range 2 {
		ext := newProbeExt(t, nil)
		if err := ext.Start(context.Background(), componenttest.NewNopHost()); err != nil {
			t.Fatalf("round %d: extension Start = %v", round, err)
		}
		p, sink, _ := startedProbe(t, "again", map[string]any{"action": "rewrite"})
		if err := p.ConsumeTraces(context.Background(), spans(3)); err != nil {
			t.Fatalf("round %d: ConsumeTraces = %v", round, err)
		}
		if got := sink.SpanCount(); got != 3 {
			t.Fatalf("round %d: %d spans reached the next consumer, want 3", round, got)
		}
		if err := p.Shutdown(context.Background()); err != nil {
			t.Fatalf("round %d: Shutdown = %v", round, err)
		}
		if err := ext.Shutdown(context.Background()); err != nil {
			t.Fatalf("round %d: extension Shutdown = %v", round, err)
		}
	}
}

func TestExtensionStartFailuresAreErrors(t *testing.T) {
	cases := map[string]struct {
		section   map[string]any
		want      string
		permanent bool
	}{
		"refusal": {map[string]any{"fail_start": true}, "probeext refused to start", true},
		"panic":   {map[string]any{"panic_on_start": true}, "probeext panicked on purpose in start", true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ext := newProbeExt(t, tc.section)
			err := ext.Start(context.Background(), componenttest.NewNopHost())
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "probeext") {
				t.Fatalf("Start = %v, want an error naming the component and containing %q", err, tc.want)
			}
			if consumererror.IsPermanent(err) != tc.permanent {
				t.Fatalf("IsPermanent(%v) = %v", err, !tc.permanent)
			}
			if err := ext.Shutdown(context.Background()); err != nil {
				t.Fatalf("Shutdown after a failed Start = %v", err)
			}
		})
	}
}

// threads is the number of OS threads of this process.
func threads(t *testing.T) int {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skipf("no /proc: %v", err)
	}
	n := procStatus("Threads")
	if n == "" {
		t.Fatal("no Threads line in /proc/self/status")
	}
	count, err := strconv.Atoi(n)
	if err != nil {
		t.Fatal(err)
	}
	return count
}

func TestShutdownLeavesNoThreadsBehind(t *testing.T) {
	lifecycle := func() {
		ext := newProbeExt(t, map[string]any{"start_delay": "5ms"})
		if err := ext.Start(context.Background(), componenttest.NewNopHost()); err != nil {
			t.Fatal(err)
		}
		p, _, _ := startedProbe(t, "threads", nil)
		for _, action := range []string{"pass", "yield", "sleep:5ms"} {
			if err := p.ConsumeTraces(withAction(context.Background(), action), spans(2)); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := ext.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	lifecycle() // starts the shared runtime, which outlives every component by design
	before := threads(t)
	for range 3 {
		lifecycle()
	}
	if after := threads(t); after > before {
		t.Fatalf("threads: %d after three more lifecycles, %d before", after, before)
	}
}

func TestShutdownPastItsDeadlineCancelsWhatIsInFlightAndSaysSo(t *testing.T) {
	p, _, _ := startedProbe(t, "late-shutdown", nil)
	slow := make(chan error, 1)
	go func() { slow <- p.ConsumeTraces(withAction(context.Background(), "sleep:10s"), spans(1)) }()
	time.Sleep(50 * time.Millisecond) // the slow call is in flight
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	err := p.Shutdown(ctx)
	if err == nil || !strings.Contains(err.Error(), "the shutdown deadline passed with calls in flight: 1 waiting in Rust were cancelled") {
		t.Fatalf("Shutdown = %v, want the in-flight deadline error", err)
	}
	select {
	case err := <-slow:
		var rustErr *bridge.Error
		if !errors.As(err, &rustErr) || rustErr.Code != bridge.CodeCancelled {
			t.Fatalf("the in-flight call = %v, want it cancelled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the in-flight call was not cancelled")
	}
}
