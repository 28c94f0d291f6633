// Command report turns the benchmark suite's output into bench/RESULTS.md, so that the table is
// never typed by hand: Go benchmark output (the Go benchmarks, and the whole-collector driver,
// which prints the same format) and criterion's estimates, each figure beside its baseline from
// the same run.
//
//	go run ./cmd/report -criterion ../target/criterion -out RESULTS.md -command 'make bench' go-bench.txt collector.txt
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	out := flag.String("out", "RESULTS.md", "the Markdown file to write")
	criterionDir := flag.String("criterion", "", "criterion's output directory (target/criterion)")
	command := flag.String("command", "make bench", "the command that produced the figures")
	allocator := flag.String("allocator", "system", "the Rust library's allocator: system or mimalloc")
	flag.Parse()

	figures := newFigures()
	for _, path := range flag.Args() {
		if err := figures.readGoBench(path); err != nil {
			fail(err)
		}
	}
	if *criterionDir != "" {
		if err := figures.readCriterion(*criterionDir); err != nil {
			fail(err)
		}
	}
	var doc strings.Builder
	writeReport(&doc, figures, machine(), *command, *allocator)
	if err := os.WriteFile(*out, []byte(doc.String()), 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "report:", err)
	os.Exit(1)
}
