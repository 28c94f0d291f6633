// Package toolchain runs the tools a build needs: cargo for the Rust library, the C compiler for
// reading the library's registry, and upstream's ocb for the Go distribution.
package toolchain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// CommandError is a failed tool run, with what it printed.
type CommandError struct {
	Command string
	Output  string
	Err     error
}

func (e *CommandError) Error() string {
	return fmt.Sprintf("%s: %v\n%s", e.Command, e.Err, strings.TrimRight(e.Output, "\n"))
}

func (e *CommandError) Unwrap() error { return e.Err }

// run runs name with args in dir and returns its standard output; on failure the error carries
// both outputs.
func run(dir string, env []string, name string, args ...string) ([]byte, []byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), stderr.Bytes(), &CommandError{
			Command: name + " " + strings.Join(args, " "),
			Output:  stderr.String() + stdout.String(),
			Err:     err,
		}
	}
	return stdout.Bytes(), stderr.Bytes(), nil
}

// Library is a built Rust library.
type Library struct {
	// Path is the .a or .so.
	Path string
	// NativeLibs are the system libraries a static library needs at link time.
	NativeLibs string
}

var nativeLibsNote = regexp.MustCompile(`(?m)note: native-static-libs: (.*)$`)

// Cargo is how the builder runs cargo.
type Cargo struct {
	// TargetDir is the CARGO_TARGET_DIR of every run: several distributions share their compiled
	// dependencies through it.
	TargetDir string
}

// TargetDir is where cargo builds: CARGO_TARGET_DIR when set, else cargo-target in the
// builder's cache, shared by every distribution the user builds.
func TargetDir(cache string) (string, error) {
	if dir := os.Getenv("CARGO_TARGET_DIR"); dir != "" {
		return filepath.Abs(dir)
	}
	return filepath.Join(cache, "cargo-target"), nil
}

// run runs cargo in the crate's directory.
func (c Cargo) run(crateDir string, args ...string) ([]byte, []byte, error) {
	return run(crateDir, []string{"CARGO_TARGET_DIR=" + c.TargetDir}, "cargo", args...)
}

// BuildLibrary builds the crate in crateDir, whose library target is libName, with cargo. Each
// distribution's crate has its own libName, so that builds sharing the target directory each
// find their own library there (cargo puts it at <target>/<profile>/lib<libName>.a or .so). A
// static library's system libraries are learned from rustc when it compiles the crate, and
// remembered beside the library for builds where cargo has nothing to do.
func (c Cargo) BuildLibrary(crateDir, libName, profile string, features []string, shared bool) (Library, error) {
	args := []string{"rustc", "--lib", "--profile", profile}
	if len(features) > 0 {
		args = append(args, "--features", strings.Join(features, ","))
	}
	if !shared {
		args = append(args, "--", "--print", "native-static-libs")
	}
	_, stderr, err := c.run(crateDir, args...)
	if err != nil {
		return Library{}, err
	}
	outDir := filepath.Join(c.TargetDir, profileDir(profile))
	lib := Library{Path: filepath.Join(outDir, "lib"+libName+".a")}
	if shared {
		lib.Path = filepath.Join(outDir, "lib"+libName+".so")
		return lib, nil
	}
	remembered := filepath.Join(outDir, "lib"+libName+".native-static-libs")
	if m := nativeLibsNote.FindSubmatch(stderr); m != nil {
		lib.NativeLibs = strings.TrimSpace(string(m[1]))
		if err := os.WriteFile(remembered, []byte(lib.NativeLibs), 0o644); err != nil {
			return Library{}, err
		}
		return lib, nil
	}
	saved, err := os.ReadFile(remembered)
	if err != nil {
		return Library{}, fmt.Errorf("cargo did not report the static library's system libraries, and none were remembered: %w", err)
	}
	lib.NativeLibs = strings.TrimSpace(string(saved))
	return lib, nil
}

// profileDir is the target subdirectory of a cargo profile.
func profileDir(profile string) string {
	switch profile {
	case "dev", "test":
		return "debug"
	case "bench":
		return "release"
	}
	return profile
}

// CrateNames returns, for each dependency key of the crate's Cargo.toml, the name its library has
// in Rust code (a renamed dependency keeps its key; otherwise its library target's name).
func (c Cargo) CrateNames(crateDir string) (map[string]string, error) {
	stdout, _, err := c.run(crateDir, "metadata", "--format-version", "1")
	if err != nil {
		return nil, err
	}
	var meta struct {
		Packages []struct {
			ID           string `json:"id"`
			Name         string `json:"name"`
			ManifestPath string `json:"manifest_path"`
			Dependencies []struct {
				Name   string  `json:"name"`
				Rename *string `json:"rename"`
			} `json:"dependencies"`
			Targets []struct {
				Name string   `json:"name"`
				Kind []string `json:"kind"`
			} `json:"targets"`
		} `json:"packages"`
		Resolve struct {
			Root  string `json:"root"`
			Nodes []struct {
				ID   string `json:"id"`
				Deps []struct {
					Name string `json:"name"`
					Pkg  string `json:"pkg"`
				} `json:"deps"`
			} `json:"nodes"`
		} `json:"resolve"`
	}
	if err := json.Unmarshal(stdout, &meta); err != nil {
		return nil, fmt.Errorf("reading cargo metadata: %w", err)
	}
	packageName := map[string]string{}
	var root []struct {
		Name   string  `json:"name"`
		Rename *string `json:"rename"`
	}
	for _, p := range meta.Packages {
		packageName[p.ID] = p.Name
		if p.ID == meta.Resolve.Root {
			root = p.Dependencies
		}
	}
	// The resolve graph names each dependency of the root as code sees it, by package.
	codeName := map[string]string{}
	for _, node := range meta.Resolve.Nodes {
		if node.ID != meta.Resolve.Root {
			continue
		}
		for _, dep := range node.Deps {
			codeName[packageName[dep.Pkg]] = dep.Name
		}
	}
	names := map[string]string{}
	for _, dep := range root {
		key := dep.Name
		if dep.Rename != nil {
			key = *dep.Rename
			names[key] = strings.ReplaceAll(key, "-", "_")
			continue
		}
		if name, ok := codeName[dep.Name]; ok {
			names[key] = name
		}
	}
	return names, nil
}
