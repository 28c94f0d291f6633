package scaffold

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The names refused are those otelbridge::ComponentType::new refuses, plus the few that cannot
// name the crate; each error names the argument.
func TestCheckName(t *testing.T) {
	for _, name := range []string{"tagger", "a", "span_count", "otlp2", "MyProc", "x_", strings.Repeat("a", 63)} {
		if err := CheckName(name); err != nil {
			t.Errorf("CheckName(%q): %v", name, err)
		}
	}
	for name, want := range map[string]string{
		"":                      "must start with an ASCII letter",
		"9lives":                "must start with an ASCII letter",
		"_x":                    "must start with an ASCII letter",
		"span-count":            "only ASCII letters, digits and '_'",
		"span count":            "only ASCII letters, digits and '_'",
		"café":                  "only ASCII letters, digits and '_'",
		strings.Repeat("a", 64): "at most 63 characters",
		"fn":                    `"fn" is a Rust keyword`,
		"Type":                  `"type" is a Rust keyword`,
		"test":                  "a Rust built-in crate",
		"serde":                 "a crate the component depends on",
		"otelbridge":            "a crate the component depends on",
	} {
		err := CheckName(name)
		if err == nil || !strings.Contains(err.Error(), "invalid <name> ") || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckName(%q) = %v; want an error naming <name> and saying %q", name, err, want)
		}
	}
}

func TestParseKindAndSDK(t *testing.T) {
	for _, k := range Kinds {
		if got, err := ParseKind(string(k)); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
		}
	}
	if _, err := ParseKind("processors"); err == nil || err.Error() != `invalid <kind> "processors": want one of processor, exporter, receiver, connector, extension` {
		t.Errorf("ParseKind(processors): %v", err)
	}
	for flag, want := range map[string]SDK{
		"path=../otelbridge": {Path: "../otelbridge"},
		"version=0.2":        {Version: "0.2"},
		"git=https://x/y":    {Git: "https://x/y"},
	} {
		if got, err := ParseSDK(flag); err != nil || got != want {
			t.Errorf("ParseSDK(%q) = %+v, %v", flag, got, err)
		}
	}
	for _, flag := range []string{"", "path", "path=", "branch=main", "../otelbridge"} {
		if _, err := ParseSDK(flag); err == nil || !strings.HasPrefix(err.Error(), "invalid --sdk ") {
			t.Errorf("ParseSDK(%q): %v", flag, err)
		}
	}
}

// Each kind writes the same layout: Cargo.toml, .gitignore, src/lib.rs, src/config.rs, the
// component in src/<kind>.rs, tests/<crate>.rs; every template renders completely.
func TestWriteEachKind(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "span_count")
			res, err := Write(Options{Kind: kind, Name: "span_count", Dir: dir, SDK: SDK{Version: "0.1"}})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"Cargo.toml", ".gitignore", "src/lib.rs", "src/config.rs", "src/" + string(kind) + ".rs", "tests/span_count.rs"}
			if !slices.Equal(res.Files, want) {
				t.Errorf("files %v; want %v", res.Files, want)
			}
			for _, f := range res.Files {
				content := read(t, filepath.Join(dir, f))
				if strings.Contains(content, "{{") || strings.Contains(content, "<no value>") {
					t.Errorf("%s is not fully rendered:\n%s", f, content)
				}
			}
			lib := read(t, filepath.Join(dir, "src", "lib.rs"))
			for _, s := range []string{`pub const TYPE: &str = "span_count";`, "pub fn factory() -> Factory {", "pub use config::SpanCountConfig;"} {
				if !strings.Contains(lib, s) {
					t.Errorf("src/lib.rs lacks %q", s)
				}
			}
			config := read(t, filepath.Join(dir, "src", "config.rs"))
			if !strings.Contains(config, "#[serde(deny_unknown_fields, default)]\npub struct SpanCountConfig {") || !strings.Contains(config, "ConfigError::new(") {
				t.Errorf("src/config.rs lacks the config struct or its validation:\n%s", config)
			}
			if tests := read(t, filepath.Join(dir, "tests", "span_count.rs")); !strings.Contains(tests, "use span_count::") || !strings.Contains(tests, "otelbridge::testing") {
				t.Errorf("tests/span_count.rs does not test the crate with the kit:\n%s", tests)
			}
			if res.CargoLine != `span_count = { path = "`+filepath.ToSlash(dir)+`" }` {
				t.Errorf("cargo line %q", res.CargoLine)
			}
		})
	}
}

func TestWriteRefusesANonEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Write(Options{Kind: Processor, Name: "tagger", Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "exists and is not empty: nothing was written") {
		t.Fatalf("Write into a non-empty directory: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory has %d entries; want the one it had", len(entries))
	}
	// An empty directory is fine, and the default directory is ./<name>.
	empty := t.TempDir()
	if _, err := Write(Options{Kind: Processor, Name: "tagger", Dir: empty}); err != nil {
		t.Errorf("Write into an empty directory: %v", err)
	}
	t.Chdir(t.TempDir())
	res, err := Write(Options{Kind: Exporter, Name: "tally"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Dir != "./tally" || res.CargoLine != `tally = { path = "./tally" }` || read(t, filepath.Join("tally", "src", "exporter.rs")) == "" {
		t.Errorf("default directory: %+v", res)
	}
}

// The otelbridge dependency: the builder's checkout by default (relative when near, absolute
// otherwise), else the published version; --sdk chooses a path (a checkout or the crate), a
// version or a git repository.
func TestDependency(t *testing.T) {
	checkout := fakeCheckout(t, filepath.Join(t.TempDir(), "src", "otelbridge"))
	sdk := filepath.Join(checkout, "rust", "otelbridge")
	if got := FindSDK("", filepath.Join(t.TempDir(), "nothing"), checkout); got != sdk {
		t.Errorf("FindSDK = %q; want %q", got, sdk)
	}
	beside := filepath.Join(filepath.Dir(checkout), "tagger")
	far := filepath.Join(t.TempDir(), "a", "b", "c", "tagger") // five levels up to the checkout
	for _, tt := range []struct {
		name       string
		opts       Options
		dependency string
		dev        string
		note       string
	}{{
		name:       "the builder's checkout, beside it",
		opts:       Options{Dir: beside, DefaultSDK: sdk},
		dependency: `otelbridge = { path = "../otelbridge/rust/otelbridge" }`,
		dev:        `otelbridge = { path = "../otelbridge/rust/otelbridge", features = ["testing"] }`,
		note:       "of the checkout this builder was built from",
	}, {
		name:       "the builder's checkout, far from it",
		opts:       Options{Dir: far, DefaultSDK: sdk},
		dependency: `otelbridge = { path = "` + filepath.ToSlash(sdk) + `" }`,
		note:       "of the checkout this builder was built from",
	}, {
		name:       "no checkout known",
		opts:       Options{Dir: far},
		dependency: `otelbridge = "0.1"`,
		dev:        `otelbridge = { version = "0.1", features = ["testing"] }`,
		note:       "the published SDK: this builder knows no otelbridge checkout",
	}, {
		name:       "--sdk path=<checkout>",
		opts:       Options{Dir: far, SDK: SDK{Path: checkout}, DefaultSDK: "/elsewhere"},
		dependency: `otelbridge = { path = "` + filepath.ToSlash(sdk) + `" }`,
		note:       "--sdk path: the SDK there",
	}, {
		name:       "--sdk path=<crate>",
		opts:       Options{Dir: beside, SDK: SDK{Path: sdk}},
		dependency: `otelbridge = { path = "../otelbridge/rust/otelbridge" }`,
	}, {
		name:       "--sdk version",
		opts:       Options{Dir: far, SDK: SDK{Version: "=0.1.3"}, DefaultSDK: sdk},
		dependency: `otelbridge = "=0.1.3"`,
		dev:        `otelbridge = { version = "=0.1.3", features = ["testing"] }`,
	}, {
		name:       "--sdk git",
		opts:       Options{Dir: far, SDK: SDK{Git: "https://github.com/otelbridge/otelbridge"}},
		dependency: `otelbridge = { git = "https://github.com/otelbridge/otelbridge" }`,
		dev:        `otelbridge = { git = "https://github.com/otelbridge/otelbridge", features = ["testing"] }`,
	}} {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Kind, tt.opts.Name = Processor, "tagger"
			res, err := Write(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			manifest := read(t, filepath.Join(tt.opts.Dir, "Cargo.toml"))
			if res.Dependency != tt.dependency || !strings.Contains(manifest, "\n"+tt.dependency+"\n") {
				t.Errorf("dependency %q; want %q in Cargo.toml:\n%s", res.Dependency, tt.dependency, manifest)
			}
			if tt.dev != "" && !strings.Contains(manifest, "\n"+tt.dev+"\n") {
				t.Errorf("Cargo.toml lacks the dev-dependency %q:\n%s", tt.dev, manifest)
			}
			if !strings.Contains(res.SDKNote, tt.note) {
				t.Errorf("note %q; want it to say %q", res.SDKNote, tt.note)
			}
			if err := os.RemoveAll(tt.opts.Dir); err != nil {
				t.Fatal(err)
			}
		})
	}
	_, err := Write(Options{Kind: Processor, Name: "tagger", Dir: far, SDK: SDK{Path: t.TempDir()}})
	if err == nil || !strings.Contains(err.Error(), "is neither the otelbridge crate nor an otelbridge checkout") {
		t.Errorf("--sdk path to a directory without otelbridge: %v", err)
	}
}

// A crate inside a cargo workspace that does not list it gets a [workspace] table of its own
// (else cargo refuses to build it); a member does not.
func TestEnclosingWorkspace(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "Cargo.toml"), "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"crates/old\"]\n")
	for _, tt := range []struct {
		dir      string
		ownTable bool
	}{{"crates/tagger", false}, {"crates/old", true}, {"tools/tagger", true}} {
		res, err := Write(Options{Kind: Processor, Name: "tagger", Dir: filepath.Join(root, tt.dir), SDK: SDK{Version: "0.1"}})
		if err != nil {
			t.Fatal(err)
		}
		manifest := read(t, filepath.Join(root, tt.dir, "Cargo.toml"))
		if got := strings.Contains(manifest, "\n[workspace]\n"); got != tt.ownTable {
			t.Errorf("%s: [workspace] in its Cargo.toml: %t, want %t\n%s", tt.dir, got, tt.ownTable, manifest)
		}
		if !strings.Contains(res.WorkspaceNote, root) {
			t.Errorf("%s: workspace note %q does not name %s", tt.dir, res.WorkspaceNote, root)
		}
	}
	res, err := Write(Options{Kind: Processor, Name: "tagger", Dir: filepath.Join(t.TempDir(), "tagger"), SDK: SDK{Version: "0.1"}})
	if err != nil || res.WorkspaceNote != "" {
		t.Errorf("no enclosing workspace: %q, %v", res.WorkspaceNote, err)
	}
}

