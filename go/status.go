package otelbridge

import (
	"errors"

	"go.opentelemetry.io/collector/component/componentstatus"

	"github.com/otelbridge/otelbridge/go/bridge"
)

// meterScope prefixes the instrumentation scope of each Rust component's meter, as Go components
// use their import path.
const meterScope = "github.com/otelbridge/otelbridge/"

// statusEvent turns a Rust status report into the collector's status event.
func statusEvent(code bridge.StatusCode, message string) *componentstatus.Event {
	switch code {
	case bridge.StatusRecoverableError:
		return componentstatus.NewRecoverableErrorEvent(errors.New(message))
	case bridge.StatusPermanentError:
		return componentstatus.NewPermanentErrorEvent(errors.New(message))
	case bridge.StatusFatalError:
		return componentstatus.NewFatalErrorEvent(errors.New(message))
	}
	return componentstatus.NewEvent(componentstatus.StatusOK)
}
