package bridge

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Where the files the shim runs come from, for every way of loading Rust that reads one (a
// library without cgo, the host program of subprocess mode). what names the file in messages
// ("the Rust library").

// besideExecutable resolves a relative path against the directory of the running executable,
// never the working directory.
func besideExecutable(path, what string) (string, error) {
	if filepath.IsAbs(path) {
		return path, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("otelbridge: finding %s %s beside the executable: %w", what, path, err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return filepath.Join(filepath.Dir(exe), path), nil
}

// memoryFile writes an embedded file into an anonymous memory file, closed on exec.
func memoryFile(src librarySource, what string) (int, error) {
	fd, err := unix.MemfdCreate(src.name, unix.MFD_CLOEXEC)
	if err != nil {
		return -1, fmt.Errorf("otelbridge: loading %s %s embedded in the binary: memfd_create: %w", what, src.name, err)
	}
	for rest := src.content; len(rest) > 0; {
		n, err := unix.Write(fd, rest)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			unix.Close(fd)
			return -1, fmt.Errorf("otelbridge: loading %s %s embedded in the binary: writing it to memory: %w", what, src.name, err)
		}
		rest = rest[n:]
	}
	return fd, nil
}
