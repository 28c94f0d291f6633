package manifest

import (
	"fmt"
	"strings"

	"github.com/go-viper/mapstructure/v2"

	"github.com/otelbridge/otelbridge/builder/internal/release"
)

// coreEntry is one `gomod:` of a core collector module, as the manifest gives it.
type coreEntry struct {
	name    string // "processor module at index 1", "provider module at index 0", "telemetry module"
	gomod   string
	release release.Release
}

func (e coreEntry) String() string { return fmt.Sprintf("%s (gomod: %s)", e.name, e.gomod) }

// readRelease finds the collector release the manifest's core modules name: every `gomod:` of a
// go.opentelemetry.io/collector module in the component lists, providers, converters and
// telemetry (a v0.N and a v1.(N-94) version are one release). Contrib's and other modules are
// not read. It returns the release, whether any core module named it (else it is the newest of
// the window), and the problems: a version that is no collector release, entries that disagree,
// a release outside the window.
func readRelease(raw map[string]any, broken func(path string) bool) (release.Release, bool, []error) {
	// The entries as written: the typed view holds ocb's default providers, which are not the
	// manifest's (ocb fills them in at its own release, which is the manifest's).
	var doc document
	if decoder, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{Result: &doc, WeaklyTypedInput: true}); err == nil {
		_ = decoder.Decode(raw) // problems are already reported by Load
	}
	var entries []coreEntry
	var problems []error
	add := func(name, path string, e entry) {
		fields := strings.Fields(e.GoMod)
		if broken(path) || len(fields) == 0 || !release.IsCore(fields[0]) {
			return
		}
		if len(fields) < 2 {
			return // ocb reports a module without a version
		}
		r, err := release.Of(fields[1])
		if err != nil {
			problems = append(problems, fmt.Errorf("%s (gomod: %s): %v: a collector module's version is v0.N.x or v1.M.x", name, e.GoMod, err))
			return
		}
		entries = append(entries, coreEntry{name: name, gomod: e.GoMod, release: r})
	}
	for i, list := range doc.lists() {
		for index, e := range list {
			add(Module{Kind: Kinds[i], Index: index}.String(), fmt.Sprintf("%s[%d]", Kinds[i], index), e)
		}
	}
	for index, e := range doc.Providers {
		add(fmt.Sprintf("provider module at index %d", index), fmt.Sprintf("providers[%d]", index), e)
	}
	for index, e := range doc.Converters {
		add(fmt.Sprintf("converter module at index %d", index), fmt.Sprintf("converters[%d]", index), e)
	}
	add("telemetry module", "telemetry", doc.Telemetry)
	if len(problems) > 0 {
		return 0, false, problems
	}
	if len(entries) == 0 {
		return release.Newest, false, nil
	}

	// Group the entries by release, in order of first appearance.
	var releases []release.Release
	byRelease := map[release.Release][]coreEntry{}
	for _, e := range entries {
		if _, ok := byRelease[e.release]; !ok {
			releases = append(releases, e.release)
		}
		byRelease[e.release] = append(byRelease[e.release], e)
	}
	if len(releases) > 1 {
		var text strings.Builder
		text.WriteString("the core collector modules name different releases; use one release for all of them:")
		for _, r := range releases {
			for _, e := range byRelease[r] {
				fmt.Fprintf(&text, "\n  %s: release %s", e, r)
			}
		}
		return 0, false, []error{fmt.Errorf("%s", text.String())}
	}
	r := releases[0]
	if !r.InWindow() {
		var text strings.Builder
		fmt.Fprintf(&text, "release %s is outside the supported window, %s:", r, release.WindowText())
		for _, e := range entries {
			fmt.Fprintf(&text, "\n  %s", e)
		}
		return 0, false, []error{fmt.Errorf("%s", text.String())}
	}
	return r, true, nil
}
