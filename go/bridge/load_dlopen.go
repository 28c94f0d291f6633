//go:build !cgo && !otelbridge_subprocess

package bridge

import (
	"errors"
	"fmt"
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
		fd, err := memoryFile(src, "the Rust library")
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
		if path, err = besideExecutable(src.path, "the Rust library"); err != nil {
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
