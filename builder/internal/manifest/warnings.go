package manifest

import (
	"fmt"
	"sort"
)

// warnings are the manifest's non-fatal findings: each key unknown to both ocb and us (which
// ocb ignores), as the decoder reported it unused, and the upstream keys a cargo module has
// no use for.
func (m *Manifest) warnings(unused []string) []string {
	keys := append([]string(nil), unused...)
	sort.Strings(keys)
	var out []string
	for _, key := range keys {
		out = append(out, fmt.Sprintf("unknown key %q (ignored)", key))
	}
	for _, module := range m.Modules {
		if module.Cargo == "" || module.GoMod != "" {
			continue
		}
		if module.Path != "" {
			out = append(out, fmt.Sprintf("key %q is ignored for a cargo module (give a path in the cargo line)", fmt.Sprintf("%s[%d].path", module.Kind, module.Index)))
		}
		if module.Import != "" {
			out = append(out, fmt.Sprintf("key %q is ignored for a cargo module (its Go package is generated)", fmt.Sprintf("%s[%d].import", module.Kind, module.Index)))
		}
	}
	return out
}
