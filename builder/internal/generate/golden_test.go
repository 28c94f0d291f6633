package generate

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/otelbridge/otelbridge/builder/internal/release"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// The files generated for a small mixed manifest: a Rust processor and a Rust extension next to
// Go modules, and the link module of each linkage (cgo: static and shared; without cgo: embedded
// and shared).
func TestGeneratedFilesMatchTheGoldenFiles(t *testing.T) {
	out := t.TempDir()
	crate := RustCrate{
		Manifest:  "/src/builder-config.yaml",
		DistName:  "otelcol-mixed",
		Package:   "otelbridge-dist-0123456789ab",
		Lib:       "otelbridge_dist_0123456789ab",
		CrateType: "staticlib",
		ABIPath:   "/otelbridge/rust/otelbridge-abi",
		Modules: []RustModule{
			{Module: "processor module at index 1", Line: `otelbridge-example-redact = { path = "/src/redact" }`, Crate: "redact"},
			{Module: "extension module at index 0", Line: `beat = { version = "1.2", features = ["tls"], package = "heartbeat" }`, Crate: "beat"},
		},
		Patches: []Patch{{Source: "crates-io", Lines: []string{`regex = { path = "/src/regex" }`}}},
	}
	must(t, WriteCargoToml(filepath.Join(out, "rust"), crate))
	must(t, WriteLibRs(filepath.Join(out, "rust"), crate))
	requires := []Require{
		{Path: "go.opentelemetry.io/collector/component", Version: "v1.71.0"},
		{Path: "go.opentelemetry.io/collector/processor/processorhelper", Version: "v0.165.0"},
	}
	must(t, WriteLink(filepath.Join(out, "link-cgo-static"), Link{
		Manifest: crate.Manifest, Module: LinkModulePath, Linkage: CgoStatic, Library: "libotelbridge_dist.a",
		NativeLibs:    "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc",
		LibrarySHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		Release:       "v0.165.0/v1.71.0", Requires: requires,
	}))
	must(t, WriteLink(filepath.Join(out, "link-cgo-shared"), Link{
		Manifest: crate.Manifest, Module: LinkModulePath, Linkage: CgoShared, Library: "libotelbridge_dist.so", LinkName: "otelbridge_dist",
	}))
	must(t, WriteLink(filepath.Join(out, "link-dlopen-embedded"), Link{
		Manifest: crate.Manifest, Module: LinkModulePath, Linkage: DlopenEmbedded, Library: "libotelbridge_dist.so",
		Release: "v0.165.0/v1.71.0", Requires: requires,
	}))
	must(t, WriteLink(filepath.Join(out, "link-dlopen-shared"), Link{
		Manifest: crate.Manifest, Module: LinkModulePath, Linkage: DlopenShared, Library: "libotelbridge_dist.so",
	}))
	component, err := NewComponent(crate.Manifest, "processor", "redact", "processor module at index 1", crate.Modules[0].Line)
	must(t, err)
	must(t, WriteComponent(filepath.Join(out, "processor-redact"), component))

	for _, file := range []string{
		"rust/Cargo.toml", "rust/lib.rs",
		"link-cgo-static/go.mod", "link-cgo-static/link.go", "link-cgo-shared/link.go",
		"link-dlopen-embedded/go.mod", "link-dlopen-embedded/link.go",
		"link-dlopen-shared/go.mod", "link-dlopen-shared/link.go",
		"processor-redact/go.mod", "processor-redact/factory.go",
	} {
		got, err := os.ReadFile(filepath.Join(out, file))
		must(t, err)
		golden := filepath.Join("testdata", "golden", filepath.FromSlash(file))
		if *update {
			must(t, os.MkdirAll(filepath.Dir(golden), 0o755))
			must(t, os.WriteFile(golden, got, 0o644))
			continue
		}
		want, err := os.ReadFile(golden)
		must(t, err)
		if string(got) != string(want) {
			t.Errorf("%s differs from its golden file (go test ./internal/generate -update to accept):\n--- got\n%s\n--- want\n%s", file, got, want)
		}
	}
}

