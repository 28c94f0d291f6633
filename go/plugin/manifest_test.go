package plugin

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fixture is a manifest as otelbridge-builder writes it: the builder's test
// (builder/internal/plugin, TestManifestMatchesTheReadersFixture) writes these very bytes.
func fixture(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// section is one section of elfWith's file.
type section struct {
	name  string
	typ   elf.SectionType
	flags elf.SectionFlag
	data  []byte
}

// elfWith is a minimal 64-bit little-endian x86-64 ELF shared object holding sections (besides
// the null section and the section name table), as objcopy leaves a non-allocated one: no
// program header needed to read it.
func elfWith(t *testing.T, sections ...section) []byte {
	t.Helper()
	const headerSize, sectionHeaderSize = 64, 64
	names := []byte{0}
	nameOffset := func(name string) uint32 {
		off := uint32(len(names))
		names = append(append(names, name...), 0)
		return off
	}
	var body bytes.Buffer
	headers := []elf.Section64{{}} // the null section
	for _, s := range sections {
		h := elf.Section64{Name: nameOffset(s.name), Type: uint32(s.typ), Flags: uint64(s.flags), Off: uint64(headerSize + body.Len()), Size: uint64(len(s.data)), Addralign: 1}
		if s.typ != elf.SHT_NOBITS {
			body.Write(s.data)
		}
		headers = append(headers, h)
	}
	shstrtab := elf.Section64{Name: nameOffset(".shstrtab"), Type: uint32(elf.SHT_STRTAB), Off: uint64(headerSize + body.Len()), Addralign: 1}
	body.Write(names)
	shstrtab.Size = uint64(len(names))
	headers = append(headers, shstrtab)
	for body.Len()%8 != 0 {
		body.WriteByte(0)
	}
	header := elf.Header64{
		Type: uint16(elf.ET_DYN), Machine: uint16(elf.EM_X86_64), Version: uint32(elf.EV_CURRENT),
		Shoff: uint64(headerSize + body.Len()), Ehsize: headerSize, Shentsize: sectionHeaderSize,
		Shnum: uint16(len(headers)), Shstrndx: uint16(len(headers) - 1),
	}
	copy(header.Ident[:], elf.ELFMAG)
	header.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	header.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	header.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	var file bytes.Buffer
	for _, v := range []any{header, body.Bytes(), headers} {
		if err := binary.Write(&file, binary.LittleEndian, v); err != nil {
			t.Fatal(err)
		}
	}
	return file.Bytes()
}

// manifestELF is an ELF file whose manifest section holds data, beside another section.
func manifestELF(t *testing.T, data []byte) []byte {
	return elfWith(t,
		section{name: ".text", typ: elf.SHT_PROGBITS, flags: elf.SHF_ALLOC | elf.SHF_EXECINSTR, data: []byte{0xc3}},
		section{name: SectionName, typ: elf.SHT_PROGBITS, data: data})
}

func TestReadTheManifestSection(t *testing.T) {
	m, err := Read(bytes.NewReader(manifestELF(t, fixture(t))))
	if err != nil {
		t.Fatal(err)
	}
	if m.ManifestVersion != FormatVersion || m.Name != "otelbridge-plugin-example" || m.Version != "1.2.0" ||
		m.ABI.String() != "1.6" || m.SDKVersion != "0.1.0" || m.Target != "x86_64-unknown-linux-gnu" || m.Profile != "release" {
		t.Errorf("manifest %+v", m)
	}
	if m.Rustc != (Rustc{Release: "1.95.0", CommitHash: "59807616e1fa2540724bfbac14d7976d7e4a3860", Host: "x86_64-unknown-linux-gnu"}) {
		t.Errorf("rustc %+v", m.Rustc)
	}
	wantComponents := []Component{
		{Type: "redact", Kind: "processor", Signals: []string{"traces", "metrics", "logs"}, Stability: "development"},
		{Type: "spanstats", Kind: "connector", Signals: []string{"traces"}, SignalsOut: []string{"metrics"}, Stability: "alpha"},
		{Type: "heartbeat", Kind: "extension", Signals: []string{}, Stability: "beta"},
	}
	if !reflect.DeepEqual(m.Components, wantComponents) {
		t.Errorf("components\n got %+v\nwant %+v", m.Components, wantComponents)
	}
	if len(m.Crates) != 5 || m.Crates[0] != (Crate{Name: "hex", Version: "0.4.3",
		Source: "registry+https://github.com/rust-lang/crates.io-index", Checksum: "7f24254aa9a54b5c858eaee2f5bccdb46aaf0e486a595ed5fd8f86ba55232a70"}) ||
		m.Crates[1] != (Crate{Name: "otelbridge", Version: "0.1.0"}) {
		t.Errorf("crates %+v", m.Crates)
	}
}

// The fixture has every field of Manifest (each omitempty one with a value) and no other: it
// decodes strictly and encodes back to the same bytes, as the builder writes them.
func TestFixtureHasEveryFieldAndNoOther(t *testing.T) {
	data := fixture(t)
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	var m Manifest
	if err := decoder.Decode(&m); err != nil {
		t.Fatalf("the fixture has a field Manifest lacks: %v", err)
	}
	again, err := json.MarshalIndent(&m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if string(append(again, '\n')) != string(data) {
		t.Errorf("Manifest encodes the fixture otherwise:\n%s", again)
	}
}

// A field this reader does not know is one a newer builder added within the format version:
// ignored.
func TestParseIgnoresFieldsItDoesNotKnow(t *testing.T) {
	data := bytes.Replace(fixture(t), []byte(`"profile": "release",`), []byte(`"profile": "release", "features": ["simd"],`), 1)
	m, err := Parse(data)
	if err != nil || m.Profile != "release" {
		t.Errorf("Parse = %+v, %v", m, err)
	}
}

func TestReadRefuses(t *testing.T) {
	withVersion := func(v string) []byte {
		return bytes.Replace(fixture(t), []byte(`"manifest_version": 1`), []byte(v), 1)
	}
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"a file that is not ELF", []byte("#!/bin/sh\necho hello\n"), "not an ELF file"},
		{"an ELF file without the section", elfWith(t, section{name: ".text", typ: elf.SHT_PROGBITS, data: []byte{0xc3}}), "no .otelbridge.manifest section: not an otelbridge plugin"},
		{"a section without data", elfWith(t, section{name: SectionName, typ: elf.SHT_NOBITS, data: make([]byte, 16)}), "the .otelbridge.manifest section holds no data (SHT_NOBITS)"},
		{"a section that is not JSON", manifestELF(t, []byte("manifest")), "the .otelbridge.manifest section is not a JSON manifest"},
		{"no format version", manifestELF(t, withVersion(`"manifest_versions": 1`)), "the manifest has no manifest_version"},
		{"another format version", manifestELF(t, withVersion(`"manifest_version": 2`)), "manifest_version 2: this collector reads version 1"},
		{"a field of another type", manifestELF(t, bytes.Replace(fixture(t), []byte(`"major": 1`), []byte(`"major": "1"`), 1)), "reading the manifest: json: cannot unmarshal"},
		{"no ABI major", manifestELF(t, bytes.Replace(fixture(t), []byte(`"major": 1`), []byte(`"major": 0`), 1)), "the manifest gives no ABI major version"},
		{"no component", manifestELF(t, []byte(`{"manifest_version": 1, "abi": {"major": 1, "minor": 6}, "components": []}`)), "the manifest lists no component"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Read = %v; want an error containing %q", err, tc.want)
			}
		})
	}
	_, err := Read(bytes.NewReader(elfWith(t)))
	if !errors.Is(err, ErrNoManifest) {
		t.Errorf("no section: %v is not ErrNoManifest", err)
	}
}

func TestReadFileNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.so"), filepath.Join(dir, "bad.so")
	if err := os.WriteFile(good, manifestELF(t, fixture(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, elfWith(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if m, err := ReadFile(good); err != nil || len(m.Components) != 3 {
		t.Errorf("ReadFile(good) = %+v, %v", m, err)
	}
	if _, err := ReadFile(bad); err == nil || err.Error() != bad+": "+ErrNoManifest.Error() {
		t.Errorf("ReadFile(bad) = %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.so")); err == nil || !strings.Contains(err.Error(), "missing.so") {
		t.Errorf("ReadFile(missing) = %v", err)
	}
}

// TestReadBuiltPlugin reads a plugin otelbridge-builder built, named by OTELBRIDGE_PLUGIN_FILE
// (skipped without it): the builder's end-to-end test runs it on the plugins it builds, and
// compares the manifest read, written to OTELBRIDGE_PLUGIN_MANIFEST_OUT, with the section's JSON.
func TestReadBuiltPlugin(t *testing.T) {
	path := os.Getenv("OTELBRIDGE_PLUGIN_FILE")
	if path == "" {
		t.Skip("OTELBRIDGE_PLUGIN_FILE names no plugin")
	}
	m, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %s, ABI %s, %d components, %d crates", path, m.Name, m.ABI, len(m.Components), len(m.Crates))
	if out := os.Getenv("OTELBRIDGE_PLUGIN_MANIFEST_OUT"); out != "" {
		if err := os.WriteFile(out, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