// `cargo test` passes at once in a crate of every kind, against this checkout's SDK, without
// a warning, and the crates are rustfmt- and clippy-clean. The crates are the members of one
// cargo workspace, with the repository's Cargo.lock (no network needed when the repository
// builds), built in build/scaffold-target: the SDK and the dependencies are compiled once for
// the five (about a minute cold, seconds warm). Skipped with -short.
func TestScaffoldedCratesPassCargoTest(t *testing.T) {
	if testing.Short() {
		t.Skip("runs cargo; skipped with -short")
	}
	if _, err := exec.LookPath("cargo"); err != nil {
		t.Fatal("cargo is not on PATH (scripts/check-toolchains.sh)")
	}
	repo, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	sdk := FindSDK(repo)
	if sdk == "" {
		t.Fatalf("no otelbridge crate in %s", repo)
	}
	names := map[Kind]string{Processor: "stamp", Exporter: "tally", Receiver: "ticker", Connector: "span_count", Extension: "keepalive"}
	ws := t.TempDir()
	var members []string
	for _, kind := range Kinds {
		members = append(members, `"`+names[kind]+`"`)
	}
	writeFile(t, filepath.Join(ws, "Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = ["+strings.Join(members, ", ")+"]\n")
	writeFile(t, filepath.Join(ws, "Cargo.lock"), read(t, filepath.Join(repo, "Cargo.lock")))
	for _, kind := range Kinds {
		res, err := Write(Options{Kind: kind, Name: names[kind], Dir: filepath.Join(ws, names[kind]), DefaultSDK: sdk})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.WorkspaceNote, "a member of the cargo workspace") {
			t.Errorf("%s: %q", kind, res.WorkspaceNote)
		}
	}
	target := filepath.Join(repo, "build", "scaffold-target")

	out := cargo(t, ws, target, "test", "--workspace", "--no-run")
	// Warnings of the crates (the SDK's own, a path dependency's, are not theirs).
	var packages []string
	for _, kind := range Kinds {
		packages = append(packages, "-p", names[kind])
	}
	ours := regexp.MustCompile("(?m)^warning: (`(" + strings.Join(slices.Collect(maps.Values(names)), "|") + ")` .*generated .*|.*" + regexp.QuoteMeta(ws) + ".*)$")
	if warnings := ours.FindAllString(out, -1); len(warnings) > 0 {
		t.Errorf("building the crates and their tests warned: %q\n%s", warnings, out)
	}
	cargo(t, ws, target, append([]string{"fmt", "--check"}, packages...)...)
	cargo(t, ws, target, append(append([]string{"clippy", "--all-targets"}, packages...), "--", "-D", "warnings")...)
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			out := cargo(t, ws, target, "test", "-p", names[kind])
			passed := 0
			for _, m := range regexp.MustCompile(`test result: ok\. (\d+) passed; 0 failed`).FindAllStringSubmatch(out, -1) {
				n, _ := strconv.Atoi(m[1])
				passed += n
			}
			// Config unit tests and kit tests of the component.
			if passed < 5 {
				t.Errorf("cargo test -p %s ran %d tests; want at least 5:\n%s", names[kind], passed, out)
			}
			t.Logf("cargo test -p %s: %d tests passed", names[kind], passed)
		})
	}
}

// cargo runs cargo with args in dir, with CARGO_TARGET_DIR=target, and returns its combined
// output; it fails the test unless cargo succeeds within 10 minutes.
func cargo(t *testing.T, dir, target string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "cargo", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CARGO_TARGET_DIR="+target, "CARGO_TERM_COLOR=never")
	began := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cargo %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("cargo %s: %v", strings.Join(args, " "), time.Since(began).Round(time.Millisecond))
	return string(out)
}

// fakeCheckout makes dir look like an otelbridge checkout: rust/otelbridge/Cargo.toml of the
// package otelbridge.
func fakeCheckout(t *testing.T, dir string) string {
	t.Helper()
	writeFile(t, filepath.Join(dir, "rust", "otelbridge", "Cargo.toml"), "[package]\nname = \"otelbridge\"\nversion = \"0.1.0\"\n")
	return dir
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
