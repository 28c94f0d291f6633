package release

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVersionsMapToOneReleasePair(t *testing.T) {
	for version, want := range map[string]Release{
		"v0.165.0": 165, "v1.71.0": 165, "v0.160.0": 160, "v1.66.0": 160,
		"v0.165.1": 165, "v1.71.2": 165, "v0.161.0-rc.1": 161, "v0.150.0": 150,
	} {
		got, err := Of(version)
		if err != nil || got != want {
			t.Errorf("Of(%q) = %d, %v; want %d", version, got, err, want)
		}
	}
	for _, version := range []string{"0.165.0", "latest", "v2.1.0", ""} {
		if r, err := Of(version); err == nil {
			t.Errorf("Of(%q) = %d; want an error", version, r)
		}
	}
	if got := Release(165).String(); got != "v0.165.0/v1.71.0" {
		t.Errorf("String() = %q", got)
	}
	if got := Release(160).VersionLike("v1.68.0"); got != "v1.66.0" {
		t.Errorf("VersionLike(v1) = %q", got)
	}
	if got := Release(160).VersionLike("v0.162.0"); got != "v0.160.0" {
		t.Errorf("VersionLike(v0) = %q", got)
	}
}

func TestWindow(t *testing.T) {
	window := Window()
	if len(window) != int(Newest-Oldest)+1 || window[0] != Oldest || window[len(window)-1] != Newest {
		t.Fatalf("Window() = %v", window)
	}
	if !Oldest.InWindow() || !Newest.InWindow() || (Oldest - 1).InWindow() || (Newest + 1).InWindow() {
		t.Error("InWindow disagrees with the window's ends")
	}
	for path, want := range map[string]bool{
		"go.opentelemetry.io/collector":                                   true,
		"go.opentelemetry.io/collector/processor/batchprocessor":          true,
		"go.opentelemetry.io/collectorx":                                  false,
		"go.opentelemetry.io/otel":                                        false,
		"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/x": false,
	} {
		if IsCore(path) != want {
			t.Errorf("IsCore(%q) = %t", path, !want)
		}
	}
}

// The top-level README states the window the builder supports, in the words of WindowText.
func TestREADMEStatesTheWindow(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), WindowText()) {
		t.Errorf("README.md does not state the supported releases as %q (release.Oldest and release.Newest)", WindowText())
	}
}
