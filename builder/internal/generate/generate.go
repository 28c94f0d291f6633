// Package generate writes the files otelbridge-builder adds to a distribution: one Rust crate that
// registers every cargo module, and the Go modules through which ocb links it. Templates are
// embedded; files are only rewritten when their content changes, so a warm build recompiles
// nothing.
package generate

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"text/template"
)

//go:embed templates
var templateFS embed.FS

var templates = template.Must(template.ParseFS(templateFS, "templates/*.tmpl"))

// render executes the template name with data.
func render(name string, data any) ([]byte, error) {
	var out bytes.Buffer
	if err := templates.ExecuteTemplate(&out, name, data); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", name, err)
	}
	return out.Bytes(), nil
}

// writeIfChanged writes content to path unless the file already holds it, keeping its modification
// time (and so cargo's and Go's caches) when nothing changed.
func writeIfChanged(path string, content []byte) error {
	if current, err := os.ReadFile(path); err == nil && bytes.Equal(current, content) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, content, 0o644)
}

// renderTo renders template name with data into path.
func renderTo(path, name string, data any) error {
	content, err := render(name, data)
	if err != nil {
		return err
	}
	return writeIfChanged(path, content)
}

// CopyIfChanged copies the file src to dst unless dst already has the same content.
func CopyIfChanged(src, dst string) error {
	content, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return writeIfChanged(dst, content)
}

// CopyExecutableIfChanged copies the program src to dst, executable (0755), unless dst already
// has the same content; it then only makes sure dst is executable. The copy is written beside
// dst and renamed over it, so a run of the old program (a collector's host program) is not
// disturbed, and nothing ever runs half a file.
func CopyExecutableIfChanged(src, dst string) error {
	content, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if current, err := os.ReadFile(dst); err == nil && bytes.Equal(current, content) {
		return os.Chmod(dst, 0o755)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

// WriteFile writes content to path unless the file already holds it.
func WriteFile(path string, content []byte) error {
	return writeIfChanged(path, content)
}
