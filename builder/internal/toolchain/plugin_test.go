package toolchain

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseRegistry(t *testing.T) {
	got, err := parseRegistry("abi\t65542\nredact\t2\t7\t3\t0\nspanstats\t5\t1\t4\t2\nheartbeat\t4\t0\t5\t0\n")
	if err != nil {
		t.Fatal(err)
	}
	want := Registry{ABIMajor: 1, ABIMinor: 6, Components: []Component{
		{Type: "redact", Kind: "processor", Signals: 7, Stability: 3},
		{Type: "spanstats", Kind: "connector", Signals: 1, SignalsOut: 2, Stability: 4},
		{Type: "heartbeat", Kind: "extension", Stability: 5},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	for _, bad := range []string{
		"redact\t2\t7\t3\t0\n",          // no ABI line
		"abi\tx\n",                      // not a number
		"abi\t65542\nredact\t2\t7\t3\n", // four fields: an older reader's line
		"abi\t65542\nredact\t2\t7\tx\t0\n",
	} {
		if _, err := parseRegistry(bad); err == nil {
			t.Errorf("parseRegistry(%q): no error", bad)
		}
	}
}

func TestParseRustcVersion(t *testing.T) {
	const output = `rustc 1.95.0 (59807616e 2026-04-14)
binary: rustc
commit-hash: 59807616e1fa2540724bfbac14d7976d7e4a3860
commit-date: 2026-04-14
host: x86_64-unknown-linux-gnu
release: 1.95.0
LLVM version: 22.1.2
`
	got, err := parseRustcVersion(output)
	want := RustcVersion{Release: "1.95.0", CommitHash: "59807616e1fa2540724bfbac14d7976d7e4a3860", Host: "x86_64-unknown-linux-gnu"}
	if err != nil || got != want {
		t.Errorf("parseRustcVersion = %+v, %v; want %+v", got, err, want)
	}
	if _, err := parseRustcVersion("rustc 1.95.0\n"); err == nil {
		t.Error("no release or host: no error")
	}
}

func TestFindObjcopyNamesWhatIsMissing(t *testing.T) {
	t.Setenv("OBJCOPY", "no-such-objcopy")
	if _, err := FindObjcopy(); err == nil || !strings.Contains(err.Error(), `OBJCOPY is "no-such-objcopy", which is not found`) {
		t.Errorf("FindObjcopy = %v", err)
	}
	t.Setenv("OBJCOPY", "")
	t.Setenv("PATH", t.TempDir())
	if _, err := FindObjcopy(); err == nil || !strings.Contains(err.Error(), "objcopy is not on PATH") || !strings.Contains(err.Error(), "binutils") {
		t.Errorf("FindObjcopy = %v", err)
	}
	fake := filepath.Join(os.Getenv("PATH"), "objcopy")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if o, err := FindObjcopy(); err != nil || o.Path != fake {
		t.Errorf("FindObjcopy = %+v, %v; want %s", o, err, fake)
	}
}
