package otelbridge

import (
	"fmt"

	"go.opentelemetry.io/collector/component"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// lookup finds the component of kind and type typ in the linked library. When the library cannot
// be opened or lacks the component, the error is returned for the factory to report at config
// validation, so a collector that does not use the component still starts.
func lookup(kind bridge.Kind, typ string) (*bridge.Component, error) {
	lib, err := bridge.Open()
	if err != nil {
		return nil, err
	}
	c := lib.Find(kind, typ)
	if c == nil {
		return nil, fmt.Errorf("the linked Rust library has no %s of type %q", kind, typ)
	}
	return c, nil
}

// componentsOf lists the library's components of kind.
func componentsOf(kind bridge.Kind) ([]*bridge.Component, error) {
	lib, err := bridge.Open()
	if err != nil {
		return nil, err
	}
	var out []*bridge.Component
	for _, c := range lib.Components {
		if c.Kind == kind {
			out = append(out, c)
		}
	}
	return out, nil
}

func stability(c *bridge.Component) component.StabilityLevel {
	if c == nil {
		return component.StabilityLevelUndefined
	}
	return component.StabilityLevel(c.Stability)
}
