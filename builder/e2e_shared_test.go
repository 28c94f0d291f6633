package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// Two builds that share the cargo target directory, run at the same time, each link their own
// library: each distribution's crate has its own name, so cargo writes each library to its own
// file. The two distributions' Rust components differ, and each binary lists only its own.
func TestConcurrentBuildsSharingTheTargetDirectoryLinkTheirOwnLibrary(t *testing.T) {
	requireE2E(t)
	examples := filepath.Join(repoRoot, "examples")
	dists := []struct {
		name, lists string
		processors  []string
		extensions  []string
	}{{
		name:       "otelcol-redact",
		lists:      "processors:\n  - cargo: otelbridge-example-redact = { path = \"" + filepath.Join(examples, "redact") + "\" }\n",
		processors: []string{"redact"},
		extensions: []string{"otelbridge"}, // the runtime extension, in every distribution with Rust
	}, {
		name: "otelcol-heartbeat",
		lists: "processors:\n  - gomod: go.opentelemetry.io/collector/processor/batchprocessor " + collectorV0 + "\n" +
			"extensions:\n  - cargo: otelbridge-example-heartbeat = { path = \"" + filepath.Join(examples, "heartbeat") + "\" }\n",
		processors: []string{"batch"},
		extensions: []string{"heartbeat", "otelbridge"},
	}}
	outs := make([]string, len(dists))
	manifests := make([]string, len(dists))
	for i, d := range dists {
		outs[i] = filepath.Join(t.TempDir(), "dist")
		manifests[i] = writeManifest(t, "dist:\n  name: "+d.name+"\n  output_path: "+outs[i]+"\n  cgo_enabled: true\n"+
			"receivers:\n  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver "+collectorV0+"\n"+
			"exporters:\n  - gomod: go.opentelemetry.io/collector/exporter/debugexporter "+collectorV0+"\n"+d.lists)
	}
	began := time.Now()
	t.Run("builds", func(t *testing.T) {
		for i, d := range dists {
			manifest := manifests[i]
			t.Run(d.name, func(t *testing.T) {
				t.Parallel()
				r := buildOK(t, manifest)
				t.Logf("build took %v (rust build %v)", r.elapsed.Round(time.Millisecond), stepDuration(t, r, "rust build (cargo)"))
			})
		}
	})
	t.Logf("both builds took %v together", time.Since(began).Round(time.Millisecond))
	if t.Failed() {
		return
	}
	for i, d := range dists {
		var listed struct {
			Processors []struct{ Name string } `yaml:"processors"`
			Extensions []struct{ Name string } `yaml:"extensions"`
		}
		binary := filepath.Join(outs[i], d.name)
		text := runCommand(t, t.TempDir(), binary, "components")
		if err := yaml.Unmarshal([]byte(text), &listed); err != nil {
			t.Fatalf("%s components: %v\n%s", binary, err, text)
		}
		var processors, extensions []string
		for _, c := range listed.Processors {
			processors = append(processors, c.Name)
		}
		for _, c := range listed.Extensions {
			extensions = append(extensions, c.Name)
		}
		if !slices.Equal(processors, d.processors) || !slices.Equal(extensions, d.extensions) {
			t.Errorf("%s lists processors %v and extensions %v; want %v and %v", d.name, processors, extensions, d.processors, d.extensions)
		}
	}
	library := func(out string) []byte {
		return stateOf(t, filepath.Join(out, "otelbridge", "go", "link", "libotelbridge_dist.a")).content
	}
	if bytes.Equal(library(outs[0]), library(outs[1])) {
		t.Error("both distributions link the same library")
	}
}
