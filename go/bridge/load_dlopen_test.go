//go:build !cgo && !otelbridge_subprocess

package bridge

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A library that is missing or is not an otelbridge library is an error naming the file and the
// reason, never a crash. (Open runs once per process, so these call loadLibrary itself.)
func TestALibraryThatCannotBeLoadedIsAClearError(t *testing.T) {
	saved := librarySourceInUse()
	t.Cleanup(func() { source = saved })
	dir := t.TempDir()
	notELF := filepath.Join(dir, "libnotelf.so")
	if err := os.WriteFile(notELF, []byte("this is not a shared library"), 0o644); err != nil {
		t.Fatal(err)
	}
	libc, err := filepath.Glob("/lib/x86_64-linux-gnu/libm.so.6")
	if err != nil || len(libc) == 0 {
		libc = []string{"/lib64/libm.so.6"}
	}
	cases := []struct {
		name string
		use  func()
		want []string
	}{
		{"missing file", func() { UseLibraryFile(filepath.Join(dir, "libmissing.so")) },
			[]string{"loading the Rust library " + filepath.Join(dir, "libmissing.so"), "No such file"}},
		{"relative to the executable", func() { UseLibraryFile("libbeside.so") },
			[]string{"loading the Rust library " + filepath.Join(executableDir(t), "libbeside.so"), "No such file"}},
		{"not ELF", func() { UseLibraryFile(notELF) },
			[]string{"loading the Rust library " + notELF}},
		{"not otelbridge", func() { UseLibraryFile(libc[0]) },
			[]string{libc[0] + " is not an otelbridge library", "lacks otelbridge_v1_abi_version"}},
		{"embedded garbage", func() { UseEmbeddedLibrary("libembedded.so", []byte("garbage")) },
			[]string{"loading the Rust library libembedded.so (embedded in the binary) from memory"}},
		{"nothing named", func() { source = librarySource{} },
			[]string{"names no Rust library"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.use()
			_, err := loadLibrary()
			if err == nil {
				t.Fatal("loadLibrary succeeded")
			}
			t.Log(err)
			for _, want := range c.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

func executableDir(t *testing.T) string {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return filepath.Dir(exe)
}
