package main

import (
	"fmt"
	"strings"
)

// noCgoTarget: built without cgo, the bridge keeps at least this share of the cgo build's
// throughput, at 1,000 spans and in the whole collector (issue 14).
const noCgoTarget = 0.9

// writeModes writes cgo against no-cgo (purego): the Go benchmarks scripts/bench.sh runs in
// alternating rounds of two test binaries (BenchmarkModes/<cgo|nocgo>/...), and the whole
// collector built both ways by scripts/bench-collector.sh (Collector/redaction/rust and rust-nocgo).
func writeModes(w *strings.Builder, f *figures, target targetFunc) {
	w.WriteString(`## 8. cgo and no-cgo (purego)

The same calls with the shim built with cgo (the library linked statically, Rust calling back
into Go on its own threads) and without (` + "`CGO_ENABLED=0`" + `: the library's ` + "`.so`" + ` loaded with
dlopen, each call through ` + "`purego.SyscallN`" + `, Rust's callbacks queued in the library's event
queue and drained by one Go goroutine). The Go benchmarks of sections 1 and 2, compiled twice (one
test binary per mode; a third, subprocess mode's, is section 9's), run in alternating rounds:
cgo, no-cgo, subprocess, cgo, ... **Edit** excludes the
batch's copy (go-copy, measured in the same round; the median of the differences). Go's marshal
alone calls no Rust: it is the control, how far the two binaries differ by noise alone. The whole
collector of section 4 built twice by otelbridge-builder, from bench/collector/manifest.yaml (cgo,
` + "`rust.link: static`" + `) and from a copy with ` + "`rust.mode: dlopen`" + ` (the library embedded in the
binary, loaded from memory), the Rust redact processor at saturation in alternating rounds.
Throughput ratio = no-cgo's throughput / cgo's (below 1: no-cgo is slower).

`)
	rounds := f.count("Modes/nocgo/Fixed/abi", "ns/op")
	collectorRounds := f.count("Collector/redaction/rust-nocgo", "spans/s")
	fmt.Fprintf(w, "Medians of %d rounds per mode for the Go benchmarks, %d for the whole collector.\n\n", rounds, collectorRounds)
	w.WriteString(`| case | unit | cgo | no-cgo | no-cgo / cgo | throughput ratio | Go allocs/op, cgo / no-cgo |
| --- | --- | --- | --- | --- | --- | --- |
`)
	measured := false
	rows := []struct {
		what, name, unit, target string
	}{
		{"empty call (`otelbridge_v1_nop`)", "Fixed/abi", "ns", ""},
		{"traces 1,000 spans, unchanged", "Crossing/traces/1000/rust-unchanged", "µs", "No-cgo \"unchanged\" at 1,000 spans ≥ 0.9x cgo's throughput"},
		{"traces 1,000 spans, edit", "Crossing/traces/1000/rust-edit", "µs", "No-cgo edit at 1,000 spans ≥ 0.9x cgo's throughput"},
		{"traces 1,000 spans, rewrite", "Crossing/traces/1000/rust-rewrite", "µs", ""},
		{"control, no Rust: Go's marshal of those 1,000 spans", "Crossing/traces/1000/go-marshal", "µs", ""},
	}
	for _, r := range rows {
		cgo, ok1 := f.median("Modes/cgo/"+r.name, "ns/op")
		nocgo, ok2 := f.median("Modes/nocgo/"+r.name, "ns/op")
		if strings.HasSuffix(r.name, "/rust-edit") {
			// The copy of the batch each iteration needs, taken out round by round.
			copyName := strings.TrimSuffix(r.name, "rust-edit") + "go-copy"
			cgo, ok1 = f.medianDiff("Modes/cgo/"+r.name, "Modes/cgo/"+copyName, "ns/op")
			nocgo, ok2 = f.medianDiff("Modes/nocgo/"+r.name, "Modes/nocgo/"+copyName, "ns/op")
		}
		if !ok1 || !ok2 {
			continue
		}
		measured = true
		allocsCgo, _ := f.median("Modes/cgo/"+r.name, "allocs/op")
		allocsNocgo, _ := f.median("Modes/nocgo/"+r.name, "allocs/op")
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %.0f / %.0f |\n", r.what, r.unit, inUnit(cgo, r.unit),
			inUnit(nocgo, r.unit), ratio(nocgo, cgo), ratio(cgo, nocgo), allocsCgo, allocsNocgo)
		if r.target != "" && nocgo > 0 && cgo > 0 {
			target(r.target, cgo/nocgo >= noCgoTarget, fmt.Sprintf("%.2fx", cgo/nocgo))
		}
	}
	rust, ok1 := f.median("Collector/redaction/rust", "spans/s")
	nocgo, ok2 := f.median("Collector/redaction/rust-nocgo", "spans/s")
	if ok1 && ok2 {
		measured = true
		fmt.Fprintf(w, "| whole collector, spans/s | spans/s | %.0f | %.0f | %s | %s | – |\n", rust, nocgo, ratio(nocgo, rust), ratio(nocgo, rust))
		target("No-cgo whole collector ≥ 0.9x cgo's throughput", nocgo/rust >= noCgoTarget, fmt.Sprintf("%.2fx spans/s", nocgo/rust))
		cpuCgo, _ := f.median("Collector/redaction/rust", "cpu-s/Mspans")
		cpuNocgo, _ := f.median("Collector/redaction/rust-nocgo", "cpu-s/Mspans")
		fmt.Fprintf(w, "| whole collector, CPU per million spans | CPU s | %.2f | %.2f | %s | %s (spans per CPU s) | – |\n",
			cpuCgo, cpuNocgo, ratio(cpuNocgo, cpuCgo), ratio(cpuCgo, cpuNocgo))
		rssCgo, _ := f.median("Collector/redaction/rust", "peak-rss-KiB")
		rssNocgo, _ := f.median("Collector/redaction/rust-nocgo", "peak-rss-KiB")
		fmt.Fprintf(w, "| whole collector, peak RSS | MiB | %.1f | %.1f | %s | – | – |\n", rssCgo/1024, rssNocgo/1024, ratio(rssNocgo, rssCgo))
	}
	if !measured {
		w.WriteString("| (not measured) | | | | | | |\n")
	}
	w.WriteString("\n")
}
