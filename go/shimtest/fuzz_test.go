package shimtest

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	otelbridge "github.com/otelbridge/otelbridge/go"
)

// Fuzz targets through the real ABI: the seeds in testdata/fuzz/ run with `go test`; `scripts/fuzz.sh`
// fuzzes them (`go test -fuzz`). Inputs a client could send must never crash the collector:
// whatever Rust answers is a batch Go can marshal again, or an error that says what failed.

// fuzzActions are the probe's actions that touch the batch and return at once.
var fuzzActions = []string{"pass", "rewrite", "edit", "edit-everywhere", "drop"}

// FuzzTracesThroughRust: any bytes Go's pdata unmarshals go through the probe, whichever way it
// answers (unchanged, replaced, edits Go applies, dropped). The result marshals and unmarshals
// again, and Go's application of the edit-everywhere edits equals Rust's own (the SDK's resolve).
func FuzzTracesThroughRust(f *testing.F) {
	var m ptrace.ProtoMarshaler
	seed, _ := m.MarshalTraces(spans(2))
	f.Add(seed, uint8(3))
	rich, _ := m.MarshalTraces(richTraces())
	f.Add(rich, uint8(3))

	sinks := map[string]*consumertest.TracesSink{}
	procs := map[string]func(context.Context, ptrace.Traces) error{}
	for _, action := range append(fuzzActions, "edit-everywhere-resolved") {
		sink := new(consumertest.TracesSink)
		p, _ := startedProbeFeeding(f, "fuzz-"+action, map[string]any{"action": action}, sink)
		sinks[action], procs[action] = sink, p.ConsumeTraces
	}
	f.Fuzz(func(t *testing.T, data []byte, choice uint8) {
		var u ptrace.ProtoUnmarshaler
		if _, err := u.UnmarshalTraces(data); err != nil {
			return // pdata refuses it: it never reaches a processor
		}
		action := fuzzActions[int(choice)%len(fuzzActions)]
		results := map[string]string{}
		for _, a := range []string{action, "edit-everywhere-resolved"} {
			td, _ := u.UnmarshalTraces(data) // each processor gets its own copy, as in a pipeline fan-out
			sinks[a].Reset()
			err := procs[a](context.Background(), td)
			results[a] = outcome(t, a, err, sinks[a])
		}
		if action == "edit-everywhere" && asRustReadsText(results[action]) != asRustReadsText(results["edit-everywhere-resolved"]) {
			t.Fatalf("Go's application of Rust's edits differs from Rust's:\n go   %s\n rust %s", results[action], results["edit-everywhere-resolved"])
		}
	})
}

// replacementRuns are runs of U+FFFD, the replacement character.
var replacementRuns = regexp.MustCompile("\uFFFD+")

// asRustReadsText makes text that is not UTF-8 comparable: Go keeps the bytes as sent, the batch
// Rust decoded holds U+FFFD for each invalid sequence (Rust's from_utf8_lossy). Both become one
// U+FFFD per run of invalid bytes.
func asRustReadsText(s string) string {
	return replacementRuns.ReplaceAllString(strings.ToValidUTF8(s, "\uFFFD"), "\uFFFD")
}

// outcome checks what the processor passed on or the error it returned, and describes it.
func outcome(t *testing.T, action string, err error, sink *consumertest.TracesSink) string {
	t.Helper()
	if err != nil {
		if err.Error() == "" || strings.Contains(err.Error(), "panicked") {
			t.Fatalf("%s: %v", action, err)
		}
		return "error" // the messages name each processor's own id
	}
	var out strings.Builder
	for _, td := range sink.AllTraces() {
		var m ptrace.ProtoMarshaler
		raw, err := m.MarshalTraces(td)
		if err != nil {
			t.Fatalf("%s: the batch Rust's answer gave does not marshal: %v", action, err)
		}
		var u ptrace.ProtoUnmarshaler
		if _, err := u.UnmarshalTraces(raw); err != nil {
			t.Fatalf("%s: the batch Rust's answer gave does not unmarshal again: %v", action, err)
		}
		var j ptrace.JSONMarshaler
		text, _ := j.MarshalTraces(td)
		out.Write(text)
	}
	return out.String()
}

