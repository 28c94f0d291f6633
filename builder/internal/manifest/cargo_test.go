package manifest

import (
	"path/filepath"
	"testing"
)

func TestCargoDependencyParsesTheLine(t *testing.T) {
	dir := filepath.FromSlash("/src/dist")
	for _, tc := range []struct {
		name, line string
		want       CargoDependency
	}{
		{"version string", `myexporter = "1.2"`,
			CargoDependency{Key: "myexporter", Line: `myexporter = "1.2"`}},
		{"relative path made absolute against the manifest directory", `redact = { path = "../examples/redact" }`,
			CargoDependency{Key: "redact", Line: `redact = { path = "/src/examples/redact" }`}},
		{"absolute path unchanged", `redact = { path = "/opt/redact", version = "0.1" }`,
			CargoDependency{Key: "redact", Line: `redact = { path = "/opt/redact", version = "0.1" }`}},
		{"table without path unchanged", `x = { version = "1", features = ["tls"] }`,
			CargoDependency{Key: "x", Line: `x = { version = "1", features = ["tls"] }`}},
		{"dotted key path", `redact.path = 'r'`,
			CargoDependency{Key: "redact", Line: `redact.path = "/src/dist/r"`}},
		{"package rename", `foo = { package = "bar-baz", path = "bar" }`,
			CargoDependency{Key: "foo", Line: `foo = { package = "bar-baz", path = "/src/dist/bar" }`, Package: "bar-baz"}},
		{"quoted key", `"my-dep" = "2"`,
			CargoDependency{Key: "my-dep", Line: `"my-dep" = "2"`}},
		{"path needing escapes", `q = { path = 'a"b\c' }`,
			CargoDependency{Key: "q", Line: `q = { path = "/src/dist/a\"b\\c" }`}},
		{"blanks trimmed, comment kept", "  x = \"1\" # pinned\n",
			CargoDependency{Key: "x", Line: `x = "1" # pinned`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Module{Kind: Receivers, Cargo: tc.line}.CargoDependency(dir)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestCargoDependencyErrorsNameTheModule(t *testing.T) {
	for line, want := range map[string]string{
		"":                               "processor module at index 2: no cargo specification",
		`x = { package = 1 }`:            `processor module at index 2: cargo line "x = { package = 1 }": "package" must be a string, got an integer`,
		`x = { path = ["a"] }`:           `processor module at index 2: cargo line "x = { path = [\"a\"] }": "path" must be a string, got an array`,
		`x = true`:                       `processor module at index 2: cargo line "x = true": dependency "x" must be a version string or an inline table, got a boolean`,
		`x = { path = "a", path = "b" }`: `processor module at index 2: cargo line "x = { path = \"a\", path = \"b\" }" does not parse as TOML: toml: key path is already defined`,
	} {
		_, err := Module{Kind: Processors, Index: 2, Cargo: line}.CargoDependency("/m")
		if err == nil || err.Error() != want {
			t.Errorf("%q: error %v\nwant %s", line, err, want)
		}
	}
}

func TestLoadedCargoPathsResolveAgainstTheManifestDirectory(t *testing.T) {
	m := load(t, `processors: [{cargo: 'redact = { path = "../examples/redact" }'}]`)
	dir := filepath.Dir(m.File)
	dep, err := m.Modules[0].CargoDependency(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := `redact = { path = "` + filepath.Join(filepath.Dir(dir), "examples", "redact") + `" }`; dep.Line != want {
		t.Errorf("Line %s, want %s", dep.Line, want)
	}
}
