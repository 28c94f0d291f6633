package runtimeext

import (
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
)

// componentType is the extension's name in configs: `extensions: { otelbridge: ... }`.
var componentType = component.MustNewType("otelbridge")

const stability = component.StabilityLevelAlpha

// NewFactory returns the factory of the otelbridge runtime extension.
func NewFactory() extension.Factory {
	return extension.NewFactory(componentType, createDefaultConfig, createExtension, stability)
}
