package plugin

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Lock is what the manifest takes from the plugin's Cargo.lock.
type Lock struct {
	// SDKVersion is the otelbridge crate's version.
	SDKVersion string
	// Crates are every package but the generated root, in the lock file's order.
	Crates []Crate
}

// lockFile is Cargo.lock's schema, as far as the manifest reads it.
type lockFile struct {
	Package []struct {
		Name         string   `toml:"name"`
		Version      string   `toml:"version"`
		Source       string   `toml:"source"`
		Checksum     string   `toml:"checksum"`
		Dependencies []string `toml:"dependencies"`
	} `toml:"package"`
}

// The crates the manifest's SDK version is read from: the SDK, and the ABI crate that exports
// the components the SDK describes.
const (
	sdkCrate = "otelbridge"
	abiCrate = "otelbridge-abi"
)

// ReadLock reads the Cargo.lock at path, of the crate named root (the generated crate, which the
// crate list leaves out).
func ReadLock(path, root string) (*Lock, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lock, err := parseLock(data, root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return lock, nil
}

func parseLock(data []byte, root string) (*Lock, error) {
	var file lockFile
	if err := toml.Unmarshal(data, &file); err != nil {
		return nil, err
	}
	lock := &Lock{}
	var sdkVersions []string
	var abiDeps []string
	for _, p := range file.Package {
		if p.Name == root {
			continue
		}
		lock.Crates = append(lock.Crates, Crate{Name: p.Name, Version: p.Version, Source: p.Source, Checksum: p.Checksum})
		switch p.Name {
		case sdkCrate:
			sdkVersions = append(sdkVersions, p.Version)
		case abiCrate:
			abiDeps = p.Dependencies
		}
	}
	switch len(sdkVersions) {
	case 0:
		return nil, fmt.Errorf("no %s crate", sdkCrate)
	case 1:
		lock.SDKVersion = sdkVersions[0]
		return lock, nil
	}
	// Several versions of the SDK: the one the ABI crate uses is the one whose types the
	// library's components have (a component of another would not compile). Cargo.lock names a
	// dependency "name version" (or "name version (source)") when the name is ambiguous.
	for _, dep := range abiDeps {
		fields := strings.Fields(dep)
		if len(fields) >= 2 && fields[0] == sdkCrate && slices.Contains(sdkVersions, fields[1]) {
			lock.SDKVersion = fields[1]
			return lock, nil
		}
	}
	return nil, fmt.Errorf("%d versions of the %s crate (%s), and %s depends on none of them", len(sdkVersions), sdkCrate, strings.Join(sdkVersions, ", "), abiCrate)
}
