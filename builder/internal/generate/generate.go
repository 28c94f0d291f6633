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

// WriteFile writes content to path unless the file already holds it.
func WriteFile(path string, content []byte) error {
	return writeIfChanged(path, content)
}
