package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelbridge/otelbridge/examples/collector/internal/sample"
)

// TestSigtermUnderLoadDeliversEveryAcceptedBatch is TestSigtermDeliversEveryAcceptedBatch with
// senders still running when SIGTERM arrives: calls racing the shutdown may be refused, but every
// call that returned nil must be delivered, once.
func TestSigtermUnderLoadDeliversEveryAcceptedBatch(t *testing.T) {
	t.Parallel()
	sink := startSink(t)
	col := startCollector(t, sink.endpoint, 5*time.Second)
	conn, err := sample.Dial(col.endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	const senders = 8
	var (
		mu                sync.Mutex
		want              = map[pcommon.SpanID]bool{}
		accepted, refused int
		stop              = make(chan struct{})
		wg                sync.WaitGroup
	)
	for range senders {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				td := sample.Traces()
				kept := keptSpanIDs(td)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				err := sample.SendTraces(ctx, conn, td)
				cancel()
				mu.Lock()
				if err == nil {
					accepted++
					for _, id := range kept {
						want[id] = true
					}
				} else {
					refused++
				}
				mu.Unlock()
				if err != nil {
					return // the receiver is going away
				}
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	code := col.stop()
	close(stop)
	wg.Wait()
	if code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
	t.Logf("%d batches accepted (%d spans to deliver), %d refused during shutdown", accepted, len(want), refused)
	if accepted == 0 {
		t.Fatal("no batch was accepted")
	}
	requireDeliveredExactly(t, sink, want)
}
