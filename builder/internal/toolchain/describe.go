package toolchain

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

//go:embed describe/describe.c
var describeSource []byte

// Component is one entry of a Rust library's registry.
type Component struct {
	Type      string
	Kind      string // singular: "processor", "extension", ...
	Signals   uint32
	Stability uint32
}

var kindNames = map[string]string{"1": "receiver", "2": "processor", "3": "exporter", "4": "extension", "5": "connector"}

// Describe reads the registry of a built library through its C ABI: it compiles a small C
// program against the library (as the collector will link it) and runs it. The library's
// components come in its registration order, which is the manifest's order.
func Describe(lib Library, includeDir, workDir string, shared bool) ([]Component, error) {
	source := filepath.Join(workDir, "describe.c")
	program := filepath.Join(workDir, "describe")
	if err := os.WriteFile(source, describeSource, 0o644); err != nil {
		return nil, err
	}
	args := []string{"-std=c11", "-O0", "-I" + includeDir, source, "-o", program}
	if shared {
		dir := filepath.Dir(lib.Path)
		args = append(args, "-L"+dir, "-lotelbridge_dist", "-Wl,-rpath,"+dir)
	} else {
		args = append(args, lib.Path)
		args = append(args, strings.Fields(lib.NativeLibs)...)
	}
	if _, _, err := run(workDir, nil, "cc", args...); err != nil {
		return nil, fmt.Errorf("compiling the registry reader against the Rust library: %w", err)
	}
	stdout, _, err := run(workDir, nil, program)
	if err != nil {
		return nil, fmt.Errorf("reading the Rust library's registry: %w", err)
	}
	var components []Component
	for line := range strings.SplitSeq(strings.TrimSpace(string(stdout)), "\n") {
		if line == "" {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 4 {
			return nil, fmt.Errorf("unexpected registry line %q", line)
		}
		signals, _ := strconv.ParseUint(fields[2], 10, 32)
		stability, _ := strconv.ParseUint(fields[3], 10, 32)
		components = append(components, Component{
			Type: fields[0], Kind: kindNames[fields[1]], Signals: uint32(signals), Stability: uint32(stability),
		})
	}
	return components, nil
}
