package shimtest

import (
	"math"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/confmap"

	otelbridge "github.com/otelbridge/otelbridge/go"
)

func TestDefaultConfigComesFromRust(t *testing.T) {
	cfg := otelbridge.NewProcessorFactory("probe").CreateDefaultConfig().(*otelbridge.Config)
	want := map[string]any{"action": "pass", "weight": float64(1)}
	if got := cfg.Values(); got["action"] != want["action"] || got["weight"] != want["weight"] || len(got) != 2 {
		t.Fatalf("default config = %v, want %v", got, want)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("the default config must be valid: %v", err)
	}
}

func TestConfigRoundTripsThroughConfmap(t *testing.T) {
	factory := otelbridge.NewProcessorFactory("probe")
	cfg := probeConfig(t, factory, map[string]any{"action": "drop"})
	// The collector marshals component configs nested in its whole config, as here.
	out := confmap.New()
	if err := out.Marshal(map[string]any{"probe": cfg}); err != nil {
		t.Fatal(err)
	}
	got, _ := out.ToStringMap()["probe"].(map[string]any)
	if got["action"] != "drop" || got["weight"] != float64(1) {
		t.Fatalf("marshalled config = %v: want the user's action over the default weight", got)
	}
	again := probeConfig(t, factory, got)
	if again.Values()["action"] != "drop" {
		t.Fatalf("reloaded config = %v", again.Values())
	}
}

func TestValidationErrorsNameTheField(t *testing.T) {
	factory := otelbridge.NewProcessorFactory("probe")
	cases := map[string]struct {
		section map[string]any
		want    string
	}{
		"value check":   {map[string]any{"weight": 0}, "weight: must be at least 1"},
		"unknown field": {map[string]any{"wieght": 2}, "unknown field `wieght`"},
		"wrong type":    {map[string]any{"weight": "heavy"}, "weight: invalid type: string"},
		"bad action":    {map[string]any{"action": "fly"}, `action: unknown action "fly"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := probeConfig(t, factory, tc.section).Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestAnEmptySectionKeepsTheDefaults(t *testing.T) {
	cfg := probeConfig(t, otelbridge.NewProcessorFactory("probe"), nil)
	if cfg.Values()["action"] != "pass" {
		t.Fatalf("config = %v", cfg.Values())
	}
}

func TestAMissingComponentFailsValidationNotStartup(t *testing.T) {
	factory := otelbridge.NewProcessorFactory("nosuch")
	err := factory.CreateDefaultConfig().(*otelbridge.Config).Validate()
	if err == nil || !strings.Contains(err.Error(), `the linked Rust library has no processor of type "nosuch"`) {
		t.Fatalf("Validate() = %v", err)
	}
}

// YAML can say .nan and .inf; JSON, which carries a config to Rust, cannot: the error names the
// field rather than failing inside the JSON encoder.
func TestNonFiniteNumbersAreAnErrorNamingTheField(t *testing.T) {
	factory := otelbridge.NewProcessorFactory("probe")
	cases := map[string]map[string]any{
		"weight":           {"weight": math.NaN()},
		"nested.list[1]":   {"nested": map[string]any{"list": []any{1.0, math.Inf(1)}}},
		"nested.deeper[0]": {"nested": map[string]any{"deeper": []any{math.Inf(-1)}}},
	}
	for path, section := range cases {
		err := probeConfig(t, factory, section).Validate()
		if err == nil || !strings.HasPrefix(err.Error(), path+": must be a finite number") {
			t.Errorf("Validate(%v) = %v, want an error naming %s", section, err, path)
		}
	}
}
