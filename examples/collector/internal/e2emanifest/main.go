// Command e2emanifest derives, from the example's builder manifest, the ones `make test-e2e`
// builds the collectors of its runs without cgo from: rust.mode -mode, dlopen by default or
// subprocess (dist.cgo_enabled dropped, as the builder refuses both with it; kept true for cgo),
// rust.link -link (default: the mode's own, embedded for both), the output in -dist, relative
// cargo paths made absolute (they are relative to the manifest, which moves), and the end-to-end
// tests' `faults` processor (examples/collector/e2e/faults) added, as the tests' own build of the
// example links it. Everything else, the health_check extension the fault tests of subprocess
// mode ask included, is the example manifest's.
//
//	go run ./internal/e2emanifest -in ../builder-config.yaml -out ../../build/e2e-nocgo/builder-config.yaml -dist ../../build/e2e-nocgo
//	go run ./internal/e2emanifest -mode subprocess -in ../builder-config.yaml -out ../../build/e2e-subprocess/builder-config.yaml -dist ../../build/e2e-subprocess
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"go.yaml.in/yaml/v3"
)

// relativeCargoPath is a `path = "..."` of a cargo line; absolute ones are left as they are.
var relativeCargoPath = regexp.MustCompile(`path\s*=\s*"([^"/][^"]*)"`)

func main() {
	in := flag.String("in", "../builder-config.yaml", "the manifest to derive from")
	out := flag.String("out", "", "where to write the derived manifest")
	dist := flag.String("dist", "", "the derived manifest's dist.output_path")
	mode := flag.String("mode", "dlopen", "rust.mode: dlopen, subprocess (or cgo)")
	link := flag.String("link", "", "rust.link (default: the mode's default)")
	faults := flag.String("faults", "e2e/faults", "the faults processor crate, relative to the working directory")
	flag.Parse()
	if *out == "" || *dist == "" {
		fmt.Fprintln(os.Stderr, "e2emanifest: -out and -dist are required")
		os.Exit(2)
	}
	if err := derive(*in, *out, *dist, *mode, *link, *faults); err != nil {
		fmt.Fprintf(os.Stderr, "e2emanifest: %v\n", err)
		os.Exit(1)
	}
}

func derive(in, out, dist, mode, link, faults string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	inDir, err := filepath.Abs(filepath.Dir(in))
	if err != nil {
		return err
	}
	if dist, err = filepath.Abs(dist); err != nil {
		return err
	}
	if faults, err = filepath.Abs(faults); err != nil {
		return err
	}

	distSection, ok := doc["dist"].(map[string]any)
	if !ok {
		return fmt.Errorf("%s has no dist section", in)
	}
	distSection["output_path"] = dist
	// The builder takes cgo only with dist.cgo_enabled: true, and refuses it beside rust.mode
	// dlopen or subprocess: the key goes, and the mode says the rest.
	delete(distSection, "cgo_enabled")
	if mode == "cgo" {
		distSection["cgo_enabled"] = true
	}
	rust, _ := doc["rust"].(map[string]any)
	if rust == nil {
		rust = map[string]any{}
		doc["rust"] = rust
	}
	rust["mode"] = mode
	delete(rust, "link")
	if link != "" {
		rust["link"] = link
	}

	for _, list := range []string{"receivers", "processors", "exporters", "extensions", "connectors"} {
		entries, _ := doc[list].([]any)
		for _, e := range entries {
			entry, _ := e.(map[string]any)
			line, ok := entry["cargo"].(string)
			if !ok {
				continue
			}
			entry["cargo"] = relativeCargoPath.ReplaceAllStringFunc(line, func(m string) string {
				rel := relativeCargoPath.FindStringSubmatch(m)[1]
				return fmt.Sprintf("path = %q", filepath.Join(inDir, rel))
			})
		}
	}
	processors, _ := doc["processors"].([]any)
	doc["processors"] = append(processors, map[string]any{
		"cargo": fmt.Sprintf("otelbridge-example-e2e-faults = { path = %q }", faults),
	})

	content, err := yaml.Marshal(doc)
	if err != nil {
		return err
	}
	header := fmt.Sprintf("# Derived from %s by examples/collector/internal/e2emanifest (make test-e2e). Do not edit.\n", in)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(out, append([]byte(header), content...), 0o644)
}
