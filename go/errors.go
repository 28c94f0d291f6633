package otelbridge

import (
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// wrapError names the component in err and marks errors Rust called permanent, so the
// collector's helpers stop retrying them.
func wrapError(id component.ID, err error) error {
	if err == nil {
		return nil
	}
	wrapped := fmt.Errorf("%s: %w", id, err)
	var status *bridge.Error
	if errors.As(err, &status) && status.Permanent {
		return consumererror.NewPermanent(wrapped)
	}
	return wrapped
}
