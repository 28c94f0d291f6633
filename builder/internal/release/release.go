// Package release is the collector releases otelbridge-builder supports, declared in one place:
// the window, oldest to newest, and the pairing of the collector's two module sets (stable
// v1.M.x and beta v0.N.x, where M = N - 94).
package release

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/semver"
)

// v1Offset pairs the module sets: release v0.N.x ships the stable modules at v1.(N-94).x.
const v1Offset = 94

// A Release is one collector release pair, named by its beta minor version N (v0.N / v1.(N-94)).
type Release int

// The supported window. The Go shim (go/go.mod) requires the core modules at Oldest; the
// builder raises them to a manifest's release, and runs ocb of that release.
const (
	Oldest Release = 160
	Newest Release = 165
)

// CorePrefix is the module path of the core collector; its modules are CorePrefix and
// CorePrefix + "/...".
const CorePrefix = "go.opentelemetry.io/collector"

// Window is every release of the window, oldest first.
func Window() []Release {
	var all []Release
	for r := Oldest; r <= Newest; r++ {
		all = append(all, r)
	}
	return all
}

// WindowText is the window as the docs state it: "v0.160.0 through v0.165.0".
func WindowText() string { return Oldest.V0() + " through " + Newest.V0() }

// InWindow reports whether r is supported.
func (r Release) InWindow() bool { return r >= Oldest && r <= Newest }

// V0 is the release's beta version, "v0.165.0" (also ocb's version).
func (r Release) V0() string { return fmt.Sprintf("v0.%d.0", int(r)) }

// V1 is the release's stable version, "v1.71.0".
func (r Release) V1() string { return fmt.Sprintf("v1.%d.0", int(r)-v1Offset) }

// String names both versions: "v0.165.0/v1.71.0".
func (r Release) String() string { return r.V0() + "/" + r.V1() }

// VersionLike is the release's version in the module set of version (v1.M.x → V1, else V0):
// the version a module required at version must have at release r.
func (r Release) VersionLike(version string) string {
	if semver.Major(version) == "v1" {
		return r.V1()
	}
	return r.V0()
}

// Of is the release of a core module version: v0.N.x is release N, v1.M.x release M+94 (patch
// releases and pre-releases belong to their minor's release).
func Of(version string) (Release, error) {
	if !semver.IsValid(version) {
		return 0, fmt.Errorf("%q is not a module version", version)
	}
	minor, err := strconv.Atoi(strings.TrimPrefix(semver.MajorMinor(version), semver.Major(version)+"."))
	if err != nil {
		return 0, fmt.Errorf("%q has no minor version", version)
	}
	switch semver.Major(version) {
	case "v0":
		return Release(minor), nil
	case "v1":
		return Release(minor + v1Offset), nil
	}
	return 0, fmt.Errorf("%q is neither v0.N nor v1.M, as the collector's modules are", version)
}

// IsCore reports whether path is a module of the core collector (go.opentelemetry.io/collector
// or below it); contrib's modules (github.com/open-telemetry/opentelemetry-collector-contrib/...)
// are not.
func IsCore(path string) bool {
	return path == CorePrefix || strings.HasPrefix(path, CorePrefix+"/")
}
