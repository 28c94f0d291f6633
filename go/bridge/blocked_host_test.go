package bridge_test

import (
	"context"
	"testing"
	"time"

	"github.com/otelbridge/otelbridge/go/bridge"
	_ "github.com/otelbridge/otelbridge/go/internal/testlib"
)

// A collector's status reporter that blocks holds up only the component that reported: another
// instance's call that waits in the Rust runtime still completes, and it still shuts down within
// its context. (Without cgo, status reports, log events and completions all arrive through one
// event queue; only completions and batches may not wait behind the collector's own code.)
func TestABlockedStatusReporterHoldsUpNoOtherCall(t *testing.T) {
	lib, err := bridge.Open()
	if err != nil {
		t.Fatal(err)
	}
	probe := lib.Find(bridge.KindProcessor, "probe")
	release := make(chan struct{})
	blocked := make(chan struct{}, 1)
	stuck, err := probe.NewInstance("probe/stuck", []byte(`{"action":"status:recoverable"}`), bridge.Sink{
		ReportStatus: func(bridge.StatusCode, string) {
			select {
			case blocked <- struct{}{}:
			default:
			}
			<-release
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	other, err := probe.NewInstance("probe/other", []byte(`{"action":"sleep:10ms"}`), bridge.Sink{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, instance := range []*bridge.Instance{stuck, other} {
		if err := instance.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	go func() {
		res, _ := stuck.Consume(ctx, bridge.SignalTraces, nil)
		res.Free()
	}()
	<-blocked

	callCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	res, err := other.Consume(callCtx, bridge.SignalTraces, nil)
	res.Free()
	if err != nil {
		t.Fatalf("a call that sleeps 10 ms in the runtime, while another instance's status reporter blocks: %v", err)
	}
	shutdownCtx, cancelShutdown := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancelShutdown()
	if err := other.Shutdown(shutdownCtx); err != nil {
		t.Fatalf("Shutdown while another instance's status reporter blocks: %v", err)
	}
	close(release)
	if err := stuck.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}
