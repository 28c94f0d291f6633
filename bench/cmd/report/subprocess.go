package main

import (
	"fmt"
	"strings"
)

// subprocessTarget: in subprocess mode the bridge keeps at least this share of the in-process
// (cgo) build's throughput, per call at 1 and 1,000 spans and in the whole collector (issue 15).
const subprocessTarget = 0.25

// writeSubprocess writes in-process against subprocess: the Go benchmarks scripts/bench.sh runs in
// alternating rounds of three test binaries (BenchmarkModes/<cgo|subprocess>/...; no-cgo is
// section 8's), and the whole collector built by scripts/bench-collector.sh with rust.link static
// and with rust.mode subprocess (Collector/redaction/rust and rust-subprocess).
func writeSubprocess(w *strings.Builder, f *figures, target targetFunc) {
	w.WriteString(`## 9. Subprocess mode: in-process against subprocess

The same calls with the Rust components in-process (the cgo build of section 8) and in subprocess
mode (` + "`CGO_ENABLED=0 -tags otelbridge_subprocess`" + `: the test library's host program,
` + "`otelbridge-testlib-host`" + `, runs as a child of the test binary and every ABI call is a frame
to it over a socket pair, ffi/README.md "Subprocess mode"). The Go benchmarks run in the
alternating rounds of section 8, a third test binary beside the other two: cgo, no-cgo,
subprocess, cgo, ... At 1 span only the unchanged call is measured. **Edit** excludes the batch's
copy (go-copy, measured in the same round; the median of the differences); Go's marshal alone is
the control, as in section 8. The whole collector of section 4 built a third time by
otelbridge-builder, from a copy of bench/collector/manifest.yaml with ` + "`rust.mode: subprocess`" + `
(the host program embedded in the binary, run from memory), the Rust redact processor at
saturation in the same alternating rounds; its CPU time and peak RSS are the collector's and its
host program's together (each process's own peak RSS, summed). Throughput ratio = subprocess's
throughput / in-process's (below 1: subprocess is slower); the target, at least ` + fmt.Sprintf("%.2f", subprocessTarget) + `,
applies to the batches and the whole collector.

`)
	rounds := f.count("Modes/subprocess/Fixed/abi", "ns/op")
	collectorRounds := f.count("Collector/redaction/rust-subprocess", "spans/s")
	fmt.Fprintf(w, "Medians of %d rounds per mode for the Go benchmarks, %d for the whole collector.\n\n", rounds, collectorRounds)
	fmt.Fprintf(w, `| case | unit | in-process (cgo) | subprocess | subprocess / in-process | throughput ratio | target ≥ %.2f | Go allocs/op, in-process / subprocess |
| --- | --- | --- | --- | --- | --- | --- | --- |
`, subprocessTarget)
	verdict := func(met bool) string {
		if met {
			return "met"
		}
		return "**not met**"
	}
	measured := false
	calls := map[string][2]float64{} // name -> in-process, subprocess ns/op
	rows := []struct {
		what, name, unit, target string
	}{
		{"empty call (`otelbridge_v1_nop`)", "Fixed/abi", "ns", ""},
		{"traces 1 span, unchanged", "Crossing/traces/1/rust-unchanged", "µs", "Subprocess \"unchanged\" at 1 span ≥ 0.25x in-process throughput"},
		{"traces 1,000 spans, unchanged", "Crossing/traces/1000/rust-unchanged", "µs", "Subprocess \"unchanged\" at 1,000 spans ≥ 0.25x in-process throughput"},
		{"traces 1,000 spans, edit", "Crossing/traces/1000/rust-edit", "µs", "Subprocess edit at 1,000 spans ≥ 0.25x in-process throughput"},
		{"control, no Rust: Go's marshal of those 1,000 spans", "Crossing/traces/1000/go-marshal", "µs", ""},
	}
	for _, r := range rows {
		inProcess, ok1 := f.median("Modes/cgo/"+r.name, "ns/op")
		subprocess, ok2 := f.median("Modes/subprocess/"+r.name, "ns/op")
		if strings.HasSuffix(r.name, "/rust-edit") {
			// The copy of the batch each iteration needs, taken out round by round.
			copyName := strings.TrimSuffix(r.name, "rust-edit") + "go-copy"
			inProcess, ok1 = f.medianDiff("Modes/cgo/"+r.name, "Modes/cgo/"+copyName, "ns/op")
			subprocess, ok2 = f.medianDiff("Modes/subprocess/"+r.name, "Modes/subprocess/"+copyName, "ns/op")
		}
		if !ok1 || !ok2 {
			continue
		}
		measured = true
		calls[r.name] = [2]float64{inProcess, subprocess}
		allocsIn, _ := f.median("Modes/cgo/"+r.name, "allocs/op")
		allocsSub, _ := f.median("Modes/subprocess/"+r.name, "allocs/op")
		met := "–"
		if r.target != "" && inProcess > 0 && subprocess > 0 {
			share := inProcess / subprocess
			met = verdict(share >= subprocessTarget)
			target(r.target, share >= subprocessTarget, fmt.Sprintf("%.2fx", share))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %.0f / %.0f |\n", r.what, r.unit, callFigure(inProcess, r.unit),
			callFigure(subprocess, r.unit), ratio(subprocess, inProcess), ratio(inProcess, subprocess), met, allocsIn, allocsSub)
	}
	var whole struct{ rate, cpu, rss [2]float64 }
	rust, ok1 := f.median("Collector/redaction/rust", "spans/s")
	sub, ok2 := f.median("Collector/redaction/rust-subprocess", "spans/s")
	if ok1 && ok2 {
		measured = true
		whole.rate = [2]float64{rust, sub}
		share := sub / rust
		fmt.Fprintf(w, "| whole collector, spans/s | spans/s | %.0f | %.0f | %s | %s | %s | – |\n", rust, sub, ratio(sub, rust), ratio(sub, rust), verdict(share >= subprocessTarget))
		target("Subprocess whole collector ≥ 0.25x in-process throughput", share >= subprocessTarget, fmt.Sprintf("%.2fx spans/s", share))
		cpuIn, _ := f.median("Collector/redaction/rust", "cpu-s/Mspans")
		cpuSub, _ := f.median("Collector/redaction/rust-subprocess", "cpu-s/Mspans")
		whole.cpu = [2]float64{cpuIn, cpuSub}
		fmt.Fprintf(w, "| whole collector, CPU per million spans (collector + host program) | CPU s | %.2f | %.2f | %s | %s (spans per CPU s) | – | – |\n",
			cpuIn, cpuSub, ratio(cpuSub, cpuIn), ratio(cpuIn, cpuSub))
		rssIn, _ := f.median("Collector/redaction/rust", "peak-rss-KiB")
		rssSub, _ := f.median("Collector/redaction/rust-subprocess", "peak-rss-KiB")
		whole.rss = [2]float64{rssIn, rssSub}
		fmt.Fprintf(w, "| whole collector, peak RSS (collector + host program) | MiB | %.1f | %.1f | %s | – | – | – |\n", rssIn/1024, rssSub/1024, ratio(rssSub, rssIn))
	}
	if !measured {
		w.WriteString("| (not measured) | | | | | | | |\n\n")
		return
	}
	w.WriteString("\n")
	writeSubprocessCost(w, calls, whole.rate, whole.cpu, whole.rss)
}

