package edits

import (
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The encoding is written by the Rust SDK; these hand-made buffers cover what its tests cannot:
// bad input must fail with a clear error and leave the batch as it was. That Go applies good
// edits exactly as the SDK does is checked end to end in the otelbridge package (edits_test.go).

// setStr encodes "set attribute key=value on resource r".
func setStr(r byte, key, value string) []byte {
	b := []byte{byte(opSet), byte(kindResource), r, 0, 0, 0, byte(len(key)), 0, 0, 0}
	b = append(b, key...)
	b = append(b, valueStr, byte(len(value)), 0, 0, 0)
	return append(b, value...)
}

func oneResource() ptrace.Traces {
	td := ptrace.NewTraces()
	td.ResourceSpans().AppendEmpty().Resource().Attributes().PutStr("k", "before")
	return td
}

func TestGoodEditsApply(t *testing.T) {
	td := oneResource()
	if err := Traces(td, setStr(0, "k", "after")); err != nil {
		t.Fatal(err)
	}
	if v, _ := td.ResourceSpans().At(0).Resource().Attributes().Get("k"); v.Str() != "after" {
		t.Fatalf("k = %q", v.Str())
	}
}

func TestBadEditsFailAndChangeNothing(t *testing.T) {
	good := setStr(0, "k", "after")
	for name, tc := range map[string]struct {
		wire []byte
		want string
	}{
		"beyond the batch": {append(good, setStr(1, "k", "x")...), "edit 1 addresses resource 1, which the batch does not have"},
		"cut short":        {append(good, good[:7]...), "edit 1 (at byte 21) is malformed: cut short"},
		"unknown op":       {append(good, 9, 0, 0, 0, 0, 0), "edit 1 (at byte 21) is malformed: unknown op 9"},
		"unknown kind":     {append(good, byte(opDrop), 7), "edit 1 (at byte 21) is malformed: unknown target kind 7"},
		"unknown value":    {append(good[:len(good)-10:len(good)-10], 8), "edit 0 (at byte 0) is malformed: unknown value tag 8"},
		"resource dropped": {append(good, byte(opDrop), byte(kindResource), 0, 0, 0, 0), "edit 1 addresses resource 0"},
		"bad any":          {append(good[:len(good)-10:len(good)-10], valueAny, 2, 0, 0, 0, 0xff, 0xff), "edit 0 (at byte 0) is malformed"},
	} {
		t.Run(name, func(t *testing.T) {
			td := oneResource()
			err := Traces(td, tc.wire)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
			if v, _ := td.ResourceSpans().At(0).Resource().Attributes().Get("k"); v.Str() != "before" {
				t.Fatalf("a failed set of edits changed the batch: k = %q", v.Str())
			}
		})
	}
}
