// Command otelbridge-builder builds an OpenTelemetry Collector from upstream's builder manifest,
// where any component may be a Rust crate (`cargo:`) instead of a Go module (`gomod:`). It takes
// ocb's flags with the same meaning, builds the Rust side as one library (static or shared), and
// runs upstream's ocb of the manifest's collector release for the Go side.
//
// `otelbridge-builder releases` prints the supported window of collector releases, oldest and
// newest, on one line ("v0.160.0 v0.165.0"); `releases --all` prints each release of the window
// on a line of its own, its v0 and v1 versions ("v0.160.0 v1.66.0").
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/otelbridge/otelbridge/builder/internal/build"
	"github.com/otelbridge/otelbridge/builder/internal/release"
)

// otelbridgeRoot is the otelbridge checkout the builder was built from (set by `make builder`);
// a manifest's rust.otelbridge overrides it.
var otelbridgeRoot string

func main() {
	if len(os.Args) > 1 && os.Args[1] == "releases" {
		os.Exit(releases(os.Args[2:], os.Stdout))
	}
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
	flags.StringVar(&opts.OCB, "ocb", "", "upstream builder executable, of the manifest's release (default: that release's ocb, installed into the builder's cache on first use)")
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

// releases prints the supported window (see the package comment).
func releases(args []string, out io.Writer) int {
	flags := flag.NewFlagSet("otelbridge-builder releases", flag.ContinueOnError)
	all := flags.Bool("all", false, "print every release of the window, one per line: its v0 and v1 versions")
	if err := flags.Parse(args); err != nil || flags.NArg() > 0 {
		return 2
	}
	if !*all {
		fmt.Fprintln(out, release.Oldest.V0(), release.Newest.V0())
		return 0
	}
	for _, r := range release.Window() {
		fmt.Fprintln(out, r.V0(), r.V1())
	}
	return 0
}
