package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otelbridge/otelbridge/builder/internal/release"
)

// The Makefile reads the window from `otelbridge-builder releases`: "oldest newest" on one line;
// --all gives a line per release, its v0 and v1 versions.
func TestReleasesPrintsTheWindow(t *testing.T) {
	var out bytes.Buffer
	if code := releases(nil, &out); code != 0 || out.String() != release.Oldest.V0()+" "+release.Newest.V0()+"\n" {
		t.Errorf("releases: %d, %q", code, out.String())
	}
	out.Reset()
	if code := releases([]string{"--all"}, &out); code != 0 {
		t.Fatalf("releases --all: %d", code)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(release.Window()) || lines[0] != release.Oldest.V0()+" "+release.Oldest.V1() || lines[len(lines)-1] != release.Newest.V0()+" "+release.Newest.V1() {
		t.Errorf("releases --all: %q", out.String())
	}
}

// `new <kind> <name>` writes the crate and prints the files, the otelbridge dependency, how to
// test it and the manifest lines; flags may come anywhere. Wrong arguments are usage errors
// (exit 2) naming the argument; a directory in the way is an error (exit 1) that writes nothing.
func TestNewCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tagger")
	var stdout, stderr bytes.Buffer
	if code := newCommand([]string{"--sdk", "version=0.1", "processor", "tagger", "--dir", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("new: exit %d\n%s", code, stderr.String())
	}
	for _, want := range []string{
		`Wrote the processor "tagger", crate tagger, in ` + dir + ":\n",
		"  " + filepath.Join(dir, "Cargo.toml") + "\n",
		"  " + filepath.Join(dir, "src", "processor.rs") + "\n",
		"  " + filepath.Join(dir, "tests", "tagger.rs") + "\n",
		"otelbridge = \"0.1\"\n  (--sdk version: the published SDK, from crates.io)\n",
		"Test it:\n  cd " + dir + " && cargo test\n",
		"  processors:\n    - cargo: tagger = { path = \"" + filepath.ToSlash(dir) + "\" }\n",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "src", "lib.rs")); err != nil {
		t.Error(err)
	}

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"processor"}, 2, "want two arguments, <kind> and <name>; got 1"},
		{[]string{"processors", "tagger"}, 2, `invalid <kind> "processors": want one of processor, exporter, receiver, connector, extension`},
		{[]string{"exporter", "otlp-http"}, 2, `invalid <name> "otlp-http": a component type must start with an ASCII letter and contain only ASCII letters, digits and '_'`},
		{[]string{"exporter", "tally", "--sdk", "1.0"}, 2, `invalid --sdk "1.0"`},
		{[]string{"exporter", "tally", "--dir", dir}, 1, "exists and is not empty: nothing was written"},
	} {
		stdout.Reset()
		stderr.Reset()
		if code := newCommand(tt.args, &stdout, &stderr); code != tt.code || !strings.Contains(stderr.String(), tt.want) || stdout.Len() > 0 {
			t.Errorf("new %v: exit %d (want %d), stdout %q, stderr:\n%s\nwant %q", tt.args, code, tt.code, stdout.String(), stderr.String(), tt.want)
		}
	}
}
