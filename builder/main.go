// Command otelbridge-builder builds an OpenTelemetry Collector from upstream's builder manifest,
// where any component may be a Rust crate (`cargo:`) instead of a Go module (`gomod:`). It takes
// ocb's flags with the same meaning, builds the Rust side as one library (static or shared), and
// runs upstream's ocb for the Go side.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/otelbridge/otelbridge/builder/internal/build"
)

// otelbridgeRoot is the otelbridge checkout the builder was built from (set by `make builder`);
// a manifest's rust.otelbridge overrides it.
var otelbridgeRoot string

func main() {
	opts := build.Options{Log: os.Stderr, Otelbridge: otelbridgeRoot}
	flags := flag.NewFlagSet("otelbridge-builder", flag.ContinueOnError)
	flags.StringVar(&opts.Config, "config", "", "build configuration file (ocb's manifest, plus cargo: modules and a rust: section)")
	flags.BoolVar(&opts.SkipGenerate, "skip-generate", false, "whether to skip generating code (Rust crate, Go glue, ocb's sources)")
	flags.BoolVar(&opts.SkipGetModules, "skip-get-modules", false, "whether to skip updating go.mod and retrieving Go modules")
	flags.BoolVar(&opts.SkipCompilation, "skip-compilation", false, "whether to skip compiling the collector (the Rust library is still built)")
	flags.BoolVar(&opts.SkipStrictVersioning, "skip-strict-versioning", true, "passed to ocb")
	flags.StringVar(&opts.LDFlags, "ldflags", "", `ldflags to include in the "go build" command`)
	flags.StringVar(&opts.GCFlags, "gcflags", "", `gcflags to include in the "go build" command`)
	flags.BoolVar(&opts.Verbose, "verbose", false, "whether to print verbose output")
	flags.StringVar(&opts.OCB, "ocb", "", "upstream builder executable (default: ocb beside this program, then on PATH)")
	if err := flags.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if opts.Config == "" {
		fmt.Fprintln(os.Stderr, "otelbridge-builder: --config is required")
		os.Exit(2)
	}
	if err := build.Run(opts); err != nil {
		fmt.Fprintf(os.Stderr, "otelbridge-builder: %v\n", err)
		os.Exit(1)
	}
}
