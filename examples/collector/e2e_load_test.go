package main

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"google.golang.org/grpc"

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

	var counts tally
	stopLoad := startLoad(8, 0, func() bool {
		// After a refusal the receiver is going away.
		return counts.export(conn, sample.Traces()) == nil
	})
	time.Sleep(300 * time.Millisecond)
	code := col.stop()
	stopLoad()
	if code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
	want := counts.want()
	_, accepted, refused := counts.counts()
	t.Logf("%d batches accepted (%d spans to deliver), %d refused during shutdown", accepted, len(want), refused)
	if accepted == 0 {
		t.Fatal("no batch was accepted")
	}
	requireDeliveredExactly(t, sink, want)
}

// startLoad starts senders goroutines that each call send, pausing between calls, until send
// returns false or the returned stop is called; stop waits for them, and may be called again.
func startLoad(senders int, pause time.Duration, send func() bool) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				case <-time.After(pause):
				}
				if !send() {
					return
				}
			}
		})
	}
	return sync.OnceFunc(func() {
		close(done)
		wg.Wait()
	})
}

// exportTraces sends td with a 10s deadline.
func exportTraces(conn *grpc.ClientConn, td ptrace.Traces) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return sample.SendTraces(ctx, conn, td)
}

// tally counts batches end to end: those sent, those the client was told were accepted and the
// span IDs of each (the spans redact keeps), and those refused.
type tally struct {
	mu       sync.Mutex
	sent     int
	refused  int
	accepted [][]pcommon.SpanID
}

// export sends td and counts the answer.
func (ta *tally) export(conn *grpc.ClientConn, td ptrace.Traces) error {
	kept := keptSpanIDs(td)
	err := exportTraces(conn, td)
	ta.mu.Lock()
	defer ta.mu.Unlock()
	ta.sent++
	if err != nil {
		ta.refused++
	} else {
		ta.accepted = append(ta.accepted, kept)
	}
	return err
}

// counts returns how many batches were sent, accepted and refused so far.
func (ta *tally) counts() (sent, accepted, refused int) {
	ta.mu.Lock()
	defer ta.mu.Unlock()
	return ta.sent, len(ta.accepted), ta.refused
}

// want returns every span ID of the accepted batches.
func (ta *tally) want() map[pcommon.SpanID]bool {
	ta.mu.Lock()
	defer ta.mu.Unlock()
	want := map[pcommon.SpanID]bool{}
	for _, batch := range ta.accepted {
		for _, id := range batch {
			want[id] = true
		}
	}
	return want
}

// delivered counts the accepted batches whose every span the sink received, and the rest.
func (ta *tally) delivered(sink *sink) (delivered, lost int) {
	traces, _, _ := sink.received()
	got := map[pcommon.SpanID]bool{}
	for _, td := range traces {
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, span := range ss.Spans().All() {
					got[span.SpanID()] = true
				}
			}
		}
	}
	ta.mu.Lock()
	defer ta.mu.Unlock()
	for _, batch := range ta.accepted {
		if slices.ContainsFunc(batch, func(id pcommon.SpanID) bool { return !got[id] }) {
			lost++
		} else {
			delivered++
		}
	}
	return delivered, lost
}
