// Command otelbridge-builder builds an OpenTelemetry Collector from upstream's builder manifest,
// where any component may be a Rust crate (`cargo:`) instead of a Go module (`gomod:`). It takes
// ocb's flags with the same meaning, builds the Rust side as one library (static or shared), and
// runs upstream's ocb of the manifest's collector release for the Go side.
//
// `otelbridge-builder releases` prints the supported window of collector releases, oldest and
// newest, on one line ("v0.160.0 v0.165.0"); `releases --all` prints each release of the window
// on a line of its own, its v0 and v1 versions ("v0.160.0 v1.66.0").
//
// `otelbridge-builder new <kind> <name>` writes a new Rust component crate (see newCommand).
//
// `otelbridge-builder plugin --config plugin.yaml` builds a plugin: one shared library of the
// manifest's cargo modules, with its manifest in an ELF section, and its SHA-256 digest beside it
// (see pluginCommand).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/otelbridge/otelbridge/builder/internal/build"
	"github.com/otelbridge/otelbridge/builder/internal/release"
	"github.com/otelbridge/otelbridge/builder/internal/scaffold"
)

// otelbridgeRoot is the otelbridge checkout the builder was built from (set by `make builder`);
// a manifest's rust.otelbridge overrides it.
var otelbridgeRoot string

func main() {
	if len(os.Args) > 1 && os.Args[1] == "releases" {
		os.Exit(releases(os.Args[2:], os.Stdout))
	}
	if len(os.Args) > 1 && os.Args[1] == "new" {
		os.Exit(newCommand(os.Args[2:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "plugin" {
		os.Exit(pluginCommand(os.Args[2:], os.Stderr))
	}
	if len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-") {
		fmt.Fprintf(os.Stderr, "otelbridge-builder: unknown command %q: the commands are new, plugin and releases; --config FILE builds a collector\n", os.Args[1])
		os.Exit(2)
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
		fmt.Fprintln(os.Stderr, "otelbridge-builder: --config is required (`otelbridge-builder new <kind> <name>` writes a new component crate)")
		os.Exit(2)
	}
	if err := build.Run(opts); err != nil {
		fmt.Fprintf(os.Stderr, "otelbridge-builder: %v\n", err)
		os.Exit(1)
	}
}

// pluginCommand is `otelbridge-builder plugin --config FILE`: it builds <dist.output_path>/<dist.name>.so
// from the manifest's cargo modules (a gomod module is an error), with its manifest in the ELF
// section .otelbridge.manifest, and <file>.sha256 beside it.
func pluginCommand(args []string, stderr io.Writer) int {
	flags := flag.NewFlagSet("otelbridge-builder plugin", flag.ContinueOnError)
	flags.SetOutput(stderr)
	opts := build.PluginOptions{Log: stderr, Otelbridge: otelbridgeRoot}
	flags.StringVar(&opts.Config, "config", "", "plugin manifest: the builder manifest's schema, with cargo: modules only")
	if err := flags.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		return 2
	}
	if opts.Config == "" || flags.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: otelbridge-builder plugin --config plugin.yaml")
		return 2
	}
	if err := build.Plugin(opts); err != nil {
		fmt.Fprintf(stderr, "otelbridge-builder plugin: %v\n", err)
		return 1
	}
	return 0
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

// newUsage is the `new` command's synopsis.
const newUsage = `usage: otelbridge-builder new <kind> <name> [--dir DIR] [--sdk path=DIR | --sdk version=V | --sdk git=URL]
  <kind>  processor, exporter, receiver, connector or extension
  <name>  the component type operators write in the collector config (and the crate's name)`

// newCommand is `otelbridge-builder new <kind> <name>`: it writes a component crate (config with
// validation, the component, tests with the SDK's kit) into --dir (default ./<name>), and prints
// what it wrote and the builder manifest lines that add it to a collector.
func newCommand(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("otelbridge-builder new", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintln(stderr, newUsage)
		flags.PrintDefaults()
	}
	dir := flags.String("dir", "", "the crate directory to write; it must not exist or be empty (default ./<name>)")
	sdkFlag := flags.String("sdk", "", "the otelbridge dependency: path=DIR (a checkout or its rust/otelbridge), version=V (crates.io) or git=URL (default: the checkout this builder was built from, else version="+scaffold.PublishedVersion+")")
	// Flags may come before, between or after the two arguments.
	var positional []string
	for {
		if err := flags.Parse(args); errors.Is(err, flag.ErrHelp) {
			return 0
		} else if err != nil {
			return 2
		}
		if flags.NArg() == 0 {
			break
		}
		positional = append(positional, flags.Arg(0))
		args = flags.Args()[1:]
	}
	if len(positional) != 2 {
		fmt.Fprintf(stderr, "otelbridge-builder new: want two arguments, <kind> and <name>; got %d\n%s\n", len(positional), newUsage)
		return 2
	}
	opts := scaffold.Options{Name: positional[1], Dir: *dir, DefaultSDK: defaultSDK()}
	kind, err := scaffold.ParseKind(positional[0])
	if err == nil {
		err = scaffold.CheckName(opts.Name)
	}
	if err == nil && *sdkFlag != "" {
		opts.SDK, err = scaffold.ParseSDK(*sdkFlag)
	}
	if err != nil {
		fmt.Fprintf(stderr, "otelbridge-builder new: %v\n%s\n", err, newUsage)
		return 2
	}
	opts.Kind = kind
	res, err := scaffold.Write(opts)
	if err != nil {
		fmt.Fprintf(stderr, "otelbridge-builder new: %v\n", err)
		return 1
	}
	printScaffold(stdout, opts, res)
	return 0
}

// defaultSDK is the otelbridge crate of the checkout the builder was built from: the one `make
// builder` recorded, else the checkout holding the executable (bin/otelbridge-builder); "" if
// neither has one.
func defaultSDK() string {
	candidates := []string{otelbridgeRoot}
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil {
			candidates = append(candidates, filepath.Dir(filepath.Dir(exe)))
		}
	}
	return scaffold.FindSDK(candidates...)
}

// printScaffold prints what newCommand wrote, how to test it, and how to build it in.
func printScaffold(out io.Writer, opts scaffold.Options, res *scaffold.Result) {
	fmt.Fprintf(out, "Wrote the %s %q, crate %s, in %s:\n", opts.Kind, opts.Name, res.Crate, res.Dir)
	for _, f := range res.Files {
		fmt.Fprintf(out, "  %s%c%s\n", strings.TrimSuffix(res.Dir, string(filepath.Separator)), filepath.Separator, filepath.FromSlash(f))
	}
	fmt.Fprintf(out, "%s\n  (%s)\n", res.Dependency, res.SDKNote)
	if res.WorkspaceNote != "" {
		fmt.Fprintf(out, "The crate is %s.\n", res.WorkspaceNote)
	}
	fmt.Fprintf(out, "\nTest it:\n  cd %s && cargo test\n", shellQuote(res.Dir))
	fmt.Fprintf(out, "\nAdd it to a collector: these lines in the builder manifest (a relative path is relative to\nthe manifest file; this one is for a manifest in the current directory):\n")
	fmt.Fprintf(out, "  %s:\n    - cargo: %s\n", opts.Kind.List(), res.CargoLine)
}

// shellQuote quotes s for a POSIX shell if it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
