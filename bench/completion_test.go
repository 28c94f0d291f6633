package bench

import (
	"context"
	"testing"

	"go.opentelemetry.io/collector/consumer/consumertest"
)

// The cost of a call that waits in the Rust runtime once (the probe yields, then rewrites one
// span): its completion reaches Go through a callback on a runtime thread with cgo, through the
// library's event queue and the shim's poller goroutine without. Against the same one-span
// rewrite that completes in its first poll.
func BenchmarkCompletion(b *testing.B) {
	nop := consumertest.NewNop()
	ctx := context.Background()
	batch := traces(1)
	for _, c := range []struct{ name, action string }{{"ready", "rewrite"}, {"pending", "yield"}} {
		consume := tracesSignal.rust(b, c.action, nop)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := consume(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
