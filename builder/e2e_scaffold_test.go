package main

import (
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.yaml.in/yaml/v3"
)

// A crate `otelbridge-builder new processor` writes builds into a collector as it is: the
// manifest line the command prints, in a manifest next to Go components, gives a collector whose
// `components` lists the new type, whose `validate` accepts a config using it and refuses one
// with a misspelt field, naming the field, and which passes spans on marked by the processor.
func TestScaffoldedProcessorBuildsIntoACollector(t *testing.T) {
	requireE2E(t)
	crate := filepath.Join(t.TempDir(), "scaffolded")
	scaffold := runTool(t, builderBinary, "new", "processor", "scaffolded", "--dir", crate)
	if scaffold.exitCode != 0 {
		t.Fatalf("otelbridge-builder new exited with %d:\n%s", scaffold.exitCode, scaffold.output())
	}
	t.Logf("otelbridge-builder new processor scaffolded --dir %s:\n%s", crate, scaffold.stdout)
	// The builder was built from this checkout (as `make builder` does): the crate depends on
	// its SDK.
	// The path is relative to the crate or absolute, whichever is shorter where the checkout lies.
	sdk := regexp.MustCompile(`(?m)^otelbridge = \{ path = "([^"]+)" \}$`).FindStringSubmatch(scaffold.stdout)
	if sdk == nil {
		t.Errorf("the output names no path dependency on the SDK:\n%s", scaffold.stdout)
	} else if dir := sdk[1]; !filepath.IsAbs(dir) && filepath.Join(crate, dir) != filepath.Join(repoRoot, "rust", "otelbridge") ||
		filepath.IsAbs(dir) && dir != filepath.Join(repoRoot, "rust", "otelbridge") {
		t.Errorf("the crate depends on the SDK at %q, not this checkout's %s", dir, filepath.Join(repoRoot, "rust", "otelbridge"))
	}
	m := regexp.MustCompile(`(?m)^  processors:\n    (- cargo: .+)$`).FindStringSubmatch(scaffold.stdout)
	if m == nil {
		t.Fatalf("the output has no processors entry to add to a manifest:\n%s", scaffold.stdout)
	}

	out := filepath.Join(t.TempDir(), "dist")
	manifest := `dist:
  name: otelcol-scaffolded
  output_path: ` + out + `
  cgo_enabled: true
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver ` + collectorV0 + `
processors:
  ` + m[1] + `
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/otlpexporter ` + collectorV0 + `
providers:
  - gomod: go.opentelemetry.io/collector/confmap/provider/envprovider ` + collectorV1 + `
  - gomod: go.opentelemetry.io/collector/confmap/provider/fileprovider ` + collectorV1 + `
`
	b := buildOK(t, writeManifest(t, manifest))
	t.Logf("build took %v (rust build %v)", b.elapsed.Round(time.Millisecond), stepDuration(t, b, "rust build (cargo)"))
	binary := filepath.Join(out, "otelcol-scaffolded")

	var listed struct {
		Processors []struct{ Name string } `yaml:"processors"`
	}
	text := runCommand(t, t.TempDir(), binary, "components")
	if err := yaml.Unmarshal([]byte(text), &listed); err != nil {
		t.Fatalf("%s components: %v\n%s", binary, err, text)
	}
	if !slices.ContainsFunc(listed.Processors, func(c struct{ Name string }) bool { return c.Name == "scaffolded" }) {
		t.Errorf("%s components lists no processor scaffolded:\n%s", binary, text)
	}

	sink := startTraceSink(t)
	endpoint := freeEndpoint(t)
	config := func(section string) string {
		return `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ` + endpoint + `
processors:
  scaffolded:` + section + `
exporters:
  otlp_grpc:
    endpoint: ` + sink.endpoint + `
    tls:
      insecure: true
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      processors: [scaffolded]
      exporters: [otlp_grpc]
`
	}
	validate := func(config string) (string, error) { return validateConfig(t, binary, config) }
	good := config("\n    attribute: checked_by\n")
	if out, err := validate(good); err != nil {
		t.Errorf("validate with the scaffolded processor: %v\n%s", err, out)
	}
	out, err := validate(config("\n    atribute: checked_by\n"))
	if err == nil || !regexp.MustCompile(`processors::scaffolded.*atribute`).MatchString(out) {
		t.Errorf("validate with a misspelt field: %v; want an error naming processors::scaffolded and atribute:\n%s", err, out)
	}
	t.Logf("validate with a misspelt field: %v\n%s", err, out)

	col := startCollector(t, binary, t.TempDir(), endpoint, good)
	td := ptrace.NewTraces()
	td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().SetName("checkout")
	sendTraces(t, endpoint, td)
	spans := sink.waitForSpans(t, 1, 15*time.Second)
	if mark, ok := spans[0].Attributes().Get("checked_by"); !ok || mark.Str() != "scaffolded" {
		t.Errorf("the span arrived with attributes %v; want checked_by: scaffolded, the processor's mark", spans[0].Attributes().AsRaw())
	}
	if code := col.stop(); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
}
