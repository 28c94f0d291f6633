package manifest

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// Whether a test's machine has a C compiler: the lookup is a stand-in, so that no test depends
// on the PATH it runs with.
const (
	withCC    = true
	withoutCC = false
)

// fakeCC is the C compiler lookup of a machine with or without one.
func fakeCC(present bool) CCompiler {
	return func() (string, error) {
		if present {
			return "/usr/bin/cc", nil
		}
		return "", errors.New("CC is not set and cc is not on PATH")
	}
}

// loadCC loads a manifest that must be valid, on a machine with or without a C compiler.
func loadCC(t *testing.T, content string, cc bool) *Manifest {
	t.Helper()
	m, err := loadWith(write(t, content), fakeCC(cc))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return m
}

// Every rust.mode, with and without rust.link and dist.cgo_enabled, and auto with and without a
// C compiler, resolves to one mode and link, and says why.
func TestLoadResolvesModeAndLink(t *testing.T) {
	const (
		notEnabled = "auto: dist.cgo_enabled is not true"
		enabled    = "auto: dist.cgo_enabled is true and the C compiler is /usr/bin/cc"
		noCC       = "auto: dist.cgo_enabled is true, but there is no C compiler: CC is not set and cc is not on PATH"
	)
	for _, tc := range []struct {
		manifest string
		cc       bool
		mode     Mode
		link     Link
		reason   string
	}{
		{"rust: {}", withCC, ModeDlopen, LinkEmbedded, notEnabled},
		{"dist: {cgo_enabled: false}", withCC, ModeDlopen, LinkEmbedded, notEnabled},
		{"dist: {cgo_enabled: true}", withCC, ModeCgo, LinkStatic, enabled},
		{"dist: {cgo_enabled: true}", withoutCC, ModeDlopen, LinkEmbedded, noCC},
		{"dist: {cgo_enabled: 'true'}\nrust: {mode: auto}", withCC, ModeCgo, LinkStatic, enabled},
		{"rust: {link: shared}", withCC, ModeDlopen, LinkShared, notEnabled},
		{"rust: {link: embedded}", withCC, ModeDlopen, LinkEmbedded, notEnabled},
		{"dist: {cgo_enabled: true}\nrust: {link: shared}", withCC, ModeCgo, LinkShared, enabled},
		{"dist: {cgo_enabled: true}\nrust: {link: static}", withCC, ModeCgo, LinkStatic, enabled},
		{"dist: {cgo_enabled: true}\nrust: {link: shared}", withoutCC, ModeDlopen, LinkShared, noCC},
		{"rust: {mode: cgo}", withoutCC, ModeCgo, LinkStatic, "rust.mode: cgo"}, // asked for: no lookup
		{"dist: {cgo_enabled: true}\nrust: {mode: cgo, link: shared}", withCC, ModeCgo, LinkShared, "rust.mode: cgo"},
		{"rust: {mode: cgo, link: static}", withCC, ModeCgo, LinkStatic, "rust.mode: cgo"},
		{"rust: {mode: dlopen}", withCC, ModeDlopen, LinkEmbedded, "rust.mode: dlopen"},
		{"dist: {cgo_enabled: false}\nrust: {mode: dlopen, link: shared}", withCC, ModeDlopen, LinkShared, "rust.mode: dlopen"},
		{"rust: {mode: dlopen, link: embedded}", withCC, ModeDlopen, LinkEmbedded, "rust.mode: dlopen"},
		// subprocess: only when asked for, embedded by default, without cgo.
		{"rust: {mode: subprocess}", withCC, ModeSubprocess, LinkEmbedded, "rust.mode: subprocess"},
		{"rust: {mode: subprocess}", withoutCC, ModeSubprocess, LinkEmbedded, "rust.mode: subprocess"},
		{"rust: {mode: subprocess, link: embedded}", withCC, ModeSubprocess, LinkEmbedded, "rust.mode: subprocess"},
		{"dist: {cgo_enabled: false}\nrust: {mode: subprocess, link: beside}", withCC, ModeSubprocess, LinkBeside, "rust.mode: subprocess"},
		{"dist: {cgo_enabled: 'false', build_tags: 'netgo otelbridge_subprocess'}\nrust: {mode: subprocess}", withCC, ModeSubprocess, LinkEmbedded, "rust.mode: subprocess"},
	} {
		name := strings.ReplaceAll(tc.manifest, "\n", " ")
		if !tc.cc {
			name += " (no C compiler)"
		}
		t.Run(name, func(t *testing.T) {
			m := loadCC(t, tc.manifest, tc.cc)
			if m.Rust.Mode != tc.mode || m.Rust.Link != tc.link || m.Rust.ModeReason != tc.reason {
				t.Errorf("mode %s, link %s (%s); want %s, %s (%s)", m.Rust.Mode, m.Rust.Link, m.Rust.ModeReason, tc.mode, tc.link, tc.reason)
			}
		})
	}
}

