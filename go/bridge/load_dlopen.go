//go:build !cgo && !otelbridge_subprocess

package bridge

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/ebitengine/purego"
	"golang.org/x/sys/unix"
)

// errNoLibrary is Open's error in a build without cgo that names no library.
var errNoLibrary = errors.New("otelbridge: this collector was built without cgo and names no Rust library to load: " +
	"build it with otelbridge-builder, which embeds the library or ships it beside the binary")

// loadLibrary loads the Rust library the binary names (source.go) and resolves every ABI
// function; it returns how messages name the library. The library is never unloaded: its
// runtime's threads run until the process ends.
func loadLibrary() (string, error) {
	src := librarySourceInUse()
	var path, name string
	memory := -1
	switch {
	case src.content != nil:
		fd, err := memoryFile(src)
		if err != nil {
			return "", err
		}
		// The descriptor stays open for the life of the process, as the library does: the loader
		// knows libraries by path, and a later dlopen of another memory file under a reused
		// number would otherwise get this library back.
		memory, path = fd, fmt.Sprintf("/proc/self/fd/%d", fd)
		name = "the Rust library " + src.name + " (embedded in the binary)"
	case src.path != "":
		var err error
		if path, err = besideExecutable(src.path); err != nil {
			return "", err
		}
		name = "the Rust library " + path
	default:
		return "", errNoLibrary
	}
	handle, err := dlopen(path)
	if err != nil && memory >= 0 {
		unix.Close(memory)
	}
	if err != nil {
		// The loader's message starts with the path, which the error already names.
		reason := strings.TrimPrefix(err.Error(), path+": ")
		if src.content == nil {
			return "", fmt.Errorf("otelbridge: loading %s: %s", name, reason)
		}
		if strings.Contains(reason, "map") || strings.Contains(reason, "not permitted") {
			reason += " (where the kernel forbids executable memory files, vm.memfd_noexec=2, ship the library beside the binary: rust.link: shared)"
		}
		return "", fmt.Errorf("otelbridge: loading %s from memory: %s", name, reason)
	}
	for _, s := range symbols {
		addr, err := purego.Dlsym(handle, s.name)
		if err != nil || addr == 0 {
			return "", fmt.Errorf("otelbridge: %s is not an otelbridge library of ABI %d.%d or later: it lacks %s", name, abiMajor, abiMinor, s.name)
		}
		*s.addr = addr
	}
	return name, nil
}

// dlopen loads path on one locked thread: dlerror's message is per thread.
func dlopen(path string) (uintptr, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
}

// besideExecutable resolves a relative library path against the directory of the running
// executable, never the working directory.
func besideExecutable(path string) (string, error) {
	if filepath.IsAbs(path) {
		return path, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("otelbridge: finding the Rust library %s beside the executable: %w", path, err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return filepath.Join(filepath.Dir(exe), path), nil
}

// memoryFile writes an embedded library into an anonymous memory file, closed on exec.
func memoryFile(src librarySource) (int, error) {
	fd, err := unix.MemfdCreate(src.name, unix.MFD_CLOEXEC)
	if err != nil {
		return -1, fmt.Errorf("otelbridge: loading the Rust library %s embedded in the binary: memfd_create: %w", src.name, err)
	}
	for rest := src.content; len(rest) > 0; {
		n, err := unix.Write(fd, rest)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			unix.Close(fd)
			return -1, fmt.Errorf("otelbridge: loading the Rust library %s embedded in the binary: writing it to memory: %w", src.name, err)
		}
		rest = rest[n:]
	}
	return fd, nil
}
