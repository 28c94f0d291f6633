package build

import (
	"debug/buildinfo"
	"fmt"
	"os/exec"
	"sort"
	"strings"

	"github.com/otelbridge/otelbridge/builder/internal/manifest"
	"github.com/otelbridge/otelbridge/builder/internal/release"
)

// checkRelease reads the module versions compiled into binary and fails unless every core
// collector module is at the manifest's release. It names each module that is not, and what
// requires it at that version (from `go mod graph` in modDir, the distribution's module),
// with the manifest entry of that requirer when it is one. A core module replaced by a local
// directory is the user's choice and is not checked.
func checkRelease(binary, modDir string, m *manifest.Manifest) error {
	info, err := buildinfo.ReadFile(binary)
	if err != nil {
		return fmt.Errorf("reading the module versions of %s: %w", binary, err)
	}
	type mismatch struct{ path, version string }
	var wrong []mismatch
	for _, dep := range info.Deps {
		path, version := dep.Path, dep.Version
		if dep.Replace != nil {
			if dep.Replace.Version == "" {
				continue // a local directory
			}
			path, version = dep.Replace.Path, dep.Replace.Version
		}
		if !release.IsCore(path) {
			continue
		}
		if r, err := release.Of(version); err != nil || r != m.Release {
			wrong = append(wrong, mismatch{path, version})
		}
	}
	if len(wrong) == 0 {
		return nil
	}
	requirers := requiredBy(modDir)
	entries := map[string]string{} // module path -> manifest entry
	for _, module := range m.Modules {
		if fields := strings.Fields(module.GoMod); len(fields) > 0 {
			entries[fields[0]] = module.String()
		}
	}
	var text strings.Builder
	fmt.Fprintf(&text, "the collector mixes releases: its core modules must be at the manifest's release, %s, but", m.Release)
	for _, w := range wrong {
		fmt.Fprintf(&text, "\n  %s %s", w.path, w.version)
		var by []string
		for _, requirer := range requirers[w.path+"@"+w.version] {
			name := requirer
			if path, _, _ := strings.Cut(requirer, "@"); entries[path] != "" {
				name += " (" + entries[path] + ")"
			}
			by = append(by, name)
		}
		if len(by) > 0 {
			fmt.Fprintf(&text, " is required at that version by %s", strings.Join(by, ", "))
		}
	}
	text.WriteString("\nuse modules of that one release (a contrib module's release must match the core's)")
	return fmt.Errorf("%s", text.String())
}

// requiredBy reads `go mod graph` in dir: for each module@version, the modules that require it
// at that version. Empty when the graph cannot be read (the error message then names no
// requirer).
func requiredBy(dir string) map[string][]string {
	cmd := exec.Command("go", "mod", "graph")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return nil
	}
	graph := map[string][]string{}
	for line := range strings.SplitSeq(string(out), "\n") {
		from, to, ok := strings.Cut(strings.TrimSpace(line), " ")
		if ok {
			graph[to] = append(graph[to], from)
		}
	}
	for _, from := range graph {
		sort.Strings(from)
	}
	return graph
}
