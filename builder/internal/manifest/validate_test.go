package manifest

import (
	"reflect"
	"strings"
	"testing"
)

func TestLoadRejects(t *testing.T) {
	for _, tc := range []struct {
		name, manifest string
		want           []string
	}{
		{"both gomod and cargo",
			`processors: [{gomod: a v1}, {gomod: b v1}, {gomod: c v1, cargo: c = "1"}]`,
			[]string{"processor module at index 2: has both gomod and cargo; use one"}},
		{"neither gomod nor cargo",
			`exporters: [{name: x}]`,
			[]string{"exporter module at index 0: missing gomod or cargo specification"}},
		{"cargo in providers",
			`providers: [{gomod: p v1}, {cargo: p = "1"}]`,
			[]string{"provider module at index 1: cargo is not supported for providers; use gomod"}},
		{"cargo in converters",
			`converters: [{gomod: c v1, cargo: c = "1"}]`,
			[]string{"converter module at index 0: cargo is not supported for converters; use gomod"}},
		{"cargo in telemetry",
			`telemetry: {cargo: t = "1"}`,
			[]string{"telemetry module: cargo is not supported for telemetry; use gomod"}},
		{"provider past ocb's five defaults without gomod, as ocb",
			`providers: [{gomod: a v1}, {gomod: a v1}, {gomod: a v1}, {gomod: a v1}, {gomod: a v1}, {name: x}]`,
			[]string{"provider module at index 5: missing gomod specification for module"}},
		{"converter without gomod, as ocb",
			`converters: [{name: x}]`,
			[]string{"converter module at index 0: missing gomod specification for module"}},
		{"telemetry without gomod, as ocb",
			`telemetry: {import: x}`,
			[]string{"telemetry module: missing gomod specification for module"}},
		{"cargo line that does not parse",
			`receivers: [{cargo: "a = "}]`,
			[]string{`receiver module at index 0: cargo line "a = " does not parse as TOML: toml: expected value, not end of input`}},
		{"cargo line without a key",
			`receivers: [{cargo: "# nothing"}]`,
			[]string{`receiver module at index 0: cargo line "# nothing" must hold exactly one dependency, found none`}},
		{"cargo line with several keys",
			`extensions: [{cargo: "b = \"2\"\na = \"1\""}]`,
			[]string{`extension module at index 0: cargo line "b = \"2\"\na = \"1\"" must hold exactly one dependency, found 2 (a, b)`}},
		{"cargo line with one key over two lines",
			`extensions: [{cargo: "a.version = \"1\"\na.path = \"p\""}]`,
			[]string{`extension module at index 0: cargo line "a.version = \"1\"\na.path = \"p\"" must be one "name = ..." entry, found 2`}},
		{"cargo line with a table header",
			`connectors: [{cargo: "[dependencies]"}]`,
			[]string{`connector module at index 0: cargo line "[dependencies]" must be one "name = ..." dependency, not a table header`}},
		{"cargo value neither string nor table",
			`processors: [{cargo: "a = 1"}, {cargo: "b = [\"1\"]"}]`,
			[]string{
				`processor module at index 0: cargo line "a = 1": dependency "a" must be a version string or an inline table, got an integer`,
				`processor module at index 1: cargo line "b = [\"1\"]": dependency "b" must be a version string or an inline table, got an array`,
			}},
		{"two cargo modules with one dependency key",
			"receivers: [{cargo: x = \"1\"}]\nexporters: [{gomod: e v1}, {cargo: 'x = { path = \"p\" }'}]",
			[]string{`receiver module at index 0 and exporter module at index 1: both use cargo dependency "x"; use one`}},
		{"rust.link neither static, shared, embedded nor beside",
			`rust: {link: dynamic}`,
			[]string{`rust.link: must be "static" or "shared" with rust.mode cgo, "embedded" or "shared" with dlopen, "embedded" or "beside" with subprocess; got "dynamic"`}},
		{"rust.profile given empty",
			`rust: {profile: ""}`,
			[]string{"rust.profile: must not be empty"}},
		{"rust.profile with a character cargo rejects",
			`rust: {profile: a.b}`,
			[]string{`rust.profile: invalid character '.' in "a.b"; cargo allows letters, numbers, "_" and "-"`}},
		{"rust.profile cargo reserves",
			`rust: {profile: Debug}`,
			[]string{`rust.profile: "Debug" is a profile name cargo reserves`}},
		{"rust.features with an empty entry",
			`rust: {features: [a/b, " "]}`,
			[]string{"rust.features[1]: must not be empty"}},
		{"rust.patches line that does not parse",
			`rust: {patches: {crates-io: ["x = "]}}`,
			[]string{`rust.patches["crates-io"][0]: cargo line "x = " does not parse as TOML: toml: expected value, not end of input`}},
		{"rust.patches patching one dependency twice",
			`rust: {patches: {crates-io: ["x = '1'", "y = '1'", "x = '2'"]}}`,
			[]string{`rust.patches["crates-io"][0] and [2]: both patch dependency "x"; use one`}},
		{"a value of the wrong type, as ocb",
			`dist: {cgo_enabled: maybe}`,
			[]string{`'dist.cgo_enabled' cannot parse value as 'bool': strconv.ParseBool: invalid syntax`}},
		{"a module entry that is not a mapping, reported once",
			`receivers: [foo, {gomod: [a]}]`,
			[]string{
				`'receivers[0]' expected a map or struct, got "string"`,
				`'receivers[1].gomod' expected type 'string', got unconvertible type '[]interface {}'`,
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(write(t, tc.manifest))
			if err == nil {
				t.Fatal("no error")
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("errors:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestLoadReportsEveryProblemTogether(t *testing.T) {
	_, err := Load(write(t, `
receivers: [{name: r}]
processors: [{gomod: p v1, cargo: p = "1"}]
providers: [{cargo: x = "1"}]
rust: {link: dynamic, profile: ""}
`))
	want := []string{
		"receiver module at index 0: missing gomod or cargo specification",
		"processor module at index 0: has both gomod and cargo; use one",
		"provider module at index 0: cargo is not supported for providers; use gomod",
		`rust.link: must be "static" or "shared" with rust.mode cgo, "embedded" or "shared" with dlopen, "embedded" or "beside" with subprocess; got "dynamic"`,
		"rust.profile: must not be empty",
	}
	if err == nil || !reflect.DeepEqual(strings.Split(err.Error(), "\n"), want) {
		t.Errorf("errors:\n got %v\nwant %q", err, want)
	}
}
