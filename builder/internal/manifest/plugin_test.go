package manifest

import (
	"reflect"
	"strings"
	"testing"
)

// loadPlugin loads a plugin manifest that must be valid.
func loadPlugin(t *testing.T, content string) *Manifest {
	t.Helper()
	m, err := LoadPlugin(write(t, content))
	if err != nil {
		t.Fatalf("LoadPlugin: %v", err)
	}
	return m
}

func TestLoadPluginTakesCargoModulesAndTheRustSection(t *testing.T) {
	m := loadPlugin(t, `
dist: {name: otelbridge-plugin-redact, version: 1.2.0, output_path: /tmp/plugins}
processors: [{cargo: 'redact = { path = "redact" }'}]
connectors: [{cargo: spanstats = "0.2"}]
rust: {profile: dist-opt, features: [redact/simd]}
`)
	if !m.Plugin || m.Name != "otelbridge-plugin-redact" || m.Version != "1.2.0" || m.OutputPath != "/tmp/plugins" {
		t.Errorf("manifest %+v", m)
	}
	if m.PluginFile() != "otelbridge-plugin-redact.so" {
		t.Errorf("PluginFile %q", m.PluginFile())
	}
	if len(m.CargoModules()) != 2 || len(m.Warnings) > 0 {
		t.Errorf("cargo modules %+v, warnings %q", m.CargoModules(), m.Warnings)
	}
	// No Go side: neither mode nor link is chosen.
	if m.Rust.Mode != "" || m.Rust.Link != "" || m.Rust.Profile != "dist-opt" {
		t.Errorf("Rust %+v", m.Rust)
	}
	if m := loadPlugin(t, "dist: {name: x.so}\nreceivers: [{cargo: r = '1'}]"); m.PluginFile() != "x.so" {
		t.Errorf("dist.name x.so: PluginFile %q", m.PluginFile())
	}
}

func TestLoadPluginWarnsOfTheGoBuildsDistKeys(t *testing.T) {
	m := loadPlugin(t, "dist: {name: p, module: example.com/p, cgo_enabled: true, build_tags: x}\nprocessors: [{cargo: p = '1'}]")
	want := []string{
		`key "dist.build_tags" is ignored for a plugin, which has no Go side`,
		`key "dist.cgo_enabled" is ignored for a plugin, which has no Go side`,
		`key "dist.module" is ignored for a plugin, which has no Go side`,
	}
	if !reflect.DeepEqual(m.Warnings, want) {
		t.Errorf("warnings\n got %q\nwant %q", m.Warnings, want)
	}
}

func TestLoadPluginRejects(t *testing.T) {
	const named = "dist: {name: p}\n"
	for _, tc := range []struct {
		name, manifest string
		want           []string
	}{
		{"a gomod module, named",
			named + "processors: [{cargo: p = '1'}, {gomod: go.opentelemetry.io/collector/processor/batchprocessor v0.165.0}]",
			[]string{"processor module at index 1: gomod go.opentelemetry.io/collector/processor/batchprocessor v0.165.0 cannot be in a plugin, which holds Rust components only (cargo:); build Go components into the collector"}},
		{"a module with both gomod and cargo",
			named + "exporters: [{gomod: e v1, cargo: e = '1'}]",
			[]string{"exporter module at index 0: gomod e v1 cannot be in a plugin, which holds Rust components only (cargo:); build Go components into the collector"}},
		{"no cargo module",
			named,
			[]string{"a plugin needs at least one cargo module, under receivers, processors, exporters, extensions or connectors"}},
		{"gomod modules only",
			named + "receivers: [{gomod: r v1}]",
			[]string{
				"receiver module at index 0: gomod r v1 cannot be in a plugin, which holds Rust components only (cargo:); build Go components into the collector",
				"a plugin needs at least one cargo module, under receivers, processors, exporters, extensions or connectors",
			}},
		{"an entry with neither",
			named + "receivers: [{cargo: r = '1'}, {name: x}]",
			[]string{"receiver module at index 1: missing cargo specification"}},
		{"the Go-only lists",
			named + "receivers: [{cargo: r = '1'}]\nproviders: [{gomod: p v1}]\nConverters: [{gomod: c v1}]\ntelemetry: {gomod: t v1}\nreplaces: [a => b]\nexcludes: [c v1]\nconf_resolver: {default_uri_scheme: env}",
			[]string{
				"providers: a plugin has no Go side; remove it",
				"converters: a plugin has no Go side; remove it",
				"telemetry: a plugin has no Go side; remove it",
				"replaces: a plugin has no Go side; remove it",
				"excludes: a plugin has no Go side; remove it",
				"conf_resolver: a plugin has no Go side; remove it",
			}},
		{"rust.mode and rust.link",
			named + "receivers: [{cargo: r = '1'}]\nrust: {mode: dlopen, link: shared}",
			[]string{
				"rust.mode: a plugin is always a shared library that the collector naming it loads; remove rust.mode",
				"rust.link: a plugin is always a shared library, a file of its own; remove rust.link",
			}},
		{"no dist.name",
			"dist: {output_path: /tmp/x}\nreceivers: [{cargo: r = '1'}]",
			[]string{"dist.name: a plugin needs a name, which names its file (dist.name: otelbridge-plugin-redact builds otelbridge-plugin-redact.so)"}},
		{"a dist.name with a directory",
			"dist: {name: ../p}\nreceivers: [{cargo: r = '1'}]",
			[]string{`dist.name: "../p" is not a plugin name: a letter or digit, then letters, digits, ".", "_", "-" or "+" (at most 200), which names the file <name>.so`}},
		{"a dist.name too long",
			"dist: {name: " + strings.Repeat("p", 201) + "}\nreceivers: [{cargo: r = '1'}]",
			[]string{`dist.name: "` + strings.Repeat("p", 201) + `" is not a plugin name: a letter or digit, then letters, digits, ".", "_", "-" or "+" (at most 200), which names the file <name>.so`}},
		{"the rust section's own checks",
			named + "receivers: [{cargo: r = '1'}]\nrust: {profile: ''}",
			[]string{"rust.profile: must not be empty"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadPlugin(write(t, tc.manifest))
			if err == nil {
				t.Fatal("no error")
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("errors:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// A manifest that builds a collector is not a plugin's, and a plugin's is not a collector's.
func TestLoadAndLoadPluginDiffer(t *testing.T) {
	const collector = "dist: {name: c}\nprocessors: [{gomod: p v1}, {cargo: r = '1'}]"
	if _, err := Load(write(t, collector)); err != nil {
		t.Errorf("Load: %v", err)
	}
	if _, err := LoadPlugin(write(t, collector)); err == nil {
		t.Error("LoadPlugin accepts a gomod module")
	}
	m := load(t, "dist: {name: c}\nprocessors: [{cargo: r = '1'}]")
	if m.Plugin || m.Rust.Mode != ModeDlopen {
		t.Errorf("Load: Plugin %v, mode %q", m.Plugin, m.Rust.Mode)
	}
}
