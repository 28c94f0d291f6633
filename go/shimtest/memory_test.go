package shimtest

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/consumer/consumertest"
)

// rss is the resident set size of this process, in bytes, after returning what Go can to the OS.
func rss(t *testing.T) int64 {
	runtime.GC()
	debug.FreeOSMemory()
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	pages, err := strconv.ParseInt(strings.Fields(string(statm))[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}

// Memory stays flat over many calls through every path: unchanged, replaced (a Rust buffer
// freed by Go), dropped, failed (a Rust message freed by Go), and pending (a handle, a pin and a
// callback per call).
func TestMemoryIsFlatOver100000Calls(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	if underASan {
		t.Skip("RSS under AddressSanitizer is its quarantine; LeakSanitizer checks this run for leaks")
	}
	// The next consumer keeps nothing, so whatever grows is the bridge's.
	p, _ := startedProbeFeeding(t, "memory", nil, consumertest.NewNop())
	actions := []context.Context{
		context.Background(),
		withAction(context.Background(), "rewrite"),
		withAction(context.Background(), "drop"),
		withAction(context.Background(), "fail:retryable"),
		withAction(context.Background(), "yield"),
	}
	td := spans(10)
	run := func(calls int) {
		for i := range calls {
			_ = p.ConsumeTraces(actions[i%len(actions)], td)
		}
	}
	run(20_000) // reach steady state: pools, allocator arenas, runtime threads
	before := rss(t)
	run(100_000)
	after := rss(t)
	growth := after - before
	t.Logf("RSS before %.1f MiB, after 100000 calls %.1f MiB, growth %+.0f KiB",
		float64(before)/(1<<20), float64(after)/(1<<20), float64(growth)/1024)
	if growth > 2<<20 {
		t.Fatalf("RSS grew by %d KiB over 100000 calls", growth/1024)
	}
}
