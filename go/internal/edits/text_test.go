package edits

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// What Rust's String::from_utf8_lossy makes of each (its documented and tested cases).
func TestLossyUTF8ReadsAsRustDoes(t *testing.T) {
	for in, want := range map[string]string{
		"user.email":             "user.email",
		"user.\xffmail":          "user.\uFFFDmail",
		"\xff\xfe":               "\uFFFD\uFFFD",
		"\xe2\x82":               "\uFFFD", // a truncated sequence is one subpart
		"\xe2\x82x":              "\uFFFDx",
		"\xed\xa0\x80":           "\uFFFD\uFFFD\uFFFD", // a surrogate: ED's second byte must be below A0
		"\xf0\x90\x80":           "\uFFFD",
		"\xf4\x90\x80\x80":       "\uFFFD\uFFFD\uFFFD\uFFFD", // past U+10FFFF
		"Hello\xc0\x80There":     "Hello\uFFFD\uFFFDThere",
		"Hello\xf0\x90\x80World": "Hello\uFFFDWorld",
		"\uFFFD as sent":         "\uFFFD as sent",
	} {
		if got := lossyUTF8(in); got != want {
			t.Errorf("lossyUTF8(%q) = %q, want %q", in, got, want)
		}
	}
}

// An edit names a key as Rust read it: an attribute whose key is not UTF-8 is the one it means.
func TestEditsNameKeysThatAreNotUTF8AsRustReadsThem(t *testing.T) {
	m := pcommon.NewMap()
	m.PutStr("user.\xffmail", "someone@example.com")
	m.PutStr("user.\uFFFDmail", "a key that is U+FFFD as sent")
	if key := existingKey(m, "user.\uFFFDmail"); key != "user.\uFFFDmail" {
		t.Errorf("existingKey found %q: the key as sent comes first", key)
	}
	m.Remove("user.\uFFFDmail")
	if key := existingKey(m, "user.\uFFFDmail"); key != "user.\xffmail" {
		t.Errorf("existingKey found %q, want the key that is not UTF-8", key)
	}
	if key := existingKey(m, "other\uFFFD"); key != "other\uFFFD" {
		t.Errorf("existingKey of a key the map lacks = %q, want it back", key)
	}
}