// The link module requires every core module of the otelbridge Go module's go.mod, direct and
// indirect, at the build's release, in its module set (v1 or v0).
func TestCoreRequiresRaisesEveryCoreModuleOfGoMod(t *testing.T) {
	path := filepath.Join(t.TempDir(), "go.mod")
	must(t, os.WriteFile(path, []byte(`module github.com/otelbridge/otelbridge/go

go 1.26.0

require (
	go.opentelemetry.io/collector/processor/processorhelper v0.160.0
	go.opentelemetry.io/collector/component v1.66.0
	go.opentelemetry.io/otel v1.47.0
	github.com/open-telemetry/opentelemetry-collector-contrib/pkg/x v0.160.0
)

require go.opentelemetry.io/collector/featuregate v1.66.0 // indirect
`), 0o644))
	got, err := CoreRequires(path, release.Release(165))
	must(t, err)
	want := []Require{
		{Path: "go.opentelemetry.io/collector/component", Version: "v1.71.0"},
		{Path: "go.opentelemetry.io/collector/featuregate", Version: "v1.71.0"},
		{Path: "go.opentelemetry.io/collector/processor/processorhelper", Version: "v0.165.0"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("CoreRequires:\n got %v\nwant %v", got, want)
	}
}

// The checkout's own go/go.mod reads, and requires core modules.
func TestCoreRequiresReadsTheCheckoutsGoMod(t *testing.T) {
	got, err := CoreRequires(filepath.Join("..", "..", "..", "go", "go.mod"), release.Newest)
	must(t, err)
	if len(got) == 0 {
		t.Fatal("go/go.mod requires no core collector module")
	}
	for _, r := range got {
		if v := release.Newest.VersionLike(r.Version); v != r.Version {
			t.Errorf("%s %s: not at the release", r.Path, r.Version)
		}
	}
}

func TestUnchangedFilesKeepTheirModificationTime(t *testing.T) {
	dir := t.TempDir()
	link := Link{Manifest: "m.yaml", Module: LinkModulePath, Linkage: CgoShared, LinkName: "otelbridge_dist"}
	must(t, WriteLink(dir, link))
	path := filepath.Join(dir, "link.go")
	before, err := os.Stat(path)
	must(t, err)
	old := before.ModTime().Add(-time.Hour)
	must(t, os.Chtimes(path, old, old))
	must(t, WriteLink(dir, link))
	after, err := os.Stat(path)
	must(t, err)
	if !after.ModTime().Equal(old) {
		t.Fatal("an unchanged file was rewritten: cargo and go would rebuild")
	}
}

// A link module of no known linkage is refused, rather than written with no link.go.
func TestWriteLinkRefusesAnUnknownLinkage(t *testing.T) {
	err := WriteLink(t.TempDir(), Link{Manifest: "m.yaml", Module: LinkModulePath, Linkage: "static"})
	if err == nil || err.Error() != `link module: unknown linkage "static"` {
		t.Fatalf("err = %v", err)
	}
}

func TestEveryKindHasAConstructor(t *testing.T) {
	for kind, constructor := range map[string]string{
		"receiver": "ReceiverFactoryFunc", "processor": "ProcessorFactoryFunc", "exporter": "ExporterFactoryFunc",
		"extension": "ExtensionFactoryFunc", "connector": "ConnectorFactoryFunc",
	} {
		c, err := NewComponent("m.yaml", kind, "x", kind+" module at index 0", `x = "1"`)
		if err != nil || c.Constructor != constructor || c.Module != "otelbridge.local/"+kind+"/x" {
			t.Errorf("%s: %+v, %v", kind, c, err)
		}
	}
	_, err := NewComponent("m.yaml", "widget", "x", "widget module at index 0", `x = "1"`)
	if err == nil || err.Error() != `widget module at index 0: "widget" is not a component kind` {
		t.Fatalf("err = %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
