package edits

import (
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Rust reads text that is not UTF-8 with each invalid sequence replaced by U+FFFD (Rust's
// String::from_utf8_lossy), as pdata keeps it as sent: an edit naming an attribute key is
// Rust's reading of it. existingKey finds the key as Go holds it.

// existingKey returns the key of m's attribute that Rust reads as key: key itself, unless m
// has no attribute of that key but one whose key is not UTF-8 and reads as key once made valid.
// Keys without U+FFFD (nearly all) cost one scan of the key.
func existingKey(m pcommon.Map, key string) string {
	if !strings.ContainsRune(key, utf8.RuneError) {
		return key
	}
	if _, ok := m.Get(key); ok {
		return key
	}
	found := key
	m.Range(func(k string, _ pcommon.Value) bool {
		if !utf8.ValidString(k) && lossyUTF8(k) == key {
			found = k
			return false
		}
		return true
	})
	return found
}

// lossyUTF8 is Rust's String::from_utf8_lossy: each maximal invalid subsequence (Unicode's
// "substitution of maximal subparts") becomes one U+FFFD.
func lossyUTF8(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError || size > 1 {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		b.WriteRune(utf8.RuneError)
		i += maximalSubpart(s[i:])
	}
	return b.String()
}

// maximalSubpart is the length of the invalid sequence s starts with: its lead byte and the
// continuation bytes that could still have completed it.
func maximalSubpart(s string) int {
	lo, hi := byte(0x80), byte(0xBF)
	var need int
	switch c := s[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c == 0xED:
		need, hi = 2, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		need = 2
	case c == 0xF0:
		need, lo = 3, 0x90
	case c == 0xF4:
		need, hi = 3, 0x8F
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	default:
		return 1
	}
	n := 1
	for ; n <= need && n < len(s); n++ {
		if b := s[n]; b < lo || b > hi {
			break
		}
		lo, hi = 0x80, 0xBF
	}
	return n
}