// FuzzConfigThroughRust: any config section (a JSON object standing for the YAML map) either
// validates and creates, or fails naming a key the user wrote; never a panic.
func FuzzConfigThroughRust(f *testing.F) {
	for _, seed := range []string{
		`{"action":"edit","weight":3}`, `{"weight":0}`, `{"wieght":2}`, `{"action":["x"]}`,
		`{"rules":[{"pattern":"[0-9]{4}","action":"hash","attributes":["k"]}],"mask_text":"#"}`,
		`{"rules":[{"pattern":"("}]}`, `{"drop":[{"attribute":"a","pattern":"^x"}],"summary_attribute":null}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var section map[string]any
		if json.Unmarshal(raw, &section) != nil || section == nil {
			return
		}
		for _, name := range []string{"probe", "redact"} {
			factory := otelbridge.NewProcessorFactory(name)
			cfg := factory.CreateDefaultConfig().(*otelbridge.Config)
			conf := confmap.NewFromStringMap(section)
			if err := cfg.Unmarshal(conf); err != nil {
				continue // confmap refuses it before Rust sees it
			}
			err := cfg.Validate()
			if err != nil {
				// The keys as the collector reads them: confmap splits a key at "::" into nested
				// keys ({"a::b": 1} is {"a": {"b": 1}}), and Rust names what it was given.
				if strings.Contains(err.Error(), "panicked") || !namesAKey(err.Error(), conf.ToStringMap()) {
					t.Fatalf("%s: Validate() = %q names no key of %s", name, err, raw)
				}
				continue
			}
			set := processortest.NewNopSettings(factory.Type())
			p, err := factory.CreateTraces(context.Background(), set, cfg, new(consumertest.TracesSink))
			if err != nil {
				t.Fatalf("%s: a config that validates does not create: %v", name, err)
			}
			if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
				t.Fatalf("%s: a config that validates does not start: %v", name, err)
			}
			_ = p.Shutdown(context.Background())
		}
	})
}

// namesAKey says whether msg mentions a key of v, at any depth.
func namesAKey(msg string, v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for key, inner := range v {
			if strings.Contains(msg, key) || namesAKey(msg, inner) {
				return true
			}
		}
	case []any:
		for _, inner := range v {
			if namesAKey(msg, inner) {
				return true
			}
		}
	}
	return false
}

// FuzzClientMetadataReachesRust: any metadata key and value bytes (HTTP headers need not be
// UTF-8, gRPC -bin values are binary) reach Rust as sent: the probe's edit action writes back the
// value as text, and as hex when it is not UTF-8.
func FuzzClientMetadataReachesRust(f *testing.F) {
	f.Add("x-tenant", []byte("acme"))
	f.Add("x-latin1", []byte("caf\xe9"))
	f.Add("x-key-bin", []byte{0, 0xff, 0x80})
	sink := new(consumertest.TracesSink)
	p, _ := startedProbeFeeding(f, "fuzz-metadata", map[string]any{"action": "edit"}, sink)
	f.Fuzz(func(t *testing.T, key string, value []byte) {
		if strings.EqualFold(key, "probe-action") || key == "" {
			return // the probe's own control key
		}
		sink.Reset()
		md := client.NewMetadata(map[string][]string{key: {string(value)}})
		for k := range md.Keys() {
			key = k // as Go holds it (lower case)
		}
		ctx := client.NewContext(context.Background(), client.Info{Metadata: md})
		if err := p.ConsumeTraces(ctx, spans(1)); err != nil {
			t.Fatalf("metadata %q=%q: %v", key, value, err)
		}
		attrs := sink.AllTraces()[0].ResourceSpans().At(0).Resource().Attributes()
		if !utf8.ValidString(key) {
			return // the key arrives lossily: nothing exact to look up
		}
		got, ok := attrs.Get("probe.md." + key)
		if !ok {
			t.Fatalf("metadata %q did not reach Rust: %v", key, attrs.AsRaw())
		}
		if utf8.Valid(value) {
			if got.Str() != string(value) {
				t.Fatalf("metadata %q: Rust read %q, sent %q", key, got.Str(), value)
			}
			return
		}
		if raw, _ := attrs.Get("probe.md." + key + ".hex"); raw.Str() != hex.EncodeToString(value) {
			t.Fatalf("metadata %q: Rust read bytes %s, sent %x", key, raw.Str(), value)
		}
	})
}
