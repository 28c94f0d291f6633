package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.yaml.in/yaml/v3"

	"github.com/otelbridge/otelbridge/builder/internal/release"
)

func TestExampleManifestBuildsStaticBinaryThatRedacts(t *testing.T) {
	requireE2E(t)
	out := filepath.Join(t.TempDir(), "dist")
	r := buildOK(t, writeManifest(t, exampleManifest(t, out, "cgo", "static", nil)))
	t.Logf("static build took %v (rust build %v)", r.elapsed.Round(time.Millisecond), stepDuration(t, r, "rust build (cargo)"))
	binary := filepath.Join(out, "otelcol-example")
	logSize(t, "static binary", binary)

	if libs := runCommand(t, t.TempDir(), "ldd", binary); strings.Contains(libs, "otelbridge") {
		t.Errorf("ldd lists an otelbridge library for the static build:\n%s", libs)
	}
	requireCgoEnabled(t, binary, true)
	requireComponents(t, binary)
	requireRelease(t, binary, release.Newest)
	requireValidateRefusesDisagreeingRuntimeSettings(t, binary)
	requireRedactsEmails(t, binary, t.TempDir())
}

// requireValidateRefusesDisagreeingRuntimeSettings runs `validate` on a config with two instances
// of the runtime extension that disagree: it must fail, naming the instance and the field.
func requireValidateRefusesDisagreeingRuntimeSettings(t *testing.T, binary string) {
	t.Helper()
	dir := t.TempDir()
	config := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(config, []byte(`extensions:
  otelbridge:
    worker_threads: 2
  otelbridge/other:
    worker_threads: 3
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:0
exporters:
  debug: {}
service:
  extensions: [otelbridge, otelbridge/other]
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [debug]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(binary, "validate", "--config", config).CombinedOutput()
	// The collector validates the instances in map order: either may be the one refused.
	want := regexp.MustCompile(`extensions::otelbridge(/other)?: worker_threads: [23] conflicts with [23], configured earlier in this process`)
	if err == nil || !want.Match(out) {
		t.Errorf("%s validate with disagreeing runtime settings: %v; want an error matching %q:\n%s", binary, err, want, out)
	}
}

// The example manifest with its core modules at the oldest release of the window builds a
// collector of that release (the otelbridge Go module requires it), which works.
func TestExampleManifestBuildsAtTheOldestRelease(t *testing.T) {
	requireE2E(t)
	out := filepath.Join(t.TempDir(), "dist")
	r := buildOK(t, writeManifest(t, atRelease(exampleManifest(t, out, "cgo", "static", nil), release.Oldest)))
	t.Logf("build at %s took %v (rust build %v)", release.Oldest, r.elapsed.Round(time.Millisecond), stepDuration(t, r, "rust build (cargo)"))
	if !strings.Contains(r.stderr, "collector release "+release.Oldest.String()) {
		t.Errorf("the builder did not name the release %s:\n%s", release.Oldest, r.stderr)
	}
	binary := filepath.Join(out, "otelcol-example")
	requireComponents(t, binary)
	requireRelease(t, binary, release.Oldest)
	requireRedactsEmails(t, binary, t.TempDir())
}

func TestExampleManifestBuildsSharedBinaryThatRunsFromAnotherDirectory(t *testing.T) {
	requireE2E(t)
	out := filepath.Join(t.TempDir(), "dist")
	r := buildOK(t, writeManifest(t, exampleManifest(t, out, "cgo", "shared", nil)))
	t.Logf("shared build took %v (rust build %v)", r.elapsed.Round(time.Millisecond), stepDuration(t, r, "rust build (cargo)"))
	binary := filepath.Join(out, "otelcol-example")
	library := filepath.Join(out, "libotelbridge_dist.so")
	logSize(t, "shared binary", binary)
	logSize(t, "shared library", library)

	libs := runCommand(t, t.TempDir(), "ldd", binary)
	m := regexp.MustCompile(`(?m)^\s*libotelbridge_dist\.so => (\S+)`).FindStringSubmatch(libs)
	if m == nil {
		t.Fatalf("ldd does not resolve libotelbridge_dist.so:\n%s", libs)
	}
	if !sameFile(t, m[1], library) {
		t.Fatalf("ldd resolves libotelbridge_dist.so to %s; want the file beside the binary, %s", m[1], library)
	}
	requireComponents(t, binary)
	requireRelease(t, binary, release.Newest)
	requireRedactsEmails(t, binary, t.TempDir()) // not the output directory
}

// requireComponents checks that `components` lists the example's Go and Rust components, with
// the exporter type the tests' config uses.
func requireComponents(t *testing.T, binary string) {
	t.Helper()
	type component struct {
		Name string `yaml:"name"`
	}
	var listed struct {
		Receivers  []component `yaml:"receivers"`
		Processors []component `yaml:"processors"`
		Exporters  []component `yaml:"exporters"`
		Extensions []component `yaml:"extensions"`
		Connectors []component `yaml:"connectors"`
	}
	text := runCommand(t, t.TempDir(), binary, "components")
	if err := yaml.Unmarshal([]byte(text), &listed); err != nil {
		t.Fatalf("%s components: %v\n%s", binary, err, text)
	}
	for _, kind := range []struct {
		name string
		got  []component
		want []string
	}{
		{"receivers", listed.Receivers, []string{"otlp", "otlphttp_rs"}},
		{"processors", listed.Processors, []string{"batch", "redact"}},
		{"exporters", listed.Exporters, []string{"debug", "otlp_grpc", "otlp_http", "otlphttp_rs"}},
		{"extensions", listed.Extensions, []string{"health_check", "heartbeat", "otelbridge"}}, // otelbridge: the runtime extension the builder adds
		{"connectors", listed.Connectors, []string{"spanstats"}},
	} {
		var got []string
		for _, c := range kind.got {
			got = append(got, c.Name)
		}
		if !slices.Equal(got, kind.want) {
			t.Errorf("%s components lists %s %v; want %v", binary, kind.name, got, kind.want)
		}
	}
}

// requireRelease checks that every core collector module of binary is at release r: the modules
// `go version -m` lists, and the module of each component `components` lists.
func requireRelease(t *testing.T, binary string, r release.Release) {
	t.Helper()
	modules := runCommand(t, t.TempDir(), "go", "version", "-m", binary)
	core := 0
	for line := range strings.SplitSeq(modules, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 3 || (fields[0] != "dep" && fields[0] != "=>") || !release.IsCore(fields[1]) {
			continue
		}
		core++
		if got, err := release.Of(fields[2]); err != nil || got != r {
			t.Errorf("%s: go version -m lists %s %s; want release %s", binary, fields[1], fields[2], r)
		}
	}
	if core < 20 {
		t.Errorf("%s: go version -m lists %d core collector modules:\n%s", binary, core, modules)
	}
	components := runCommand(t, t.TempDir(), binary, "components")
	listed := 0
	for _, m := range regexp.MustCompile(`(?m)^\s*module: (\S+) (\S+)$`).FindAllStringSubmatch(components, -1) {
		if !release.IsCore(m[1]) {
			continue
		}
		listed++
		if got, err := release.Of(m[2]); err != nil || got != r {
			t.Errorf("%s components lists the module %s %s; want release %s", binary, m[1], m[2], r)
		}
	}
	if listed == 0 {
		t.Errorf("%s components lists no core collector module:\n%s", binary, components)
	}
	if !strings.Contains(components, "version: ") {
		t.Errorf("%s components shows no build info:\n%s", binary, components)
	}
}

// requireRedactsEmails runs binary in dir with a config of otlp → [redact, batch] → otlp_grpc to
// a sink in this process, sends one span with a user.email, and checks that it arrives with the
// address hashed (what Rust's redact does); then SIGTERM must end the process with 0.
func requireRedactsEmails(t *testing.T, binary, dir string) {
	t.Helper()
	sink := startTraceSink(t)
	endpoint := freeEndpoint(t)
	col := startCollector(t, binary, dir, endpoint, redactConfig(endpoint, sink.endpoint))

	td := ptrace.NewTraces()
	span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	span.SetName("checkout")
	span.Attributes().PutStr("user.email", "ann.smith+shop@example.com")
	sendTraces(t, endpoint, td)

	spans := sink.waitForSpans(t, 1, 15*time.Second)
	email, ok := spans[0].Attributes().Get("user.email")
	if !ok {
		t.Fatalf("the span arrived without user.email: %v", spans[0].Attributes().AsRaw())
	}
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(email.Str()) {
		t.Errorf("user.email arrived as %q; want the redact processor's 16-hex-digit hash", email.Str())
	}
	if code := col.stop(); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
	if !strings.Contains(col.output.String(), "otelbridge heartbeat") {
		t.Errorf("the heartbeat extension logged no beat")
	}
	if !regexp.MustCompile(`otelbridge runtime settings recorded.*"worker_threads": 2`).MatchString(col.output.String()) {
		t.Errorf("the runtime extension the builder adds did not take worker_threads: 2 from the config:\n%s", col.output.String())
	}
}

// logSize records a file's size in the test log.
func logSize(t *testing.T, what, path string) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s %s: %d bytes (%.1f MiB)", what, filepath.Base(path), info.Size(), float64(info.Size())/(1<<20))
}

// sameFile reports whether a and b name the same file.
func sameFile(t *testing.T, a, b string) bool {
	t.Helper()
	ia, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	ib, err := os.Stat(b)
	if err != nil {
		t.Fatal(err)
	}
	return os.SameFile(ia, ib)
}
