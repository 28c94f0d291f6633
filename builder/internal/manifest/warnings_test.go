package manifest

import (
	"reflect"
	"testing"
)

func TestLoadWarnsOfUnknownKeys(t *testing.T) {
	for _, tc := range []struct {
		name, manifest string
		want           []string
	}{
		{"top level", "colour: red", []string{`unknown key "colour" (ignored)`}},
		{"dist", "dist: {name: x, colour: red}", []string{`unknown key "dist.colour" (ignored)`}},
		{"dist key removed from ocb", "dist: {otelcol_version: 0.100.0}", []string{`unknown key "dist.otelcol_version" (ignored)`}},
		{"module entry", "processors: [{gomod: a v1}, {gomod: b v1, gomodd: c}]", []string{`unknown key "processors[1].gomodd" (ignored)`}},
		{"cargo module entry", `connectors: [{cargo: c = "1", crate: c}]`, []string{`unknown key "connectors[0].crate" (ignored)`}},
		{"provider entry", "providers: [{gomod: p v1, version: 2}]", []string{`unknown key "providers[0].version" (ignored)`}},
		{"telemetry", "telemetry: {gomod: t v1, flavour: x}", []string{`unknown key "telemetry.flavour" (ignored)`}},
		{"conf_resolver", "conf_resolver: {default_scheme: env}", []string{`unknown key "conf_resolver.default_scheme" (ignored)`}},
		{"rust", "rust: {linkage: static}", []string{`unknown key "rust.linkage" (ignored)`}},
		{"a second spelling of a key, which ocb ignores", "dist: {name: a}\nDist: {name: b}", []string{`unknown key "Dist" (ignored)`}},
		{"several, sorted", "zz: 1\ndist: {b: 1, a: 1}", []string{
			`unknown key "dist.a" (ignored)`, `unknown key "dist.b" (ignored)`, `unknown key "zz" (ignored)`,
		}},
		{"upstream keys a cargo module has no use for", `receivers: [{cargo: r = "1", path: ./r, import: x/r}]`, []string{
			`key "receivers[0].path" is ignored for a cargo module (give a path in the cargo line)`,
			`key "receivers[0].import" is ignored for a cargo module (its Go package is generated)`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if m := load(t, tc.manifest); !reflect.DeepEqual(m.Warnings, tc.want) {
				t.Errorf("warnings:\n got %q\nwant %q", m.Warnings, tc.want)
			}
		})
	}
}
