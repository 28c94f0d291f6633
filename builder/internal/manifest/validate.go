package manifest

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// errMissingGoMod is ocb's text for an entry without gomod, kept for the lists that stay
// gomod-only (providers, converters, telemetry).
const errMissingGoMod = "missing gomod specification for module"

// validate returns every problem of the manifest, each naming its list and index or key.
// Entries under a path in undecoded already have their problem reported.
func (m *Manifest) validate(doc *document, undecoded []string, findCC CCompiler) []error {
	dir := filepath.Dir(m.File)
	broken := func(path string) bool {
		return slices.ContainsFunc(undecoded, func(p string) bool { return p == path || strings.HasPrefix(p, path+".") })
	}
	var problems []error
	keys := map[string]Module{} // cargo dependency key -> first module using it
	for _, module := range m.Modules {
		switch {
		case broken(fmt.Sprintf("%s[%d]", module.Kind, module.Index)):
			continue
		case m.Plugin && module.GoMod != "":
			problems = append(problems, fmt.Errorf("%s: gomod %s cannot be in a plugin, which holds Rust components only (cargo:); build Go components into the collector", module, module.GoMod))
			continue
		case m.Plugin && module.Cargo == "":
			problems = append(problems, fmt.Errorf("%s: missing cargo specification", module))
			continue
		case module.GoMod != "" && module.Cargo != "":
			problems = append(problems, fmt.Errorf("%s: has both gomod and cargo; use one", module))
			continue
		case module.GoMod == "" && module.Cargo == "":
			problems = append(problems, fmt.Errorf("%s: missing gomod or cargo specification", module))
			continue
		case module.Cargo == "":
			continue
		}
		dep, err := module.CargoDependency(dir)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if first, ok := keys[dep.Key]; ok {
			problems = append(problems, fmt.Errorf("%s and %s: both use cargo dependency %q; use one", first, module, dep.Key))
			continue
		}
		keys[dep.Key] = module
	}
	if m.Plugin {
		// No Go side: no collector release, no Go-only lists, no rust.mode.
		problems = append(problems, m.validatePlugin(doc, broken)...)
		return append(problems, validateRust(doc.Rust, dir)...)
	}
	var releaseProblems []error
	m.Release, m.ReleaseNamed, releaseProblems = readRelease(m.Raw, broken)
	problems = append(problems, releaseProblems...)
	problems = append(problems, goOnly("provider", doc.Providers, broken)...)
	problems = append(problems, goOnly("converter", doc.Converters, broken)...)
	if !broken("telemetry") {
		problems = append(problems, validateTelemetry(doc.Telemetry)...)
	}
	problems = append(problems, m.chooseModeAndLink(doc, broken, findCC)...)
	return append(problems, validateRust(doc.Rust, dir)...)
}

// goOnly checks a list that stays gomod-only, as ocb does.
func goOnly(singular string, entries []entry, broken func(path string) bool) []error {
	var problems []error
	for i, e := range entries {
		if broken(fmt.Sprintf("%ss[%d]", singular, i)) {
			continue
		}
		if e.Cargo != "" {
			problems = append(problems, fmt.Errorf("%s module at index %d: cargo is not supported for %ss; use gomod", singular, i, singular))
		} else if e.GoMod == "" {
			problems = append(problems, fmt.Errorf("%s module at index %d: %s", singular, i, errMissingGoMod))
		}
	}
	return problems
}

// validateTelemetry mirrors ocb: an absent telemetry module gets ocb's default, a given one
// needs gomod.
func validateTelemetry(t entry) []error {
	if t.Cargo != "" {
		return []error{fmt.Errorf("telemetry module: cargo is not supported for telemetry; use gomod")}
	}
	given := t.Name != "" || t.Import != "" || t.Path != ""
	if given && t.GoMod == "" {
		return []error{fmt.Errorf("telemetry module: %s", errMissingGoMod)}
	}
	return nil
}

func validateRust(r rustSection, dir string) []error {
	var problems []error
	if r.Profile != nil {
		if err := validateProfile(*r.Profile); err != nil {
			problems = append(problems, fmt.Errorf("rust.profile: %w", err))
		}
	}
	for i, feature := range r.Features {
		if strings.TrimSpace(feature) == "" {
			problems = append(problems, fmt.Errorf("rust.features[%d]: must not be empty", i))
		}
	}
	sources := make([]string, 0, len(r.Patches))
	for source := range r.Patches {
		sources = append(sources, source)
	}
	sort.Strings(sources)
	for _, source := range sources {
		if strings.TrimSpace(source) == "" {
			problems = append(problems, fmt.Errorf("rust.patches: source must not be empty"))
		}
		seen := map[string]int{}
		for i, line := range r.Patches[source] {
			dep, err := parseCargoLine(line, dir)
			if err != nil {
				problems = append(problems, fmt.Errorf("rust.patches[%q][%d]: %w", source, i, err))
				continue
			}
			if first, ok := seen[dep.Key]; ok {
				problems = append(problems, fmt.Errorf("rust.patches[%q][%d] and [%d]: both patch dependency %q; use one", source, first, i, dep.Key))
				continue
			}
			seen[dep.Key] = i
		}
	}
	return problems
}

// reservedProfiles are the profile names cargo refuses (compared case-insensitively), besides
// any starting with "cargo".
var reservedProfiles = []string{
	"build", "build-override", "check", "clean", "config", "debug", "doc", "fetch", "fix", "install",
	"metadata", "package", "publish", "report", "root", "run", "rust", "rustc", "rustdoc", "target",
	"tmp", "uninstall",
}

// validateProfile rejects what `cargo build --profile NAME` rejects for the name itself.
func validateProfile(name string) error {
	if name == "" {
		return fmt.Errorf("must not be empty")
	}
	for _, c := range name {
		if !isAlphanumeric(c) && c != '_' && c != '-' {
			return fmt.Errorf(`invalid character %q in %q; cargo allows letters, numbers, "_" and "-"`, c, name)
		}
	}
	lower := strings.ToLower(name)
	if slices.Contains(reservedProfiles, lower) || strings.HasPrefix(lower, "cargo") {
		return fmt.Errorf("%q is a profile name cargo reserves", name)
	}
	return nil
}

// isAlphanumeric is Rust's char::is_alphanumeric: Unicode Alphabetic or Numeric.
func isAlphanumeric(c rune) bool {
	return unicode.IsLetter(c) || unicode.IsNumber(c) || unicode.Is(unicode.Other_Alphabetic, c)
}
