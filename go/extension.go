package otelbridge

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// ExtensionFactories returns a factory for every extension in the linked Rust library.
func ExtensionFactories() ([]extension.Factory, error) {
	components, err := componentsOf(bridge.KindExtension)
	if err != nil {
		return nil, err
	}
	factories := make([]extension.Factory, 0, len(components))
	for _, c := range components {
		factories = append(factories, newExtensionFactory(c.Type, c, nil))
	}
	return factories, nil
}

// NewExtensionFactory returns the factory of the Rust extension typ. If the linked library lacks
// it, the factory still exists and its config fails validation with the reason.
func NewExtensionFactory(typ string) extension.Factory {
	c, err := lookup(bridge.KindExtension, typ)
	return newExtensionFactory(typ, c, err)
}

// ExtensionFactoryFunc returns a NewFactory function for the Rust extension typ, as the builder's
// generated packages expose it.
func ExtensionFactoryFunc(typ string) func() extension.Factory {
	return func() extension.Factory { return NewExtensionFactory(typ) }
}

func newExtensionFactory(typ string, c *bridge.Component, loadErr error) extension.Factory {
	return extension.NewFactory(component.MustNewType(typ),
		func() component.Config { return newConfig(c, loadErr) },
		createExtension, stability(c))
}

// rustExtension is a Rust extension: a lifecycle and nothing else.
type rustExtension struct {
	*lifecycle
}

var _ extension.Extension = (*rustExtension)(nil)

func createExtension(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	config, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("%s: unexpected config type %T", set.ID, cfg)
	}
	return &rustExtension{lifecycle: newLifecycle(set.ID, config, set.TelemetrySettings, "extension", "")}, nil
}
