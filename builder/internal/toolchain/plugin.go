package toolchain

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// RustcVersion is what `rustc -vV` says of itself.
type RustcVersion struct {
	Release    string // "1.95.0"
	CommitHash string // "59807616e1fa2540724bfbac14d7976d7e4a3860", or "unknown"
	Host       string // "x86_64-unknown-linux-gnu"
}

// Rustc asks the compiler cargo runs in dir (its $RUSTC, else rustc, with dir's rustup
// override if any) for its version.
func Rustc(dir string) (RustcVersion, error) {
	rustc := "rustc"
	if fields := strings.Fields(os.Getenv("RUSTC")); len(fields) > 0 {
		rustc = fields[0]
	}
	stdout, _, err := run(dir, nil, rustc, "-vV")
	if err != nil {
		return RustcVersion{}, err
	}
	return parseRustcVersion(string(stdout))
}

// parseRustcVersion reads `rustc -vV`: "key: value" lines after the first.
func parseRustcVersion(output string) (RustcVersion, error) {
	var v RustcVersion
	for line := range strings.SplitSeq(output, "\n") {
		key, value, ok := strings.Cut(line, ": ")
		if !ok {
			continue
		}
		switch key {
		case "release":
			v.Release = strings.TrimSpace(value)
		case "commit-hash":
			v.CommitHash = strings.TrimSpace(value)
		case "host":
			v.Host = strings.TrimSpace(value)
		}
	}
	if v.Release == "" || v.Host == "" {
		return RustcVersion{}, fmt.Errorf("rustc -vV gave no release or host:\n%s", strings.TrimSpace(output))
	}
	return v, nil
}

// Objcopy is the objcopy that adds a plugin's manifest section.
type Objcopy struct{ Path string }

// FindObjcopy looks for objcopy: $OBJCOPY (its first word), else objcopy on PATH. It comes with
// GNU binutils, which a C compiler (gcc) brings; llvm-objcopy takes the same arguments.
func FindObjcopy() (Objcopy, error) {
	name, from := "objcopy", "objcopy is not on PATH"
	if fields := strings.Fields(os.Getenv("OBJCOPY")); len(fields) > 0 {
		name, from = fields[0], fmt.Sprintf("OBJCOPY is %q, which is not found", os.Getenv("OBJCOPY"))
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return Objcopy{}, fmt.Errorf("%s: a plugin's manifest is added to its library as an ELF section with objcopy, "+
			"from GNU binutils (installed with gcc; on Debian and Ubuntu: apt-get install binutils); or set OBJCOPY to another objcopy (llvm-objcopy works)", from)
	}
	return Objcopy{Path: path}, nil
}

// AddSection writes out: in, with the file content as a new section named section that is not
// allocated (the dynamic loader never maps it) and read-only. Every byte the loader maps stays
// as it was; only the section table (and the symbol string table, which objcopy may pack) differ.
func (o Objcopy) AddSection(in, out, section, content string) error {
	_, _, err := run("", nil, o.Path,
		"--add-section", section+"="+content,
		"--set-section-flags", section+"=noload,readonly",
		in, out)
	return err
}
