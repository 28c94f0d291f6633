package main

import (
	"bytes"
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
