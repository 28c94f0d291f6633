package manifest

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// CargoDependency is a parsed `cargo:` line.
type CargoDependency struct {
	Key string // the dependency key ("redact")
	// Line is the line (without surrounding blanks) with a relative `path = "..."` made absolute,
	// relative to the manifest file's directory; otherwise unchanged.
	Line    string
	Package string // the `package = "..."` rename target if present, else ""
}

// CargoDependency parses the module's cargo line; relative paths in it are resolved against
// manifestDir. Errors name the module.
func (m Module) CargoDependency(manifestDir string) (CargoDependency, error) {
	if m.Cargo == "" {
		return CargoDependency{}, fmt.Errorf("%s: no cargo specification", m)
	}
	dep, err := parseCargoLine(m.Cargo, manifestDir)
	if err != nil {
		return CargoDependency{}, fmt.Errorf("%s: %w", m, err)
	}
	return dep, nil
}

// parseCargoLine parses one Cargo.toml dependency line: exactly one `key = value`, the value a
// version string or a table (inline, or a dotted key such as `x.path = "..."`).
func parseCargoLine(line, dir string) (CargoDependency, error) {
	text := strings.TrimSpace(line)
	var doc map[string]any
	if err := toml.Unmarshal([]byte(text), &doc); err != nil {
		return CargoDependency{}, fmt.Errorf("cargo line %q does not parse as TOML: %v", line, err)
	}
	shape := scanCargoLine(text)
	if shape.header {
		return CargoDependency{}, fmt.Errorf(`cargo line %q must be one "name = ..." dependency, not a table header`, line)
	}
	if len(doc) != 1 {
		keys := make([]string, 0, len(doc))
		for key := range doc {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		if len(keys) == 0 {
			return CargoDependency{}, fmt.Errorf("cargo line %q must hold exactly one dependency, found none", line)
		}
		return CargoDependency{}, fmt.Errorf("cargo line %q must hold exactly one dependency, found %d (%s)", line, len(keys), strings.Join(keys, ", "))
	}
	if shape.entries > 1 {
		return CargoDependency{}, fmt.Errorf(`cargo line %q must be one "name = ..." entry, found %d`, line, shape.entries)
	}

	dep := CargoDependency{Line: text}
	var value any
	for key, v := range doc {
		dep.Key, value = key, v
	}
	if _, ok := value.(string); ok {
		return dep, nil
	}
	table, ok := value.(map[string]any)
	if !ok {
		return CargoDependency{}, fmt.Errorf("cargo line %q: dependency %q must be a version string or an inline table, got %s", line, dep.Key, tomlType(value))
	}
	if pkg, ok := table["package"]; ok {
		if dep.Package, ok = pkg.(string); !ok {
			return CargoDependency{}, fmt.Errorf("cargo line %q: %q must be a string, got %s", line, "package", tomlType(pkg))
		}
	}
	if p, ok := table["path"]; ok {
		path, ok := p.(string)
		if !ok {
			return CargoDependency{}, fmt.Errorf("cargo line %q: %q must be a string, got %s", line, "path", tomlType(p))
		}
		if !filepath.IsAbs(path) && shape.path != nil {
			abs, err := filepath.Abs(filepath.Join(dir, path))
			if err != nil {
				return CargoDependency{}, fmt.Errorf("cargo line %q: %v", line, err)
			}
			at := shape.path
			dep.Line = text[:at.Offset] + TOMLString(abs) + text[at.Offset+at.Length:]
		}
	}
	return dep, nil
}

// cargoLineShape is what the TOML syntax tree says of a line.
type cargoLineShape struct {
	header  bool            // has a [table] or [[array table]] header
	entries int             // top-level key = value expressions
	path    *unstable.Range // the dependency's `path` string, as written
}

func scanCargoLine(text string) cargoLineShape {
	var shape cargoLineShape
	var p unstable.Parser
	p.Reset([]byte(text))
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			shape.header = true
		case unstable.KeyValue:
			shape.entries++
			key := keyParts(e)
			value := e.Value()
			switch {
			case len(key) == 2 && key[1] == "path" && value.Kind == unstable.String:
				r := value.Raw
				shape.path = &r
			case len(key) == 1 && value.Kind == unstable.InlineTable:
				for it := value.Children(); it.Next(); {
					kv := it.Node()
					if kv.Kind != unstable.KeyValue || kv.Value().Kind != unstable.String {
						continue
					}
					if k := keyParts(kv); len(k) == 1 && k[0] == "path" {
						r := kv.Value().Raw
						shape.path = &r
					}
				}
			}
		}
	}
	return shape
}

func keyParts(kv *unstable.Node) []string {
	var parts []string
	for it := kv.Key(); it.Next(); {
		parts = append(parts, string(it.Node().Data))
	}
	return parts
}

// TOMLString quotes s as a TOML basic string, as a cargo: line holds it.
func TOMLString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, c)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// tomlType names a decoded TOML value's type for messages.
func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return "a date/time"
}
