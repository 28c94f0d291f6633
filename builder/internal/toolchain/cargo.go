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

// runCargoCommand runs cargo in the crate's directory.
func runCargoCommand(crateDir string, args ...string) ([]byte, []byte, error) {
	return run(crateDir, nil, "cargo", args...)
}

// Library is a built Rust library.
type Library struct {
	// Path is the .a or .so cargo produced.
	Path string
	// NativeLibs are the system libraries a static library needs at link time.
	NativeLibs string
}

var nativeLibsNote = regexp.MustCompile(`(?m)note: native-static-libs: (.*)$`)

// BuildLibrary builds the crate in crateDir with cargo. A static library's system libraries are
// learned from rustc when it compiles the crate, and remembered beside it for builds where
// cargo has nothing to do.
func BuildLibrary(crateDir, profile string, features []string, shared bool) (Library, error) {
	args := []string{"rustc", "--lib", "--profile", profile}
	if len(features) > 0 {
		args = append(args, "--features", strings.Join(features, ","))
	}
	if !shared {
		args = append(args, "--", "--print", "native-static-libs")
	}
	_, stderr, err := runCargoCommand(crateDir, args...)
	if err != nil {
		return Library{}, err
	}
	outDir := filepath.Join(targetDir(crateDir), profileDir(profile))
	lib := Library{Path: filepath.Join(outDir, "libotelbridge_dist.a")}
	if shared {
		lib.Path = filepath.Join(outDir, "libotelbridge_dist.so")
		return lib, nil
	}
	remembered := filepath.Join(outDir, "otelbridge-native-static-libs.txt")
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

// targetDir is where cargo puts its output: CARGO_TARGET_DIR when set (several builds can share
// their compiled dependencies that way), else the crate's target directory.
func targetDir(crateDir string) string {
	if dir := os.Getenv("CARGO_TARGET_DIR"); dir != "" {
		if abs, err := filepath.Abs(dir); err == nil {
			return abs
		}
		return dir
	}
	return filepath.Join(crateDir, "target")
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
func CrateNames(crateDir string) (map[string]string, error) {
	stdout, _, err := runCargoCommand(crateDir, "metadata", "--format-version", "1")
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
