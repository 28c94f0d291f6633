package manifest

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// goOnlyKeys are the top-level keys of upstream's schema that only a Go distribution uses: a
// plugin manifest that gives one is refused.
var goOnlyKeys = []string{"providers", "converters", "telemetry", "replaces", "excludes", "conf_resolver"}

// goOnlyDistKeys are the dist keys only a Go build uses: a plugin manifest that gives one gets a
// warning (an ocb manifest turned into a plugin's may keep them harmlessly).
var goOnlyDistKeys = []string{"module", "go", "description", "build_tags", "debug_compilation", "cgo_enabled", "use_absolute_replace_paths"}

// pluginName is what a plugin's dist.name may be: a file name, without a directory.
var pluginName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`)

// maxPluginName bounds dist.name, so that <name>.so.sha256 stays a valid file name.
const maxPluginName = 200

// validatePlugin returns the problems peculiar to a plugin manifest (the module entries were
// checked by validate).
func (m *Manifest) validatePlugin(doc *document, broken func(path string) bool) []error {
	var problems []error
	if !m.HasCargo() {
		problems = append(problems, fmt.Errorf("a plugin needs at least one cargo module, under receivers, processors, exporters, extensions or connectors"))
	}
	for _, key := range goOnlyKeys {
		if found, ok := lookupKey(m.Raw, key); ok && m.Raw[found] != nil {
			problems = append(problems, fmt.Errorf("%s: a plugin has no Go side; remove it", key))
		}
	}
	if doc.Rust.Mode != nil && !broken("rust.mode") {
		problems = append(problems, fmt.Errorf("rust.mode: a plugin is always a shared library that the collector naming it loads; remove rust.mode"))
	}
	if doc.Rust.Link != nil && !broken("rust.link") {
		problems = append(problems, fmt.Errorf("rust.link: a plugin is always a shared library, a file of its own; remove rust.link"))
	}
	if !broken("dist.name") {
		switch name := doc.Dist.Name; {
		case name == "":
			problems = append(problems, fmt.Errorf("dist.name: a plugin needs a name, which names its file (dist.name: otelbridge-plugin-redact builds otelbridge-plugin-redact.so)"))
		case len(name) > maxPluginName || !pluginName.MatchString(name):
			problems = append(problems, fmt.Errorf("dist.name: %q is not a plugin name: a letter or digit, then letters, digits, \".\", \"_\", \"-\" or \"+\" (at most %d), which names the file <name>.so", name, maxPluginName))
		}
	}
	return problems
}

// pluginWarnings name the dist keys a plugin has no use for.
func pluginWarnings(raw map[string]any) []string {
	found, ok := lookupKey(raw, "dist")
	if !ok {
		return nil
	}
	dist, ok := raw[found].(map[string]any)
	if !ok {
		return nil
	}
	var out []string
	for _, key := range goOnlyDistKeys {
		if _, ok := lookupKey(dist, key); ok {
			out = append(out, fmt.Sprintf("key %q is ignored for a plugin, which has no Go side", "dist."+key))
		}
	}
	sort.Strings(out)
	return out
}

// PluginFile is the file name of the plugin the manifest builds: dist.name with ".so" (unless it
// ends in ".so" already).
func (m *Manifest) PluginFile() string {
	if strings.HasSuffix(m.Name, ".so") {
		return m.Name
	}
	return m.Name + ".so"
}
