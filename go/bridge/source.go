package bridge

import "sync"

// Where a collector built without cgo finds its Rust library. A collector built with cgo links
// the library instead, and ignores both settings.

// librarySource is the library Open loads without cgo: a file, or bytes embedded in the binary.
type librarySource struct {
	// path is absolute, or relative to the directory of the running executable.
	path string
	// name and content are an embedded library: name only appears in messages.
	name    string
	content []byte
}

var (
	sourceMu sync.Mutex
	source   librarySource
)

// UseLibraryFile names the Rust shared library that a collector built without cgo loads at
// start-up: an absolute path, or one relative to the directory of the running executable (never
// the working directory), so the binary finds a library shipped beside it wherever it is run
// from. Call it from an init function, before any factory is built.
func UseLibraryFile(path string) {
	sourceMu.Lock()
	defer sourceMu.Unlock()
	source = librarySource{path: path}
}

// UseEmbeddedLibrary hands over the Rust shared library embedded in the binary (go:embed): a
// collector built without cgo loads it from memory (memfd_create, then dlopen of its
// /proc/self/fd path), so an operator ships one file. name is the library's file name, for
// messages. Call it from an init function, before any factory is built.
func UseEmbeddedLibrary(name string, content []byte) {
	sourceMu.Lock()
	defer sourceMu.Unlock()
	source = librarySource{name: name, content: content}
}

func librarySourceInUse() librarySource {
	sourceMu.Lock()
	defer sourceMu.Unlock()
	return source
}

// hostSource is the host program a collector built for subprocess mode (build tag
// otelbridge_subprocess) runs its Rust components in: a file, or bytes embedded in the binary.
var hostSource librarySource

// UseHostProgramFile names the host program a collector built for subprocess mode starts: an
// absolute path, or one relative to the directory of the running executable. Other builds ignore
// it. Call it from an init function, before any factory is built.
func UseHostProgramFile(path string) {
	sourceMu.Lock()
	defer sourceMu.Unlock()
	hostSource = librarySource{path: path}
}

// UseEmbeddedHostProgram hands over the host program embedded in the binary (go:embed): a
// collector built for subprocess mode writes it to an anonymous memory file and runs it from
// there, so an operator ships one file. name is the program's file name, for messages. Other
// builds ignore it. Call it from an init function, before any factory is built.
func UseEmbeddedHostProgram(name string, content []byte) {
	sourceMu.Lock()
	defer sourceMu.Unlock()
	hostSource = librarySource{name: name, content: content}
}

func hostProgramInUse() librarySource {
	sourceMu.Lock()
	defer sourceMu.Unlock()
	return hostSource
}
