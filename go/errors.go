package otelbridge

import (
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// wrapError names the component in err and turns Rust's error kinds into what the collector's
// helpers act on: permanent errors are consumererror permanent errors (no retry), retryable ones
// with a retry-after are exporterhelper throttle errors (retry after that delay). The
// *bridge.Error stays reachable through the wrapping, so status.FromError finds its gRPC status.
func wrapError(id component.ID, err error) error {
	if err == nil {
		return nil
	}
	wrapped := fmt.Errorf("%s: %w", id, err)
	var rustErr *bridge.Error
	if !errors.As(err, &rustErr) {
		return wrapped
	}
	switch {
	case rustErr.Permanent:
		return consumererror.NewPermanent(wrapped)
	case rustErr.RetryAfter > 0:
		return exporterhelper.NewThrottleRetry(wrapped, rustErr.RetryAfter)
	}
	return wrapped
}
