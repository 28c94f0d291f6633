package manifest

import (
	"strings"
	"testing"

	"github.com/otelbridge/otelbridge/builder/internal/release"
)

func TestReleaseComesFromTheCoreModules(t *testing.T) {
	for name, tt := range map[string]struct {
		content string
		want    release.Release
		named   bool
	}{
		"agreeing v0 and v1 entries": {`
receivers: [{gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v0.163.0}]
processors: [{gomod: go.opentelemetry.io/collector/processor/batchprocessor v0.163.0}, {cargo: redact = "1"}]
providers: [{gomod: go.opentelemetry.io/collector/confmap/provider/envprovider v1.69.0}]
`, 163, true},
		"v1 spelling only": {"processors: [{gomod: go.opentelemetry.io/collector/processor/memorylimiterprocessor v1.66.0}]\n", 160, true},
		"providers only":   {"providers: [{gomod: go.opentelemetry.io/collector/confmap/provider/fileprovider v1.71.0}]\n", 165, true},
		"converters and telemetry": {`
converters: [{gomod: go.opentelemetry.io/collector/confmap/converter/x v1.67.0}]
telemetry: {gomod: go.opentelemetry.io/collector/service v0.161.0}
`, 161, true},
		"a patch release is its minor's release": {"exporters: [{gomod: go.opentelemetry.io/collector/exporter/debugexporter v0.162.1}]\n", 162, true},
		"no core modules: the newest":            {"receivers: [{cargo: r = \"1\"}]\nexporters: [{gomod: example.com/e v1.2.0}]\n", release.Newest, false},
		"contrib modules are not read": {`
processors:
  - gomod: go.opentelemetry.io/collector/processor/batchprocessor v0.161.0
  - gomod: github.com/open-telemetry/opentelemetry-collector-contrib/processor/redactionprocessor v0.165.1
`, 161, true},
		"a provider without gomod takes ocb's default": {"providers: [{name: envp}]\n", release.Newest, false},
	} {
		t.Run(name, func(t *testing.T) {
			m := load(t, "dist: {output_path: /tmp/x}\n"+tt.content)
			if m.Release != tt.want || m.ReleaseNamed != tt.named {
				t.Errorf("Release %s (named %t), want %s (named %t)", m.Release, m.ReleaseNamed, tt.want, tt.named)
			}
		})
	}
}

func TestReleaseProblemsNameEachEntry(t *testing.T) {
	for name, tt := range map[string]struct {
		content string
		want    []string
	}{
		"disagreeing entries": {`
receivers: [{gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v0.165.0}]
processors:
  - cargo: redact = "1"
  - gomod: go.opentelemetry.io/collector/processor/batchprocessor v0.160.0
providers: [{gomod: go.opentelemetry.io/collector/confmap/provider/envprovider v1.71.0}]
`, []string{
			"the core collector modules name different releases; use one release for all of them:",
			"  receiver module at index 0 (gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v0.165.0): release v0.165.0/v1.71.0",
			"  provider module at index 0 (gomod: go.opentelemetry.io/collector/confmap/provider/envprovider v1.71.0): release v0.165.0/v1.71.0",
			"  processor module at index 1 (gomod: go.opentelemetry.io/collector/processor/batchprocessor v0.160.0): release v0.160.0/v1.66.0",
		}},
		"v1 disagreeing with v0": {`
processors: [{gomod: go.opentelemetry.io/collector/processor/batchprocessor v0.162.0}]
providers: [{gomod: go.opentelemetry.io/collector/confmap/provider/envprovider v1.66.0}]
`, []string{
			"  processor module at index 0 (gomod: go.opentelemetry.io/collector/processor/batchprocessor v0.162.0): release v0.162.0/v1.68.0",
			"  provider module at index 0 (gomod: go.opentelemetry.io/collector/confmap/provider/envprovider v1.66.0): release v0.160.0/v1.66.0",
		}},
		"older than the window": {`
exporters: [{gomod: go.opentelemetry.io/collector/exporter/debugexporter v0.159.0}]
providers: [{gomod: go.opentelemetry.io/collector/confmap/provider/envprovider v1.65.0}]
`, []string{
			"release v0.159.0/v1.65.0 is outside the supported window, v0.160.0 through v0.165.0:",
			"  exporter module at index 0 (gomod: go.opentelemetry.io/collector/exporter/debugexporter v0.159.0)",
			"  provider module at index 0 (gomod: go.opentelemetry.io/collector/confmap/provider/envprovider v1.65.0)",
		}},
		"newer than the window": {"extensions: [{gomod: go.opentelemetry.io/collector/extension/zpagesextension v0.166.0}]\n", []string{
			"release v0.166.0/v1.72.0 is outside the supported window, v0.160.0 through v0.165.0:",
			"  extension module at index 0 (gomod: go.opentelemetry.io/collector/extension/zpagesextension v0.166.0)",
		}},
		"a version that is no release": {"receivers: [{gomod: go.opentelemetry.io/collector/receiver/otlpreceiver latest}]\n", []string{
			`receiver module at index 0 (gomod: go.opentelemetry.io/collector/receiver/otlpreceiver latest): "latest" is not a module version: a collector module's version is v0.N.x or v1.M.x`,
		}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(write(t, "dist: {output_path: /tmp/x}\n"+tt.content))
			if err == nil {
				t.Fatal("Load succeeded; want an error")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error()+"\n", want+"\n") {
					t.Errorf("the error lacks the line %q:\n%v", want, err)
				}
			}
		})
	}
}
