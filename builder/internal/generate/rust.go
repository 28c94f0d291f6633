package generate

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// RustModule is one cargo module as the generated crate lists it.
type RustModule struct {
	// Module names the manifest entry, e.g. "processor module at index 0".
	Module string
	// Line is the Cargo.toml dependency line.
	Line string
	// Crate is the name the crate has in Rust code; empty until cargo metadata tells it.
	Crate string
}

// Patch is one `[patch.<source>]` table.
type Patch struct {
	Source string
	Lines  []string
}

// RustCrate is the distribution's Rust library crate.
type RustCrate struct {
	// Manifest is the manifest file the crate is generated from.
	Manifest string
	// DistName is the distribution's name.
	DistName string
	// Package and Lib name the crate and its library target, distinct per distribution
	// (otelbridge-dist-<id>, otelbridge_dist_<id>): builds sharing a cargo target directory
	// must not write each other's library.
	Package, Lib string
	// CrateType is "staticlib" or "cdylib"; "rlib" for the host program's library.
	CrateType string
	// Bin names the host program's target (subprocess mode), built from main.rs; "" for none.
	// Like Lib, distinct per distribution.
	Bin string
	// ABIPath is the directory of the otelbridge-abi crate.
	ABIPath string
	Modules []RustModule
	Patches []Patch
}

// WriteCargoToml writes dir/Cargo.toml, and a placeholder lib.rs if there is none yet (cargo
// metadata wants the file to exist before the crate names are known).
func WriteCargoToml(dir string, crate RustCrate) error {
	if err := renderTo(filepath.Join(dir, "Cargo.toml"), "Cargo.toml.tmpl", crate); err != nil {
		return err
	}
	lib := filepath.Join(dir, "lib.rs")
	if _, err := os.Stat(lib); err == nil {
		return nil
	}
	return writeIfChanged(lib, []byte("// Placeholder until otelbridge-builder knows the crate names.\n"))
}

// WriteLibRs writes dir/lib.rs, which registers every module's `factory()` in manifest order.
func WriteLibRs(dir string, crate RustCrate) error {
	return renderTo(filepath.Join(dir, "lib.rs"), "lib.rs.tmpl", crate)
}

// WriteMainRs writes dir/main.rs, the host program, when the crate has one (crate.Bin), and
// removes the one an earlier build of subprocess mode left otherwise.
func WriteMainRs(dir string, crate RustCrate) error {
	path := filepath.Join(dir, "main.rs")
	if crate.Bin == "" {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	return renderTo(path, "main.rs.tmpl", crate)
}
