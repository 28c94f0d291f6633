package shimtest

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// A burst of concurrent batches that Rust works on in its first poll (holding the calling thread
// 50 ms, as a large rewrite does) pins at most the bridge's work slots in Rust at once: the
// process's threads stay bounded, where each call used to hold an OS thread of its own.
func TestABurstOfLargeBatchesPinsABoundedNumberOfThreads(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	p, _ := startedProbeFeeding(t, "burst", map[string]any{"action": "block:50ms"}, consumertest.NewNop())
	before := threads(t)
	const calls = 400
	var peak atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			peak.Store(max(peak.Load(), int64(threads(t))))
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	var wg sync.WaitGroup
	for range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.ConsumeTraces(context.Background(), spans(10)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled
	slots := bridge.WorkSlotsPerProc * runtime.GOMAXPROCS(0)
	// Go's own threads (sysmon, GC workers, one per P, a few for other syscalls) come on top.
	limit := before + slots + 2*runtime.GOMAXPROCS(0) + 8
	t.Logf("threads: %d before, %d at the peak of %d concurrent calls (%d work slots, limit %d)",
		before, peak.Load(), calls, slots, limit)
	if int(peak.Load()) > limit {
		t.Errorf("%d threads at the peak of the burst, want at most %d", peak.Load(), limit)
	}
}