// writeSubprocessCost says what the mode cost in this run and why, from the table's figures.
func writeSubprocessCost(w *strings.Builder, calls map[string][2]float64, rate, cpu, rss [2]float64) {
	var sentences []string
	nop, hasNop := calls["Fixed/abi"]
	one, hasOne := calls["Crossing/traces/1/rust-unchanged"]
	thousand, hasThousand := calls["Crossing/traces/1000/rust-unchanged"]
	if hasNop {
		sentences = append(sentences, fmt.Sprintf("An empty call, which carries no data, took %s µs against %.1f ns in-process: "+
			"that is the round trip itself, the system calls and the hand-offs between threads, not copying.",
			us(nop[1]), nop[0]))
	}
	if hasOne && hasThousand {
		perSpan := ((thousand[1] - thousand[0]) - (one[1] - one[0])) / 999
		sentences = append(sentences, fmt.Sprintf("An unchanged batch cost %s µs more than in-process at 1 span and %s µs more at 1,000 spans: "+
			"%.0f ns more per span, the batch's bytes written into the socket and read out of it, so at 1,000 spans the fixed round trip is %.0f%% of the call.",
			us(one[1]-one[0]), us(thousand[1]-thousand[0]), perSpan, 100*(one[1]-one[0])/thousand[1]))
		// A straight line through the two sizes for each mode: where subprocess keeps the target.
		inSlope := (thousand[0] - one[0]) / 999
		subSlope := (thousand[1] - one[1]) / 999
		if denominator := inSlope/subprocessTarget - subSlope; denominator > 0 {
			n := 1 + (one[1]-one[0]/subprocessTarget)/denominator
			if n > 1 {
				sentences = append(sentences, fmt.Sprintf("On a straight line through those two sizes, subprocess keeps %.2f of in-process throughput "+
					"from about %.0f spans per batch.", subprocessTarget, n))
			}
		}
	}
	if rate[0] > 0 && rate[1] > 0 {
		sentences = append(sentences, fmt.Sprintf("The whole collector (loadgen's requests of 500 spans, redaction doing real work on each) "+
			"kept %.2f of its in-process throughput, spent %s CPU per span (the host program's included) and held %s at its peak "+
			"(the host program is a second process with its own runtime and heap).",
			rate[1]/rate[0], moreOrLess(100*(cpu[1]/cpu[0]-1), "%.0f%%"), moreOrLess((rss[1]-rss[0])/1024, "%.1f MiB")))
	}
	w.WriteString(`**What the mode costs, and why.** In-process, a call is a function call and the batch is
lent to Rust. In subprocess mode every call is a round trip over the socket: the calling goroutine
writes the CALL frame with the batch (copied into the kernel and out of it again by the host
program); in the host program the reader thread wakes for it and hands it to a worker thread,
which makes the ABI call and writes the REPLY itself; in the collector the reader goroutine,
waiting in Go's network poller, wakes and hands the answer to the waiting goroutine. A changed
batch or its edits come back the same way, copied again. Each hand-off is a thread put to sleep
and woken by the kernel: the fixed cost is mostly those wake-ups, so it depends on the machine's
scheduler more than on the frames' bytes, and it dominates small batches: a round trip between
two processes costs tens of microseconds on any socket, against about 2 µs for the whole 1-span
call in-process, so no transport over a socket keeps 0.25 there.
`)
	if len(sentences) > 0 {
		w.WriteString("\n**In this run.** " + strings.Join(sentences, " ") + "\n")
	}
	w.WriteString("\n")
}

// moreOrLess formats a difference as "<amount> more" or "<amount> less".
func moreOrLess(diff float64, format string) string {
	if diff < 0 {
		return fmt.Sprintf(format+" less", -diff)
	}
	return fmt.Sprintf(format+" more", diff)
}

// callFigure formats a per-call time in unit: µs with two decimals, ns with one below a
// microsecond and none above.
func callFigure(ns float64, unit string) string {
	if unit == "ns" && ns >= 1000 {
		return fmt.Sprintf("%.0f", ns)
	}
	return inUnit(ns, unit)
}
