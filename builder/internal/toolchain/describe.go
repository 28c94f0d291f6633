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
	Type       string
	Kind       string // singular: "processor", "extension", ...
	Signals    uint32 // OTB_SIGNAL_BIT_* consumed (a receiver: produced)
	SignalsOut uint32 // OTB_SIGNAL_BIT_* a connector produces
	Stability  uint32 // OTB_STABILITY_*
}

// Registry is what a Rust library says of itself through its C ABI.
type Registry struct {
	// ABIMajor and ABIMinor are the ABI the library speaks: its otelbridge_v1_abi_version().
	ABIMajor, ABIMinor uint32
	// Components are its registry, in registration order (the manifest's).
	Components []Component
}

var kindNames = map[string]string{"1": "receiver", "2": "processor", "3": "exporter", "4": "extension", "5": "connector"}

// Describe reads the registry of a built library through its C ABI: it compiles a small C
// program against the library (as the collector will link it) and runs it. The library's
// components come in its registration order, which is the manifest's.
func Describe(lib Library, includeDir, workDir string, shared bool) ([]Component, error) {
	registry, err := DescribeLibrary(lib, includeDir, workDir, shared)
	return registry.Components, err
}

// DescribeLibrary is Describe, with the ABI version the library speaks. A shared library must be
// libotelbridge_dist.so (the program links -lotelbridge_dist from its directory).
func DescribeLibrary(lib Library, includeDir, workDir string, shared bool) (Registry, error) {
	source := filepath.Join(workDir, "describe.c")
	program := filepath.Join(workDir, "describe")
	if err := os.WriteFile(source, describeSource, 0o644); err != nil {
		return Registry{}, err
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
		return Registry{}, fmt.Errorf("compiling the registry reader against the Rust library: %w", err)
	}
	stdout, _, err := run(workDir, nil, program)
	if err != nil {
		return Registry{}, fmt.Errorf("reading the Rust library's registry: %w", err)
	}
	return parseRegistry(string(stdout))
}

// parseRegistry reads the registry reader's output (describe/describe.c).
func parseRegistry(output string) (Registry, error) {
	var registry Registry
	abiSeen := false
	for line := range strings.SplitSeq(strings.TrimSpace(output), "\n") {
		if line == "" {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) == 2 && fields[0] == "abi" && !abiSeen {
			version, err := strconv.ParseUint(fields[1], 10, 32)
			if err != nil {
				return Registry{}, fmt.Errorf("unexpected registry line %q", line)
			}
			registry.ABIMajor, registry.ABIMinor, abiSeen = uint32(version>>16), uint32(version&0xffff), true
			continue
		}
		if len(fields) != 5 {
			return Registry{}, fmt.Errorf("unexpected registry line %q", line)
		}
		var numbers [3]uint32
		for i, field := range []string{fields[2], fields[3], fields[4]} {
			n, err := strconv.ParseUint(field, 10, 32)
			if err != nil {
				return Registry{}, fmt.Errorf("unexpected registry line %q", line)
			}
			numbers[i] = uint32(n)
		}
		registry.Components = append(registry.Components, Component{
			Type: fields[0], Kind: kindNames[fields[1]], Signals: numbers[0], Stability: numbers[1], SignalsOut: numbers[2],
		})
	}
	if !abiSeen {
		return Registry{}, fmt.Errorf("the registry reader printed no ABI version")
	}
	return registry, nil
}
