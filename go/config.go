package otelbridge

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// Config is the config of a Rust component: its YAML section, kept as a generic map, with the
// Rust defaults underneath. Rust decides what is valid.
type Config struct {
	component *bridge.Component
	loadErr   error
	values    map[string]any
}

var (
	_ component.Config    = (*Config)(nil)
	_ confmap.Unmarshaler = (*Config)(nil)
	_ confmap.Marshaler   = (*Config)(nil)
	_ confmap.Validator   = (*Config)(nil)
)

// newConfig makes the default config of c from Rust's default JSON.
func newConfig(c *bridge.Component, loadErr error) *Config {
	cfg := &Config{component: c, loadErr: loadErr, values: map[string]any{}}
	if c == nil {
		return cfg
	}
	defaults, err := c.DefaultConfig()
	if err == nil {
		err = json.Unmarshal(defaults, &cfg.values)
	}
	if err != nil {
		cfg.loadErr = fmt.Errorf("reading the default config of %s %q: %w", c.Kind, c.Type, err)
	}
	return cfg
}

// Unmarshal lays the user's section over the defaults: maps merge key by key, everything else
// (lists included) is replaced, as for Go components.
func (c *Config) Unmarshal(conf *confmap.Conf) error {
	merged := confmap.NewFromStringMap(c.values)
	if err := merged.Merge(conf); err != nil {
		return err
	}
	c.values = merged.ToStringMap()
	return nil
}

// Marshal writes the config back out, as the collector does after validation. It has a value
// receiver because confmap looks for Marshaler on the dereferenced struct.
func (c Config) Marshal(conf *confmap.Conf) error {
	return conf.Merge(confmap.NewFromStringMap(c.values))
}

// Validate asks Rust. Its errors name the field's path, such as "rules[2].pattern: ...".
func (c *Config) Validate() error {
	if c.loadErr != nil {
		return c.loadErr
	}
	raw, err := c.JSON()
	if err != nil {
		return err
	}
	return c.component.ValidateConfig(raw)
}

// JSON is the config as Rust reads it.
func (c *Config) JSON() ([]byte, error) {
	// YAML has .nan and .inf, JSON has neither: say which field holds one, as Rust's errors do.
	if path, ok := nonFinite("", c.values); ok {
		return nil, fmt.Errorf("%s: must be a finite number (NaN and infinities cannot be passed to a Rust component)", path)
	}
	raw, err := json.Marshal(c.values)
	if err != nil {
		return nil, fmt.Errorf("encoding the config as JSON: %w", err)
	}
	return raw, nil
}

// Values is the config as a map (defaults merged with the user's section).
func (c *Config) Values() map[string]any {
	return c.values
}

// nonFinite finds a NaN or infinite number in v, and returns its field path (`a.b[2]`).
func nonFinite(path string, v any) (string, bool) {
	switch v := v.(type) {
	case float64:
		return path, math.IsNaN(v) || math.IsInf(v, 0)
	case float32:
		return nonFinite(path, float64(v))
	case map[string]any:
		keys := make([]string, 0, len(v))
		for key := range v {
			keys = append(keys, key)
		}
		sort.Strings(keys) // the first in a stable order
		for _, key := range keys {
			inner := key
			if path != "" {
				inner = path + "." + key
			}
			if found, ok := nonFinite(inner, v[key]); ok {
				return found, true
			}
		}
	case []any:
		for i, item := range v {
			if found, ok := nonFinite(fmt.Sprintf("%s[%d]", path, i), item); ok {
				return found, true
			}
		}
	}
	return "", false
}
