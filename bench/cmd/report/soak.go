package main

import (
	"fmt"
	"strings"
)

// soakDriftLimit is "flat within noise" for the soak: over the whole run, the fitted RSS drift
// stays under this share of the starting RSS, and threads under soakThreadDrift.
const (
	soakDriftLimit  = 0.05
	soakThreadDrift = 2
)

// writeSoak reports `make soak` (scripts/soak.sh), when its figures are among the inputs.
func writeSoak(w *strings.Builder, f *figures, target targetFunc) {
	w.WriteString("## 7. Soak\n\n")
	rate, ok := f.median("Soak/load", "spans/s")
	if !ok {
		w.WriteString("Not measured in this run (`make soak`).\n\n")
		return
	}
	ns, _ := f.median("Soak/load", "ns/op")
	sent, _ := f.median("Soak/load", "sent-spans")
	failed, _ := f.median("Soak/load", "failed-spans")
	behind, _ := f.median("Soak/load", "behind-requests")
	minutes := ns / 6e10
	fmt.Fprintf(w, `The example collector with every Rust kind (bench/collector/soak.yaml: redact, the otlphttp_rs
exporter relaying to the otlphttp_rs receiver, spanstats, heartbeat, the otelbridge runtime
extension) fed by bench/cmd/loadgen at a fixed rate for %.1f minutes: %.0f spans/s, %.0f spans sent,
%.0f refused, %.0f requests the generator could not start on time. RSS (VmRSS) and threads sampled
every 5 s; start and end are the medians of the first minute after a minute of warm-up and of the
last minute, the slope a least-squares fit after the warm-up.

| | start | end | slope per minute |
| --- | --- | --- | --- |
`, minutes, rate, sent, failed, behind)
	rssStart, _ := f.median("Soak/rss", "start-KiB")
	rssEnd, _ := f.median("Soak/rss", "end-KiB")
	rssSlope, _ := f.median("Soak/rss", "KiB/min")
	thrStart, _ := f.median("Soak/threads", "start-threads")
	thrEnd, _ := f.median("Soak/threads", "end-threads")
	thrSlope, _ := f.median("Soak/threads", "threads/min")
	fmt.Fprintf(w, "| RSS MiB | %.1f | %.1f | %+.3f |\n", rssStart/1024, rssEnd/1024, rssSlope/1024)
	fmt.Fprintf(w, "| threads | %.0f | %.0f | %+.3f |\n\n", thrStart, thrEnd, thrSlope)
	drift := rssSlope * (minutes - 1)
	target("Soak: RSS flat (fitted drift < 5% of start)", rssStart > 0 && drift < soakDriftLimit*rssStart,
		fmt.Sprintf("%+.1f MiB over %.0f min", drift/1024, minutes-1))
	target("Soak: threads flat", thrSlope*(minutes-1) < soakThreadDrift, fmt.Sprintf("%.0f → %.0f", thrStart, thrEnd))
	target("Soak: nothing refused", failed == 0, fmt.Sprintf("%.0f spans refused", failed))
}
