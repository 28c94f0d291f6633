package manifest

import "strings"

// lookupKey finds the key of m that ocb's decoder (mapstructure) reads for name: name itself,
// else a key equal to it ignoring case.
func lookupKey(m map[string]any, name string) (string, bool) {
	if _, ok := m[name]; ok {
		return name, true
	}
	var found string
	for key := range m {
		if strings.EqualFold(key, name) && (found == "" || key < found) {
			found = key
		}
	}
	return found, found != ""
}

// deleteFold removes every key of m equal to name ignoring case.
func deleteFold(m map[string]any, name string) {
	for key := range m {
		if strings.EqualFold(key, name) {
			delete(m, key)
		}
	}
}

// entries are a component list's value as ocb's decoder reads it: a list, or a single
// mapping taken as a list of one (weakly typed input), or nothing.
func entries(value any) []any {
	switch v := value.(type) {
	case nil:
		return nil
	case []any:
		return v
	case map[string]any:
		if len(v) == 0 {
			return nil
		}
	}
	return []any{value}
}
