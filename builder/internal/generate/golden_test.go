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
// Go modules, and the link module of each linkage (cgo: static and shared; dlopen: embedded and
// shared; subprocess: embedded and beside). In subprocess mode the crate is an rlib with the host
// program, a [[bin]] whose main.rs serves the components of the same lib.rs.
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
	must(t, WriteMainRs(filepath.Join(out, "rust"), crate))
	hostCrate := crate
	hostCrate.CrateType, hostCrate.Bin = "rlib", "otelbridge_dist_0123456789ab_host"
	must(t, WriteCargoToml(filepath.Join(out, "rust-subprocess"), hostCrate))
	must(t, WriteLibRs(filepath.Join(out, "rust-subprocess"), hostCrate))
	must(t, WriteMainRs(filepath.Join(out, "rust-subprocess"), hostCrate))
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
	must(t, WriteLink(filepath.Join(out, "link-subprocess-embedded"), Link{
		Manifest: crate.Manifest, Module: LinkModulePath, Linkage: SubprocessEmbedded,
		HostProgram: "otelbridge-host", HostName: "otelcol-mixed-rust-host",
		Release: "v0.165.0/v1.71.0", Requires: requires,
	}))
	must(t, WriteLink(filepath.Join(out, "link-subprocess-beside"), Link{
		Manifest: crate.Manifest, Module: LinkModulePath, Linkage: SubprocessBeside, HostName: "otelcol-mixed-rust-host",
	}))
	component, err := NewComponent(crate.Manifest, "processor", "redact", "processor module at index 1", crate.Modules[0].Line)
	must(t, err)
	must(t, WriteComponent(filepath.Join(out, "processor-redact"), component))

	for _, file := range []string{
		"rust/Cargo.toml", "rust/lib.rs",
		"link-cgo-static/go.mod", "link-cgo-static/link.go", "link-cgo-shared/link.go",
		"link-dlopen-embedded/go.mod", "link-dlopen-embedded/link.go",
		"link-dlopen-shared/go.mod", "link-dlopen-shared/link.go",
		"rust-subprocess/Cargo.toml", "rust-subprocess/main.rs",
		"link-subprocess-embedded/go.mod", "link-subprocess-embedded/link.go",
		"link-subprocess-beside/go.mod", "link-subprocess-beside/link.go",
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
	// Subprocess mode registers the components with the same lib.rs; other modes have no main.rs.
	libRs, err := os.ReadFile(filepath.Join(out, "rust", "lib.rs"))
	must(t, err)
	hostLibRs, err := os.ReadFile(filepath.Join(out, "rust-subprocess", "lib.rs"))
	must(t, err)
	if string(hostLibRs) != string(libRs) {
		t.Errorf("the host program's lib.rs differs from the in-process modes':\n--- subprocess\n%s\n--- in-process\n%s", hostLibRs, libRs)
	}
	if _, err := os.Stat(filepath.Join(out, "rust", "main.rs")); err == nil {
		t.Error("a crate without a host program has a main.rs")
	}
}

// A build of another mode removes the main.rs a subprocess build left in the crate's directory.
func TestWriteMainRsRemovesTheHostProgramOfAnEarlierBuild(t *testing.T) {
	dir := t.TempDir()
	crate := RustCrate{Manifest: "m.yaml", DistName: "d", Lib: "otelbridge_dist_0", Bin: "otelbridge_dist_0_host"}
	must(t, WriteMainRs(dir, crate))
	if _, err := os.Stat(filepath.Join(dir, "main.rs")); err != nil {
		t.Fatal(err)
	}
	crate.Bin = ""
	must(t, WriteMainRs(dir, crate))
	if _, err := os.Stat(filepath.Join(dir, "main.rs")); err == nil {
		t.Fatal("main.rs is still there")
	}
	must(t, WriteMainRs(dir, crate)) // none to remove
}

// A host program is copied executable, over a file that is not, and replaced whole when it changes.
func TestCopyExecutableIfChanged(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "out", "host")
	must(t, os.WriteFile(src, []byte("one"), 0o644))
	must(t, CopyExecutableIfChanged(src, dst))
	check := func(want string) {
		t.Helper()
		info, err := os.Stat(dst)
		must(t, err)
		got, err := os.ReadFile(dst)
		must(t, err)
		if string(got) != want || info.Mode().Perm() != 0o755 {
			t.Errorf("%s: %q, mode %v; want %q, 0755", dst, got, info.Mode().Perm(), want)
		}
	}
	check("one")
	must(t, os.Chmod(dst, 0o644))
	must(t, CopyExecutableIfChanged(src, dst))
	check("one")
	must(t, os.WriteFile(src, []byte("two"), 0o644))
	must(t, CopyExecutableIfChanged(src, dst))
	check("two")
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "out", ".host.*")); len(leftovers) > 0 {
		t.Errorf("temporary copies left: %v", leftovers)
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