// A mode that is not available, a mode dist.cgo_enabled contradicts and a link the mode does not
// take are refused, naming the keys and saying what to do.
func TestLoadRejectsModeAndLink(t *testing.T) {
	for _, tc := range []struct {
		name, manifest string
		cc             bool
		want           []string
	}{
		{"an unknown mode",
			"rust: {mode: wasm}", withCC,
			[]string{`rust.mode: must be "auto", "cgo", "dlopen" or "subprocess", got "wasm"`}},
		{"cgo with dist.cgo_enabled false",
			"dist: {cgo_enabled: false}\nrust: {mode: cgo}", withCC,
			[]string{"rust.mode: cgo needs cgo, but dist.cgo_enabled is false; set dist.cgo_enabled: true (or remove it), or use rust.mode: dlopen to build without cgo"}},
		{"dlopen with dist.cgo_enabled true",
			"dist: {cgo_enabled: true}\nrust: {mode: dlopen}", withCC,
			[]string{"rust.mode: dlopen builds without cgo, but dist.cgo_enabled is true; remove dist.cgo_enabled (or set it false), or use rust.mode: cgo"}},
		{"an unknown link",
			"rust: {link: dynamic}", withCC,
			[]string{`rust.link: must be "static" or "shared" with rust.mode cgo, "embedded" or "shared" with dlopen, "embedded" or "beside" with subprocess; got "dynamic"`}},
		{"an unknown link with subprocess",
			"rust: {mode: subprocess, link: memory}", withCC,
			[]string{`rust.link: must be "static" or "shared" with rust.mode cgo, "embedded" or "shared" with dlopen, "embedded" or "beside" with subprocess; got "memory"`}},
		{"subprocess with dist.cgo_enabled true",
			"dist: {cgo_enabled: true}\nrust: {mode: subprocess}", withCC,
			[]string{"rust.mode: subprocess builds without cgo, but dist.cgo_enabled is true; remove dist.cgo_enabled (or set it false), or use rust.mode: cgo to run the Rust components in-process"}},
		{"static with subprocess",
			"rust: {mode: subprocess, link: static}", withCC,
			[]string{"rust.link: static links the library into the binary with cgo, but rust.mode is subprocess, which runs the Rust components in a host program of their own; use rust.link: embedded (the host program inside the binary) or beside (a file beside it)"}},
		{"shared with subprocess",
			"rust: {mode: subprocess, link: shared}", withCC,
			[]string{"rust.link: shared ships the library beside the binary, but rust.mode is subprocess, which runs the Rust components in a host program of their own; use rust.link: beside (the host program beside the binary) or embedded (inside it)"}},
		{"beside with dlopen",
			"rust: {mode: dlopen, link: beside}", withCC,
			[]string{"rust.link: beside ships the host program of rust.mode subprocess beside the binary, but rust.mode is dlopen; use rust.link: shared (the library beside the binary), or rust.mode: subprocess"}},
		{"beside with auto, which never takes subprocess",
			"rust: {link: beside}", withCC,
			[]string{"rust.link: beside ships the host program of rust.mode subprocess beside the binary, but rust.mode auto took dlopen (dist.cgo_enabled is not true); use rust.link: shared (the library beside the binary), or rust.mode: subprocess"}},
		{"beside with cgo",
			"rust: {mode: cgo, link: beside}", withCC,
			[]string{"rust.link: beside ships the host program of rust.mode subprocess beside the binary, but rust.mode is cgo; use rust.link: shared (the library beside the binary), or rust.mode: subprocess"}},
		{"subprocess with dist.cgo_enabled true and a link it does not take, each named",
			"dist: {cgo_enabled: true}\nrust: {mode: subprocess, link: shared}", withCC,
			[]string{
				"rust.mode: subprocess builds without cgo, but dist.cgo_enabled is true; remove dist.cgo_enabled (or set it false), or use rust.mode: cgo to run the Rust components in-process",
				"rust.link: shared ships the library beside the binary, but rust.mode is subprocess, which runs the Rust components in a host program of their own; use rust.link: beside (the host program beside the binary) or embedded (inside it)",
			}},
		{"the subprocess tag with dlopen",
			"dist: {build_tags: 'netgo,otelbridge_subprocess'}\nprocessors: [{cargo: r = '1'}]\nrust: {mode: dlopen}", withCC,
			[]string{"dist.build_tags: otelbridge_subprocess selects the transport of rust.mode subprocess, but rust.mode is dlopen; remove the tag (the builder adds it in subprocess mode), or set rust.mode: subprocess"}},
		{"the subprocess tag with auto",
			"dist: {cgo_enabled: true, build_tags: otelbridge_subprocess}\nprocessors: [{cargo: r = '1'}]", withCC,
			[]string{"dist.build_tags: otelbridge_subprocess selects the transport of rust.mode subprocess, but rust.mode auto took cgo (dist.cgo_enabled is true and the C compiler is /usr/bin/cc); remove the tag (the builder adds it in subprocess mode), or set rust.mode: subprocess"}},
		{"static with dlopen",
			"rust: {mode: dlopen, link: static}", withCC,
			[]string{"rust.link: static links the library into the binary with cgo, but rust.mode is dlopen; use rust.link: embedded (the library inside the binary) or shared (beside it), or link it with rust.mode: cgo"}},
		{"static with auto, cgo not enabled",
			"rust: {link: static}", withCC,
			[]string{"rust.link: static links the library into the binary with cgo, but rust.mode auto took dlopen (dist.cgo_enabled is not true); use rust.link: embedded (the library inside the binary) or shared (beside it), or link it: set dist.cgo_enabled: true"}},
		{"static with auto, no C compiler",
			"dist: {cgo_enabled: true}\nrust: {link: static}", withoutCC,
			[]string{"rust.link: static links the library into the binary with cgo, but rust.mode auto took dlopen (dist.cgo_enabled is true, but there is no C compiler: CC is not set and cc is not on PATH); use rust.link: embedded (the library inside the binary) or shared (beside it), or link it: install a C compiler, or set CC to one"}},
		{"embedded with cgo",
			"rust: {mode: cgo, link: embedded}", withCC,
			[]string{"rust.link: embedded loads the library from memory without cgo, but rust.mode is cgo; use rust.link: static or shared, or build without cgo: rust.mode: dlopen"}},
		{"embedded with auto, cgo enabled",
			"dist: {cgo_enabled: true}\nrust: {link: embedded}", withCC,
			[]string{"rust.link: embedded loads the library from memory without cgo, but rust.mode auto took cgo (dist.cgo_enabled is true and the C compiler is /usr/bin/cc); use rust.link: static or shared, or build without cgo: remove dist.cgo_enabled"}},
		{"both keys wrong, each named",
			"dist: {cgo_enabled: false}\nrust: {mode: cgo, link: embedded}", withCC,
			[]string{
				"rust.mode: cgo needs cgo, but dist.cgo_enabled is false; set dist.cgo_enabled: true (or remove it), or use rust.mode: dlopen to build without cgo",
				"rust.link: embedded loads the library from memory without cgo, but rust.mode is cgo; use rust.link: static or shared, or build without cgo: rust.mode: dlopen",
			}},
		{"dist.cgo_enabled that does not decode, reported once",
			"dist: {cgo_enabled: maybe}\nrust: {mode: cgo, link: embedded}", withCC,
			[]string{`'dist.cgo_enabled' cannot parse value as 'bool': strconv.ParseBool: invalid syntax`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadWith(write(t, tc.manifest), fakeCC(tc.cc))
			if err == nil {
				t.Fatal("no error")
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("errors:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// The manifest ocb builds enables cgo exactly when the resolved mode is cgo: auto's choice wins
// over the dist.cgo_enabled it was given when there is no C compiler.
func TestDeriveEnablesCgoExactlyForModeCgo(t *testing.T) {
	for _, tc := range []struct {
		manifest string
		cc       bool
		want     bool
	}{
		{"processors: [{cargo: r = '1'}]", withCC, false},
		{"dist: {cgo_enabled: false}\nprocessors: [{cargo: r = '1'}]", withCC, false},
		{"dist: {cgo_enabled: true}\nprocessors: [{cargo: r = '1'}]", withCC, true},
		{"dist: {cgo_enabled: true}\nprocessors: [{cargo: r = '1'}]", withoutCC, false},
		{"processors: [{cargo: r = '1'}]\nrust: {mode: cgo}", withoutCC, true},
		{"processors: [{cargo: r = '1'}]\nrust: {mode: dlopen, link: shared}", withCC, false},
		{"processors: [{cargo: r = '1'}]\nrust: {mode: subprocess}", withCC, false},
		{"dist: {cgo_enabled: false}\nprocessors: [{cargo: r = '1'}]\nrust: {mode: subprocess, link: beside}", withCC, false},
	} {
		m := loadCC(t, tc.manifest, tc.cc)
		got := derive(t, m, map[int]GoModule{0: {GoMod: "r v0"}}, nil, nil)
		if enabled := got["dist"].(map[string]any)["cgo_enabled"]; enabled != tc.want {
			t.Errorf("%s (mode %s): derived dist.cgo_enabled %v, want %v", tc.manifest, m.Rust.Mode, enabled, tc.want)
		}
	}
}

// In subprocess mode the manifest ocb builds has the build tag otelbridge_subprocess, after the
// manifest's own tags (read as the go command reads -tags, written as one comma-separated list,
// the tag not repeated); other modes pass dist.build_tags on as they are.
func TestDeriveAddsTheSubprocessBuildTag(t *testing.T) {
	for _, tc := range []struct {
		manifest string
		want     any // nil: no build_tags
	}{
		{"processors: [{cargo: r = '1'}]\nrust: {mode: subprocess}", "otelbridge_subprocess"},
		{"dist: {build_tags: netgo}\nprocessors: [{cargo: r = '1'}]\nrust: {mode: subprocess, link: beside}", "netgo,otelbridge_subprocess"},
		{"dist: {build_tags: 'netgo,osusergo'}\nprocessors: [{cargo: r = '1'}]\nrust: {mode: subprocess}", "netgo,osusergo,otelbridge_subprocess"},
		{"dist: {build_tags: 'netgo osusergo'}\nprocessors: [{cargo: r = '1'}]\nrust: {mode: subprocess}", "netgo,osusergo,otelbridge_subprocess"},
		{"dist: {Build_Tags: 'otelbridge_subprocess netgo'}\nprocessors: [{cargo: r = '1'}]\nrust: {mode: subprocess}", "otelbridge_subprocess,netgo"},
		{"dist: {build_tags: 'netgo osusergo'}\nprocessors: [{cargo: r = '1'}]\nrust: {mode: dlopen}", "netgo osusergo"},
		{"processors: [{cargo: r = '1'}]\nrust: {mode: cgo}", nil},
	} {
		m := loadCC(t, tc.manifest, withCC)
		got := derive(t, m, map[int]GoModule{0: {GoMod: "r v0"}}, nil, nil)
		dist := got["dist"].(map[string]any)
		if tags := dist["build_tags"]; tags != tc.want {
			t.Errorf("%s: derived dist.build_tags %#v, want %#v", tc.manifest, tags, tc.want)
		}
		if _, ok := dist["Build_Tags"]; ok {
			t.Errorf("%s: the manifest's own spelling of build_tags is still there beside the derived one", tc.manifest)
		}
	}
}

// The C compiler is $CC's first word when CC is set (as the go command reads it), found on PATH
// or by its path.
func TestFindCCompilerReadsCC(t *testing.T) {
	t.Setenv("CC", "/bin/sh -x")
	if path, err := FindCCompiler(); err != nil || path != "/bin/sh" {
		t.Errorf("CC=/bin/sh -x: %q, %v; want /bin/sh", path, err)
	}
	t.Setenv("CC", "/nonexistent/otelbridge-cc")
	if _, err := FindCCompiler(); err == nil || err.Error() != `CC is "/nonexistent/otelbridge-cc", which is not found` {
		t.Errorf("CC naming no file: %v", err)
	}
}
